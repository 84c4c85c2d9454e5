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
