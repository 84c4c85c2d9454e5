"""The small world of the analytics tests: four cases whose figures are known by hand."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from otklik.analytics.services import rollups_refresh
from otklik.cases.choices import AnswerStatus, CaseStatus
from otklik.cases.models import Answer, Case, CaseEvent, Survey
from otklik.cases.services.opening import case_open_or_join
from otklik.directory.models import Channel, InputKind, Municipality, Organization, Topic
from otklik.intake.services import AuthorData, message_ingest

_ids = itertools.count(1)
D = dt.date(2026, 11, 2)


def at(day_offset: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(
        dt.datetime.combine(D + dt.timedelta(days=day_offset), dt.time(hour))
    )


def case(topic: str, okato: str, org: str, *, received: dt.datetime, **fields) -> Case:
    t = Topic.objects.get(code=topic)
    message, _ = message_ingest(
        channel=Channel.objects.get(code="web"),
        kind=InputKind.objects.get(code="message"),
        external_id=f"a-{next(_ids)}",
        text="Текст сообщения",
        received_at=received,
        author=AuthorData(name="Иванов", phone=f"+7904{next(_ids):07d}"),
        sector=t.sector,
        topic=t,
        municipality=Municipality.objects.get(okato=okato),
        process=False,
    )
    c, _ = case_open_or_join(message=message)
    Case.objects.filter(pk=c.pk).update(
        organization=Organization.objects.get(code=org), status=CaseStatus.IN_WORK, **fields
    )
    c.refresh_from_db()
    return c


def answer(c: Case, status: str, moderated: dt.datetime, quality: int) -> Answer:
    return Answer.objects.create(
        case=c,
        organization=c.organization,
        text="Ответ",
        status=status,
        quality_score=quality,
        moderated_at=moderated,
    )


@pytest.fixture
def world(region):
    """Волжский (ЖКХ, its administration): A answered on time, B late and breached, C breached
    and unanswered; Камышин (roads): D answered on time, the author says «not solved» (2 of 5)
    and the case reopens."""
    a = case(
        "zhkh-hot-water", "18410", "adm-18410", received=at(0, 9),
        first_response_at=at(0, 12), published_at=at(3), resolution_due=at(5, 18),
    )  # fmt: skip
    b = case(
        "zhkh-hot-water", "18410", "adm-18410", received=at(0, 11),
        published_at=at(8), resolution_due=at(5, 18), breached_at=at(5, 18),
    )  # fmt: skip
    c = case(
        "zhkh-heating-outage", "18410", "adm-18410", received=at(1),
        resolution_due=at(5, 18), breached_at=at(5, 18),
    )  # fmt: skip
    d = case(
        "roads-potholes", "18415", "adm-18415", received=at(0),
        published_at=at(1), resolution_due=at(10),
    )  # fmt: skip
    answer(a, AnswerStatus.RETURNED, at(2), 2)
    answer(a, AnswerStatus.APPROVED, at(3), 4)
    ans_b = answer(b, AnswerStatus.APPROVED, at(8), 3)
    ans_d = answer(d, AnswerStatus.APPROVED, at(1), 5)
    Survey.objects.create(
        case=d, answer=ans_d, token="t-d", responded_at=at(2), solved=False, rating=2
    )
    Survey.objects.create(case=b, answer=ans_b, token="t-b")  # not answered
    event = CaseEvent.objects.create(
        case=d, kind="reopen", from_status="published", to_status="reopened"
    )
    CaseEvent.objects.filter(pk=event.pk).update(at=at(2, 12))
    rollups_refresh(full=True, now=at(12))
    return {"a": a, "b": b, "c": c, "d": d}
