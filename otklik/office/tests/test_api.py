"""The project office over the API, with the documents' route over the approvals API: the
sector lead creates a project with its passport, the head returns it with a reason, the lead
corrects it, the head agrees and the curator approves; a change request opens version 2 with
its diff; the monthly report comes pre-filled from the data and goes on the route. Each role is
refused what the regulation does not give it (403 with the message, and nothing changes), what
it may not see is a 404, and a broken rule is a 400 in the words of the page's form."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from conftest import PASSWORD
from otklik.approvals.models import Approval
from otklik.audit.models import AuditEvent
from otklik.core.permissions import ACTION_LABELS, Action
from otklik.core.roles import Role
from otklik.core.tests.api_schema import conforms
from otklik.directory.models import Sector
from otklik.office import services
from otklik.office.models import Indicator, IndicatorFact, PassportVersion, ProgressReport, Project

PASSPORT = {
    "goal": "Горячая вода без перерывов дольше суток",
    "tasks": ["Заменить сети", "Наладить учёт отключений"],
    "indicators": [
        {"code": "ЦУР-01", "base": "62", "targets": {"2026": "80"}},
        {"code": "ЖКХ-Д1", "base": 5, "targets": {"2026-11": 12}},
    ],
    "control_points": [
        {"name": "Договор подряда заключён", "date": "2026-11-20", "responsible": "Комитет ЖКХ"},
        {"name": "Сети заменены", "date": "2027-09-30", "responsible": "МУП «Водоканал»"},
    ],
}
# the refusal names the action by its label (which action is refused is the subject here)
PREPARE_DENIED = f"Недостаточно прав: «{ACTION_LABELS[Action.OFFICE_PREPARE]}»."
INDICATOR_DENIED = f"Недостаточно прав: «{ACTION_LABELS[Action.INDICATOR_MANAGE]}»."
PROJECT_NOT_FOUND = "Нет такого проекта или он вне вашей зоны."
PASSPORT_NOT_FOUND = "Нет такой версии паспорта или она вне вашей зоны."
REPORT_NOT_FOUND = "Нет такого отчёта или он вне вашей зоны."
APPROVAL_NOT_FOUND = "Нет такого документа на согласовании или он вне вашей зоны."
VIEW_DENIED = f"Недостаточно прав: «{ACTION_LABELS[Action.OFFICE_VIEW]}»."


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def office(personas):
    """The mandatory indicators (the shipped list) and the block's additional one, proposed by
    its lead."""
    services.indicators_load(actor=None)
    services.indicator_propose(
        actor=personas["sector_lead"],
        code="ЖКХ-Д1",
        name="Заменено сетей, км",
        unit="километр",
        sector=Sector.objects.get(code="zhkh"),
    )
    return personas


def _ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


def _verb(user, approval_id: int, verb: str, text: str = "") -> dict:
    body = {"text": text, "password": PASSWORD}  # approving signs with the password
    return _ok(api(user).post(f"/api/v1/approvals/{approval_id}/{verb}", body))


def _create(user, **body):
    body = {"block": "zhkh", "name": "Тёплый дом", "passport": PASSPORT, **body}
    return api(user).post("/api/v1/office/projects", body, format="json")


def _approved_project(o) -> dict:
    project = _ok(_create(o["sector_lead"]), 201)
    approval = project["versions"][0]["approval"]["id"]
    _verb(o["sector_lead"], approval, "submit")
    _verb(o["head"], approval, "agree")
    _verb(o["curator"], approval, "approve")
    return project


def _conforms(user, template: str, url: str) -> None:
    """The answer to GET ``url`` has the status, type and shape that the schema documents."""
    response = api(user).get(url)
    assert response.status_code == 200, url
    conforms(response, template)


def _snapshot(*rows) -> tuple:
    """Rows as stored and the audit's length: a refusal changes none of them."""
    for row in rows:
        row.refresh_from_db()
    return (*[(type(r).__name__, r.pk, r.updated_at) for r in rows], AuditEvent.objects.count())


def test_the_chain_over_the_api(office):
    lead, head, curator = office["sector_lead"], office["head"], office["curator"]

    # the lead creates the project with its passport: version 1, a draft
    project = _ok(_create(lead), 201)
    assert (project["code"], project["block"], project["state"]) == ("ЖКХ-01", "zhkh", "draft")
    assert project["passport_in_force"] is None
    [v1] = project["versions"]
    assert (v1["number"], v1["approval"]["state"], v1["approval"]["kind"]) == (
        1,
        "draft",
        "passport",
    )
    passport = _ok(api(lead).get(f"/api/v1/office/passports/{v1['id']}"))
    assert passport["content"]["indicators"] == [
        {"code": "ЦУР-01", "base": "62", "targets": {"2026": "80"}},
        {"code": "ЖКХ-Д1", "base": "5", "targets": {"2026-11": "12"}},
    ]
    assert passport["content"]["control_points"][0] == PASSPORT["control_points"][0]
    assert passport["lines"][:2] == [
        "Цель проекта: Горячая вода без перерывов дольше суток",
        "Задачи: Заменить сети",
    ]
    assert (passport["previous"], passport["diff"]) == (None, [])

    # submitted, returned by the head with the reason
    approval = v1["approval"]["id"]
    assert _verb(lead, approval, "submit", "Прошу согласовать")["state"] == "in_route"
    assert _ok(api(lead).get(f"/api/v1/office/projects/{project['id']}"))["state"] == "agreement"
    assert [a["id"] for a in _ok(api(head).get("/api/v1/approvals/inbox"))] == [
        services.approval_of_indicator(Indicator.objects.get(code="ЖКХ-Д1")).pk,
        approval,
    ]
    returned = _verb(head, approval, "return", "Не указан руководитель проекта")
    assert returned["state"] == "returned"
    assert _ok(api(lead).get(f"/api/v1/office/projects/{project['id']}"))["state"] == "draft"

    # the lead corrects the returned version: only the fields given change
    r = api(lead).patch(
        f"/api/v1/office/passports/{v1['id']}",
        {"passport": {"leader": "Петров П. П., председатель комитета"}},
        format="json",
    )
    corrected = _ok(r)
    assert corrected["content"]["leader"] == "Петров П. П., председатель комитета"
    assert corrected["content"]["goal"] == PASSPORT["goal"]
    assert corrected["content"]["tasks"] == PASSPORT["tasks"]

    # resubmitted, agreed by the head, approved by the curator: in force and frozen
    _verb(lead, approval, "submit", "Исправлено")
    assert _verb(head, approval, "agree")["step_role"] == "curator"
    approved = _verb(curator, approval, "approve", "Утверждаю")
    assert [(e["decision"], e["text"]) for e in approved["sheet"]] == [
        ("open", ""),
        ("submit", "Прошу согласовать"),
        ("return", "Не указан руководитель проекта"),
        ("submit", "Исправлено"),
        ("agree", ""),
        ("approve", "Утверждаю"),
    ]
    detail = _ok(api(lead).get(f"/api/v1/office/projects/{project['id']}"))
    assert detail["state"] == "approved"
    assert (detail["passport_in_force"]["id"], detail["passport_in_force"]["number"]) == (
        v1["id"],
        1,
    )
    r = api(lead).patch(
        f"/api/v1/office/passports/{v1['id']}", {"passport": {"goal": "Другая"}}, format="json"
    )
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Паспорт утверждён: изменить его можно только новой версией (запросом на изменение).",
    )

    # a change request: version 2 with its reason and what it changes
    moved = [
        PASSPORT["control_points"][0],
        {"name": "Сети заменены", "date": "2027-12-31", "responsible": "МУП «Водоканал»"},
    ]
    r = api(lead).post(
        f"/api/v1/office/projects/{project['id']}/change-request",
        {"reason": "Подрядчик сдвинул замену сетей", "passport": {"control_points": moved}},
        format="json",
    )
    v2 = _ok(r, 201)
    assert (v2["number"], v2["reason"], v2["previous"]) == (2, "Подрядчик сдвинул замену сетей", 1)
    assert v2["content"]["leader"] == "Петров П. П., председатель комитета"  # kept from v1
    assert [(d["sign"], d["text"]) for d in v2["diff"] if d["sign"] != " "] == [
        ("-", "Контрольные точки и мероприятия: Сети заменены | 30.09.2027 | МУП «Водоканал»"),
        ("+", "Контрольные точки и мероприятия: Сети заменены | 31.12.2027 | МУП «Водоканал»"),
    ]
    assert (v2["approval"]["version"], v2["approval"]["reason"], v2["approval"]["state"]) == (
        2,
        "Подрядчик сдвинул замену сетей",
        "draft",
    )
    assert _ok(api(head).get(f"/api/v1/office/passports/{v2['id']}"))["diff"] == v2["diff"]
    detail = _ok(api(lead).get(f"/api/v1/office/projects/{project['id']}"))
    assert [(v["number"], v["approval"]["state"]) for v in detail["versions"]] == [
        (1, "approved"),
        (2, "draft"),
    ]
    assert detail["passport_in_force"]["number"] == 1  # until version 2 is approved
    for user, verb in ((lead, "submit"), (head, "agree"), (curator, "approve")):
        _verb(user, v2["approval"]["id"], verb)
    detail = _ok(api(lead).get(f"/api/v1/office/projects/{project['id']}"))
    assert (detail["state"], detail["passport_in_force"]["number"]) == ("approved", 2)

    # the fact of the block's indicator, then the November report pre-filled from the data
    r = api(lead).post(
        f"/api/v1/office/indicators/{Indicator.objects.get(code='ЖКХ-Д1').pk}/facts",
        {"period": "2026-11", "value": "10", "evidence": "Акт приёмки № 7 от 28.11.2026"},
        format="json",
    )
    assert _ok(r, 201) == {
        "period": "2026-11",
        "value": "10",
        "computed": False,
        "evidence": "Акт приёмки № 7 от 28.11.2026",
        "entered_by": {"id": lead.pk, "username": lead.username, "name": str(lead)},
        "at": r.json()["at"],
    }
    r = api(lead).post(
        f"/api/v1/office/projects/{project['id']}/reports", {"period": "2026-11"}, format="json"
    )
    report = _ok(r, 201)
    assert (report["period"], report["period_label"], report["due"]) == (
        "2026-11",
        "ноябрь 2026",
        "2026-12-07",  # the 5th working day after 30.11.2026: 1, 2, 3, 4, 7 December
    )
    content = report["content"]
    assert (content["from"], content["to"], content["passport_version"]) == (
        "2026-11-01",
        "2026-11-30",
        2,
    )
    assert [
        (i["code"], i["computed"], i["plan"], i["fact"], i["status"], i["evidence"])
        for i in content["indicators"]
    ] == [
        ("ЦУР-01", True, "80", None, "none", "рассчитано по данным платформы"),
        ("ЖКХ-Д1", False, "12", "10", "lag", "Акт приёмки № 7 от 28.11.2026"),
    ]
    assert content["control_points"] == [
        {
            "name": "Договор подряда заключён",
            "date": "2026-11-20",
            "responsible": "Комитет ЖКХ",
            "reached": None,
            "reason": "",
            "new_date": "",
        }
    ]
    assert content["risks"] == "" and content["comment"] == ""

    # not to be sent with a control point unmarked; a missed one needs its reason and date
    report_approval = report["approval"]["id"]
    r = api(lead).post(f"/api/v1/approvals/{report_approval}/submit", {}, format="json")
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Отметьте, достигнуты ли контрольные точки: Договор подряда заключён",
    )
    url = f"/api/v1/office/reports/{report['id']}"
    r = api(lead).patch(url, {"control_points": [{"reached": False}]}, format="json")
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Контрольная точка «Договор подряда заключён» не достигнута: укажите причину и новый срок.",
    )
    r = api(lead).patch(
        url,
        {
            "control_points": [
                {"reached": False, "reason": "Торги сорваны", "new_date": "2026-12-20"}
            ],
            "comment": "Отставание по замене сетей",
            "risks": "Подрядчик",
        },
        format="json",
    )
    marked = _ok(r)["content"]
    assert marked["control_points"] == [
        {
            "name": "Договор подряда заключён",
            "date": "2026-11-20",
            "responsible": "Комитет ЖКХ",
            "reached": False,
            "reason": "Торги сорваны",
            "new_date": "2026-12-20",
        }
    ]
    assert (marked["comment"], marked["risks"]) == ("Отставание по замене сетей", "Подрядчик")
    # a PATCH of the comment alone keeps the marks
    marked = _ok(api(lead).patch(url, {"comment": "Догоняем"}, format="json"))["content"]
    assert (marked["comment"], marked["control_points"][0]["reason"]) == (
        "Догоняем",
        "Торги сорваны",
    )
    submitted = _verb(lead, report_approval, "submit")
    assert (submitted["state"], submitted["step_role"], submitted["kind"]) == (
        "in_route",
        "head",
        "report",
    )
    assert _ok(api(head).get(url))["approval"]["state"] == "in_route"
    r = api(lead).patch(url, {"comment": "Ещё"}, format="json")
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Отчёт на согласовании или утверждён: изменить его нельзя.",
    )

    # what the chain left, read as the schema says
    for template, path in (
        ("/api/v1/office/projects/{id}", f"/api/v1/office/projects/{project['id']}"),
        ("/api/v1/office/passports/{id}", f"/api/v1/office/passports/{v2['id']}"),
        ("/api/v1/office/reports/{id}", url),
        ("/api/v1/office/blocks/{code}", "/api/v1/office/blocks/zhkh?period=2026-11"),
        ("/api/v1/office/blocks", "/api/v1/office/blocks"),
        ("/api/v1/office/indicators", "/api/v1/office/indicators?period=2026-11"),
        ("/api/v1/office/projects", "/api/v1/office/projects?block=zhkh"),
        ("/api/v1/approvals/{id}", f"/api/v1/approvals/{approval}"),
        ("/api/v1/approvals/{id}", f"/api/v1/approvals/{report_approval}"),
        ("/api/v1/approvals/inbox", "/api/v1/approvals/inbox"),
    ):
        _conforms(head, template, path)


def test_the_reads(office):
    lead = office["sector_lead"]
    project = _approved_project(office)
    blocks = _ok(api(lead).get("/api/v1/office/blocks"))
    assert [b["code"] for b in blocks] == list(Sector.objects.values_list("code", flat=True))
    zhkh = next(b for b in blocks if b["code"] == "zhkh")
    assert (zhkh["lead"], zhkh["deputies"], zhkh["projects"]) == (
        None,
        [],
        {"total": 1, "approved": 1},
    )
    assert next(b for b in blocks if b["code"] == "roads")["projects"] == {"total": 0}

    block = _ok(api(lead).get("/api/v1/office/blocks/zhkh", {"period": "2026-11"}))
    assert (block["block"]["code"], block["period"], block["period_label"]) == (
        "zhkh",
        "2026-11",
        "ноябрь 2026",
    )
    assert [p["code"] for p in block["projects"]] == ["ЖКХ-01"]
    [row] = block["indicators"]
    assert (row["indicator"]["code"], row["plan"], row["fact"], row["status"]) == (
        "ЖКХ-Д1",
        None,
        None,
        "none",
    )
    assert row["approved"] is False
    assert (row["indicator"]["approval"]["state"], row["indicator"]["approval"]["step_role"]) == (
        "in_route",
        "head",
    )
    assert [t["period"] for t in row["trend"]] == [
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
    ]

    board = _ok(api(lead).get("/api/v1/office/indicators", {"period": "2026-11"}))
    assert [r["indicator"]["code"] for r in board["indicators"]] == [
        "ЖКХ-Д1",  # additional first, then the mandatory ones
        "ЦУР-01",
        "ЦУР-02",
        "ЦУР-03",
        "ЦУР-04",
        "ЦУР-05",
        "ЦУР-06",
    ]
    cur01 = board["indicators"][1]
    assert (cur01["plan"], cur01["indicator"]["kind"], cur01["indicator"]["approval"]) == (
        "90",
        "mandatory",
        None,
    )
    assert cur01["indicator"]["targets"] == [
        {"period": "2026", "value": "90"},
        {"period": "2027", "value": "95"},
    ]
    only = _ok(api(lead).get("/api/v1/office/indicators", {"period": "2026", "block": "zhkh"}))
    assert [r["indicator"]["code"] for r in only["indicators"]] == ["ЖКХ-Д1"]

    projects = api(lead).get("/api/v1/office/projects", {"block": "zhkh", "state": "approved"})
    assert [p["id"] for p in _ok(projects)] == [project["id"]]
    assert _ok(api(lead).get("/api/v1/office/projects", {"state": "draft"})) == []
    assert _ok(api(lead).get("/api/v1/office/projects", {"block": "roads"})) == []


@pytest.mark.parametrize("role", ["curator", "executor", "analyst", "auditor", "org_operator"])
def test_who_may_not_create_a_project_and_nothing_is_created(office, role):
    events = AuditEvent.objects.count()
    r = _create(office[role])
    assert (r.status_code, r.json()["detail"]) == (403, PREPARE_DENIED)
    assert (Project.objects.count(), PassportVersion.objects.count()) == (0, 0)
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("role", ["curator", "executor", "analyst", "auditor", "another_lead"])
def test_who_may_not_edit_a_passport_or_a_report_and_nothing_changes(office, make_user, role):
    users = {
        **office,
        "another_lead": make_user(Role.SECTOR_LEAD, sector=Sector.objects.get(code="roads")),
    }
    project = _approved_project(office)
    lead, user = office["sector_lead"], users[role]
    report = _ok(
        api(lead).post(f"/api/v1/office/projects/{project['id']}/reports", {"period": "2026-11"}),
        201,
    )
    version = PassportVersion.objects.get()
    row = ProgressReport.objects.get()
    before = _snapshot(version, row, Project.objects.get())

    r = api(user).patch(
        f"/api/v1/office/passports/{version.pk}", {"passport": {"goal": "Чужая"}}, format="json"
    )
    assert (r.status_code, r.json()["detail"]) == (403, PREPARE_DENIED)
    r = api(user).post(
        f"/api/v1/office/projects/{project['id']}/change-request",
        {"reason": "Чужой запрос", "passport": {"goal": "Чужая"}},
        format="json",
    )
    assert (r.status_code, r.json()["detail"]) == (403, PREPARE_DENIED)
    r = api(user).post(
        f"/api/v1/office/projects/{project['id']}/reports", {"period": "2026-10"}, format="json"
    )
    assert (r.status_code, r.json()["detail"]) == (403, PREPARE_DENIED)
    r = api(user).patch(
        f"/api/v1/office/reports/{report['id']}", {"comment": "Чужой"}, format="json"
    )
    assert (r.status_code, r.json()["detail"]) == (403, PREPARE_DENIED)

    assert _snapshot(version, row, Project.objects.get()) == before
    assert (PassportVersion.objects.count(), ProgressReport.objects.count()) == (1, 1)
    assert row.content["comment"] == "" and version.content["goal"] == PASSPORT["goal"]


@pytest.mark.parametrize("role", ["analyst", "auditor", "curator", "sector_lead"])
def test_who_may_not_enter_a_fact_of_the_curs_indicator(office, role):
    indicator = Indicator.objects.get(code="ЦУР-06")  # the ЦУР's, entered by hand
    events = AuditEvent.objects.count()
    r = api(office[role]).post(
        f"/api/v1/office/indicators/{indicator.pk}/facts",
        {"period": "2026-11", "value": "40", "evidence": "Реестр госпабликов"},
        format="json",
    )
    assert (r.status_code, r.json()["detail"]) == (403, INDICATOR_DENIED)
    assert not IndicatorFact.objects.exists()
    assert AuditEvent.objects.count() == events
    # the head keeps the ЦУР's indicators
    r = api(office["head"]).post(
        f"/api/v1/office/indicators/{indicator.pk}/facts",
        {"period": "2026-11", "value": "40", "evidence": "Реестр госпабликов"},
        format="json",
    )
    assert _ok(r, 201)["value"] == "40"


def test_an_indicator_is_proposed_for_the_block_only_by_its_lead(office, make_user):
    body = {"code": "ЖКХ-Д2", "name": "Доля домов с приборами учёта", "unit": "процент"}
    roads = make_user(Role.SECTOR_LEAD, sector=Sector.objects.get(code="roads"))
    events = AuditEvent.objects.count()
    for user, where in (
        (office["sector_lead"], None),  # the ЦУР's: not the lead's
        (roads, "zhkh"),
        (office["analyst"], "zhkh"),
    ):
        r = api(user).post("/api/v1/office/indicators", {**body, "block": where}, format="json")
        assert (r.status_code, r.json()["detail"]) == (403, INDICATOR_DENIED)
    assert not Indicator.objects.filter(code="ЖКХ-Д2").exists()
    assert AuditEvent.objects.count() == events

    r = api(office["sector_lead"]).post(
        "/api/v1/office/indicators",
        {**body, "block": "zhkh", "base_value": "40", "targets": {"2027": "75"}},
        format="json",
    )
    got = _ok(r, 201)
    assert (got["code"], got["sector"], got["kind"], got["state"], got["base_value"]) == (
        "ЖКХ-Д2",
        "zhkh",
        "additional",
        "proposed",
        "40",
    )
    assert got["targets"] == [{"period": "2027", "value": "75"}]
    assert (got["approval"]["state"], got["approval"]["step_role"]) == ("in_route", "head")
    r = api(office["sector_lead"]).post("/api/v1/office/indicators", body, format="json")
    assert (r.status_code, r.json()["detail"]) == (400, "Показатель с кодом «ЖКХ-Д2» уже есть.")


def test_what_the_org_operator_may_not_see(office):
    project = _approved_project(office)
    lead, operator = office["sector_lead"], api(office["org_operator"])
    report = _ok(
        api(lead).post(f"/api/v1/office/projects/{project['id']}/reports", {"period": "2026-11"}),
        201,
    )
    version = PassportVersion.objects.get()
    rows = (version, ProgressReport.objects.get(), Project.objects.get(), *Approval.objects.all())
    before = _snapshot(*rows)
    indicator = Indicator.objects.get(code="ЖКХ-Д1")
    approval = project["versions"][0]["approval"]["id"]

    for url, message in (
        (f"/api/v1/office/projects/{project['id']}", PROJECT_NOT_FOUND),
        (f"/api/v1/office/passports/{version.pk}", PASSPORT_NOT_FOUND),
        (f"/api/v1/office/reports/{report['id']}", REPORT_NOT_FOUND),
        (f"/api/v1/approvals/{approval}", APPROVAL_NOT_FOUND),
    ):
        r = operator.get(url)
        assert (r.status_code, r.json()["detail"]) == (404, message), url
    for method, url, message in (
        ("patch", f"/api/v1/office/passports/{version.pk}", PASSPORT_NOT_FOUND),
        ("patch", f"/api/v1/office/reports/{report['id']}", REPORT_NOT_FOUND),
        ("post", f"/api/v1/office/projects/{project['id']}/change-request", PROJECT_NOT_FOUND),
        ("post", f"/api/v1/office/projects/{project['id']}/reports", PROJECT_NOT_FOUND),
        ("post", f"/api/v1/office/indicators/{indicator.pk}/facts", "Нет такого показателя."),
        ("post", f"/api/v1/approvals/{approval}/comment", APPROVAL_NOT_FOUND),
    ):
        r = getattr(operator, method)(url, {"text": "x", "reason": "x"}, format="json")
        assert (r.status_code, r.json()["detail"]) == (404, message), url
    for url in ("/api/v1/office/blocks", "/api/v1/office/indicators", "/api/v1/office/projects"):
        r = operator.get(url)
        assert (r.status_code, r.json()["detail"]) == (403, VIEW_DENIED), url
    assert _snapshot(*rows) == before


@pytest.mark.parametrize(
    ("passport", "message"),
    [
        (
            {"control_points": [{"name": "Договор", "date": "01.03.2027"}]},
            "Контрольные точки и мероприятия, строка 1: дата «01.03.2027» — ожидается ГГГГ-ММ-ДД.",
        ),
        (
            {"indicators": [{"code": "ЦУР-01"}, {"code": "ЦУР-02", "base": "шестьдесят"}]},
            "Показатели, строка 2: «шестьдесят» — не число.",
        ),
        (
            {"indicators": [{"code": "ЦУР-01", "targets": {"2027": "много"}}]},
            "Показатели, строка 1: «много» — не число.",
        ),
        ({"indicators": [{"code": "НЕТ-1"}]}, "Нет показателей с кодами: НЕТ-1"),
        ({"problems": [999]}, "Нет региональных проблем с номерами: 999"),
        (
            {"results": [{"value": "5", "date": "2027-01-01"}]},
            "Результаты, строка 1: первая часть строки пустая.",
        ),
        (
            {"results": [{"name": "Сети | 5 км"}]},
            "Результаты, строка 1: «Сети | 5 км» — в значении не может быть ни переноса строки, "
            "ни «|».",
        ),
    ],
)
def test_a_passport_is_refused_in_the_words_of_the_form(office, passport, message):
    events = AuditEvent.objects.count()
    r = _create(office["sector_lead"], passport=passport)
    assert (r.status_code, r.json()["detail"]) == (400, message)
    assert not Project.objects.exists()
    assert AuditEvent.objects.count() == events


def test_other_requests_refused_with_their_message(office):
    lead = office["sector_lead"]
    r = _create(lead, name="  ")
    assert (r.status_code, r.json()["detail"]) == (400, "Укажите наименование проекта.")
    r = _create(lead, block="nowhere")
    assert (r.status_code, r.json()) == (
        400,
        {"block": ["Объект с code=nowhere не существует."]},
    )
    r = _create(lead, passport={"tasks": "Одной строкой"})
    assert (r.status_code, list(r.json())) == (400, ["passport"])
    project = _ok(_create(lead), 201)
    r = api(lead).post(
        f"/api/v1/office/projects/{project['id']}/reports", {"period": "2026-11"}, format="json"
    )
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Отчёт готовится по проекту с утверждённым паспортом.",
    )
    r = api(lead).post(
        f"/api/v1/office/projects/{project['id']}/change-request",
        {"reason": "Рано", "passport": {"goal": "Другая"}},
        format="json",
    )
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Версия 1 ещё не утверждена: измените её, новую версию открывать рано.",
    )
    r = api(lead).get("/api/v1/office/indicators", {"period": "2026-13"})
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Период «2026-13»: ожидается «2026-11», «2026-Q4» или «2026».",
    )
    assert api(lead).get("/api/v1/office/projects", {"state": "lost"}).status_code == 400
    computed = Indicator.objects.get(code="ЦУР-01")
    r = api(office["head"]).post(
        f"/api/v1/office/indicators/{computed.pk}/facts",
        {"period": "2026-11", "value": "1", "evidence": "x"},
        format="json",
    )
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Значение этого показателя рассчитывается по данным платформы.",
    )
    r = api(lead).post(
        f"/api/v1/office/indicators/{Indicator.objects.get(code='ЖКХ-Д1').pk}/facts",
        {"period": "2026-11", "value": "1", "evidence": " "},
        format="json",
    )
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Укажите подтверждение значения (документ, ссылку, источник).",
    )
    assert not IndicatorFact.objects.exists()


def test_the_office_is_in_the_openapi_schema(personas):
    schema = api(personas["analyst"]).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert sorted(p for p in paths if p.startswith("/api/v1/office")) == [
        "/api/v1/office/assessments",
        "/api/v1/office/assessments/{period}",
        "/api/v1/office/assessments/{period}/publish",
        "/api/v1/office/block-reports/{id}",
        "/api/v1/office/block-reports/{id}/submit",
        "/api/v1/office/blocks",
        "/api/v1/office/blocks/{code}",
        "/api/v1/office/blocks/{code}/reports",
        "/api/v1/office/groups",
        "/api/v1/office/groups/{id}",
        "/api/v1/office/groups/{id}/change-request",
        "/api/v1/office/indicators",
        "/api/v1/office/indicators/{id}/facts",
        "/api/v1/office/passports/{id}",
        "/api/v1/office/plans",
        "/api/v1/office/plans/{id}",
        "/api/v1/office/programmes",
        "/api/v1/office/projects",
        "/api/v1/office/projects/{id}",
        "/api/v1/office/projects/{id}/change-request",
        "/api/v1/office/projects/{id}/reports",
        "/api/v1/office/questions",
        "/api/v1/office/questions/{id}",
        "/api/v1/office/questions/{id}/decide",
        "/api/v1/office/reports/{id}",
        "/api/v1/office/reports/{id}/question",
        "/api/v1/office/risks",
        "/api/v1/office/risks/{id}",
        "/api/v1/office/risks/{id}/question",
        "/api/v1/office/risks/{id}/status",
        "/api/v1/office/roadmap",
        "/api/v1/office/roadmap/{id}",
        "/api/v1/office/roadmap/{id}/done",
        "/api/v1/office/roadmap/{id}/status",
        "/api/v1/office/tasks",
        "/api/v1/office/tasks/{id}/done",
    ]
    operations = [op for path in paths.values() for op in path.values() if "office" in op["tags"]]
    # 14 of the projects' documents, 23 of the working documents (risks 6, questions 4, tasks
    # 2, groups 4, plans 3, assessment 4), 7 of the roadmap and the programmes (programmes
    # list; roadmap list and create; item read and change; status; done), 5 of the blocks'
    # reports (list and create; read and change; submit)
    assert len(operations) == 49 and all(op["summary"] for op in operations)
    create = paths["/api/v1/office/projects"]["post"]
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ProjectDetail"
    }
    passport = schema["components"]["schemas"]["PassportRequest"]["properties"]
    assert list(passport) == [
        "goal",
        "tasks",
        "timing",
        "leader",
        "administrator",
        "participants",
        "indicators",
        "results",
        "control_points",
        "financing",
        "risks",
        "national",
        "problems",
    ]
