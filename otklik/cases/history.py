"""Replaying history: the services driven through moments that are already past.

The demo region is set up by driving its messages through the real services at the moments they
"happened" (each service is given that moment as ``now``). What those services would hand to the
outside world at the time — an answer sent to a Telegram chat, a notice to the author, an
escalation e-mail — belongs to that past: replaying it must not send anything today, nor queue
thousands of deliveries that the worker would then try at its first start.

Inside ``replaying()``:
- a delivery queued in the outbox is not handed to the task queue; it waits in the replay's list
  until ``outbox_replay`` (cases.outbox) records it as done at the moment it was queued;
- the news of a case (author notices, channel posts) is not told to the listeners;
- escalation e-mails are not sent.
Everything written to the database (events, answers, the outbox rows, the audit) is written as
usual.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_QUEUED: ContextVar[list[int] | None] = ContextVar("otklik_replay_outbox", default=None)


@contextmanager
def replaying() -> Iterator[list[int]]:
    """Replay past moments in this block; yields the ids of the outbox rows queued in it."""
    queued: list[int] = []
    token = _QUEUED.set(queued)
    try:
        yield queued
    finally:
        _QUEUED.reset(token)


def is_replaying() -> bool:
    return _QUEUED.get() is not None


def replay_outbox_take() -> list[int]:
    """The outbox rows queued in the replay so far (emptied: each is taken once)."""
    queued = _QUEUED.get()
    if not queued:
        return []
    taken = list(queued)
    queued.clear()
    return taken


def replay_outbox_hold(outbox_id: int) -> bool:
    """Keep ``outbox_id`` for ``outbox_replay`` instead of the task queue; false outside a
    replay."""
    queued = _QUEUED.get()
    if queued is None:
        return False
    queued.append(outbox_id)
    return True
