"""Cases typed by number into a problem: the ones that can be joined are, and the others are
named, each by why not (already in it; unknown or out of the user's sight; not a number)."""

from __future__ import annotations

import pytest

from otklik.analytics.tests.conftest import at, case
from otklik.audit.models import AuditEvent
from otklik.problems.services import CasesByNumbers, problem_cases_add_numbers, problem_create

pytestmark = pytest.mark.django_db
UNKNOWN = "2026-9999999"
NOT_A_NUMBER = "2026/15"


@pytest.fixture
def cases(region):
    """Two ЖКХ cases in Волжский (the ЖКХ lead's zone) and a roads case in Камышин (not)."""
    return {
        "in_problem": case("zhkh-hot-water", "18410", "adm-18410", received=at(0)),
        "to_join": case("zhkh-hot-water", "18410", "adm-18410", received=at(1)),
        "roads": case("roads-potholes", "18415", "adm-18415", received=at(0)),
    }


@pytest.fixture
def problem(personas, zhkh, cases):
    return problem_create(
        actor=personas["sector_lead"], title="Вода", sector=zhkh, cases=[cases["in_problem"]]
    )


def test_the_valid_numbers_are_joined_and_the_others_named(personas, cases, problem):
    in_problem, to_join, roads = (c.number for c in cases.values())

    result = problem_cases_add_numbers(
        actor=personas["sector_lead"],
        problem=problem,
        numbers=[to_join, in_problem, roads, UNKNOWN, NOT_A_NUMBER, f"№{to_join}", " "],
    )

    assert result == CasesByNumbers(
        added=[to_join],
        already=[in_problem],
        not_found=[roads, UNKNOWN],  # out of the ЖКХ lead's sight: told as unknown
        malformed=[NOT_A_NUMBER],
    )
    assert set(problem.cases.values_list("number", flat=True)) == {in_problem, to_join}
    last = AuditEvent.objects.order_by("id").last()
    assert (last.action, last.data) == ("problem.cases_add", {"cases": [to_join]})


def test_the_page_adds_the_valid_numbers_and_names_the_others(client, personas, cases, problem):
    in_problem, to_join, roads = (c.number for c in cases.values())
    client.force_login(personas["sector_lead"])

    response = client.post(
        f"/problems/{problem.pk}/cases_add/",
        {"numbers": f"{to_join}, {in_problem}; {roads} {UNKNOWN}\n{NOT_A_NUMBER}"},
        follow=True,
    )

    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        (
            "warning",
            f"Добавлено инцидентов: 1 ({to_join}). Не добавлены: {in_problem} — уже в "
            f"проблеме; {roads}, {UNKNOWN} — нет такого инцидента или он вам недоступен; "
            f"«{NOT_A_NUMBER}» — не номер инцидента (нужен вид 2026-0000123).",
        )
    ]
    assert set(problem.cases.values_list("number", flat=True)) == {in_problem, to_join}


def test_the_page_says_why_when_no_number_could_be_added(client, personas, cases, problem):
    client.force_login(personas["sector_lead"])

    response = client.post(
        f"/problems/{problem.pk}/cases_add/", {"numbers": f"{UNKNOWN} abc"}, follow=True
    )

    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        (
            "error",
            f"Инциденты не добавлены: {UNKNOWN} — нет такого инцидента или он вам недоступен; "
            "«abc» — не номер инцидента (нужен вид 2026-0000123).",
        )
    ]
    assert problem.cases.count() == 1


def test_the_page_says_which_were_added_when_all_were(client, personas, cases, problem):
    to_join = cases["to_join"].number
    client.force_login(personas["sector_lead"])

    response = client.post(f"/problems/{problem.pk}/cases_add/", {"numbers": to_join}, follow=True)

    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        ("success", f"Добавлено инцидентов: 1 ({to_join}).")
    ]
