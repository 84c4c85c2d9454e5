"""What the office's API views share: the schema's tag, parsing a query or a body, the period
asked for, and ``verb`` — the one shape of a workflow verb's endpoint."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from otklik.directory.calendar import calendar_from_db
from otklik.office import periods

TAGS = ["office"]


def schema(**kwargs):
    return extend_schema(tags=TAGS, **kwargs)


def query(serializer_class, request) -> dict:
    ser = serializer_class(data=request.query_params)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


def body(serializer_class, request) -> dict:
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


def period(value: str | None) -> str:
    """The period asked for (refused with the message when malformed), else the month just
    ended."""
    if not value:
        return periods.previous_month(calendar_from_db().local_date(timezone.now()))
    periods.bounds(value)
    return value


def _answer(req, result, answer, context, code) -> Response:
    extra = context(req, result) if context is not None else {}
    return Response(answer(result, context=extra).data, status=code)


def read(
    summary: str,
    *,
    answer,
    find: Callable,
    context: Callable[..., dict] | None = None,
    tags: list[str] = TAGS,
) -> Callable:
    """A document's GET endpoint (``get = read(...)`` in the view): ``find(request,
    **url_kwargs)`` reads it through a selector (the user's scope), ``answer`` serializes it
    with ``context(request, document)``."""

    @extend_schema(tags=tags, responses=answer, summary=summary)
    def get(self, req, **kwargs):
        return _answer(req, find(req, **kwargs), answer, context, status.HTTP_200_OK)

    return get


def verb(
    summary: str,
    *,
    answer,
    request=None,
    find: Callable | None = None,
    created: bool = False,
    context: Callable[..., dict] | None = None,
    tags: list[str] = TAGS,
) -> Callable:
    """A workflow verb's endpoint, its schema and its shape in one place. ``find(request,
    **url_kwargs)`` finds the object through a selector (the user's scope: out of it, a 404
    before the body is read); the body is read by ``request`` ({} without one); the decorated
    method — ``(self, request, obj, data)``, or ``(self, request, data)`` without ``find`` —
    calls the service (it checks the rights) and returns what ``answer`` serializes: the
    object as it now is, 201 when ``created``; ``context(request, result)``: what ``answer``
    needs besides."""
    code = status.HTTP_201_CREATED if created else status.HTTP_200_OK

    def decorate(method: Callable) -> Callable:
        @extend_schema(tags=tags, request=request, responses={code: answer}, summary=summary)
        @functools.wraps(method)
        def handler(self, req, **kwargs):
            found = (find(req, **kwargs),) if find is not None else ()
            data = body(request, req) if request is not None else {}
            return _answer(req, method(self, req, *found, data), answer, context, code)

        return handler

    return decorate
