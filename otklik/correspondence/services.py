"""Writes of requests and tasks to organisations: keyword-only, transactional, audited in the
same transaction; e-mail after the commit (``mail_on_commit``). Each change of an addressee's
copy also leaves a line of its history (``ItemEvent``).

Rights (docs/permissions.md): the head, the executor, the curator and a sector lead (its block
only) send and withdraw (``correspondence.send``) and accept or return answers
(``correspondence.check``); an organisation's operator answers its own items
(``correspondence.answer``).

Deadlines are on the working calendar: a due date on a day off rolls forward to the next
working day (ГК РФ ст. 193); the item is reminded on that day, marked overdue from the day
after and reported one level up on the next working day after it (``correspondence_sweep``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from otklik.approvals.choices import ApprovalState
from otklik.approvals.selectors import approval_of
from otklik.approvals.services import approval_open, approval_submit
from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.mail import mail_on_commit, page_link
from otklik.core.permissions import Action, access_check, can
from otklik.core.roles import Role, acting_role
from otklik.core.states import Transition
from otklik.correspondence.choices import (
    ESCALATE_TO,
    ITEM_CLOSED,
    ITEM_OPEN,
    ITEM_TRANSITIONS,
    AssignmentKind,
    EventKind,
)
from otklik.correspondence.files import Upload, files_store, uploads_check
from otklik.correspondence.models import Assignment, Item, ItemEvent, Reply
from otklik.correspondence.printing import assignment_printed
from otklik.directory.calendar import calendar_from_db
from otklik.directory.models import Organization
from otklik.documents.choices import Direction
from otklik.documents.services import AttachmentIn, document_register

SUMMARY = "corr_summary"  # the approval route's kind of a final summary
# The default time to answer, in working days from the day of sending.
DEFAULT_DUE_WORKING_DAYS = {AssignmentKind.REQUEST: 5, AssignmentKind.TASK: 10}


def corr_today() -> dt.date:
    """Today on the region's calendar (the day deadlines are compared with)."""
    return calendar_from_db().local_date(timezone.now())


def default_due(kind: str = AssignmentKind.TASK) -> dt.date:
    """The due date a new request (task) gets unless another is chosen."""
    cal = calendar_from_db()
    return cal.add_working_days(corr_today(), DEFAULT_DUE_WORKING_DAYS[AssignmentKind(kind)])


def check_due(due: dt.date | None, what: str = "срок исполнения") -> None:
    if due is None:
        raise ApplicationError(f"Укажите {what}.")
    if due < corr_today():
        raise ApplicationError(f"{what.capitalize()} {due:%d.%m.%Y} уже прошёл.")


def _user(actor: Any):
    return actor if getattr(actor, "pk", None) else None


def _event(item: Item, kind: str, actor: Any, text: str = "") -> ItemEvent:
    return ItemEvent.objects.create(
        item=item, kind=kind, actor=_user(actor), text=text, at=timezone.now()
    )


def _move(item: Item, verb: str) -> Item:
    """The item locked, checked for the move ``verb`` and moved (not saved)."""
    item = Item.objects.select_for_update().select_related("assignment").get(pk=item.pk)
    move: Transition = ITEM_TRANSITIONS[verb]
    if not move.allows(item.state):
        raise ApplicationError(
            f"«{item.organization.short_name}»: {item.get_state_display().lower()} — "
            "это действие сейчас невозможно."
        )
    item.state = move.target
    return item


def _operators(organization_id: int) -> list[str]:
    users = get_user_model().objects.filter(
        role=Role.ORG_OPERATOR, organization_id=organization_id, is_active=True
    )
    return [u.email for u in users if u.email]


def _link(item: Item) -> str:
    from django.urls import reverse

    return page_link(reverse("correspondence:item", args=[item.pk]))


# --------------------------------------------------------------------------- sending
def _check_organizations(organizations: list[Organization]) -> None:
    if not organizations:
        raise ApplicationError("Выберите хотя бы одну организацию-адресата.")
    today = corr_today()
    for org in organizations:
        if not org.is_valid_on(today):
            raise ApplicationError(f"Организация «{org.short_name}» не действует.")


@transaction.atomic
def assignment_send(
    *,
    actor: Any,
    kind: str,
    subject: str,
    text: str,
    due: dt.date | None,
    organizations: Iterable[Organization],
    sector=None,
    files: list[Upload] | tuple = (),
    measure=None,
) -> Assignment:
    """A request or a task to one or many organisations: each gets its own item in its queue
    (its operators are told by e-mail). A sector lead sends for its block only (the block is
    its own unless given)."""
    access_check(actor, Action.CORR_SEND)
    if kind not in AssignmentKind.values:
        raise ApplicationError("Вид: запрос или поручение.")
    subject, text = (subject or "").strip(), (text or "").strip()
    if not subject:
        raise ApplicationError("Укажите тему.")
    if not text:
        raise ApplicationError("Напишите текст запроса (поручения).")
    check_due(due)
    organizations = list(dict.fromkeys(organizations))
    _check_organizations(organizations)
    files = list(files)
    uploads_check(files)
    if sector is None and acting_role(actor) == Role.SECTOR_LEAD:
        sector = actor.sector
    now = timezone.now()
    assignment = Assignment.objects.create(
        kind=kind,
        subject=subject[:512],
        text=text,
        due=due,
        sector=sector,
        sender=actor,
        sent_at=now,
        measure=measure,
    )
    access_check(actor, Action.CORR_SEND, assignment)  # a sector lead: its block only
    deadline = calendar_from_db().roll_forward(due)
    for org in organizations:
        item = Item.objects.create(assignment=assignment, organization=org, deadline=deadline)
        _event(item, EventKind.SENT, actor, f"Срок — {deadline:%d.%m.%Y}.")
        mail_on_commit(
            f"{assignment.get_kind_display()} ЦУР: {assignment.subject}",
            f"Организации «{org.short_name}» направлен(о) {assignment.get_kind_display().lower()}"
            f" «{assignment.subject}». Срок — {deadline:%d.%m.%Y}. {_link(item)}",
            _operators(org.pk),
        )
    files_store(files, assignment=assignment)
    # sent through the portal, it is an outgoing document of the ЦУР: registered with its
    # number, frozen text and attached files (regulation 4.3)
    document_register(
        actor=actor,
        kind=kind,
        title=f"{assignment.get_kind_display()}: {assignment.subject}",
        printed=assignment_printed(assignment, organizations, deadline),
        sector=sector,
        author=actor,
        target_kind="assignment",
        target_id=assignment.pk,
        series=f"assignment:{assignment.pk}",
        direction=Direction.OUTGOING,
        attachments=[AttachmentIn(f.name, f.content, f.content_type or "") for f in files],
        at=now,
    )
    audit_log(
        actor=actor,
        action="correspondence.send",
        target=assignment,
        data={
            "kind": kind,
            "organizations": [o.code for o in organizations],
            "due": due.isoformat(),
            "files": len(files),
            **({"measure": measure.pk} if measure is not None else {}),
        },
    )
    return assignment


# --------------------------------------------------------------------------- the organisation
@transaction.atomic
def item_answer(*, actor: Any, item: Item, text: str, files: list[Upload] | tuple = ()) -> Reply:
    """The organisation's answer (text and files); a returned item is answered again."""
    access_check(actor, Action.CORR_ANSWER, item)
    text = (text or "").strip()
    if not text:
        raise ApplicationError("Ответ пустой: напишите, что сделано.")
    files = list(files)
    uploads_check(files)
    item = _move(item, "answer")
    now = timezone.now()
    again = item.replies.exists()
    item.answered_at = now
    item.save(update_fields=["state", "answered_at", "updated_at"])
    reply = Reply.objects.create(item=item, text=text, author=actor, at=now)
    files_store(files, reply=reply)
    _event(item, EventKind.ANSWERED, actor, text[:500])
    audit_log(
        actor=actor,
        action="correspondence.answer",
        target=item,
        data={"again": again, "files": len(files), "late": now_late(item, now)},
    )
    sender = item.assignment.sender
    mail_on_commit(
        f"Ответ на {item.assignment.get_kind_display().lower()}: {item.assignment.subject}",
        f"«{item.organization.short_name}» ответила. {_link(item)}",
        [sender.email] if sender.email else [],
    )
    return reply


def now_late(item: Item, at: dt.datetime) -> bool:
    return calendar_from_db().local_date(at) > item.deadline


# --------------------------------------------------------------------------- the sender's side
@transaction.atomic
def item_accept(*, actor: Any, item: Item, text: str = "") -> Item:
    """Accept the organisation's answer. An item made of a regional problem's measure marks
    the measure done as of the answer (its evidence: the answer)."""
    access_check(actor, Action.CORR_CHECK, item)
    item = _move(item, "accept")
    item.accepted_at = timezone.now()
    item.save(update_fields=["state", "accepted_at", "updated_at"])
    _event(item, EventKind.ACCEPTED, actor, (text or "").strip())
    audit_log(actor=actor, action="correspondence.accept", target=item, data={})
    measure = item.assignment.measure
    if measure is not None:
        from otklik.problems.choices import MeasureStatus
        from otklik.problems.services import measure_complete

        if measure.status != MeasureStatus.DONE:
            reply = item.replies.order_by("-at", "-pk").first()
            measure_complete(
                actor=actor,
                measure=measure,
                done_at=item.answered_at,
                note=f"Отчёт {item.organization.short_name}: {reply.text if reply else ''}",
            )
    mail_on_commit(
        f"Ответ принят: {item.assignment.subject}",
        f"ЦУР принял ответ «{item.organization.short_name}». {_link(item)}",
        _operators(item.organization_id),
    )
    return item


def _with_reason(actor: Any, item: Item, reason: str, verb: str, refusal: str) -> Item:
    """Return or withdraw an item: the move ``verb`` with its reason (required)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(refusal)
    item = _move(item, verb)
    item.returns += verb == "return"
    item.save(update_fields=["state", "returns", "updated_at"])
    _event(item, EventKind.RETURNED if verb == "return" else EventKind.WITHDRAWN, actor, reason)
    audit_log(actor=actor, action=f"correspondence.{verb}", target=item, data={"reason": reason})
    return item


@transaction.atomic
def item_return(*, actor: Any, item: Item, reason: str) -> Item:
    """Return the answer for rework, with the reason (required); the deadline stays."""
    access_check(actor, Action.CORR_CHECK, item)
    item = _with_reason(actor, item, reason, "return", "Укажите причину возврата на доработку.")
    mail_on_commit(
        f"Возвращено на доработку: {item.assignment.subject}",
        f"ЦУР вернул ответ «{item.organization.short_name}» на доработку: "
        f"{reason.strip()} {_link(item)}",
        _operators(item.organization_id),
    )
    return item


@transaction.atomic
def item_withdraw(*, actor: Any, item: Item, reason: str) -> Item:
    """Withdraw the request from one addressee (with the reason)."""
    access_check(actor, Action.CORR_SEND, item)
    return _with_reason(
        actor, item, reason, "withdraw", "Укажите, почему запрос (поручение) отзывается."
    )


# --------------------------------------------------------------------------- the final summary
def editable_approval(kind: str, target_id: int, refusal: str) -> Any:
    """The document's approval while it may still change (none yet, a draft, returned);
    else refused with ``refusal`` (its ``{}``: the approval's state)."""
    approval = approval_of(kind=kind, target_id=target_id)
    if approval is not None and approval.state not in (ApprovalState.DRAFT, ApprovalState.RETURNED):
        raise ApplicationError(refusal.format(approval.get_state_display().lower()) + " нельзя.")
    return approval


@transaction.atomic
def summary_submit(*, actor: Any, assignment: Assignment, text: str, early: bool = False) -> Any:
    """The sender's final summary (the text; the consolidated table is added to its printed
    form) sent on the approval route (kind ``corr_summary``). Only when every item is accepted
    or withdrawn, unless the sender decides to close it ``early``. Returns the approval."""
    access_check(actor, Action.CORR_SEND, assignment)
    text = (text or "").strip()
    if not text:
        raise ApplicationError("Напишите итоговую справку.")
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    waiting = [
        i.organization.short_name
        for i in assignment.items.select_related("organization")
        if i.state not in ITEM_CLOSED
    ]
    if waiting and not early:
        raise ApplicationError(
            "Не все ответы приняты: " + ", ".join(waiting) + ". Примите их, отзовите или "
            "отметьте «подготовить справку досрочно»."
        )
    approval = editable_approval(SUMMARY, assignment.pk, "Итоговая справка уже {}: изменить её")
    assignment.summary = text
    assignment.summary_at = timezone.now()
    assignment.save(update_fields=["summary", "summary_at", "updated_at"])
    approval = approval or approval_open(
        actor=actor,
        kind=SUMMARY,
        target_id=assignment.pk,
        title=f"Итоговая справка: {assignment.subject}",
        sector=assignment.sector,
    )
    audit_log(
        actor=actor,
        action="correspondence.summary",
        target=assignment,
        data={"early": bool(waiting), "waiting": len(waiting)},
    )
    return approval_submit(actor=actor, approval=approval)


# --------------------------------------------------------------------------- the clock
@dataclass
class SweepReport:
    reminded: int = 0
    overdue: int = 0
    escalated: int = 0
    incoming_reminded: int = 0
    incoming_escalated: int = 0


def _holders(role: str, can_see: Any) -> list[str]:
    users = get_user_model().objects.filter(role=role, is_active=True).exclude(email="")
    return [u.email for u in users if can(u, Action.CORR_VIEW, can_see)]


def _claim(model, pk: int, **values) -> bool:
    """Claim a row for one sweep: a conditional UPDATE on the still empty stamp."""
    empty = {f"{k}__isnull": True for k in values if k.endswith("_on")}
    return bool(model.objects.filter(pk=pk, **empty).update(**values))


def correspondence_sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """Remind the organisation on an item's working deadline, mark it overdue the day after,
    report it to the sender and the next level up on the next working day after the deadline;
    each once per item (claimed by a conditional UPDATE, so two sweeps do not both send).
    Incoming requests: their assignee reminded on the deadline, the head (the curator, when
    the head is the assignee) told the next working day after."""
    from otklik.correspondence.services_incoming import incoming_sweep

    cal = calendar_from_db()
    now = now or timezone.now()
    today = cal.local_date(now)
    report = SweepReport()
    open_items = Item.objects.filter(state__in=ITEM_OPEN)
    due_today = open_items.filter(deadline=today, reminded_on__isnull=True)
    for pk in list(due_today.values_list("pk", flat=True)):
        with transaction.atomic():
            if not _claim(Item, pk, reminded_on=today):
                continue
            item = Item.objects.select_related("assignment", "organization").get(pk=pk)
            _event(item, EventKind.REMINDED, None, f"Срок — сегодня, {today:%d.%m.%Y}.")
            audit_log(actor=None, action="correspondence.remind", target=item, data={})
            mail_on_commit(
                f"Сегодня срок: {item.assignment.subject}",
                f"Срок ответа на {item.assignment.get_kind_display().lower()} ЦУР — сегодня, "
                f"{today:%d.%m.%Y}. {_link(item)}",
                _operators(item.organization_id),
            )
            report.reminded += 1
    past = open_items.filter(deadline__lt=today, overdue_on__isnull=True)
    for pk in list(past.values_list("pk", flat=True)):
        with transaction.atomic():
            if not _claim(Item, pk, overdue_on=today):
                continue
            item = Item.objects.select_related("assignment", "organization").get(pk=pk)
            _event(item, EventKind.OVERDUE, None, f"Срок истёк {item.deadline:%d.%m.%Y}.")
            audit_log(actor=None, action="correspondence.overdue", target=item, data={})
            mail_on_commit(
                f"Просрочено: {item.assignment.subject}",
                f"Срок ответа истёк {item.deadline:%d.%m.%Y}. {_link(item)}",
                _operators(item.organization_id),
            )
            report.overdue += 1
    late = open_items.filter(deadline__lt=today, escalated_on__isnull=True)
    for pk, deadline in list(late.values_list("pk", "deadline")):
        if cal.add_working_days(deadline, 1) > today:
            continue
        item = Item.objects.select_related("assignment__sender", "organization").get(pk=pk)
        sender = item.assignment.sender
        up = ESCALATE_TO.get(Role(sender.role)) if sender.role else Role.HEAD
        with transaction.atomic():
            if not _claim(Item, pk, escalated_on=today, escalated_to=up or ""):
                continue
            text = f"Срок истёк {item.deadline:%d.%m.%Y}, ответа нет."
            if up:
                text += f" Доложено: {Role(up).label.lower()}."
            _event(item, EventKind.ESCALATED, None, text)
            audit_log(
                actor=None,
                action="correspondence.escalate",
                target=item,
                data={"reported_to": str(up or "")},
            )
            mail_on_commit(
                f"Просрочено исполнение: {item.assignment.subject}",
                f"«{item.organization.short_name}»: {text} {_link(item)}",
                [sender.email, *(_holders(up, item) if up else [])],
            )
            report.escalated += 1
    report.incoming_reminded, report.incoming_escalated = incoming_sweep(today=today)
    return report
