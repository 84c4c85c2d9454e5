"""The queue's filters are one FilterSet (``CaseFilter``): the queue page and the API's list
check and apply them the same way; an invalid filter is told in the same Russian words."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

LIST = reverse("cases:list")
UNKNOWN_SECTOR = (
    "Проверьте фильтры. Отраслевой блок: Выберите корректный вариант. "
    "nope нет среди допустимых значений."
)


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def shown(response) -> set[str]:
    return {c.number for c in response.context["page"].object_list}


def test_an_unknown_code_is_told_on_the_page_and_refused_by_the_api(client, personas, make_case):
    case = make_case()
    curator = personas["curator"]
    client.force_login(curator)

    page = client.get(LIST, {"queue": "all", "sector": "nope", "status": "new"})
    api = api_for(curator).get("/api/v1/cases", {"queue": "all", "sector": "nope"})

    # the page shows the error and applies the valid filters
    assert page.status_code == 200
    assert page.context["filter_error"] == UNKNOWN_SECTOR
    assert f'data-testid="filter-error">{UNKNOWN_SECTOR}<' in page.content.decode()
    assert shown(page) == {case.number}
    # the API refuses the query with the same words
    assert api.status_code == 400
    assert (api.json()["detail"], api.json()["code"]) == (UNKNOWN_SECTOR, "InvalidFilter")
    assert list(api.json()["errors"]) == ["sector"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"queue": "nope"}, "queue"),
        ({"status": "lost"}, "status"),
        ({"priority": "urgent"}, "priority"),
        ({"topic": "nope"}, "topic"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_the_api_refuses_each_invalid_filter(personas, region, params, field):
    response = api_for(personas["curator"]).get("/api/v1/cases", params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert response.json()["detail"].startswith("Проверьте фильтры. ")


def test_page_and_api_list_the_same_cases_for_the_same_filters(client, personas, make_case):
    wanted = make_case()
    make_case(topic="roads-potholes", okato="18401")
    analyst = personas["analyst"]
    client.force_login(analyst)
    params = {"queue": "all", "sector": "zhkh", "municipality": "18410", "status": "new"}

    page = client.get(LIST, params)
    api = api_for(analyst).get("/api/v1/cases", params)

    assert page.context["filter_error"] == ""
    assert shown(page) == {r["number"] for r in api.json()["results"]} == {wanted.number}


def test_the_schema_lists_the_filters_of_the_filterset(personas, region):
    schema = api_for(personas["analyst"]).get("/api/schema/", {"format": "json"}).json()

    parameters = schema["paths"]["/api/v1/cases"]["get"]["parameters"]
    names = {p["name"] for p in parameters}
    assert names >= {
        "q",
        "sector",
        "topic",
        "municipality",
        "organization",
        "channel",
        "status",
        "priority",
        "queue",
    }
    queue = next(p for p in parameters if p["name"] == "queue")
    assert queue["schema"]["enum"] == [
        "all",
        "answer_review",
        "mine",
        "near_deadline",
        "open",
        "overdue",
        "triage",
    ]
