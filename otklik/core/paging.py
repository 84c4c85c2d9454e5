"""Pages of long lists whose total is counted only up to a cap, and within a time budget.

An exact ``COUNT(*)`` of a queue or a drill-down of a million cases costs more than the page
itself; past the cap the page says «более N» and asks to narrow the filters. A count that
must look at many rows to find few (a rare value of a filter over a long period) can still
cost seconds: with a budget, on PostgreSQL, the count gives up after that many milliseconds and
the page says the number was not counted — the rows are listed either way. (The API's
counterpart is ``core.api.CappedCountPagination``.)"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db import OperationalError, connections, transaction
from django.db.models import QuerySet
from django.utils.functional import cached_property

COUNT_CAP = 1000


def _cancelled(error: OperationalError) -> bool:
    """Whether the statement was cancelled by ``statement_timeout``."""
    import psycopg

    return isinstance(error.__cause__, psycopg.errors.QueryCanceled)


def capped_count(qs: QuerySet, cap: int = COUNT_CAP, *, budget_ms: int | None = None) -> int | None:
    """``qs.count()`` that stops at ``cap + 1`` (a number above ``cap`` means «more than cap»).

    ``budget_ms``: on PostgreSQL the count is given up after that long (``statement_timeout``
    for this statement only, in a savepoint) and None is returned; elsewhere it is ignored."""
    limited = qs.order_by()[: cap + 1]
    connection = connections[qs.db]
    if not budget_ms or connection.vendor != "postgresql":
        return limited.count()
    # A transaction-local setting ends with the transaction; inside an outer one it would
    # outlive the savepoint, so there it is put back after the count.
    nested = connection.in_atomic_block
    try:
        with transaction.atomic(using=qs.db), connection.cursor() as cursor:
            if nested:
                cursor.execute("SELECT current_setting('statement_timeout')")
                (before,) = cursor.fetchone()
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [str(budget_ms)])
            n = limited.count()
            if nested:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [before])
            return n
    except OperationalError as e:
        if _cancelled(e):
            return None
        raise


class _Page(Page):
    def has_next(self) -> bool:
        if self.paginator.count_known:
            return super().has_next()
        # not counted: a next page as long as this one is full
        return super().has_next() and len(self.object_list) == self.paginator.per_page


class CappedPaginator(Paginator):
    """A paginator whose ``count`` stops at ``cap``; ``count_exact`` says whether it did not.
    With ``budget_ms`` the count may not finish (``count_known`` False): pages are then offered
    up to the cap while they come back full."""

    def __init__(
        self, object_list, per_page, *, cap: int = COUNT_CAP, budget_ms: int | None = None, **kw
    ) -> None:
        super().__init__(object_list, per_page, **kw)
        self.cap = cap
        self.budget_ms = budget_ms

    @cached_property
    def _capped(self) -> int | None:
        return capped_count(self.object_list, self.cap, budget_ms=self.budget_ms)

    @property
    def count_known(self) -> bool:
        return self._capped is not None

    @property
    def count(self) -> int:
        return self.cap if self._capped is None else min(self._capped, self.cap)

    @property
    def count_exact(self) -> bool:
        return self._capped is not None and self._capped <= self.cap

    def _get_page(self, *args, **kwargs) -> Page:
        return _Page(*args, **kwargs)
