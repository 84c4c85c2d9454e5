"""The synthetic stream of messages: deterministic for a seed, shaped like a real ЦУР stream.

* municipalities weighted by population (Volgograd ~40 %, Volzhsky ~13 %), every one of the
  38 municipalities gets at least 3 messages once the stream has 114 or more;
* sectors ЖКХ 30 %, roads 15 %, ТКО 10 %, energy 10 %, health 9 %, transport 8 %,
  education 7 %, social 6 %, other 5 %; topics inside a sector follow the season of the
  message date (heating and snow in the cold season, grass and water outages in summer) and
  the kind of place (no lifts in villages, no ФАП in Volgograd);
* channels ПОС 35 %, social-network monitoring 20 %, VK 10 %, web 10 %, Telegram 8 %,
  e-mail 5 %, phone 5 %, OK 3 %, paper 3 %, Open311 1 %, with kinds consistent with them;
* fewer messages at night and at weekends (paper mail is registered on working days only);
* about 8 % of the messages repeat an earlier problem (same address and topic, often from
  another channel or another author), and some authors write several messages.

The weights are in otklik/directory/data/stream.toml.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from otklik.nlp.corpus.compose import compose, strip_prefix
from otklik.nlp.corpus.draw import Weighted
from otklik.nlp.corpus.filler import Filler
from otklik.nlp.corpus.people import Person, new_person
from otklik.nlp.corpus.places import (
    Location,
    Municipality,
    muni_class,
    new_location,
    region,
    villages,
)
from otklik.nlp.corpus.shape import (
    KIND_COMPLAINT,
    TZ,
    UTC,
    accept,
    kind_for,
    sample_time,
    shape,
)
from otklik.nlp.corpus.templates import Template, bodies, choose_template, complaints, rural_only


@dataclass
class Draft:
    seq: int
    channel: str
    kind: str
    received_at: datetime
    text: str
    topic: str
    sector: str
    loc: Location
    level: str
    template: str  # raw body template, to find another one of the same address level
    person: Person
    repeat_of: int | None = None
    stop: str = ""  # the stop named in the text
    uses_mkr: bool = False  # the text names the neighbourhood / settlement


def quotas(count: int) -> list[Municipality]:
    """Municipality of every message: proportional to population, at least 3 each."""
    munis = region().municipalities
    total = sum(m.population for m in munis)
    floor = min(3, count // len(munis))
    exact = [count * m.population / total for m in munis]
    quota = [max(floor, math.floor(x)) for x in exact]
    # largest remainders get the rest; take back from the largest when floors overshoot
    order = sorted(range(len(munis)), key=lambda i: exact[i] - math.floor(exact[i]), reverse=True)
    i = 0
    while sum(quota) < count:
        quota[order[i % len(order)]] += 1
        i += 1
    while sum(quota) > count:
        quota[max(range(len(munis)), key=lambda j: quota[j])] -= 1
    out: list[Municipality] = []
    for m, q in zip(munis, quota, strict=True):
        out.extend([m] * q)
    return out


class TopicTable:
    """Sector → topic choice for one municipality and month, cached."""

    def __init__(self, topics: dict[str, str]):
        self.topics = {t: s for t, s in sorted(topics.items()) if t in bodies()}
        self.complaint_topics = [t for t in self.topics if t in complaints()]
        self.cache: dict[tuple[str, int], Weighted | None] = {}

    def _build(self, muni: Municipality, month: int, place: bool, season: bool):
        sh = shape()
        factors = sh.place_factor.get(muni_class(muni), {}) if place else {}
        by_sector: dict[str, tuple[list[str], list[float]]] = {}
        for topic, sector in self.topics.items():
            w = sh.topic_weights.get(topic, 1.0)
            if season and topic in sh.season:
                w *= sh.season[topic][month - 1]
            if place:
                w *= factors.get(topic, 1.0)
                if topic == "transport-river-crossings" and not muni.crossing:
                    w = 0
                if topic == "transport-suburban-trains" and not muni.train:
                    w = 0
                if topic in rural_only() and not villages(muni):
                    w = 0
            if w > 0:
                names, weights = by_sector.setdefault(sector, ([], []))
                names.append(topic)
                weights.append(w)
        if not by_sector:
            return None
        sectors = sorted(by_sector)
        return Weighted(
            [(s, Weighted(*by_sector[s])) for s in sectors],
            [sh.sector_weights.get(s, sh.unknown_sector_weight) for s in sectors],
        )

    def choose(self, rng: random.Random, muni: Municipality, month: int) -> tuple[str, str]:
        key = (muni.okato, month)
        if key not in self.cache:
            table = self._build(muni, month, place=True, season=True)
            table = table or self._build(muni, month, place=False, season=True)
            self.cache[key] = table or self._build(muni, month, place=False, season=False)
        sector, inner = self.cache[key].choice(rng)
        return inner.choice(rng), sector


def synthetic_stream(
    *, rng: random.Random, count: int, days: int, now: datetime, topics: dict[str, str]
) -> list[Draft]:
    """Drafts of messages received within [now - days, now), in the order they were received.

    topics: topic code -> sector code. Only topics of ``topics`` that have templates are
    produced; an empty intersection gives an empty stream. Deterministic for the state of
    ``rng``, which the caller may go on using (the demo draws the authors' contacts from it).
    """
    sh = shape()
    if count <= 0 or days <= 0:
        return []
    table = TopicTable(topics)
    if not table.topics:
        return []
    now = now.astimezone(TZ) if now.tzinfo else now.replace(tzinfo=TZ)
    start = (now - timedelta(days=days)).astimezone(UTC)
    span = days * 86400.0

    channels = Weighted(list(sh.channel_weights), list(sh.channel_weights.values()))
    n_repeats = round(count * sh.repeat_share) if count >= 20 else 0
    muni_queue = quotas(count - n_repeats)
    rng.shuffle(muni_queue)

    people: dict[str, list[Person]] = {}
    n_people = 0
    drafts: list[Draft] = []

    def person_for(muni: Municipality) -> Person:
        nonlocal n_people
        pool = people.setdefault(muni.okato, [])
        if pool and rng.random() < sh.author_reuse:
            return rng.choice(pool)
        n_people += 1
        p = new_person(rng, n_people)
        pool.append(p)
        return p

    def render(
        loc: Location,
        person: Person,
        when: datetime,
        topic: str,
        sector: str,
        channel: str,
        kind: str,
        tpl: Template,
        repeat: str,
    ) -> tuple[str, Filler]:
        filler = Filler(rng, loc, person, when, sector)
        text = compose(rng, filler, tpl.text, channel, kind, tpl.formal, repeat)
        return re.sub(r"[ \t]{2,}", " ", text).strip(), filler

    def original(seq: int, muni: Municipality) -> Draft:
        channel = channels.choice(rng)
        when = sample_time(rng, start, span, channel)
        kind = kind_for(rng, channel, bool(table.complaint_topics))
        if kind == KIND_COMPLAINT:
            weights = [3.0 if t == "other-gov-services" else 1.0 for t in table.complaint_topics]
            topic = Weighted(table.complaint_topics, weights).choice(rng)
            sector = table.topics[topic]
        else:
            topic, sector = table.choose(rng, muni, when.month)
        person = person_for(muni)
        home = person.home
        if home and home.muni is muni and topic in sh.flat_topics and rng.random() < 0.7:
            loc = home  # people mostly write about their own house
        else:
            loc = new_location(rng, muni, topic)
        if kind == KIND_COMPLAINT:
            tpl = rng.choice(complaints()[topic])
        else:
            tpl = choose_template(rng, bodies()[topic], kind, loc)
        if home is None and tpl.level == "house" and topic in sh.flat_topics:
            person.home = loc
        text, filler = render(loc, person, when, topic, sector, channel, kind, tpl, "")
        d = Draft(seq, channel, kind, when, text, topic, sector, loc, tpl.level, tpl.text, person)
        d.stop = filler.values.get("stop", "")
        d.uses_mkr = bool(filler.used & {"mkr", "place"})
        return d

    # ---- original messages
    for seq, muni in enumerate(muni_queue):
        drafts.append(original(seq, muni))

    # ---- repeats of earlier problems (same address and topic)
    candidates = [
        d for d in drafts if d.level in ("house", "street", "stop") and d.kind != KIND_COMPLAINT
    ]
    now_utc = now.astimezone(UTC)
    for k in range(n_repeats if candidates else 0):
        orig = rng.choice(candidates)
        channel = orig.channel
        if rng.random() < 0.8:
            while channel == orig.channel:
                channel = channels.choice(rng)
        gap = (now_utc - orig.received_at).total_seconds()
        when = orig.received_at
        for _ in range(40):
            if gap > 7200:
                delay = math.exp(rng.uniform(math.log(3600), math.log(min(gap, 25 * 86400))))
            else:
                delay = rng.random() * gap
            when = (orig.received_at + timedelta(seconds=delay)).astimezone(TZ)
            if when < now and accept(rng, when, channel):
                break
        if not when < now:
            when = orig.received_at
        kind = kind_for(rng, channel, False)
        same_author = rng.random() < 0.45
        person = orig.person if same_author else person_for(orig.loc.muni)
        level = [t for t in bodies()[orig.topic] if t.level == orig.level]
        same_level = [t for t in level if t.text != orig.template] or level
        copy = (
            orig.channel in sh.copyable_channels
            and channel in sh.copyable_channels
            and orig.kind != KIND_COMPLAINT
        )
        if copy and rng.random() < 0.15:
            # the same text posted elsewhere (a repost or a copy sent to another channel)
            text, tpl_text = strip_prefix(orig.text), orig.template
        else:
            tpl = choose_template(rng, same_level, kind, orig.loc)
            repeat = "self" if same_author else "neighbour"
            text, _ = render(
                orig.loc, person, when, orig.topic, orig.sector, channel, kind, tpl, repeat
            )
            tpl_text = tpl.text
        d = Draft(
            len(muni_queue) + k,
            channel,
            kind,
            when,
            text,
            orig.topic,
            orig.sector,
            orig.loc,
            orig.level,
            tpl_text,
            person,
            repeat_of=orig.seq,
            stop=orig.stop,
            uses_mkr=orig.uses_mkr,
        )
        drafts.append(d)

    # ---- topics without addresses have nothing to repeat: fill up with originals
    while len(drafts) < count:
        drafts.append(original(len(drafts) + n_repeats, rng.choice(muni_queue)))

    drafts.sort(key=lambda d: (d.received_at, d.seq))
    return drafts
