"""An accident (аварийная ситуация) reported in a message: the language pipeline reads it as
critical, the case opens with the priority «аварийный» and the short deadline of the emergency
policy, and the queue and the API show the priority."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from otklik.cases.choices import Priority
from otklik.cases.models import CaseEvent
from otklik.cases.services.lifecycle import case_accept
from otklik.cases.services.opening import case_open_or_join
from otklik.directory.models import Municipality, Organization
from otklik.nlp.services.analysis import message_analyse
from otklik.nlp.tests.test_services import ingest

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Volgograd")
LIST = reverse("cases:list")
ACCIDENT = "третий день течёт горячая вода из трубы в подвале, в подъезде пар"
OUTAGE = "нет горячей воды уже неделю"
# Friday 06.03.2026 21:30: an accident does not wait for Monday.
FRIDAY_NIGHT = dt.datetime(2026, 3, 6, 21, 30, tzinfo=MSK)


def opened(text: str, received_at: dt.datetime = FRIDAY_NIGHT):
    message = ingest(
        text, received_at=received_at, municipality=Municipality.objects.get(okato="18410")
    )
    case, was_opened = case_open_or_join(
        message=message, analysis=message_analyse(message=message).analysis
    )
    assert was_opened
    return case


def test_an_accident_opens_an_emergency_case_with_the_short_deadline(region):
    case = opened(ACCIDENT)

    assert case.priority == Priority.CRITICAL
    assert case.sla_policy == "emergency_message"
    # 24 calendar hours from receipt, the first reaction within an hour: Saturday counts
    assert case.resolution_due == dt.datetime(2026, 3, 7, 21, 30, tzinfo=MSK)
    assert case.first_response_due == dt.datetime(2026, 3, 6, 22, 30, tzinfo=MSK)
    event = CaseEvent.objects.get(case=case, kind="opened")
    assert event.data["priority"] == "critical"


def test_an_outage_that_is_no_accident_keeps_the_ordinary_deadline(region):
    case = opened(OUTAGE)

    assert case.priority == Priority.NORMAL
    assert case.sla_policy == "message"
    # 10 working days after Fri 06.03.2026 (09.03 is the 8 March holiday moved): 23.03
    assert case.resolution_due == dt.datetime(2026, 3, 23, 23, 59, 59, 999999, tzinfo=MSK)
    assert "priority" not in CaseEvent.objects.get(case=case, kind="opened").data


@pytest.mark.parametrize(
    ("text", "priority", "policy", "due"),
    [
        # a false alarm lowered: the ordinary deadline again
        (ACCIDENT, "normal", "message", dt.datetime(2026, 3, 23, 23, 59, 59, 999999, tzinfo=MSK)),
        # an accident the pipeline missed, raised: the short deadline
        (OUTAGE, "critical", "emergency_message", dt.datetime(2026, 3, 7, 21, 30, tzinfo=MSK)),
    ],
)
def test_the_priority_the_ЦУР_sets_at_moderation_chooses_the_deadline(
    region, personas, text, priority, policy, due
):
    case = case_accept(
        case=opened(text),
        actor=personas["analyst"],
        organization=Organization.objects.get(code="adm-18410"),
        priority=priority,
    )

    assert (case.priority, case.sla_policy, case.resolution_due) == (priority, policy, due)


def rows(html: str) -> list[tuple[str, str]]:
    """(case number, priority cell text) of each row of the queue table, in order."""
    out = []
    for chunk in html.split('<tr data-case="')[1:]:
        number = chunk.split('"', 1)[0]
        cell = chunk.split('data-testid="priority">', 1)[1].split("</td>", 1)[0]
        text = cell.split(">", 1)[1].split("<", 1)[0]
        out.append((number, text))
    return out


def header(html: str) -> str:
    return html.split('data-testid="priority-header"', 1)[1].split("</th>", 1)[0]


def test_the_queue_shows_and_sorts_by_priority(client, personas, region):
    accident = opened(ACCIDENT, FRIDAY_NIGHT)
    later = opened(OUTAGE, FRIDAY_NIGHT + dt.timedelta(hours=1))
    client.force_login(personas["curator"])

    page = client.get(LIST, {"queue": "all"}).content.decode()
    by_priority = client.get(LIST, {"queue": "all", "order": "priority"}).content.decode()

    assert 'data-testid="priority-header"' in page
    assert ">Приоритет<" in page
    # newest first by default; the accident first when sorted by priority
    assert rows(page) == [(later.number, "Обычный"), (accident.number, "Аварийный")]
    assert rows(by_priority) == [(accident.number, "Аварийный"), (later.number, "Обычный")]
    assert 'class="tag tag--alert">Аварийный<' in page
    # the header sorts, and sorts back
    assert 'href="/cases/?queue=all&amp;order=priority"' in header(page)
    assert 'href="/cases/?queue=all"' in header(by_priority)


def test_the_api_list_has_the_priority_and_sorts_by_it(personas, region):
    accident = opened(ACCIDENT, FRIDAY_NIGHT)
    later = opened(OUTAGE, FRIDAY_NIGHT + dt.timedelta(hours=1))
    api = APIClient()
    api.force_authenticate(personas["curator"])

    plain = api.get("/api/v1/cases", {"queue": "all"}).json()["results"]
    ordered = api.get("/api/v1/cases", {"queue": "all", "order": "priority"}).json()["results"]

    assert [(r["number"], r["priority"]) for r in plain] == [
        (later.number, "normal"),
        (accident.number, "critical"),
    ]
    assert [r["number"] for r in ordered] == [accident.number, later.number]
