"""Reads of the route: what waits for me, a document's approval and its sheet."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from otklik.accounts.selectors import user_has_second_factor
from otklik.approvals.choices import ApprovalState, Verb
from otklik.approvals.models import Approval, ApprovalEvent
from otklik.approvals.registry import kinds
from otklik.core.exceptions import NotFound
from otklik.core.permissions import can, visible_to
from otklik.core.roles import SUPERUSER, acting_role


def visible_approvals(qs: QuerySet[Approval], user: Any) -> QuerySet[Approval]:
    """Approvals of the registered kinds that ``user`` may see (each kind's view right)."""
    either = Q(pk__in=[])
    for code, kind in kinds().items():
        either |= Q(pk__in=visible_to(qs.filter(kind=code), user, kind.view_action).values("pk"))
    return qs.filter(either)


def approval_get(*, user: Any, pk: int) -> Approval:
    """One approval that ``user`` may see (else not found: what one may not see does not
    exist for one)."""
    approval = visible_approvals(Approval.objects.filter(pk=pk), user).first()
    if approval is None:
        raise NotFound("Нет такого документа на согласовании или он вне вашей зоны.")
    return approval


def approval_inbox(*, user: Any) -> QuerySet[Approval]:
    """«На согласовании у меня»: documents at a step of the user's role, oldest due first."""
    role = acting_role(user)
    if role is None:
        return Approval.objects.none()
    qs = Approval.objects.filter(state=ApprovalState.IN_ROUTE)
    if role != SUPERUSER:
        qs = qs.filter(step_role=role)
    return visible_approvals(qs, user).select_related("sector", "author").order_by("step_due", "pk")


def approval_rework(*, user: Any) -> QuerySet[Approval]:
    """Returned for rework and drafts that the user may prepare (its block's, or its own)."""
    qs = Approval.objects.filter(state__in=[ApprovalState.RETURNED, ApprovalState.DRAFT])
    either = Q(pk__in=[])
    for code, kind in kinds().items():
        either |= Q(pk__in=visible_to(qs.filter(kind=code), user, kind.prepare_action).values("pk"))
    return qs.filter(either).select_related("sector", "author").order_by("-updated_at")


def approval_overdue(*, user: Any, today: dt.date) -> QuerySet[Approval]:
    """On the route past the step's due day (for the head's and the curator's overview)."""
    qs = Approval.objects.filter(state=ApprovalState.IN_ROUTE, step_due__lt=today)
    return visible_approvals(qs, user).select_related("sector").order_by("step_due")


def approval_of(*, kind: str, target_id: str | int) -> Approval | None:
    return Approval.objects.filter(kind=kind, target_id=str(target_id)).first()


def approval_sheet(approval: Approval) -> list[ApprovalEvent]:
    """The approval sheet («лист согласования»): every line of the history, oldest first."""
    return list(approval.events.select_related("actor").order_by("at", "pk"))


def approval_panel(*, user: Any, approval: Approval | None) -> dict:
    """What a document's page shows of its route: the sheet and the verbs ``user`` may post
    (the services check again)."""
    if approval is None:
        return {"approval": None}
    from otklik.approvals.registry import kind_get
    from otklik.approvals.services import may_decide

    kind = kind_get(approval.kind)
    may_prepare = can(user, kind.prepare_action, approval)
    deciding = may_decide(user, approval)
    open_ = approval.state != ApprovalState.APPROVED
    role = acting_role(user)
    in_route = role == SUPERUSER or any(s["role"] == role for s in approval.route or [])
    return {
        "approval": approval,
        "kind": kind,
        "sheet": approval_sheet(approval),
        "may_submit": may_prepare and approval.is_editable,
        "may_decide": deciding,
        # approving signs: the form asks for the password, and the code when the user has one
        "signs": deciding and approval.step_verb == Verb.APPROVE,
        "signs_with_code": deciding
        and approval.step_verb == Verb.APPROVE
        and user_has_second_factor(user=user),
        "may_comment": open_ and (may_prepare or in_route),
    }
