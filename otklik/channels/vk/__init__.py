"""VK (ВКонтакте) adapter: the community's Callback API, monitoring of public posts, answers.

- **In (Callback API)**: ``POST /channels/vk/callback/``. VK first asks for the confirmation
  string (``type: confirmation`` → ``OTKLIK_VK_CONFIRMATION`` as plain text); every other event
  carries the secret key set in the community's settings (``OTKLIK_VK_SECRET``). Taken:
  ``message_new`` (a private message to the community → kind ``message``), ``wall_post_new``
  and ``wall_reply_new`` (a post or a comment on the community's wall → kind ``publication``).
  Other events are kept and discarded. A delivery with a wrong or missing secret is answered
  ``403 forbidden`` and nothing is stored: VK then retries and, after repeated failures, shows
  the error in the community's Callback API settings — the misconfiguration is visible where it
  is fixed. Every accepted event is answered ``ok`` (also when it went to the quarantine, so VK
  does not retry what will not parse better).
- **Idempotency**: the external id names the item, not the delivery: ``wall:<owner>_<post>``,
  ``comment:<owner>_<post>_<comment>``, ``msg:<peer>_<conversation_message_id>``. VK's retried
  deliveries and the same post found by the monitor are one message.
- **Monitoring** (``vk.monitor``, periodic): ``newsfeed.search`` with the keywords and points of
  ``data/monitor.toml`` (or ``OTKLIK_VK_MONITOR_FILE``); a found post is taken only when the
  location stage places it in the oblast (by its text or geotag). Cursor per search in
  ``ChannelState``.
- **Out**: the outbox transport answers every VK message of the case on behalf of the community:
  ``messages.send`` to a private message (``random_id`` derived from the outbox row, so a retry
  is not sent twice), ``wall.createComment`` with ``from_group`` under a post, with
  ``reply_to_comment`` under a comment (``guid`` derived from the outbox row).

Configuration (environment or ``*_FILE``): ``OTKLIK_VK_GROUP_ID``, ``OTKLIK_VK_CONFIRMATION``,
``OTKLIK_VK_SECRET``, ``OTKLIK_VK_TOKEN`` (community key: messages), ``OTKLIK_VK_USER_TOKEN``
(key of a community admin: newsfeed.search and comments), ``OTKLIK_VK_API_URL``,
``OTKLIK_VK_API_VERSION``, ``OTKLIK_VK_MONITOR_FILE``.
"""
