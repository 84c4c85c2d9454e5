import itertools
import uuid

import pytest
from django.core.cache import cache
from django.utils import timezone

from otklik.cases.choices import CaseStatus
from otklik.cases.services.answers import answer_approve, answer_submit
from otklik.cases.services.lifecycle import case_accept, case_take
from otklik.cases.services.opening import case_open_or_join
from otklik.directory.models import (
    Channel,
    CityDistrict,
    InputKind,
    Municipality,
    Organization,
    Topic,
)
from otklik.intake.services import AuthorData, message_ingest

_ids = itertools.count(1)

HOT_WATER = "Третий день нет горячей воды в доме на ул. Мира, 12. Дети моются в тазике."


@pytest.fixture(autouse=True)
def _webform_settings(settings, tmp_path):
    """Rate limits in a local-memory cache (emptied per test), uploads under a temporary dir."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def form_data(region):
    """form_data(**changes) -> a valid POST of the report form (a fresh form render each)."""

    def _data(**changes):
        data = {
            "submission": str(uuid.uuid4()),
            "text": "Во дворе дома на ул. Ленина, 5 в Волжском вторую неделю не горят фонари.",
            "topic": "",
            "municipality": "18410",
            "address": "г. Волжский, ул. Ленина, 5",
            "lat": "",
            "lon": "",
            "name": "Иванов Пётр",
            "phone": "8 (961) 000-11-22",
            "email": "",
            "consent": "on",
            "website": "",
            "similar_shown": "",
        }
        data.update(changes)
        return {k: v for k, v in data.items() if v is not None}

    return _data


@pytest.fixture
def seeded_case(region, personas):
    """seeded_case(text=..., topic=..., okato=..., accepted=...) -> an open case reported
    earlier by someone else (through the registry's own services): NEW, or with
    ``accepted=True`` accepted by the ЦУР to the municipality's administration (only then may
    the public form offer it)."""

    def _make(
        *,
        text=HOT_WATER,
        topic="zhkh-hot-water",
        okato="18410",
        address="ул. Мира, 12",
        district=None,
        accepted=False,
    ):
        topic_obj = Topic.objects.get(code=topic)
        message, _ = message_ingest(
            # the phone line: answers are published on Otklik's own pages (no network)
            channel=Channel.objects.get(code="phone"),
            kind=InputKind.objects.get(code="message"),
            external_id=f"seed-{next(_ids)}",
            text=text,
            received_at=timezone.now(),
            author=AuthorData(name="Петрова Анна", phone=f"+7961{next(_ids):07d}"),
            sector=topic_obj.sector,
            topic=topic_obj,
            municipality=Municipality.objects.get(okato=okato),
            city_district=CityDistrict.objects.get(okato=district) if district else None,
            address=address,
            process=False,
        )
        case, opened = case_open_or_join(message=message)
        assert opened
        if accepted:
            case = case_accept(
                case=case,
                actor=personas["analyst"],
                organization=Organization.objects.get(code=f"adm-{okato}"),
            )
        return case

    return _make


ANSWER = (
    "Горячее водоснабжение в доме № 12 по ул. Мира восстановлено 27.11 после замены задвижки "
    "на вводе. Давление проверено 28.11 в 10:00, в норме."
)


@pytest.fixture
def cur_publishes(personas):
    """cur_publishes(case) -> the ЦУР accepts the case to the Волжский administration (unless
    accepted already), its operator takes it and answers, the ЦУР approves; the web channel
    publishes at once (when the outbox task runs: after the commit)."""

    def _run(case, text=ANSWER):
        case.refresh_from_db()
        if case.status == CaseStatus.NEW:
            case = case_accept(
                case=case,
                actor=personas["analyst"],
                organization=Organization.objects.get(code="adm-18410"),
            )
        case = case_take(case=case, actor=personas["org_operator"])
        answer = answer_submit(case=case, actor=personas["org_operator"], text=text)
        answer_approve(answer=answer, actor=personas["analyst"], quality_score=5)
        return case

    return _run
