"""The API of requests and tasks: send, the operator's queue, answer with a file, return,
accept, the consolidated table; answers checked against the served schema; another
organisation gets 404, bad input a 400 with the words of the page and nothing changes."""

from __future__ import annotations

import base64
import hashlib

from otklik.core.tests.api_schema import conforms
from otklik.correspondence.models import Assignment, Item, Reply
from otklik.correspondence.tests.shared import Unchanged

API = "/api/v1/correspondence"


def _ok(response, status: int = 200, template: str = "", method: str = "GET"):
    assert response.status_code == status, response.content.decode()
    if template:
        conforms(response, template, method)
    return response.json()


def _as(client, user):
    client.force_login(user)
    return client


def test_the_outgoing_scenario_over_the_api(client, people):
    p = people
    body = {
        "kind": "task",
        "subject": "Отчёт о паводке",
        "text": "Доложите о мерах.",
        "due": "2026-12-17",
        "organizations": ["adm-18410", "kom-tek"],
        "files": [{"name": "форма.pdf", "content": base64.b64encode(b"%PDF").decode()}],
    }
    sent = _ok(
        _as(client, p["head"]).post(f"{API}/assignments", body, content_type="application/json"),
        201,
        "/api/v1/correspondence/assignments",
        "POST",
    )
    assert [(r["organization"], r["state"]) for r in sent["table"]] == [
        ("adm-18410", "sent"),
        ("kom-tek", "sent"),
    ]
    assert sent["files"][0]["sha256"] == hashlib.sha256(b"%PDF").hexdigest()
    # the operator: its queue, its item; an empty answer is refused and nothing changes
    queue = _ok(_as(client, p["op_adm"]).get(f"{API}/items"), 200, "/api/v1/correspondence/items")
    assert [i["organization"] for i in queue] == ["adm-18410"]
    pk = queue[0]["id"]
    unchanged = Unchanged(Reply)
    empty = client.post(f"{API}/items/{pk}/answer", {"text": " "}, content_type="application/json")
    assert (empty.status_code, empty.json()["detail"]) == (
        400,
        "Ответ пустой: напишите, что сделано.",
    )
    unchanged.check()
    answered = _ok(
        client.post(
            f"{API}/items/{pk}/answer",
            {"text": "Меры приняты.", "files": [{"name": "акт.pdf", "content": "JVBERg=="}]},
            content_type="application/json",
        ),
        200,
        "/api/v1/correspondence/items/{id}/answer",
        "POST",
    )
    assert (answered["state"], answered["replies"][0]["files"][0]["name"]) == (
        "answered",
        "акт.pdf",
    )
    # the operator sees its own row of the table only
    mine = _ok(client.get(f"{API}/assignments/{sent['id']}"))
    assert [r["organization"] for r in mine["table"]] == ["adm-18410"]
    # another organisation: 404
    other = _as(client, p["op_zhkh"])
    assert other.get(f"{API}/items/{pk}").status_code == 404
    assert other.post(f"{API}/items/{pk}/answer", {"text": "x"}).status_code == 404
    # the head returns with a reason (without one: 400), the organisation answers, accepted
    _as(client, p["head"])
    no_reason = client.post(
        f"{API}/items/{pk}/return", {"reason": ""}, content_type="application/json"
    )
    assert (no_reason.status_code, no_reason.json()["detail"]) == (
        400,
        "Укажите причину возврата на доработку.",
    )
    client.post(
        f"{API}/items/{pk}/return", {"reason": "Нет фото."}, content_type="application/json"
    )
    _as(client, p["op_adm"]).post(
        f"{API}/items/{pk}/answer", {"text": "Фото приложены."}, content_type="application/json"
    )
    accepted = _ok(
        _as(client, p["head"]).post(f"{API}/items/{pk}/accept", {}, content_type="application/json")
    )
    assert (accepted["state"], accepted["returns"]) == ("accepted", 1)
    assert [h["kind"] for h in accepted["history"]] == [
        "sent", "answered", "returned", "answered", "accepted",
    ]  # fmt: skip
    detail = _ok(
        client.get(f"{API}/assignments/{sent['id']}"),
        200,
        "/api/v1/correspondence/assignments/{id}",
    )
    assert [(r["organization"], r["state"], r["returns"]) for r in detail["table"]] == [
        ("adm-18410", "accepted", 1),
        ("kom-tek", "sent", 0),
    ]


def test_a_due_date_in_the_past_is_a_400_and_nothing_changes(client, people):
    unchanged = Unchanged(Assignment, Item)
    refused = _as(client, people["head"]).post(
        f"{API}/assignments",
        {"kind": "request", "subject": "С", "text": "Т", "due": "2026-12-09",
         "organizations": ["kom-tek"]},
        content_type="application/json",
    )  # fmt: skip
    assert (refused.status_code, refused.json()["detail"]) == (
        400,
        "Срок исполнения 09.12.2026 уже прошёл.",
    )
    unchanged.check()
    assert _as(client, people["municipal_coordinator"]).get(f"{API}/items").status_code == 403
