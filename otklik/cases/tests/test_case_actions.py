"""What a user may do to a case (``case_actions``): computed once from the transitions and the
permission matrix; the case page offers those forms and the API's case detail lists them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from otklik.cases.selectors import CASE_VERBS, case_actions, case_get
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


def test_a_reader_who_may_not_act_costs_no_read(personas, cases, django_assert_num_queries):
    auditor = personas["auditor"]
    case = case_get(user=auditor, pk=cases["in_review"].number)

    with django_assert_num_queries(0):  # no pending request, limit or answer read for nothing
        assert case_actions(user=auditor, case=case).actions == ()


def test_the_api_detail_reads_no_more_for_a_longer_history(personas, cases):
    """The answers, events and messages are read once each, not once per row: a case with an
    answer and two more events costs the same statements as a fresh one."""
    api = api_for(personas["auditor"])

    def statements(case) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(f"/api/v1/cases/{case.number}").status_code == 200
        return len(queries)

    fresh, reviewed = cases["new"], cases["in_review"]
    statements(fresh)  # the reference rows are read once into the cache
    assert reviewed.events.count() >= fresh.events.count() + 2
    assert reviewed.answers.count() == 1
    assert statements(reviewed) == statements(fresh)


def test_an_operator_of_the_zone_is_not_looked_up_again(personas, cases, django_assert_num_queries):
    """``case_get`` read the case through the operator's own zone; the actions of the zone need
    no second look (only the pending requests, here none, and the extension limit are read)."""
    operator = personas["org_operator"]
    case = case_get(user=operator, pk=cases["assigned"].number)

    # the extension limit's policy comes from the process's book of policies: one read of the
    # reference version (outside a request; within one it is read once for the whole request)
    with django_assert_num_queries(1):
        verbs = [a.verb for a in case_actions(user=operator, case=case).actions]

    assert verbs == ["take", "answer", "redirect", "request-info"]
