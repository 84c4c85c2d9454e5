"""Generator of a realistic demo stream of citizen messages for Volgograd Oblast.

Pure Python: no database, no Django models. ``otklik setup --demo`` turns the result into
messages of the platform. The stream is deterministic for a seed and follows the shape of
a real ЦУР stream:

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
"""

from __future__ import annotations

import bisect
import functools
import math
import random
import re
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from otklik.demo import places as P
from otklik.demo import texts as T

TZ = ZoneInfo("Europe/Volgograd")
UTC = ZoneInfo("UTC")

REPEAT_SHARE = 0.08
AUTHOR_REUSE = 0.12

CHANNEL_WEIGHTS: dict[str, float] = {
    "pos": 35,
    "incident": 20,
    "vk": 10,
    "web": 10,
    "telegram": 8,
    "email": 5,
    "phone": 5,
    "ok": 3,
    "paper": 3,
    "open311": 1,
}
SOCIAL_CHANNELS = frozenset({"incident", "vk", "ok"})

SECTOR_WEIGHTS: dict[str, float] = {
    "zhkh": 30,
    "roads": 15,
    "tko": 10,
    "energy": 10,
    "health": 9,
    "transport": 8,
    "education": 7,
    "social": 6,
    "other": 5,
}
UNKNOWN_SECTOR_WEIGHT = 5.0

KIND_MESSAGE = "message"
KIND_APPEAL = "appeal_59fz"
KIND_COMPLAINT = "complaint_210fz"
KIND_PUBLICATION = "publication"


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


# ------------------------------------------------------------------------------- topics
def _months(values: dict[int, float], default: float) -> tuple[float, ...]:
    return tuple(values.get(m, default) for m in range(1, 13))


_COLD = _months({1: 1, 2: 1, 3: 0.7, 4: 0.3, 5: 0.03, 9: 0.1, 10: 0.7, 11: 1, 12: 1}, 0.01)
_SNOW = _months({1: 1, 2: 1, 3: 0.3, 4: 0.02, 10: 0.02, 11: 0.4, 12: 1}, 0.0)
_HEAT_START = _months({9: 1.2, 10: 2.2, 11: 1.0, 12: 0.4, 1: 0.3, 2: 0.3, 3: 0.2, 4: 0.3}, 0.1)
_SUMMER = _months({3: 0.2, 4: 0.6, 5: 1.2, 6: 1.6, 7: 1.6, 8: 1.4, 9: 0.8, 10: 0.3, 11: 0.08}, 0.03)
_WARM = _months({1: 0.3, 2: 0.3, 3: 0.6, 4: 1, 5: 1.2, 6: 1.3, 7: 1.3, 8: 1.2, 9: 1, 10: 0.8}, 0.4)
_HOT_WATER = _months({5: 1.6, 6: 2.0, 7: 2.0, 8: 1.6}, 0.7)
_COLD_WATER = _months({5: 1.2, 6: 2.0, 7: 2.2, 8: 1.8, 9: 1.1}, 0.7)
_THAW = _months({2: 1.3, 3: 1.8, 4: 1.6, 5: 1.2, 6: 0.9, 7: 0.8, 8: 0.8, 9: 0.9}, 1.0)
_SCHOOL = _months({5: 0.8, 6: 0.2, 7: 0.1, 8: 0.5, 9: 1.3, 10: 1.2}, 1.0)
_SECOND_SHIFT = _months({6: 0.2, 7: 0.2, 8: 1.2, 9: 1.8, 10: 1.3}, 0.8)
_EXAMS = _months({2: 0.5, 3: 0.5, 4: 0.8, 5: 1.5, 6: 2.5, 7: 1.2}, 0.15)
_ENROLL = _months({3: 1.2, 4: 2.5, 5: 1.2, 6: 1.0, 7: 1.5, 8: 1.5, 9: 0.6}, 0.3)
_KINDERGARTEN = _months({5: 1.3, 6: 1.5, 7: 1.5, 8: 1.8, 9: 1.3}, 0.8)
_GAS_WINTER = _months({11: 1.5, 12: 1.6, 1: 1.6, 2: 1.5, 3: 1.2}, 0.6)
_FLU = _months({1: 1.3, 2: 1.3, 11: 1.2, 12: 1.2, 10: 1.1}, 0.9)
_HEAT_WAVE = _months({6: 1.3, 7: 1.4, 8: 1.3, 12: 1.1, 1: 1.1}, 1.0)

SEASON: dict[str, tuple[float, ...]] = {
    "zhkh-heating-outage": _COLD,
    "zhkh-heating-quality": _COLD,
    "zhkh-hot-water": _HOT_WATER,
    "zhkh-cold-water-outage": _COLD_WATER,
    "zhkh-storm-drain": _WARM,
    "zhkh-roof-leak": _THAW,
    "zhkh-courtyard-improvement": _WARM,
    "zhkh-playgrounds": _WARM,
    "zhkh-street-cleaning": _WARM,
    "zhkh-snow-courtyards": _SNOW,
    "zhkh-trees": _WARM,
    "zhkh-grass-mowing": _SUMMER,
    "zhkh-parks": _WARM,
    "zhkh-restoration-after-works": _WARM,
    "tko-container-not-emptied": _HEAT_WAVE,
    "tko-illegal-dump": _WARM,
    "tko-bulky-waste": _WARM,
    "tko-landfill": _SUMMER,
    "energy-power-outage": _HEAT_WAVE,
    "energy-gas-outage": _GAS_WINTER,
    "energy-heating-season": _HEAT_START,
    "energy-snt-power": _SUMMER,
    "education-kindergarten-places": _KINDERGARTEN,
    "education-school-enrollment": _ENROLL,
    "education-school-conditions": _SCHOOL,
    "education-school-meals": _SCHOOL,
    "education-school-transport": _SCHOOL,
    "education-second-shift": _SECOND_SHIFT,
    "education-exams": _EXAMS,
    "education-conflicts": _SCHOOL,
    "education-extra": _SCHOOL,
    "health-appointment": _FLU,
    "health-ambulance": _FLU,
    "health-children": _FLU,
    "roads-potholes": _THAW,
    "roads-repair-quality": _WARM,
    "roads-snow": _SNOW,
    "roads-unpaved": _THAW,
    "transport-river-crossings": _SUMMER,
}

TOPIC_WEIGHT: dict[str, float] = {
    "zhkh-heating-outage": 2.5,
    "zhkh-heating-quality": 2.0,
    "zhkh-hot-water": 1.5,
    "zhkh-cold-water-outage": 1.5,
    "zhkh-management-company": 1.5,
    "zhkh-courtyard-improvement": 1.3,
    "zhkh-snow-courtyards": 1.5,
    "zhkh-grass-mowing": 1.5,
    "tko-container-not-emptied": 3.0,
    "tko-illegal-dump": 1.5,
    "energy-power-outage": 2.5,
    "energy-street-lighting": 2.0,
    "energy-gas-equipment": 0.8,
    "roads-potholes": 3.0,
    "roads-snow": 2.0,
    "roads-sidewalks": 1.3,
    "health-appointment": 2.0,
    "health-care-quality": 1.3,
    "transport-schedule": 2.0,
    "transport-river-crossings": 0.5,
    "education-kindergarten-places": 1.3,
    "social-child-benefits": 1.5,
    "other-stray-animals": 1.8,
    "other-gratitude": 0.8,
}

# Kind of place the topic is about: "flat" — a block of flats, "village" — private houses.
FLAT_TOPICS = frozenset(
    {
        "zhkh-heating-outage",
        "zhkh-heating-quality",
        "zhkh-hot-water",
        "zhkh-roof-leak",
        "zhkh-entrance-repair",
        "zhkh-common-property-cleaning",
        "zhkh-elevator",
        "zhkh-management-company",
        "zhkh-dispatch-service",
        "zhkh-capital-repair",
        "zhkh-courtyard-improvement",
        "zhkh-playgrounds",
        "zhkh-snow-courtyards",
        "zhkh-housing-inspection",
        "roads-parking",
        "education-second-shift",
    }
)
VILLAGE_TOPICS = frozenset(
    {
        "roads-unpaved",
        "tko-private-sector-collection",
        "energy-gasification",
        "energy-grid-connection",
        "health-rural-care",
        "education-school-transport",
        "other-mobile-internet",
    }
)

# Multiplier of a topic by the class of the municipality.
PLACE_FACTOR: dict[str, dict[str, float]] = {
    "volgograd": {
        "health-rural-care": 0,
        "education-school-transport": 0.1,
        "energy-gasification": 0.15,
        "roads-unpaved": 0.4,
        "tko-private-sector-collection": 0.5,
        "roads-regional-highways": 0.2,
        "transport-intercity-buses": 0.4,
        "other-mobile-internet": 0.3,
        "tko-landfill": 0.4,
    },
    "volzhsky": {
        "health-rural-care": 0,
        "education-school-transport": 0.1,
        "energy-gasification": 0.15,
        "roads-unpaved": 0.4,
        "tko-private-sector-collection": 0.5,
        "roads-regional-highways": 0.3,
        "transport-intercity-buses": 0.4,
        "other-mobile-internet": 0.3,
        "other-ecology-pollution": 1.8,
    },
    "town": {
        "zhkh-elevator": 0.3,
        "education-second-shift": 0.4,
        "health-rural-care": 0.5,
        "roads-regional-highways": 1.5,
        "transport-intercity-buses": 1.5,
    },
    "rural": {
        "zhkh-elevator": 0.05,
        "zhkh-entrance-repair": 0.3,
        "zhkh-common-property-cleaning": 0.3,
        "zhkh-capital-repair": 0.4,
        "zhkh-management-company": 0.5,
        "zhkh-dispatch-service": 0.4,
        "zhkh-housing-inspection": 0.4,
        "zhkh-heating-outage": 0.5,
        "zhkh-heating-quality": 0.5,
        "zhkh-hot-water": 0.2,
        "zhkh-playgrounds": 0.6,
        "zhkh-street-cleaning": 0.5,
        "zhkh-facades-ads": 0.3,
        "roads-parking": 0.15,
        "roads-traffic-lights": 0.2,
        "education-second-shift": 0.15,
        "transport-schedule": 0.3,
        "transport-vehicle-condition": 0.5,
        "transport-driver-behaviour": 0.5,
        "transport-fares": 0.3,
        "transport-route-changes": 0.6,
        "roads-unpaved": 3,
        "health-rural-care": 3,
        "education-school-transport": 3,
        "energy-gasification": 2,
        "tko-private-sector-collection": 2.5,
        "other-mobile-internet": 2.5,
        "roads-regional-highways": 2.5,
        "transport-intercity-buses": 2.5,
        "energy-snt-power": 0.5,
        "other-ecology-pollution": 0.7,
    },
}


# ------------------------------------------------------------------------------- helpers
def _unit(key: str) -> float:
    """A stable pseudo-random number in [-1, 1] for a key (independent of PYTHONHASHSEED)."""
    return zlib.crc32(key.encode()) / 0xFFFFFFFF * 2 - 1


def _pick(key: str, options: tuple[str, ...] | list[str]) -> str:
    return options[zlib.crc32(key.encode()) % len(options)]


def _plural(n: int, forms: tuple[str, str, str]) -> str:
    if n % 10 == 1 and n % 100 != 11:
        word = forms[0]
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = forms[1]
    else:
        word = forms[2]
    return f"{n} {word}"


_DAYS = ("день", "дня", "дней")
_WEEKS = ("неделю", "недели", "недель")
_MONTHS = ("месяц", "месяца", "месяцев")
_HOURS = ("час", "часа", "часов")
_YEARS = ("год", "года", "лет")


def _bare(label: str) -> str:
    """«р.п. Быково» → «Быково», «5-й мкр., г. Камышин» → «Камышин»."""
    if ", " in label:
        label = label.rsplit(", ", 1)[1]
    return label.split(" ", 1)[1] if " " in label else label


class _Weighted:
    """Weighted choice with precomputed cumulative weights."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, items: list, weights: list[float]):
        self.items = items
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1] if self.cum else 0.0

    def choice(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


# ------------------------------------------------------------------------------- places
def _muni_class(m: P.Municipality) -> str:
    if m.okato == P.VOLGOGRAD:
        return "volgograd"
    if m.okato == P.VOLZHSKY:
        return "volzhsky"
    return "town" if m.okrug else "rural"


@dataclass(frozen=True)
class _Location:
    muni: P.Municipality
    district: P.CityDistrict | None
    index: int  # index of the settlement in muni.settlements (0 — the centre)
    place: str  # «г. Волгоград», «с. Кисловка»
    mkr: str  # neighbourhood in Volgograd, the settlement elsewhere
    street: str
    house: str

    @property
    def key(self) -> str:
        return f"{self.muni.okato}|{self.index}|{self.place}|{self.street}|{self.house}"

    @property
    def urban(self) -> bool:
        """A city or a town, where village-only texts make no sense."""
        return (
            self.muni.okato in (P.VOLGOGRAD, P.VOLZHSKY)
            or self.in_town
            or self.place.startswith("г. ")
        )

    @property
    def in_town(self) -> bool:
        """A street of the city of an urban okrug: the text needs no settlement before it."""
        return self.muni.okrug and self.place == self.muni.settlements[0]

    def prefix(self) -> str:
        if self.in_town:
            return self.place
        if self.muni.okato == P.VOLZHSKY:
            return f"г. Волжский, {self.place}"
        if self.muni.okrug:
            return f"г.о. {self.muni.short}, {self.place}"
        return f"{self.muni.short.replace(' район', ' р-н')}, {self.place}"


def _house(rng: random.Random, big: bool) -> str:
    n = int(rng.triangular(1, 160 if big else 70, 12 if big else 8))
    r = rng.random()
    if r < 0.1:
        return f"{n}{rng.choice('абв')}"
    if big and r < 0.16:
        return f"{n}/{rng.randint(1, 3)}"
    return str(n)


def _place_point(loc: _Location) -> tuple[float, float]:
    """The point of a settlement (or of a Volgograd neighbourhood) as a whole."""
    muni, d = loc.muni, loc.district
    if d:
        return (
            d.center[0] + _unit(d.okato + loc.mkr + "lat") * d.radius * 0.5,
            d.center[1] + _unit(d.okato + loc.mkr + "lon") * d.radius * 0.7,
        )
    if loc.in_town or loc.place == muni.settlements[0]:
        return muni.center
    return (
        muni.center[0] + _unit(loc.place + "lat") * muni.radius,
        muni.center[1] + _unit(loc.place + "lon") * muni.radius * 1.4,
    )


def _villages(muni: P.Municipality) -> list[int]:
    """Indices of the settlements of a municipality that are villages (not city parts)."""
    if muni.okato in (P.VOLGOGRAD, P.VOLZHSKY):
        return []
    return [i for i, s in enumerate(muni.settlements) if i and ", г." not in s]


def _new_location(rng: random.Random, muni: P.Municipality, topic: str) -> _Location:
    cls = _muni_class(muni)
    if cls == "volgograd":
        d = _DISTRICTS.choice(rng)
        street = rng.choice(d.streets)
        house = _house(rng, big=True)
        return _Location(muni, d, 0, "г. Волгоград", rng.choice(d.neighbourhoods), street, house)
    n = len(muni.settlements)
    villages = _villages(muni)
    if topic in FLAT_TOPICS or n == 1:
        index = 0
    elif topic in VILLAGE_TOPICS:
        index = rng.choice(villages) if villages else 0
    else:
        index = 0 if rng.random() < (0.8 if muni.okrug else 0.45) else rng.randrange(1, n)
    place = mkr = muni.settlements[index]
    town_street = bool(muni.streets) and (index == 0 or ", г." in place)
    if ", г." in place:  # a part of the city: «5-й мкр., г. Камышин»
        mkr, place = mkr.split(", ", 1)
    street = rng.choice(muni.streets if town_street else P.RURAL_STREETS)
    house = _house(rng, big=town_street and (cls != "town" or rng.random() < 0.6))
    return _Location(muni, None, index, place, mkr, street, house)


def _street_point(loc: _Location) -> tuple[float, float]:
    """The point of a street: the same for every message that names only the street."""
    muni, d, street = loc.muni, loc.district, loc.street
    if d:
        return (
            d.center[0] + _unit(d.okato + street + "lat") * d.radius * 0.7,
            d.center[1] + _unit(d.okato + street + "lon") * d.radius,
        )
    lat, lon = _place_point(loc)
    if loc.in_town:
        spread = 0.6 * muni.radius
    else:
        spread = 0.012 if loc.place == muni.settlements[0] else 0.006
    return (
        lat + _unit(loc.place + street + "lat") * spread,
        lon + _unit(loc.place + street + "lon") * spread * 1.4,
    )


def _house_point(loc: _Location) -> tuple[float, float]:
    lat, lon = _street_point(loc)
    key = loc.place + loc.street + loc.house
    return lat + _unit(key + "la") * 0.0015, lon + _unit(key + "lo") * 0.002


def _stop_point(loc: _Location, stop: str) -> tuple[float, float]:
    lat, lon = _place_point(loc) if not loc.district else loc.district.center
    return lat + _unit(loc.place + stop + "la") * 0.01, lon + _unit(loc.place + stop + "lo") * 0.014


_DISTRICTS = _Weighted(list(P.CITY_DISTRICTS), [d.population for d in P.CITY_DISTRICTS])


# ------------------------------------------------------------------------------- people
@dataclass
class _Person:
    key: str
    female: bool
    first: str
    patronymic: str
    last: str
    phone: str
    email: str
    home: _Location | None = None

    @property
    def full(self) -> str:
        return f"{self.last} {self.first} {self.patronymic}"

    @property
    def short(self) -> str:
        return f"{self.first} {self.last}"


_LATIN = (
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya",
)  # fmt: skip
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN, strict=True))


@functools.cache
def _translit(s: str) -> str:
    return "".join(_TRANSLIT.get(c, c) for c in s.lower())


def _female_surname(s: str) -> str:
    if s.endswith(("ов", "ев", "ин", "ын")):
        return s + "а"
    if s.endswith("ский"):
        return s[:-4] + "ская"
    if s.endswith(("ой", "ый")):
        return s[:-2] + "ая"
    return s


def _new_person(rng: random.Random, n: int) -> _Person:
    female = rng.random() < 0.58
    father = rng.choice(T.MALE_NAMES)
    surname = rng.choice(T.SURNAMES)
    if female:
        first, patronymic, last = rng.choice(T.FEMALE_NAMES), father[2], _female_surname(surname)
    else:
        first, patronymic, last = rng.choice(T.MALE_NAMES)[0], father[1], surname
    # a bijection of n onto 7 digits: phones and e-mails of different people never coincide
    digits = f"{(n * 7_654_321 + 1_234_567) % 10_000_000:07d}"
    phone = f"+7 {rng.choice(T.PHONE_PREFIXES_MOBILE)} {digits[:3]}-{digits[3:5]}-{digits[5:]}"
    lt, ft = _translit(last), _translit(first)
    local = (
        f"{lt}.{ft[0]}{n}",
        f"{ft}.{lt}{n}",
        f"{lt}{n}",
        f"{ft[0]}_{lt}{n}",
        f"{ft}{n}",
    )[rng.randrange(5)]
    email = f"{local}@{rng.choice(T.EMAIL_DOMAINS)}"
    return _Person(f"p{n:06d}", female, first, patronymic, last, phone, email)


# ------------------------------------------------------------------------------- time
_HOUR_DEFAULT = (
    0.15, 0.08, 0.05, 0.04, 0.05, 0.12, 0.35, 0.7, 1.0, 1.2, 1.25, 1.2,
    1.1, 1.1, 1.15, 1.1, 1.05, 1.0, 1.0, 1.05, 1.1, 1.0, 0.7, 0.35,
)  # fmt: skip
_HOUR_SOCIAL = (
    0.35, 0.2, 0.1, 0.06, 0.05, 0.08, 0.2, 0.5, 0.8, 0.9, 0.95, 1.0,
    1.0, 1.0, 1.0, 1.0, 1.0, 1.05, 1.15, 1.25, 1.3, 1.3, 1.05, 0.65,
)  # fmt: skip
_HOUR_PAPER = tuple(1.0 if 9 <= h < 18 and h != 13 else 0.0 for h in range(24))
_HOUR_PHONE = tuple(1.0 if 8 <= h < 20 else 0.08 for h in range(24))
_WEEKDAY_DEFAULT = (1.25, 1.15, 1.1, 1.05, 0.95, 0.6, 0.55)
_WEEKDAY_SOCIAL = (1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.9)
_WEEKDAY_PAPER = (1.0, 1.0, 1.0, 1.0, 0.9, 0.0, 0.0)
_WEEKDAY_PHONE = (1.2, 1.1, 1.1, 1.0, 1.0, 0.5, 0.4)


def _profile(channel: str) -> tuple[tuple[float, ...], tuple[float, ...], float]:
    if channel in SOCIAL_CHANNELS or channel == "telegram":
        hours, days = _HOUR_SOCIAL, _WEEKDAY_SOCIAL
    elif channel == "paper":
        hours, days = _HOUR_PAPER, _WEEKDAY_PAPER
    elif channel == "phone":
        hours, days = _HOUR_PHONE, _WEEKDAY_PHONE
    else:
        hours, days = _HOUR_DEFAULT, _WEEKDAY_DEFAULT
    return hours, days, max(hours) * max(days)


_PROFILES = {c: _profile(c) for c in CHANNEL_WEIGHTS}


def _accept(rng: random.Random, t: datetime, channel: str) -> bool:
    hours, days, top = _PROFILES.get(channel, _PROFILES["pos"])
    return rng.random() * top < hours[t.hour] * days[t.weekday()]


def _sample_time(rng: random.Random, start: datetime, span: float, channel: str) -> datetime:
    t = start
    for _ in range(200):
        t = (start + timedelta(seconds=rng.random() * span)).astimezone(TZ)
        if _accept(rng, t, channel):
            break
    return t


# ------------------------------------------------------------------------------- templates
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_GENDER = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")
_CHOICE = re.compile(r"\[([^\[\]]+)\]")
_WORD = re.compile(r"\b[а-яё]{5,}\b")


def _level(template: str) -> str:
    names = set(_PLACEHOLDER.findall(template))
    if names & {"addr", "house"}:
        return "house"
    if "street" in names:
        return "street"
    if "stop" in names:
        return "stop"
    if names & {"place", "mkr", "locality"}:
        return "place"
    return ""


@dataclass(frozen=True)
class _Template:
    text: str
    length: int
    level: str
    formal: bool
    rural: bool  # fits a village or a small settlement only


def _template(raw: str) -> _Template:
    text = raw.removeprefix("@")
    formal = text.startswith(("Прошу", "Уважаем", "Жалоба"))
    return _Template(text, len(text), _level(text), formal, raw.startswith("@"))


def _templates(source: dict[str, tuple[str, ...]]) -> dict[str, list[_Template]]:
    return {topic: [_template(t) for t in items] for topic, items in source.items()}


_BODY = _templates(T.TEMPLATES)
_COMPLAINT = _templates(T.COMPLAINTS_210FZ)
_RURAL_ONLY = frozenset(topic for topic, items in _BODY.items() if all(t.rural for t in items))


def _choose_template(
    rng: random.Random, items: list[_Template], kind: str, loc: _Location
) -> _Template:
    if loc.urban:
        items = [t for t in items if not t.rural] or items
    if kind == KIND_PUBLICATION:
        informal = [t for t in items if not t.formal] or items
        return _Weighted(informal, [t.length**-0.8 for t in informal]).choice(rng)
    if kind == KIND_APPEAL:
        return _Weighted(items, [t.length**0.8 for t in items]).choice(rng)
    return rng.choice(items)


# ------------------------------------------------------------------------------- filling
_VOLGOGRAD_VEHICLES = _Weighted(["автобус", "маршрутка", "трамвай", "троллейбус"], [4, 2.5, 2, 1.5])
_VOLZHSKY_VEHICLES = _Weighted(["автобус", "маршрутка", "трамвай"], [5, 2.5, 2.5])
_TOWN_VEHICLES = _Weighted(["автобус", "маршрутка"], [7, 3])
_RURAL_STOPS = ("Центр", "Магазин", "Школа", "Поворот", "Автостанция", "Почта")
_KINDERGARTEN_NAMES = ("Солнышко", "Колосок", "Ромашка", "Теремок", "Ручеек", "Березка", "Аленка")


class _Filler:
    """Resolves the placeholders of one message; every value is computed once."""

    def __init__(
        self,
        rng: random.Random,
        loc: _Location,
        person: _Person,
        when: datetime,
        sector: str,
    ):
        self.rng = rng
        self.loc = loc
        self.person = person
        self.when = when
        self.sector = sector
        self.values: dict[str, str] = {}
        self.used: set[str] = set()

    # -- public
    def fill(self, raw: str) -> str:
        rng = self.rng
        for _ in range(2):  # choices may nest one level deep
            raw = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), raw)
        female = self.person.female
        raw = _GENDER.sub(lambda m: m.group(2) if female else m.group(1), raw)
        return _PLACEHOLDER.sub(self._sub, raw)

    def _sub(self, m: re.Match) -> str:
        name = m.group(1)
        self.used.add(name)
        if name not in self.values:
            self.values[name] = self._resolve(name)
        return self.values[name]

    # -- values
    def _resolve(self, name: str) -> str:  # a flat dispatch table reads best here
        rng, loc, muni, d = self.rng, self.loc, self.loc.muni, self.loc.district
        cls = _muni_class(muni)
        if name == "place":
            return loc.mkr if d else loc.place
        if name == "locality":
            if d or loc.in_town or not muni.okrug:
                return loc.place
            return f"г. Волжский, {loc.place}" if cls == "volzhsky" else loc.place
        if name == "mkr":
            return loc.mkr
        if name == "street":
            return loc.street
        if name == "house":
            return loc.house
        if name == "addr":
            return self._addr()
        if name == "home":
            return f"{loc.prefix()}, {loc.street}, д. {loc.house}, кв. {self._resolve('flat')}"
        if name == "flat":
            return str(rng.randint(1, 220 if loc.in_town else 48))
        if name == "entrance":
            return str(rng.randint(1, 6))
        if name == "area":
            return d.loc if d else muni.loc
        if name == "district_gen":
            return d.gen if d else muni.gen
        if name == "admin":
            if d:
                return f"администрация {d.gen}"
            if muni.okrug or loc.index == 0:
                return f"администрация {muni.gen}"
            return "администрация поселения"
        if name == "stop":
            return self._stop()
        if name == "park":
            return self._park()
        if name == "river":
            return muni.river
        if name == "crossing":
            return muni.crossing or "паромная переправа"
        if name == "train":
            return muni.train or "электричка"
        if name == "highway":
            return self._highway()
        if name == "bus_line":
            return self._bus_line()
        if name == "snt":
            return _pick(loc.key + "snt", P.SNT_NAMES)
        if name == "uk":
            pool = P.MANAGING_COMPANIES if loc.in_town else P.RURAL_MANAGING_COMPANIES
            return _pick(f"{loc.place}|{loc.street}|{loc.house}", pool)
        if name == "water_org":
            return P.WATER_VOLGOGRAD if cls == "volgograd" else "МУП «Водоканал»"
        if name == "heat_org":
            if cls == "volgograd":
                return P.HEAT_VOLGOGRAD
            return "«Волжские тепловые сети»" if cls == "volzhsky" else "МУП «Теплосеть»"
        if name == "power_org":
            if cls == "volgograd":
                return _pick(loc.key + "grid", (P.GRID_CITY, P.GRID_REGION))
            if cls in ("volzhsky", "town"):
                return P.GRID_OBL
            return _pick(loc.place + "grid", (P.GRID_REGION, P.GRID_OBL))
        if name == "energosbyt":
            return P.ENERGOSBYT
        if name == "gas_org":
            return P.GAS_NETWORK
        if name == "tko_org":
            if cls == "volzhsky" and rng.random() < 0.5:
                return P.TKO_OPERATOR_VOLZHSKY
            return P.TKO_OPERATOR
        if name == "road_org":
            if d:
                return d.road_org
            return "МБУ «Комбинат благоустройства»" if cls == "volzhsky" else "дорожная служба"
        if name == "transport_org":
            vehicle = self._resolve_cached("vehicle")
            return P.TRAM_OPERATOR if vehicle in ("трамвай", "троллейбус") else "перевозчик"
        if name == "org":
            return self._org()
        if name == "school":
            return self._school()
        if name == "kindergarten":
            return self._kindergarten()
        if name == "hospital":
            if cls == "volgograd":
                return _pick(loc.key + "hosp", P.VOLGOGRAD_HOSPITALS)
            return muni.hospital
        if name == "polyclinic":
            if cls == "volgograd":
                n = 1 + zlib.crc32((loc.key + "pol").encode()) % 30
                return f"ГУЗ «{'Клиническая поликлиника' if n < 6 else 'Поликлиника'} № {n}»"
            if cls == "volzhsky":
                return f"ГБУЗ «Городская поликлиника № {1 + zlib.crc32(loc.key.encode()) % 6}»"
            return muni.hospital
        if name == "child_polyclinic":
            if cls == "volgograd":
                return f"ГУЗ «Детская поликлиника № {1 + zlib.crc32(loc.key.encode()) % 31}»"
            if cls == "volzhsky":
                return f"ГБУЗ «Детская городская поликлиника № {1 + rng.randrange(3)}»"
            return muni.hospital
        if name == "vehicle":
            return self._vehicle()
        if name == "vehicle_gen":
            return P.VEHICLE_FORMS[self._resolve_cached("vehicle")][0]
        if name == "vehicle_acc":
            return P.VEHICLE_FORMS[self._resolve_cached("vehicle")][1]
        if name == "route_no":
            return self._route()
        if name == "days":
            return _plural(int(rng.triangular(2, 22, 3)), _DAYS)
        if name == "weeks":
            return _plural(rng.randint(2, 6), _WEEKS)
        if name == "months":
            return _plural(rng.randint(2, 8), _MONTHS)
        if name == "hours":
            return _plural(rng.randint(2, 9), _HOURS)
        if name == "date":
            return (self.when - timedelta(days=rng.randint(3, 45))).strftime("%d.%m.%Y")
        if name == "time":
            return f"{rng.randint(6, 21)}:{rng.choice(('05', '15', '20', '30', '40', '50'))}"
        if name == "year":
            return str(self.when.year - 1)
        if name == "year_q":
            return str(self.when.year - rng.randint(1, 5))
        if name == "year_built":
            return str(1955 + zlib.crc32(loc.key.encode()) % 35)
        if name == "year_ae":
            return str(rng.randint(2012, min(2022, self.when.year - 1)))
        if name == "temp":
            return str(rng.randint(11, 17))
        if name == "sum":
            return f"{rng.randrange(4500, 14000, 10):,}".replace(",", " ")
        if name == "old_age":
            return _plural(rng.randint(74, 93), _YEARS)
        if name == "kid_age":
            return _plural(rng.randint(2, 6), _YEARS)
        if name == "child_age":
            return _plural(rng.randint(7, 15), _YEARS)
        if name == "author":
            return self.person.full
        raise KeyError(f"unknown placeholder {{{name}}}")

    def _resolve_cached(self, name: str) -> str:
        if name not in self.values:
            self.values[name] = self._resolve(name)
        return self.values[name]

    def _addr(self) -> str:
        loc, r = self.loc, self.rng.random()
        street, house = loc.street, loc.house
        if r < 0.45:
            text = f"{street}, д. {house}"
        elif r < 0.8:
            text = f"{street}, {house}"
        elif street.startswith("ул. "):
            text = f"{street[4:]} {house}"
        else:
            text = f"{street} {house}"
        return text if loc.in_town else f"{loc.place}, {text}"

    def _stop(self) -> str:
        loc, muni = self.loc, self.loc.muni
        if loc.district:
            return _pick(loc.key + "stop", loc.district.stops)
        if muni.okato == P.VOLZHSKY:
            return _pick(loc.key + "stop", P.VOLZHSKY_STOPS)
        if loc.in_town:
            return _pick(loc.key + "stop", P.TOWN_STOPS)
        return _pick(loc.key + "stop", _RURAL_STOPS)

    def _park(self) -> str:
        loc = self.loc
        if loc.district and loc.district.name == "Центральный":
            return _pick(loc.key + "park", ("ЦПКиО", "Комсомольском саду", "сквере у Вечного огня"))
        if loc.district or loc.muni.okato == P.VOLZHSKY:
            return f"сквере у остановки «{self._resolve_cached('stop')}»"
        return _pick(loc.key + "park", ("парке у дома культуры", "центральном сквере"))

    def _centre(self) -> str:
        return _bare(self.loc.muni.settlements[0])

    def _highway(self) -> str:
        muni, rng = self.loc.muni, self.rng
        if not muni.okrug and self.loc.index and rng.random() < 0.5:
            return f"{_bare(self.loc.place)} — {self._centre()}"
        start = "Волгоград" if muni.okato == P.VOLGOGRAD else self._centre()
        ends = [n for n in muni.neighbours if n != start] or ["Волгоград"]
        return f"{start} — {rng.choice(ends)}"

    def _bus_line(self) -> str:
        loc, muni = self.loc, self.loc.muni
        if muni.okato == P.VOLGOGRAD:
            return f"Волгоград — {self.rng.choice(muni.neighbours)}"
        here = _bare(loc.place)
        if loc.index and not muni.okrug and self.rng.random() < 0.5:
            return f"{here} — {self._centre()}"
        return f"{here} — Волгоград"

    def _org(self) -> str:
        s, cls = self.sector, _muni_class(self.loc.muni)
        if s == "zhkh":
            return self._resolve_cached("uk")
        if s == "tko":
            return self._resolve_cached("tko_org")
        if s == "energy":
            return self._resolve_cached("power_org")
        if s == "roads":
            road = self._resolve_cached("road_org")
            return road if "«" in road else "дорожную службу"
        if s == "transport":
            org = self._resolve_cached("transport_org")
            return org if "«" in org else "комитет транспорта"
        if s == "health":
            return self._resolve_cached("hospital")
        if s == "education":
            return "департамент по образованию" if cls == "volgograd" else "отдел образования"
        if s == "social":
            return "соцзащиту"
        return "администрацию"

    def _school(self) -> str:
        loc, cls = self.loc, _muni_class(self.loc.muni)
        h = zlib.crc32((loc.key + "school").encode())
        if cls == "volgograd":
            r = h % 100
            if r < 12:
                return f"МОУ «Лицей № {1 + h % 10}»"
            if r < 25:
                return f"МОУ «Гимназия № {1 + h % 17}»"
            return f"МОУ СШ № {1 + h % 140}"
        if cls == "volzhsky":
            return f"МОУ СШ № {1 + h % 37}"
        if loc.in_town:
            return f"МОУ СШ № {1 + h % 12}"
        if loc.index == 0:
            return f"МКОУ СШ № {1 + h % 3} {loc.place}"
        return f"МКОУ СШ {loc.place}"

    def _kindergarten(self) -> str:
        loc, cls = self.loc, _muni_class(self.loc.muni)
        h = zlib.crc32((loc.key + "kg").encode())
        if cls == "volgograd":
            return f"МОУ «Детский сад № {1 + h % 400}»"
        if cls == "volzhsky":
            return f"МДОУ «Детский сад № {1 + h % 90}»"
        return f"МКДОУ «Детский сад «{_KINDERGARTEN_NAMES[h % len(_KINDERGARTEN_NAMES)]}»»"

    def _vehicle(self) -> str:
        cls = _muni_class(self.loc.muni)
        if cls == "volgograd":
            return _VOLGOGRAD_VEHICLES.choice(self.rng)
        if cls == "volzhsky":
            return _VOLZHSKY_VEHICLES.choice(self.rng)
        if self.loc.in_town or self.loc.index == 0:
            return _TOWN_VEHICLES.choice(self.rng)
        return "автобус"

    def _route(self) -> str:
        vehicle = self._resolve_cached("vehicle")
        cls = _muni_class(self.loc.muni)
        if cls == "volgograd":
            return self.rng.choice(P.VOLGOGRAD_ROUTES[vehicle])
        if cls == "volzhsky":
            return self.rng.choice(P.VOLZHSKY_ROUTES[vehicle])
        if self.loc.in_town or self.loc.index == 0:
            return self.rng.choice(P.TOWN_ROUTES[vehicle])
        return self.rng.choice(P.SUBURBAN_ROUTES)


# ------------------------------------------------------------------------------- text
def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and out[-1] not in ".!?»)…:":
            out += "."
        out = f"{out} {_capitalize(part)}" if out else part
    return out


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _greeting(rng: random.Random, when: datetime) -> str:
    if rng.random() < 0.5:
        return rng.choice(T.GREETINGS)
    if 5 <= when.hour < 11:
        return rng.choice(T.GREETINGS_MORNING)
    if 11 <= when.hour < 18:
        return rng.choice(T.GREETINGS_DAY)
    if 18 <= when.hour < 24:
        return rng.choice(T.GREETINGS_EVENING)
    return rng.choice(T.GREETINGS)


def _typos(rng: random.Random, text: str, n: int) -> str:
    for _ in range(n):
        op = rng.random()
        if op < 0.15 and "ться" in text:
            text = text.replace("ться", "тся", 1)
            continue
        if op < 0.25 and ", " in text:
            i = text.index(", ")
            text = text[:i] + text[i + 1 :]
            continue
        words = list(_WORD.finditer(text))
        if not words:
            break
        m = rng.choice(words)
        w = m.group()
        i = rng.randrange(1, len(w) - 2)
        if op < 0.6:
            w = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
        elif op < 0.85:
            w = w[:i] + w[i + 1 :]
        else:
            w = w[:i] + w[i] + w[i:]
        text = text[: m.start()] + w + text[m.end() :]
    return text


def _compose(
    rng: random.Random,
    filler: _Filler,
    body: str,
    channel: str,
    kind: str,
    formal_body: bool,
    repeat: str,
) -> str:
    """Wraps the body in the framing of the channel and kind, fills it, adds typos."""
    parts: list[str] = []
    author = filler.person
    if repeat == "self" and rng.random() < 0.7:
        body = f"{rng.choice(T.REPEAT_PREFIXES)} {_capitalize(body)}"
    elif repeat == "neighbour" and rng.random() < 0.25:
        body = f"{rng.choice(T.NEIGHBOUR_REPEAT_PREFIXES)} {_capitalize(body)}"
    angry = rng.random() < (0.14 if repeat else 0.07)

    if kind in (KIND_APPEAL, KIND_COMPLAINT):
        if not body.startswith("Уважаем") and rng.random() < 0.7:
            parts.append(rng.choice(T.FORMAL_OPENINGS))
        if kind == KIND_APPEAL and rng.random() < 0.55:
            if _level(body) == "house" and rng.random() < 0.6:
                parts.append(rng.choice(T.FORMAL_INTROS_HOME))
            else:
                parts.append(rng.choice(T.FORMAL_INTROS))
        parts.append(body if formal_body else _capitalize(body))
        if kind == KIND_APPEAL and rng.random() < 0.75:
            parts.extend(rng.sample(T.FORMAL_DETAILS, rng.choice((1, 1, 2, 2, 3))))
        if angry:
            parts.append(rng.choice(T.ESCALATIONS))
        if rng.random() < 0.8:
            parts.append(rng.choice(T.FORMAL_CLOSINGS))
        text = _capitalize(filler.fill(_join(parts)))
        if channel == "paper" and rng.random() < 0.3:
            text += "\n\n" + rng.choice(T.PAPER_ATTACHMENTS)
        if channel == "email":
            text += f"\n\nС уважением, {author.full}"
        return _typos(rng, text, 1) if rng.random() < 0.04 else text

    if kind == KIND_PUBLICATION:
        prefix = ""
        if channel == "incident" and rng.random() < 0.35:
            prefix = filler.fill(rng.choice(T.INCIDENT_PREFIXES))
        text = body
        if rng.random() < 0.3:
            suffix = rng.choice(T.SOCIAL_SUFFIXES)
            text = text.rstrip(".") + ("" if text[-1:] in "!?" else ".") + suffix
        if angry:
            text = _join([text, rng.choice(T.ESCALATIONS)])
        text = filler.fill(text)
        if rng.random() < 0.25:
            text = text[:1].lower() + text[1:]
        elif body[:1] in "{[":
            text = _capitalize(text)
        if rng.random() < 0.4:
            text = text.rstrip(".")
        text = prefix + text
        return _typos(rng, text, 1 + (rng.random() < 0.2)) if rng.random() < 0.2 else text

    # message: ПОС, web, e-mail, Telegram, phone, Open311
    greet = {"pos": 0.35, "web": 0.4, "email": 0.75, "telegram": 0.3, "phone": 0.0}.get(channel, 0)
    if rng.random() < greet:
        parts.append(_greeting(rng, filler.when))
    parts.append(body)
    if angry:
        parts.append(rng.choice(T.ESCALATIONS))
    if channel != "open311" and rng.random() < 0.35:
        ending = rng.choice(T.ENDINGS)
        if ending not in body:
            parts.append(ending)
    text = filler.fill(_join(parts))
    if len(parts) > 1 or body[:1] in "{[":
        text = _capitalize(text)  # a lowercase start stays only in a bare colloquial body
    if channel == "phone":
        text = _capitalize(text)
        if rng.random() < 0.75:
            text = rng.choice(T.PHONE_PREFIXES) + text
    if channel == "email":
        thanks = "Спасибо" if "пасибо" not in text and rng.random() < 0.3 else "С уважением"
        text += f"\n\n{thanks}, {author.short}"
        if rng.random() < 0.5:
            text += f"\nтел. {author.phone}"
    return _typos(rng, text, 1) if rng.random() < 0.1 else text


# ------------------------------------------------------------------------------- stream
@dataclass
class _Draft:
    seq: int
    channel: str
    kind: str
    received_at: datetime
    text: str
    topic: str
    sector: str
    loc: _Location
    level: str
    template: str  # raw body template, to find another one of the same address level
    person: _Person
    repeat_of: int | None = None
    stop: str = ""  # the stop named in the text
    uses_mkr: bool = False  # the text names the neighbourhood / settlement


_COPYABLE = frozenset({"pos", "web", "telegram", "vk", "ok", "incident", "open311"})


_INCIDENT_PREFIX = re.compile(
    r"^(Подписчи(к|ца) пишет|Пишет подписчи(к|ца)|Из предложки|Жалоба от читателя"
    r"|Жители жалуются|Анонимно): "
)


def _strip_prefix(text: str) -> str:
    """The text of a social-network post without the words of the page that reposted it."""
    return _capitalize(_INCIDENT_PREFIX.sub("", text, count=1))


def _address(d: _Draft) -> str:
    loc = d.loc
    if d.level == "house":
        return f"{loc.prefix()}, {loc.street}, д. {loc.house}"
    if d.level == "street":
        return f"{loc.prefix()}, {loc.street}"
    if d.level == "stop":
        return f"{loc.prefix()}, остановка «{d.stop}»"
    if d.level == "place":
        if loc.muni.okato == P.VOLGOGRAD:
            return f"г. Волгоград, {loc.mkr}" if d.uses_mkr else ""
        if loc.muni.okrug and loc.index == 0:
            return ""
        return loc.prefix()
    return ""


_GEO_SHARE = {
    "pos": 0.9,
    "open311": 1.0,
    "incident": 0.5,
    "vk": 0.3,
    "ok": 0.2,
    "telegram": 0.6,
    "web": 0.7,
    "email": 0.2,
    "phone": 0.4,
    "paper": 0.3,
}


def _quotas(count: int) -> list[P.Municipality]:
    """Municipality of every message: proportional to population, at least 3 each."""
    munis = P.MUNICIPALITIES
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
    out: list[P.Municipality] = []
    for m, q in zip(munis, quota, strict=True):
        out.extend([m] * q)
    return out


class _TopicTable:
    """Sector → topic choice for one municipality and month, cached."""

    def __init__(self, topics: dict[str, str]):
        self.topics = {t: s for t, s in sorted(topics.items()) if t in _BODY}
        self.complaint_topics = [t for t in self.topics if t in _COMPLAINT]
        self.cache: dict[tuple[str, int], _Weighted | None] = {}

    def _build(self, muni: P.Municipality, month: int, place: bool, season: bool):
        factors = PLACE_FACTOR.get(_muni_class(muni), {}) if place else {}
        by_sector: dict[str, tuple[list[str], list[float]]] = {}
        for topic, sector in self.topics.items():
            w = TOPIC_WEIGHT.get(topic, 1.0)
            if season and topic in SEASON:
                w *= SEASON[topic][month - 1]
            if place:
                w *= factors.get(topic, 1.0)
                if topic == "transport-river-crossings" and not muni.crossing:
                    w = 0
                if topic == "transport-suburban-trains" and not muni.train:
                    w = 0
                if topic in _RURAL_ONLY and not _villages(muni):
                    w = 0
            if w > 0:
                names, weights = by_sector.setdefault(sector, ([], []))
                names.append(topic)
                weights.append(w)
        if not by_sector:
            return None
        sectors = sorted(by_sector)
        return _Weighted(
            [(s, _Weighted(*by_sector[s])) for s in sectors],
            [SECTOR_WEIGHTS.get(s, UNKNOWN_SECTOR_WEIGHT) for s in sectors],
        )

    def choose(self, rng: random.Random, muni: P.Municipality, month: int) -> tuple[str, str]:
        key = (muni.okato, month)
        if key not in self.cache:
            table = self._build(muni, month, place=True, season=True)
            table = table or self._build(muni, month, place=False, season=True)
            self.cache[key] = table or self._build(muni, month, place=False, season=False)
        sector, inner = self.cache[key].choice(rng)
        return inner.choice(rng), sector


def _kind_for(rng: random.Random, channel: str, complaint_possible: bool) -> str:
    if channel in SOCIAL_CHANNELS:
        return KIND_PUBLICATION
    if channel == "paper":
        return KIND_APPEAL
    if channel == "pos":
        r = rng.random()
        if r < 0.05 and complaint_possible:
            return KIND_COMPLAINT
        if r < 0.22:
            return KIND_APPEAL
    return KIND_MESSAGE


def _author_fields(rng: random.Random, person: _Person, channel: str) -> tuple[str, str, str]:
    if channel in SOCIAL_CHANNELS or channel == "telegram":
        anonymous = {"incident": 0.5, "vk": 0.25, "ok": 0.15, "telegram": 0.3}[channel]
        name = "" if rng.random() < anonymous else person.short
        return name, "", ""
    name = "" if channel == "phone" and rng.random() < 0.08 else person.full
    phone_share = {
        "pos": 0.95,
        "web": 0.6,
        "email": 0.3,
        "phone": 1.0,
        "paper": 0.5,
        "open311": 0.4,
    }
    email_share = {
        "pos": 0.8,
        "web": 1.0,
        "email": 1.0,
        "open311": 0.7,
        "paper": 0.1,
        "phone": 0.05,
    }
    phone = person.phone if rng.random() < phone_share.get(channel, 0) else ""
    email = person.email if rng.random() < email_share.get(channel, 0) else ""
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

    def make(self, d: _Draft) -> str:
        rng, ch, t = self.rng, d.channel, d.received_at
        if ch in self.counters:
            self.counters[ch] += rng.randint(1, {"pos": 45, "incident": 250, "open311": 12}[ch])
            return str(self.counters[ch])
        if ch == "vk":  # city publics: several for the big cities, one for a district
            publics = {P.VOLGOGRAD: 4, P.VOLZHSKY: 2}.get(d.loc.muni.okato, 1)
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
    if count <= 0 or days <= 0:
        return []
    table = _TopicTable(topics)
    if not table.topics:
        return []
    rng = random.Random(seed)
    now = now.astimezone(TZ) if now.tzinfo else now.replace(tzinfo=TZ)
    start = (now - timedelta(days=days)).astimezone(UTC)
    span = days * 86400.0

    channels = _Weighted(list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values()))
    n_repeats = round(count * REPEAT_SHARE) if count >= 20 else 0
    muni_queue = _quotas(count - n_repeats)
    rng.shuffle(muni_queue)

    people: dict[str, list[_Person]] = {}
    n_people = 0
    drafts: list[_Draft] = []

    def person_for(muni: P.Municipality) -> _Person:
        nonlocal n_people
        pool = people.setdefault(muni.okato, [])
        if pool and rng.random() < AUTHOR_REUSE:
            return rng.choice(pool)
        n_people += 1
        p = _new_person(rng, n_people)
        pool.append(p)
        return p

    def render(
        loc: _Location,
        person: _Person,
        when: datetime,
        topic: str,
        sector: str,
        channel: str,
        kind: str,
        tpl: _Template,
        repeat: str,
    ) -> tuple[str, _Filler]:
        filler = _Filler(rng, loc, person, when, sector)
        text = _compose(rng, filler, tpl.text, channel, kind, tpl.formal, repeat)
        return re.sub(r"[ \t]{2,}", " ", text).strip(), filler

    def original(seq: int, muni: P.Municipality) -> _Draft:
        channel = channels.choice(rng)
        when = _sample_time(rng, start, span, channel)
        kind = _kind_for(rng, channel, bool(table.complaint_topics))
        if kind == KIND_COMPLAINT:
            weights = [3.0 if t == "other-gov-services" else 1.0 for t in table.complaint_topics]
            topic = _Weighted(table.complaint_topics, weights).choice(rng)
            sector = table.topics[topic]
        else:
            topic, sector = table.choose(rng, muni, when.month)
        person = person_for(muni)
        home = person.home
        if home and home.muni is muni and topic in FLAT_TOPICS and rng.random() < 0.7:
            loc = home  # people mostly write about their own house
        else:
            loc = _new_location(rng, muni, topic)
        if kind == KIND_COMPLAINT:
            tpl = rng.choice(_COMPLAINT[topic])
        else:
            tpl = _choose_template(rng, _BODY[topic], kind, loc)
        if home is None and tpl.level == "house" and topic in FLAT_TOPICS:
            person.home = loc
        text, filler = render(loc, person, when, topic, sector, channel, kind, tpl, "")
        d = _Draft(seq, channel, kind, when, text, topic, sector, loc, tpl.level, tpl.text, person)
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
            if when < now and _accept(rng, when, channel):
                break
        if not when < now:
            when = orig.received_at
        kind = _kind_for(rng, channel, False)
        same_author = rng.random() < 0.45
        person = orig.person if same_author else person_for(orig.loc.muni)
        level = [t for t in _BODY[orig.topic] if t.level == orig.level]
        same_level = [t for t in level if t.text != orig.template] or level
        copy = orig.channel in _COPYABLE and channel in _COPYABLE and orig.kind != KIND_COMPLAINT
        if copy and rng.random() < 0.15:
            # the same text posted elsewhere (a repost or a copy sent to another channel)
            text, tpl_text = _strip_prefix(orig.text), orig.template
        else:
            tpl = _choose_template(rng, same_level, kind, orig.loc)
            repeat = "self" if same_author else "neighbour"
            text, _ = render(
                orig.loc, person, when, orig.topic, orig.sector, channel, kind, tpl, repeat
            )
            tpl_text = tpl.text
        d = _Draft(
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

    # ---- ids in time order, final records
    drafts.sort(key=lambda d: (d.received_at, d.seq))
    ids = _Ids(random.Random(seed ^ 0x5EED))
    out: list[DemoMessage] = []
    for d in drafts:
        address = _address(d)
        lat = lon = None
        if address and rng.random() < _GEO_SHARE.get(d.channel, 0.5):
            if d.level == "house":
                lat, lon = _house_point(d.loc)
            elif d.level == "street":
                lat, lon = _street_point(d.loc)
            elif d.level == "stop":
                lat, lon = _stop_point(d.loc, d.stop)
            else:
                lat, lon = _place_point(d.loc)
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
