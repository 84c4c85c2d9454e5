"""A FilterSet that tells what is wrong with its query, the same way on a page and in the API.

A list page shows the message above its filters (the valid filters still apply); an API list
answers 400 with it (``InvalidFilter`` through ``otklik.core.api.exception_handler``).
"""

from __future__ import annotations

import django_filters

from otklik.core.exceptions import ApplicationError


class InvalidFilter(ApplicationError):
    status_code = 400


class CheckedFilterSet(django_filters.FilterSet):
    """Always bound: no query means no filter, and the rows still come from ``filter_queryset``
    (which the lists point at their selector, so the user's scope is never skipped)."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None) -> None:
        super().__init__({} if data is None else data, queryset, request=request, prefix=prefix)

    def error_text(self) -> str:
        """The errors of the query in Russian (empty when it is valid or absent)."""
        if self.form.is_valid():
            return ""
        parts = []
        for name, errors in self.form.errors.items():
            label = self.form.fields[name].label if name in self.form.fields else ""
            text = " ".join(str(e) for e in errors)
            parts.append(f"{label}: {text}" if label else text)
        return "Проверьте фильтры. " + "; ".join(parts)

    def checked_qs(self):
        """The filtered queryset, or ``InvalidFilter`` with ``error_text`` (for the API)."""
        message = self.error_text()
        if message:
            errors = {name: [str(e) for e in errs] for name, errs in self.form.errors.items()}
            raise InvalidFilter(message, extra={"errors": errors})
        return self.qs
