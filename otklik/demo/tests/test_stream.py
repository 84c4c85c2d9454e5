"""The demo stream generator: pure Python, no database."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from otklik.demo.stream import DemoMessage, demo_stream
from otklik.nlp import resources
from otklik.nlp.corpus.places import region
from otklik.nlp.corpus.shape import shape

TZ = ZoneInfo("Europe/Volgograd")
NOW = datetime(2026, 1, 15, 12, 30, tzinfo=TZ)
PHRASINGS = resources.reference("phrasings")
ALL_TOPICS = {code: code.split("-", 1)[0] for code in PHRASINGS["templates"]}

# The 38 municipalities and 8 city districts (checked against the domain brief in
# otklik/nlp/tests/test_corpus.py).
OKATO_38 = {m.okato for m in region().municipalities}
CITY_DISTRICTS_8 = {d.okato for d in region().city_districts}
UNFILLED = re.compile(r"[{}\[\]]|^@")


def make(count=2000, days=90, now=NOW, seed=1, topics=None) -> list[DemoMessage]:
    return demo_stream(
        count=count, days=days, now=now, seed=seed, topics=ALL_TOPICS if topics is None else topics
    )


@pytest.fixture(scope="module")
def stream() -> list[DemoMessage]:
    return make()


def share(messages, key) -> dict[str, float]:
    counts = Counter(key(m) for m in messages)
    return {k: v / len(messages) for k, v in counts.items()}


# ----------------------------------------------------------------------------- basics
def test_deterministic_for_a_seed():
    assert make(count=500, seed=7) == make(count=500, seed=7)
    assert make(count=500, seed=7) != make(count=500, seed=8)


def test_independent_of_the_order_of_the_topics_mapping():
    reversed_topics = dict(reversed(list(ALL_TOPICS.items())))
    assert make(count=300, topics=reversed_topics) == make(count=300)


def test_count_and_date_range(stream):
    assert len(stream) == 2000
    start = NOW - timedelta(days=90)
    for m in stream:
        assert m.received_at.tzinfo is not None
        assert m.received_at.utcoffset() == timedelta(hours=3)  # Europe/Volgograd
        assert start <= m.received_at < NOW
    assert [m.received_at for m in stream] == sorted(m.received_at for m in stream)
    # the stream covers the whole period, not just a corner of it
    assert min(m.received_at for m in stream) < start + timedelta(days=3)
    assert max(m.received_at for m in stream) > NOW - timedelta(days=2)


@pytest.mark.parametrize("count", [0, 1, 5, 37, 150])
def test_small_counts(count):
    messages = make(count=count)
    assert len(messages) == count


def test_short_period():
    messages = demo_stream(count=300, days=1, now=NOW, seed=3, topics=ALL_TOPICS)
    assert len(messages) == 300
    assert all(NOW - timedelta(days=1) <= m.received_at < NOW for m in messages)


def test_every_municipality_is_present(stream):
    per_muni = Counter(m.municipality for m in stream)
    assert set(per_muni) == OKATO_38
    assert min(per_muni.values()) >= 3


def test_city_district_only_for_volgograd(stream):
    for m in stream:
        if m.municipality == "18401":
            assert m.city_district in CITY_DISTRICTS_8
        else:
            assert m.city_district is None
    assert {m.city_district for m in stream if m.city_district} == CITY_DISTRICTS_8


# ----------------------------------------------------------------------------- topics
def test_topics_are_restricted_to_the_mapping():
    topics = {
        "roads-potholes": "roads",
        "zhkh-elevator": "zhkh",
        "other-gov-services": "other",
        "health-rural-care": "health",
        "no-such-topic": "other",
    }
    messages = make(count=800, topics=topics)
    assert len(messages) == 800
    assert {m.topic for m in messages} <= set(topics) - {"no-such-topic"}
    assert all(m.sector == topics[m.topic] for m in messages)
    assert {m.municipality for m in messages} == OKATO_38


def test_sector_comes_from_the_mapping():
    messages = make(count=200, topics={"roads-potholes": "dorogi", "zhkh-trees": "blago"})
    assert {(m.topic, m.sector) for m in messages} <= {
        ("roads-potholes", "dorogi"),
        ("zhkh-trees", "blago"),
    }


@pytest.mark.parametrize(
    "topic", ["transport-river-crossings", "roads-snow", "health-rural-care", "other-gov-services"]
)
def test_works_with_a_single_topic_out_of_season_or_place(topic):
    july = datetime(2025, 7, 20, 10, 0, tzinfo=TZ)
    messages = make(count=200, now=july, topics={topic: topic.split("-")[0]})
    assert len(messages) == 200
    assert {m.topic for m in messages} == {topic}
    assert not any(UNFILLED.search(m.text) for m in messages)


def test_no_usable_topics_gives_an_empty_stream():
    assert make(count=100, topics={}) == []
    assert make(count=100, topics={"no-such-topic": "other"}) == []


# ----------------------------------------------------------------------------- texts
def test_no_unfilled_placeholders(stream):
    for m in stream:
        assert m.text.strip() == m.text
        assert not UNFILLED.search(m.text), m.text
        assert "  " not in m.text


def test_no_unfilled_placeholders_in_summer():
    summer = make(count=1500, now=datetime(2025, 7, 10, 18, 0, tzinfo=TZ), seed=11)
    assert not any(UNFILLED.search(m.text) for m in summer)


def test_texts_are_varied(stream):
    texts = Counter(m.text for m in stream)
    assert len(texts) > 0.9 * len(stream)
    lengths = sorted(len(m.text) for m in stream)
    assert lengths[len(lengths) // 10] < 110  # short social-network posts
    assert lengths[-len(lengths) // 20] > 300  # long formal appeals
    appeals = [len(m.text) for m in stream if m.kind == "appeal_59fz"]
    assert sorted(appeals)[len(appeals) // 2] > 300


def test_texts_mention_volgograd_places(stream):
    joined = "\n".join(m.text for m in stream)
    for fragment in ("Концессии", "Управление отходами — Волгоград", "Прошу", "Уважаем"):
        assert fragment in joined, fragment
    volgograd_streets = {street for d in region().city_districts for street in d.streets}
    assert sum(street in joined for street in volgograd_streets) > 60


def test_address_and_coordinates(stream):
    with_address = [m for m in stream if m.address]
    assert 0.4 < len(with_address) / len(stream) < 0.85
    for m in stream:
        if not m.address:
            assert m.latitude is None and m.longitude is None
        if m.latitude is not None:
            assert 47.0 < m.latitude < 51.6 and 41.0 < m.longitude < 47.5
        if m.municipality == "18401" and m.address:
            assert m.address.startswith("г. Волгоград")
    geo = [m for m in stream if m.latitude is not None and m.municipality == "18401"]
    assert all(48.4 < m.latitude < 48.95 and 44.3 < m.longitude < 44.75 for m in geo)


def test_authors(stream):
    phone = re.compile(r"^\+7 9\d\d \d{3}-\d\d-\d\d$")
    for m in stream:
        assert m.author_key
        assert m.author_phone == "" or phone.match(m.author_phone)
        assert m.author_email == "" or m.author_email.endswith(".example")
        if m.channel in ("pos", "web", "paper", "email"):
            assert len(m.author_name.split()) == 3  # Фамилия Имя Отчество
        if m.channel in shape().social_channels:
            assert m.author_phone == "" and m.author_email == ""
    social = [m for m in stream if m.channel in shape().social_channels]
    assert any(m.author_name == "" for m in social)
    assert any(m.author_name for m in social)
    # some authors write several messages
    per_author = Counter(m.author_key for m in stream)
    assert sum(1 for n in per_author.values() if n > 1) > 50
    # the same author keeps the same contacts
    contacts = defaultdict(set)
    for m in stream:
        if m.author_phone:
            contacts[m.author_key].add(m.author_phone)
    assert all(len(v) == 1 for v in contacts.values())


# ----------------------------------------------------------------------------- channels
def test_external_ids_unique_per_channel(stream):
    keys = Counter((m.channel, m.external_id) for m in stream)
    assert max(keys.values()) == 1
    formats = {
        "pos": r"\d{7}",
        "incident": r"\d{8}",
        "vk": r"wall-\d+_\d+",
        "ok": r"group/\d+/topic/\d+",
        "telegram": r"tg-\d+-\d+",
        "web": r"WEB-\d{4}-\d{6}",
        "email": r"<\d{14}\.\w+@[\w.]+\.example>",
        "phone": r"CALL-\d{8}-\d{4}",
        "paper": r"ОГ-\d+/\d\d",
        "open311": r"\d{6}",
    }
    for m in stream:
        assert re.fullmatch(formats[m.channel], m.external_id), (m.channel, m.external_id)


def test_external_ids_unique_in_a_large_stream():
    messages = make(count=20_000, seed=4)
    assert len({(m.channel, m.external_id) for m in messages}) == len(messages)
    assert not any(UNFILLED.search(m.text) for m in messages)


def test_kind_consistent_with_channel(stream):
    for m in stream:
        if m.channel in ("vk", "ok", "incident"):
            assert m.kind == "publication"
        elif m.channel == "paper":
            assert m.kind == "appeal_59fz"
        elif m.channel == "pos":
            assert m.kind in ("message", "appeal_59fz", "complaint_210fz")
        else:
            assert m.kind == "message"
        if m.kind == "complaint_210fz":
            assert m.topic in PHRASINGS["complaints_210fz"]
    kinds = Counter(m.kind for m in stream)
    assert kinds["complaint_210fz"] > 5
    assert kinds["appeal_59fz"] > 100


def test_channel_distribution(stream):
    got = share(stream, lambda m: m.channel)
    for channel, weight in shape().channel_weights.items():
        assert abs(got.get(channel, 0) - weight / 100) < 0.035, (channel, got.get(channel))


def test_sector_distribution(stream):
    got = share(stream, lambda m: m.sector)
    for sector, weight in shape().sector_weights.items():
        assert abs(got.get(sector, 0) - weight / 100) < 0.035, (sector, got.get(sector))


def test_municipality_distribution(stream):
    got = share(stream, lambda m: m.municipality)
    assert 0.36 < got["18401"] < 0.46
    assert 0.10 < got["18410"] < 0.16


def test_time_of_day_and_weekday(stream):
    night = sum(1 for m in stream if m.received_at.hour < 6)
    assert night < 0.06 * len(stream)
    weekend = sum(1 for m in stream if m.received_at.weekday() >= 5)
    assert weekend < 0.24 * len(stream)  # 2/7 = 0.29 if flat
    paper = [m for m in stream if m.channel == "paper"]
    on_workdays = [m for m in paper if m.received_at.weekday() < 5 and 9 <= m.received_at.hour < 18]
    assert len(on_workdays) >= 0.9 * len(paper)


def test_seasonality():
    winter = make(count=2000, now=datetime(2026, 2, 1, 12, 0, tzinfo=TZ), seed=2)
    summer = make(count=2000, now=datetime(2025, 8, 1, 12, 0, tzinfo=TZ), seed=2)
    cold = {"zhkh-heating-outage", "zhkh-heating-quality", "zhkh-snow-courtyards", "roads-snow"}
    warm = {"zhkh-grass-mowing", "zhkh-cold-water-outage", "tko-landfill"}
    assert sum(m.topic in cold for m in winter) > 5 * max(1, sum(m.topic in cold for m in summer))
    assert sum(m.topic in warm for m in summer) > 3 * sum(m.topic in warm for m in winter)
    assert not any(m.topic == "roads-snow" for m in summer)


# ----------------------------------------------------------------------------- repeats
def test_repeats_of_earlier_problems(stream):
    by_problem = defaultdict(list)
    for m in stream:
        if m.address:
            by_problem[(m.topic, m.address)].append(m)
    repeated = [ms for ms in by_problem.values() if len(ms) > 1]
    extra = sum(len(ms) - 1 for ms in repeated)
    assert extra >= 0.05 * len(stream)
    assert any(len({m.channel for m in ms}) > 1 for ms in repeated)  # another channel
    assert any(len({m.author_key for m in ms}) > 1 for ms in repeated)  # another author
    assert any(len({m.author_key for m in ms}) == 1 for ms in repeated)  # the same author
    assert any(len({m.text for m in ms}) < len(ms) for ms in repeated)  # a copied text
    for ms in repeated:  # a repeat points at the same place
        assert len({(m.latitude, m.longitude) for m in ms if m.latitude is not None}) <= 1
