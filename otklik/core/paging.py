"""Pages of long lists whose total is counted only up to a cap.

An exact ``COUNT(*)`` of a queue or a drill-down of a million cases costs more than the page
itself; past the cap the page says «более N» and asks to narrow the filters. (The API's
counterpart is ``core.api.CappedCountPagination``.)"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 1000


def capped_count(qs: QuerySet, cap: int = COUNT_CAP) -> int:
    """``qs.count()`` that stops at ``cap + 1`` (a number above ``cap`` means «more than cap»)."""
    return qs.order_by()[: cap + 1].count()


class CappedPaginator(Paginator):
    """A paginator whose ``count`` stops at ``cap``; ``count_exact`` says whether it did not."""

    def __init__(self, object_list, per_page, *, cap: int = COUNT_CAP, **kw) -> None:
        super().__init__(object_list, per_page, **kw)
        self.cap = cap

    @cached_property
    def _capped(self) -> int:
        return capped_count(self.object_list, self.cap)

    @property
    def count(self) -> int:
        return min(self._capped, self.cap)

    @property
    def count_exact(self) -> bool:
        return self._capped <= self.cap
