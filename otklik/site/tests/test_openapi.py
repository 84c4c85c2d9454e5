"""The OpenAPI schema is valid and every read endpoint answers as the schema says
(schemathesis generates the requests from the schema)."""

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from otklik.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


def test_schema_is_served_and_documents_the_api(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/me",
        "/api/v1/region/summary",
        "/api/v1/topics",
        "/api/v1/topics/{code}",
        "/api/v1/municipalities",
        "/api/v1/organizations",
    ):
        assert path in paths, path


@pytest.fixture
def curator_cookie(personas):
    client = Client()
    client.force_login(personas["curator"])
    return client.cookies["sessionid"].value


@pytest.mark.django_db(transaction=True)
@schema.include(method="GET").parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_read_endpoints_conform_to_the_schema(case, curator_cookie):
    # The session cookie stands for the API's authentication; what is checked is that no read
    # fails on the server and every answer has the documented content type and shape.
    case.call_and_validate(
        cookies={"sessionid": curator_cookie},
        checks=[not_a_server_error, content_type_conformance, response_schema_conformance],
    )
