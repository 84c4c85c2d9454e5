"""Extra fields of Open311 services (service definitions), read from ``data/attributes.toml``."""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.dateparse import parse_datetime

DATATYPES = frozenset({"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"})


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    required: bool
    order: int
    description: str
    datatype_description: str = ""
    values: tuple[tuple[str, str], ...] = ()
    sectors: frozenset[str] = field(default_factory=frozenset)
    topics: frozenset[str] = field(default_factory=frozenset)

    def applies_to(self, topic_code: str, sector_code: str) -> bool:
        return topic_code in self.topics or sector_code in self.sectors

    def as_spec(self) -> dict:
        """The attribute as the GeoReport v2 service definition lists it."""
        return {
            "variable": True,
            "code": self.code,
            "datatype": self.datatype,
            "required": self.required,
            "datatype_description": self.datatype_description or None,
            "order": self.order,
            "description": self.description,
            "values": [{"key": k, "name": n} for k, n in self.values],
        }

    def check(self, value: str) -> str:
        """The error in Russian for ``value`` ("" when it fits)."""
        if self.datatype == "number":
            try:
                float(value.replace(",", "."))
            except ValueError:
                return f"attribute[{self.code}]: ожидается число, получено «{value[:40]}»."
        elif self.datatype == "datetime" and parse_datetime(value) is None:
            return f"attribute[{self.code}]: ожидается дата и время ISO 8601."
        elif self.datatype in ("singlevaluelist", "multivaluelist"):
            keys = {k for k, _ in self.values}
            chosen = (
                [v for v in value.split(",") if v] if self.datatype == "multivaluelist" else [value]
            )
            wrong = [v for v in chosen if v not in keys]
            if wrong:
                return (
                    f"attribute[{self.code}]: нет такого значения «{wrong[0][:40]}» "
                    f"(допустимы: {', '.join(sorted(keys))})."
                )
        return ""

    def label(self, value: str) -> str:
        """``value`` as the operator reads it (list keys become their names)."""
        names = dict(self.values)
        if names:
            value = ", ".join(names.get(v, v) for v in value.split(",") if v)
        return f"{self.description}: {value}"


@functools.cache
def all_attributes() -> tuple[Attribute, ...]:
    path = Path(__file__).parent / "data" / "attributes.toml"
    with path.open("rb") as f:
        data = tomllib.load(f)
    result = []
    for entry in data.get("attribute", []):
        if entry["datatype"] not in DATATYPES:
            raise ValueError(f"attributes.toml: {entry['code']}: unknown datatype")
        result.append(
            Attribute(
                code=entry["code"],
                datatype=entry["datatype"],
                required=bool(entry.get("required", False)),
                order=int(entry.get("order", 1)),
                description=entry["description"],
                datatype_description=entry.get("datatype_description", ""),
                values=tuple((v["key"], v["name"]) for v in entry.get("values", [])),
                sectors=frozenset(entry.get("sectors", [])),
                topics=frozenset(entry.get("topics", [])),
            )
        )
    return tuple(result)


def attributes_for(topic_code: str, sector_code: str) -> list[Attribute]:
    """The extra fields of the service ``topic_code`` (a topic of sector ``sector_code``)."""
    found = [a for a in all_attributes() if a.applies_to(topic_code, sector_code)]
    return sorted(found, key=lambda a: (a.order, a.code))
