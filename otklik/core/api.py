"""DRF glue shared by every app's API."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from otklik.core.exceptions import ApplicationError
from otklik.core.paging import capped_count

ID_MAX = 2**63 - 1  # the id columns are 64-bit: a larger number names no row


class CodeField(serializers.SlugRelatedField):
    """A reference row by its code; a value no code can be (a NUL byte, too long) is simply not
    found, before it reaches the database (PostgreSQL refuses NUL in text: a 500 otherwise)."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data or len(data) > 64:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:64])
        return super().to_internal_value(data)


def id_field(**kwargs):
    """An id in a query or a body: a positive integer within the id column's range, so a
    hostile ``?project=1e40`` is a 400 with its reason, never an overflow in the database."""
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def exception_handler(exc, context):
    """Service errors become JSON ``{"detail": ..., "code": ...}`` with the right status."""
    if isinstance(exc, ApplicationError):
        body = {"detail": exc.message, "code": type(exc).__name__, **exc.extra}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = drf_exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)


class MatrixPermission:
    """DRF permission from the matrix: the view names ``read_action`` and ``write_action``."""

    def has_permission(self, request, view) -> bool:
        from otklik.core.permissions import can

        safe = request.method in ("GET", "HEAD", "OPTIONS")
        action = getattr(view, "read_action" if safe else "write_action", None)
        return action is not None and can(request.user, action)

    def has_object_permission(self, request, view, obj) -> bool:
        from otklik.core.permissions import can

        safe = request.method in ("GET", "HEAD", "OPTIONS")
        action = getattr(view, "read_action" if safe else "write_action", None)
        return action is not None and can(request.user, action, obj)


class CappedCountPagination(LimitOffsetPagination):
    """Limit/offset pages whose ``count`` stops at ``count_cap``: on a queue of a million cases
    an exact COUNT(*) costs more than the page itself. ``count_exact`` says whether the count is
    exact (if not, it is a lower bound); ``next`` works either way."""

    count_cap = 1000
    count_budget_ms: int | None = None  # PostgreSQL: give the count up after so long

    def get_count(self, queryset) -> int:
        capped = capped_count(queryset, self.count_cap, budget_ms=self.count_budget_ms)
        if capped is None:  # not counted in time: a lower bound from the page, as past the cap
            self.count_exact = False
            return 0
        self.count_exact = capped <= self.count_cap
        return min(capped, self.count_cap)

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        self.count = self.get_count(queryset)
        rows = list(queryset[self.offset : self.offset + self.limit])
        if not self.count_exact:
            # past the cap: offer the next page as long as pages come back full
            seen = self.offset + len(rows) + (1 if len(rows) == self.limit else 0)
            self.count = max(self.count, seen) if rows else self.offset
        if self.count > self.limit and self.template is not None:
            self.display_page_controls = True
        return rows

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.count_exact
        return response

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_exact"] = {"type": "boolean"}
        return schema
