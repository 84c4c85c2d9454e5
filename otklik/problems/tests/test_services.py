"""Problems through the real services: from an alert, by hand, transitions, measures, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from otklik.analytics.models import Alert, AlertStatus
from otklik.analytics.tests.conftest import at, case
from otklik.audit.models import AuditEvent
from otklik.cases.models import Case
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.directory.models import Organization, Sector, Topic
from otklik.problems.choices import TRANSITIONS, MeasureStatus, ProblemSource, ProblemStatus
from otklik.problems.models import Measure, Problem, ProblemCase
from otklik.problems.services import (
    measure_add,
    measure_complete,
    problem_cases_add,
    problem_cases_remove,
    problem_create,
    problem_create_from_alert,
    problem_update,
)

pytestmark = pytest.mark.django_db


def test_confirming_an_alert_opens_a_problem_with_the_weeks_cases(personas, hot_water, volzhsky):
    # given: the alert's week is D .. D+6 (at(0) .. at(6))
    inside = [
        case("zhkh-hot-water", "18410", "adm-18410", received=at(0, 9)),
        case("zhkh-hot-water", "18410", "adm-18410", received=at(6, 20)),
    ]
    case("zhkh-hot-water", "18410", "adm-18410", received=at(-1, 12))  # the week before
    case("zhkh-hot-water", "18410", "adm-18410", received=at(7, 9))  # the week after
    case("zhkh-heating-outage", "18410", "adm-18410", received=at(2))  # another topic
    case("zhkh-hot-water", "18415", "adm-18415", received=at(2))  # another municipality
    alert = Alert.objects.create(
        topic=hot_water,
        municipality=volzhsky,
        week_start=at(0).date(),
        week_end=at(6).date(),
        observed=2,
        expected=0.5,
        p_value=0.0001,
    )
    analyst = personas["analyst"]

    # when
    problem = problem_create_from_alert(actor=analyst, alert=alert)

    # then
    alert.refresh_from_db()
    assert alert.status == AlertStatus.CONFIRMED and alert.decided_by == analyst
    assert problem.source == ProblemSource.ALERT and problem.alert == alert
    assert problem.sector == hot_water.sector
    assert list(problem.topics.all()) == [hot_water]
    assert list(problem.municipalities.all()) == [volzhsky]
    assert set(problem.cases.values_list("number", flat=True)) == {c.number for c in inside}
    assert set(ProblemCase.objects.values_list("how", flat=True)) == {ProblemSource.ALERT}
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["alert.confirmed", "problem.create"]
    # an alert already decided cannot open a second problem
    with pytest.raises(ApplicationError, match="По этому сигналу решение уже принято"):
        problem_create_from_alert(actor=analyst, alert=alert)
    assert Problem.objects.count() == 1


def test_a_cluster_of_chosen_cases(personas, zhkh):
    a = case("zhkh-hot-water", "18410", "adm-18410", received=at(0))
    b = case("zhkh-hot-water", "18410", "adm-18410", received=at(1))
    problem = problem_create(
        actor=personas["curator"],
        title="Нет горячей воды в Волжском",
        sector=zhkh,
        source=ProblemSource.CLUSTER,
        cases=[a, b],
    )
    assert set(problem.cases.all()) == {a, b}
    assert problem_cases_add(actor=personas["curator"], problem=problem, cases=[a]) == []
    assert problem_cases_remove(actor=personas["curator"], problem=problem, cases=[a]) == [a.number]
    assert list(problem.cases.all()) == [b]
    with pytest.raises(
        ApplicationError, match="Отметьте инциденты, из которых складывается проблема"
    ):  # a cluster needs cases
        problem_create(
            actor=personas["curator"], title="x", sector=zhkh, source=ProblemSource.CLUSTER
        )


def test_a_sector_lead_of_another_sector_is_refused_and_nothing_changes(make_user, zhkh):
    roads_lead = make_user("sector_lead", sector=Sector.objects.get(code="roads"))
    zhkh_lead = make_user("sector_lead", sector=zhkh)
    problem = problem_create(actor=zhkh_lead, title="Отключения горячей воды", sector=zhkh)
    problems, events = Problem.objects.count(), AuditEvent.objects.count()

    with pytest.raises(AccessDenied, match="«Региональные проблемы:"):
        problem_create(actor=roads_lead, title="Чужая", sector=zhkh)
    with pytest.raises(AccessDenied, match="«Региональные проблемы:"):
        problem_update(actor=roads_lead, problem=problem, root_cause="Износ сетей")
    with pytest.raises(AccessDenied, match="«Региональные проблемы:"):
        measure_add(actor=roads_lead, problem=problem, text="Ремонт", deadline=dt.date(2026, 12, 1))
    with pytest.raises(
        AccessDenied, match="«Региональные проблемы:"
    ):  # its own lead may not move it out of the sector
        problem_update(actor=zhkh_lead, problem=problem, sector=Sector.objects.get(code="roads"))

    problem.refresh_from_db()
    assert problem.sector == zhkh and problem.root_cause == ""
    assert Problem.objects.count() == problems and not Measure.objects.exists()
    assert AuditEvent.objects.count() == events


def test_owner_is_a_cur_user_or_a_lead_of_the_sector(personas, make_user, zhkh):
    with pytest.raises(ApplicationError, match="сотрудник ЦУР или руководитель блока"):
        problem_create(
            actor=personas["curator"], title="x", sector=zhkh, owner=personas["org_operator"]
        )
    roads_lead = make_user("sector_lead", sector=Sector.objects.get(code="roads"))
    with pytest.raises(ApplicationError, match="только за проблемы своего блока"):
        problem_create(actor=personas["curator"], title="x", sector=zhkh, owner=roads_lead)
    p = problem_create(
        actor=personas["curator"], title="x", sector=zhkh, owner=personas["sector_lead"]
    )
    assert p.owner == personas["sector_lead"]
    assert Problem.objects.count() == 1


def test_the_table_allows_exactly_these_moves():
    S = ProblemStatus
    moves = {(source, t.target) for t in TRANSITIONS.values() for source in t.sources}

    assert moves == {
        (S.IDENTIFIED, S.IN_WORK),
        (S.IDENTIFIED, S.CLOSED_UNSOLVED),
        (S.IN_WORK, S.MEASURES_TAKEN),
        (S.IN_WORK, S.SOLVED),
        (S.IN_WORK, S.CLOSED_UNSOLVED),
        (S.MEASURES_TAKEN, S.SOLVED),
        (S.MEASURES_TAKEN, S.IN_WORK),
        (S.MEASURES_TAKEN, S.CLOSED_UNSOLVED),
        (S.SOLVED, S.IN_WORK),  # the problem came back
        (S.CLOSED_UNSOLVED, S.IN_WORK),
    }


def test_status_moves_by_the_table_with_a_reason(personas, zhkh):
    user = personas["head"]
    p = problem_create(actor=user, title="Ямы", sector=zhkh)
    with pytest.raises(
        ApplicationError, match="Из состояния «Выявлена» в «Решена» перейти нельзя"
    ):  # identified -> solved is not a transition
        problem_update(actor=user, problem=p, status=ProblemStatus.SOLVED, reason="Готово")
    with pytest.raises(ApplicationError, match="Укажите причину смены состояния"):  # no reason
        problem_update(actor=user, problem=p, status=ProblemStatus.IN_WORK, reason=" ")
    p.refresh_from_db()
    assert p.status == ProblemStatus.IDENTIFIED
    problem_update(actor=user, problem=p, status=ProblemStatus.IN_WORK, reason="Назначен план")
    p.refresh_from_db()
    assert p.status == ProblemStatus.IN_WORK
    event = AuditEvent.objects.filter(action="problem.update").latest("id")
    assert event.data == {
        "changed": {"status": ["identified", "in_work"]},
        "reason": "Назначен план",
    }


def test_measures_deadlines_and_overdue(personas, zhkh):
    user = personas["executor"]
    p = problem_create(actor=user, title="Ямы", sector=zhkh)
    today = timezone.localdate()
    late = measure_add(
        actor=user,
        problem=p,
        text="Заменить трубы",
        deadline=today - dt.timedelta(days=5),
        organization=Organization.objects.get(code="adm-18410"),
    )
    on_time = measure_add(
        actor=user, problem=p, text="Проверить давление", deadline=today + dt.timedelta(days=5)
    )
    assert late.is_overdue is True and on_time.is_overdue is False
    measure_complete(actor=user, measure=on_time)
    on_time.refresh_from_db()
    assert on_time.status == MeasureStatus.DONE and on_time.is_overdue is False
    with pytest.raises(ApplicationError, match="Мера уже отмечена выполненной"):
        measure_complete(actor=user, measure=on_time)
    two_days_ago = timezone.now() - dt.timedelta(days=2)
    measure_complete(actor=user, measure=late, done_at=two_days_ago)
    late.refresh_from_db()
    assert late.is_overdue is True  # done, but after its deadline
    assert Case.objects.count() == 0


def test_cases_outside_the_actors_zone_cannot_be_joined(personas, zhkh):
    lead = personas["sector_lead"]  # ЖКХ
    roads_case = case("roads-potholes", "18415", "adm-18415", received=at(0))
    p = problem_create(actor=lead, title="Вода", sector=zhkh)
    with pytest.raises(ApplicationError, match="вне вашей зоны ответственности"):
        problem_cases_add(actor=lead, problem=p, cases=[roads_case])
    assert not p.cases.exists()
    assert Topic.objects.get(code="roads-potholes").sector.code == "roads"
