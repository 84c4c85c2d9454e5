import json
from pathlib import Path

import pytest

from otklik.channels.vk.tests.vkserver import FakeVk

FIXTURES = Path(__file__).parent / "fixtures"
GROUP = 218000001
SECRET = "s3cr3t-callback-key"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def vk_env(monkeypatch):
    """The community's settings as the ЦУР would give them (environment, never the database)."""
    for name, value in {
        "GROUP_ID": str(GROUP),
        "CONFIRMATION": "a1b2c3d4",
        "SECRET": SECRET,
        "TOKEN": "community-key",
        "USER_TOKEN": "admin-user-key",
    }.items():
        monkeypatch.setenv(f"OTKLIK_VK_{name}", value)
    monkeypatch.delenv("OTKLIK_VK_MONITOR_FILE", raising=False)


@pytest.fixture
def vk_api(monkeypatch):
    with FakeVk() as fake:
        monkeypatch.setenv("OTKLIK_VK_API_URL", fake.url)
        yield fake
