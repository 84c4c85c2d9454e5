"""Risks, questions for the curator's decision and their tasks over the API, each endpoint per
role: the block's lead keeps its projects' risks (filtered by project, block, state, overdue),
the head raises a question from a risk or a report and the curator gets an e-mail after the
commit, the curator decides with tasks and the head is told, the responsible sees its tasks and
the lead marks one done. A refusal is a 403 with the action's label (a 404 out of scope) and
changes nothing; every answer has the shape the schema documents."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from otklik.core.permissions import ACTION_LABELS, Action
from otklik.core.tests.api_schema import conforms
from otklik.office import services
from otklik.office.models import CuratorQuestion, DecisionTask, Risk
from otklik.office.services_risks import question_raise, risk_status_set
from otklik.office.tests.shared import Unchanged
from otklik.office.tests.test_api import api
from otklik.office.tests.test_risks import (  # noqa: F401 — _clock (10.12.2026), o: fixtures
    NOW,
    _approved,
    _clock,
    _risk,
    days,
    o,
)


def denied(action: Action) -> str:
    return f"Недостаточно прав: «{ACTION_LABELS[action]}»."


PROJECT_NOT_FOUND = "Нет такого проекта или он вне вашей зоны."


def _ok(response, status: int = 200, template: str = "", method: str = "GET"):
    assert response.status_code == status, response.content.decode()
    if template:
        conforms(response, template, method)
    return response.json()


def _refused(response, status: int, detail: str) -> None:
    assert (response.status_code, response.json()["detail"]) == (status, detail)


def _risk_body(o, **values) -> dict:  # noqa: F811
    return {
        "project": o["heat"].pk,
        "description": "Подрядчик не выйдет на объект до холодов",
        "owner": "sector_lead",
        "probability": "high",
        "impact": "medium",
        "due": days(10).isoformat(),
        **values,
    }


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()]


# --------------------------------------------------------------------------- risks
def test_risks_created_listed_filtered_updated_and_closed(o, monkeypatch):  # noqa: F811
    lead, head = o["sector_lead"], o["head"]
    created = _ok(
        api(lead).post("/api/v1/office/risks", _risk_body(o, measures="Резерв"), format="json"),
        201,
        "/api/v1/office/risks",
        "POST",
    )
    assert (created["project"]["code"], created["owner"]["username"], created["status"]) == (
        "ЖКХ-01",
        "sector_lead",
        "open",
    )
    assert (created["measures"], created["due"], created["overdue"]) == (
        "Резерв",
        "2026-12-20",  # 10.12.2026 + 10 days
        False,
    )
    soon = _risk(o, due=days(2))  # ЖКХ-01, 12.12.2026
    road = _risk(o, project=o["road"], actor=head, owner=head, due=days(20))  # ДОР-01, 30.12
    road = risk_status_set(actor=head, risk=road, status="closed", reason="Снят")

    url = "/api/v1/office/risks"
    everyone = [soon.pk, created["id"], road.pk]  # by due date: 12.12, 20.12, 30.12
    assert [row["id"] for row in _ok(api(head).get(url), 200, url)] == everyone
    assert _ids(api(o["auditor"]).get(url)) == everyone
    assert _ids(api(lead).get(url)) == everyone  # a block's lead reads every block
    assert _ids(api(head).get(url, {"block": "roads"})) == [road.pk]
    assert _ids(api(head).get(url, {"project": o["heat"].pk})) == [soon.pk, created["id"]]
    assert _ids(api(head).get(url, {"status": "closed"})) == [road.pk]
    assert _ids(api(head).get(url, {"overdue": "true"})) == []
    # five days on (15.12): the one due 12.12 is open past its due date; the closed one never is
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW + (days(5) - days(0)))
    late = api(head).get(url, {"overdue": "true"})
    assert _ids(late) == [soon.pk] and late.json()[0]["overdue"] is True
    assert api(head).get(url, {"status": "lost"}).status_code == 400

    # the detail, an update of the fields given, a close with its reason
    detail_url = f"/api/v1/office/risks/{created['id']}"
    detail = _ok(api(o["analyst"]).get(detail_url), 200, "/api/v1/office/risks/{id}")
    assert (detail["description"], detail["questions"]) == (
        "Подрядчик не выйдет на объект до холодов",
        [],
    )
    r = api(lead).patch(detail_url, {"measures": "Резерв; штраф"}, format="json")
    updated = _ok(r, 200, "/api/v1/office/risks/{id}", "PATCH")
    assert (updated["measures"], updated["description"]) == (
        "Резерв; штраф",
        "Подрядчик не выйдет на объект до холодов",
    )
    r = api(lead).post(
        f"{detail_url}/status", {"status": "closed", "reason": "Подрядчик вышел"}, format="json"
    )
    closed = _ok(r, 200, "/api/v1/office/risks/{id}/status", "POST")
    assert (closed["status"], closed["status_reason"]) == ("closed", "Подрядчик вышел")
    unchanged = Unchanged(Risk)
    r = api(lead).patch(detail_url, {"measures": "Другое"}, format="json")
    _refused(r, 400, "Риск закрыт: откройте его снова, чтобы изменить.")
    r = api(lead).post(f"{detail_url}/status", {"status": "realised"}, format="json")
    _refused(r, 400, "Риск «Закрыт»: перевести в «Реализовался» нельзя.")
    unchanged.check()


@pytest.mark.parametrize(
    ("role", "status", "detail"),
    [
        ("curator", 403, denied(Action.OFFICE_PREPARE)),
        ("executor", 403, denied(Action.OFFICE_PREPARE)),
        ("analyst", 403, denied(Action.OFFICE_PREPARE)),
        ("auditor", 403, denied(Action.OFFICE_PREPARE)),
        ("org_operator", 404, PROJECT_NOT_FOUND),
        ("municipal_coordinator", 404, PROJECT_NOT_FOUND),
    ],
)
def test_who_may_not_keep_risks(o, role, status, detail):  # noqa: F811
    risk = _risk(o)
    unchanged = Unchanged(Risk)
    user = api(o[role])
    _refused(user.post("/api/v1/office/risks", _risk_body(o), format="json"), status, detail)
    url = f"/api/v1/office/risks/{risk.pk}"
    if status == 404:  # a risk of the office is not there for them at all
        _refused(user.get("/api/v1/office/risks"), 403, denied(Action.OFFICE_VIEW))
        detail = denied(Action.OFFICE_VIEW)
    _refused(user.patch(url, {"measures": "x"}, format="json"), 403, detail)
    _refused(user.post(f"{url}/status", {"status": "closed"}, format="json"), 403, detail)
    unchanged.check()
    assert Risk.objects.get().measures == ""


def test_a_block_lead_keeps_only_its_blocks_risks(o):  # noqa: F811
    """It reads the other blocks' risks, and is refused what would change them."""
    head_risk = _risk(o, project=o["road"], actor=o["head"], owner=o["head"])
    unchanged = Unchanged(Risk)
    lead, refusal = api(o["sector_lead"]), denied(Action.OFFICE_PREPARE)
    body = _risk_body(o, project=o["road"].pk)
    _refused(lead.post("/api/v1/office/risks", body, format="json"), 403, refusal)
    url = f"/api/v1/office/risks/{head_risk.pk}"
    assert lead.get(url).json()["id"] == head_risk.pk
    _refused(lead.patch(url, {"measures": "x"}, format="json"), 403, refusal)
    _refused(lead.post(f"{url}/status", {"status": "closed"}, format="json"), 403, refusal)
    unchanged.check()
    _refused(api(o["org_operator"]).get(url), 403, denied(Action.OFFICE_VIEW))


# --------------------------------------------------------------------------- questions
@pytest.fixture
def mailboxes(o):  # noqa: F811
    """The curator and the head have e-mail addresses."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    User.objects.filter(pk=o["curator"].pk).update(email="curator@cur.example.ru")
    User.objects.filter(pk=o["head"].pk).update(email="head@cur.example.ru")
    o["curator"].refresh_from_db()
    o["head"].refresh_from_db()
    return o


QUESTION = {
    "text": "Расторгнуть контракт с подрядчиком?",
    "proposal": "Расторгнуть и провести новые торги",
    "due": days(5).isoformat(),
}


def test_a_question_raised_decided_and_its_tasks_done(
    mailboxes, settings, django_capture_on_commit_callbacks
):
    o = mailboxes  # noqa: F811
    settings.OTKLIK_PUBLIC_URL = "https://cur.example.ru/"
    risk = _risk(o)
    unchanged = Unchanged(CuratorQuestion)
    for role in ("sector_lead", "curator", "executor", "analyst", "auditor"):
        r = api(o[role]).post(f"/api/v1/office/risks/{risk.pk}/question", QUESTION, format="json")
        _refused(r, 403, denied(Action.QUESTION_RAISE))
    unchanged.check()
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        r = api(o["head"]).post(f"/api/v1/office/risks/{risk.pk}/question", QUESTION, format="json")
    q = _ok(r, 201, "/api/v1/office/risks/{id}/question", "POST")
    assert (q["risk"], q["report"], q["raised_by"]["username"], q["decided_on"]) == (
        risk.pk,
        None,
        "head",
        None,
    )
    [told] = mail.outbox
    link = f"https://cur.example.ru/office/question/{q['id']}/"
    assert (told.to, told.subject) == (
        ["curator@cur.example.ru"],
        "Вопрос на решение куратора: ЖКХ-01",
    )
    assert told.body == (
        "Вопрос по риску проекта ЖКХ-01 «Тепло» поставлен на решение куратора. Решение нужно до "
        f"15.12.2026.\n\nВопрос и предлагаемое решение: {link}"
    )
    assert "Расторгнуть" not in told.body  # the question's words stay on its page

    # the list (waiting), the detail, the risk's questions
    waiting = _ok(api(o["curator"]).get("/api/v1/office/questions", {"waiting": "true"}),
                  200, "/api/v1/office/questions")  # fmt: skip
    assert [row["id"] for row in waiting] == [q["id"]]
    risk_detail = api(o["sector_lead"]).get(f"/api/v1/office/risks/{risk.pk}").json()
    assert [row["id"] for row in risk_detail["questions"]] == [q["id"]]

    # only the curator decides; the decision's task to the lead, the head told
    url = f"/api/v1/office/questions/{q['id']}"
    decision = {
        "decision": "Расторгнуть контракт",
        "tasks": [{"text": "Подготовить торги", "responsible": "sector_lead", "due": days(20)}],
    }
    for role in ("head", "sector_lead", "executor", "analyst", "auditor"):
        r = api(o[role]).post(f"{url}/decide", decision, format="json")
        _refused(r, 403, denied(Action.QUESTION_DECIDE))
    assert DecisionTask.objects.count() == 0
    assert CuratorQuestion.objects.get().decided_on is None
    with django_capture_on_commit_callbacks(execute=True):
        r = api(o["curator"]).post(f"{url}/decide", decision, format="json")
    decided = _ok(r, 200, "/api/v1/office/questions/{id}/decide", "POST")
    assert (decided["decision"], decided["decided_on"], decided["decided_by"]["username"]) == (
        "Расторгнуть контракт",
        "2026-12-10",
        "curator",
    )
    [task] = decided["tasks"]
    assert (task["text"], task["responsible"]["username"], task["due"], task["done_on"]) == (
        "Подготовить торги",
        "sector_lead",
        "2026-12-30",
        None,
    )
    told = mail.outbox[1]
    assert (told.to, told.subject) == (["head@cur.example.ru"], "Решение куратора: ЖКХ-01")
    assert told.body == (
        "Вопрос по риску проекта ЖКХ-01 «Тепло»: куратор принял решение 10.12.2026; "
        f"поручений — 1.\n\nРешение и поручения: {link}"
    )
    _refused(api(o["curator"]).post(f"{url}/decide", decision, format="json"), 400,
             "Решение по вопросу уже принято 10.12.2026.")  # fmt: skip
    assert len(mail.outbox) == 2
    _ok(api(o["auditor"]).get(url), 200, "/api/v1/office/questions/{id}")

    # the tasks: mine (the responsible's), marked done by the block's side
    mine = _ok(api(o["sector_lead"]).get("/api/v1/office/tasks"), 200, "/api/v1/office/tasks")
    assert [t["id"] for t in mine] == [task["id"]]
    assert api(o["head"]).get("/api/v1/office/tasks").json() == []
    assert api(o["sector_lead"]).get("/api/v1/office/tasks", {"done": "true"}).json() == []
    done_url = f"/api/v1/office/tasks/{task['id']}/done"
    for role in ("curator", "executor", "analyst", "auditor"):
        _refused(api(o[role]).post(done_url, {}, format="json"), 403,
                 denied(Action.OFFICE_PREPARE))  # fmt: skip
    assert DecisionTask.objects.get().done_on is None
    done = _ok(api(o["sector_lead"]).post(done_url, {}, format="json"), 200,
               "/api/v1/office/tasks/{id}/done", "POST")  # fmt: skip
    assert (done["done_on"], done["done_by"]["username"], done["overdue"]) == (
        "2026-12-10",
        "sector_lead",
        False,
    )
    done_now = api(o["sector_lead"]).get("/api/v1/office/tasks", {"done": "true"})
    assert [t["id"] for t in done_now.json()] == [task["id"]]


def test_a_question_from_a_report(mailboxes, django_capture_on_commit_callbacks):
    o = mailboxes  # noqa: F811
    _approved(o, o["heat"])
    report = services.report_prepare(actor=o["sector_lead"], project=o["heat"], period="2026-11")
    url = f"/api/v1/office/reports/{report.pk}/question"
    _refused(api(o["sector_lead"]).post(url, QUESTION, format="json"), 403,
             denied(Action.QUESTION_RAISE))  # fmt: skip
    _refused(api(o["org_operator"]).post(url, QUESTION, format="json"), 404,
             "Нет такого отчёта или он вне вашей зоны.")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        r = api(o["head"]).post(url, QUESTION, format="json")
    q = _ok(r, 201, "/api/v1/office/reports/{id}/question", "POST")
    assert (q["report"], q["risk"], q["project"]["code"]) == (report.pk, None, "ЖКХ-01")
    [told] = mail.outbox
    assert told.body.startswith(
        "Вопрос по отчёту о ходе реализации за ноябрь 2026 проекта ЖКХ-01 «Тепло» поставлен"
    )


def test_nothing_is_sent_when_the_raise_is_rolled_back(
    mailboxes, django_capture_on_commit_callbacks
):
    o = mailboxes  # noqa: F811
    risk = _risk(o)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        question_raise(actor=o["head"], risk=risk, text="Вопрос?", proposal="Да", due=days(5))
        raise RuntimeError("what follows the raise fails: the whole change is undone")
    assert (callbacks, mail.outbox, CuratorQuestion.objects.count()) == ([], [], 0)


@pytest.mark.parametrize("bad", [str(2**63), "0", "-5", "1e40"])
def test_an_id_out_of_the_columns_range_is_a_400_and_changes_nothing(o, bad):  # noqa: F811
    # the id columns are 64-bit (the largest id 2**63 - 1): a larger or non-positive number is
    # refused by the query's check with its reason, never sent to the database to overflow
    head, lead = o["head"], o["sector_lead"]
    for url in ("/api/v1/office/risks", "/api/v1/office/questions"):
        r = api(head).get(url, {"project": bad})
        assert r.status_code == 400 and "project" in r.json(), r.content.decode()
    unchanged = Unchanged(Risk)
    r = api(lead).post("/api/v1/office/risks", _risk_body(o, project=bad), format="json")
    unchanged.check()
    assert r.status_code == 400 and "project" in r.json(), r.content.decode()


def test_a_code_no_block_can_have_is_a_400_on_every_database(o):  # noqa: F811
    # PostgreSQL refuses a NUL byte in text (a 500 before CodeField); no code is 65 long either
    for bad in ("zh\x00kh", "z" * 65):
        for url in ("/api/v1/office/indicators", "/api/v1/office/risks"):
            r = api(o["head"]).get(url, {"block": bad})
            assert r.status_code == 400 and "block" in r.json(), r.content.decode()
