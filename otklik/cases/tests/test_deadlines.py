"""Due times on cases and the sweep: warnings at 70 % and 90 %, breach, escalation, and one
claim per step however many workers sweep."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from otklik.cases.models import Case, CaseEvent
from otklik.cases.services.deadlines import deadline_sweep, escalation_recipients
from otklik.cases.services.lifecycle import case_accept

MSK = ZoneInfo("Europe/Volgograd")


@pytest.fixture
def case(personas, volzhsky_rule, make_case):
    # A web message (10 working days, first response 1 working day) on Monday 2026-03-02 10:00.
    received = dt.datetime(2026, 3, 2, 10, 0, tzinfo=MSK)
    c = make_case(received_at=received)
    return case_accept(case=c, actor=personas["analyst"])


def test_due_times_are_stored(case):
    assert case.sla_policy == "message"
    # 10 working days after Mon 02.03.2026 (09.03 is the 8 March holiday moved): 17.03
    assert case.resolution_due == dt.datetime(2026, 3, 17, 23, 59, 59, 999999, tzinfo=MSK)
    assert case.first_response_due == dt.datetime(2026, 3, 3, 23, 59, 59, 999999, tzinfo=MSK)
    assert case.next_alert_at is not None


def test_sweep_warns_then_breaches_then_escalates(case):
    def sweep_at(*args):
        return deadline_sweep(now=dt.datetime(*args, tzinfo=MSK))

    assert sweep_at(2026, 3, 5, 12) == {
        "warnings": 0,
        "breaches": 0,
        "escalations": 0,
        "skipped": 0,
        "paused": 0,
    }
    assert sweep_at(2026, 3, 13, 12)["warnings"] == 1  # past 70 %
    case.refresh_from_db()
    assert case.warning_level == 1
    assert sweep_at(2026, 3, 16, 17)["warnings"] == 0  # 90 % falls at 17:12 (88.2 of 98 h)
    assert sweep_at(2026, 3, 16, 17, 15)["warnings"] == 1
    assert sweep_at(2026, 3, 18, 9)["breaches"] == 1
    case.refresh_from_db()
    assert (case.warning_level, case.escalation_level) == (2, 1)
    assert case.breached_at is not None
    assert sweep_at(2026, 3, 19, 9, 30)["escalations"] == 1  # one working day later
    assert sweep_at(2026, 3, 19, 10)["escalations"] == 0
    assert sweep_at(2026, 3, 23, 9, 30)["escalations"] == 1  # two more working days
    case.refresh_from_db()
    assert case.escalation_level == 3
    assert case.next_alert_at is None
    kinds = list(
        CaseEvent.objects.filter(
            case=case, kind__in=["deadline_warning", "deadline_breached", "escalated"]
        ).values_list("kind", flat=True)
    )
    assert kinds == [
        "deadline_warning",
        "deadline_warning",
        "deadline_breached",
        "escalated",
        "escalated",
    ]


def test_a_step_is_claimed_once(case, monkeypatch):
    """Two workers read the same due case; the one that claims it first acts, the other skips."""
    from otklik.cases.services import deadlines

    now = dt.datetime(2026, 3, 18, 9, tzinfo=MSK)
    real_update = deadlines.Case.objects.filter
    claimed_by_other = {"done": False}

    def filter_then_race(*args, **kwargs):
        # Just before this worker claims, another worker claims the same case.
        if "next_alert_at" in kwargs and "pk" in kwargs and not claimed_by_other["done"]:
            claimed_by_other["done"] = True
            Case.objects.filter(pk=kwargs["pk"]).update(next_alert_at=None)
        return real_update(*args, **kwargs)

    monkeypatch.setattr(deadlines.Case.objects, "filter", filter_then_race)
    result = deadline_sweep(now=now)
    assert result == {
        "warnings": 0,
        "breaches": 0,
        "escalations": 0,
        "skipped": 1,
        "paused": 0,
    }
    case.refresh_from_db()
    assert case.warning_level == 0
    assert not CaseEvent.objects.filter(case=case, kind="deadline_warning").exists()


def test_escalation_reaches_organisation_then_sector_lead_then_curator(case, personas):
    assert list(escalation_recipients(case, 1)) == [personas["org_operator"]]
    assert list(escalation_recipients(case, 2)) == [personas["sector_lead"]]
    assert set(escalation_recipients(case, 3)) == {personas["curator"], personas["head"]}
