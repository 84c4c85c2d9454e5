"""What every stage shares: the document it works on and the stage contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

# Texts longer than this are analysed by their beginning only (the whole text is still
# cleaned and masked): a 10 MB paste must not stall the stream.
ANALYSIS_LIMIT = 20_000


@dataclass
class Doc:
    """One message on its way through the pipeline."""

    text: str
    lat: float | None = None
    lon: float | None = None
    received: date | None = None
    clean: str = ""  # HTML stripped, look-alikes fixed, spaces collapsed: what is shown and masked
    norm: str = ""  # lowercase analysis form: no emoji, repeats squeezed, profanity spelt out
    facts: dict[str, Any] = field(default_factory=dict)  # stage-to-stage facts, not output
    result: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def analysed(self) -> str:
        return self.norm[:ANALYSIS_LIMIT]


class Stage:
    """A replaceable step. ``process`` works on a batch and writes its version on each doc."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = ""

    def process(self, docs: list[Doc]) -> None:
        for doc in docs:
            self.process_one(doc)
            doc.versions[self.name] = self.version

    def process_one(self, doc: Doc) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def stamp(self, docs: list[Doc]) -> None:
        for doc in docs:
            doc.versions[self.name] = self.version
