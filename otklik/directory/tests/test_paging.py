"""The capped paginators of core (core/paging.py, core/api.py) on a real table: the topics."""

import pytest
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from otklik.core.api import CappedCountPagination
from otklik.directory.models import Topic


def page(offset: int, limit: int, cap: int):
    paginator = CappedCountPagination()
    paginator.count_cap = cap
    request = Request(APIRequestFactory().get("/x", {"offset": offset, "limit": limit}))
    rows = paginator.paginate_queryset(Topic.objects.order_by("pk"), request)
    return paginator, rows, paginator.get_paginated_response([r.pk for r in rows]).data


def test_small_result_has_exact_count(region):
    _, rows, data = page(0, 10, cap=1000)
    assert (data["count"], data["count_exact"]) == (Topic.objects.count(), True)
    assert len(rows) == 10


def test_large_result_is_capped_and_still_pages_to_the_end(region):
    total = Topic.objects.count()  # 111
    _, rows, data = page(0, 20, cap=50)
    assert (data["count"], data["count_exact"], len(rows)) == (50, False, 20)
    assert data["next"] is not None
    _, rows, data = page(100, 20, cap=50)  # beyond the cap: rows still come back
    assert len(rows) == total - 100
    assert data["next"] is None


def test_a_count_over_its_budget_gives_up_and_the_connection_goes_on(region):
    """PostgreSQL: a count slower than its budget returns None (statement_timeout for that
    statement only); the transaction and the session's timeout are as before. Elsewhere the
    budget is ignored and the count is exact."""
    from django.db import connection

    from otklik.core.paging import capped_count

    slow = Topic.objects.extra(where=["pg_sleep(0.05) IS NOT NULL"])
    if connection.vendor != "postgresql":
        assert capped_count(Topic.objects.all(), 10, budget_ms=1) == 11
        return
    assert capped_count(slow, 1000, budget_ms=100) is None
    assert capped_count(Topic.objects.all(), 10, budget_ms=1000) == 11
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        assert cursor.fetchone()[0] == "0"
    assert Topic.objects.count() == 111  # the transaction still works


def test_pages_not_counted_go_on_while_they_are_full(region, monkeypatch):
    from otklik.core import paging

    monkeypatch.setattr(paging, "capped_count", lambda qs, cap, budget_ms=None: None)
    paginator = paging.CappedPaginator(Topic.objects.order_by("pk"), 50, budget_ms=1)
    assert (paginator.count_known, paginator.count_exact) == (False, False)
    first, last = paginator.get_page(1), paginator.get_page(3)
    assert first.has_next() and len(first.object_list) == 50
    assert len(last.object_list) == 11 and not last.has_next()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_budget_ends_with_the_counts_own(region):
    from django.db import connection

    from otklik.core.paging import capped_count

    assert not connection.in_atomic_block
    assert capped_count(Topic.objects.all(), 10, budget_ms=1000) == 11
    with connection.cursor() as cursor:
        cursor.execute(
            "SHOW statement_timeout" if connection.vendor == "postgresql" else "SELECT '0'"
        )
        assert cursor.fetchone()[0] == "0"
