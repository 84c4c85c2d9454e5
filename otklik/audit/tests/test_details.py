"""The details of an event read as lines a person reads, not as a Python dict."""

from __future__ import annotations

from otklik.audit.registry import TargetRef, targets_resolve
from otklik.audit.selectors import event_details


def test_changes_read_as_before_and_after():
    data = {"before": {"sector": "zhkh", "address": ""}, "after": {"sector": "roads"}}

    assert event_details(data) == ["отраслевой блок: zhkh → roads", "адрес: — → —"]


def test_a_status_change_and_other_keys_read_in_russian():
    data = {"from": "new", "to": "assigned", "organization": "adm-18410", "similarity": 0.912}

    assert event_details(data) == [
        "состояние: new → assigned",
        "организация: adm-18410",
        "сходство: 0,912",
    ]


def test_admin_changes_list_the_values_of_the_changed_fields():
    data = {"model": "directory.topic", "fields": ["name"], "values": {"name": "Ямы"}}

    assert event_details(data) == ["название: Ямы", "справочник: directory.topic"]


def test_values_of_every_kind():
    data = {"solved": False, "cases": ["2026-0000001", "2026-0000002"], "why": None}

    assert event_details(data) == [
        "проблема решена: нет",
        "инциденты: 2026-0000001, 2026-0000002",
        "причина: —",
    ]


def test_an_object_nobody_describes_is_named_by_its_type_and_number():
    assert targets_resolve([("unknown.thing", "7")]) == {
        ("unknown.thing", "7"): TargetRef("unknown.thing № 7")
    }
