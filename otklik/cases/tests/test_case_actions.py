"""What a user may do to a case (``case_actions``): computed once from the transitions and the
permission matrix; the case page offers those forms and the API's case detail lists them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from otklik.cases.selectors import CASE_VERBS, case_actions
from otklik.cases.services.answers import answer_submit
from otklik.cases.services.lifecycle import case_accept

ANSWER = "Бригада восстановила горячее водоснабжение 27.11, давление в норме, проверено."


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def cases(personas, volzhsky_rule, make_case):
    analyst, operator = personas["analyst"], personas["org_operator"]
    new = make_case()
    assigned = case_accept(case=make_case(), actor=analyst)
    in_review = case_accept(case=make_case(), actor=analyst)
    answer_submit(case=in_review, actor=operator, text=ANSWER)
    in_review.refresh_from_db()
    return {"new": new, "assigned": assigned, "in_review": in_review}


@pytest.mark.parametrize(
    ("role", "key", "verbs"),
    [
        ("analyst", "new", ["accept", "reject", "assign", "merge"]),
        ("auditor", "new", []),
        ("org_operator", "assigned", ["take", "answer", "redirect", "request-info"]),
        (
            "analyst",
            "assigned",
            ["assign", "take", "answer", "merge", "redirect", "request-info"],
        ),
        ("analyst", "in_review", ["approve", "return"]),
        ("curator", "in_review", ["approve", "return"]),
        ("org_operator", "in_review", []),
        ("auditor", "in_review", []),
    ],
)
def test_the_api_detail_lists_the_actions_of_the_user(personas, cases, role, key, verbs):
    case = cases[key]

    detail = api_for(personas[role]).get(f"/api/v1/cases/{case.number}").json()

    assert detail["actions"] == [{"verb": v, "label": CASE_VERBS[v]} for v in verbs]
    allowed = case_actions(user=personas[role], case=case)
    assert [a.verb for a in allowed.actions] == verbs


def test_a_verb_answers_with_the_actions_that_remain(personas, cases):
    case = cases["assigned"]

    r = api_for(personas["org_operator"]).post(f"/api/v1/cases/{case.number}/take")

    assert r.status_code == 200
    assert [a["verb"] for a in r.json()["actions"]] == [
        "answer",
        "redirect",
        "request-info",
    ]


@pytest.mark.parametrize(
    ("role", "key"),
    [("analyst", "new"), ("org_operator", "assigned"), ("analyst", "assigned")],
)
def test_the_page_offers_the_forms_of_the_same_verbs(client, personas, cases, role, key):
    case = cases[key]
    client.force_login(personas[role])

    page = client.get(reverse("cases:detail", args=[case.number]))
    api = api_for(personas[role]).get(f"/api/v1/cases/{case.number}").json()

    offered = {name for name, form in page.context["forms"].items() if form is not None}
    assert offered == {a["verb"].replace("-", "_") for a in api["actions"]}


def test_the_schema_describes_the_actions(personas, region):
    schema = api_for(personas["analyst"]).get("/api/schema/", {"format": "json"}).json()

    detail = schema["components"]["schemas"]["CaseDetail"]
    assert detail["properties"]["actions"]["items"] == {"$ref": "#/components/schemas/CaseAction"}
    assert "actions" in detail["required"]
    action = schema["components"]["schemas"]["CaseAction"]
    assert set(action["properties"]) == {"verb", "label"}
