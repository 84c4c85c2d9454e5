"""Fixtures of the intake tests."""

import pytest
from rest_framework.test import APIClient

from otklik.accounts.apikeys import apikey_create


@pytest.fixture
def api(region):
    """An API client of an external system (ПОС), authenticated with its key."""
    _, key = apikey_create(system="ПОС (выгрузка)")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client
