import json
from pathlib import Path

import pytest

from otklik.channels.ok.tests.okserver import FakeOk

FIXTURES = Path(__file__).parent / "fixtures"
KEY = "w3bh00k-s3cret"


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.json").read_text(encoding="utf-8")


def event(name: str) -> dict:
    return json.loads(fixture(name))


@pytest.fixture(autouse=True)
def ok_env(monkeypatch):
    monkeypatch.setenv("OTKLIK_OK_TOKEN", "tkn1-group-key")
    monkeypatch.setenv("OTKLIK_OK_WEBHOOK_SECRET", KEY)


@pytest.fixture
def ok_api(monkeypatch):
    with FakeOk() as fake:
        monkeypatch.setenv("OTKLIK_OK_API_URL", fake.url)
        yield fake
