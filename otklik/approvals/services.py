"""The only code that moves documents along the route: keyword-only, transactional, audited.

The owning app opens an approval for each version of a document (``approval_open``) inside the
transaction that creates the version; its owner submits it (``approval_submit``); at each step
the role the step names agrees or approves it, or returns it with a reason
(``approval_decide``); the owning app hears of it through the hooks of its ``DocumentKind``,
inside the same transaction. Who acts is data (``RouteStep``), checked against the permission
matrix: a step's role must hold the right of its verb (``approval.agree`` /
``approval.approve``), so data cannot give a right the regulation does not.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from otklik.accounts.identity import Confirmation
from otklik.approvals.choices import SUBMITTABLE, ApprovalState, Decision, Verb
from otklik.approvals.models import Approval, ApprovalEvent, RouteStep
from otklik.approvals.registry import approved_listeners, kind_get
from otklik.audit.services import audit_log
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.mail import mail_on_commit
from otklik.core.permissions import MATRIX, Action, Scope, access_check, can
from otklik.core.roles import SUPERUSER, Role, acting_role
from otklik.directory.calendar import calendar_from_db

DATA_FILE = Path(__file__).resolve().parent / "data" / "routes.toml"

VERB_ACTION = {Verb.AGREE: Action.APPROVAL_AGREE, Verb.APPROVE: Action.APPROVAL_APPROVE}
DECISION_OF_VERB = {Verb.AGREE: Decision.AGREE, Verb.APPROVE: Decision.APPROVE}

# When a step's time has run out, who hears of it besides the step's own role: the next
# level up (regulation § 3: the head reports to the curator; the curator's own delay is
# reported to the responsible executor, who organises the ЦУР's work).
ESCALATE_TO = {
    Role.HEAD: Role.CURATOR,
    Role.CURATOR: Role.EXECUTOR,
    Role.SECTOR_LEAD: Role.HEAD,
}


# --------------------------------------------------------------------------- the routes
@dataclass
class RoutesReport:
    version: str = ""
    kinds: dict[str, int] = field(default_factory=dict)  # kind → number of steps
    changed: list[str] = field(default_factory=list)


def _step_values(kind: str, i: int, entry: dict) -> dict:
    where = f"routes.toml, {kind}, шаг {i}"
    try:
        verb, role = Verb(entry["verb"]), Role(entry["role"])
    except (KeyError, ValueError) as exc:
        raise ApplicationError(f"{where}: неизвестное действие или роль ({exc})") from exc
    if MATRIX[VERB_ACTION[verb]][role] is Scope.NONE:
        raise ApplicationError(
            f"{where}: роль «{role.label}» не имеет права «{verb.label}» по матрице прав"
        )
    days = int(entry.get("days", 3))
    if not 1 <= days <= 60:
        raise ApplicationError(f"{where}: срок шага {days} — ожидается от 1 до 60 рабочих дней")
    return {"verb": verb, "role": role, "label": str(entry["label"]), "due_working_days": days}


@transaction.atomic
def routes_load(*, actor: Any = None, path: Path = DATA_FILE) -> RoutesReport:
    """Load the routes from ``path``: all or nothing; again, nothing changes. The last step of
    every route is an approval and only the last one is."""
    data = tomllib.loads(path.read_text("utf-8"))
    report = RoutesReport(version=str(data.get("version", "")))
    for entry in data.get("route", []):
        kind = entry["kind"]
        steps = [_step_values(kind, i, s) for i, s in enumerate(entry.get("steps", []), 1)]
        verbs = [s["verb"] for s in steps]
        if not steps or verbs[-1] != Verb.APPROVE or Verb.APPROVE in verbs[:-1]:
            raise ApplicationError(
                f"routes.toml, {kind}: маршрут должен заканчиваться утверждением, и только им"
            )
        have = list(
            RouteStep.objects.filter(kind=kind).values(
                "order", "verb", "role", "label", "due_working_days"
            )
        )
        want = [{"order": i, **s} for i, s in enumerate(steps, 1)]
        if have != want:
            RouteStep.objects.filter(kind=kind).delete()
            RouteStep.objects.bulk_create(RouteStep(kind=kind, **s) for s in want)
            report.changed.append(kind)
        report.kinds[kind] = len(steps)
    if report.changed:
        audit_log(
            actor=actor,
            action="approvals.routes_load",
            data={"version": report.version, "kinds": report.changed},
        )
    return report


def route_of(kind: str) -> list[dict]:
    steps = RouteStep.objects.filter(kind=kind).order_by("order")
    route = [
        {
            "order": s.order,
            "verb": s.verb,
            "role": s.role,
            "label": s.label,
            "days": s.due_working_days,
        }
        for s in steps
    ]
    if not route:
        raise ApplicationError(f"Для документов вида «{kind}» не задан маршрут согласования.")
    return route


# --------------------------------------------------------------------------- helpers
def _event(
    approval: Approval, decision: str, actor: Any, text: str = "", confirmation: str = ""
) -> ApprovalEvent:
    return ApprovalEvent.objects.create(
        confirmation=confirmation,
        approval=approval,
        decision=decision,
        step=approval.step,
        step_label=approval.step_label,
        actor=actor if getattr(actor, "pk", None) else None,
        role=getattr(actor, "role", "") or "",
        text=text,
        at=timezone.now(),
    )


def _locked(approval: Approval) -> Approval:
    return Approval.objects.select_for_update().get(pk=approval.pk)


def _put_on_step(approval: Approval, step: dict, now: dt.datetime) -> None:
    cal = calendar_from_db()
    approval.step = step["order"]
    approval.step_label = step["label"]
    approval.step_role = step["role"]
    approval.step_verb = step["verb"]
    approval.step_since = now
    approval.step_due = cal.add_working_days(cal.local_date(now), step["days"])
    approval.reminded_on = None
    approval.escalated_on = None


def _off_route(approval: Approval) -> None:
    approval.step = None
    approval.step_label = approval.step_role = approval.step_verb = ""
    approval.step_since = approval.step_due = None
    approval.reminded_on = approval.escalated_on = None


def _check_prepare(actor: Any, approval: Approval) -> None:
    access_check(actor, kind_get(approval.kind).prepare_action, approval)


def _audit(actor: Any, action: str, approval: Approval, **data: Any) -> None:
    audit_log(
        actor=actor,
        action=action,
        target=approval,
        data={"kind": approval.kind, "version": approval.version, **data},
    )


# --------------------------------------------------------------------------- the owner's side
def approval_open(
    *,
    actor: Any,
    kind: str,
    target_id: str | int,
    title: str,
    sector=None,
    version: int = 1,
    reason: str = "",
) -> Approval:
    """A draft of a document version: called by the owning app's service, inside its
    transaction, after its own access check (it knows its documents)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("approval_open must run inside the transaction of the document")
    kind_get(kind)  # registered
    approval = Approval.objects.create(
        kind=kind,
        target_id=str(target_id),
        title=title[:512],
        version=version,
        reason=reason,
        sector=sector,
        author=actor if getattr(actor, "pk", None) else None,
    )
    _event(approval, Decision.OPEN, actor, reason)
    return approval


@transaction.atomic
def approval_submit(*, actor: Any, approval: Approval, text: str = "") -> Approval:
    """Send a draft (or a returned document, corrected) to the first step of its route."""
    _check_prepare(actor, approval)
    approval = _locked(approval)
    if approval.state not in SUBMITTABLE:
        raise ApplicationError(
            f"Документ уже {approval.get_state_display().lower()}: направить его нельзя."
        )
    now = timezone.now()
    approval.route = route_of(approval.kind)
    was = approval.state
    approval.state = ApprovalState.IN_ROUTE
    approval.submitted_at = now
    _put_on_step(approval, approval.route[0], now)
    approval.save()
    _event(approval, Decision.SUBMIT, actor, text.strip())
    hook = kind_get(approval.kind).submitted
    if hook:
        hook(approval, actor)
    _audit(actor, "approval.submit", approval, again=was == ApprovalState.RETURNED)
    _notify_step(approval)
    return approval


# --------------------------------------------------------------------------- the route's side
def may_decide(user: Any, approval: Approval) -> bool:
    """Whether ``user`` acts at the approval's current step (for buttons; the service checks
    again inside its transaction)."""
    if approval.state != ApprovalState.IN_ROUTE:
        return False
    role = acting_role(user)
    if role is None or (role != SUPERUSER and role != approval.step_role):
        return False
    return can(user, VERB_ACTION[Verb(approval.step_verb)], approval)


def signs_now(user: Any, approval: Approval) -> bool:
    """Whether ``user`` would approve (and so sign) the approval now: the surfaces ask for the
    identity confirmation only then, so someone who may not act hears the route's own reason."""
    return approval.step_verb == Verb.APPROVE and may_decide(user, approval)


@transaction.atomic
def approval_decide(
    *, actor: Any, approval: Approval, decision: str, text: str = "", confirmation: str = ""
) -> Approval:
    """At the current step: ``agree`` / ``approve`` (the step's verb) moves the document on
    (the last step approves and freezes it), ``return`` sends it back for rework with a
    reason. Only the step's role acts, and only with the matrix's right of the step's verb.

    Approving signs the document with a simple electronic signature: ``confirmation`` is how
    the approver confirmed the identity just now (``accounts.identity.identity_confirm``, a
    ``Confirmation``); without it the approval is refused. It is kept on the sheet's line
    (an agreement may carry one too). The listeners of ``approvals.registry`` hear of the
    approval after the kind's own hook, in this transaction."""
    if confirmation and confirmation not in Confirmation.values:
        raise ApplicationError("Неизвестный способ подтверждения подписи.")
    approval = _locked(approval)
    if approval.state != ApprovalState.IN_ROUTE:
        raise ApplicationError(
            f"Документ не на согласовании ({approval.get_state_display().lower()})."
        )
    verb = Verb(approval.step_verb)
    access_check(actor, VERB_ACTION[verb], approval)
    role = acting_role(actor)
    if role != SUPERUSER and role != approval.step_role:
        raise AccessDenied(
            f"Этот шаг («{approval.step_label}») выполняет "
            f"{Role(approval.step_role).label.lower()}.",
            extra={"action": str(VERB_ACTION[verb])},
        )
    text = text.strip()
    kind = kind_get(approval.kind)
    now = timezone.now()
    if decision == Decision.RETURN:
        if not text:
            raise ApplicationError("Укажите, что нужно доработать.")
        _event(approval, Decision.RETURN, actor, text)
        approval.state = ApprovalState.RETURNED
        _off_route(approval)
        approval.save()
        if kind.returned:
            kind.returned(approval, actor)
        _audit(actor, "approval.return", approval, reason=text)
        _notify_returned(approval, text)
        return approval
    if decision != DECISION_OF_VERB[verb]:
        raise ApplicationError(f"На этом шаге — «{verb.label}» или возврат на доработку.")
    if verb == Verb.APPROVE and not confirmation:
        raise ApplicationError(
            "Утверждение подписывается простой электронной подписью: подтвердите её паролем "
            "(и одноразовым кодом, если он у вас включён)."
        )
    event = _event(approval, decision, actor, text, confirmation)
    following = [s for s in approval.route if s["order"] > approval.step]
    if following:
        _put_on_step(approval, following[0], now)
        approval.save()
        _audit(actor, "approval.agree", approval, step=approval.step)
        _notify_step(approval)
        return approval
    approval.state = ApprovalState.APPROVED
    approval.approved_at = now
    approval.approved_by = actor if getattr(actor, "pk", None) else None
    _off_route(approval)
    approval.save()
    if kind.approved:
        kind.approved(approval, actor)
    for listener in approved_listeners():
        listener(approval, actor, event)
    _audit(actor, "approval.approve", approval, confirmation=confirmation)
    return approval


@transaction.atomic
def approval_comment(*, actor: Any, approval: Approval, text: str) -> ApprovalEvent:
    """A remark on the draft, kept in its history: by whoever may see it and takes part in
    its route (its owner's side or an approver)."""
    kind = kind_get(approval.kind)
    access_check(actor, kind.view_action, approval)
    text = text.strip()
    if not text:
        raise ApplicationError("Замечание пустое.")
    role = acting_role(actor)
    takes_part = role == SUPERUSER or can(actor, kind.prepare_action, approval)
    takes_part = takes_part or any(s["role"] == role for s in approval.route or route_of(kind.code))
    if not takes_part:
        raise AccessDenied("Замечания пишут участники согласования этого документа.")
    approval = _locked(approval)
    if approval.state == ApprovalState.APPROVED:
        raise ApplicationError("Документ утверждён: замечания к нему не принимаются.")
    event = _event(approval, Decision.COMMENT, actor, text)
    approval.save(update_fields=["updated_at"])
    _audit(actor, "approval.comment", approval)
    return event


# --------------------------------------------------------------------------- the clock
@dataclass
class SweepReport:
    reminded: int = 0
    escalated: int = 0


def approvals_sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """Remind the step's role on the step's last working day, and report an expired step to
    the next level up the working day after. Each once per step (claimed by a conditional
    UPDATE, so two sweeps at once do not both send)."""
    now = now or timezone.now()
    today = calendar_from_db().local_date(now)
    report = SweepReport()
    due_today = Approval.objects.filter(
        state=ApprovalState.IN_ROUTE, step_due=today, reminded_on__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due_today):
        with transaction.atomic():
            if not Approval.objects.filter(pk=pk, reminded_on__isnull=True).update(
                reminded_on=today
            ):
                continue
            approval = Approval.objects.get(pk=pk)
            _event(approval, Decision.REMIND, None, f"Срок шага — {today:%d.%m.%Y}.")
            _notify_step(approval, reminder=True)
            report.reminded += 1
    late = Approval.objects.filter(
        state=ApprovalState.IN_ROUTE, step_due__lt=today, escalated_on__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(late):
        with transaction.atomic():
            if not Approval.objects.filter(pk=pk, escalated_on__isnull=True).update(
                escalated_on=today
            ):
                continue
            approval = Approval.objects.get(pk=pk)
            up = ESCALATE_TO.get(Role(approval.step_role))
            text = f"Срок шага истёк {approval.step_due:%d.%m.%Y}."
            if up:
                text += f" Доложено: {up.label.lower()}."
            _event(approval, Decision.ESCALATE, None, text)
            audit_log(
                actor=None,
                action="approval.escalate",
                target=approval,
                data={"kind": approval.kind, "step": approval.step, "reported_to": str(up or "")},
            )
            _notify(
                approval,
                [approval.step_role, *([up] if up else [])],
                f"Просрочено согласование: {approval.title}",
                f"{text} Шаг: «{approval.step_label}».",
            )
            report.escalated += 1
    return report


# --------------------------------------------------------------------------- e-mail
def _holders(approval: Approval, roles: list[str]):
    """Active users of ``roles`` who may see the approval (a sector lead: its block only)."""
    users = get_user_model().objects.filter(role__in=roles, is_active=True).exclude(email="")
    return [u.email for u in users if can(u, kind_get(approval.kind).view_action, approval)]


def _notify(approval: Approval, roles: list[str], subject: str, body: str) -> None:
    mail_on_commit(subject, body, _holders(approval, roles))


def _notify_step(approval: Approval, *, reminder: bool = False) -> None:
    kind = kind_get(approval.kind)
    subject = ("Сегодня срок: " if reminder else "На согласование: ") + approval.title
    body = (
        f"{kind.label.capitalize()} «{approval.title}», версия {approval.version}, ждёт шага "
        f"«{approval.step_label}» до {approval.step_due:%d.%m.%Y}."
    )
    _notify(approval, [approval.step_role], subject, body)


def _notify_returned(approval: Approval, reason: str) -> None:
    kind = kind_get(approval.kind)
    if approval.author_id and approval.author.email:
        subject = f"Возвращено на доработку: {approval.title}"
        body = f"{kind.label.capitalize()} «{approval.title}» возвращён на доработку: {reason}"
        mail_on_commit(subject, body, [approval.author.email])
