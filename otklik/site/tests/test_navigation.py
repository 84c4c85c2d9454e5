"""The main menu per role: its items and the quarantine count beside «Карантин»."""

from __future__ import annotations

import pytest

from otklik.intake.services import delivery_receive
from otklik.site.navigation import menu_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("curator", ["Инциденты", "Карантин (2)", "Маршрутизация"]),
        ("analyst", ["Инциденты", "Карантин (2)", "Маршрутизация"]),
        ("auditor", ["Инциденты", "Карантин (2)", "Маршрутизация"]),
        ("sector_lead", ["Инциденты", "Маршрутизация"]),
        ("org_operator", ["Инциденты", "Маршрутизация"]),
        ("municipal_coordinator", ["Инциденты", "Маршрутизация"]),
    ],
)
def test_menu_has_cases_items_and_the_quarantine_count(personas, role, expected):
    # given two deliveries in the quarantine
    delivery_receive(source="тест", body='{"channel": "web", "external_id": "q-1"}')
    delivery_receive(source="тест", body='{"channel": "nope", "external_id": "q-2", "text": "x"}')

    labels = [i["label"] for i in menu_for(personas[role])]

    assert [
        label for label in labels if label.split()[0] in {"Инциденты", "Карантин", "Маршрутизация"}
    ] == expected


def test_only_the_deepest_menu_item_is_active(personas):
    items = menu_for(personas["curator"], current_path="/messages/quarantine/")

    assert [i["name"] for i in items if i["active"]] == ["Карантин"]
    routing = menu_for(personas["curator"], current_path="/cases/routing/")
    assert [i["name"] for i in routing if i["active"]] == ["Маршрутизация"]


@pytest.mark.parametrize(
    ("role", "asks"),
    [
        ("curator", True),
        ("head", True),
        ("executor", False),
        ("analyst", False),
        ("auditor", False),
        ("sector_lead", False),
    ],
)
def test_only_a_role_that_can_stand_at_a_step_counts_its_approvals(personas, role, asks):
    # a route step's role holds approval.agree or approval.approve (checked on loading the
    # routes); the others never have anything waiting, so their every page skips the query
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        menu_for(personas[role])

    touched = any("approvals_approval" in q["sql"] for q in queries.captured_queries)
    assert touched is asks
