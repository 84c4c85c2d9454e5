import json
from pathlib import Path

import pytest

from otklik.cases.models import OutboxMessage
from otklik.cases.services.answers import answer_approve, answer_submit
from otklik.cases.services.lifecycle import case_accept
from otklik.channels.ok.tests import fbserver
from otklik.channels.ok.tests.okserver import FakeOk
from otklik.directory.models import Organization

FIXTURES = Path(__file__).parent / "fixtures"
KEY = "w3bh00k-s3cret"


def fixture(name: str) -> str:
    return (FIXTURES / f"{name}.json").read_text(encoding="utf-8")


def event(name: str) -> dict:
    return json.loads(fixture(name))


@pytest.fixture(autouse=True)
def ok_env(settings):
    settings.OTKLIK_OK_TOKEN = "tkn1-group-key"
    settings.OTKLIK_OK_WEBHOOK_SECRET = KEY
    # The group's REST credentials (its page: topics and comments), as the ЦУР would give them.
    settings.OTKLIK_OK_APPLICATION_KEY = fbserver.APP_KEY
    settings.OTKLIK_OK_SECRET_KEY = fbserver.SECRET_KEY
    settings.OTKLIK_OK_ACCESS_TOKEN = fbserver.TOKEN
    settings.OTKLIK_OK_GROUP_ID = fbserver.GROUP


@pytest.fixture
def ok_api(settings):
    with FakeOk() as fake:
        settings.OTKLIK_OK_API_URL = fake.url
        yield fake


@pytest.fixture
def ok_rest(settings):
    """The REST API (``fb.do``) with the group's page loaded from ``fixtures/group_page.json``."""
    with fbserver.FakeOkRest() as fake:
        page = event("group_page")
        fake.topics, fake.users, fake.comments = page["topics"], page["users"], page["comments"]
        settings.OTKLIK_OK_REST_URL = fake.url
        yield fake


def approve(case, personas, capture, text: str):
    """The case accepted, answered with ``text`` and the answer approved (the outbox runs on
    commit)."""
    org = Organization.objects.get(code="adm-18410")
    case = case_accept(case=case, actor=personas["analyst"], organization=org)
    answer = answer_submit(case=case, actor=personas["org_operator"], text=text)
    with capture(execute=True):
        answer_approve(answer=answer, actor=personas["analyst"])
    case.refresh_from_db()
    return case, OutboxMessage.objects.get(answer=answer)
