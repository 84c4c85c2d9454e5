"""The text of a message: the body wrapped in the framing of its channel and kind (greetings,
formal openings and closings of 59-ФЗ appeals, social-network prefixes, e-mail signatures),
filled, with a typo now and then. The framing phrases are in otklik/directory/data/phrasings.toml.
"""

from __future__ import annotations

import functools
import random
import re
from datetime import datetime

from otklik.nlp import resources
from otklik.nlp.corpus.filler import Filler
from otklik.nlp.corpus.shape import KIND_APPEAL, KIND_COMPLAINT, KIND_PUBLICATION, shape
from otklik.nlp.corpus.templates import level

_WORD = re.compile(r"\b[а-яё]{5,}\b")


@functools.cache
def _framing() -> dict[str, list[str]]:
    return resources.reference("phrasings")["framing"]


def _join(parts: list[str]) -> str:
    out = ""
    for part in parts:
        part = part.strip()
        if not part:
            continue
        if out and out[-1] not in ".!?»)…:":
            out += "."
        out = f"{out} {capitalize(part)}" if out else part
    return out


def capitalize(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _greeting(rng: random.Random, when: datetime) -> str:
    framing = _framing()
    if rng.random() < 0.5:
        return rng.choice(framing["greetings"])
    if 5 <= when.hour < 11:
        return rng.choice(framing["greetings_morning"])
    if 11 <= when.hour < 18:
        return rng.choice(framing["greetings_day"])
    if 18 <= when.hour < 24:
        return rng.choice(framing["greetings_evening"])
    return rng.choice(framing["greetings"])


def _typos(rng: random.Random, text: str, n: int) -> str:
    for _ in range(n):
        op = rng.random()
        if op < 0.15 and "ться" in text:
            text = text.replace("ться", "тся", 1)
            continue
        if op < 0.25 and ", " in text:
            i = text.index(", ")
            text = text[:i] + text[i + 1 :]
            continue
        words = list(_WORD.finditer(text))
        if not words:
            break
        m = rng.choice(words)
        w = m.group()
        i = rng.randrange(1, len(w) - 2)
        if op < 0.6:
            w = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
        elif op < 0.85:
            w = w[:i] + w[i + 1 :]
        else:
            w = w[:i] + w[i] + w[i:]
        text = text[: m.start()] + w + text[m.end() :]
    return text


def compose(
    rng: random.Random,
    filler: Filler,
    body: str,
    channel: str,
    kind: str,
    formal_body: bool,
    repeat: str,
) -> str:
    """Wraps the body in the framing of the channel and kind, fills it, adds typos."""
    framing = _framing()
    parts: list[str] = []
    author = filler.person
    if repeat == "self" and rng.random() < 0.7:
        body = f"{rng.choice(framing['repeat_prefixes'])} {capitalize(body)}"
    elif repeat == "neighbour" and rng.random() < 0.25:
        body = f"{rng.choice(framing['neighbour_repeat_prefixes'])} {capitalize(body)}"
    angry = rng.random() < (0.14 if repeat else 0.07)

    if kind in (KIND_APPEAL, KIND_COMPLAINT):
        if not body.startswith("Уважаем") and rng.random() < 0.7:
            parts.append(rng.choice(framing["formal_openings"]))
        if kind == KIND_APPEAL and rng.random() < 0.55:
            if level(body) == "house" and rng.random() < 0.6:
                parts.append(rng.choice(framing["formal_intros_home"]))
            else:
                parts.append(rng.choice(framing["formal_intros"]))
        parts.append(body if formal_body else capitalize(body))
        if kind == KIND_APPEAL and rng.random() < 0.75:
            parts.extend(rng.sample(framing["formal_details"], rng.choice((1, 1, 2, 2, 3))))
        if angry:
            parts.append(rng.choice(framing["escalations"]))
        if rng.random() < 0.8:
            parts.append(rng.choice(framing["formal_closings"]))
        text = capitalize(filler.fill(_join(parts)))
        if channel == "paper" and rng.random() < 0.3:
            text += "\n\n" + rng.choice(framing["paper_attachments"])
        if channel == "email":
            text += f"\n\nС уважением, {author.full}"
        return _typos(rng, text, 1) if rng.random() < 0.04 else text

    if kind == KIND_PUBLICATION:
        prefix = ""
        if channel == "incident" and rng.random() < 0.35:
            prefix = filler.fill(rng.choice(framing["incident_prefixes"]))
        text = body
        if rng.random() < 0.3:
            suffix = rng.choice(framing["social_suffixes"])
            text = text.rstrip(".") + ("" if text[-1:] in "!?" else ".") + suffix
        if angry:
            text = _join([text, rng.choice(framing["escalations"])])
        text = filler.fill(text)
        if rng.random() < 0.25:
            text = text[:1].lower() + text[1:]
        elif body[:1] in "{[":
            text = capitalize(text)
        if rng.random() < 0.4:
            text = text.rstrip(".")
        text = prefix + text
        return _typos(rng, text, 1 + (rng.random() < 0.2)) if rng.random() < 0.2 else text

    # message: ПОС, web, e-mail, Telegram, phone, Open311
    greet = shape().greeting_share.get(channel, 0)
    if rng.random() < greet:
        parts.append(_greeting(rng, filler.when))
    parts.append(body)
    if angry:
        parts.append(rng.choice(framing["escalations"]))
    if channel != "open311" and rng.random() < 0.35:
        ending = rng.choice(framing["endings"])
        if ending not in body:
            parts.append(ending)
    text = filler.fill(_join(parts))
    if len(parts) > 1 or body[:1] in "{[":
        text = capitalize(text)  # a lowercase start stays only in a bare colloquial body
    if channel == "phone":
        text = capitalize(text)
        if rng.random() < 0.75:
            text = rng.choice(framing["phone_prefixes"]) + text
    if channel == "email":
        thanks = "Спасибо" if "пасибо" not in text and rng.random() < 0.3 else "С уважением"
        text += f"\n\n{thanks}, {author.short}"
        if rng.random() < 0.5:
            text += f"\nтел. {author.phone}"
    return _typos(rng, text, 1) if rng.random() < 0.1 else text


_INCIDENT_PREFIX = re.compile(
    r"^(Подписчи(к|ца) пишет|Пишет подписчи(к|ца)|Из предложки|Жалоба от читателя"
    r"|Жители жалуются|Анонимно): "
)


def strip_prefix(text: str) -> str:
    """The text of a social-network post without the words of the page that reposted it."""
    return capitalize(_INCIDENT_PREFIX.sub("", text, count=1))
