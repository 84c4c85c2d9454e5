"""Language check: is the message Russian? (Non-Russian messages go to the ЦУР triage queue.)"""

from __future__ import annotations

import re

from otklik.nlp.stages.base import Doc, Stage
from otklik.nlp.text import WORD_RE, is_known

# Letters of Cyrillic languages other than Russian (Ukrainian, Belarusian, Kazakh, Tatar …).
_OTHER_CYRILLIC = re.compile(r"[іїєґўқғүұһәөң]", re.IGNORECASE)
_CYR = re.compile(r"[а-яё]")


class LanguageStage(Stage):
    name = "language"
    version = "1"

    def process_one(self, doc: Doc) -> None:
        sample = doc.norm[:3000]
        letters = [c for c in sample if c.isalpha()]
        if len(letters) < 2:
            doc.result["language"] = "und"
            return
        cyr = sum(1 for c in letters if _CYR.match(c))
        other = len(_OTHER_CYRILLIC.findall(sample))
        if other >= 2 and other >= 0.01 * len(letters):
            doc.result["language"] = "other"
            return
        if cyr < 0.5 * len(letters):
            doc.result["language"] = "other"
            return
        words = [w for w in WORD_RE.findall(sample[:1000]) if _CYR.search(w)][:60]
        known = sum(1 for w in words if is_known(w))
        doc.result["language"] = "ru" if known >= 0.5 * len(words) else "other"
