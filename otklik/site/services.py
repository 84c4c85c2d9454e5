"""What the composition root sets up beside the reference model: the data files of the apps
that every installation needs (``otklik setup`` and the tests' database)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class PlatformData:
    policies: object
    routes: object
    blocks_created: int


def platform_data_load() -> PlatformData:
    """Deadline policies, approval routes and the project office's blocks (each idempotent;
    the reference model first)."""
    from otklik.approvals.services import routes_load
    from otklik.office.services import blocks_ensure
    from otklik.sla.services import policies_load

    return PlatformData(
        policies=policies_load(actor=None),
        routes=routes_load(actor=None),
        blocks_created=blocks_ensure(),
    )
