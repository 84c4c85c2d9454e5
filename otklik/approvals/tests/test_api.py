"""The route over the API, on a document kind of the test's own (the real kinds belong to the
apps above): what waits at my step, an approval with its route and its sheet, one endpoint per
verb; a refusal of rights is a 403 with its message and changes nothing, a broken rule a 400,
and what a role may not see is a 404."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from conftest import PASSWORD
from otklik.approvals.choices import ApprovalState
from otklik.approvals.models import Approval
from otklik.approvals.registry import DocumentKind, kind_register
from otklik.approvals.services import approval_open, routes_load
from otklik.audit.models import AuditEvent
from otklik.core.permissions import ACTION_LABELS, Action
from otklik.core.roles import Role
from otklik.directory.models import Sector

VLG = ZoneInfo("Europe/Volgograd")

kind_register(
    DocumentKind(
        code="api_doc",
        label="документ API",
        view_action=Action.OFFICE_VIEW,
        prepare_action=Action.OFFICE_PREPARE,
        url=lambda a: f"/docs/{a.target_id}/",
    )
)

ROUTE = """
version = "t"
[[route]]
kind = "api_doc"
steps = [
  { verb = "agree", role = "head", label = "Согласование руководителем", days = 3 },
  { verb = "approve", role = "curator", label = "Утверждение куратором", days = 2 },
]
"""
AGREE_DENIED = (
    "Недостаточно прав: «Согласование документов проектного офиса (или возврат на доработку)»."
)


@pytest.fixture
def route(tmp_path, region, monkeypatch):
    path = tmp_path / "routes.toml"
    path.write_text(ROUTE, "utf-8")
    routes_load(path=path)
    # Friday 04.12.2026: a step of 3 working days is due on Wednesday 09.12
    now = dt.datetime(2026, 12, 4, 10, tzinfo=VLG)
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _draft(actor, sector: str = "zhkh") -> Approval:
    with transaction.atomic():
        return approval_open(
            actor=actor,
            kind="api_doc",
            target_id=7,
            title="Паспорт «Тёплый дом»",
            sector=Sector.objects.get(code=sector),
        )


def _post(user, approval: Approval, verb: str, text: str | None = None, **more):
    body = ({} if text is None else {"text": text}) | more
    return api(user).post(f"/api/v1/approvals/{approval.pk}/{verb}", body, format="json")


def _audit(approval: Approval) -> list[str]:
    rows = AuditEvent.objects.filter(target_type="approvals.approval", target_id=str(approval.pk))
    return list(rows.order_by("pk").values_list("action", flat=True))


def _snapshot(approval: Approval) -> tuple:
    """The approval as stored, its sheet's length and the audit's: a refusal changes none."""
    approval.refresh_from_db()
    state = (approval.state, approval.step, approval.step_due, approval.updated_at)
    return (*state, approval.events.count(), AuditEvent.objects.count())


def test_the_whole_route_over_the_api(route, personas):
    lead, head, curator = personas["sector_lead"], personas["head"], personas["curator"]
    approval = _draft(lead)

    r = api(lead).get(f"/api/v1/approvals/{approval.pk}")
    assert r.status_code == 200, r.content
    got = r.json()
    assert (got["kind"], got["kind_label"], got["state"], got["step"]) == (
        "api_doc",
        "документ API",
        "draft",
        None,
    )
    assert (got["sector"], got["author"], got["document"]) == ("zhkh", str(lead), "/docs/7/")
    assert got["actions"] == ["submit", "comment"]
    assert got["route"] == []  # the route is taken when the document is sent on it

    r = _post(lead, approval, "submit", "Прошу согласовать")
    assert r.status_code == 200, r.content
    got = r.json()
    assert (got["state"], got["step"], got["step_role"], got["step_verb"]) == (
        "in_route",
        1,
        "head",
        "agree",
    )
    assert (got["step_label"], got["step_due"]) == ("Согласование руководителем", "2026-12-09")
    assert got["route"] == [
        {
            "order": 1,
            "verb": "agree",
            "role": "head",
            "label": "Согласование руководителем",
            "days": 3,
        },
        {
            "order": 2,
            "verb": "approve",
            "role": "curator",
            "label": "Утверждение куратором",
            "days": 2,
        },
    ]
    assert got["actions"] == ["comment"]

    inbox = api(head).get("/api/v1/approvals/inbox")
    assert inbox.status_code == 200
    assert [(a["id"], a["title"], a["step_due"]) for a in inbox.json()] == [
        (approval.pk, "Паспорт «Тёплый дом»", "2026-12-09")
    ]
    assert api(curator).get("/api/v1/approvals/inbox").json() == []
    assert api(head).get(f"/api/v1/approvals/{approval.pk}").json()["actions"] == [
        "agree",
        "return",
        "comment",
    ]

    # a return needs its reason: refused in the service's words, nothing changes
    before = _snapshot(approval)
    r = _post(head, approval, "return", "  ")
    assert (r.status_code, r.json()["detail"]) == (400, "Укажите, что нужно доработать.")
    assert _snapshot(approval) == before
    r = _post(head, approval, "return")
    assert (r.status_code, r.json()) == (400, {"text": ["Обязательное поле."]})
    # the step agrees: approving at it is refused
    r = _post(head, approval, "approve")
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "На этом шаге — «Согласование» или возврат на доработку.",
    )
    assert _snapshot(approval) == before

    r = _post(head, approval, "return", "Нет базового значения")
    assert r.status_code == 200, r.content
    assert (r.json()["state"], r.json()["step"]) == ("returned", None)
    assert api(head).get("/api/v1/approvals/inbox").json() == []
    r = _post(head, approval, "comment", "Сроки проверьте тоже")
    assert r.status_code == 200, r.content
    r = _post(lead, approval, "submit", "Исправлено")
    assert r.json()["state"] == "in_route"
    r = _post(head, approval, "agree")
    assert r.status_code == 200, r.content
    assert (r.json()["step"], r.json()["step_role"], r.json()["step_due"]) == (
        2,
        "curator",
        "2026-12-08",  # 2 working days from Friday 04.12
    )
    assert [a["id"] for a in api(curator).get("/api/v1/approvals/inbox").json()] == [approval.pk]
    # approving signs: refused without the approver's password, and with a wrong one
    r = _post(curator, approval, "approve", "Утверждаю")
    assert (r.status_code, r.json()["detail"]) == (400, "Для подписи введите свой пароль.")
    r = _post(curator, approval, "approve", "Утверждаю", password="not-it")
    assert (r.status_code, r.json()["detail"]) == (400, "Пароль не подходит: документ не подписан.")
    assert _snapshot(approval)[0] == "in_route"
    r = _post(curator, approval, "approve", "Утверждаю", password=PASSWORD)
    assert r.status_code == 200, r.content
    got = r.json()
    assert (got["state"], got["approved_by"], got["step"], got["actions"]) == (
        "approved",
        str(curator),
        None,
        [],
    )
    assert [(e["decision"], e["actor_id"], e["role"], e["text"]) for e in got["sheet"]] == [
        ("open", lead.pk, "sector_lead", ""),
        ("submit", lead.pk, "sector_lead", "Прошу согласовать"),
        ("return", head.pk, "head", "Нет базового значения"),
        ("comment", head.pk, "head", "Сроки проверьте тоже"),
        ("submit", lead.pk, "sector_lead", "Исправлено"),
        ("agree", head.pk, "head", ""),
        ("approve", curator.pk, "curator", "Утверждаю"),
    ]
    assert [e["step_label"] for e in got["sheet"]][-2:] == [
        "Согласование руководителем",
        "Утверждение куратором",
    ]
    assert _audit(approval) == [
        "approval.submit",
        "approval.return",
        "approval.comment",
        "approval.submit",
        "approval.agree",
        "approval.approve",
    ]

    # frozen
    r = _post(curator, approval, "return", "Передумал")
    assert (r.status_code, r.json()["detail"]) == (400, "Документ не на согласовании (утверждён).")
    r = _post(lead, approval, "comment", "Ещё")
    assert (r.status_code, r.json()["detail"]) == (
        400,
        "Документ утверждён: замечания к нему не принимаются.",
    )


@pytest.mark.parametrize(
    ("role", "verb"),
    [
        ("curator", "agree"),
        ("executor", "agree"),
        ("sector_lead", "agree"),
        ("analyst", "agree"),
        ("auditor", "agree"),
        ("curator", "return"),
        ("sector_lead", "return"),
    ],
)
def test_only_the_steps_role_decides_and_a_refusal_changes_nothing(route, personas, role, verb):
    approval = _draft(personas["sector_lead"])
    assert _post(personas["sector_lead"], approval, "submit").status_code == 200
    approval.refresh_from_db()
    before = _snapshot(approval)

    r = _post(personas[role], approval, verb, "Не согласен")
    assert (r.status_code, r.json()["detail"]) == (403, AGREE_DENIED)
    assert _snapshot(approval) == before
    assert (approval.state, approval.step_role) == (ApprovalState.IN_ROUTE, Role.HEAD)


@pytest.mark.parametrize("role", ["analyst", "auditor", "executor"])
def test_a_comment_is_for_those_who_take_part(route, personas, role):
    approval = _draft(personas["sector_lead"])
    before = _snapshot(approval)
    r = _post(personas[role], approval, "comment", "Мнение")
    assert (r.status_code, r.json()["detail"]) == (
        403,
        "Замечания пишут участники согласования этого документа.",
    )
    assert _snapshot(approval) == before


def test_another_blocks_lead_may_see_but_not_submit(route, personas, make_user):
    roads = make_user(Role.SECTOR_LEAD, sector=Sector.objects.get(code="roads"))
    approval = _draft(personas["sector_lead"])
    before = _snapshot(approval)

    r = api(roads).get(f"/api/v1/approvals/{approval.pk}")
    assert (r.status_code, r.json()["actions"]) == (200, [])
    r = _post(roads, approval, "submit")
    assert (r.status_code, r.json()["detail"], r.json()["code"]) == (
        403,
        f"Недостаточно прав: «{ACTION_LABELS[Action.OFFICE_PREPARE]}».",
        "AccessDenied",
    )
    assert _snapshot(approval) == before


@pytest.mark.parametrize("role", ["org_operator", "municipal_coordinator"])
def test_what_a_role_may_not_see_is_not_found(route, personas, role):
    lead = personas["sector_lead"]
    approval = _draft(lead)
    assert _post(lead, approval, "submit").status_code == 200
    approval.refresh_from_db()
    before = _snapshot(approval)
    user = personas[role]

    r = api(user).get(f"/api/v1/approvals/{approval.pk}")
    assert (r.status_code, r.json()["detail"]) == (
        404,
        "Нет такого документа на согласовании или он вне вашей зоны.",
    )
    for verb in ("submit", "agree", "approve", "return", "comment"):
        assert _post(user, approval, verb, "x").status_code == 404, verb
    assert api(user).get("/api/v1/approvals/inbox").json() == []
    assert _snapshot(approval) == before
    assert api(lead).get("/api/v1/approvals/999999").status_code == 404


def test_the_route_is_in_the_openapi_schema(personas):
    schema = api(personas["analyst"]).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert sorted(p for p in paths if p.startswith("/api/v1/approvals")) == [
        "/api/v1/approvals/inbox",
        "/api/v1/approvals/{id}",
        "/api/v1/approvals/{id}/agree",
        "/api/v1/approvals/{id}/approve",
        "/api/v1/approvals/{id}/comment",
        "/api/v1/approvals/{id}/return",
        "/api/v1/approvals/{id}/submit",
    ]
    returned = paths["/api/v1/approvals/{id}/return"]["post"]
    assert returned["summary"] == "Вернуть на доработку (с причиной)"
    assert returned["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ApprovalDetail"
    }
    assert schema["components"]["schemas"]["ReturnInRequest"]["required"] == ["text"]
