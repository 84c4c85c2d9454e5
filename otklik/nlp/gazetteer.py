"""Gazetteer of Volgograd Oblast for the location stage, built from the project's own data:
municipalities and city districts with their aliases (otklik/directory/data/territory.toml),
settlements, neighbourhoods and streets (otklik/directory/data/places.toml).

Names are stored as tuples of lemmas (pymorphy3), so «в Камышине», «Камышинского района» and
«Красноармейском районе» find their entries in any grammatical case; capitalised words that
pymorphy3 does not know are matched fuzzily (rapidfuzz) against the gazetteer's own words, so
«Ворошиловскый» finds «Ворошиловский».
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from otklik.nlp import resources
from otklik.nlp.text import WORD_RE, fold, lemma

# Settlement-type prefixes and street-type words stripped from names before lemmatising.
_PREFIX_RE = re.compile(
    r"^(?:г\.|город|р\.п\.|рп|п\.|пос\.|посёлок|поселок|с\.|село|ст\.|ст-ца|станица|х\.|хутор|"
    r"мкр\.|микрорайон)\s*",
    re.IGNORECASE,
)
_STREET_TYPES = (
    "ул", "улица", "пр", "пр-т", "просп", "проспект", "пер", "переулок", "бул", "бульвар",
    "ш", "шоссе", "пл", "площадь", "наб", "набережная", "проезд", "туп", "тупик",
)  # fmt: skip
_MARKERS_TEXT = "г город рп р.п п пос поселок посёлок с село ст станица х хутор мкр микрорайон"
SETTLEMENT_MARKERS = frozenset(_MARKERS_TEXT.split())
DISTRICT_WORDS = frozenset({"район", "р-н", "рн", "муниципальный"})


@dataclass(frozen=True)
class Place:
    key: tuple[str, ...]  # lemmas
    municipality: str  # OKATO of the municipality
    district: str | None  # OKATO of the Volgograd city district
    kind: str  # municipality, municipality_adj, city_district, city_district_adj, settlement,
    # neighbourhood, street
    weight: float
    label: str  # as written in the data (for the address)


def name_key(name: str) -> tuple[str, ...]:
    name = _PREFIX_RE.sub("", name.strip())
    name = name.split(",")[0]
    return tuple(lemma(w) for w in WORD_RE.findall(fold(name)))


def _adjectival(key: tuple[str, ...]) -> bool:
    return len(key) == 1 and key[0].endswith(("ский", "цкий", "ской", "ный", "ий", "ый", "ой"))


@dataclass
class Gazetteer:
    entries: dict[tuple[str, ...], list[Place]]
    max_len: int
    vocabulary: dict[str, str]  # single gazetteer lemmas by themselves (fuzzy matching)
    municipality_names: dict[str, str]
    district_names: dict[str, str]
    centres: list[tuple[str, str | None, float, float, float]]  # muni, district, lat, lon, radius
    streets: dict[tuple[str, ...], list[Place]]
    towns: frozenset[str]  # OKATO of the urban okrugs


@functools.cache
def gazetteer() -> Gazetteer:
    entries: dict[tuple[str, ...], list[Place]] = {}
    streets: dict[tuple[str, ...], list[Place]] = {}

    def add(name: str, muni: str, district: str | None, kind: str, weight: float, town=False):
        key = name_key(name)
        if not key:
            return
        if kind in ("municipality", "city_district") and _adjectival(key) and not town:
            kind += "_adj"  # «Советский», «Камышинский»: only with «район» or a marker
        place = Place(key, muni, district, kind, weight, name)
        bucket = entries.setdefault(key, [])
        if all((p.municipality, p.district) != (muni, district) for p in bucket):
            bucket.append(place)

    terr = resources.territory()
    muni_names = {}
    for m in terr["municipality"]:
        muni_names[m["okato"]] = m["name"]
        town = m["kind"] == "urban_okrug"  # «Волжский» is a town, not an adjective
        add(m["name"], m["okato"], None, "municipality", 1.0, town)
        for a in m.get("aliases", ()):
            add(a, m["okato"], None, "municipality", 1.0, town and "район" not in a)
        if not m.get("centre_in_other"):
            add(m["admin_centre"], m["okato"], None, "settlement", 0.95)
    district_names = {}
    for d in terr["city_district"]:
        district_names[d["okato"]] = d["name"]
        add(d["name"], d["municipality"], d["okato"], "city_district", 1.0)
        for a in d.get("aliases", ()):
            add(a, d["municipality"], d["okato"], "city_district", 1.0)
    centres = []
    places = resources.reference("places")
    city = {d["municipality"] for d in places["city_district"]}  # Volgograd: centres by district
    for m in places["municipality"]:
        for s in m["settlements"]:
            if "," in s:  # «5-й мкр., г. Камышин»
                continue
            add(s, m["okato"], None, "settlement", 0.9)
        for st in m.get("streets", ()):
            streets.setdefault(name_key(_strip_street(st)), []).append(
                Place(name_key(_strip_street(st)), m["okato"], None, "street", 0.3, st)
            )
        if m["okato"] not in city:
            centres.append((m["okato"], None, m["center"][0], m["center"][1], m["radius"]))
    for d in places["city_district"]:
        muni = d["municipality"]
        for n in d["neighbourhoods"]:
            add(n, muni, d["okato"], "neighbourhood", 0.85)
        for st in d["streets"]:
            key = name_key(_strip_street(st))
            streets.setdefault(key, []).append(Place(key, muni, d["okato"], "street", 0.5, st))
        centres.append((muni, d["okato"], d["center"][0], d["center"][1], d["radius"]))
    vocabulary: dict[str, str] = {}
    for key in list(entries) + list(streets):
        for w in key:
            if len(w) >= 5:
                vocabulary[w] = w
    return Gazetteer(
        entries=entries,
        max_len=max(len(k) for k in entries),
        vocabulary=vocabulary,
        municipality_names=muni_names,
        district_names=district_names,
        centres=centres,
        streets=streets,
        towns=frozenset(m["okato"] for m in terr["municipality"] if m["kind"] == "urban_okrug"),
    )


def _strip_street(name: str) -> str:
    return re.sub(r"^(?:ул|пр-т|пр|бул|пер|пл|наб|ш)\.?\s+", "", name.strip())


STREET_TYPES = _STREET_TYPES
