"""Tone and urgency, and conflict signals: word lists of otklik/nlp/data/signals.toml."""

from __future__ import annotations

import functools
import math
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from otklik.nlp import resources
from otklik.nlp.stages.base import Doc, Stage
from otklik.nlp.stages.normalise import profanity_roots
from otklik.nlp.text import WORD_RE, fold, lemma

TZ = ZoneInfo("Europe/Volgograd")
COLD_MONTHS = frozenset({11, 12, 1, 2, 3})
SHOULDER_MONTHS = frozenset({10, 4})


def _phrase_re(phrases) -> re.Pattern | None:
    """Phrases match at a word start; short ones (≤ 3 letters) only as whole words."""
    parts = []
    for p in sorted({fold(p).strip() for p in phrases if p.strip()}, key=len, reverse=True):
        esc = re.escape(p)
        parts.append(esc + r"(?!\w)" if len(p) <= 3 else esc)
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")


@functools.cache
def _lists():
    data = resources.lexicon("signals")
    tone = data["tone"]
    urg = data["urgency"]
    return {
        "pos_lemmas": frozenset(fold(w) for w in tone["positive"]["lemmas"]),
        "neg_lemmas": frozenset(fold(w) for w in tone["negative"]["lemmas"]),
        "pos_phrases": _phrase_re(tone["positive"]["phrases"]),
        "neg_phrases": _phrase_re(tone["negative"]["phrases"]),
        "danger": _phrase_re(urg["danger"]["phrases"]),
        "accident": _phrase_re(urg["accident"]["phrases"]),
        "outage": {k: _phrase_re(v) for k, v in urg["outage"].items()},
        "vulnerable": _phrase_re(urg["vulnerable"]["phrases"]),
        "many": _phrase_re(urg["many"]["phrases"]),
        "conflict": {k: _phrase_re(v) for k, v in data["conflict"].items()},
        "insults": frozenset(fold(w) for w in resources.lexicon("profanity")["insults"]),
    }


def _count(rx: re.Pattern | None, text: str) -> int:
    return len(rx.findall(text)) if rx is not None else 0


def profanity_count(words: list[str]) -> int:
    roots = profanity_roots()
    return sum(1 for w in words if len(w) >= 3 and w.startswith(roots))


class ToneUrgencyStage(Stage):
    """Sentiment (negative / neutral / positive) and urgency (low / medium / high)."""

    name = "tone"
    version = "1"

    def process_one(self, doc: Doc) -> None:
        L = _lists()
        text = doc.analysed
        words = WORD_RE.findall(text)
        lemmas = [lemma(w) for w in words]
        facts = doc.facts.get("normalisation", {})
        doc.facts["words"], doc.facts["lemmas"] = words, lemmas

        # ---- tone
        pos = sum(1 for lm in lemmas if lm in L["pos_lemmas"]) + 1.5 * _count(
            L["pos_phrases"], text
        )
        neg = sum(1 for lm in lemmas if lm in L["neg_lemmas"]) + 1.5 * _count(
            L["neg_phrases"], text
        )
        pos += facts.get("emoji_positive", 0)
        neg += facts.get("emoji_negative", 0)
        swearing = profanity_count(words)
        doc.facts["profanity"] = swearing
        neg += 2 * swearing
        if facts.get("exclamations", 0) >= 3:
            neg += 0.5
        if facts.get("caps_share", 0) > 0.5:
            neg += 1
        # negation of a positive word («не помогли», «не спасибо») counts against
        neg += 0.5 * len(re.findall(r"(?<!\w)не (?:помог|сделал|отреагир|решил)", text))
        score = pos - neg
        if not words:
            sentiment = "neutral"
        elif score >= 1 and pos > neg:
            sentiment = "positive"
        elif score <= -1 or (neg >= 1 and pos == 0):
            sentiment = "negative"
        else:
            sentiment = "neutral"
        r = doc.result
        r["sentiment"] = sentiment
        r["sentiment_score"] = round(math.tanh(score / 3), 3)

        # ---- urgency
        signals: list[str] = []
        u = 0.0
        n_danger = _count(L["danger"], text)
        if n_danger:
            u += 0.6 + 0.1 * min(n_danger - 1, 3)
            signals.append("danger")
        if _count(L["accident"], text):
            u += 0.3
            signals.append("accident")
        month = (doc.received or datetime.now(TZ).date()).month
        for kind, rx in L["outage"].items():
            if _count(rx, text):
                w = 0.3 if kind == "water" else 0.35
                if kind in ("heat", "gas", "power"):
                    if month in COLD_MONTHS:
                        w *= 1.6
                        if "cold_season" not in signals:
                            signals.append("cold_season")
                    elif month in SHOULDER_MONTHS:
                        w *= 1.2
                u += w
                signals.append(f"outage_{kind}")
        if _count(L["vulnerable"], text):
            u += 0.15 if u > 0 else 0.05
            signals.append("vulnerable")
        if _count(L["many"], text):
            u += 0.15 if u > 0 else 0.05
            signals.append("many_affected")
        u = min(u, 1.0)
        r["urgency"] = "high" if u >= 0.6 else "medium" if u >= 0.3 else "low"
        r["urgency_score"] = round(u, 3)
        r["urgency_signals"] = signals


class ConflictStage(Stage):
    """Aggression, threats to go to the prosecutor / a court / the President / the media,
    collective appeals, repeated complaints, complaints about a previous answer."""

    name = "conflict"
    version = "1"

    def process_one(self, doc: Doc) -> None:
        L = _lists()
        text = doc.analysed
        words = doc.facts.get("words") or WORD_RE.findall(text)
        lemmas = doc.facts.get("lemmas") or [lemma(w) for w in words]
        facts = doc.facts.get("normalisation", {})
        signals: list[str] = []
        swearing = doc.facts.get("profanity", profanity_count(words))
        insults = sum(1 for lm in lemmas if lm in L["insults"])
        shouting = facts.get("caps_share", 0) > 0.6 and facts.get("exclamations", 0) >= 2
        threat = _count(L["conflict"].get("threat"), text)
        if swearing or insults or shouting or threat:
            signals.append("aggression")
        for kind, rx in L["conflict"].items():
            if kind == "threat":
                continue
            if _count(rx, text):
                signals.append(kind)
        doc.result["conflict"] = signals
