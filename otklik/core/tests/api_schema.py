"""Checking an API answer against the OpenAPI schema the application serves, for every app's
API tests: ``conforms(response, "/api/v1/office/risks/{pk}")``.

The schema is read and the request made through Django's test client, never through the WSGI
handler: the handler's ``close_old_connections`` (on request_started/finished) would drop the
test's connection, which is inside the test's transaction (PostgreSQL then fails every query
after it); the test client leaves it alone, so no signal needs disconnecting by hand."""

from __future__ import annotations

import functools

import requests
import schemathesis
from django.test import Client
from schemathesis.core.transport import Response


@functools.cache
def served_schema():
    """The schema as ``/api/schema/`` serves it (read once per test run)."""
    answer = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert answer.status_code == 200, answer.content[:200]
    return schemathesis.openapi.from_dict(answer.json())


def conforms(response, template: str, method: str = "GET") -> None:
    """``response`` (of Django's or DRF's test client) has a status, content type and body
    that the schema documents for ``method template`` (raises with what differs)."""
    request = response.wsgi_request
    url = request.build_absolute_uri()
    answer = Response(
        status_code=response.status_code,
        headers={name.lower(): [value] for name, value in response.items()},
        content=response.content,
        request=requests.Request(method, url).prepare(),
        elapsed=0.0,
        verify=True,
    )
    served_schema()[template][method.upper()].validate_response(answer)
