"""Incoming requests of the Ministry of digital development and of the competence centre
(«входящие запросы»): registered by the ЦУР, assigned to one of its people, answered with a
package (the text, files and materials of the platform) that travels the approval route (kind
``corr_answer``) and is taken off control («снят с контроля») when approved. Keyword-only,
transactional, audited; e-mail after the commit."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from otklik.approvals.services import approval_open, approval_submit
from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.mail import mail_on_commit, page_link
from otklik.core.permissions import Action, access_check, can
from otklik.core.roles import CUR_STAFF_ROLES, Role
from otklik.correspondence.choices import (
    INCOMING_OPEN,
    IncomingSource,
    IncomingState,
    PackagePart,
)
from otklik.correspondence.files import Upload, files_store, uploads_check
from otklik.correspondence.models import Incoming
from otklik.correspondence.services import check_due, corr_today, editable_approval
from otklik.directory.calendar import calendar_from_db

ANSWER = "corr_answer"  # the approval route's kind of an answer to an incoming request
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def _link(incoming: Incoming) -> str:
    from django.urls import reverse

    return page_link(reverse("correspondence:incoming", args=[incoming.pk]))


def _check_assignee(user: Any, incoming: Incoming) -> None:
    """An active person of the ЦУР who may prepare the answer to this request."""
    if (
        user is None
        or not user.is_active
        or user.role not in CUR_STAFF_ROLES
        or not can(user, Action.CORR_INCOMING, incoming)
    ):
        name = (user.get_full_name() or user.username) if user is not None else "не указан"
        raise ApplicationError(
            f"Исполнитель «{name}» не может готовить ответы на входящие запросы"
            + (" этого блока." if incoming.sector_id else ".")
        )


def _tell_assignee(incoming: Incoming) -> None:
    if incoming.assignee_id and incoming.assignee.email:
        mail_on_commit(
            f"Вам поручен входящий запрос: {incoming.subject}",
            f"Входящий {incoming}, срок ответа — {incoming.deadline:%d.%m.%Y}. {_link(incoming)}",
            [incoming.assignee.email],
        )


@transaction.atomic
def incoming_register(
    *,
    actor: Any,
    source: str,
    sender_name: str,
    their_number: str,
    their_date: dt.date | None,
    subject: str,
    text: str,
    due: dt.date | None,
    sector=None,
    assignee: Any = None,
    files: list[Upload] | tuple = (),
) -> Incoming:
    """Register an incoming request (who, their number and date, what, by when, files) and,
    when given, assign it."""
    access_check(actor, Action.CORR_INCOMING)
    if source not in IncomingSource.values:
        raise ApplicationError("Укажите, от кого запрос: Минцифры, центр компетенций, иной орган.")
    values = {
        "sender_name": (sender_name or "").strip(),
        "their_number": (their_number or "").strip(),
        "subject": (subject or "").strip(),
        "text": (text or "").strip(),
    }
    missing = {
        "sender_name": "отправителя",
        "their_number": "номер письма",
        "subject": "тему",
        "text": "содержание запроса",
    }
    for key, what in missing.items():
        if not values[key]:
            raise ApplicationError(f"Укажите {what}.")
    if their_date is None:
        raise ApplicationError("Укажите дату письма.")
    if their_date > corr_today():
        raise ApplicationError(f"Дата письма {their_date:%d.%m.%Y} ещё не наступила.")
    check_due(due, "срок ответа")
    files = list(files)
    uploads_check(files)
    incoming = Incoming.objects.create(
        source=source,
        their_date=their_date,
        due=due,
        deadline=calendar_from_db().roll_forward(due),
        sector=sector,
        registered_by=actor,
        **values,
    )
    access_check(actor, Action.CORR_INCOMING, incoming)  # a sector lead: its block only
    if assignee is not None:
        _check_assignee(assignee, incoming)
        incoming.assignee = assignee
        incoming.state = IncomingState.IN_WORK
        incoming.save(update_fields=["assignee", "state", "updated_at"])
    files_store(files, incoming=incoming)
    audit_log(
        actor=actor,
        action="correspondence.incoming_register",
        target=incoming,
        data={
            "source": source,
            "their_number": values["their_number"],
            "due": due.isoformat(),
            "assignee": getattr(assignee, "pk", None),
            "files": len(files),
        },
    )
    _tell_assignee(incoming)
    return incoming


def _locked(incoming: Incoming, actor: Any) -> Incoming:
    incoming = Incoming.objects.select_for_update().get(pk=incoming.pk)
    if incoming.state == IncomingState.CLOSED:
        raise ApplicationError("Запрос снят с контроля: изменить его нельзя.")
    return incoming


@transaction.atomic
def incoming_assign(*, actor: Any, incoming: Incoming, assignee: Any) -> Incoming:
    access_check(actor, Action.CORR_INCOMING, incoming)
    incoming = _locked(incoming, actor)
    _check_assignee(assignee, incoming)
    was = incoming.assignee_id
    incoming.assignee = assignee
    if incoming.state == IncomingState.REGISTERED:
        incoming.state = IncomingState.IN_WORK
    incoming.save(update_fields=["assignee", "state", "updated_at"])
    audit_log(
        actor=actor,
        action="correspondence.incoming_assign",
        target=incoming,
        data={"assignee": assignee.pk, "was": was},
    )
    _tell_assignee(incoming)
    return incoming


def parts_check(parts: list[dict]) -> list[dict]:
    """The platform's materials chosen for the package, checked: the monthly analytics report
    of a month already begun (``{"part": "analytics_monthly", "month": "2026-11"}``)."""
    out = []
    for p in parts or []:
        if p.get("part") != PackagePart.ANALYTICS_MONTHLY:
            raise ApplicationError(f"Неизвестный материал пакета «{p.get('part', '')}».")
        month = str(p.get("month", ""))
        if not MONTH.match(month):
            raise ApplicationError(f"Месяц отчёта «{month}»: ожидается ГГГГ-ММ.")
        if month > corr_today().strftime("%Y-%m"):
            raise ApplicationError(f"Отчёт за {month} ещё не может быть составлен.")
        out.append({"part": PackagePart.ANALYTICS_MONTHLY.value, "month": month})
    return out


@transaction.atomic
def incoming_answer_submit(
    *,
    actor: Any,
    incoming: Incoming,
    text: str,
    parts: list[dict] | tuple = (),
    files: list[Upload] | tuple = (),
) -> Any:
    """The answer package (text, the platform's materials, files) prepared by the assignee or
    by whoever registers incoming requests, and sent on the approval route. Returns the
    approval."""
    access_check(actor, Action.CORR_INCOMING, incoming)
    text = (text or "").strip()
    if not text:
        raise ApplicationError("Напишите текст ответа.")
    parts = parts_check(list(parts))
    files = list(files)
    uploads_check(files)
    incoming = _locked(incoming, actor)
    approval = editable_approval(ANSWER, incoming.pk, "Ответ уже {}: изменить его")
    incoming.answer_text = text
    incoming.answer_parts = parts
    incoming.state = IncomingState.ON_APPROVAL
    incoming.save(update_fields=["answer_text", "answer_parts", "state", "updated_at"])
    if files:  # a new package's files replace the earlier ones
        incoming.files.filter(in_answer=True).delete()
        files_store(files, incoming=incoming, in_answer=True)
    approval = approval or approval_open(
        actor=actor,
        kind=ANSWER,
        target_id=incoming.pk,
        title=f"Ответ на {incoming}",
        sector=incoming.sector,
    )
    audit_log(
        actor=actor,
        action="correspondence.incoming_answer",
        target=incoming,
        data={"parts": len(parts), "files": len(files)},
    )
    return approval_submit(actor=actor, approval=approval)


# --------------------------------------------------------------------------- route hooks
def answer_returned(approval, actor) -> None:
    Incoming.objects.filter(pk=approval.target_id).update(
        state=IncomingState.IN_WORK, updated_at=timezone.now()
    )


def answer_approved(approval, actor) -> None:
    """Approved: the request is taken off control («снят с контроля»)."""
    incoming = Incoming.objects.select_for_update().get(pk=approval.target_id)
    incoming.state = IncomingState.CLOSED
    incoming.closed_at = timezone.now()
    incoming.save(update_fields=["state", "closed_at", "updated_at"])
    audit_log(
        actor=actor,
        action="correspondence.incoming_close",
        target=incoming,
        data={"late": calendar_from_db().local_date(incoming.closed_at) > incoming.deadline},
    )


# --------------------------------------------------------------------------- the package
def package_build(*, user: Any, incoming: Incoming) -> bytes:
    """The answer package as a ZIP: the answer's text, the chosen materials of the platform
    (the monthly analytics report drawn now for ``user``'s scope) and the files, with a
    manifest of SHA-256 sums."""
    import hashlib

    from otklik.analytics.report import monthly_report
    from otklik.analytics.selectors import month

    entries: list[tuple[str, bytes]] = [("ответ.txt", incoming.answer_text.encode("utf-8"))]
    for p in incoming.answer_parts:
        if p["part"] == PackagePart.ANALYTICS_MONTHLY:
            pdf = monthly_report(user=user, period=month(p["month"]))
            entries.append((f"аналитический-отчёт-{p['month']}.pdf", pdf))
    for f in incoming.files.filter(in_answer=True):
        with f.file.open("rb") as fh:
            entries.append((f"файлы/{f.name}", fh.read()))
    manifest = "".join(f"{hashlib.sha256(b).hexdigest()}  {n}\n" for n, b in entries)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in entries:
            z.writestr(name, content)
        z.writestr("SHA256SUMS.txt", manifest)
    return out.getvalue()


# --------------------------------------------------------------------------- the clock
def incoming_sweep(*, today: dt.date) -> tuple[int, int]:
    """(reminded, escalated): the assignee reminded on the working deadline, the head (the
    curator when the head is the assignee) told the next working day after it; each once."""
    cal = calendar_from_db()
    reminded = escalated = 0
    open_ = Incoming.objects.filter(state__in=INCOMING_OPEN)
    due_today = open_.filter(deadline=today, reminded_on__isnull=True).values_list("pk", flat=True)
    for pk in list(due_today):
        with transaction.atomic():
            if not Incoming.objects.filter(pk=pk, reminded_on__isnull=True).update(
                reminded_on=today
            ):
                continue
            incoming = Incoming.objects.select_related("assignee").get(pk=pk)
            audit_log(actor=None, action="correspondence.incoming_remind", target=incoming)
            if incoming.assignee_id and incoming.assignee.email:
                mail_on_commit(
                    f"Сегодня срок ответа: {incoming.subject}",
                    f"Срок ответа на входящий {incoming} — сегодня. {_link(incoming)}",
                    [incoming.assignee.email],
                )
            reminded += 1
    late = open_.filter(deadline__lt=today, escalated_on__isnull=True)
    for pk, deadline in list(late.values_list("pk", "deadline")):
        if cal.add_working_days(deadline, 1) > today:
            continue
        with transaction.atomic():
            if not Incoming.objects.filter(pk=pk, escalated_on__isnull=True).update(
                escalated_on=today
            ):
                continue
            incoming = Incoming.objects.select_related("assignee").get(pk=pk)
            up = Role.CURATOR if getattr(incoming.assignee, "role", "") == Role.HEAD else Role.HEAD
            audit_log(
                actor=None,
                action="correspondence.incoming_escalate",
                target=incoming,
                data={"reported_to": str(up)},
            )
            users = get_user_model().objects.filter(role=up, is_active=True).exclude(email="")
            mail_on_commit(
                f"Просрочен ответ на входящий запрос: {incoming.subject}",
                f"Срок ответа на входящий {incoming} истёк {incoming.deadline:%d.%m.%Y}. "
                f"{_link(incoming)}",
                [u.email for u in users]
                + ([incoming.assignee.email] if incoming.assignee_id else []),
            )
            escalated += 1
    return reminded, escalated
