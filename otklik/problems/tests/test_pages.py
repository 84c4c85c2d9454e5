"""The registry pages, the alerts page and the API render and act through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from otklik.analytics.models import Alert, AlertStatus
from otklik.analytics.tests.conftest import at, case
from otklik.directory.models import Sector
from otklik.problems.models import Problem
from otklik.problems.services import measure_add, problem_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(personas, zhkh, hot_water, volzhsky):
    p = problem_create(
        actor=personas["curator"],
        title="Нет горячей воды в Волжском",
        sector=zhkh,
        topics=[hot_water],
        municipalities=[volzhsky],
        root_cause="Износ теплообменника",
        cases=[case("zhkh-hot-water", "18410", "adm-18410", received=at(0))],
    )
    measure_add(
        actor=personas["curator"],
        problem=p,
        text="Заменить теплообменник",
        deadline=timezone.localdate() - dt.timedelta(days=2),
    )
    return p


def test_list_and_detail_pages(client, personas, problem):
    client.force_login(personas["sector_lead"])
    page = client.get("/problems/").content.decode()
    assert "Нет горячей воды в Волжском" in page
    assert 'data-testid="count-identified">1<' in page
    detail = client.get(f"/problems/{problem.pk}/").content.decode()
    assert "Износ теплообменника" in detail
    assert 'data-testid="overdue"' in detail  # the measure is past its deadline
    assert "Ни одна мера ещё не выполнена" in detail
    assert "<svg" in detail and 'data-testid="inflow-chart"' in detail
    assert problem.cases.get().number in detail


def test_other_sector_lead_sees_nothing(client, make_user, problem):
    roads = make_user("sector_lead", sector=Sector.objects.get(code="roads"))
    client.force_login(roads)
    assert "Нет горячей воды" not in client.get("/problems/").content.decode()
    assert client.get(f"/problems/{problem.pk}/").status_code == 404
    response = client.post(f"/problems/{problem.pk}/cause/", {"root_cause": "Чужое"})
    assert response.status_code == 404
    problem.refresh_from_db()
    assert problem.root_cause == "Износ теплообменника"


def test_actions_through_the_page(client, personas, problem):
    client.force_login(personas["analyst"])
    r = client.post(f"/problems/{problem.pk}/status/", {"status": "in_work", "reason": "План"})
    assert r.status_code == 302
    measure = problem.measures.get()
    client.post(f"/problems/{problem.pk}/measure_done/", {"measure": measure.pk})
    problem.refresh_from_db()
    measure.refresh_from_db()
    assert problem.status == "in_work" and measure.status == "done"


def test_create_from_cluster_form(client, personas, zhkh):
    a = case("zhkh-hot-water", "18410", "adm-18410", received=at(0))
    client.force_login(personas["executor"])
    form = client.post("/problems/new/", {"case": [a.number]}).content.decode()
    assert a.number in form and 'name="title"' in form
    r = client.post("/problems/new/", {"case": [a.number], "title": "Вода", "sector": zhkh.pk})
    problem = Problem.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/problems/{problem.pk}/"
    assert list(problem.cases.all()) == [a] and problem.source == "cluster"


def test_import_page_dry_run(client, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(personas["analyst"])
    f = SimpleUploadedFile("p.csv", "external_id,title,sector\ne-1,Мусор,tko\n".encode())
    page = client.post("/problems/import/", {"kind": "problems", "file": f, "dry_run": "on"})
    assert 'data-testid="n-created">1<' in page.content.decode()
    assert not Problem.objects.exists()


def test_alerts_page_confirm_and_dismiss(client, personas, hot_water, volzhsky, kamyshin):
    a = Alert.objects.create(
        topic=hot_water,
        municipality=volzhsky,
        week_start=at(0).date(),
        week_end=at(6).date(),
        observed=9,
        expected=1,
        p_value=1e-5,
    )
    b = Alert.objects.create(
        topic=hot_water,
        municipality=kamyshin,
        week_start=at(0).date(),
        week_end=at(6).date(),
        observed=7,
        expected=1,
        p_value=1e-4,
    )
    client.force_login(personas["curator"])
    page = client.get("/analytics/alerts/").content.decode()
    assert "Подтвердить → создать проблему" in page and "Отклонить" in page
    assert "metric=messages" in page and f"topic={hot_water.pk}" in page
    r = client.post(f"/problems/from-alert/{a.pk}/confirm/")
    problem = Problem.objects.get()
    assert r["Location"] == f"/problems/{problem.pk}/" and problem.alert == a
    client.post(f"/problems/from-alert/{b.pk}/dismiss/")
    b.refresh_from_db()
    assert b.status == AlertStatus.DISMISSED and Problem.objects.count() == 1
    # the auditor reads the alerts, decides nothing
    client.force_login(personas["auditor"])
    assert "Подтвердить" not in client.get("/analytics/alerts/?status=all").content.decode()


def test_api_list_and_detail(personas, problem):
    api = APIClient()
    api.force_authenticate(personas["auditor"])
    rows = api.get("/api/v1/problems").json()
    assert [r["id"] for r in rows["results"]] == [problem.pk]
    assert rows["results"][0]["overdue"] == 1
    detail = api.get(f"/api/v1/problems/{problem.pk}").json()
    assert detail["root_cause"] == "Износ теплообменника"
    assert detail["measures"][0]["overdue"] is True
    assert len(detail["inflow"]["weeks"]) == 8
    schema = api.get("/api/schema/").content.decode()
    assert "/api/v1/problems/{id}" in schema


def test_drill_down_list_offers_a_cluster_to_those_who_manage(client, personas):
    c = case("zhkh-hot-water", "18410", "adm-18410", received=at(0))
    url = f"/analytics/cases/?from={at(0).date()}&to={at(0).date()}&metric=messages"
    client.force_login(personas["analyst"])
    page = client.get(url).content.decode()
    assert 'data-testid="cluster-form"' in page and f'value="{c.number}"' in page
    client.force_login(personas["auditor"])
    page = client.get(url).content.decode()
    assert 'data-testid="cluster-form"' not in page and c.number in page


UNKNOWN_SECTOR = (
    "Проверьте фильтры. Блок: Выберите корректный вариант. "
    "Вашего варианта нет среди допустимых значений."
)


def test_list_filters_are_checked_alike_on_the_page_and_in_the_api(client, personas, problem):
    client.force_login(personas["curator"])
    api = APIClient()
    api.force_authenticate(personas["curator"])

    page = client.get("/problems/", {"sector": "nope", "status": "identified"})
    refused = api.get("/api/v1/problems", {"sector": "nope"})
    by_code = api.get("/api/v1/problems", {"sector": "zhkh", "municipality": "18410"})
    page_by_code = client.get("/problems/", {"sector": "zhkh", "municipality": "18410"})

    # the page tells the error and applies the valid filters
    assert page.context["filter_error"] == UNKNOWN_SECTOR
    assert 'data-testid="filter-error"' in page.content.decode()
    assert [p.pk for p in page.context["page_obj"]] == [problem.pk]
    # the API refuses the query with the same words
    assert refused.status_code == 400
    assert (refused.json()["detail"], list(refused.json()["errors"])) == (
        UNKNOWN_SECTOR,
        ["sector"],
    )
    # the same codes select the same problems
    assert [r["id"] for r in by_code.json()["results"]] == [problem.pk]
    assert [p.pk for p in page_by_code.context["page_obj"]] == [problem.pk]


def test_the_schema_lists_the_filters_of_the_registry(personas):
    api = APIClient()
    api.force_authenticate(personas["analyst"])
    schema = api.get("/api/schema/", {"format": "json"}).json()

    parameters = schema["paths"]["/api/v1/problems"]["get"]["parameters"]
    assert {p["name"] for p in parameters} >= {"status", "sector", "municipality", "owner"}
