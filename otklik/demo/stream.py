"""The demo stream of citizen messages of Volgograd Oblast, as the channels would deliver them.

Pure Python: no database, no Django models. ``otklik setup --demo`` turns the result into
messages of the platform. The texts, topics, places, times and authors are the synthetic stream
of :mod:`otklik.nlp.corpus.stream` (its shape is described there); this module adds what a
channel carries besides the text: the external id in the channel's own format, the address,
the coordinates and the author's contacts. Deterministic for a seed.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass
from datetime import datetime

from otklik.nlp.corpus.people import Person
from otklik.nlp.corpus.places import (
    VOLGOGRAD,
    VOLZHSKY,
    house_point,
    place_point,
    stop_point,
    street_point,
)
from otklik.nlp.corpus.shape import TZ, shape
from otklik.nlp.corpus.stream import Draft, synthetic_stream


@dataclass(frozen=True)
class DemoMessage:
    channel: str  # pos, incident, web, email, telegram, vk, ok, open311, phone, paper
    kind: str  # message, appeal_59fz, complaint_210fz, publication
    external_id: str  # unique per channel, in the channel's own format
    received_at: datetime  # aware, Europe/Volgograd, within [now - days, now)
    text: str
    topic: str
    sector: str
    municipality: str  # OKATO of the municipality, e.g. "18401"
    city_district: str | None  # OKATO of a Volgograd city district when municipality == "18401"
    address: str  # "" when the text has no address
    latitude: float | None
    longitude: float | None
    author_name: str  # realistic Russian full name, or "" for anonymous social posts
    author_phone: str  # "" or "+7 9XX XXX-XX-XX"
    author_email: str  # "" or an e-mail on example domains
    author_key: str  # stable id of the author


def _address(d: Draft) -> str:
    loc = d.loc
    if d.level == "house":
        return f"{loc.prefix()}, {loc.street}, д. {loc.house}"
    if d.level == "street":
        return f"{loc.prefix()}, {loc.street}"
    if d.level == "stop":
        return f"{loc.prefix()}, остановка «{d.stop}»"
    if d.level == "place":
        if loc.muni.okato == VOLGOGRAD:
            return f"г. Волгоград, {loc.mkr}" if d.uses_mkr else ""
        if loc.muni.okrug and loc.index == 0:
            return ""
        return loc.prefix()
    return ""


def _author_fields(rng: random.Random, person: Person, channel: str) -> tuple[str, str, str]:
    sh = shape()
    if channel in sh.social_channels or channel == "telegram":
        anonymous = sh.anonymous_share[channel]
        name = "" if rng.random() < anonymous else person.short
        return name, "", ""
    name = "" if channel == "phone" and rng.random() < 0.08 else person.full
    phone = person.phone if rng.random() < sh.phone_share.get(channel, 0) else ""
    email = person.email if rng.random() < sh.email_share.get(channel, 0) else ""
    return name, phone, email


class _Ids:
    """External ids in the formats of the channels, increasing with time."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.counters: dict[str, int] = {
            "pos": 2_900_000 + rng.randrange(90_000),
            "incident": 48_000_000 + rng.randrange(900_000),
            "open311": 630_000 + rng.randrange(9_000),
        }
        self.keyed: dict[str, int] = {}

    def _next(self, key: str, start: int, step: int) -> int:
        value = self.keyed.get(key)
        value = start if value is None else value + self.rng.randint(1, step)
        self.keyed[key] = value
        return value

    def make(self, d: Draft) -> str:
        rng, ch, t = self.rng, d.channel, d.received_at
        if ch in self.counters:
            self.counters[ch] += rng.randint(1, {"pos": 45, "incident": 250, "open311": 12}[ch])
            return str(self.counters[ch])
        if ch == "vk":  # city publics: several for the big cities, one for a district
            publics = {VOLGOGRAD: 4, VOLZHSKY: 2}.get(d.loc.muni.okato, 1)
            public = f"{d.loc.muni.okato}/{zlib.crc32(d.person.key.encode()) % publics}"
            group = 20_000_000 + zlib.crc32(public.encode()) % 180_000_000
            return f"wall-{group}_{self._next(f'vk{group}', rng.randint(1_000, 90_000), 40)}"
        if ch == "ok":
            group = 52_000_000_000_000 + zlib.crc32(d.loc.muni.okato.encode())
            post = self._next(f"ok{group}", 155_000_000_000_000 + rng.randrange(10**12), 10**8)
            return f"group/{group}/topic/{post}"
        if ch == "telegram":
            user = 100_000 + zlib.crc32(d.person.key.encode()) % 7_000_000_000
            return f"tg-{user}-{self._next(f'tg{user}', rng.randint(1, 200), 30)}"
        if ch == "web":
            return f"WEB-{t.year}-{self._next(f'web{t.year}', rng.randint(1, 4000), 9):06d}"
        if ch == "email":
            n = self._next("email", 1, 1)
            domain = d.person.email.rsplit("@", 1)[-1] if d.person.email else "mail.example"
            return f"<{t:%Y%m%d%H%M%S}.{n:05d}{rng.randrange(16**6):06x}@{domain}>"
        if ch == "phone":
            return f"CALL-{t:%Y%m%d}-{self._next(f'call{t:%Y%m%d}', 1, 3):04d}"
        if ch == "paper":
            return f"ОГ-{self._next(f'og{t.year}', rng.randint(100, 9000), 7)}/{t:%y}"
        return f"{ch}-{self._next(ch, 1, 1)}"


def demo_stream(
    *, count: int, days: int, now: datetime, seed: int, topics: dict[str, str]
) -> list[DemoMessage]:
    """topics: topic code -> sector code, as present in the database. Deterministic for a seed.

    Only topics of ``topics`` that have templates are produced; an empty intersection gives
    an empty stream. The messages are returned in the order they were received.
    """
    rng = random.Random(seed)
    drafts = synthetic_stream(rng=rng, count=count, days=days, now=now, topics=topics)
    geo_share = shape().geo_share
    # ---- ids in time order, final records
    ids = _Ids(random.Random(seed ^ 0x5EED))
    out: list[DemoMessage] = []
    for d in drafts:
        address = _address(d)
        lat = lon = None
        if address and rng.random() < geo_share.get(d.channel, 0.5):
            if d.level == "house":
                lat, lon = house_point(d.loc)
            elif d.level == "street":
                lat, lon = street_point(d.loc)
            elif d.level == "stop":
                lat, lon = stop_point(d.loc, d.stop)
            else:
                lat, lon = place_point(d.loc)
            lat, lon = round(lat, 6), round(lon, 6)
        name, phone, email = _author_fields(rng, d.person, d.channel)
        out.append(
            DemoMessage(
                channel=d.channel,
                kind=d.kind,
                external_id=ids.make(d),
                received_at=d.received_at.astimezone(TZ),
                text=d.text,
                topic=d.topic,
                sector=d.sector,
                municipality=d.loc.muni.okato,
                city_district=d.loc.district.okato if d.loc.district else None,
                address=address,
                latitude=lat,
                longitude=lon,
                author_name=name,
                author_phone=phone,
                author_email=email,
                author_key=d.person.key,
            )
        )
    return out
