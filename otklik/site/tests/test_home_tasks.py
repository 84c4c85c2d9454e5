"""The home page answers «what needs me now» per role: the cards count the cases of the role's
zone that wait for it, and each links to the queue that lists exactly those cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from otklik.analytics.tests.conftest import case as _case
from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case
from otklik.directory.models import Organization

HOME = reverse("home")


def case(*args, status: str = CaseStatus.IN_WORK, **fields) -> Case:
    c = _case(*args, **fields)  # in work by default
    Case.objects.filter(pk=c.pk).update(status=status)
    c.refresh_from_db()
    return c


@pytest.fixture
def zone(region):
    """Волжский (its administration): one overdue, one near its deadline, one new (ЦУР triage),
    one answer on moderation, one with time to spare; Камышин (its administration): one
    overdue."""
    cache.clear()  # the queue counts are cached per visibility
    now = timezone.now()
    hours = dt.timedelta(hours=1)
    return {
        "overdue": case("zhkh-hot-water", "18410", "adm-18410", received=now - 100 * hours,
                        resolution_due=now - 2 * hours),
        "near": case("zhkh-hot-water", "18410", "adm-18410", received=now - 50 * hours,
                     resolution_due=now + 2 * hours, warning_level=1),
        "new": case("roads-potholes", "18410", "adm-18410", received=now - hours,
                    resolution_due=now + 200 * hours, status=CaseStatus.NEW),
        "review": case("zhkh-hot-water", "18410", "adm-18410", received=now - 10 * hours,
                       resolution_due=now + 100 * hours, status=CaseStatus.ANSWER_REVIEW),
        "spare": case("zhkh-heating-outage", "18410", "adm-18410", received=now - hours,
                      resolution_due=now + 300 * hours),
        "kamyshin": case("roads-potholes", "18415", "adm-18415", received=now - 100 * hours,
                         resolution_due=now - 5 * hours),
    }  # fmt: skip


def _tasks(client) -> dict[str, tuple[int, str]]:
    return {t.key: (t.count, t.url) for t in client.get(HOME).context["tasks"]}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # the ЦУР's moderators: the whole region
        (
            "curator",
            {
                "triage": 1,
                "answer_review": 1,
                "overdue": 2,
                "near_deadline": 1,
                "correspondence": 0,
            },
        ),
        ("analyst", {"triage": 1, "answer_review": 1, "overdue": 2, "near_deadline": 1}),
        # an organisation: its own cases (Волжский's administration: all five open ones)
        ("org_operator", {"mine": 5, "overdue": 1, "near_deadline": 1, "correspondence": 0}),
        # a municipality's coordinator: Волжский only, nothing to moderate
        ("municipal_coordinator", {"overdue": 1, "near_deadline": 1}),
    ],
)
def test_each_role_sees_what_waits_for_it(client, make_user, zone, role, expected):
    client.force_login(make_user(role))

    tasks = _tasks(client)

    assert {key: count for key, (count, _) in tasks.items()} == expected


@pytest.mark.parametrize("role", ["curator", "org_operator"])
def test_every_card_links_to_the_queue_that_lists_the_same_cases(client, make_user, zone, role):
    client.force_login(make_user(role))

    for key, (count, url) in _tasks(client).items():
        if key == "correspondence":  # not a queue of cases (otklik/correspondence/tests)
            continue
        listed = client.get(url).context["page"].paginator.count
        assert listed == count, key


def test_overdue_is_marked_urgent_only_when_something_is_overdue(client, make_user, zone):
    client.force_login(make_user("curator"))
    body = client.get(HOME).content.decode()
    assert 'class="card card--urgent" data-testid="task-overdue"' in body

    client.force_login(
        make_user("org_operator", organization=Organization.objects.get(code="adm-18401"))
    )
    body = client.get(HOME).content.decode()
    assert 'class="card" data-testid="task-overdue"' in body
