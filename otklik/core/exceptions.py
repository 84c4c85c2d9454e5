"""Errors that services raise and that views turn into clear answers."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the operation; ``message`` is shown to the user (in Russian)."""

    status_code = 400

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class AccessDenied(ApplicationError):
    """The acting user's role or scope does not allow this action on this object."""

    status_code = 403


class NotFound(ApplicationError):
    status_code = 404
