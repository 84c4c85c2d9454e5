"""Open311 jurisdictions: the oblast as a whole and each municipality (by its OKATO code)."""

from __future__ import annotations

from dataclasses import dataclass

from otklik.directory.cache import reference_snapshot
from otklik.directory.models import Municipality

# The whole of Volgograd Oblast; also what a request without jurisdiction_id means.
OBLAST = "volgograd-oblast"


@dataclass(frozen=True)
class Jurisdiction:
    id: str
    municipality: Municipality | None = None  # None: the whole oblast


class UnknownJurisdiction(Exception):
    pass


def jurisdiction_resolve(value: str | None) -> Jurisdiction:
    """``volgograd-oblast`` (or nothing) → the oblast; an OKATO code → that municipality."""
    value = (value or "").strip()
    if not value or value == OBLAST:
        return Jurisdiction(OBLAST)
    municipality = reference_snapshot().municipalities.get(value) if value.isdigit() else None
    if municipality is None:
        raise UnknownJurisdiction(
            f"jurisdiction_id «{value[:64]}» не найден: укажите {OBLAST} или код ОКАТО "
            "муниципального образования Волгоградской области."
        )
    return Jurisdiction(value, municipality)
