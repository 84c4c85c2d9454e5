"""The deadline policies load from the versioned file idempotently and all-or-nothing, and the
most specific valid policy is chosen for an input."""

import datetime as dt

import pytest

from otklik.audit.models import AuditEvent
from otklik.sla.choices import Basis, DueKind, Unit
from otklik.sla.models import DeadlinePolicy
from otklik.sla.selectors import PolicyNotFound, policy_for, policy_for_due_kind, policy_get
from otklik.sla.services import DATA_FILE, PolicyDataError, policies_load, policies_load_if_empty

CODES = [
    "appeal_59fz",
    "complaint_210fz",
    "complaint_210fz_short",
    "emergency_message",
    "emergency_social_post",
    "message",
    "pos_heating_outage",
    "pos_message",
    "pos_power_outage",
    "pos_water_outage",
    "social_post",
]


@pytest.fixture
def empty(region):
    """The reference model without any policy (the session set-up loads them)."""
    DeadlinePolicy.objects.all().delete()


def _snapshot() -> list[tuple]:
    return list(
        DeadlinePolicy.objects.order_by("code").values_list(
            "code", "resolution_length", "unit", "updated_at"
        )
    )


# --- loading -------------------------------------------------------------------------------------
def test_first_load_creates_every_policy_of_the_file(empty):
    report = policies_load(actor=None)
    assert report.created == {"DeadlinePolicy": 11}
    assert report.updated == {}
    assert report.versions == {"policies.toml": "2026-12-07"}
    assert sorted(DeadlinePolicy.objects.values_list("code", flat=True)) == CODES
    event = AuditEvent.objects.filter(action="sla.policies_load").latest("id")
    assert event.data["created"] == {"DeadlinePolicy": 11}


def test_the_law_as_loaded(region):
    appeal = policy_get(code="appeal_59fz")
    assert (appeal.input_kind, appeal.channel, appeal.topic) == ("appeal_59fz", "", "")
    assert (appeal.basis, appeal.unit, appeal.resolution_length) == (
        Basis.REGISTRATION,
        Unit.CALENDAR_DAYS,
        30,
    )
    assert appeal.max_extension_length == 30
    assert (appeal.registration_length, appeal.registration_unit) == (3, Unit.CALENDAR_DAYS)
    assert (appeal.redirect_length, appeal.redirect_unit) == (7, Unit.CALENDAR_DAYS)
    assert appeal.first_response_length is None
    assert appeal.warning_thresholds == [0.7, 0.9]

    short = policy_get(code="complaint_210fz_short")
    assert (short.input_kind, short.applies_automatically) == ("complaint_210fz", False)
    assert (short.unit, short.resolution_length, short.max_extension_length) == (
        Unit.WORKING_DAYS,
        5,
        0,
    )

    social = policy_get(code="social_post")
    assert (social.unit, social.resolution_length) == (Unit.CALENDAR_HOURS, 24)
    assert (social.first_response_length, social.first_response_unit) == (8, Unit.WORKING_HOURS)

    message = policy_get(code="message")
    assert (message.first_response_length, message.first_response_unit) == (1, Unit.WORKING_DAYS)
    assert message.pause_states == ["awaiting_citizen"]


def test_second_load_changes_nothing(region):
    before = _snapshot()
    report = policies_load(actor=None)
    assert report.created == {}
    assert report.updated == {}
    assert report.unchanged == {"DeadlinePolicy": 11}
    assert _snapshot() == before


def test_a_changed_file_updates_only_the_changed_policy(region, tmp_path):
    path = tmp_path / "policies.toml"
    text = DATA_FILE.read_text(encoding="utf-8")
    marker = 'code = "pos_message"'
    head, tail = text.split(marker)
    path.write_text(
        head + marker + tail.replace("resolution = 10", "resolution = 12", 1), encoding="utf-8"
    )
    report = policies_load(actor=None, path=path)
    assert report.updated == {"DeadlinePolicy": 1}
    assert report.unchanged == {"DeadlinePolicy": 10}
    assert policy_get(code="pos_message").resolution_length == 12
    assert policy_get(code="message").resolution_length == 10


def test_load_if_empty_loads_only_an_empty_table(empty):
    assert policies_load_if_empty().created == {"DeadlinePolicy": 11}
    assert policies_load_if_empty() is None
    assert DeadlinePolicy.objects.count() == 11


GOOD = """
[[policy]]
code = "x"
name = "X"
input_kind = "message"
channel = "phone"
basis = "receipt"
unit = "working_days"
resolution = 10
legal_basis = "тест"
"""


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        (GOOD.replace('unit = "working_days"', 'unit = "weeks"'), "«unit» = 'weeks'"),
        (GOOD.replace('basis = "receipt"', 'basis = "whenever"'), "«basis» = 'whenever'"),
        (GOOD.replace('"message"', '"letter"'), "«input_kind» = 'letter'"),
        (GOOD.replace('"phone"', '"fax"'), "неизвестный канал «fax»"),
        (GOOD + 'topic = "no-such-topic"\n', "неизвестная тема «no-such-topic»"),
        (GOOD + 'priority = "urgent"\n', "неизвестный приоритет «urgent», возможны: critical"),
        (GOOD + "resolutoin = 3\n", "неизвестные поля: resolutoin"),
        (GOOD.replace("resolution = 10", "resolution = 0"), "«resolution» должно быть целым"),
        (GOOD.replace('legal_basis = "тест"', ""), "нет обязательного поля «legal_basis»"),
        (GOOD + "registration = { length = 3 }\n", "«registration» пишется как"),
        (GOOD + "warning_thresholds = [0.9, 0.7]\n", "«warning_thresholds»"),
        (GOOD + "warning_thresholds = [0.5, 1.5]\n", "«warning_thresholds»"),
        # a state in which the case does not wait for anyone (or a typo) cannot stop the clock
        (GOOD + 'pause_states = ["in_work"]\n', "«pause_states»: in_work — не состояние ожидания"),
        (GOOD + 'pause_states = ["awaiting_citizne"]\n', "допустимы: awaiting_citizen"),
        (GOOD + "valid_from = 2026-02-01\nvalid_to = 2026-01-01\n", "«valid_to» раньше"),
        (GOOD + GOOD, "код «x» встречается дважды"),
        (GOOD + GOOD.replace('code = "x"', 'code = "y"'), "«x» и «y» действуют одновременно"),
        ('version = "1"\n[[policy]\n', "ошибка в файле"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_changes(region, tmp_path, entry, error):
    before = _snapshot()
    path = tmp_path / "policies.toml"
    # a valid new policy first: it must not survive the error that follows
    path.write_text(GOOD.replace('"x"', '"first"').replace('"phone"', '"web"') + entry)
    with pytest.raises(PolicyDataError) as caught:
        policies_load(actor=None, path=path)
    assert error in caught.value.message
    assert _snapshot() == before
    assert not DeadlinePolicy.objects.filter(code="first").exists()


def test_a_new_policy_overlapping_a_loaded_one_is_refused(region, tmp_path):
    path = tmp_path / "policies.toml"
    # kind "message", any channel, any topic: the same as the loaded policy "message"
    path.write_text(GOOD.replace('channel = "phone"', ""))
    with pytest.raises(PolicyDataError, match="«message» и «x» действуют одновременно"):
        policies_load(actor=None, path=path)
    assert not DeadlinePolicy.objects.filter(code="x").exists()


def test_a_missing_file_is_a_clear_error(region, tmp_path):
    with pytest.raises(PolicyDataError, match="файл сроков не найден"):
        policies_load(actor=None, path=tmp_path / "none.toml")


# --- choosing a policy ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "channel", "topic", "code"),
    [
        ("message", "pos", "zhkh-heating-outage", "pos_heating_outage"),
        ("message", "pos", "zhkh-cold-water-outage", "pos_water_outage"),
        ("message", "pos", "energy-power-outage", "pos_power_outage"),
        ("message", "pos", "zhkh-hot-water", "pos_message"),
        ("message", "pos", None, "pos_message"),
        ("message", "web", "zhkh-heating-outage", "message"),
        ("message", "telegram", None, "message"),
        ("message", None, None, "message"),
        ("publication", "incident", "zhkh-heating-outage", "social_post"),
        ("publication", "vk", None, "social_post"),
        ("appeal_59fz", "paper", None, "appeal_59fz"),
        ("appeal_59fz", "pos", "zhkh-heating-outage", "appeal_59fz"),
        ("complaint_210fz", "web", None, "complaint_210fz"),  # never the short one
    ],
)
def test_policy_for_picks_the_most_specific(region, kind, channel, topic, code):
    assert policy_for(kind=kind, channel=channel, topic=topic, on=dt.date(2026, 5, 8)).code == code


@pytest.mark.parametrize(
    ("kind", "channel", "topic", "priority", "code"),
    [
        # an accident: the emergency policy beats even the ПОС subcategory's own
        ("message", "pos", "zhkh-heating-outage", "critical", "emergency_message"),
        ("message", "web", "zhkh-hot-water", "critical", "emergency_message"),
        ("message", "telegram", None, "critical", "emergency_message"),
        ("publication", "vk", None, "critical", "emergency_social_post"),
        # other priorities never take it
        ("message", "web", "zhkh-hot-water", "high", "message"),
        ("message", "pos", "zhkh-heating-outage", "normal", "pos_heating_outage"),
        ("publication", "vk", None, "low", "social_post"),
        # the law's deadlines stay the law's
        ("appeal_59fz", "web", None, "critical", "appeal_59fz"),
        ("complaint_210fz", "web", None, "critical", "complaint_210fz"),
    ],
)
def test_policy_for_an_accident(region, kind, channel, topic, priority, code):
    chosen = policy_for(
        kind=kind, channel=channel, topic=topic, priority=priority, on=dt.date(2026, 5, 8)
    )
    assert chosen.code == code


def test_the_emergency_deadline_as_loaded(region):
    p = policy_get(code="emergency_message")
    assert (p.input_kind, p.channel, p.topic, p.priority) == ("message", "", "", "critical")
    assert (p.basis, p.unit, p.resolution_length) == (Basis.RECEIPT, Unit.CALENDAR_HOURS, 24)
    assert (p.first_response_length, p.first_response_unit) == (1, Unit.CALENDAR_HOURS)
    assert p.pause_states == ["awaiting_citizen"]
    post = policy_get(code="emergency_social_post")
    assert (post.input_kind, post.priority, post.resolution_length, post.unit) == (
        "publication",
        "critical",
        24,
        Unit.CALENDAR_HOURS,
    )
    assert post.pause_states == []


LADDER = """
[[policy]]
code = "{code}"
name = "{code}"
input_kind = "message"
{extra}
basis = "receipt"
unit = "working_days"
resolution = {n}
legal_basis = "тест"
"""


def load_ladder(tmp_path, *rungs: tuple[str, str, int]) -> None:
    """Load policies of kind «message» from (code, extra lines, resolution) only."""
    path = tmp_path / "policies.toml"
    path.write_text("".join(LADDER.format(code=c, extra=e, n=n) for c, e, n in rungs))
    policies_load(actor=None, path=path)


def test_specificity_ladder(empty, tmp_path):
    load_ladder(
        tmp_path,
        ("kind", "", 1),
        ("kind-channel", 'channel = "pos"', 2),
        ("kind-topic", 'topic = "zhkh-elevator"', 3),
        ("all", 'channel = "pos"\ntopic = "zhkh-elevator"', 4),
    )

    def pick(channel, topic):
        return policy_for(kind="message", channel=channel, topic=topic).code

    assert pick("pos", "zhkh-elevator") == "all"
    assert pick("web", "zhkh-elevator") == "kind-topic"
    assert pick(None, "zhkh-elevator") == "kind-topic"
    assert pick("pos", "zhkh-roof-leak") == "kind-channel"
    assert pick("pos", None) == "kind-channel"
    assert pick("web", "zhkh-roof-leak") == "kind"
    assert pick(None, None) == "kind"


def test_a_priority_policy_outranks_channel_and_topic(empty, tmp_path):
    load_ladder(
        tmp_path,
        ("kind", "", 1),
        ("all", 'channel = "pos"\ntopic = "zhkh-elevator"', 4),
        ("accident", 'priority = "critical"', 1),
        # the same kind, channel and topic as "all", told apart by the priority: no overlap
        ("all-high", 'channel = "pos"\ntopic = "zhkh-elevator"\npriority = "high"', 2),
    )

    def pick(priority):
        return policy_for(
            kind="message", channel="pos", topic="zhkh-elevator", priority=priority
        ).code

    assert pick("critical") == "accident"
    assert pick("high") == "all-high"
    assert pick("normal") == "all"
    assert pick(None) == "all"
    assert policy_for(kind="message", channel="web", priority="high").code == "kind"


def test_a_change_of_the_law_by_validity_dates(empty, tmp_path):
    path = tmp_path / "policies.toml"
    path.write_text(
        LADDER.format(code="old", extra="valid_from = 2020-01-01\nvalid_to = 2025-12-31", n=30)
        + LADDER.format(code="new", extra="valid_from = 2026-01-01", n=20)
    )
    policies_load(actor=None, path=path)
    assert policy_for(kind="message", on=dt.date(2025, 12, 31)).code == "old"
    assert policy_for(kind="message", on=dt.date(2026, 1, 1)).code == "new"
    with pytest.raises(PolicyNotFound) as caught:
        policy_for(kind="message", channel="web", on=dt.date(2019, 12, 31))
    assert caught.value.message == "Нет срока для вида «message» (канал web) на 31.12.2019."


def test_no_policy_for_a_kind(empty):
    with pytest.raises(PolicyNotFound, match="Нет срока для вида «appeal_59fz»"):
        policy_for(kind="appeal_59fz")


@pytest.mark.parametrize(
    ("due_kind", "topic", "code"),
    [
        (DueKind.APPEAL_59FZ, None, "appeal_59fz"),
        (DueKind.COMPLAINT_210FZ, None, "complaint_210fz"),
        (DueKind.COMPLAINT_210FZ_SHORT, None, "complaint_210fz_short"),
        (DueKind.POS_MESSAGE, None, "pos_message"),
        (DueKind.POS_MESSAGE, "energy-power-outage", "pos_power_outage"),
        (DueKind.SOCIAL_POST, None, "social_post"),
        (DueKind.MESSAGE, None, "message"),
    ],
)
def test_policy_for_due_kind(region, due_kind, topic, code):
    assert policy_for_due_kind(due_kind=due_kind, topic=topic).code == code


def test_policy_for_an_unknown_due_kind(region):
    with pytest.raises(PolicyNotFound, match="Неизвестный вид «letter»"):
        policy_for_due_kind(due_kind="letter")


def test_policy_get_unknown(region):
    with pytest.raises(PolicyNotFound) as caught:
        policy_get(code="nope")
    assert caught.value.message == "Срок «nope» не найден."


def test_which_policies_stop_the_clock_while_the_author_is_asked(region):
    """The law's periods (59-ФЗ, 210-ФЗ) and the social-network day never stop; the regional
    periods of ПОС and of other messages stop while the author is asked (policies.toml)."""
    pausing = dict(DeadlinePolicy.objects.values_list("code", "pause_states"))
    assert {code for code, states in pausing.items() if states} == {
        "pos_message",
        "pos_heating_outage",
        "pos_water_outage",
        "pos_power_outage",
        "message",
        "emergency_message",
    }
    assert {tuple(states) for states in pausing.values() if states} == {("awaiting_citizen",)}


def test_policy_for_reads_the_policies_once_and_sees_a_change_at_once(region):
    """The automatic policies are held in the process (a deadline is computed per message and
    read per case page); any save replaces the book, an unchanged book costs no read of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = policy_for(kind="message", channel="pos")
    with CaptureQueriesContext(connection) as reads:
        again = policy_for(kind="message", channel="pos")
    assert again == first
    assert not [q for q in reads.captured_queries if "sla_deadlinepolicy" in q["sql"]]
    # a change made through the admin or a load is seen by the next call, without a restart
    DeadlinePolicy.objects.filter(pk=first.pk).first().delete()
    assert policy_for(kind="message", channel="pos") != first
