"""What of a case anyone may see, on every public surface (the web form's pages, Open311).

A case is public once the ЦУР has accepted it and only when its topic is public infrastructure
(``Topic.is_public_infrastructure``): never a person's own affair. Of a public case the public
reads the street, never a house or a flat number (a house may be a private person's home):
``public_streets`` for an address typed by a person, ``address_street`` for an address the
language pipeline wrote, ``without_house_numbers`` for a text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from django.db.models import Q, QuerySet

from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case
from otklik.directory.models import Topic

# A case is shown to the public only once the ЦУР has accepted it: never while NEW (not
# moderated: what it says and where is nobody else's to read), nor when it was set aside
# without being accepted (no answer needed, merged into another).
PUBLIC_STATES = frozenset(CaseStatus) - {
    CaseStatus.NEW,
    CaseStatus.NO_ANSWER,
    CaseStatus.MERGED,
}


# The same as a filter of any query of cases.
PUBLIC_Q = Q(status__in=PUBLIC_STATES, topic__is_public_infrastructure=True)


def public_cases() -> QuerySet[Case]:
    """The cases anyone may be shown: accepted by the ЦУР and of a topic of public
    infrastructure (``Topic.is_public_infrastructure``, set in directory/data/topics.toml) —
    never a person's own affair (health, benefits, labour, family …)."""
    return Case.objects.filter(PUBLIC_Q)


def is_public(case: Case) -> bool:
    """``case`` is one of ``public_cases`` (its topic read from the case)."""
    return is_public_as(case.status, case.topic if case.topic_id else None)


def is_public_as(status: str, topic: Topic | None) -> bool:
    """A case in ``status`` of ``topic`` is public (``public_cases``), for reads that hold the
    columns rather than the case."""
    return status in PUBLIC_STATES and topic is not None and topic.is_public_infrastructure


@functools.cache
def _street_finder():
    from otklik.nlp.pipeline import Pipeline
    from otklik.nlp.stages.location import LocationStage
    from otklik.nlp.stages.normalise import NormaliseStage

    return Pipeline([NormaliseStage(), LocationStage()])


# A token that is (or holds) a house number: «12», «12а», «12/1», «д.12», «кв.5» (a street's
# ordinal, «64-й Армии», is kept).
_HOUSE_TOKEN_RE = re.compile(r"^(?:д|дом|кв|корп|стр)?\.?№?\d+[а-яё]?(?:/\d+)?[.,]?$", re.I)


_HOUSE_WORD_TOKEN_RE = re.compile(r"^(?:д|дом|кв|корп|стр|под|подъезд)\.?$", re.I)


def _is_house_token(word: str) -> bool:
    return bool(_HOUSE_TOKEN_RE.match(word) or _HOUSE_WORD_TOKEN_RE.match(word))


def address_street(address: str) -> str:
    """An address as the language pipeline writes it, without its house: «г. Волжский, ул.
    Мира, 10» → «г. Волжский, ул. Мира», «пр-т Ленина 101/3» → «пр-т Ленина», «ул. Мира, д. 5,
    кв. 7» → «ул. Мира». A part that begins with a house, flat or entrance goes, and so do the
    house-like words at the end of a part («ул. 8 Марта» keeps its 8). No pipeline run: cheap
    enough for a list of a thousand."""
    kept = []
    for part in (address or "").split(","):
        words = part.split()
        if not words or _is_house_token(words[0]):
            continue
        while words and _is_house_token(words[-1]):
            words.pop()
        if words:
            kept.append(" ".join(words))
    return ", ".join(kept)


def public_streets(addresses: Sequence[str]) -> list[str]:
    """The street of each address («г. Волжский, ул. Мира, 12» → «ул. Мира»), found by the
    language pipeline's address reader (a street type and its name, or a known street); '' when
    there is none. The house and anything after it are dropped, and so is any house-like token
    left, so that no house or flat number can come through."""
    wanted = [a for a in addresses if a and a.strip()]
    found = iter(_street_finder().run([{"text": a} for a in wanted])) if wanted else iter(())
    streets = []
    for address in addresses:
        if not (address and address.strip()):
            streets.append("")
            continue
        street = str(next(found).get("address") or "").split(",")[0]
        streets.append(" ".join(w for w in street.split() if not _HOUSE_TOKEN_RE.match(w)))
    return streets


HOUSE_MASK = "[НОМЕР]"
_STREET_TYPE = (
    r"(?i:ул|улиц[аеуы]|пр-т|просп|проспект[аеу]?|пер|переул(?:ок|ке|ка)|бул|бульвар[аеу]?|"
    r"ш|шоссе|пл|площад[ьи]|наб|набережн(?:ая|ой)|проезд[аеу]?|мкр|микрорайон[аеу]?|туп|тупик[аеу]?)"
)
_HOUSE = r"\d{1,4}(?:[а-еж-я](?![а-яё]))?(?:/\d{1,3})?(?![\d\w])"
# «ул. Мира, 12», «пр-т Ленина 101/3», «ул. 64-й Армии, д. 5»: the street stays, the house goes.
_STREET_HOUSE_RE = re.compile(
    rf"(?<![\w-])(?P<keep>{_STREET_TYPE}\.?\s*(?:\d{{1,3}}-[а-яё]{{1,3}}\s+)?"
    rf"(?:[А-ЯЁ][а-яё-]*\.?\s*){{1,4}}?,?\s*(?:(?i:д|дом)\.?\s*)?№?\s*){_HOUSE}"
)
# «дом № 12», «в доме 7», «д. 5»
_HOUSE_WORD_RE = re.compile(rf"(?<![\w-])(?P<keep>(?i:д|дом[аеу]?)\.?\s*№?\s*){_HOUSE}")


def without_house_numbers(text: str) -> str:
    """``text`` with the number of each house written after a street or the word «дом»
    replaced by ``HOUSE_MASK`` (flats are masked already by the personal-data masker)."""
    text = _STREET_HOUSE_RE.sub(lambda m: m["keep"] + HOUSE_MASK, text)
    return _HOUSE_WORD_RE.sub(lambda m: m["keep"] + HOUSE_MASK, text)
