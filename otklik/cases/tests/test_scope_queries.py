"""An organisation's operator sees its cases, its subordinate bodies' cases and the cases it
co-executes, whether those ids are written into the query as a list or stay a subquery."""

from __future__ import annotations

import pytest

from otklik.cases.selectors import CaseFilters, case_list
from otklik.cases.services.lifecycle import case_accept, case_assign
from otklik.core import permissions
from otklik.core.permissions import Action, can
from otklik.directory.models import Organization


def org(code: str) -> Organization:
    return Organization.objects.get(code=code)


@pytest.fixture
def oblast_cases(personas, make_case):
    curator = personas["curator"]
    own = case_accept(case=make_case(), actor=curator, organization=org("adm-oblast"))
    child = case_accept(case=make_case(), actor=curator, organization=org("kom-zhkh"))
    co = case_assign(
        case=make_case(),
        actor=curator,
        organization=org("adm-18410"),
        co_executors=[org("adm-oblast")],
    )
    other = case_accept(case=make_case(), actor=curator, organization=org("adm-18401"))
    return {"own": own, "child": child, "co": co, "other": other}


@pytest.mark.parametrize("id_list_max", [1000, 0], ids=["ids-as-list", "ids-as-subquery"])
def test_operator_sees_own_subordinate_and_co_executed_cases(
    make_user, oblast_cases, monkeypatch, id_list_max
):
    monkeypatch.setattr(permissions, "ID_LIST_MAX", id_list_max)
    operator = make_user("org_operator", organization=org("adm-oblast"))

    seen = {c.number for c in case_list(user=operator, filters=CaseFilters(queue="all"))}
    mine = {c.number for c in case_list(user=operator, filters=CaseFilters(queue="mine"))}

    cases = oblast_cases
    assert seen == {cases[k].number for k in ("own", "child", "co")}
    assert mine == {cases[k].number for k in ("own", "co")}
    assert [can(operator, Action.CASE_VIEW, cases[k]) for k in ("own", "child", "co", "other")] == [
        True,
        True,
        True,
        False,
    ]
