from __future__ import annotations

from urllib.parse import urlencode

import pytest

BASE = "/open311/v2"


@pytest.fixture
def api_key(region):
    """The key of a third-party 311 application (issued as `otklik apikey create` does)."""
    from otklik.accounts.apikeys import apikey_create

    return apikey_create(system="city-app")[1]


@pytest.fixture
def post(client, api_key, django_capture_on_commit_callbacks):
    """post(fmt="json", key=api_key, process=True, **params) → the response of POST /requests.

    With ``process`` the tasks queued on commit run (the case opens), as a worker would."""

    def _post(fmt: str = "json", key: str | None = "", process: bool = True, **params):
        data = dict(params)
        if key is not None:
            data["api_key"] = key or api_key
        url = f"{BASE}/requests.{fmt}"
        body = urlencode(data)  # form-encoded, as the specification says
        form = "application/x-www-form-urlencoded"
        if not process:
            return client.post(url, body, content_type=form)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, body, content_type=form)

    return _post


REQUEST = {
    "service_code": "zhkh-heating-outage",
    "lat": "48.78612",
    "long": "44.77321",
    "address_string": "г. Волжский, ул. Мира, 10",
    "description": "Третьи сутки нет отопления в доме. Звоните мне: +7 905 123-45-67, Иван Петров.",
    "first_name": "Иван",
    "last_name": "Петров",
    "phone": "+79051234567",
    "email": "ivan.petrov@example.ru",
    "media_url": "https://example.ru/photo/1.jpg",
    "attribute[entrance]": "2",
    "attribute[floor]": "5",
}
