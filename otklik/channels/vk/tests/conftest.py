import json
from pathlib import Path

import pytest

from otklik.cases.models import OutboxMessage
from otklik.cases.services.answers import answer_approve, answer_submit
from otklik.cases.services.lifecycle import case_accept
from otklik.channels.vk.tests.vkserver import FakeVk
from otklik.directory.models import Organization

FIXTURES = Path(__file__).parent / "fixtures"
GROUP = 218000001
SECRET = "s3cr3t-callback-key"
ANSWER = "Бригада выехала, горячая вода будет подана сегодня до 18:00."


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def vk_env(settings):
    """The community's settings as the ЦУР would give them (settings read from the environment,
    never the database)."""
    settings.OTKLIK_VK_GROUP_ID = str(GROUP)
    settings.OTKLIK_VK_CONFIRMATION = "a1b2c3d4"
    settings.OTKLIK_VK_SECRET = SECRET
    settings.OTKLIK_VK_TOKEN = "community-key"
    settings.OTKLIK_VK_USER_TOKEN = "admin-user-key"
    settings.OTKLIK_VK_MONITOR_FILE = ""


@pytest.fixture
def vk_api(settings):
    with FakeVk() as fake:
        settings.OTKLIK_VK_API_URL = fake.url
        yield fake


def approve(case, personas, capture):
    """The case accepted, answered and the answer approved (the outbox runs on commit)."""
    case = case_accept(
        case=case,
        actor=personas["analyst"],
        organization=Organization.objects.get(code="adm-18410"),
    )
    answer = answer_submit(case=case, actor=personas["org_operator"], text=ANSWER)
    with capture(execute=True):
        answer_approve(answer=answer, actor=personas["analyst"])
    case.refresh_from_db()
    return case, OutboxMessage.objects.get(answer=answer)
