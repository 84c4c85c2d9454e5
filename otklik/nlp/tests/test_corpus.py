"""The synthetic corpus of messages: its reference data and the filling of its templates."""

from __future__ import annotations

import random
import re
import tomllib
from datetime import datetime
from zoneinfo import ZoneInfo

from otklik.nlp import resources
from otklik.nlp.corpus.filler import Filler
from otklik.nlp.corpus.people import new_person
from otklik.nlp.corpus.places import VOLGOGRAD, VOLZHSKY, new_location, region

TZ = ZoneInfo("Europe/Volgograd")
NOW = datetime(2026, 1, 15, 12, 30, tzinfo=TZ)
PHRASINGS = resources.reference("phrasings")
TEMPLATES = PHRASINGS["templates"]
COMPLAINTS = PHRASINGS["complaints_210fz"]
FRAMING = PHRASINGS["framing"]
ALL_TOPICS = {code: code.split("-", 1)[0] for code in TEMPLATES}
TOPICS_TOML = resources.DIRECTORY_DATA / "topics.toml"

# The 38 municipalities of the domain brief (section 10).
OKATO_38 = {
    "18401", "18410", "18415", "18420", "18425", "18428", "18202", "18204", "18205", "18206",
    "18208", "18210", "18212", "18214", "18216", "18218", "18220", "18222", "18224", "18226",
    "18246", "18230", "18234", "18236", "18238", "18240", "18242", "18243", "18245", "18247",
    "18249", "18250", "18251", "18252", "18253", "18254", "18256", "18258",
}  # fmt: skip
CITY_DISTRICTS_8 = {
    "18401390", "18401380", "18401365", "18401395", "18401363", "18401385", "18401370", "18401375",
}  # fmt: skip
UNFILLED = re.compile(r"[{}\[\]]|^@")


# ----------------------------------------------------------------------------- templates
def test_every_directory_topic_has_at_least_four_templates():
    codes = set(ALL_TOPICS)
    if TOPICS_TOML.exists():
        with TOPICS_TOML.open("rb") as f:
            codes = {t["code"] for t in tomllib.load(f)["topic"]}
        assert len(codes) >= 100
    for code in codes:
        assert len(TEMPLATES.get(code, ())) >= 4, code


def test_template_syntax():
    for topic, items in [*TEMPLATES.items(), *COMPLAINTS.items()]:
        for text in items:
            # no gender forms inside a random choice: «[...{a|b}...]» would be split wrongly
            for choice in re.findall(r"\[([^\[\]]*)\]", text):
                assert "{" not in choice, (topic, text)
            assert text.count("{") == text.count("}"), (topic, text)
            assert text.count("[") == text.count("]"), (topic, text)


def test_every_template_fills_everywhere():
    """Every placeholder of every template resolves in a city, a town and a village."""
    rng = random.Random(5)
    towns = [region().municipalities[0], region().municipality_by_okato["18410"]]
    towns += [region().municipality_by_okato["18415"], region().municipality_by_okato["18420"]]
    towns += [region().municipality_by_okato["18204"], region().municipality_by_okato["18251"]]
    framing = (
        FRAMING["escalations"]
        + FRAMING["formal_intros"]
        + FRAMING["formal_intros_home"]
        + FRAMING["repeat_prefixes"]
    )
    framing += FRAMING["social_suffixes"]
    for topic, items in [*TEMPLATES.items(), *COMPLAINTS.items()]:
        for text in [*items, *framing]:
            for muni in towns:
                loc = new_location(rng, muni, topic)
                for female in (False, True):
                    person = new_person(rng, 1)
                    person.female = female
                    filler = Filler(rng, loc, person, NOW, topic.split("-")[0])
                    filled = filler.fill(text.removeprefix("@"))
                    assert not UNFILLED.search(filled), (topic, filled)


# ----------------------------------------------------------------------------- places
def test_places_reference_data():
    assert {m.okato for m in region().municipalities} == OKATO_38
    assert {d.okato for d in region().city_districts} == CITY_DISTRICTS_8
    for d in region().city_districts:
        assert len(set(d.streets)) >= 10, d.name
    assert len(region().municipality_by_okato["18410"].streets) >= 10
    for m in region().municipalities:
        if m.okato not in (VOLGOGRAD, VOLZHSKY):
            assert len(m.settlements) >= 3, m.short
        assert 47.0 < m.center[0] < 51.5 and 41.0 < m.center[1] < 47.5
        assert m.population > 10_000
