"""The one shape of every state machine: statuses are a ``TextChoices``, and the allowed moves
are one table ``TRANSITIONS: dict[str, Transition]`` of named transitions, each from a set of
source statuses to one target. A service locks the row, checks ``allows(status)`` and moves.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str

    def allows(self, status: str) -> bool:
        """Whether the transition may start from ``status``."""
        return status in self.sources
