"""The tab counts of the queue page are kept briefly per scope: shared by users who see the same
cases, never by users who see different ones."""

from __future__ import annotations

from django.urls import reverse

from otklik.cases.selectors import queue_counts
from otklik.directory.models import Municipality

LIST = reverse("cases:list")


def test_counts_are_reused_within_a_scope(
    personas, make_user, make_case, django_assert_num_queries
):
    make_case()
    make_case()
    first = personas["analyst"]
    second = make_user("analyst")  # same scope: the whole region
    assert queue_counts(user=first, queues=["triage", "all"]) == {"triage": 2, "all": 2}
    make_case()

    with django_assert_num_queries(1):  # one read of the shared cache, no count
        counts = queue_counts(user=second, queues=["triage", "all"])

    assert counts == {"triage": 2, "all": 2}  # up to QUEUE_COUNTS_SECONDS old


def test_counts_are_not_shared_between_scopes(make_user, make_case):
    volzhsky = make_user("municipal_coordinator")  # 18410
    kamyshin = make_user(
        "municipal_coordinator", municipality=Municipality.objects.get(okato="18415")
    )
    make_case(okato="18410")
    make_case(okato="18410")
    make_case(okato="18415")

    assert queue_counts(user=volzhsky, queues=["open", "all"]) == {"open": 2, "all": 2}
    assert queue_counts(user=kamyshin, queues=["open", "all"]) == {"open": 1, "all": 1}
    assert queue_counts(user=volzhsky, queues=["open", "all"]) == {"open": 2, "all": 2}


def test_the_list_itself_is_always_current(client, personas, make_case):
    client.force_login(personas["analyst"])
    make_case()
    client.get(LIST, {"queue": "all"})
    make_case()

    response = client.get(LIST, {"queue": "all"})

    assert response.context["page"].paginator.count == 2
