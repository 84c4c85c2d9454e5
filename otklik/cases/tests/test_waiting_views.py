"""Asking the author for information through the REST API (``request-info``, ``resume``) and on
the case page; a user outside the case's scope gets 404, one who may not work on it 403, and
neither changes anything."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case, CaseEvent, CasePause, OutboxMessage
from otklik.cases.services.lifecycle import case_accept, case_take
from otklik.cases.services.waiting import case_request_info
from otklik.directory.models import Organization

QUESTION = "Уточните, пожалуйста, номер подъезда и квартиры, где нет горячей воды."


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def snapshot(case: Case) -> tuple:
    case.refresh_from_db()
    return (
        case.status,
        case.resolution_due,
        case.clock_paused_at,
        CasePause.objects.filter(case=case).count(),
        OutboxMessage.objects.filter(case=case).count(),
        CaseEvent.objects.filter(case=case).count(),
    )


@pytest.fixture
def in_work(personas, volzhsky_rule, make_case):
    case = case_accept(case=make_case(), actor=personas["analyst"])
    return case_take(case=case, actor=personas["org_operator"])


@pytest.fixture
def outsider(make_user):
    """The operator of another city's administration (Камышин)."""
    return make_user("org_operator", organization=Organization.objects.get(code="adm-18415"))


# --- REST API ----------------------------------------------------------------------------------
def test_request_info_then_resume_through_the_api(personas, in_work):
    operator = client_for(personas["org_operator"])
    r = operator.post(
        f"/api/v1/cases/{in_work.number}/request-info", {"question": QUESTION}, format="json"
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "awaiting_citizen"
    assert [(p["question"], p["ended_at"], p["reply"]) for p in body["pauses"]] == [
        (QUESTION, None, None)
    ]
    assert body["events"][-1]["kind"] == "request_info"

    r = operator.post(f"/api/v1/cases/{in_work.number}/resume", {"reason": ""}, format="json")
    assert r.status_code == 400
    r = operator.post(
        f"/api/v1/cases/{in_work.number}/resume",
        {"reason": "Заявитель уточнил адрес по телефону"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "in_work"
    assert r.json()["pauses"][0]["ended_at"] is not None
    r = operator.post(f"/api/v1/cases/{in_work.number}/resume", {"reason": "ещё"}, format="json")
    assert (r.status_code, r.json()["code"]) == (409, "TransitionNotAllowed")


def test_api_out_of_scope_is_404_and_without_the_right_403(personas, in_work, outsider):
    before = snapshot(in_work)
    url = f"/api/v1/cases/{in_work.number}/request-info"
    assert client_for(outsider).post(url, {"question": QUESTION}, format="json").status_code == 404
    # the auditor sees every case but may not work on any
    r = client_for(personas["auditor"]).post(url, {"question": QUESTION}, format="json")
    assert r.status_code == 403
    assert snapshot(in_work) == before

    case_request_info(case=in_work, actor=personas["org_operator"], question=QUESTION)
    before = snapshot(in_work)
    url = f"/api/v1/cases/{in_work.number}/resume"
    assert client_for(outsider).post(url, {"reason": "готово"}, format="json").status_code == 404
    r = client_for(personas["auditor"]).post(url, {"reason": "готово"}, format="json")
    assert r.status_code == 403
    assert snapshot(in_work) == before


def test_the_verbs_are_in_the_openapi_schema(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    paths = schema["paths"]
    for verb, body in (("request-info", "RequestInfoInRequest"), ("resume", "ResumeInRequest")):
        operation = paths[f"/api/v1/cases/{{id}}/{verb}"]["post"]
        ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/{body}"
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/CaseDetail"
        }
    assert schema["components"]["schemas"]["RequestInfoInRequest"]["required"] == ["question"]
    assert "awaiting_citizen" in schema["components"]["schemas"]["CaseStatusEnum"]["enum"]
    assert "pauses" in schema["components"]["schemas"]["CaseDetail"]["properties"]


# --- the case page -----------------------------------------------------------------------------
def url(name: str, case: Case) -> str:
    return reverse(f"cases:{name}", args=[case.number])


def verb(name: str, case: Case) -> str:
    return reverse("cases:verb", args=[case.number, name])


def test_case_page_asks_and_resumes(client, personas, in_work):
    client.force_login(personas["org_operator"])
    page = client.get(url("detail", in_work)).content.decode()
    assert 'data-action="request_info"' in page
    assert 'data-action="resume"' not in page

    response = client.post(verb("request-info", in_work), {"question": QUESTION}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Вопрос отправлен заявителю; срок приостановлен до его ответа."
    ]
    page = response.content.decode()
    assert 'data-testid="case-status">Запрошены сведения у заявителя<' in page
    assert 'data-deadline="paused"' in page
    assert "ждём ответа заявителя</strong>, срок приостановлен" in page
    assert "Запрошены сведения у заявителя (срок приостановлен)" in page  # the timeline
    assert 'data-action="resume"' in page
    assert 'data-action="request_info"' not in page

    response = client.post(verb("resume", in_work), {"reason": "Адрес уточнён"}, follow=True)
    in_work.refresh_from_db()
    assert in_work.status == CaseStatus.IN_WORK
    assert [str(m) for m in response.context["messages"]] == [
        f"Работа возобновлена; срок ответа — {in_work.resolution_due.astimezone():%d.%m.%Y}."
    ]
    assert "Работа возобновлена (вручную)" in response.content.decode()


def test_case_page_refusals(client, personas, in_work, outsider):
    before = snapshot(in_work)
    client.force_login(outsider)
    assert client.post(verb("request-info", in_work), {"question": QUESTION}).status_code == 404
    client.force_login(personas["auditor"])
    assert client.post(verb("request-info", in_work), {"question": QUESTION}).status_code == 403
    client.force_login(personas["org_operator"])
    response = client.post(verb("request-info", in_work), {"question": "адрес?"})
    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]] == [
        "Сформулируйте вопрос заявителю: какие сведения нужны и зачем."
    ]
    assert snapshot(in_work) == before
