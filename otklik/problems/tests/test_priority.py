"""The priority of a regional problem, pinned on a world worked out by hand.

The day of the ranking: 06.12.2026; the window: 90 days, 08.09–06.12; «recent»: 07.11–06.12,
«before»: 08.10–06.11. Problem P (ЖКХ, Волжский, population 200 000) has three cases:

  C1  received 20.11 (+ a second message 21.11 joined to it), the first message with conflict
      signals; due 27.11, answered 25.11 (on time); survey 26.11 «не решена»
  C2  received 15.10, one message; due 22.10, never answered (breached)
  C3  received 30.11, one message; due 10.12 (not yet due)

and a national-project indicator: 2025 plan 100 / fact 100, 2026 plan 100 / fact 70.

  load       4 messages × 10 000 / 200 000 = 0.20 per 10 000 → 25 × 0.20/10 = 0.50
  growth     recent C1, C1, C3 = 3 against before C2 = 1: (3 − 1)/1 = 200 % → capped: 15.00
  conflict   1 of 4 messages = 25 % → 15 × 0.25/0.5 = 7.50
  repeats    1 of 3 cases (C1) with more than one message → 10 × (1/3)/0.5 = 6.67
  overdue    due by the day: C1, C2; breached C2 → 50 % → 15 × 1 = 15.00
  unsolved   1 «не решена» of 1 answer → capped: 10.00
  nat. lag   the latest period with both (2026): (100 − 70)/100 = 30 % → 10 × 1 = 10.00
  score      0.50 + 15 + 7.50 + 6.67 + 15 + 10 + 10 = 64.67

Problem Q (roads, Камышин — its population is known —, no cases, no indicator): load 0 per
10 000 and growth 0 (true zeros), the rest without data → 0.00.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from otklik.analytics.tests.conftest import answer as new_answer
from otklik.analytics.tests.conftest import case as new_case
from otklik.cases.choices import AnswerStatus, CaseStatus
from otklik.cases.models import Case, Survey
from otklik.directory.models import Channel, InputKind, Municipality, Sector
from otklik.intake.services import message_ingest
from otklik.nlp.models import MessageAnalysis
from otklik.problems.models import IndicatorValue, ProjectIndicator
from otklik.problems.priority import priority_of
from otklik.problems.selectors import problem_ranking
from otklik.problems.services import priorities_refresh, problem_cases_add, problem_create

ON = dt.date(2026, 12, 6)


def t(month: int, day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour))  # noqa: DTZ001


@pytest.fixture
def world(personas):
    head = personas["head"]
    volzhsky = Municipality.objects.get(okato="18410")
    Municipality.objects.filter(pk=volzhsky.pk).update(population=200_000)
    c1 = new_case(
        "zhkh-hot-water", "18410", "adm-18410", received=t(11, 20),
        resolution_due=t(11, 27, 18), published_at=t(11, 25),
    )  # fmt: skip
    Case.objects.filter(pk=c1.pk).update(status=CaseStatus.PUBLISHED)
    second, _ = message_ingest(
        channel=Channel.objects.get(code="web"),
        kind=InputKind.objects.get(code="message"),
        external_id="c1-second",
        text="Опять нет горячей воды",
        received_at=t(11, 21),
        process=False,
    )
    second.case = c1
    second.save(update_fields=["case"])
    MessageAnalysis.objects.create(message=c1.messages.order_by("pk").first(), has_conflict=True)
    c2 = new_case(
        "zhkh-hot-water", "18410", "adm-18410", received=t(10, 15), resolution_due=t(10, 22, 18)
    )
    c3 = new_case(
        "zhkh-hot-water", "18410", "adm-18410", received=t(11, 30), resolution_due=t(12, 10, 18)
    )
    answer = new_answer(c1, AnswerStatus.APPROVED, t(11, 25), 4)
    Survey.objects.create(
        case=c1, answer=answer, token="s-c1", responded_at=t(11, 26), solved=False
    )
    p = problem_create(
        actor=head, title="Нет горячей воды в Волжском", sector=Sector.objects.get(code="zhkh"),
        municipalities=[volzhsky],
    )  # fmt: skip
    problem_cases_add(actor=head, problem=p, cases=[c1, c2, c3])
    indicator = ProjectIndicator.objects.create(code="НП-1", name="Качество воды", project="Вода")
    IndicatorValue.objects.create(indicator=indicator, period="2025", target=100, actual=100)
    IndicatorValue.objects.create(indicator=indicator, period="2026", target=100, actual=70)
    p.indicators.add(indicator)
    q = problem_create(
        actor=head, title="Ямы в Камышине", sector=Sector.objects.get(code="roads"),
        municipalities=[Municipality.objects.get(okato="18415")],
    )  # fmt: skip
    return p, q


def test_the_score_and_its_components_by_hand(world):
    p, q = world
    priority = priority_of(p, on=ON)
    assert {k: str(v) for k, v in priority.points.items()} == {
        "load": "0.50",
        "growth": "15.00",
        "conflict": "7.50",
        "repeats": "6.67",
        "overdue": "15.00",
        "unsolved": "10.00",
        "national_lag": "10.00",
    }
    assert priority.score == Decimal("64.67")
    assert priority.reasons()[:2] == [
        "Рост: 200 % → 15.00 из 15",
        "Нарушения сроков: 50 % → 15.00 из 15",
    ]
    empty = priority_of(q, on=ON)
    assert empty.score == Decimal("0.00")
    assert (empty.values["load"], empty.values["growth"]) == (0.0, 0.0)
    assert empty.reasons() == [
        "Нет данных: конфликтность, повторы, нарушения сроков, неудовлетворённость, "
        "отставание нацпроектов"
    ]


def test_the_refresh_stores_the_scores_and_the_ranking_reads_them(world, personas):
    p, q = world
    # both problems open; p scores 64.67 (above), q 0.00 → p first
    assert priorities_refresh(on=ON) >= 2
    ranked = [pr.pk for pr in problem_ranking(user=personas["curator"]) if pr.pk in (p.pk, q.pk)]
    assert ranked == [p.pk, q.pk]
    p.refresh_from_db()
    assert (p.priority_score, p.priority_on) == (Decimal("64.67"), ON)
    assert p.priority_reasons[0] == "Рост: 200 % → 15.00 из 15"


def test_a_day_later_the_window_moves(world):
    p, _ = world
    # on 20.01.2027 (window 23.10–20.01) C2, due 22.10, left it; C1 on time, C3 (due 10.12,
    # never answered) breached → 50 %; nothing recent → growth 0
    later = priority_of(p, on=dt.date(2027, 1, 20))
    assert later.values["growth"] == 0.0
    assert later.values["overdue"] == 0.5


def test_the_list_is_formed_from_the_top_and_goes_the_route(world, personas):
    from otklik.approvals.selectors import approval_of
    from otklik.approvals.services import approval_decide, approval_submit
    from otklik.audit.models import AuditEvent
    from otklik.core.exceptions import AccessDenied, ApplicationError
    from otklik.problems.models import ProblemList
    from otklik.problems.services import problem_list_form, problem_list_item_update

    p, q = world
    head, curator, lead = personas["head"], personas["curator"], personas["sector_lead"]
    events = AuditEvent.objects.count()
    with pytest.raises(AccessDenied):  # a block's lead does not form the ЦУР's list
        problem_list_form(
            actor=lead, title="Перечень", period="2027-Q1", top=1, due=dt.date(2027, 3, 31), on=ON
        )
    assert not ProblemList.objects.exists() and AuditEvent.objects.count() == events

    plan = problem_list_form(
        actor=head, title="Перечень на I квартал", period="2027-Q1", top=1,
        due=dt.date(2027, 3, 31), on=ON,
    )  # fmt: skip
    (item,) = plan.items.all()
    assert (item.problem, item.rank, str(item.score), item.sector) == (p, 1, "64.67", p.sector)
    p.refresh_from_db()
    q.refresh_from_db()
    assert (str(p.priority_score), str(q.priority_score), p.priority_on) == ("64.67", "0.00", ON)

    approval = approval_of(kind="problem_list", target_id=plan.pk)
    with pytest.raises(ApplicationError, match=r"нет ни проекта, ни мер: 1\. Нет горячей воды"):
        approval_submit(actor=head, approval=approval)
    problem_list_item_update(
        actor=head, item=item, sector=item.sector, project="ЖКХ-01 Тёплый дом",
        due=dt.date(2027, 2, 28),
    )  # fmt: skip
    approval = approval_submit(actor=head, approval=approval)
    approval = approval_decide(actor=head, approval=approval, decision="agree")
    approval = approval_decide(
        actor=curator, approval=approval, decision="approve", confirmation="password"
    )
    assert approval.state == "approved"
    with pytest.raises(ApplicationError, match="изменить его нельзя"):
        problem_list_item_update(
            actor=head, item=item, sector=item.sector, project="", due=dt.date(2027, 1, 1)
        )


def test_the_lists_pages(world, personas, client):
    from django.urls import reverse

    from otklik.problems.services import problem_list_form

    plan = problem_list_form(
        actor=personas["head"], title="Перечень", period="2027-Q1", top=2,
        due=dt.date(2027, 3, 31), on=ON,
    )  # fmt: skip
    client.force_login(personas["curator"])
    page = client.get(reverse("problems:lists")).content.decode()
    assert "Нет горячей воды в Волжском" in page and 'data-testid="list-form"' in page
    page = client.get(reverse("problems:list_detail", args=[plan.pk])).content.decode()
    assert page.count('name="item"') == 2  # a draft: the ЦУР edits its lines
    client.force_login(personas["org_operator"])
    assert client.get(reverse("problems:list_detail", args=[plan.pk])).status_code == 404
