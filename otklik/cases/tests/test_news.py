"""Listeners (the channel adapters) hear of case events after the transaction commits."""

import pytest

from otklik.cases.services import common
from otklik.cases.services.lifecycle import case_accept

pytestmark = pytest.mark.django_db


def test_listeners_hear_after_commit_and_a_failing_one_hides_nothing(
    make_case, personas, volzhsky_rule, monkeypatch, django_capture_on_commit_callbacks
):
    heard = []

    def broken(news):
        raise RuntimeError("listener bug")

    monkeypatch.setattr(common, "_LISTENERS", [])
    common.on_case_event(broken)
    common.on_case_event(heard.append)
    common.on_case_event(heard.append)  # registered once
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = make_case()
    assert heard == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [(n.kind, n.number, n.channel) for n in heard] == [("opened", case.number, "web")]
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(case=case, actor=personas["curator"])
    assert heard[-1].kind == "accept" and heard[-1].to_status == "assigned"
