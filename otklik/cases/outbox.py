"""Delivery of approved answers (and of the author's notices, kind ``notice``) through the
channel of the case (the outbox).

Every delivery is queued by ``outbox_queue`` (the row, then the delivery task enqueued after
commit): the answers and questions of the cases, and the channels' notices to authors.

Each channel has a transport; the channel adapters (Telegram, VK, OK, e-mail …) register theirs
in ``TRANSPORTS``. A transport raises ``TransportError`` saying whether the failure is permanent
(a refused recipient) or worth retrying (a timeout). Channels without an adapter publish by hand:
the ЦУР marks the answer published (``case_publish``) after sending it by post or phone.

The outcome of every attempt (sent, or the error) is told to the listeners registered with
``register_delivery_listener`` (the channels base counts it on the channel's health).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from otklik.cases.choices import CaseStatus, OutboxStatus
from otklik.cases.history import replay_outbox_hold, replay_outbox_take
from otklik.cases.models import Case, OutboxMessage
from otklik.directory.models import Channel

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


class TransportError(Exception):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class ManualPublication(Exception):
    """The channel has no adapter: the ЦУР publishes by hand."""


def _publish_in_otklik(outbox: OutboxMessage) -> None:
    """The web form, Open311 and the phone line show the answer on Otklik's own tracking page:
    approving it is publishing it."""


def _manual(outbox: OutboxMessage) -> None:
    raise ManualPublication


Transport = Callable[[OutboxMessage], None]
TRANSPORTS: dict[str, Transport] = {
    "web": _publish_in_otklik,
    "open311": _publish_in_otklik,
    "phone": _publish_in_otklik,
}


def register_transport(channel_code: str, transport: Transport) -> None:
    TRANSPORTS[channel_code] = transport


# A delivery's outcome: ``listener(channel_code=…, error=…)``, ``error`` empty when sent.
DeliveryListener = Callable[..., None]
DELIVERY_LISTENERS: list[DeliveryListener] = []


def register_delivery_listener(listener: DeliveryListener) -> None:
    """Called by a higher app's ``ready()`` (the channels base: health)."""
    if listener not in DELIVERY_LISTENERS:
        DELIVERY_LISTENERS.append(listener)


def _tell(channel_code: str, error: str = "") -> None:
    for listener in DELIVERY_LISTENERS:
        listener(channel_code=channel_code, error=error)


def outbox_queue(
    *,
    case: Case,
    kind: str,
    payload: dict,
    channel: Channel | None = None,
    answer=None,
    refusal: str = "",
    now: dt.datetime | None = None,
) -> OutboxMessage:
    """Queue one delivery of ``case`` (in the caller's transaction): the row, then the delivery
    task enqueued after commit. ``channel``: the case's by default. ``refusal``: the row is
    stored failed at once with that reason and nothing is sent (the ЦУР sees why). ``now``:
    the moment of the queueing (the demo drives history at its own times). In a replay of
    history (``cases.history``) the row waits for ``outbox_replay`` instead of the task queue."""
    outbox = OutboxMessage.objects.create(
        case=case,
        answer=answer,
        channel=channel or case.channel,
        kind=kind,
        payload=payload,
        status=OutboxStatus.FAILED if refusal else OutboxStatus.PENDING,
        last_error=refusal,
        next_attempt_at=None if refusal else (now or timezone.now()),
    )
    if not refusal and not replay_outbox_hold(outbox.pk):
        transaction.on_commit(lambda: _enqueue_delivery(outbox.pk))
    return outbox


def outbox_replay() -> int:
    """Inside ``replaying()``: each outbox row queued so far is recorded as delivered at the
    moment it was queued, with what delivery does to its case (the answer published, the survey
    sent) — the transports are not called, for that moment is past. A channel without an adapter
    waits for the ЦУР's hand, as it would have. Returns how many rows were taken."""
    ids = replay_outbox_take()
    for pk in ids:
        outbox_deliver_one(pk, replay=True)
    return len(ids)


def _enqueue_delivery(outbox_id: int) -> None:
    from otklik.cases.tasks import outbox_deliver

    outbox_deliver.enqueue(outbox_id)


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(minutes=min(2**attempts, 24 * 60))


def outbox_deliver_one(outbox_id: int, *, replay: bool = False) -> str:
    """Try to deliver one outbox row; returns its status afterwards. ``replay``: see
    ``outbox_replay``."""
    from otklik.cases.services.answers import answer_mark_published, case_publish

    with transaction.atomic():
        outbox = (
            OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("channel", "case", "answer")
            .filter(pk=outbox_id)
            .first()
        )
        if outbox is None or outbox.status != OutboxStatus.PENDING:
            return outbox.status if outbox else "locked"
        transport = TRANSPORTS.get(outbox.channel.code, _manual)
        outbox.attempts += 1
        try:
            if not replay or transport is _manual:
                transport(outbox)
        except ManualPublication:
            outbox.next_attempt_at = None
            outbox.last_error = "Канал без адаптера: опубликуйте ответ вручную."
            outbox.save()
            return outbox.status
        except TransportError as exc:
            outbox.last_error = str(exc)
            if exc.permanent or outbox.attempts >= MAX_ATTEMPTS:
                outbox.status = OutboxStatus.FAILED
                outbox.next_attempt_at = None
            else:
                outbox.next_attempt_at = timezone.now() + _backoff(outbox.attempts)
            outbox.save()
            logger.warning("outbox %s: %s", outbox.pk, exc)
            what = "уведомления" if outbox.kind == "notice" else "ответа"
            _tell(outbox.channel.code, f"Отправка {what} {outbox.case.number}: {exc}")
            return outbox.status
        outbox.status = OutboxStatus.SENT
        outbox.sent_at = (outbox.next_attempt_at if replay else None) or timezone.now()
        outbox.next_attempt_at = None
        outbox.last_error = ""
        outbox.save()
        if not replay:  # the channel's health counts what it does today
            _tell(outbox.channel.code)
        answer = outbox.answer
        if (
            answer is not None
            and not answer.is_intermediate
            and outbox.case.status == CaseStatus.APPROVED
        ):
            case_publish(case=outbox.case, actor=None, answer=answer, now=outbox.sent_at)
        elif answer is not None and answer.is_intermediate and answer.published_at is None:
            answer_mark_published(answer=answer, at=outbox.sent_at)
        return outbox.status


def outbox_retry_due(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    now = now or timezone.now()
    ids = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in ids:
        outbox_deliver_one(pk)
    return len(ids)
