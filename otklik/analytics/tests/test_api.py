"""The read-only analytics API gives the dashboards' figures, in the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from otklik.analytics.services import methodology_seed
from otklik.analytics.tests.conftest import D

pytestmark = pytest.mark.django_db
RANGE = {"date_from": D.isoformat(), "date_to": (D + dt.timedelta(days=10)).isoformat()}


@pytest.fixture
def api():
    return APIClient()


def test_processing_through_the_api(api, personas, world):
    api.force_authenticate(personas["analyst"])
    body = api.get("/api/v1/analytics/processing", RANGE).json()
    assert (body["total"]["answered"], body["total"]["answered_on_time"]) == (3, 2)
    org = next(r for r in body["by_organization"] if r["organization"]["code"] == "adm-18410")
    assert org["breached"] == 2


def test_scope_and_refusal(api, make_user, world):
    from otklik.directory.models import Sector

    lead = make_user("sector_lead", sector=Sector.objects.get(code="roads"))
    api.force_authenticate(lead)
    body = api.get("/api/v1/analytics/picture", RANGE).json()
    assert body["total"]["messages"] == 1
    api.force_authenticate(None)
    assert api.get("/api/v1/analytics/picture", RANGE).status_code in (401, 403)


def test_drill_down_and_bad_input(api, personas, world):
    api.force_authenticate(personas["head"])
    body = api.get("/api/v1/analytics/cases", {**RANGE, "metric": "breached"}).json()
    assert {r["number"] for r in body["results"]} == {world["b"].number, world["c"].number}
    assert api.get("/api/v1/analytics/cases", {**RANGE, "metric": "nope"}).status_code == 400
    # answers: newest published first, each with the moment it counted
    rows = api.get("/api/v1/analytics/cases", {**RANGE, "metric": "answered"}).json()["results"]
    published = {c.number: c.published_at for c in world.values()}
    assert [dt.datetime.fromisoformat(r["event_at"]) for r in rows] == sorted(
        (published[r["number"]] for r in rows), reverse=True
    )
    assert len(rows) == 3
    rows = api.get("/api/v1/analytics/cases", {**RANGE, "metric": "reopened"}).json()["results"]
    assert [(r["number"], r["event_at"]) for r in rows] == [(world["d"].number, None)]
    bad = api.get("/api/v1/analytics/picture", {"date_from": "2026-12-01", "date_to": "2026-11-01"})
    assert bad.status_code == 400


def test_ratings_through_the_api(api, personas, world):
    methodology_seed()
    api.force_authenticate(personas["auditor"])
    body = api.get("/api/v1/analytics/ratings", {"month": "2026-11"}).json()
    assert body["methodology"] == "1" and body["published_at"] is None
    okrugs = next(g for g in body["groups"] if g["code"] == "urban_okrug")
    assert okrugs["rows"][0]["key"] == "mo:18415"
