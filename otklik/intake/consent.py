"""The consent text (152-ФЗ) a contact agrees to, and its version (``Contact`` keeps the
consent: ``consent_text_version``), whichever channel asks it (the web form, the Telegram bot).

The text lives in ``intake/data/consent.txt`` (versioned with the code; the ЦУР's lawyer edits
it there). Its version is ``web-`` plus the first 8 hex digits of the text's SHA-256, so any edit
of the wording gives a new version, and the version stored on a contact names exactly the
words they agreed to (the file's history in git holds each text)."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

CONSENT_FILE = Path(__file__).resolve().parent / "data" / "consent.txt"


@dataclass(frozen=True)
class ConsentText:
    text: str
    version: str


@functools.cache
def consent_text() -> ConsentText:
    text = CONSENT_FILE.read_text(encoding="utf-8").strip()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return ConsentText(text=text, version=f"web-{digest}")
