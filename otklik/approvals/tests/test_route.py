"""The one approval route, on a document kind of the test's own (the real kinds belong to the
apps above): steps as data, who may act at each, return with a reason, frozen once approved,
due dates on the working calendar, reminders and escalation once each."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import transaction

from otklik.approvals.choices import ApprovalState, Decision
from otklik.approvals.models import Approval, RouteStep
from otklik.approvals.registry import DocumentKind, kind_register
from otklik.approvals.selectors import approval_inbox, approval_panel, approval_sheet
from otklik.approvals.services import (
    approval_comment,
    approval_decide,
    approval_open,
    approval_submit,
    approvals_sweep,
    routes_load,
)
from otklik.audit.models import AuditEvent
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.core.permissions import Action
from otklik.core.roles import Role
from otklik.directory.models import Sector

VLG = ZoneInfo("Europe/Volgograd")
CALLS: list[tuple[str, int]] = []

kind_register(
    DocumentKind(
        code="test_doc",
        label="тестовый документ",
        view_action=Action.OFFICE_VIEW,
        prepare_action=Action.OFFICE_PREPARE,
        url=lambda a: f"/test/{a.target_id}",
        submitted=lambda a, actor: CALLS.append(("submitted", a.pk)),
        returned=lambda a, actor: CALLS.append(("returned", a.pk)),
        approved=lambda a, actor: CALLS.append(("approved", a.pk)),
    )
)

ROUTE = """
version = "t"
[[route]]
kind = "test_doc"
steps = [
  { verb = "agree", role = "head", label = "Согласование руководителем", days = 3 },
  { verb = "approve", role = "curator", label = "Утверждение куратором", days = 2 },
]
"""


@pytest.fixture
def route(tmp_path, region):
    path = tmp_path / "routes.toml"
    path.write_text(ROUTE, "utf-8")
    routes_load(path=path)
    CALLS.clear()
    return path


@pytest.fixture
def users(personas):
    return personas


class _Clock:
    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def move_to(self, moment: dt.datetime) -> None:
        """The services run at ``moment`` (``timezone.now()``)."""
        self.monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


@pytest.fixture
def time_machine(monkeypatch):
    return _Clock(monkeypatch)


def _draft(actor, sector_code="zhkh") -> Approval:
    with transaction.atomic():
        return approval_open(
            actor=actor,
            kind="test_doc",
            target_id=1,
            title="Паспорт «Тёплый дом»",
            sector=Sector.objects.get(code=sector_code),
        )


def _at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=VLG)


def test_routes_load_is_idempotent_and_all_or_nothing(route, tmp_path):
    assert list(RouteStep.objects.filter(kind="test_doc").values_list("order", "role", "verb")) == [
        (1, "head", "agree"),
        (2, "curator", "approve"),
    ]
    events = AuditEvent.objects.filter(action="approvals.routes_load").count()
    assert routes_load(path=route).changed == []
    assert AuditEvent.objects.filter(action="approvals.routes_load").count() == events

    bad = tmp_path / "bad.toml"
    # the head may not approve by the matrix: data cannot give a right the regulation does not
    bad.write_text(ROUTE.replace('role = "curator"', 'role = "head"'), "utf-8")
    with pytest.raises(ApplicationError, match="не имеет права «Утверждение»"):
        routes_load(path=bad)
    bad.write_text(
        '[[route]]\nkind = "test_doc"\n'
        'steps = [{ verb = "agree", role = "head", label = "Согласование", days = 3 }]\n',
        "utf-8",
    )
    with pytest.raises(ApplicationError, match="заканчиваться утверждением"):
        routes_load(path=bad)
    assert RouteStep.objects.filter(kind="test_doc").count() == 2


def test_the_whole_route(route, users, time_machine):
    lead, head, curator = users["sector_lead"], users["head"], users["curator"]
    time_machine.move_to(_at(2026, 12, 4))  # a Friday
    approval = _draft(lead)
    assert approval.state == ApprovalState.DRAFT
    approval = approval_submit(actor=lead, approval=approval, text="Прошу согласовать")
    assert approval.state == ApprovalState.IN_ROUTE
    assert (approval.step, approval.step_role) == (1, Role.HEAD)
    # 3 working days from Friday 04.12: Mon 07, Tue 08, Wed 09
    assert approval.step_due == dt.date(2026, 12, 9)
    assert list(approval_inbox(user=head)) == [approval]
    assert list(approval_inbox(user=curator)) == []

    time_machine.move_to(_at(2026, 12, 7))
    approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    assert (approval.step, approval.step_role) == (2, Role.CURATOR)
    assert approval.step_due == dt.date(2026, 12, 9)  # 2 working days from Monday 07.12
    assert list(approval_inbox(user=head)) == []
    assert list(approval_inbox(user=curator)) == [approval]

    approval = approval_decide(
        actor=curator,
        approval=approval,
        decision=Decision.APPROVE,
        text="Утверждаю",
        confirmation="password",
    )
    assert approval.state == ApprovalState.APPROVED
    assert approval.approved_by == curator and approval.step is None
    assert [("submitted", approval.pk), ("approved", approval.pk)] == CALLS
    assert [(e.decision, e.actor, e.text) for e in approval_sheet(approval)] == [
        (Decision.OPEN, lead, ""),
        (Decision.SUBMIT, lead, "Прошу согласовать"),
        (Decision.AGREE, head, ""),
        (Decision.APPROVE, curator, "Утверждаю"),
    ]
    assert list(
        AuditEvent.objects.filter(target_type="approvals.approval", target_id=str(approval.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["approval.submit", "approval.agree", "approval.approve"]

    # frozen: nothing more happens to an approved version
    with pytest.raises(ApplicationError, match="не на согласовании"):
        approval_decide(actor=curator, approval=approval, decision=Decision.RETURN, text="x")
    with pytest.raises(ApplicationError, match="направить его нельзя"):
        approval_submit(actor=lead, approval=approval)
    with pytest.raises(ApplicationError, match="утверждён"):
        approval_comment(actor=lead, approval=approval, text="ещё")


def test_return_needs_a_reason_and_the_document_starts_again(route, users):
    lead, head = users["sector_lead"], users["head"]
    approval = approval_submit(actor=lead, approval=_draft(lead))
    with pytest.raises(ApplicationError, match="что нужно доработать"):
        approval_decide(actor=head, approval=approval, decision=Decision.RETURN, text="  ")
    approval.refresh_from_db()
    assert approval.state == ApprovalState.IN_ROUTE
    approval = approval_decide(
        actor=head, approval=approval, decision=Decision.RETURN, text="Нет базового значения"
    )
    assert approval.state == ApprovalState.RETURNED and approval.step is None
    assert ("returned", approval.pk) in CALLS
    assert approval_panel(user=lead, approval=approval)["may_submit"] is True
    approval = approval_submit(actor=lead, approval=approval, text="Исправлено")
    assert (approval.state, approval.step) == (ApprovalState.IN_ROUTE, 1)
    assert [e.decision for e in approval_sheet(approval)][-2:] == [
        Decision.RETURN,
        Decision.SUBMIT,
    ]


@pytest.mark.parametrize(
    "role", ["curator", "executor", "sector_lead", "analyst", "auditor", "org_operator"]
)
def test_only_the_steps_role_acts_and_a_refusal_changes_nothing(route, users, role):
    lead = users["sector_lead"]
    approval = approval_submit(actor=lead, approval=_draft(lead))
    events = AuditEvent.objects.count()
    sheet = len(approval_sheet(approval))
    for decision in (Decision.AGREE, Decision.RETURN):
        with pytest.raises(AccessDenied):
            approval_decide(actor=users[role], approval=approval, decision=decision, text="x")
    approval.refresh_from_db()
    assert (approval.state, approval.step) == (ApprovalState.IN_ROUTE, 1)
    assert AuditEvent.objects.count() == events
    assert len(approval_sheet(approval)) == sheet
    assert approval_panel(user=users[role], approval=approval)["may_decide"] is False


def test_the_head_cannot_approve_at_the_curators_step(route, users):
    lead, head, curator = users["sector_lead"], users["head"], users["curator"]
    approval = approval_submit(actor=lead, approval=_draft(lead))
    approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    with pytest.raises(AccessDenied):
        approval_decide(
            actor=head, approval=approval, decision=Decision.APPROVE, confirmation="password"
        )
    # the verb of the step, not another
    with pytest.raises(ApplicationError, match="«Утверждение» или возврат"):
        approval_decide(actor=curator, approval=approval, decision=Decision.AGREE)
    approval.refresh_from_db()
    assert (approval.state, approval.step) == (ApprovalState.IN_ROUTE, 2)


def test_a_sector_lead_prepares_only_its_own_block(route, users, make_user):
    other = make_user(Role.SECTOR_LEAD, sector=Sector.objects.get(code="roads"))
    approval = _draft(users["sector_lead"])  # a ЖКХ document
    with pytest.raises(AccessDenied):
        approval_submit(actor=other, approval=approval)
    with pytest.raises(AccessDenied):
        approval_submit(actor=users["curator"], approval=approval)  # the curator approves only
    approval.refresh_from_db()
    assert approval.state == ApprovalState.DRAFT
    assert list(approval_inbox(user=other)) == []


def test_comments_by_participants_only(route, users):
    lead = users["sector_lead"]
    approval = approval_submit(actor=lead, approval=_draft(lead))
    approval_comment(actor=users["curator"], approval=approval, text="Уточните сроки")
    with pytest.raises(AccessDenied):
        approval_comment(actor=users["analyst"], approval=approval, text="мнение")
    with pytest.raises(AccessDenied):
        approval_comment(actor=users["org_operator"], approval=approval, text="мнение")
    assert [(e.decision, e.text) for e in approval_sheet(approval)][-1] == (
        Decision.COMMENT,
        "Уточните сроки",
    )


def test_a_route_changed_later_does_not_change_the_way_of_a_document_on_it(route, users):
    lead, head = users["sector_lead"], users["head"]
    approval = approval_submit(actor=lead, approval=_draft(lead))
    RouteStep.objects.filter(kind="test_doc").delete()  # an administrator edits the route
    approval = approval_decide(actor=head, approval=approval, decision=Decision.AGREE)
    assert (approval.step, approval.step_role) == (2, Role.CURATOR)


def test_sweep_reminds_on_the_last_day_and_escalates_after_it_once(
    route, users, time_machine, django_capture_on_commit_callbacks
):
    lead, head, curator = users["sector_lead"], users["head"], users["curator"]
    for user, email in ((head, "head@cur.test"), (curator, "curator@cur.test")):
        user.email = email
        user.save()
    time_machine.move_to(_at(2026, 12, 4))
    approval = approval_submit(actor=lead, approval=_draft(lead))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        # Tuesday 08.12: not yet the last day
        assert approvals_sweep(now=_at(2026, 12, 8)).reminded == 0
        # Wednesday 09.12: the last day — the head is reminded, once
        first = approvals_sweep(now=_at(2026, 12, 9))
        assert (first.reminded, first.escalated) == (1, 0)
        assert approvals_sweep(now=_at(2026, 12, 9, 15)).reminded == 0
        # Thursday 10.12: expired — reported to the head and the curator above, once
        report = approvals_sweep(now=_at(2026, 12, 10))
        assert (report.reminded, report.escalated) == (0, 1)
        assert approvals_sweep(now=_at(2026, 12, 11)).escalated == 0
    decisions = [e.decision for e in approval_sheet(approval)]
    assert decisions.count(Decision.REMIND) == 1 and decisions.count(Decision.ESCALATE) == 1
    assert AuditEvent.objects.filter(action="approval.escalate").count() == 1
    assert [sorted(m.to) for m in mail.outbox] == [
        ["head@cur.test"],
        ["curator@cur.test", "head@cur.test"],
    ]
    assert "Просрочено согласование" in mail.outbox[1].subject
