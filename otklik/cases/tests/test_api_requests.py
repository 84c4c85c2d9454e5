"""The two requests an organisation puts to the ЦУР through the API — redirect by competence and
deadline extension — and the ЦУР's decisions on them (one code path for both)."""

import datetime as dt
from zoneinfo import ZoneInfo

from rest_framework.test import APIClient

from otklik.cases.choices import ExtensionStatus, RedirectStatus
from otklik.cases.models import Case, ExtensionRequest, RedirectRequest
from otklik.cases.services.lifecycle import case_accept
from otklik.directory.models import Organization

VOLGOGRAD = ZoneInfo("Europe/Volgograd")


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_redirect_decision_refused_with_comment(personas, volzhsky_rule, make_case):
    case = case_accept(case=make_case(), actor=personas["analyst"])
    operator, analyst = client_for(personas["org_operator"]), client_for(personas["analyst"])
    url = f"/api/v1/cases/{case.number}/redirect-decision"
    r = analyst.post(url, {"accept": False, "comment": "x"}, format="json")
    assert (r.status_code, r.json()["detail"]) == (
        404,
        "Нет запроса на переадресацию, ждущего решения.",
    )
    water = Organization.objects.filter(kind="resource_supplier").order_by("pk").first()
    r = operator.post(
        f"/api/v1/cases/{case.number}/redirect",
        {"organization": water.code, "reason": "Сети принадлежат РСО"},
        format="json",
    )
    assert r.status_code == 200, r.content
    # the organisation cannot decide its own request
    assert operator.post(url, {"accept": True}, format="json").status_code == 403
    assert RedirectRequest.objects.get(case=case).status == RedirectStatus.PENDING

    r = analyst.post(
        url, {"accept": False, "comment": "Внутридомовые сети — зона УК"}, format="json"
    )
    assert r.status_code == 200, r.content
    assert r.json()["organization"] == "adm-18410"
    request = RedirectRequest.objects.get(case=case)
    assert (request.status, request.decision_comment, request.decided_by) == (
        RedirectStatus.REFUSED,
        "Внутридомовые сети — зона УК",
        personas["analyst"],
    )
    assert analyst.post(url, {"accept": True}, format="json").status_code == 404


def test_extension_decision_approved_keeps_the_comment(personas, make_case):
    # a 59-ФЗ appeal received and registered on Friday 20.02.2026: due 30 days later, on
    # Sunday 22.03 moved to Monday 23.03; up to 30 more days
    received = dt.datetime(2026, 2, 20, 10, tzinfo=VOLGOGRAD)
    case = make_case(channel="paper", kind="appeal_59fz", received_at=received)
    Case.objects.filter(pk=case.pk).update(registered_at=received)
    case.refresh_from_db()
    case = case_accept(
        case=case,
        actor=personas["analyst"],
        organization=Organization.objects.get(code="adm-18410"),
    )
    assert case.resolution_due == dt.datetime(2026, 3, 23, 23, 59, 59, 999999, tzinfo=VOLGOGRAD)
    operator, analyst = client_for(personas["org_operator"]), client_for(personas["analyst"])
    r = operator.post(
        f"/api/v1/cases/{case.number}/extend",
        {"days": 10, "reason": "Нужен выезд комиссии"},
        format="json",
    )
    assert r.status_code == 200, r.content
    url = f"/api/v1/cases/{case.number}/extension-decision"
    r = analyst.post(url, {"accept": True, "comment": "Согласовано"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["extension_days"] == 10
    request = ExtensionRequest.objects.get(case=case)
    assert (request.status, request.decision_comment) == (ExtensionStatus.APPROVED, "Согласовано")
    case.refresh_from_db()
    # 30 + 10 = 40 days from 20.02.2026: 8 days to 28.02, 31 to 31.03, 1 more — Wednesday 01.04
    assert case.resolution_due == dt.datetime(2026, 4, 1, 23, 59, 59, 999999, tzinfo=VOLGOGRAD)
    r = analyst.post(url, {"accept": True}, format="json")
    assert (r.status_code, r.json()["detail"]) == (
        404,
        "Нет запроса на продление, ждущего решения.",
    )
