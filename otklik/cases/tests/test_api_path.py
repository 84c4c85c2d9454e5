"""The whole path through the REST API: a message arrives → the ЦУР accepts and assigns → the
organisation answers → the moderator returns it, then approves → published → the author says
«not solved» → the case reopens."""

import json

from rest_framework.test import APIClient

from otklik.accounts.apikeys import apikey_create
from otklik.cases.models import Survey

MESSAGE = {
    "channel": "web",
    "external_id": "web-1001",
    "kind": "message",
    "text": "Во дворе дома ул. Мира, 12 (Волжский) третий день нет горячей воды.",
    "author": {"name": "Петрова Анна", "phone": "+79610000099", "consent": True},
    "municipality": "18410",
    "topic": "zhkh-hot-water",
}
ANSWER = "Горячее водоснабжение восстановлено 27.11, причина — замена задвижки на вводе."


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_path_through_the_api(personas, volzhsky_rule, django_capture_on_commit_callbacks):
    _, key = apikey_create(system="Веб-форма")
    system = APIClient()
    system.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    with django_capture_on_commit_callbacks(execute=True):
        r = system.post(
            "/api/v1/messages",
            json.dumps(MESSAGE, ensure_ascii=False),
            content_type="application/json",
        )
    assert r.status_code == 201, r.content

    analyst = client_for(personas["analyst"])
    triage = analyst.get("/api/v1/cases", {"queue": "triage"}).json()
    assert triage["count"] == 1
    number = triage["results"][0]["number"]

    r = analyst.post(f"/api/v1/cases/{number}/accept", {}, format="json")
    assert r.status_code == 200, r.content
    assert (r.json()["status"], r.json()["organization"]) == ("assigned", "adm-18410")

    operator = client_for(personas["org_operator"])
    assert operator.get("/api/v1/cases", {"queue": "mine"}).json()["count"] == 1
    assert operator.post(f"/api/v1/cases/{number}/take").json()["status"] == "in_work"
    r = operator.post(f"/api/v1/cases/{number}/answer", {"text": ANSWER}, format="json")
    assert r.json()["status"] == "answer_review"
    first_answer = r.json()["answers"][-1]["id"]

    r = analyst.post(
        f"/api/v1/cases/{number}/return",
        {"answer": first_answer, "reason": "Добавьте дату проверки давления"},
        format="json",
    )
    assert r.json()["status"] == "in_work"
    r = operator.post(
        f"/api/v1/cases/{number}/answer",
        {"text": ANSWER + " Давление проверено 28.11."},
        format="json",
    )
    second_answer = r.json()["answers"][-1]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        r = analyst.post(
            f"/api/v1/cases/{number}/approve",
            {"answer": second_answer, "quality_score": 5},
            format="json",
        )
    assert r.status_code == 200
    detail = analyst.get(f"/api/v1/cases/{number}").json()
    assert detail["status"] == "published"

    token = Survey.objects.get(case__number=number).token
    r = APIClient().post(
        f"/api/v1/surveys/{token}",
        {"solved": False, "rating": 2, "comment": "Опять холодная"},
        format="json",
    )
    assert r.status_code == 200
    detail = analyst.get(f"/api/v1/cases/{number}").json()
    assert detail["status"] == "reopened"
    assert [e["kind"] for e in detail["events"]] == [
        "opened",
        "accept",
        "take",
        "submit_answer",
        "return_answer",
        "submit_answer",
        "approve_answer",
        "publish",
        "survey",
        "reopen",
    ]


def test_wrong_state_is_409_and_other_scope_is_404(personas, volzhsky_rule, make_case, make_user):
    case = make_case()
    operator = client_for(personas["org_operator"])
    # not accepted yet: the operator does not even see it
    assert operator.post(f"/api/v1/cases/{case.number}/take").status_code == 404
    analyst = client_for(personas["analyst"])
    r = analyst.post(f"/api/v1/cases/{case.number}/take")
    assert r.status_code == 409
    assert r.json()["code"] == "TransitionNotAllowed"
    auditor = client_for(personas["auditor"])
    assert auditor.get(f"/api/v1/cases/{case.number}").status_code == 200
    r = auditor.post(f"/api/v1/cases/{case.number}/accept", {}, format="json")
    assert r.status_code == 403
    case.refresh_from_db()
    assert case.status == "new"
