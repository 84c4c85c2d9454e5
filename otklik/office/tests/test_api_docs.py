"""Working groups, consolidated plans and the assessment over the API, per role: the block's
lead proposes a group and changes its approved composition, the head assembles the plans and
computes and publishes the assessment; each document names its approval (its verbs are the
approvals API's), a refusal is a 403 with the action's label and changes nothing, and every
answer has the shape the schema documents. Then the query counts of the lists that read the
passports in force: they do not grow with the number of projects."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import PASSWORD
from otklik.approvals.choices import Decision
from otklik.approvals.services import approval_decide, approval_submit
from otklik.core.permissions import ACTION_LABELS, Action
from otklik.core.tests.api_schema import conforms
from otklik.directory.models import Sector
from otklik.office import services
from otklik.office.models import Assessment, ConsolidatedPlan, Group, GroupVersion
from otklik.office.services_plans import plan_items
from otklik.office.tests.shared import Unchanged
from otklik.office.tests.test_api import api
from otklik.office.tests.test_plans import two_blocks  # noqa: F401 — the fixture
from otklik.office.tests.test_projects import office  # noqa: F401 — the fixture

OTHERS = ["curator", "executor", "analyst", "auditor", "org_operator", "municipal_coordinator"]


def denied(action: Action) -> str:
    return f"Недостаточно прав: «{ACTION_LABELS[action]}»."


def _ok(response, status: int, template: str, method: str = "GET"):
    assert response.status_code == status, response.content.decode()
    conforms(response, template, method)
    return response.json()


def _refused(response, status: int, detail: str) -> None:
    assert (response.status_code, response.json()["detail"]) == (status, detail)


def _only_the_head(o, url: str, body: dict, action: Action) -> None:
    """Every role but the head is refused POST ``url``, and nothing is written."""
    unchanged = Unchanged(Assessment, ConsolidatedPlan)
    for role in ["sector_lead", *OTHERS]:
        _refused(api(o[role]).post(url, body, format="json"), 403, denied(action))
    unchanged.check()


def _verb(user, approval: dict, verb: str) -> dict:
    body = {"text": "", "password": PASSWORD}  # approving signs with the password
    r = api(user).post(f"{approval['url']}/{verb}", body, format="json")
    assert r.status_code == 200, r.content.decode()
    return r.json()


# --------------------------------------------------------------------------- groups
CHAIR = {"role": "chair", "user": "sector_lead", "position": "начальник отдела"}
EXPERT = {
    "role": "member",
    "name": "Сидорова Анна Павловна",
    "position": "доцент",
    "organisation": "ВолгГТУ",
}
SECRETARY = {"role": "secretary", "name": "Ким Олег", "organisation": "МУП «Водоканал»"}
GROUP = {
    "block": "zhkh",
    "kind": "working",
    "name": "Штаб отопительного сезона",
    "purpose": "Подключение тепла в домах до 15 октября",
    "members": [EXPERT, CHAIR, SECRETARY],
}


def test_a_group_proposed_approved_and_its_composition_changed(office):  # noqa: F811
    o = office
    lead = o["sector_lead"]
    unchanged = Unchanged(Group, GroupVersion)
    for role in OTHERS:
        r = api(o[role]).post("/api/v1/office/groups", GROUP, format="json")
        _refused(r, 403, denied(Action.OFFICE_PREPARE))
    # a block's lead proposes for its own block only (the group is rolled back)
    r = api(lead).post("/api/v1/office/groups", {**GROUP, "block": "roads"}, format="json")
    _refused(r, 403, denied(Action.OFFICE_PREPARE))
    unchanged.check()

    r = api(lead).post("/api/v1/office/groups", GROUP, format="json")
    group = _ok(r, 201, "/api/v1/office/groups", "POST")
    assert (group["block"], group["kind"], group["in_force"]) == ("zhkh", "working", None)
    [v1] = group["versions"]
    # the chair, the secretary, then the members by name; the lead's name from its account
    assert [(m["role"], m["user"], m["name"]) for m in v1["members"]] == [
        ("chair", "sector_lead", "Ответственный Тест"),
        ("secretary", None, "Ким Олег"),
        ("member", None, "Сидорова Анна Павловна"),
    ]
    approval = v1["approval"]
    assert (approval["kind"], approval["state"], approval["url"]) == (
        "group",
        "draft",
        f"/api/v1/approvals/{approval['id']}",
    )
    _verb(lead, approval, "submit")
    _verb(o["head"], approval, "agree")
    assert _verb(o["curator"], approval, "approve")["state"] == "approved"

    url = f"/api/v1/office/groups/{group['id']}"
    assert _ok(api(o["auditor"]).get(url), 200, "/api/v1/office/groups/{id}")["in_force"] == 1
    listed = _ok(api(o["analyst"]).get("/api/v1/office/groups"), 200, "/api/v1/office/groups")
    assert [g["id"] for g in listed] == [group["id"]]
    assert api(o["analyst"]).get("/api/v1/office/groups", {"block": "roads"}).json() == []
    _refused(api(o["org_operator"]).get(url), 403, denied(Action.OFFICE_VIEW))

    # the change of the approved composition: version 2, its diff, the approved one in force
    newcomer = {"role": "member", "name": "Белов Иван", "organisation": "Комитет ЖКХ"}
    change = {"reason": "Входит представитель комитета", "members": [*GROUP["members"], newcomer]}
    unchanged = Unchanged(GroupVersion)
    for role in OTHERS:
        r = api(o[role]).post(f"{url}/change-request", change, format="json")
        # the organisation and the municipality do not see the office at all
        detail = denied(Action.OFFICE_VIEW if role in OTHERS[-2:] else Action.OFFICE_PREPARE)
        _refused(r, 403, detail)
    unchanged.check()
    r = api(lead).post(f"{url}/change-request", change, format="json")
    changed = _ok(r, 201, "/api/v1/office/groups/{id}/change-request", "POST")
    v2 = changed["versions"][1]
    assert (changed["in_force"], v2["number"], v2["reason"], v2["approval"]["state"]) == (
        1,
        2,
        "Входит представитель комитета",
        "draft",
    )
    assert [d for d in v2["diff"] if d["sign"] != " "] == [
        {"sign": "+", "text": "Член: Белов Иван, Комитет ЖКХ"}
    ]


# --------------------------------------------------------------------------- plans
def test_plans_assembled_by_the_head_with_their_items_route_and_print(two_blocks):  # noqa: F811
    o = two_blocks
    _only_the_head(o, "/api/v1/office/plans", {"period": "2027"}, Action.PLAN_PREPARE)
    r = api(o["head"]).post("/api/v1/office/plans", {"period": "27"}, format="json")
    assert r.status_code == 400 and list(r.json()) == ["period"]

    r = api(o["head"]).post("/api/v1/office/plans", {"period": "2027"}, format="json")
    whole = _ok(r, 201, "/api/v1/office/plans", "POST")
    # two_blocks: ДОР-01 15.03.2027, ЖКХ-01 30.09.2027 (its 20.11.2026 is outside), the draft
    # project's point never
    assert [(i["project"], i["date"], i["name"]) for i in whole["items"]] == [
        ("ДОР-01", "2027-03-15", "Контракты заключены"),
        ("ЖКХ-01", "2027-09-30", "Сети заменены"),
    ]
    assert (whole["block"], whole["number"], whole["approval"]["state"]) == (None, 1, "draft")
    assert whole["print"] == {
        "pdf": f"/office/plan/{whole['id']}/print.pdf",
        "docx": f"/office/plan/{whole['id']}/print.docx",
    }
    block = api(o["head"]).post(
        "/api/v1/office/plans", {"block": "zhkh", "period": "2027"}, format="json"
    )
    block = _ok(block, 201, "/api/v1/office/plans", "POST")
    assert [(i["project"], i["name"]) for i in block["items"]] == [("ЖКХ-01", "Сети заменены")]

    plans = _ok(api(o["auditor"]).get("/api/v1/office/plans"), 200, "/api/v1/office/plans")
    assert sorted((p["block"] or "", p["approval"]["id"]) for p in plans) == sorted(
        [("", whole["approval"]["id"]), ("zhkh", block["approval"]["id"])]
    )
    url = f"/api/v1/office/plans/{whole['id']}"
    assert _ok(api(o["sector_lead"]).get(url), 200, "/api/v1/office/plans/{id}") == whole
    _refused(api(o["org_operator"]).get(url), 403, denied(Action.OFFICE_VIEW))
    client = Client()
    client.force_login(o["head"])
    printed = client.get(whole["print"]["docx"])
    assert (printed.status_code, printed["Content-Disposition"]) == (
        200,
        f'attachment; filename="plan-{whole["id"]}.docx"',
    )


# --------------------------------------------------------------------------- assessment
def test_the_assessment_computed_and_published_by_the_head_only(office):  # noqa: F811
    o = office
    url = "/api/v1/office/assessments"
    _only_the_head(o, url, {"period": "2026-11"}, Action.ASSESSMENT_PUBLISH)

    r = api(o["head"]).post("/api/v1/office/assessments", {"period": "2026-11"}, format="json")
    computed = _ok(r, 200, "/api/v1/office/assessments", "POST")
    assert (computed["period"], computed["period_label"], computed["published"]) == (
        "2026-11",
        "ноябрь 2026",
        False,
    )
    assert computed["weights"] == {"indicators": 40, "reports": 30, "answers": 30}
    # no targets, no reports and no cases in November: the block has no score and no rank
    zhkh = next(row for row in computed["rows"] if row["sector"] == "zhkh")
    assert (zhkh["score"], zhkh["rank"], zhkh["reasons"]) == (
        None,
        None,
        [
            "Показатели блока выполнены: нет показателей с планом и фактом",
            "Отчёты представлены в срок: отчётов за период нет",
            "Ответы заявителям в срок: ответов в периоде нет",
        ],
    )

    url = "/api/v1/office/assessments/2026-11"
    assert _ok(api(o["auditor"]).get(url), 200, "/api/v1/office/assessments/{period}") == computed
    _refused(api(o["org_operator"]).get(url), 403, denied(Action.OFFICE_VIEW))
    assert api(o["head"]).get("/api/v1/office/assessments/2026-10").status_code == 404

    for role in ["sector_lead", "curator", "auditor"]:
        _refused(api(o[role]).post(f"{url}/publish"), 403, denied(Action.ASSESSMENT_PUBLISH))
    assert not Assessment.objects.get().is_published
    published = _ok(
        api(o["head"]).post(f"{url}/publish"),
        200,
        "/api/v1/office/assessments/{period}/publish",
        "POST",
    )
    assert (published["published"], published["published_by"]["username"]) == (True, "head")
    assert published["rows"] == computed["rows"]

    # published: never changes
    unchanged = Unchanged(Assessment)
    before = Assessment.objects.get().computed_at
    r = api(o["head"]).post("/api/v1/office/assessments", {"period": "2026-11"}, format="json")
    _refused(r, 400, "Оценка за ноябрь 2026 опубликована и не меняется.")
    _refused(api(o["head"]).post(f"{url}/publish"), 400, "Оценка уже опубликована.")
    unchanged.check()
    assert Assessment.objects.get().computed_at == before
    listed = api(o["analyst"]).get("/api/v1/office/assessments")
    assert [a["period"] for a in _ok(listed, 200, "/api/v1/office/assessments")] == ["2026-11"]


# --------------------------------------------------------------------------- query counts
def _approved(o, n: int) -> None:
    """``n`` more ЖКХ projects by the head, each approved, each with a point on 01.06.2027."""
    zhkh = Sector.objects.get(code="zhkh")
    for _ in range(n):
        project = services.project_create(
            actor=o["head"],
            sector=zhkh,
            name="Проект",
            texts={"control_points": "Точка | 01.06.2027 | Комитет ЖКХ"},
        )
        approval = services.passport_approval(project.versions.get())
        approval = approval_submit(actor=o["head"], approval=approval)
        approval = approval_decide(actor=o["head"], approval=approval, decision=Decision.AGREE)
        approval_decide(
            actor=o["curator"],
            approval=approval,
            decision=Decision.APPROVE,
            confirmation="password",
        )


def _queries(call) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return len(queries), result


def test_the_passports_in_force_are_read_in_one_query_for_the_list(office):  # noqa: F811
    o = office
    client = api(o["head"])
    _approved(o, 2)
    small, listed = _queries(lambda: client.get("/api/v1/office/projects").json())
    few, items = _queries(lambda: plan_items(sector=None, period="2027"))
    assert ([p["passport_in_force"]["number"] for p in listed], len(items)) == ([1, 1], 2)
    _approved(o, 4)
    large, listed = _queries(lambda: client.get("/api/v1/office/projects").json())
    many, items = _queries(lambda: plan_items(sector=None, period="2027"))
    assert ([p["passport_in_force"]["number"] for p in listed], len(items)) == ([1] * 6, 6)
    assert (large, many) == (small, few)
    assert many == 2  # the projects, then their versions in force
