"""Одноклассники (OK) adapter: the group's chats through OK's Bot API for groups (Graph API).

What OK allows and Otklik does:

- **In**: OK posts an event to the webhook the group subscribed (``POST graph/me/subscribe``
  with ``{"url": …}``; ``otklik ok_subscribe URL`` does it). OK signs nothing, so the webhook's
  address carries a secret: ``POST /channels/ok/webhook/<OTKLIK_OK_WEBHOOK_SECRET>/``; another
  address is answered 403 and nothing is stored. ``MESSAGE_CREATED`` (a user wrote to the
  group's chat) → kind ``message``; other webhook types are kept and discarded. The external id
  is ``<chat_id>/<mid>``, so OK's repeated deliveries change nothing.
- **Out**: the outbox transport answers into the same chat on behalf of the group
  (``POST graph/me/messages/<chat_id>`` with ``{"recipient": {"chat_id"}, "message": {"text"}}``).
  The Graph API has no idempotency key: a delivery whose answer was lost in the network may, when
  retried, reach the chat twice (the outbox remembers each chat already answered).

What is not done: posts and comments on the group's page (OK's REST API ``fb.do`` with the
``sig`` signature: ``mediatopic.*``, ``discussions.*``) — OK gives them to applications it has
approved for group content, and they would be polled, not pushed; keyword monitoring of public
OK posts has no open API (the ЦУР gets it through «Инцидент Менеджмент»).

Configuration (environment or ``*_FILE``): ``OTKLIK_OK_TOKEN`` (the group's Bot API key,
«Настройки → Сообщения → Работа с API»), ``OTKLIK_OK_WEBHOOK_SECRET``, ``OTKLIK_OK_API_URL``.
"""
