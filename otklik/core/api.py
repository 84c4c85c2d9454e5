"""DRF glue shared by every app's API."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from otklik.core.exceptions import ApplicationError


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
        from otklik.accounts.permissions import can

        safe = request.method in ("GET", "HEAD", "OPTIONS")
        action = getattr(view, "read_action" if safe else "write_action", None)
        return action is not None and can(request.user, action)

    def has_object_permission(self, request, view, obj) -> bool:
        from otklik.accounts.permissions import can

        safe = request.method in ("GET", "HEAD", "OPTIONS")
        action = getattr(view, "read_action" if safe else "write_action", None)
        return action is not None and can(request.user, action, obj)
