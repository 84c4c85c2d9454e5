"""Personal data: names (slovnet NER from the natasha wheel, or pymorphy3 name tags), phone
numbers, e-mails, passport, СНИЛС and ИНН numbers, flat numbers; found and masked.

Spans refer to ``clean`` (the text as shown: HTML stripped, spaces collapsed), and
``text_masked`` is that text with every span replaced by its mask. The span values themselves
are never put in the result.
"""

from __future__ import annotations

import re

from otklik.core.identifiers import inn_valid, snils_valid
from otklik.nlp import resources
from otklik.nlp.stages.base import Doc, Stage
from otklik.nlp.text import name_tag

MASKS = {
    "email": "[EMAIL]",
    "phone": "[ТЕЛЕФОН]",
    "snils": "[СНИЛС]",
    "passport": "[ПАСПОРТ]",
    "inn": "[ИНН]",
    "flat": "[НОМЕР]",
    "name": "[ФИО]",
}
PRIORITY = list(MASKS)  # earlier wins when spans overlap
NER_LIMIT = 5_000  # characters given to the NER model

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zа-я]{2,}", re.IGNORECASE)
_PHONE_RE = re.compile(r"(?<![\d\w])(?:\+\s?7|8|7)(?:[\s\-‐–()]{0,3}\d){10}(?!\d)")
_LOCAL_PHONE_RE = re.compile(
    r"(?:тел\.?|телефон\w*|т\.)\s*:?\s*(\(?\d{2,5}\)?(?:[\s\-]?\d{1,3})?[\s\-]?\d{2}[\s\-]?\d{2})(?!\d)",
    re.IGNORECASE,
)
_PASSPORT_RE = re.compile(
    r"(?:паспорт\w*|серия)[^\d\n]{0,25}(\d{2}\s?\d{2}[\s№,]{0,4}(?:номер|н\.|№)?\s*\d{6})(?!\d)",
    re.IGNORECASE,
)
_SNILS_RE = re.compile(r"(?<![\d\w])(\d{3}[\-\s]?\d{3}[\-\s]?\d{3}[\-\s]?\d{2})(?![\d\w])")
_SNILS_CTX_RE = re.compile(r"снилс", re.IGNORECASE)
_INN_RE = re.compile(r"(?<![\d\w])(\d{10}|\d{12})(?![\d\w])")
_INN_CTX_RE = re.compile(r"инн", re.IGNORECASE)
_FLAT_RE = re.compile(
    r"(?<![\w])(?:кв\.?|квартир[аеуыой]{0,2})\s*№?\s*(\d{1,4}(?:\s?[а-д](?![а-яё]))?)(?![\d\w])",
    re.IGNORECASE,
)
_INITIALS_RE = re.compile(
    r"(?<![\w])([А-ЯЁ][а-яё]{1,30}(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s?[А-ЯЁ]\.)"
    r"|(?<![\w])([А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]{1,30})"
)
_CAP_WORD_RE = re.compile(r"(?<![\w.])[А-ЯЁ][а-яё]{1,30}(?:-[А-ЯЁ][а-яё]+)?")
_STREET_BEFORE_RE = re.compile(
    r"(?:ул|улица|улице|улицу|улицы|пр|пр-т|проспект\w*|пер|переул\w*|бул|бульвар\w*|пл|площад\w*|"
    r"им|имени|мкр|пос|с|х|ст|г|город\w*|памятник\w*|школ\w*|парк\w*|сквер\w*)\.?\s*$",
    re.IGNORECASE,
)


def _context(text: str, start: int, rx: re.Pattern, width: int = 25) -> bool:
    return bool(rx.search(text[max(0, start - width) : start]))


def find_patterns(text: str) -> list[tuple[str, int, int]]:
    spans: list[tuple[str, int, int]] = []
    spans += [("email", m.start(), m.end()) for m in _EMAIL_RE.finditer(text)]
    spans += [("phone", m.start(), m.end()) for m in _PHONE_RE.finditer(text)]
    spans += [("phone", m.start(1), m.end(1)) for m in _LOCAL_PHONE_RE.finditer(text)]
    spans += [("passport", m.start(1), m.end(1)) for m in _PASSPORT_RE.finditer(text)]
    for m in _SNILS_RE.finditer(text):
        if snils_valid(m.group(1)) or _context(text, m.start(), _SNILS_CTX_RE):
            spans.append(("snils", m.start(1), m.end(1)))
    for m in _INN_RE.finditer(text):
        if _context(text, m.start(), _INN_CTX_RE) or (
            len(m.group(1)) == 12 and inn_valid(m.group(1))
        ):
            spans.append(("inn", m.start(1), m.end(1)))
    spans += [("flat", m.start(1), m.end(1)) for m in _FLAT_RE.finditer(text)]
    for m in _INITIALS_RE.finditer(text):
        spans.append(("name", m.start(), m.end()))
    return spans


def _may_have_name(text: str) -> bool:
    """Cheap gate before NER: a capitalised word that pymorphy3 takes for a name part."""
    if _INITIALS_RE.search(text):
        return True
    for m in _CAP_WORD_RE.finditer(text[:NER_LIMIT]):
        if name_tag(m.group(0).lower()) and not _STREET_BEFORE_RE.search(
            text[max(0, m.start() - 15) : m.start()]
        ):
            return True
    return False


def _morph_names(text: str) -> list[tuple[str, int, int]]:
    """Fallback without NER: runs of 2–3 capitalised words tagged Name / Surn / Patr."""
    out = []
    run: list[re.Match] = []
    for m in [*_CAP_WORD_RE.finditer(text[:NER_LIMIT]), None]:
        if (
            m is not None
            and name_tag(m.group(0).lower())
            and (not run or text[run[-1].end() : m.start()].strip() == "")
        ):
            run.append(m)
            continue
        if len(run) >= 2:
            out.append(("name", run[0].start(), run[-1].end()))
        run = [m] if m is not None and name_tag(m.group(0).lower()) else []
    return out


def merge_names(text: str, spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """«Кузнецова» + «Мария Петровна» found apart are one name."""
    names = sorted(s for s in spans if s[0] == "name")
    merged: list[tuple[str, int, int]] = []
    for kind, s, e in names:
        if merged and text[merged[-1][2] : s].strip() == "":
            merged[-1] = (kind, merged[-1][1], max(e, merged[-1][2]))
        else:
            merged.append((kind, s, e))
    return [s for s in spans if s[0] != "name"] + merged


def resolve(spans: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Non-overlapping spans, higher-priority kinds first, in text order."""
    chosen: list[tuple[str, int, int]] = []
    for kind, s, e in sorted(spans, key=lambda x: (PRIORITY.index(x[0]), x[1], -(x[2] - x[1]))):
        if e <= s:
            continue
        if all(e <= cs or s >= ce for _, cs, ce in chosen):
            chosen.append((kind, s, e))
    return sorted(chosen, key=lambda x: x[1])


def mask(text: str, spans: list[tuple[str, int, int]]) -> str:
    out = []
    pos = 0
    for kind, s, e in spans:
        out.append(text[pos:s])
        out.append(MASKS[kind])
        pos = e
    out.append(text[pos:])
    return "".join(out)


class PiiStage(Stage):
    name = "pii"
    version = "2"

    def __init__(self, use_ner: bool = True):
        self.ner = resources.ner() if use_ner else None

    def process(self, docs: list[Doc]) -> None:
        found = {id(d): find_patterns(d.clean) for d in docs}
        gated = [d for d in docs if d.clean and _may_have_name(d.clean)]
        if gated:
            if self.ner is not None:
                texts = [d.clean[:NER_LIMIT] for d in gated]
                for doc, markup in zip(gated, self.ner.map(texts), strict=True):
                    for span in markup.spans:
                        if span.type != "PER":
                            continue
                        before = doc.clean[max(0, span.start - 15) : span.start]
                        if _STREET_BEFORE_RE.search(before):
                            continue  # «ул. Хользунова», «школа им. Гагарина»
                        found[id(doc)].append(("name", span.start, span.stop))
            # Runs of name words by morphology as well: NER misses a name glued to the end of
            # a sentence without a stop («глубиной 2 см Иванов Пётр»).
            for doc in gated:
                found[id(doc)] += _morph_names(doc.clean)
        for doc in docs:
            spans = resolve(merge_names(doc.clean, found[id(doc)]))
            doc.result["pii"] = [{"type": k, "start": s, "end": e} for k, s, e in spans]
            doc.result["text_masked"] = mask(doc.clean, spans)
            doc.versions[self.name] = self.version + ("+ner" if self.ner is not None else "")
