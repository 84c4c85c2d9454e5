"""Tone and urgency, and conflict signals: word lists of otklik/nlp/data/signals.toml."""

from __future__ import annotations

import functools
import itertools
import math
import re
from dataclasses import dataclass
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


# --------------------------------------------------------------------- emergencies
# A clause ends at sentence punctuation, a comma, a dash or «но», «а», «однако», «зато».
_CLAUSE_RE = re.compile(r"[.!?;:,()\n]+|\s[—–-]\s|(?<!\w)(?:но|а|однако|зато)(?!\w)")


@dataclass(frozen=True)
class EmergencyRules:
    """The ``[urgency.emergency]`` section of signals.toml, compiled."""

    markers: tuple[tuple[str, ...], ...]
    window: int
    negations: frozenset[str]
    past: re.Pattern | None
    ongoing: re.Pattern | None
    resolved: re.Pattern | None
    conditional: re.Pattern | None
    cold_season_outages: frozenset[str]
    accident_topic: str = ""
    service_topics: frozenset[str] = frozenset()
    network_markers: frozenset[str] = frozenset()


@functools.cache
def emergency_rules() -> EmergencyRules:
    data = resources.lexicon("signals")["urgency"]["emergency"]
    return EmergencyRules(
        markers=tuple(tuple(fold(w) for w in m.split()) for m in data["markers"] if m.strip()),
        window=int(data.get("window", 6)),
        negations=frozenset(fold(w) for w in data.get("negations", ())),
        past=_phrase_re(data.get("past", ())),
        ongoing=_phrase_re(data.get("ongoing", ())),
        resolved=_phrase_re(data.get("resolved", ())),
        conditional=_phrase_re(data.get("conditional", ())),
        cold_season_outages=frozenset(data.get("cold_season_outages", ())),
        accident_topic=data.get("topic", {}).get("accident", ""),
        service_topics=frozenset(data.get("topic", {}).get("services", ())),
        network_markers=frozenset(
            " ".join(fold(w) for w in m.split()) for m in data.get("topic", {}).get("markers", ())
        ),
    )


def accident_topic(result: dict, markers: list[str]) -> None:
    """A service topic becomes the accident topic when a network accident is reported
    (``[urgency.emergency.topic]``); the service topic is offered first instead."""
    rules = emergency_rules()
    before = result.get("topic")
    if not rules.accident_topic or before not in rules.service_topics:
        return
    if not any(m in rules.network_markers for m in markers):
        return
    others = [
        a
        for a in result.get("alternatives") or []
        if a.get("topic") not in (before, rules.accident_topic)
    ]
    result["alternatives"] = [
        {"topic": before, "confidence": result.get("topic_confidence")},
        *others,
    ][:3]
    result["topic"] = rules.accident_topic
    result["topic_rule"] = "emergency"


def clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_RE.split(text) if c and c.strip()]


def _cue(rx: re.Pattern | None, clause: str) -> bool:
    """``rx`` occurs in ``clause`` other than right after «не» («не устранили» is no repair)."""
    if rx is None:
        return False
    return any(not clause[: m.start()].endswith("не ") for m in rx.finditer(clause))


def clause_is_live(clause: str, rules: EmergencyRules | None = None) -> bool:
    """False when the clause speaks of a fault that is over, of the past (unless it says the
    fault goes on), or of what might happen."""
    rules = rules or emergency_rules()
    if _cue(rules.resolved, clause) or _cue(rules.conditional, clause):
        return False
    return not (_cue(rules.past, clause) and not _cue(rules.ongoing, clause))


def _positions(token: str, words: list[str], lemmas: list[str], index: dict) -> list[int]:
    """Where ``token`` (a lemma or a form, or with «*» their beginning) stands in the clause."""
    if token.endswith("*"):
        stem = token[:-1]
        return [
            i
            for i, (w, lm) in enumerate(zip(words, lemmas, strict=True))
            if lm.startswith(stem) or w.startswith(stem)
        ]
    return index.get(token, [])


def _marker_in(marker: tuple[str, ...], words: list[str], lemmas: list[str], index, rules) -> bool:
    """All the words of ``marker`` within ``rules.window`` words, none of them negated."""
    places = []
    for token in marker:
        found = [
            i
            for i in _positions(token, words, lemmas, index)
            if not (i > 0 and words[i - 1] in rules.negations)
            and not (i + 1 < len(words) and words[i + 1] == "нет")
        ]
        if not found:
            return False
        places.append(found)
    if len(places) == 1:
        return True
    return any(
        len(set(combo)) == len(combo) and max(combo) - min(combo) < rules.window
        for combo in itertools.product(*places)
    )


def live_clauses(text: str) -> tuple[list[str], list[str]]:
    """(all the clauses of ``text``, those that speak of a present fault)."""
    rules = emergency_rules()
    parts = clauses(text)
    return parts, [c for c in parts if clause_is_live(c, rules)]


def emergency_markers(live: list[str]) -> list[str]:
    """The accident markers in the ``live`` clauses (lowercase, ё folded): each as written in
    signals.toml, in the order of the file."""
    rules = emergency_rules()
    found: list[str] = []
    for clause in live:
        words = WORD_RE.findall(clause)
        lemmas = [lemma(w) for w in words]
        index: dict[str, list[int]] = {}
        for i, (w, lm) in enumerate(zip(words, lemmas, strict=True)):
            index.setdefault(w, []).append(i)
            if lm != w:
                index.setdefault(lm, []).append(i)
        for marker in rules.markers:
            name = " ".join(marker)
            if name not in found and _marker_in(marker, words, lemmas, index, rules):
                found.append(name)
    return found


def profanity_count(words: list[str]) -> int:
    roots = profanity_roots()
    return sum(1 for w in words if len(w) >= 3 and w.startswith(roots))


class ToneUrgencyStage(Stage):
    """Sentiment (negative / neutral / positive) and urgency (low / medium / high, and
    critical for an accident: ``[urgency.emergency]`` of signals.toml)."""

    name = "tone"
    version = "2"

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
        # events (an accident, a danger) count only where the text speaks of the present
        parts, live = live_clauses(text)
        # without the clauses about a past, repaired or possible fault (text itself if none)
        events = text if len(live) == len(parts) else " | ".join(live)
        markers = emergency_markers(live)
        emergency = bool(markers)
        n_danger = _count(L["danger"], events)
        if n_danger:
            u += 0.6 + 0.1 * min(n_danger - 1, 3)
            signals.append("danger")
        if _count(L["accident"], events):
            u += 0.3
            signals.append("accident")
        month = (doc.received or datetime.now(TZ).date()).month
        cold_outages = emergency_rules().cold_season_outages
        for kind, rx in L["outage"].items():
            if _count(rx, text):
                w = 0.3 if kind == "water" else 0.35
                if kind in ("heat", "gas", "power"):
                    if month in COLD_MONTHS:
                        w *= 1.6
                        if "cold_season" not in signals:
                            signals.append("cold_season")
                        emergency = emergency or kind in cold_outages
                    elif month in SHOULDER_MONTHS:
                        w *= 1.2
                u += w
                signals.append(f"outage_{kind}")
        if emergency:
            u += 0.7
            signals.insert(0, "emergency")
        if _count(L["vulnerable"], text):
            u += 0.15 if u > 0 else 0.05
            signals.append("vulnerable")
        if _count(L["many"], text):
            u += 0.15 if u > 0 else 0.05
            signals.append("many_affected")
        u = min(u, 1.0)
        if emergency:
            r["urgency"] = "critical"
        else:
            r["urgency"] = "high" if u >= 0.6 else "medium" if u >= 0.3 else "low"
        r["urgency_score"] = round(u, 3)
        r["urgency_signals"] = signals
        r["emergency_markers"] = markers
        accident_topic(r, markers)


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
