"""Одноклассники (OK) adapter: the group's chats (Bot API for groups, Graph API) and the group's
page — its topics (posts) and their comments (REST API ``fb.do``).

What OK allows and Otklik does:

- **Chats in**: OK posts an event to the webhook the group subscribed (``POST graph/me/subscribe``
  with ``{"url": …}``; ``otklik ok_subscribe URL`` does it). OK signs nothing, so the webhook's
  address carries a secret: ``POST /channels/ok/webhook/<OTKLIK_OK_WEBHOOK_SECRET>/``; another
  address is answered 403 and nothing is stored. ``MESSAGE_CREATED`` (a user wrote to the
  group's chat) → kind ``message``; other webhook types are kept and discarded. The external id
  is ``<chat_id>/<mid>``, so OK's repeated deliveries change nothing.
- **The group's page in** (``poll``, periodic job ``ok.poll``): OK pushes nothing about topics
  and comments to a server, so they are polled, each call signed (``client.rest_call``). New
  topics of the group come from ``group.getStatTopics`` (a time window from the cursor
  ``topics:since``), their content from ``mediatopic.getByIds``; comments under the group's
  recent topics (its own included) from ``discussions.getComments`` from each topic's own
  ``anchor``. A citizen's topic
  or comment → kind ``publication`` (as VK's wall posts and comments); the group's own topics
  and comments (its answers) are kept and discarded. External ids ``topic:<id>`` and
  ``comment:<topic id>/<comment id>``; an item already kept is not received again.
- **Out** (outbox transport): every OK item of the case is answered once on behalf of the group:
  a chat by a message into it (``POST graph/me/messages/<chat_id>``), a topic by a comment under
  it and a comment by a reply to it (``discussions.addDiscussionComment`` with
  ``entityType=GROUP_TOPIC``, ``reply_to_comment_id``, ``as_admin=true`` — the group
  administration's official answer). Notices (case number, survey) go to the chats only. OK's
  error codes 1, 2, 7, 8, 11, 9999 (unknown, service unavailable, action temporarily blocked,
  flood, limit, system) are retried; the others (permission denied, not found, parameters,
  signature, session) are permanent refusals. Neither API takes an idempotency key: a delivery
  whose answer was lost in the network may, when retried, reach its place twice (the outbox
  remembers each place already answered).

The REST methods used, as documented by OK (https://apiok.ru/dev/methods/ — signature and
common parameters; the method pages, also in github.com/apiok/documentation
``docs/method/ru/<group>/<method>.md``):

- https://apiok.ru/dev/methods/rest/group/group.getStatTopics — ``gid``, ``start_time``,
  ``end_time`` (ms), ``anchor``, ``count``: the group's topics of a period. OK returns only
  topics that have statistics: a topic seen by its author alone is not listed until someone
  else sees it.
- https://apiok.ru/dev/methods/rest/mediatopic/mediatopic.getByIds — ``topic_ids``,
  ``media_limit`` (required for several topics, 1..3), ``fields``.
- https://apiok.ru/dev/methods/rest/discussions/discussions.getComments — ``discussionId``,
  ``discussionType``, ``anchor`` (also ``FIRST``), ``direction``, ``count``, ``fields``.
- https://apiok.ru/dev/methods/rest/discussions/discussions.addDiscussionComment —
  ``entityId``, ``entityType``, ``comment``, ``reply_to_comment_id``, ``as_admin``.

The documentation names these parameters but not every field of the answers: the answer fields
read here (``topics``/``id``, ``anchor``, ``has_more``; ``media_topics`` with ``id``,
``created_ms``, ``author_ref``, ``media``; ``entities.users``; ``comments`` with ``id``,
``author_id``, ``author_name``, ``text``, ``date_ms``) are the ones OK's API uses elsewhere and
are read defensively: an item that does not fit waits in the quarantine with the reason, an
answer that does not fit is reported in the channel's health and its cursor stays. They must be
checked against a real group before the poll is relied on.

The access token must be a group administrator's, for an application with the permissions
``GROUP_CONTENT`` (the documentation requires it to post into a group, ``mediatopic.post`` with
``gid``, and names it for ``group.getInfo``) and ``VALUABLE_ACCESS`` (named as required by
``discussions.getDiscussionLikes`` and ``group.getInfo``); the method pages used here do not
all state their permissions, so the exact set is to be confirmed with OK when the application
is registered (these are extended permissions OK grants on the application's request).

What is not done: keyword monitoring of public OK posts across the network. The documented
public methods have no full-text search of posts (``search.tagSearch`` / ``search.tagContents``
find #hashtags only), so that monitoring stays with «Инцидент Менеджмент»; Otklik does not
imitate it.

Configuration (environment or ``*_FILE``): chats — ``OTKLIK_OK_TOKEN`` (the group's Bot API key,
«Настройки → Сообщения → Работа с API»), ``OTKLIK_OK_WEBHOOK_SECRET``, ``OTKLIK_OK_API_URL``;
the group's page — ``OTKLIK_OK_APPLICATION_KEY`` (the application's public key),
``OTKLIK_OK_SECRET_KEY`` (its secret key), ``OTKLIK_OK_ACCESS_TOKEN`` (the administrator's
access token), ``OTKLIK_OK_GROUP_ID``, ``OTKLIK_OK_REST_URL`` (default
``https://api.ok.ru/fb.do``). Without the four the page is not read.
"""
