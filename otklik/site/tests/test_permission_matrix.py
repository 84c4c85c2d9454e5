"""The permission matrix, written out below as the regulation and docs/permissions.md state it,
compared with ``MATRIX`` cell by cell, and run over every role × action through the real
services, selectors and API (expectations from the written table, never from ``MATRIX``); a
denied call also shows that nothing changed.

It lives in the composition root because it drives every app's services."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from otklik.accounts.models import User
from otklik.accounts.selectors import user_list
from otklik.accounts.services import user_create
from otklik.audit.models import AuditEvent
from otklik.core.exceptions import AccessDenied
from otklik.core.permissions import (
    ACTION_LABELS,
    MATRIX,
    Action,
    Scope,
    access_check,
    matrix_markdown,
    visible_to,
)
from otklik.core.roles import Role
from otklik.directory.models import (
    CalendarOverride,
    Channel,
    InputKind,
    Municipality,
    Organization,
    Sector,
    Topic,
)
from otklik.directory.services import calendar_override_set, topic_update
from otklik.intake.models import Message
from otklik.intake.services import message_classify, message_ingest

# The matrix as the ЦУР regulation (section 3, docs/permissions.md and CONTEXT.md) states it,
# written by hand: ALL — the whole region; OWN — the user's own zone (a sector lead's sector, an
# organisation operator's organisation, a municipal coordinator's municipality); — — nothing.
# The auditor sees everything (each *.view) and changes nothing (the PDF report and the ZIP
# package, issued and audited, are not for the auditor); only the curator, the executor and the head
# manage users, the calendar and the ratings; the ЦУР's analyst moderates, classifies and keeps
# the reference books, routing and models; the scoped roles see and work their own zone.
# The project office (regulation §§ 3–4.1): a sector lead prepares its block's passports and
# reports, the head prepares the consolidated plans and agrees (согласовывает), only the curator
# approves (утверждает); the responsible executor and the head keep the ЦУР's indicators, the
# sector lead its block's; everybody of the ЦУР reads the office, no organisation or
# municipality sees it. A «вопрос на решение куратора» goes up the chain: only the head raises
# it (from a risk or a report), only the curator decides it. Only the head forms the
# consolidated plans of the blocks and of the ЦУР and checks and publishes the assessment of
# the blocks' leads (regulation § 4.1). The ЦУР's roadmap and its synchronisation with the
# national projects are the responsible executor's own (regulation § 3, issue 14): only the
# executor keeps them; the curator, the head and everybody else who reads the office see them.
# Phone calls and paper letters are registered by the ЦУР's operators (executor, head,
# analyst) for the whole region and by an organisation's operator for its own organisation
# (the letter is then addressed to it); the curator, the sector leads, the municipal
# coordinators and the auditor do not keep the desk (issue 15, part 6).
# «Документы ЦУР» (issue 15): the ЦУР's roles and the auditor read the registry, a sector lead
# its block's, each only documents of kinds it may see; organisations and municipalities have no
# document there addressed to them yet (their requests and tasks are in their own queue), so no
# menu item leading to an empty journal; nobody changes a registered document.
# fmt: off
EXPECTED_TABLE = """
action             curator  executor  head  sector  analyst  org  municipal  auditor
reference.view     ALL      ALL       ALL   ALL     ALL      ALL  ALL        ALL
reference.edit     ALL      ALL       ALL   —       ALL      —    —          —
calendar.edit      ALL      ALL       ALL   —       —        —    —          —
user.view          ALL      ALL       ALL   —       —        —    —          ALL
user.manage        ALL      ALL       ALL   —       —        —    —          —
message.view       ALL      ALL       ALL   OWN     ALL      OWN  OWN        ALL
message.classify   ALL      ALL       ALL   OWN     ALL      —    —          —
audit.view         ALL      ALL       ALL   —       —        —    —          ALL
quarantine.view    ALL      ALL       ALL   —       ALL      —    —          ALL
quarantine.manage  ALL      ALL       ALL   —       ALL      —    —          —
case.view          ALL      ALL       ALL   OWN     ALL      OWN  OWN        ALL
case.moderate      ALL      ALL       ALL   OWN     ALL      —    —          —
case.work          ALL      ALL       ALL   OWN     ALL      OWN  OWN        —
answer.moderate    ALL      ALL       ALL   OWN     ALL      —    —          —
routing.edit       ALL      ALL       ALL   —       ALL      —    —          —
model.view         ALL      ALL       ALL   —       ALL      —    —          ALL
model.manage       ALL      ALL       ALL   —       ALL      —    —          —
channel.view       ALL      ALL       ALL   —       ALL      —    —          ALL
channel.import     ALL      ALL       ALL   —       ALL      —    —          —
appeal.register    —        ALL       ALL   —       ALL      OWN  —          —
analytics.view     ALL      ALL       ALL   OWN     ALL      OWN  OWN        ALL
rating.manage      ALL      ALL       ALL   —       —        —    —          —
analytics.export   ALL      ALL       ALL   —       ALL      —    —          —
problem.view       ALL      ALL       ALL   OWN     ALL      OWN  OWN        ALL
problem.manage     ALL      ALL       ALL   OWN     ALL      —    —          —
problem.import     ALL      ALL       ALL   —       ALL      —    —          —
office.view        ALL      ALL       ALL   ALL     ALL      —    —          ALL
office.prepare     —        —         ALL   OWN     —        —    —          —
indicator.manage   —        ALL       ALL   OWN     —        —    —          —
approval.agree     —        —         ALL   —       —        —    —          —
approval.approve   ALL      —         —     —       —        —    —          —
question.raise     —        —         ALL   —       —        —    —          —
question.decide    ALL      —         —     —       —        —    —          —
plan.prepare       —        —         ALL   —       —        —    —          —
assessment.publish —        —         ALL   —       —        —    —          —
roadmap.manage     —        ALL       —     —       —        —    —          —
documents.view     ALL      ALL       ALL   OWN     ALL      —    —          ALL
correspondence.view     ALL  ALL  ALL  OWN  ALL  OWN  —    ALL
correspondence.send     ALL  ALL  ALL  OWN  —    —    —    —
correspondence.check    ALL  ALL  ALL  OWN  —    —    —    —
correspondence.answer   —    —    —    —    —    OWN  —    —
correspondence.incoming ALL  ALL  ALL  OWN  ALL  —    —    —
"""
# fmt: on
COLUMNS = {  # the table's column heads
    "curator": Role.CURATOR,
    "executor": Role.EXECUTOR,
    "head": Role.HEAD,
    "sector": Role.SECTOR_LEAD,
    "analyst": Role.ANALYST,
    "org": Role.ORG_OPERATOR,
    "municipal": Role.MUNICIPAL_COORDINATOR,
    "auditor": Role.AUDITOR,
}
CELL = {"ALL": Scope.ALL, "OWN": Scope.OWN, "—": Scope.NONE}


def _parse(table: str) -> dict[str, dict[str, Scope]]:
    """{action code: {role code: scope}} from the written table."""
    head, *rows = [line.split() for line in table.strip().splitlines()]
    assert head[0] == "action" and len(head) == 1 + len(COLUMNS), head
    roles = [COLUMNS[name].value for name in head[1:]]
    parsed = {}
    for action, *cells in rows:
        assert len(cells) == len(roles), action
        assert action not in parsed, action
        parsed[action] = {role: CELL[cell] for role, cell in zip(roles, cells, strict=True)}
    return parsed


EXPECTED = _parse(EXPECTED_TABLE)
ROLES = [r.value for r in Role]


def expected(role: str, action: Action) -> Scope:
    """The scope the written table gives ``role`` for ``action``."""
    return EXPECTED[action.value][role]


def refused(action: Action):
    """``pytest.raises`` for the refusal of ``action``: its message names the action."""
    return pytest.raises(
        AccessDenied, match=re.escape(f"Недостаточно прав: «{ACTION_LABELS[action]}».")
    )


def roles_of(action: Action) -> list:
    """The roles as test parameters, each with its expected scope in its id."""
    return [pytest.param(role, id=f"{role}-{expected(role, action).name}") for role in ROLES]


@pytest.fixture
def world(personas):
    """Two messages: one inside every scoped persona's zone (ЖКХ, Волжский, its administration),
    one outside all of them (roads, Камышин, another organisation)."""
    channel = Channel.objects.get(code="pos")
    kind = InputKind.objects.get(code="message")
    inside, _ = message_ingest(
        channel=channel,
        kind=kind,
        external_id="in-1",
        text="Нет горячей воды на ул. Мира",
        received_at=timezone.now(),
        sector=Sector.objects.get(code="zhkh"),
        topic=Topic.objects.filter(sector__code="zhkh").first(),
        municipality=Municipality.objects.get(okato="18410"),
        organization=Organization.objects.get(code="adm-18410"),
    )
    outside, _ = message_ingest(
        channel=channel,
        kind=kind,
        external_id="out-1",
        text="Яма на дороге в Камышине",
        received_at=timezone.now(),
        sector=Sector.objects.get(code="roads"),
        topic=Topic.objects.filter(sector__code="roads").first(),
        municipality=Municipality.objects.get(okato="18415"),
        organization=Organization.objects.get(code="adm-18415"),
    )
    return {"inside": inside, "outside": outside}


def test_the_written_table_covers_every_role_and_action():
    assert set(EXPECTED) == {a.value for a in Action}
    for action, row in EXPECTED.items():
        assert set(row) == set(ROLES), action


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_matrix_equals_the_written_table(action):
    """Cell by cell: a changed cell in MATRIX (or a role or action added there) fails here."""
    assert set(MATRIX) == set(Action)
    assert set(MATRIX[action]) == set(Role)
    code = {role.value: scope for role, scope in MATRIX[action].items()}
    differ = {
        r: (code[r].name, want.name)
        for r, want in EXPECTED[action.value].items()
        if code[r] != want
    }
    assert not differ, f"{action}: role: (MATRIX, written table) {differ}"


def test_docs_show_the_matrix_of_the_code():
    doc = (Path(__file__).resolve().parents[3] / "docs" / "permissions.md").read_text("utf-8")
    assert matrix_markdown() in doc, "docs/permissions.md is stale: otklik permissions --markdown"


@pytest.mark.parametrize("role", roles_of(Action.REFERENCE_VIEW))
def test_reference_view(role, personas, client):
    user = personas[role]
    api = APIClient()
    api.force_authenticate(user)
    response = api.get("/api/v1/topics")
    allowed = expected(role, Action.REFERENCE_VIEW) is not Scope.NONE
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert len(response.json()) == Topic.objects.count()


def test_reference_view_refused_to_anonymous(region):
    assert APIClient().get("/api/v1/topics").status_code == 403


@pytest.mark.parametrize("role", roles_of(Action.REFERENCE_EDIT))
def test_reference_edit_service(role, personas):
    user = personas[role]
    topic = Topic.objects.order_by("pk").first()
    old_name = topic.name
    events_before = AuditEvent.objects.count()
    if expected(role, Action.REFERENCE_EDIT) is Scope.ALL:
        topic_update(actor=user, topic=topic, name="Новое название")
        topic.refresh_from_db()
        assert topic.name == "Новое название"
        assert AuditEvent.objects.count() == events_before + 1
        assert AuditEvent.objects.latest("id").actor == user
    else:
        with refused(Action.REFERENCE_EDIT):
            topic_update(actor=user, topic=topic, name="Новое название")
        topic.refresh_from_db()
        assert topic.name == old_name
        assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize("role", roles_of(Action.REFERENCE_EDIT))
def test_reference_edit_api(role, personas):
    api = APIClient()
    api.force_authenticate(personas[role])
    topic = Topic.objects.order_by("pk").first()
    old = topic.description
    response = api.patch(f"/api/v1/topics/{topic.code}", {"description": "Уточнено"}, format="json")
    topic.refresh_from_db()
    if expected(role, Action.REFERENCE_EDIT) is Scope.ALL:
        assert response.status_code == 200, response.content
        assert topic.description == "Уточнено"
    else:
        assert response.status_code == 403
        assert topic.description == old


@pytest.mark.parametrize("role", roles_of(Action.CALENDAR_EDIT))
def test_calendar_edit(role, personas):
    user = personas[role]
    day = dt.date(2026, 12, 31)
    if expected(role, Action.CALENDAR_EDIT) is Scope.ALL:
        calendar_override_set(
            actor=user, date=day, is_working=False, reason="ПП РФ о переносе выходных дней"
        )
        assert CalendarOverride.objects.get(date=day).is_working is False
    else:
        with refused(Action.CALENDAR_EDIT):
            calendar_override_set(actor=user, date=day, is_working=False, reason="x")
        assert not CalendarOverride.objects.filter(date=day).exists()


@pytest.mark.parametrize("role", roles_of(Action.USER_VIEW))
def test_user_view(role, personas):
    user = personas[role]
    if expected(role, Action.USER_VIEW) is Scope.ALL:
        assert user_list(user=user).count() == len(ROLES)
    else:
        with refused(Action.USER_VIEW):
            user_list(user=user)


@pytest.mark.parametrize("role", roles_of(Action.USER_MANAGE))
def test_user_manage(role, personas):
    user = personas[role]
    count = User.objects.count()
    if expected(role, Action.USER_MANAGE) is Scope.ALL:
        created = user_create(
            actor=user, username="newcomer", password="Kachalinskaya-7", role=Role.AUDITOR
        )
        assert User.objects.count() == count + 1
        assert (
            AuditEvent.objects.filter(
                action="user.create", target_id=str(created.pk), actor=user
            ).count()
            == 1
        )
    else:
        with refused(Action.USER_MANAGE):
            user_create(
                actor=user, username="newcomer", password="Kachalinskaya-7", role=Role.AUDITOR
            )
        assert User.objects.count() == count
        assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.parametrize("role", roles_of(Action.MESSAGE_VIEW))
def test_message_view(role, personas, world):
    user = personas[role]
    seen = set(
        visible_to(Message.objects.all(), user, Action.MESSAGE_VIEW).values_list(
            "external_id", flat=True
        )
    )
    scope = expected(role, Action.MESSAGE_VIEW)
    assert seen == {Scope.ALL: {"in-1", "out-1"}, Scope.OWN: {"in-1"}, Scope.NONE: set()}[scope]


@pytest.mark.parametrize("role", roles_of(Action.MESSAGE_CLASSIFY))
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_message_classify(role, where, personas, world):
    user = personas[role]
    message = world[where]
    new_topic = Topic.objects.filter(sector=message.sector).exclude(pk=message.topic_id).first()
    events = AuditEvent.objects.filter(action="message.classify").count()
    scope = expected(role, Action.MESSAGE_CLASSIFY)
    allowed = scope is Scope.ALL or (scope is Scope.OWN and where == "inside")
    if allowed:
        message_classify(actor=user, message=message, topic=new_topic)
        message.refresh_from_db()
        assert message.topic == new_topic
        assert AuditEvent.objects.filter(action="message.classify").count() == events + 1
    else:
        old_topic = message.topic_id
        with refused(Action.MESSAGE_CLASSIFY):
            message_classify(actor=user, message=message, topic=new_topic)
        message.refresh_from_db()
        assert message.topic_id == old_topic
        assert AuditEvent.objects.filter(action="message.classify").count() == events


def test_sector_lead_cannot_move_a_message_out_of_sight(personas, world):
    lead = personas[Role.SECTOR_LEAD]
    message = world["inside"]
    roads = Sector.objects.get(code="roads")
    roads_topic = Topic.objects.filter(sector=roads).first()
    with refused(Action.MESSAGE_CLASSIFY):
        message_classify(actor=lead, message=message, sector=roads, topic=roads_topic)
    message.refresh_from_db()
    assert message.sector.code == "zhkh"


@pytest.mark.parametrize("role", roles_of(Action.AUDIT_VIEW))
def test_audit_view(role, personas):
    from otklik.audit.selectors import event_list

    user = personas[role]
    if expected(role, Action.AUDIT_VIEW) is Scope.ALL:
        assert event_list(user=user).count() == AuditEvent.objects.count()
    else:
        with refused(Action.AUDIT_VIEW):
            event_list(user=user)


@pytest.mark.parametrize("role", roles_of(Action.QUARANTINE_VIEW))
def test_quarantine_view(role, personas, quarantined):
    from otklik.intake.selectors import quarantine_count, quarantine_list

    user = personas[role]
    if expected(role, Action.QUARANTINE_VIEW) is Scope.ALL:
        assert list(quarantine_list(user=user)) == [quarantined]
        assert quarantine_count(user=user) == 1
    else:
        with refused(Action.QUARANTINE_VIEW):
            quarantine_list(user=user)
        assert quarantine_count(user=user) == 0


def test_inactive_user_may_do_nothing(personas):
    curator = personas[Role.CURATOR]
    curator.is_active = False
    for action in Action:
        with refused(action):
            access_check(curator, action)


def test_user_without_role_may_do_nothing(region):
    nobody = User.objects.create_user(username="nobody", password="x")
    for action in Action:
        with refused(action):
            access_check(nobody, action)


def test_scope_fields_are_enforced_by_the_database(region):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError, match="user_role_scope_consistent"), transaction.atomic():
        User.objects.create(username="bad", role=Role.SECTOR_LEAD)  # no sector
    with pytest.raises(IntegrityError, match="user_role_scope_consistent"), transaction.atomic():
        User.objects.create(
            username="bad2", role=Role.CURATOR, sector=Sector.objects.get(code="zhkh")
        )


@pytest.fixture
def quarantined(region):
    from otklik.intake.models import Delivery, DeliveryStatus

    return Delivery.objects.create(
        source="api:test", body="{broken", error="Неверный JSON", status=DeliveryStatus.QUARANTINED
    )


@pytest.mark.parametrize("role", roles_of(Action.QUARANTINE_MANAGE))
def test_quarantine_manage(role, personas, quarantined):
    from otklik.intake.models import DeliveryStatus
    from otklik.intake.services import delivery_discard

    user = personas[role]
    if expected(role, Action.QUARANTINE_MANAGE) is Scope.ALL:
        delivery_discard(actor=user, delivery=quarantined, reason="спам")
        quarantined.refresh_from_db()
        assert quarantined.status == DeliveryStatus.DISCARDED
        assert quarantined.resolved_by == user
    else:
        with refused(Action.QUARANTINE_MANAGE):
            delivery_discard(actor=user, delivery=quarantined, reason="спам")
        quarantined.refresh_from_db()
        assert quarantined.status == DeliveryStatus.QUARANTINED
        assert quarantined.resolved_by is None


# --- cases -----------------------------------------------------------------------------------
@pytest.fixture
def cases(world):
    """A case for each world message: «inside» every scoped persona's zone, «outside» all."""
    from otklik.cases.services.opening import case_open_or_join

    return {where: case_open_or_join(message=m)[0] for where, m in world.items()}


def _allowed(role, action, where):
    scope = expected(role, action)
    return scope is Scope.ALL or (scope is Scope.OWN and where == "inside")


def _assign(case):
    from otklik.cases.services.lifecycle import case_accept

    org = case.messages.first().organization
    return case_accept(case=case, actor=None, organization=org)


@pytest.mark.parametrize("role", roles_of(Action.CASE_VIEW))
def test_case_view(role, personas, cases):
    from otklik.cases.selectors import CaseFilters, case_list

    for case in cases.values():
        _assign(case)
    seen = set(
        case_list(user=personas[role], filters=CaseFilters(queue="all")).values_list(
            "pk", flat=True
        )
    )
    assert seen == {c.pk for w, c in cases.items() if _allowed(role, Action.CASE_VIEW, w)}


@pytest.mark.parametrize("role", roles_of(Action.CASE_MODERATE))
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_case_moderate(role, where, personas, cases):
    from otklik.cases.services.lifecycle import case_reject

    case = cases[where]
    events = case.events.count()
    if _allowed(role, Action.CASE_MODERATE, where):
        case_reject(case=case, actor=personas[role], reason="Не требует ответа: благодарность")
        case.refresh_from_db()
        assert case.status == "no_answer"
    else:
        with refused(Action.CASE_MODERATE):
            case_reject(case=case, actor=personas[role], reason="Не требует ответа")
        case.refresh_from_db()
        assert case.status == "new"
        assert case.events.count() == events


@pytest.mark.parametrize("role", roles_of(Action.CASE_WORK))
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_case_work(role, where, personas, cases):
    from otklik.cases.services.lifecycle import case_take

    case = _assign(cases[where])
    if _allowed(role, Action.CASE_WORK, where):
        case_take(case=case, actor=personas[role])
        case.refresh_from_db()
        assert case.status == "in_work"
    else:
        with refused(Action.CASE_WORK):
            case_take(case=case, actor=personas[role])
        case.refresh_from_db()
        assert case.status == "assigned"
        assert case.first_response_at is None


@pytest.mark.parametrize("role", roles_of(Action.ANSWER_MODERATE))
@pytest.mark.parametrize("where", ["inside", "outside"])
def test_answer_moderate(role, where, personas, cases):
    from otklik.cases.services.answers import answer_return, answer_submit

    case = _assign(cases[where])
    answer = answer_submit(
        case=case, actor=None, text="Работы выполнены, водоснабжение восстановлено полностью."
    )
    if _allowed(role, Action.ANSWER_MODERATE, where):
        answer_return(answer=answer, actor=personas[role], reason="Уточните сроки")
        answer.refresh_from_db()
        assert answer.status == "returned"
    else:
        with refused(Action.ANSWER_MODERATE):
            answer_return(answer=answer, actor=personas[role], reason="Уточните сроки")
        answer.refresh_from_db()
        case.refresh_from_db()
        assert (answer.status, case.status) == ("submitted", "answer_review")


@pytest.mark.parametrize("role", roles_of(Action.ROUTING_EDIT))
def test_routing_edit(role, personas):
    from otklik.cases.models import RoutingRule
    from otklik.cases.services.routing import routing_rule_save

    org = Organization.objects.get(code="adm-18415")
    if expected(role, Action.ROUTING_EDIT) is Scope.ALL:
        routing_rule_save(actor=personas[role], name="Камышин", organization=org)
        assert RoutingRule.objects.filter(name="Камышин").count() == 1
    else:
        with refused(Action.ROUTING_EDIT):
            routing_rule_save(actor=personas[role], name="Камышин", organization=org)
        assert not RoutingRule.objects.exists()


@pytest.mark.parametrize("role", roles_of(Action.MODEL_VIEW))
def test_model_view(role, personas):
    from otklik.nlp.selectors import correction_summary, model_list

    user = personas[role]
    if expected(role, Action.MODEL_VIEW) is Scope.ALL:
        assert list(model_list(user=user)) == []
        assert correction_summary(user=user)["total"] == 0
    else:
        with refused(Action.MODEL_VIEW):
            model_list(user=user)


@pytest.mark.parametrize("role", roles_of(Action.MODEL_MANAGE))
def test_model_manage(role, personas):
    from otklik.nlp.models import ReprocessRun
    from otklik.nlp.services import reprocess_start

    user = personas[role]
    if expected(role, Action.MODEL_MANAGE) is Scope.ALL:
        reprocess_start(actor=user, enqueue=False)
        assert ReprocessRun.objects.count() == 1
    else:
        with refused(Action.MODEL_MANAGE):
            reprocess_start(actor=user, enqueue=False)
        assert not ReprocessRun.objects.exists()


# --- channels ---------------------------------------------------------------------------------
@pytest.mark.parametrize("role", roles_of(Action.APPEAL_REGISTER))
def test_appeal_register(role, personas):
    import datetime as dt

    from django.utils import timezone

    from otklik.channels.desk.services import AppealInput, appeal_register

    user = personas[role]
    call = AppealInput(
        channel="phone",
        kind="appeal_59fz",
        received_at=timezone.now() - dt.timedelta(minutes=1),
        text="Не горит фонарь у дома 5 по ул. Мира.",
        name="Петрова Анна",
    )
    scope = expected(role, Action.APPEAL_REGISTER)
    if scope is Scope.NONE:
        with refused(Action.APPEAL_REGISTER):
            appeal_register(actor=user, data=call)
        assert not Message.objects.exists()
        return
    appeal_register(actor=user, data=call)
    message = Message.objects.get(channel__code="phone")
    # an organisation's operator registers for its own organisation: addressed to it
    assert message.organization_id == (user.organization_id if scope is Scope.OWN else None)


@pytest.mark.parametrize("role", roles_of(Action.CHANNEL_IMPORT))
def test_channel_import(role, personas):
    from otklik.channels.imports.models import ImportBatch
    from otklik.channels.imports.services import import_batch_confirm, import_batch_plan

    data = "Номер;Текст\n77;Не вывозят мусор\n".encode()
    mapping = 'channel = "pos"\n[columns]\nexternal_id = "Номер"\ntext = "Текст"\n'
    user = personas[role]
    if expected(role, Action.CHANNEL_IMPORT) is Scope.ALL:
        batch = import_batch_plan(actor=user, file_name="pos.csv", data=data, mapping_text=mapping)
        import_batch_confirm(actor=user, batch=batch)
        assert Message.objects.filter(channel__code="pos", external_id="77").count() == 1
    else:
        with refused(Action.CHANNEL_IMPORT):
            import_batch_plan(actor=user, file_name="pos.csv", data=data, mapping_text=mapping)
        assert not ImportBatch.objects.exists()
        planned = import_batch_plan(
            actor=personas["curator"], file_name="pos.csv", data=data, mapping_text=mapping
        )
        with refused(Action.CHANNEL_IMPORT):
            import_batch_confirm(actor=user, batch=planned)
        planned.refresh_from_db()
        assert planned.imported_at is None
        assert not Message.objects.filter(external_id="77").exists()


@pytest.mark.parametrize("role", roles_of(Action.CHANNEL_VIEW))
def test_channel_view(role, personas):
    from otklik.channels.selectors import channel_health_list

    user = personas[role]
    if expected(role, Action.CHANNEL_VIEW) is Scope.ALL:
        assert {r.channel.code for r in channel_health_list(user=user)} >= {"web", "telegram"}
    else:
        with refused(Action.CHANNEL_VIEW):
            channel_health_list(user=user)


@pytest.mark.parametrize("role", roles_of(Action.ANALYTICS_VIEW))
def test_analytics_view(role, personas, world):
    from otklik.analytics.selectors import Period, Slice, picture
    from otklik.analytics.services import rollups_refresh

    rollups_refresh(full=True)
    today = timezone.localdate()
    total = picture(user=personas[role], s=Slice(period=Period(today, today)))["total"]
    scope = expected(role, Action.ANALYTICS_VIEW)
    # the world: one message inside every scoped persona's zone, one outside all of them
    assert total["messages"] == {Scope.ALL: 2, Scope.OWN: 1}[scope]


@pytest.mark.parametrize("role", roles_of(Action.ANALYTICS_EXPORT))
def test_analytics_export(role, personas, world):
    """The package of materials on request: issued (and recorded) for the ЦУР roles only; a
    refusal records nothing."""
    from otklik.analytics.selectors import Period, Slice
    from otklik.analytics.services import package_issue, rollups_refresh

    rollups_refresh(full=True)
    today = timezone.localdate()
    s = Slice(period=Period(today, today))
    if expected(role, Action.ANALYTICS_EXPORT) is Scope.ALL:
        content = package_issue(actor=personas[role], s=s, period=s.period)
        assert content.startswith(b"PK")  # a ZIP
        assert AuditEvent.objects.filter(action="analytics.package").count() == 1
    else:
        with refused(Action.ANALYTICS_EXPORT):
            package_issue(actor=personas[role], s=s, period=s.period)
        assert not AuditEvent.objects.filter(action="analytics.package").exists()


@pytest.mark.parametrize("role", roles_of(Action.RATING_MANAGE))
def test_rating_manage(role, personas):
    """A new version of the methodology and the publication of a past month: the ЦУР's
    leadership only; a refusal stores and records nothing."""
    from otklik.analytics.models import RatingMethodology, RatingSnapshot
    from otklik.analytics.selectors import month
    from otklik.analytics.services import methodology_save, methodology_seed, rating_publish

    methodology_seed()
    shipped = RatingMethodology.objects.get()
    user = personas[role]
    weights = {"quantity": 1, "speed": 1, "quality": 1, "completeness": 1}
    if expected(role, Action.RATING_MANAGE) is Scope.ALL:
        method = methodology_save(actor=user, weights=weights, min_cases=2)
        assert method.is_active and method.created_by == user
        rating_publish(actor=user, period=month("2026-10"))
        assert RatingSnapshot.objects.get().published_by == user
    else:
        with refused(Action.RATING_MANAGE):
            methodology_save(actor=user, weights=weights, min_cases=2)
        with refused(Action.RATING_MANAGE):
            rating_publish(actor=user, period=month("2026-10"))
        assert list(RatingMethodology.objects.all()) == [shipped]
        assert not RatingSnapshot.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="rating.").exists()


# --- problem registry --------------------------------------------------------------------------
@pytest.fixture
def problems(personas):
    """A problem inside every scoped persona's zone (ЖКХ, Волжский, a measure of its
    administration) and one outside all of them (roads, Камышин, another organisation)."""
    from otklik.problems.services import measure_add, problem_create

    curator = personas["curator"]
    out = {}
    for where, sector, okato, org in (
        ("inside", "zhkh", "18410", "adm-18410"),
        ("outside", "roads", "18415", "adm-18415"),
    ):
        p = problem_create(
            actor=curator,
            title=where,
            sector=Sector.objects.get(code=sector),
            municipalities=[Municipality.objects.get(okato=okato)],
        )
        measure_add(
            actor=curator,
            problem=p,
            text="Мера",
            deadline=dt.date(2026, 12, 1),
            organization=Organization.objects.get(code=org),
        )
        out[where] = p
    return out


@pytest.mark.parametrize("role", roles_of(Action.PROBLEM_VIEW))
def test_problem_view(role, personas, problems):
    from otklik.problems.selectors import problem_list

    scope = expected(role, Action.PROBLEM_VIEW)
    if scope is Scope.NONE:
        with refused(Action.PROBLEM_VIEW):
            problem_list(user=personas[role])
        return
    seen = set(problem_list(user=personas[role]).values_list("title", flat=True))
    assert seen == {Scope.ALL: {"inside", "outside"}, Scope.OWN: {"inside"}}[scope]


@pytest.mark.parametrize("where", ["inside", "outside"])
@pytest.mark.parametrize("role", roles_of(Action.PROBLEM_MANAGE))
def test_problem_manage(role, where, personas, problems):
    from otklik.problems.services import problem_update

    problem = problems[where]
    events = AuditEvent.objects.count()
    if _allowed(role, Action.PROBLEM_MANAGE, where):
        problem_update(actor=personas[role], problem=problem, root_cause="Износ сетей")
        problem.refresh_from_db()
        assert problem.root_cause == "Износ сетей"
        assert (
            AuditEvent.objects.filter(action="problem.update").latest("id").actor
            == (personas[role])
        )
    else:
        with refused(Action.PROBLEM_MANAGE):
            problem_update(actor=personas[role], problem=problem, root_cause="Износ сетей")
        problem.refresh_from_db()
        assert problem.root_cause == ""
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", roles_of(Action.PROBLEM_IMPORT))
def test_problem_import(role, personas):
    from otklik.problems.imports import problems_import
    from otklik.problems.models import Problem

    content = "external_id,title,sector\next-1,Мусор,tko\n".encode()
    if expected(role, Action.PROBLEM_IMPORT) is Scope.ALL:
        report = problems_import(actor=personas[role], name="p.csv", content=content)
        assert report.created == ["ext-1"]
        assert Problem.objects.filter(external_id="ext-1").count() == 1
    else:
        with refused(Action.PROBLEM_IMPORT):
            problems_import(actor=personas[role], name="p.csv", content=content)
        assert not Problem.objects.exists()


# --- the project office (regulation §§ 3–4.1) ---------------------------------------------------
@pytest.mark.parametrize("role", roles_of(Action.OFFICE_VIEW))
def test_office_view(role, personas):
    from otklik.office.selectors import block_list

    if expected(role, Action.OFFICE_VIEW) is Scope.ALL:
        assert len(block_list(user=personas[role])) == Sector.objects.count()
    else:
        with refused(Action.OFFICE_VIEW):
            block_list(user=personas[role])


@pytest.mark.parametrize("where", ["inside", "outside"])
@pytest.mark.parametrize("role", roles_of(Action.OFFICE_PREPARE))
def test_office_prepare(role, where, personas):
    from otklik.office.models import Project
    from otklik.office.services import project_create

    sector = Sector.objects.get(code="zhkh" if where == "inside" else "roads")
    events = AuditEvent.objects.count()
    if _allowed(role, Action.OFFICE_PREPARE, where):
        project = project_create(actor=personas[role], sector=sector, name="Тёплый дом")
        assert project.created_by == personas[role]
    else:
        with refused(Action.OFFICE_PREPARE):
            project_create(actor=personas[role], sector=sector, name="Тёплый дом")
        assert not Project.objects.exists()
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("where", ["inside", "outside"])
@pytest.mark.parametrize("role", roles_of(Action.INDICATOR_MANAGE))
def test_indicator_manage(role, where, personas):
    from otklik.office.models import Indicator
    from otklik.office.services import indicator_propose

    sector = Sector.objects.get(code="zhkh" if where == "inside" else "roads")

    def propose():
        return indicator_propose(
            actor=personas[role], code="Д-1", name="Доля домов с учётом", unit="процент",
            sector=sector,
        )  # fmt: skip

    if _allowed(role, Action.INDICATOR_MANAGE, where):
        assert propose().owner == personas[role]
    else:
        with refused(Action.INDICATOR_MANAGE):
            propose()
        assert not Indicator.objects.exists()


@pytest.fixture
def passport_at_each_step(personas):
    """A ЖКХ passport at the head's step and another at the curator's."""
    from otklik.approvals.services import approval_decide, approval_submit
    from otklik.office.services import passport_approval, project_create

    zhkh = Sector.objects.get(code="zhkh")
    at = {}
    for step in ("agree", "approve"):
        project = project_create(actor=personas["head"], sector=zhkh, name=f"Проект {step}")
        approval = approval_submit(
            actor=personas["head"], approval=passport_approval(project.versions.get())
        )
        if step == "approve":
            approval = approval_decide(actor=personas["head"], approval=approval, decision="agree")
        at[step] = approval
    return at


@pytest.mark.parametrize(
    ("action", "step"),
    [(Action.APPROVAL_AGREE, "agree"), (Action.APPROVAL_APPROVE, "approve")],
    ids=["agree", "approve"],
)
@pytest.mark.parametrize("role", ROLES)
def test_approval_decisions(role, action, step, personas, passport_at_each_step):
    from otklik.approvals.services import approval_decide

    approval = passport_at_each_step[step]
    before = (approval.state, approval.step)
    events = AuditEvent.objects.count()
    if expected(role, action) is Scope.ALL:
        done = approval_decide(
            actor=personas[role],
            approval=approval,
            decision=step,
            confirmation="password" if step == "approve" else "",
        )
        assert (done.state, done.step) != before
    else:
        with pytest.raises(AccessDenied):
            approval_decide(
                actor=personas[role], approval=approval, decision=step, confirmation="password"
            )
        approval.refresh_from_db()
        assert (approval.state, approval.step) == before
        assert AuditEvent.objects.count() == events


@pytest.fixture
def zhkh_risk(personas):
    """A risk of a ЖКХ project, kept by the head."""
    from otklik.office.services import project_create
    from otklik.office.services_risks import office_today, risk_create

    head = personas["head"]
    project = project_create(actor=head, sector=Sector.objects.get(code="zhkh"), name="Тепло")
    return risk_create(
        actor=head,
        project=project,
        description="Подрядчик не выйдет на объект до холодов",
        owner=personas["sector_lead"],
        probability="high",
        impact="high",
        due=office_today() + dt.timedelta(days=10),
    )


@pytest.mark.parametrize("role", roles_of(Action.QUESTION_RAISE))
def test_question_raise(role, personas, zhkh_risk):
    from otklik.office.models import CuratorQuestion
    from otklik.office.services_risks import office_today, question_raise

    due = office_today() + dt.timedelta(days=5)
    events = AuditEvent.objects.count()

    def raise_it():
        return question_raise(
            actor=personas[role], risk=zhkh_risk, text="Сменить подрядчика?",
            proposal="Расторгнуть контракт", due=due,
        )  # fmt: skip

    if expected(role, Action.QUESTION_RAISE) is Scope.ALL:
        question = raise_it()
        assert (question.raised_by, question.project, question.risk) == (
            personas[role], zhkh_risk.project, zhkh_risk,
        )  # fmt: skip
        assert AuditEvent.objects.count() == events + 1
    else:
        with refused(Action.QUESTION_RAISE):
            raise_it()
        assert not CuratorQuestion.objects.exists()
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", roles_of(Action.QUESTION_DECIDE))
def test_question_decide(role, personas, zhkh_risk):
    from otklik.office.services_risks import office_today, question_decide, question_raise

    question = question_raise(
        actor=personas["head"], risk=zhkh_risk, text="Сменить подрядчика?",
        proposal="Расторгнуть контракт", due=office_today() + dt.timedelta(days=5),
    )  # fmt: skip
    events = AuditEvent.objects.count()
    if expected(role, Action.QUESTION_DECIDE) is Scope.ALL:
        question_decide(actor=personas[role], question=question, decision="Расторгнуть")
        question.refresh_from_db()
        assert (question.decision, question.decided_by) == ("Расторгнуть", personas[role])
        assert question.decided_on == office_today()
        assert AuditEvent.objects.count() == events + 1
    else:
        with refused(Action.QUESTION_DECIDE):
            question_decide(actor=personas[role], question=question, decision="Расторгнуть")
        question.refresh_from_db()
        assert (question.decision, question.decided_on, question.decided_by) == ("", None, None)
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", roles_of(Action.PLAN_PREPARE))
def test_plan_prepare(role, personas):
    from otklik.office.models import ConsolidatedPlan
    from otklik.office.services_plans import plan_assemble

    events = AuditEvent.objects.count()
    if expected(role, Action.PLAN_PREPARE) is Scope.ALL:
        plan = plan_assemble(actor=personas[role], sector=None, period="2027")
        assert plan.author == personas[role]
    else:
        with refused(Action.PLAN_PREPARE):
            plan_assemble(actor=personas[role], sector=None, period="2027")
        assert not ConsolidatedPlan.objects.exists()
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", roles_of(Action.ASSESSMENT_PUBLISH))
def test_assessment_publish(role, personas):
    from otklik.office.models import Assessment
    from otklik.office.services_assessment import assessment_compute

    events = AuditEvent.objects.count()
    if expected(role, Action.ASSESSMENT_PUBLISH) is Scope.ALL:
        assert assessment_compute(actor=personas[role], period="2026-11").period == "2026-11"
    else:
        with refused(Action.ASSESSMENT_PUBLISH):
            assessment_compute(actor=personas[role], period="2026-11")
        assert not Assessment.objects.exists()
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", roles_of(Action.ROADMAP_MANAGE))
def test_roadmap_manage(role, personas):
    """The roadmap is the responsible executor's: an item created, moved and marked done by
    the executor; refused to everybody else, and then nothing is written (items, history,
    audit)."""
    from otklik.office.models import RoadmapEvent, RoadmapItem
    from otklik.office.services_risks import office_today
    from otklik.office.services_roadmap import (
        roadmap_item_create,
        roadmap_item_done,
        roadmap_item_status_set,
    )

    due = office_today() + dt.timedelta(days=20)
    kept = roadmap_item_create(
        actor=personas["executor"], section="Кадры", title="Штат укомплектован",
        owner=personas["head"], due=due,
    )  # fmt: skip
    events = AuditEvent.objects.count()
    history = RoadmapEvent.objects.count()
    if expected(role, Action.ROADMAP_MANAGE) is Scope.ALL:
        item = roadmap_item_create(
            actor=personas[role], section="Кадры", title="Обучение", owner=personas["head"],
            due=due,
        )  # fmt: skip
        roadmap_item_status_set(actor=personas[role], item=item, status="in_work")
        item = roadmap_item_done(actor=personas[role], item=kept, evidence="Приказ № 5")
        assert (item.status, item.done_by) == ("done", personas[role])
        assert AuditEvent.objects.count() == events + 3
    else:
        with refused(Action.ROADMAP_MANAGE):
            roadmap_item_create(
                actor=personas[role], section="Кадры", title="Обучение", owner=personas["head"],
                due=due,
            )  # fmt: skip
        with refused(Action.ROADMAP_MANAGE):
            roadmap_item_status_set(actor=personas[role], item=kept, status="in_work")
        with refused(Action.ROADMAP_MANAGE):
            roadmap_item_done(actor=personas[role], item=kept, evidence="Приказ № 5")
        kept.refresh_from_db()
        assert (kept.status, kept.done_on) == ("planned", None)
        assert RoadmapItem.objects.count() == 1
        assert AuditEvent.objects.count() == events
        assert RoadmapEvent.objects.count() == history
