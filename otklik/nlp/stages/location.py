"""Location: municipality (OKATO) and Volgograd city district from the text (settlements,
districts, neighbourhoods, streets, in any case and with common misspellings) and from the
coordinates when given; street and house when written; with a confidence."""

from __future__ import annotations

import functools
import math
import re

from rapidfuzz import fuzz, process

from otklik.nlp.gazetteer import (
    DISTRICT_WORDS,
    SETTLEMENT_MARKERS,
    STREET_TYPES,
    Place,
    gazetteer,
    name_key,
)
from otklik.nlp.resources import morph
from otklik.nlp.stages.base import ANALYSIS_LIMIT, Doc, Stage
from otklik.nlp.text import WORD_RE, fold, is_known, lemma

VOLGOGRAD = "18401"
_TOKEN_RE = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*\.?|\S", re.UNICODE)
_HOUSE_RE = re.compile(
    r"\s*,?\s*(?:(?:д|дом)\.?\s*)?№?\s*(\d{1,4}(?:(?:[а-еА-Еж-яЖ-Я]|\s[А-ЕЖ-Я])(?![а-яё]))?(?:/\d{1,3})?"
    r"(?:\s*(?:к|корп|корпус|стр)\.?\s*\d{1,2})?)(?![\d\w])"
)
_STREET_ABBR = {
    "ул": "ул.", "улица": "ул.", "пр": "пр.", "пр-т": "пр-т", "просп": "пр-т",
    "проспект": "пр-т", "пер": "пер.", "переулок": "пер.", "бул": "бул.", "бульвар": "бул.",
    "ш": "ш.", "шоссе": "ш.", "пл": "пл.", "площадь": "пл.", "наб": "наб.",
    "набережная": "наб.", "проезд": "проезд", "туп": "туп.", "тупик": "туп.",
}  # fmt: skip
_STREET_TYPE_SET = frozenset(STREET_TYPES)
_SENTENCE_END = frozenset(".!?\n")
_QUOTED_RE = re.compile(r"«[^«»]{1,80}»|\"[^\"]{1,80}\"")
# Oblast bounding box with a margin.
_BBOX = (47.2, 51.4, 41.0, 47.8)


@functools.lru_cache(maxsize=100_000)
def _geo_or_unknown(word: str) -> bool:
    """True for place-like words: pymorphy tags them Geox, or does not know them at all."""
    if not is_known(word):
        return True
    return any("Geox" in p.tag for p in morph().parse(word)[:3])


@functools.cache
def _vocabulary() -> list[str]:
    return sorted(gazetteer().vocabulary)


@functools.lru_cache(maxsize=50_000)
def _fuzzy(lem: str) -> str | None:
    match = process.extractOne(lem, _vocabulary(), scorer=fuzz.ratio, score_cutoff=86)
    return match[0] if match else None


class _Tok:
    __slots__ = ("cap", "end", "lem", "low", "start", "word")

    def __init__(self, word: str, start: int, end: int):
        self.word = word
        self.start = start
        self.end = end
        self.low = fold(word.rstrip("."))
        self.cap = word[:1].isupper()
        self.lem = lemma(self.low) if self.low.isalpha() or "-" in self.low else self.low


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


def _sentence_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in ' \t"«(':
        i -= 1
    return i < 0 or text[i] in _SENTENCE_END


def _is_marker(tok: _Tok | None) -> bool:
    return tok is not None and tok.low.replace(".", "") in {
        m.replace(".", "") for m in SETTLEMENT_MARKERS
    }


class LocationStage(Stage):
    name = "location"
    version = "2"

    def __init__(self):
        self.gz = gazetteer()

    def process_one(self, doc: Doc) -> None:
        text = doc.clean[:ANALYSIS_LIMIT]
        toks = _tokens(text)
        words = [t for t in toks if t.low[:1].isalpha()]
        # fuzzy repair of unknown capitalised words («Ворошиловскый» → «ворошиловский»)
        for t in words:
            if (
                t.cap
                and len(t.lem) >= 6
                and t.lem not in self.gz.vocabulary
                and not is_known(t.low)
                and (fixed := _fuzzy(t.lem))
            ):
                t.lem = fixed
        quoted = [(m.start(), m.end()) for m in _QUOTED_RE.finditer(text)]
        if quoted:  # «Управление отходами — Волгоград» is an organisation, not a place
            words = [t for t in words if not any(a < t.start < b for a, b in quoted)]
        matches = self._places(text, words)
        address, street_places = self._address(text, toks)
        r = doc.result
        muni, district, conf, source = self._decide(matches, street_places)
        c_muni, c_district, c_conf = self._from_coordinates(doc.lat, doc.lon)
        if c_muni is not None and not matches and muni != c_muni:
            muni = None  # a street name alone is weaker than the coordinates
        if muni is None and c_muni is not None:
            muni, district, conf, source = c_muni, c_district, c_conf, "coordinates"
        elif muni is not None and c_muni == muni:
            conf = min(0.99, conf + 0.05)
            source = "text+coordinates"
            if district is None and c_district is not None:
                district = c_district
        r["municipality"] = muni
        r["municipality_name"] = self.gz.municipality_names.get(muni) if muni else None
        r["city_district"] = district
        r["city_district_name"] = self.gz.district_names.get(district) if district else None
        r["address"] = address
        r["location_confidence"] = round(conf, 3) if muni else 0.0
        r["location_source"] = source

    # ------------------------------------------------------------------ places in text
    def _places(self, text: str, words: list[_Tok]) -> list[Place]:
        found: list[Place] = []
        i = 0
        n = len(words)
        while i < n:
            hit = None
            for size in range(min(self.gz.max_len, n - i), 0, -1):
                key = tuple(t.lem for t in words[i : i + size])
                places = self.gz.entries.get(key)
                if places and self._accept(text, words, i, size, places[0]):
                    hit = (size, places)
                    break
            if hit:
                size, places = hit
                if i > 0 and _is_marker(words[i - 1]):
                    # «ст. Михайловская» is the village, not «Михайловский» (район)
                    places = [p for p in places if p.kind == "settlement"] or places
                share = 1.0 / len(places)
                found += [
                    Place(p.key, p.municipality, p.district, p.kind, p.weight * share, p.label)
                    for p in places
                ]
                i += size
            else:
                i += 1
        return found

    def _accept(self, text: str, words: list[_Tok], i: int, size: int, place: Place) -> bool:
        first = words[i]
        prev = words[i - 1] if i > 0 else None
        nxt = words[i + size] if i + size < len(words) else None
        if prev is not None and prev.low.rstrip(".") in _STREET_TYPE_SET:
            return False  # «ул. Красноармейская» is a street
        if nxt is not None and nxt.lem in ("улица", "проспект", "переулок", "бульвар", "шоссе"):
            return False
        if size > 1:
            return first.cap or place.key[-1] in DISTRICT_WORDS or place.key[0] in ("средний",)
        if not first.cap:
            return False
        marker = _is_marker(prev)
        adjectival = place.kind.endswith("_adj") or (
            first.lem.endswith(("ий", "ый", "ой")) and place.kind != "municipality"
        )
        if adjectival:
            if nxt is not None and nxt.lem in DISTRICT_WORDS:
                return True
            return marker
        if marker or place.kind == "municipality":
            return True
        if place.weight >= 0.95:
            return not _sentence_start(text, first.start) or _geo_or_unknown(first.low)
        return _geo_or_unknown(first.low) and not _sentence_start(text, first.start)

    # ------------------------------------------------------------------------- address
    def _address(self, text: str, toks: list[_Tok]) -> tuple[str | None, list[Place]]:
        """The first «street type + name [+ house]», or a known street followed by a house."""
        street_places: list[Place] = []
        address = None
        for i, t in enumerate(toks):
            kind = t.low.rstrip(".")
            if kind not in _STREET_ABBR:
                continue
            if (
                kind in ("пр", "ш", "пл", "пер", "туп")
                and not t.word.endswith(".")
                and (i + 1 < len(toks) and toks[i + 1].word != ".")
            ):
                continue  # «пр» without a dot is not an abbreviation for sure
            j = i + 1
            if j < len(toks) and toks[j].word == ".":
                j += 1
            name_toks = []
            while j < len(toks) and len(name_toks) < 4:
                w = toks[j]
                if (
                    w.word[:1].isupper()
                    or (w.word[:1].isdigit() and not name_toks and "-" in w.word)
                    or (name_toks and w.low in ("лет", "летия", "й", "гвардейской", "армии"))
                ):
                    name_toks.append(w)
                    j += 1
                else:
                    break
            if not name_toks:
                continue
            name = text[name_toks[0].start : name_toks[-1].end].rstrip(".,")
            rest = text[name_toks[-1].end : name_toks[-1].end + 40]
            house = _HOUSE_RE.match(rest)
            key = name_key(name)
            street_places = self.gz.streets.get(key, [])
            address = f"{_STREET_ABBR[kind]} {name}" + (f", {house.group(1)}" if house else "")
            return address, street_places
        # a known street without its type: «на Хорошева 14», «Ангарская, 7»
        words = [t for t in toks if t.low[:1].isalpha()]
        for k, t in enumerate(words):
            if not t.cap:
                continue
            for size in (3, 2, 1):
                if k + size > len(words):
                    continue
                key = tuple(w.lem for w in words[k : k + size])
                places = self.gz.streets.get(key)
                if not places:
                    continue
                last = words[k + size - 1]
                house = _HOUSE_RE.match(text[last.end : last.end + 30])
                if house and house.group(1)[:1].isdigit():
                    label = places[0].label
                    address = f"{label}, {house.group(1)}"
                    return address, places
        return address, street_places

    # ------------------------------------------------------------------------ decision
    def _decide(self, matches: list[Place], streets: list[Place]):
        if not matches and not streets:
            return None, None, 0.0, None
        muni_score: dict[str, float] = {}
        district_score: dict[str, float] = {}
        for rank, p in enumerate(matches):
            w = p.weight * (1.2 if rank == 0 else 1.0)
            muni_score[p.municipality] = muni_score.get(p.municipality, 0.0) + w
            if p.district:
                district_score[p.district] = district_score.get(p.district, 0.0) + p.weight
        named = set(muni_score)
        share = 1.0 / max(len(streets), 1)
        for p in streets:
            # a street only speaks for a municipality that the text does not contradict
            if named and p.municipality not in named:
                continue
            muni_score[p.municipality] = muni_score.get(p.municipality, 0.0) + p.weight * share
            if p.district:
                district_score[p.district] = district_score.get(p.district, 0.0) + (
                    p.weight * share
                )
        if not muni_score:
            return None, None, 0.0, None
        if len(muni_score) > 1 and VOLGOGRAD in muni_score and not district_score:
            # «автобус Светлый Яр — Волгоград»: the regional capital is mostly the destination
            muni_score[VOLGOGRAD] *= 0.6
        muni = max(muni_score, key=lambda m: (muni_score[m], m == VOLGOGRAD))
        total = sum(muni_score.values())
        conf = min(0.97, 0.35 + 0.6 * min(muni_score[muni], 1.0)) * (muni_score[muni] / total)
        district = None
        if muni == VOLGOGRAD and district_score:
            district = max(district_score, key=district_score.get)
        return muni, district, max(conf, 0.05), "text"

    def _from_coordinates(self, lat, lon):
        if lat is None or lon is None:
            return None, None, 0.0
        if not (_BBOX[0] <= lat <= _BBOX[1] and _BBOX[2] <= lon <= _BBOX[3]):
            return None, None, 0.0
        coslat = math.cos(math.radians(lat))

        def dist(c):
            return math.hypot(lat - c[2], (lon - c[3]) * coslat)

        # a town (городской округ, or a Volgograd district) when the point is in it
        towns = [c for c in self.gz.centres if c[0] in self.gz.towns or c[1]]
        town = min(towns, key=dist)
        if dist(town) <= max(0.08, 2.5 * town[4]):
            return town[0], town[1], 0.85
        best = min(self.gz.centres, key=lambda c: dist(c) / max(c[4], 0.02))
        score = dist(best) / max(best[4], 0.02)
        conf = 0.75 if score <= 1.5 else 0.55 if score <= 4 else 0.35
        return best[0], best[1], conf


def location_of(text: str, lat: float | None = None, lon: float | None = None) -> dict:
    """Convenience for tests and other apps: the location fields of one text."""
    from otklik.nlp.stages.normalise import NormaliseStage

    doc = Doc(text=text, lat=lat, lon=lon)
    NormaliseStage().process_one(doc)
    LocationStage().process_one(doc)
    return doc.result


__all__ = ["WORD_RE", "LocationStage", "location_of"]
