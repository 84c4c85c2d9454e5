"""Places of Volgograd Oblast (otklik/directory/data/places.toml) and locations in them.

A location is a settlement (a neighbourhood in Volgograd), a street and a house; its points
are stable for a key, so every message about the same house, street or stop lands on the
same coordinates.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field

from otklik.nlp import resources
from otklik.nlp.corpus.draw import Weighted, unit
from otklik.nlp.corpus.shape import shape

VOLGOGRAD = "18401"
VOLZHSKY = "18410"


@dataclass(frozen=True)
class CityDistrict:
    """An internal district of Volgograd (not a municipality)."""

    okato: str
    name: str  # "Дзержинский"
    loc: str  # "в Дзержинском районе"
    gen: str  # "Дзержинского района"
    population: int
    center: tuple[float, float]
    streets: tuple[str, ...]
    neighbourhoods: tuple[str, ...]
    stops: tuple[str, ...]
    road_org: str  # municipal road maintenance body of this part of the city
    radius: float = 0.03


@dataclass(frozen=True)
class Municipality:
    okato: str
    name: str  # official-ish name
    short: str  # "Быковский район", "Волжский"
    okrug: bool  # городской округ (True) or муниципальный район (False)
    loc: str  # "в Быковском районе", "в Волжском"
    gen: str  # "Быковского района", "г. Волжского"
    center: tuple[float, float]
    population: int
    settlements: tuple[str, ...]  # first one is the administrative centre
    river: str  # accusative: "мост через {river}"
    hospital: str  # central hospital of the municipality, case-safe («ГБУЗ «… ЦРБ»»)
    streets: tuple[str, ...] = ()  # streets of the centre when it is a town
    radius: float = 0.25  # spread of the settlements around the centre, degrees
    crossing: str = ""  # river crossing that people complain about, "" when none
    train: str = ""  # suburban train that people complain about, "" when none
    neighbours: tuple[str, ...] = field(default=("Волгоград",))


@dataclass(frozen=True)
class Region:
    """Everything of places.toml, as tuples and choices."""

    city_districts: tuple[CityDistrict, ...]
    municipalities: tuple[Municipality, ...]
    municipality_by_okato: dict[str, Municipality]
    districts: Weighted  # city districts by population
    rural_streets: tuple[str, ...]
    rural_stops: tuple[str, ...]
    town_stops: tuple[str, ...]
    volzhsky_stops: tuple[str, ...]
    central_parks: tuple[str, ...]
    town_parks: tuple[str, ...]
    snt_names: tuple[str, ...]
    volgograd_hospitals: tuple[str, ...]
    kindergarten_names: tuple[str, ...]
    managing_companies: tuple[str, ...]
    rural_managing_companies: tuple[str, ...]
    organisations: dict[str, str]
    routes: dict[str, dict[str, tuple[str, ...]]]  # class of municipality → vehicle → numbers
    suburban_routes: tuple[str, ...]
    vehicle_forms: dict[str, tuple[str, str]]  # nominative → (genitive, accusative)
    vehicles: dict[str, Weighted]  # class of municipality → vehicle


def _tuples(row: dict, skip: tuple[str, ...] = ()) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in row.items() if k not in skip}


@functools.cache
def region() -> Region:
    data = resources.reference("places")
    districts = tuple(
        CityDistrict(**_tuples(d, skip=("municipality",))) for d in data["city_district"]
    )
    munis = tuple(Municipality(**_tuples(m)) for m in data["municipality"])
    names = (
        "rural_streets", "rural_stops", "town_stops", "volzhsky_stops", "central_parks",
        "town_parks", "snt_names", "volgograd_hospitals", "kindergarten_names",
        "managing_companies", "rural_managing_companies",
    )  # fmt: skip
    routes = dict(data["routes"])
    suburban = tuple(routes.pop("suburban"))
    vehicles = data["vehicles"]
    return Region(
        city_districts=districts,
        municipalities=munis,
        municipality_by_okato={m.okato: m for m in munis},
        districts=Weighted(list(districts), [d.population for d in districts]),
        organisations=dict(data["organisations"]),
        routes={cls: _tuples(by_vehicle) for cls, by_vehicle in routes.items()},
        suburban_routes=suburban,
        vehicle_forms=_tuples(vehicles["forms"]),
        vehicles={
            cls: Weighted(list(weights), list(weights.values()))
            for cls, weights in vehicles["weights"].items()
        },
        **{name: tuple(data[name]) for name in names},
    )


def muni_class(m: Municipality) -> str:
    if m.okato == VOLGOGRAD:
        return "volgograd"
    if m.okato == VOLZHSKY:
        return "volzhsky"
    return "town" if m.okrug else "rural"


def bare(label: str) -> str:
    """«р.п. Быково» → «Быково», «5-й мкр., г. Камышин» → «Камышин»."""
    if ", " in label:
        label = label.rsplit(", ", 1)[1]
    return label.split(" ", 1)[1] if " " in label else label


@dataclass(frozen=True)
class Location:
    muni: Municipality
    district: CityDistrict | None
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
            self.muni.okato in (VOLGOGRAD, VOLZHSKY) or self.in_town or self.place.startswith("г. ")
        )

    @property
    def in_town(self) -> bool:
        """A street of the city of an urban okrug: the text needs no settlement before it."""
        return self.muni.okrug and self.place == self.muni.settlements[0]

    def prefix(self) -> str:
        if self.in_town:
            return self.place
        if self.muni.okato == VOLZHSKY:
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


def villages(muni: Municipality) -> list[int]:
    """Indices of the settlements of a municipality that are villages (not city parts)."""
    if muni.okato in (VOLGOGRAD, VOLZHSKY):
        return []
    return [i for i, s in enumerate(muni.settlements) if i and ", г." not in s]


def new_location(rng: random.Random, muni: Municipality, topic: str) -> Location:
    """A new address in the municipality, of the kind of place the topic is about."""
    flat_topics, village_topics = shape().flat_topics, shape().village_topics
    cls = muni_class(muni)
    if cls == "volgograd":
        d = region().districts.choice(rng)
        street = rng.choice(d.streets)
        house = _house(rng, big=True)
        return Location(muni, d, 0, "г. Волгоград", rng.choice(d.neighbourhoods), street, house)
    n = len(muni.settlements)
    in_villages = villages(muni)
    if topic in flat_topics or n == 1:
        index = 0
    elif topic in village_topics:
        index = rng.choice(in_villages) if in_villages else 0
    else:
        index = 0 if rng.random() < (0.8 if muni.okrug else 0.45) else rng.randrange(1, n)
    place = mkr = muni.settlements[index]
    town_street = bool(muni.streets) and (index == 0 or ", г." in place)
    if ", г." in place:  # a part of the city: «5-й мкр., г. Камышин»
        mkr, place = mkr.split(", ", 1)
    street = rng.choice(muni.streets if town_street else region().rural_streets)
    house = _house(rng, big=town_street and (cls != "town" or rng.random() < 0.6))
    return Location(muni, None, index, place, mkr, street, house)


# ------------------------------------------------------------------------------- points
def place_point(loc: Location) -> tuple[float, float]:
    """The point of a settlement (or of a Volgograd neighbourhood) as a whole."""
    muni, d = loc.muni, loc.district
    if d:
        return (
            d.center[0] + unit(d.okato + loc.mkr + "lat") * d.radius * 0.5,
            d.center[1] + unit(d.okato + loc.mkr + "lon") * d.radius * 0.7,
        )
    if loc.in_town or loc.place == muni.settlements[0]:
        return muni.center
    return (
        muni.center[0] + unit(loc.place + "lat") * muni.radius,
        muni.center[1] + unit(loc.place + "lon") * muni.radius * 1.4,
    )


def street_point(loc: Location) -> tuple[float, float]:
    """The point of a street: the same for every message that names only the street."""
    muni, d, street = loc.muni, loc.district, loc.street
    if d:
        return (
            d.center[0] + unit(d.okato + street + "lat") * d.radius * 0.7,
            d.center[1] + unit(d.okato + street + "lon") * d.radius,
        )
    lat, lon = place_point(loc)
    if loc.in_town:
        spread = 0.6 * muni.radius
    else:
        spread = 0.012 if loc.place == muni.settlements[0] else 0.006
    return (
        lat + unit(loc.place + street + "lat") * spread,
        lon + unit(loc.place + street + "lon") * spread * 1.4,
    )


def house_point(loc: Location) -> tuple[float, float]:
    lat, lon = street_point(loc)
    key = loc.place + loc.street + loc.house
    return lat + unit(key + "la") * 0.0015, lon + unit(key + "lo") * 0.002


def stop_point(loc: Location, stop: str) -> tuple[float, float]:
    lat, lon = place_point(loc) if not loc.district else loc.district.center
    return lat + unit(loc.place + stop + "la") * 0.01, lon + unit(loc.place + stop + "lo") * 0.014
