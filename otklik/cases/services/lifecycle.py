"""Moderation by the ЦУР, assignment, merge and split, reopen, redirect and extension."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.cases.choices import (
    FINAL_STATES,
    CaseStatus,
    ExtensionStatus,
    Priority,
    RedirectStatus,
)
from otklik.cases.limits import NOTE_MAX_LENGTH, text_within
from otklik.cases.models import Case, CaseRequest, ExtensionRequest, RedirectRequest
from otklik.cases.selectors import case_extension_limit
from otklik.cases.services.common import check_transition, lock, move, record, require
from otklik.cases.services.deadlines import deadlines_recompute
from otklik.cases.services.routing import route_case
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action
from otklik.directory.models import Organization
from otklik.intake.models import Message


def _need_reason(reason: str, what: str) -> str:
    reason = text_within(reason, limit=NOTE_MAX_LENGTH, what="причины")
    if not reason:
        raise ApplicationError(f"Укажите причину: {what}.")
    return reason


@transaction.atomic
def case_accept(
    *,
    case: Case,
    actor: Any,
    organization: Organization | None = None,
    priority: str | None = None,
    now: dt.datetime | None = None,
) -> Case:
    """ЦУР moderation: the case needs an answer; it goes to the organisation (given or routed)."""
    case = lock(case)
    require(actor, Action.CASE_MODERATE, case)
    check_transition(case, "accept")
    organization = organization or route_case(case)
    if organization is None:
        raise ApplicationError("Правило маршрутизации не нашло организацию: укажите её вручную.")
    case.organization = organization
    if priority:
        case.priority = Priority(priority)
    move(case, "accept", actor=actor, data={"organization": organization.code}, now=now)
    deadlines_recompute(case, now=now)
    return case


@transaction.atomic
def case_reject(*, case: Case, actor: Any, reason: str, now: dt.datetime | None = None) -> Case:
    """ЦУР moderation: no answer is needed (spam, not a problem, thanks …), with a reason."""
    case = lock(case)
    require(actor, Action.CASE_MODERATE, case)
    reason = _need_reason(reason, "почему ответ не требуется")
    case.closed_at = now or timezone.now()
    move(case, "reject", actor=actor, text=reason, now=now)
    return case


@transaction.atomic
def case_assign(
    *, case: Case, actor: Any, organization: Organization, co_executors: Iterable[Organization] = ()
) -> Case:
    case = lock(case)
    require(actor, Action.CASE_MODERATE, case)
    check_transition(case, "assign")
    before = case.organization.code if case.organization else None
    case.organization = organization
    move(case, "assign", actor=actor, data={"from": before, "organization": organization.code})
    case.co_executors.set([o for o in co_executors if o.pk != organization.pk])
    deadlines_recompute(case)
    return case


@transaction.atomic
def case_take(*, case: Case, actor: Any, now: dt.datetime | None = None) -> Case:
    """The responsible organisation starts work (its first reaction)."""
    case = lock(case)
    require(actor, Action.CASE_WORK, case)
    if case.first_response_at is None:
        case.first_response_at = now or timezone.now()
    return move(case, "take", actor=actor, now=now)


@transaction.atomic
def case_merge(*, case: Case, into: Case, actor: Any) -> Case:
    """A duplicate: its messages move to ``into``; it stays as a pointer (state «merged»)."""
    if case.pk == into.pk:
        raise ApplicationError("Нельзя объединить инцидент с самим собой.")
    first, second = sorted([case, into], key=lambda c: c.pk)  # lock order: no deadlock
    locked = {c.pk: lock(c) for c in (first, second)}
    case, into = locked[case.pk], locked[into.pk]
    require(actor, Action.CASE_MODERATE, case)
    require(actor, Action.CASE_MODERATE, into)
    if into.status in FINAL_STATES:
        raise ApplicationError(f"Инцидент {into.number} уже закрыт: объединять с ним нельзя.")
    moved = list(Message.objects.filter(case=case).values_list("pk", flat=True))
    Message.objects.filter(pk__in=moved).update(case=into)
    case.merged_into = into
    case.closed_at = timezone.now()
    move(case, "merge", actor=actor, data={"into": into.number, "messages": moved})
    record(into, actor=actor, kind="merged_in", data={"from": case.number, "messages": moved})
    return into


@transaction.atomic
def case_split(*, case: Case, messages: Iterable[Message], actor: Any) -> Case:
    """Some messages of the case are another problem: they open a new case (state «new»)."""
    from otklik.cases.services.opening import _title

    case = lock(case)
    require(actor, Action.CASE_MODERATE, case)
    chosen = list(
        Message.objects.select_for_update()
        .filter(pk__in=[m.pk for m in messages], case=case)
        .order_by("received_at", "pk")
    )
    remaining = Message.objects.filter(case=case).exclude(pk__in=[m.pk for m in chosen])
    if not chosen:
        raise ApplicationError("Выберите сообщения этого инцидента, которые нужно выделить.")
    if not remaining.exists():
        raise ApplicationError("В инциденте должно остаться хотя бы одно сообщение.")
    first = chosen[0]
    new = Case.objects.create(
        number=f"tmp-split-{case.pk}-{first.pk}",
        title=_title(first.text),
        kind=first.kind,
        channel=first.channel,
        sector=first.sector,
        topic=first.topic,
        municipality=first.municipality,
        city_district=first.city_district,
        address=first.address,
        author=first.author,
        received_at=first.received_at,
        registered_at=timezone.now(),
    )
    new.number = f"{timezone.localdate(new.received_at):%Y}-{new.pk:07d}"
    new.save(update_fields=["number"])
    Message.objects.filter(pk__in=[m.pk for m in chosen]).update(case=new)
    ids = [m.pk for m in chosen]
    record(case, actor=actor, kind="split", data={"new_case": new.number, "messages": ids})
    record(
        new,
        actor=actor,
        kind="opened",
        to_status=new.status,
        data={"split_from": case.number, "messages": ids},
    )
    deadlines_recompute(new)
    return new


@transaction.atomic
def case_reopen(*, case: Case, actor: Any, reason: str, now: dt.datetime | None = None) -> Case:
    """The citizen is not satisfied, or the problem is reported again."""
    case = lock(case)
    if actor is not None:
        require(actor, Action.CASE_MODERATE, case)
    reason = _need_reason(reason, "почему инцидент переоткрыт")
    case.reopen_count += 1
    case.closed_at = None
    case.breached_at = None
    case.warning_level = 0
    move(case, "reopen", actor=actor, text=reason, now=now)
    deadlines_recompute(case, restart=True, now=now)
    return case


@transaction.atomic
def case_close(*, case: Case, actor: Any, reason: str = "", now: dt.datetime | None = None) -> Case:
    case = lock(case)
    if actor is not None:
        require(actor, Action.CASE_MODERATE, case)
    case.closed_at = now or timezone.now()
    return move(case, "close", actor=actor, text=reason, now=now)


# --- requests the ЦУР decides (redirect, extension) ------------------------------------------
def _pending_request(model: type[CaseRequest], request: CaseRequest, *, actor: Any):
    """The request and its case, both locked, once the actor may decide and it still waits."""
    request = model.objects.select_for_update().get(pk=request.pk)
    case = lock(request.case)
    require(actor, Action.CASE_MODERATE, case)
    if request.status not in (RedirectStatus.PENDING, ExtensionStatus.PENDING):
        raise ApplicationError("По этому запросу уже принято решение.")
    return request, case


def _comment(comment: str) -> str:
    """The ЦУР's comment on a decision (optional, but not a book)."""
    return text_within(comment, limit=NOTE_MAX_LENGTH, what="комментария")


def _decided(request: CaseRequest, *, actor: Any, status: str, comment: str) -> None:
    request.status = status
    request.decided_by = actor if getattr(actor, "pk", None) else None
    request.decision_comment = comment
    request.save()


# --- redirect by competence ----------------------------------------------------------------
@transaction.atomic
def redirect_request(
    *, case: Case, actor: Any, to_organization: Organization, reason: str
) -> RedirectRequest:
    """The responsible organisation says the case is another body's competence."""
    case = lock(case)
    require(actor, Action.CASE_WORK, case)
    if case.status not in (CaseStatus.ASSIGNED, CaseStatus.IN_WORK, CaseStatus.REOPENED):
        raise ApplicationError("Переадресовать можно только назначенный инцидент в работе.")
    if to_organization.pk == case.organization_id:
        raise ApplicationError("Инцидент уже у этой организации.")
    if case.redirects.filter(status=RedirectStatus.PENDING).exists():
        raise ApplicationError("Запрос на переадресацию уже ждёт решения ЦУР.")
    reason = _need_reason(reason, "почему это компетенция другой организации")
    request = RedirectRequest.objects.create(
        case=case,
        from_organization=case.organization,
        to_organization=to_organization,
        reason=reason,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    record(
        case, actor=actor, kind="redirect_requested", text=reason, data={"to": to_organization.code}
    )
    return request


@transaction.atomic
def redirect_decide(
    *, request: RedirectRequest, actor: Any, accept: bool, comment: str = ""
) -> RedirectRequest:
    """The ЦУР accepts the redirect (the case moves) or refuses an unjustified one."""
    request, case = _pending_request(RedirectRequest, request, actor=actor)
    comment = _comment(comment)
    if not accept:
        _need_reason(comment, "почему переадресация не обоснована")
    _decided(
        request,
        actor=actor,
        status=RedirectStatus.ACCEPTED if accept else RedirectStatus.REFUSED,
        comment=comment,
    )
    if accept:
        case.organization = request.to_organization
        move(
            case,
            "assign",
            actor=actor,
            text=comment,
            data={"redirect": request.pk, "organization": request.to_organization.code},
        )
        deadlines_recompute(case)
    else:
        record(
            case, actor=actor, kind="redirect_refused", text=comment, data={"redirect": request.pk}
        )
    return request


# --- deadline extension --------------------------------------------------------------------
@transaction.atomic
def extension_request(*, case: Case, actor: Any, days: int, reason: str) -> ExtensionRequest:
    case = lock(case)
    require(actor, Action.CASE_WORK, case)
    if case.status in FINAL_STATES:
        raise ApplicationError("Инцидент закрыт: продлевать нечего.")
    if days < 1:
        raise ApplicationError("Продление — хотя бы на один день.")
    limit = case_extension_limit(case=case)
    if case.extension_days + days > limit:
        raise ApplicationError(
            f"Продление ограничено законом: не больше {limit} дн. всего "
            f"(уже продлено на {case.extension_days})."
        )
    if case.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise ApplicationError("Запрос на продление уже ждёт решения.")
    reason = _need_reason(reason, "почему нужен дополнительный срок")
    request = ExtensionRequest.objects.create(
        case=case,
        days=days,
        reason=reason,
        requested_by=actor if getattr(actor, "pk", None) else None,
    )
    record(case, actor=actor, kind="extension_requested", text=reason, data={"days": days})
    return request


@transaction.atomic
def extension_decide(
    *, request: ExtensionRequest, actor: Any, approve: bool, comment: str = ""
) -> ExtensionRequest:
    request, case = _pending_request(ExtensionRequest, request, actor=actor)
    comment = _comment(comment)
    if approve and case.extension_days + request.days > case_extension_limit(case=case):
        raise ApplicationError("Продление превысит допустимый законом срок.")
    _decided(
        request,
        actor=actor,
        status=ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED,
        comment=comment,
    )
    if approve:
        case.extension_days += request.days
        case.breached_at = None
        case.warning_level = 0
        case.save()
        record(case, actor=actor, kind="extended", text=comment, data={"days": request.days})
        deadlines_recompute(case)
    else:
        record(
            case, actor=actor, kind="extension_refused", text=comment, data={"days": request.days}
        )
    return request
