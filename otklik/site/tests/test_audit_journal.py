"""The audit log reads like a journal for an inspector: Russian action names, the case number
with a link, before → after values, filters by user, object and case number, and an export.
(Here, in the composition root's tests: it reads the events of every app.)"""

from __future__ import annotations

import ast
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

import otklik
from otklik.analytics.tests.conftest import case
from otklik.audit import registry
from otklik.cases.choices import TRANSITIONS, CaseStatus
from otklik.cases.models import Case
from otklik.cases.services.lifecycle import case_accept
from otklik.directory.models import Organization

URL = reverse("audit:event_list")


@pytest.fixture
def accepted(personas):
    """Two new cases in Волжский; the curator accepts the first into its administration."""
    first = case("zhkh-hot-water", "18410", "adm-18410", received=timezone.now())
    other = case("roads-potholes", "18410", "adm-18410", received=timezone.now())
    Case.objects.filter(pk__in=[first.pk, other.pk]).update(status=CaseStatus.NEW)
    for c in (first, other):
        c.refresh_from_db()
    case_accept(
        case=first,
        actor=personas["curator"],
        organization=Organization.objects.get(code="adm-18410"),
    )
    return first, other


def test_a_case_event_reads_in_russian_with_a_link_to_the_case(client, personas, accepted):
    first, _ = accepted
    client.force_login(personas["auditor"])

    body = client.get(URL, {"action": "case.accept"}).content.decode()

    row = re.search(r'<tr data-action="case.accept">(.*?)</tr>', body, re.S).group(1)
    assert "Принят ЦУР и направлен" in row
    link = reverse("cases:detail", args=[first.number])
    assert f'<a href="{link}">инцидент № {first.number}</a>' in row
    assert "состояние: Новый (модерация ЦУР) → Назначен" in row
    assert "cases.case" not in row and "{" not in row


def test_filter_by_case_number_shows_that_case_only(client, personas, accepted):
    first, other = accepted
    client.force_login(personas["auditor"])

    rows = client.get(URL, {"case": first.number}).context["rows"]

    assert rows and {r.target.text for r in rows} == {f"инцидент № {first.number}"}
    assert other.number not in client.get(URL, {"case": first.number}).content.decode()
    assert client.get(URL, {"case": "1999-0000000"}).context["page"].paginator.count == 0


def test_filter_by_user_and_by_object(client, personas, accepted):
    client.force_login(personas["auditor"])

    by_curator = client.get(URL, {"actor": personas["curator"].username}).context["rows"]
    assert by_curator and {r.event.actor_id for r in by_curator} == {personas["curator"].pk}
    users = client.get(URL, {"target_type": "accounts.user"}).context["rows"]
    assert users and {r.target_kind for r in users} == {"пользователь"}
    form = client.get(URL).context["form"]
    assert ("cases.case", "инцидент") in form.fields["target_type"].choices


def test_the_export_holds_the_filtered_rows(client, personas, accepted):
    first, _ = accepted
    client.force_login(personas["auditor"])

    response = client.get(reverse("audit:event_export", args=["xlsx"]), {"case": first.number})

    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:5] == ("Время", "Кто", "Логин", "Действие", "Объект")
    assert [r[4] for r in rows[1:]] == [f"инцидент № {first.number}"] * (len(rows) - 1)
    assert any(r[3].startswith("Принят ЦУР") for r in rows[1:])
    csv = client.get(reverse("audit:event_export", args=["csv"]), {"case": first.number})
    assert csv.content.decode("utf-8-sig").count(first.number) == len(rows) - 1


def _literals_in_the_code(function: str, keyword: str, under: Path) -> set[str]:
    """Every literal ``keyword=`` passed to calls of ``function`` in the code under a folder."""
    found = set()
    for path in under.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and function in (
                getattr(node.func, "id", ""),
                getattr(node.func, "attr", ""),
            ):
                for kw in node.keywords:
                    if kw.arg == keyword and isinstance(kw.value, ast.Constant):
                        found.add(kw.value.value)
    return found


def test_every_action_of_the_platform_has_a_russian_name(db):
    root = Path(otklik.__file__).parent
    actions = _literals_in_the_code("audit_log", "action", root)
    # case.<kind>: every transition and every event the cases record
    kinds = set(TRANSITIONS) | _literals_in_the_code("record", "kind", root / "cases")
    kinds = {f"case.{kind}" for kind in kinds}
    assert len(actions) > 40 and len(kinds) > 25

    unnamed = sorted(a for a in actions | kinds if registry.action_label(a) == a)

    assert unnamed == []
