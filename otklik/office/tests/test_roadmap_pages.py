"""The roadmap and the synchronisation through the pages and the API: who opens them, the
executor keeps the roadmap (the others read it; a refused post is a 403 and changes nothing),
overdue items in red and on the office's home page («мой пункт» for its owner), a project's
links kept on its page, and the API's list, detail, create, update, status and done."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from otklik.audit.models import AuditEvent
from otklik.core.permissions import ACTION_LABELS, Action
from otklik.directory.models import Sector
from otklik.office import services
from otklik.office.models import Programme, RoadmapEvent, RoadmapItem
from otklik.office.services_roadmap import (
    programmes_load,
    roadmap_item_create,
    roadmap_item_done,
)
from otklik.office.tests.shared import WHO_OPENS_THE_OFFICE, Unchanged, flashes, signed_in

TZ = ZoneInfo("Europe/Volgograd")
NOW = dt.datetime(2026, 12, 10, 12, 0, tzinfo=TZ)
TODAY = NOW.date()
DENIED = f"Недостаточно прав: «{ACTION_LABELS[Action.ROADMAP_MANAGE]}»."


@pytest.fixture
def o(personas, monkeypatch):
    """On 10.12.2026: the catalogue, item 1 (the head's, due 01.12 — overdue), item 2 (the
    executor's, due 31.12), item 3 done, created a fortnight before."""
    clock = {"now": NOW - dt.timedelta(days=14)}
    monkeypatch.setattr("django.utils.timezone.now", lambda: clock["now"])
    programmes_load(actor=None)
    ex = personas["executor"]
    fkgs = Programme.objects.get(code="FP-FKGS")
    items = [
        roadmap_item_create(
            actor=ex, section="Организация", title="Регламент согласован", owner=personas["head"],
            due=dt.date(2026, 12, 1), programmes=[fkgs],
        ),
        roadmap_item_create(
            actor=ex, section="Кадры", title="Обучение ОМСУ", owner=ex, due=dt.date(2026, 12, 31)
        ),
        roadmap_item_create(
            actor=ex, section="Организация", title="Положение о ЦУР", owner=ex,
            due=dt.date(2026, 12, 5),
        ),
    ]  # fmt: skip
    roadmap_item_done(actor=ex, item=items[2], evidence="Постановление № 755")
    clock["now"] = NOW
    return {**personas, "items": items, "fkgs": fkgs}


@pytest.mark.parametrize(("role", "status"), WHO_OPENS_THE_OFFICE)
def test_who_opens_the_roadmap_pages(client, o, role, status):
    c = signed_in(client, o[role])
    for url in (
        reverse("office:roadmap"),
        reverse("office:roadmap_item", args=[o["items"][0].pk]),
        reverse("office:sync"),
    ):
        assert c.get(url).status_code == status, url
    if status == 200:
        page = c.get(reverse("office:roadmap")).content.decode()
        assert ('data-testid="item-form"' in page) is (role == "executor")
        item_page = c.get(reverse("office:roadmap_item", args=[o["items"][0].pk])).content
        assert (b'data-testid="done-form"' in item_page) is (role == "executor")


def test_the_roadmap_page_groups_counts_and_marks_the_overdue(client, o):
    c = signed_in(client, o["curator"])
    r = c.get(reverse("office:roadmap"))
    sections = r.context["sections"]
    assert [(s, [i.number for i in items]) for s, items in sections] == [
        ("Организация", [1, 3]),
        ("Кадры", [2]),
    ]
    # 3 items: 1 done; item 1 due 01.12 (a Tuesday, a working day) is overdue on 10.12
    assert r.context["counters"] == {
        "total": 3, "planned": 2, "in_work": 0, "done": 1, "cancelled": 0, "overdue": 1,
    }  # fmt: skip
    page = r.content.decode()
    assert page.count('class="row--late"') == 1 and 'data-item="1" class="row--late"' in page
    only_done = c.get(reverse("office:roadmap"), {"status": "done"}).context["sections"]
    assert [[i.number for i in items] for _, items in only_done] == [[3]]
    late = c.get(reverse("office:roadmap"), {"overdue": "on"}).context["sections"]
    assert [[i.number for i in items] for _, items in late] == [[1]]


def test_the_executor_keeps_the_roadmap_through_the_pages(client, o):
    c = signed_in(client, o["curator"])
    unchanged = Unchanged(RoadmapItem, RoadmapEvent)
    post = {"section": "Кадры", "title": "Новое", "owner": o["head"].pk, "due": "2026-12-20"}
    assert c.post(reverse("office:roadmap"), post).status_code == 403
    item = o["items"][1]
    r = c.post(reverse("office:roadmap_item", args=[item.pk]), {"verb": "done", "evidence": "x"})
    assert r.status_code == 403
    unchanged.check()

    c = signed_in(client, o["executor"])
    r = c.post(reverse("office:roadmap"), post, follow=True)
    new = RoadmapItem.objects.get(title="Новое")
    assert r.redirect_chain[-1][0] == reverse("office:roadmap_item", args=[new.pk])
    assert (new.number, new.owner, new.due) == (4, o["head"], dt.date(2026, 12, 20))
    url = reverse("office:roadmap_item", args=[item.pk])
    r = c.post(url, {"verb": "done"}, follow=True)
    assert flashes(r) == [
        "Чем подтверждается исполнение? Укажите документ (реквизиты) или ссылку на него."
    ]
    r = c.post(url, {"verb": "done", "evidence_url": "https://docs.example.org/1"}, follow=True)
    assert "Пункт отмечен выполненным." in flashes(r)
    item.refresh_from_db()
    assert (item.status, item.evidence_url, item.done_on) == (
        "done", "https://docs.example.org/1", TODAY,
    )  # fmt: skip
    page = r.content.decode()
    assert 'data-testid="evidence-link"' in page and "Выполнен 10.12.2026" in page
    r = c.post(url, {"verb": "status", "status": "in_work", "reason": "Нужен акт"}, follow=True)
    item.refresh_from_db()
    assert item.status == "in_work"
    history = [e.text for e in r.context["history"]]
    assert history[-1] == "Выполнен → В работе. Нужен акт"


def test_the_office_home_shows_the_overdue_items_mine_first(client, o):
    page = signed_in(client, o["head"]).get(reverse("office:home")).content.decode()
    assert 'data-testid="roadmap-link"' in page and 'data-testid="sync-link"' in page
    assert '<li class="text-alert" data-mine="1"><strong>Мой пункт</strong>' in page
    assert "1. Регламент согласован</a> — срок был 01.12.2026" in page
    page = signed_in(client, o["executor"]).get(reverse("office:home")).content.decode()
    assert 'data-mine="1"' not in page
    assert "1. Регламент согласован</a> (Тест Руководитель) — срок был 01.12.2026" in page


def test_the_executors_home_page_counts_the_overdue_items(client, o):
    """Item 1 (the head's, due 01.12) is the one overdue item: the executor, who keeps the
    roadmap, sees it counted on the platform's home page; the head has no such card."""
    tasks = {t.key: t for t in signed_in(client, o["executor"]).get("/").context["tasks"]}
    late = tasks["roadmap_overdue"]
    assert (late.count, late.url, late.urgent) == (1, "/office/roadmap/?overdue=on", True)
    tasks = {t.key for t in signed_in(client, o["head"]).get("/").context["tasks"]}
    assert "roadmap_overdue" not in tasks


def test_a_projects_links_on_its_page(client, o):
    zhkh = Sector.objects.get(code="zhkh")
    project = services.project_create(actor=o["sector_lead"], sector=zhkh, name="Чистый двор")
    url = reverse("office:project", args=[project.pk])
    assert b'data-testid="links-form"' not in signed_in(client, o["curator"]).get(url).content
    unchanged = Unchanged(AuditEvent)
    links = reverse("office:project_links", args=[project.pk])
    assert client.post(links, {"programmes": [o["fkgs"].pk]}).status_code == 403
    assert client.post(links, {"programmes": ["nonsense"]}).status_code == 403  # before the form
    unchanged.check()
    c = signed_in(client, o["sector_lead"])
    assert b'data-testid="links-form"' in c.get(url).content
    r = c.post(
        reverse("office:project_links", args=[project.pk]),
        {"programmes": [o["fkgs"].pk]},
        follow=True,
    )
    assert "Связи проекта с национальными проектами сохранены." in flashes(r)
    assert list(project.programmes.all()) == [o["fkgs"]]
    sync = signed_in(client, o["auditor"]).get(reverse("office:sync"))
    (row,) = [r for r in sync.context["rows"] if r.programme.code == "FP-FKGS"]
    assert [p.pk for p in row.projects] == [project.pk]
    assert [i.number for i in row.items] == [1]
    assert sync.context["indicator_form"] is None  # the auditor keeps no indicator


# --------------------------------------------------------------------------- API
def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_roadmap_over_the_api(o):
    items = api(o["auditor"]).get("/api/v1/office/roadmap").json()
    assert [(i["number"], i["status"], i["overdue"], i["programmes"]) for i in items] == [
        (1, "planned", True, ["FP-FKGS"]),
        (2, "planned", False, []),
        (3, "done", False, []),
    ]
    late = api(o["auditor"]).get("/api/v1/office/roadmap", {"overdue": "true"}).json()
    assert [i["number"] for i in late] == [1]
    body = {"section": "Кадры", "title": "Обучение", "owner": "head", "due": "2026-12-31",
            "programmes": ["DP-SMARTCITY"], "organization": "kom-it"}  # fmt: skip
    unchanged = Unchanged(RoadmapItem, RoadmapEvent)
    r = api(o["head"]).post("/api/v1/office/roadmap", body, format="json")
    assert (r.status_code, r.json()["detail"]) == (403, DENIED)
    unchanged.check()
    r = api(o["executor"]).post("/api/v1/office/roadmap", body, format="json")
    assert r.status_code == 201, r.content
    created = r.json()
    assert (created["number"], created["organization"], created["programmes"]) == (
        4, "kom-it", ["DP-SMARTCITY"],
    )  # fmt: skip
    assert [h["kind"] for h in created["history"]] == ["created"]
    pk = created["id"]
    r = api(o["executor"]).patch(
        f"/api/v1/office/roadmap/{pk}", {"due": "2027-01-15"}, format="json"
    )
    assert (r.status_code, r.json()["due"]) == (200, "2027-01-15")
    r = api(o["executor"]).post(
        f"/api/v1/office/roadmap/{pk}/status", {"status": "done"}, format="json"
    )
    assert r.status_code == 400
    assert r.json()["detail"] == "Выполнение отмечается с подтверждением (документ или ссылка)."
    r = api(o["executor"]).post(
        f"/api/v1/office/roadmap/{pk}/status", {"status": "in_work"}, format="json"
    )
    assert r.json()["status"] == "in_work"
    r = api(o["curator"]).post(
        f"/api/v1/office/roadmap/{pk}/done", {"evidence": "Приказ"}, format="json"
    )
    assert r.status_code == 403
    r = api(o["executor"]).post(
        f"/api/v1/office/roadmap/{pk}/done", {"evidence": "Приказ № 9"}, format="json"
    )
    assert (r.json()["status"], r.json()["done_on"], r.json()["evidence"]) == (
        "done", "2026-12-10", "Приказ № 9",
    )  # fmt: skip
    assert [h["kind"] for h in r.json()["history"]] == ["created", "updated", "status", "done"]
    assert api(o["org_operator"]).get("/api/v1/office/roadmap").status_code == 403
    assert api(o["auditor"]).get("/api/v1/office/roadmap/999999").status_code == 404


def test_the_programmes_over_the_api(o):
    rows = {p["code"]: p for p in api(o["analyst"]).get("/api/v1/office/programmes").json()}
    assert len(rows) == 15
    fkgs = rows["FP-FKGS"]
    assert (fkgs["kind"], fkgs["parent"], fkgs["blocks"], fkgs["roadmap_items"], fkgs["lag"]) == (
        "federal", "NP-INFRA", ["zhkh"], [1], None,
    )  # fmt: skip
    assert api(o["municipal_coordinator"]).get("/api/v1/office/programmes").status_code == 403
