import json
from pathlib import Path

import pytest

from otklik.channels.telegram.tests.fakebot import TOKEN, FakeBotApi

FIXTURES = Path(__file__).parent / "fixtures"
CHAT = 381554912  # the citizen of the recorded updates (a private chat: chat id = user id)
WEBHOOK_SECRET = "hook-secret-7f3a"


def load(name: str, **changes) -> dict:
    """A recorded update; ``changes`` replace top-level keys or, with ``message__x``, keys of
    the message."""
    update = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    for key, value in changes.items():
        if "__" in key:
            outer, inner = key.split("__", 1)
            update[outer][inner] = value
        else:
            update[key] = value
    return update


@pytest.fixture
def bot(settings, tmp_path):
    """A local Bot API server, the adapter pointed at it, media files under tmp."""
    fake = FakeBotApi().start()
    settings.OTKLIK_TELEGRAM_TOKEN = TOKEN
    settings.OTKLIK_TELEGRAM_API_URL = fake.url
    settings.OTKLIK_TELEGRAM_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OTKLIK_NLP_ON_INTAKE = False
    yield fake
    fake.stop()


@pytest.fixture
def consented(region, bot):
    """The citizen of the recorded updates has pressed «Согласен» (through the service)."""
    from otklik.channels.telegram.consent import consent_give
    from otklik.intake.consent import consent_text

    assert consent_give(chat_id=CHAT, name="Анна Петрова", version=consent_text().version) == (
        "given"
    )
    return CHAT
