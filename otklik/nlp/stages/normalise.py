"""Normalisation: HTML, emoji, Latin look-alikes and transliteration, repeated letters,
obfuscated profanity. Produces ``doc.clean`` (shown and masked) and ``doc.norm`` (analysed)."""

from __future__ import annotations

import functools
import re

from otklik.nlp import resources
from otklik.nlp.stages.base import Doc, Stage
from otklik.nlp.text import (
    clean_spaces,
    detranslit,
    fix_lookalikes,
    fold,
    split_emoji,
    squeeze_repeats,
    strip_html,
)

_MASKED_WORD_RE = re.compile(
    r"(?<![\w*@#$%])[а-яёa-z]+[*@#$%0136][а-яёa-z*@#$%0136]*|"
    r"(?<![\w*@#$%])[а-яёa-z]*[*@#$%][а-яёa-z*@#$%0136]*[а-яё]",
    re.IGNORECASE,
)
_OBFUSCATION_MAP = str.maketrans(
    {"@": "а", "0": "о", "3": "з", "6": "б", "1": "и", "$": "с", "a": "а", "e": "е", "o": "о",
     "p": "р", "c": "с", "x": "х", "y": "у", "k": "к", "u": "и", "b": "б", "n": "п"}
)  # fmt: skip
_WILDCARDS = "*#%"


@functools.cache
def profanity_roots() -> tuple[str, ...]:
    roots = resources.lexicon("profanity")["roots"]
    return tuple(sorted({fold(r) for r in roots}, key=len, reverse=True))


def deobfuscate(word: str) -> str | None:
    """«х*й» → «хуй», «бл@дь» → «блядь»; None when the word is not a hidden obscenity."""
    folded = fold(word)
    if len(folded) < 3:
        return None
    # «@» stands for «а» («с@ка») or hides any letter («бл@дь»)
    for w in (
        folded.translate(_OBFUSCATION_MAP),
        folded.replace("@", "*").translate(_OBFUSCATION_MAP),
    ):
        found = _match_root(w, changed=w != folded)
        if found:
            return found
    return None


def _match_root(w: str, changed: bool) -> str | None:
    for root in profanity_roots():
        if len(w) < len(root) - 1:
            continue
        hidden = 0
        for i, ch in enumerate(root):
            if i >= len(w):
                break
            if ch == w[i]:
                continue
            if w[i] in _WILDCARDS:
                hidden += 1
                continue
            break
        else:
            if hidden or changed:
                rest = w[len(root) :] if len(w) > len(root) else ""
                if any(c in _WILDCARDS for c in rest):
                    continue
                return root + rest
    return None


class NormaliseStage(Stage):
    name = "normalise"
    version = "1"

    def process_one(self, doc: Doc) -> None:
        stats: dict[str, int | bool] = {}
        text = doc.text or ""
        stripped = strip_html(text)
        stats["html"] = stripped != text
        clean, n_lookalike = fix_lookalikes(stripped)
        stats["lookalikes"] = n_lookalike
        clean = clean_spaces(clean)
        translit = detranslit(clean[:2000]) if clean and clean.isascii() else None
        if translit is not None:
            clean = clean_spaces(detranslit(clean) or clean)
        stats["transliterated"] = translit is not None
        doc.clean = clean

        norm, pos, neg = split_emoji(clean)
        stats["emoji_positive"], stats["emoji_negative"] = pos, neg
        norm, n_repeats = squeeze_repeats(norm)
        stats["repeated_letters"] = n_repeats
        profanity = 0

        def unmask(m: re.Match) -> str:
            nonlocal profanity
            word = deobfuscate(m.group(0))
            if word is None:
                return m.group(0)
            profanity += 1
            return word

        if any(c in norm for c in "*@#$%0136"):
            norm = _MASKED_WORD_RE.sub(unmask, norm)
        stats["obfuscated_profanity"] = profanity
        doc.norm = clean_spaces(fold(norm))
        letters = [c for c in clean[:2000] if c.isalpha()]
        upper = sum(1 for c in letters if c.isupper())
        stats["caps_share"] = round(upper / len(letters), 2) if len(letters) >= 20 else 0.0
        stats["exclamations"] = clean.count("!")
        doc.facts["normalisation"] = stats
