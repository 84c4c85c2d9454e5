"""Counts of the reference model (used by `otklik region summary` and the health page)."""

from __future__ import annotations

from otklik.core.roles import Role
from otklik.directory.models import (
    Channel,
    CityDistrict,
    InputKind,
    Municipality,
    Organization,
    Sector,
    Topic,
)


def region_summary() -> dict[str, int]:
    return {
        "municipalities": Municipality.objects.count(),
        "city_districts": CityDistrict.objects.count(),
        "sectors": Sector.objects.count(),
        "topics": Topic.objects.filter(is_active=True).count(),
        "organizations": Organization.objects.count(),
        "roles": len(Role.choices),
        "channels": Channel.objects.count(),
        "input_kinds": InputKind.objects.count(),
    }
