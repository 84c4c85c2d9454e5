import itertools

import pytest
from django.utils import timezone

from otklik.cases.services.opening import case_open_or_join
from otklik.cases.services.routing import routing_rule_save
from otklik.directory.models import Channel, InputKind, Municipality, Organization, Topic
from otklik.intake.services import AuthorData, message_ingest

_ids = itertools.count(1)


@pytest.fixture
def volzhsky_rule(personas):
    """ЖКХ in Волжский goes to the city administration (as the ЦУР sets it up)."""
    return routing_rule_save(
        actor=personas["curator"],
        order=10,
        name="ЖКХ Волжского",
        sector=Topic.objects.get(code="zhkh-hot-water").sector,
        municipality=Municipality.objects.get(okato="18410"),
        organization=Organization.objects.get(code="adm-18410"),
    )


@pytest.fixture
def make_message(region):
    def _make(
        *,
        text="Третий день нет горячей воды в доме на ул. Мира, 12. Дети моются в тазике.",
        topic="zhkh-hot-water",
        okato="18410",
        channel="web",
        kind="message",
        phone=None,
        received_at=None,
        name="Петрова Анна",
        email="",
    ):
        topic_obj = Topic.objects.get(code=topic)
        message, _ = message_ingest(
            channel=Channel.objects.get(code=channel),
            kind=InputKind.objects.get(code=kind),
            external_id=f"t-{next(_ids)}",
            text=text,
            received_at=received_at or timezone.now(),
            author=AuthorData(
                name=name,
                phone=phone or f"+7961{next(_ids):07d}",
                email=email,
                consent_personal_data=True,
            ),
            sector=topic_obj.sector,
            topic=topic_obj,
            municipality=Municipality.objects.get(okato=okato),
            process=False,
        )
        return message

    return _make


@pytest.fixture
def make_case(make_message):
    def _make(**kwargs):
        case, opened = case_open_or_join(message=make_message(**kwargs))
        assert opened
        return case

    return _make
