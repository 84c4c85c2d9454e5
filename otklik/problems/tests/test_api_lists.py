"""The priority ranking and the ЦУР's lists of regional problems over the API, on the world of
test_priority (P «Нет горячей воды в Волжском» 64.67, Q «Ямы в Камышине» 0.00 on 06.12.2026):
the head forms a list from the top of the ranking, the list names its approval (the route's
verbs are the approvals API's); the ranking and a list are read in each role's scope; a refusal
changes nothing; every answer has the shape the schema documents."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from otklik.audit.models import AuditEvent
from otklik.core.permissions import ACTION_LABELS, Action
from otklik.core.tests.api_schema import conforms
from otklik.problems.models import ProblemList
from otklik.problems.tests.test_priority import ON, world  # noqa: F401 — the fixture

NOON = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
LIST = {"title": "Перечень на I квартал", "period": "2027-Q1", "top": 1, "due": "2027-03-31"}


@pytest.fixture(autouse=True)
def _clock(monkeypatch):
    """Today is 06.12.2026, the day the world's priorities were worked out for."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOON)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _ok(response, status: int, template: str, method: str = "GET"):
    assert response.status_code == status, response.content.decode()
    conforms(response, template, method)
    return response.json()


def test_the_ranking_and_a_list_formed_from_its_top(world, personas):  # noqa: F811
    p, q = world
    head = api(personas["head"])
    url = "/api/v1/problems/ranking"
    assert _ok(head.get(url), 200, url) == []  # no priority stored yet

    events = AuditEvent.objects.count()
    for role in ("sector_lead", "org_operator", "municipal_coordinator", "auditor"):
        r = api(personas[role]).post("/api/v1/problems/lists", LIST, format="json")
        assert (r.status_code, r.json()["detail"]) == (
            403,
            f"Недостаточно прав: «{ACTION_LABELS[Action.PROBLEM_MANAGE]}».",
        ), role
    assert (ProblemList.objects.count(), AuditEvent.objects.count()) == (0, events)

    formed = _ok(head.post("/api/v1/problems/lists", LIST, format="json"), 201,
                 "/api/v1/problems/lists", "POST")  # fmt: skip
    assert (formed["title"], formed["period"], formed["formed_on"]) == (
        "Перечень на I квартал",
        "2027-Q1",
        ON.isoformat(),
    )
    [item] = formed["items"]
    assert (item["rank"], item["problem"], item["score"], item["block"], item["due"]) == (
        1,
        p.pk,
        "64.67",
        "zhkh",
        "2027-03-31",
    )
    assert item["reasons"][:2] == [
        "Рост: 200 % → 15.00 из 15",
        "Нарушения сроков: 50 % → 15.00 из 15",
    ]
    approval = formed["approval"]
    assert (approval["kind"], approval["state"], approval["url"]) == (
        "problem_list",
        "draft",
        f"/api/v1/approvals/{approval['id']}",
    )

    # the ranking now stored: P then Q for the ЦУР; a block's lead and the organisation see P
    ranking = _ok(head.get(url), 200, url)
    assert [(r["id"], r["priority_score"]) for r in ranking] == [(p.pk, "64.67"), (q.pk, "0.00")]
    assert ranking[0]["priority_reasons"] == item["reasons"]
    assert [r["id"] for r in head.get(url, {"limit": 1}).json()] == [p.pk]
    assert head.get(url, {"limit": 0}).status_code == 400
    for role in ("sector_lead", "org_operator", "municipal_coordinator"):
        assert [r["id"] for r in api(personas[role]).get(url).json()] == [p.pk], role

    # the lists: the ЦУР's staff read them; a scoped role has none, and the list is a 404
    lists = _ok(api(personas["auditor"]).get("/api/v1/problems/lists"), 200,
                "/api/v1/problems/lists")  # fmt: skip
    assert [(x["id"], x["approval"]["id"]) for x in lists] == [(formed["id"], approval["id"])]
    detail = f"/api/v1/problems/lists/{formed['id']}"
    assert _ok(api(personas["curator"]).get(detail), 200, "/api/v1/problems/lists/{id}") == formed
    for role in ("sector_lead", "org_operator"):
        assert api(personas[role]).get("/api/v1/problems/lists").json() == []
        r = api(personas[role]).get(detail)
        assert (r.status_code, r.json()["detail"]) == (
            404,
            "Нет такого перечня или он вне вашей зоны.",
        )


def test_a_list_line_set_then_the_list_submitted_through_the_route(world, personas):  # noqa: F811
    p, _ = world
    head = api(personas["head"])
    formed = head.post("/api/v1/problems/lists", LIST, format="json").json()
    submit = f"{formed['approval']['url']}/submit"
    r = head.post(submit, {"text": ""}, format="json")
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "У проблем перечня нет ни проекта, ни мер: 1. Нет горячей воды в Волжском",
    )

    url = f"/api/v1/problems/lists/{formed['id']}/items/{p.pk}"
    line = {"block": "zhkh", "project": "ЖКХ-01 Тёплый дом", "due": "2027-02-28"}
    events = AuditEvent.objects.count()
    r = api(personas["auditor"]).patch(url, line, format="json")
    assert (r.status_code, r.json()["detail"]) == (
        403,
        f"Недостаточно прав: «{ACTION_LABELS[Action.PROBLEM_MANAGE]}».",
    )
    r = api(personas["sector_lead"]).patch(url, line, format="json")  # not its list to see
    assert (r.status_code, r.json()["detail"]) == (404, "Нет такого перечня или он вне вашей зоны.")
    assert AuditEvent.objects.count() == events
    assert head.get(f"/api/v1/problems/lists/{formed['id']}").json() == formed

    changed = _ok(head.patch(url, line, format="json"), 200,
                  "/api/v1/problems/lists/{id}/items/{problem}", "PATCH")  # fmt: skip
    [item] = changed["items"]
    assert (item["project"], item["due"], item["block"]) == (
        "ЖКХ-01 Тёплый дом",
        "2027-02-28",
        "zhkh",
    )
    assert head.post(submit, {"text": ""}, format="json").json()["state"] == "in_route"
    r = head.patch(url, {**line, "project": ""}, format="json")
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Перечень на согласовании или утверждён: изменить его нельзя.",
    )
