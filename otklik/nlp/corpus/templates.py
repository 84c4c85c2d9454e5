"""Text templates of otklik/directory/data/phrasings.toml and their choice for a message.

Template syntax (see the top of phrasings.toml): ``[a|b|c]`` a random choice, ``{писал|писала}``
the author's gender, a leading ``@`` a village-only template, ``{name}`` a placeholder filled
by :class:`otklik.nlp.corpus.filler.Filler`.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass

from otklik.nlp import resources
from otklik.nlp.corpus.draw import Weighted
from otklik.nlp.corpus.places import Location
from otklik.nlp.corpus.shape import KIND_APPEAL, KIND_PUBLICATION

PLACEHOLDER = re.compile(r"\{(\w+)\}")
GENDER = re.compile(r"\{([^{}|]*)\|([^{}|]*)\}")
CHOICE = re.compile(r"\[([^\[\]]+)\]")


def level(template: str) -> str:
    """How precise the address of a template is: house, street, stop, place or ""."""
    names = set(PLACEHOLDER.findall(template))
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
class Template:
    text: str
    length: int
    level: str
    formal: bool
    rural: bool  # fits a village or a small settlement only


def _template(raw: str) -> Template:
    text = raw.removeprefix("@")
    formal = text.startswith(("Прошу", "Уважаем", "Жалоба"))
    return Template(text, len(text), level(text), formal, raw.startswith("@"))


def _templates(source: dict[str, list[str]]) -> dict[str, list[Template]]:
    return {topic: [_template(t) for t in items] for topic, items in source.items()}


@functools.cache
def bodies() -> dict[str, list[Template]]:
    """Topic → the templates of the body of a message."""
    return _templates(resources.reference("phrasings")["templates"])


@functools.cache
def complaints() -> dict[str, list[Template]]:
    """Topic → the templates of a complaint under 210-ФЗ."""
    return _templates(resources.reference("phrasings")["complaints_210fz"])


@functools.cache
def rural_only() -> frozenset[str]:
    """Topics whose every template fits a village only."""
    return frozenset(topic for topic, items in bodies().items() if all(t.rural for t in items))


def choose_template(
    rng: random.Random, items: list[Template], kind: str, loc: Location
) -> Template:
    if loc.urban:
        items = [t for t in items if not t.rural] or items
    if kind == KIND_PUBLICATION:
        informal = [t for t in items if not t.formal] or items
        return Weighted(informal, [t.length**-0.8 for t in informal]).choice(rng)
    if kind == KIND_APPEAL:
        return Weighted(items, [t.length**0.8 for t in items]).choice(rng)
    return rng.choice(items)
