"""Text helpers shared by the stages: cleaning, tokens, lemmas (pymorphy3, cached)."""

from __future__ import annotations

import functools
import html
import re
import unicodedata

from otklik.nlp.resources import morph

WORD_RE = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)
CYR_RE = re.compile(r"[а-яё]", re.IGNORECASE)
LAT_RE = re.compile(r"[a-z]", re.IGNORECASE)

# ---------------------------------------------------------------------------------- HTML
_SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_BLOCK_RE = re.compile(r"<\s*(br|/p|p|/div|div|li|/li|tr|/tr|h\d|/h\d)\b[^>]*>", re.IGNORECASE)
_TAG_RE = re.compile(r"<[^<>]{1,2000}>")
_ZERO_WIDTH_RE = re.compile("[\u200b-\u200f\u2060\ufeff\u00ad]")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_NEWLINES_RE = re.compile(r"\s*\n\s*")


def strip_html(text: str) -> str:
    if "<" in text:
        text = _SCRIPT_RE.sub(" ", text)
        text = _BLOCK_RE.sub("\n", text)
        text = _TAG_RE.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return text


def clean_spaces(text: str) -> str:
    text = _ZERO_WIDTH_RE.sub("", text)
    text = _SPACES_RE.sub(" ", text)
    text = _NEWLINES_RE.sub("\n", text)
    return text.strip()


# ---------------------------------------------------------------------------------- emoji
POSITIVE_EMOJI = frozenset("😀😃😄😁😊🙂😍🥰😘👍👏🙏❤💖💗💙💚💛🤗✅🎉🌹💐🥳😇👌💪☺")
NEGATIVE_EMOJI = frozenset("😡🤬😠👎😢😭😤😞😟😒💩🤮🤢😱😰😨😩😫☹🙁😕🖕⚠❗❌")


def is_emoji(ch: str) -> bool:
    o = ord(ch)
    return (
        0x1F000 <= o <= 0x1FAFF
        or 0x2600 <= o <= 0x27BF
        or 0x2B00 <= o <= 0x2BFF
        or o in (0xFE0F, 0x200D, 0x20E3)
        or 0x1F1E6 <= o <= 0x1F1FF
    )


def split_emoji(text: str) -> tuple[str, int, int]:
    """(text without emoji, positive count, negative count)."""
    if text.isascii() or not any(is_emoji(c) for c in text):
        return text, 0, 0
    pos = neg = 0
    out = []
    for c in text:
        if is_emoji(c):
            pos += c in POSITIVE_EMOJI
            neg += c in NEGATIVE_EMOJI
            out.append(" ")
        else:
            out.append(c)
    return "".join(out), pos, neg


# ------------------------------------------------------------- Latin look-alikes, translit
_LOOKALIKE = str.maketrans(
    {
        "a": "а", "A": "А", "e": "е", "E": "Е", "o": "о", "O": "О", "p": "р", "P": "Р",
        "c": "с", "C": "С", "x": "х", "X": "Х", "y": "у", "Y": "У", "k": "к", "K": "К",
        "M": "М", "T": "Т", "H": "Н", "B": "В", "m": "м", "u": "и", "n": "п", "r": "г",
        "b": "ь",
    }
)  # fmt: skip
_DIGIT_LOOKALIKE = {"3": "з", "0": "о", "6": "б"}
_DIGIT_IN_WORD_RE = re.compile(r"(?<=[а-яё])[036](?=[а-яё])", re.IGNORECASE)
_MIXED_WORD_RE = re.compile(r"\w*[а-яё]\w*", re.IGNORECASE)


def fix_lookalikes(text: str) -> tuple[str, int]:
    """Replace Latin (and digit) look-alikes inside Cyrillic words: «нeт вoды» → «нет воды»."""
    count = 0
    if _DIGIT_IN_WORD_RE.search(text):  # «в0да» → «вода»
        text, count = _DIGIT_IN_WORD_RE.subn(lambda m: _DIGIT_LOOKALIKE[m.group(0)], text)
    if not LAT_RE.search(text):
        return text, count

    def fix(m: re.Match) -> str:
        nonlocal count
        word = m.group(0)
        letters = [c for c in word if c.isalpha()]
        cyr = sum(1 for c in letters if CYR_RE.match(c))
        if cyr == len(letters) or (cyr < 2 and len(letters) > 3):
            return word
        fixed = word.translate(_LOOKALIKE)
        if LAT_RE.search(fixed):  # a real Latin letter without a look-alike: leave it
            return word
        count += fixed != word
        return fixed

    return _MIXED_WORD_RE.sub(fix, text), count


_TRANSLIT = [
    ("shch", "щ"), ("sch", "щ"), ("yo", "ё"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ya", "я"), ("ju", "ю"), ("ja", "я"),
    ("iy", "ий"), ("yi", "ый"), ("y", "ы"), ("a", "а"), ("b", "б"), ("v", "в"), ("w", "в"),
    ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("j", "й"), ("k", "к"),
    ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"),
    ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "ц"), ("x", "кс"), ("q", "к"),
    ("'", "ь"),
]  # fmt: skip
_TRANSLIT_RE = re.compile("|".join(re.escape(a) for a, _ in _TRANSLIT))
_TRANSLIT_MAP = dict(_TRANSLIT)


def _translit_word(word: str) -> str:
    low = re.sub(r"(?<=[aeouy])i(?![aeiouy])", "j", word.lower())  # «goryachei» → «горячей»
    out = _TRANSLIT_RE.sub(lambda m: _TRANSLIT_MAP[m.group(0)], low)
    return out.capitalize() if word[:1].isupper() else out


def detranslit(text: str) -> str | None:
    """Latin-typed Russian («net goryachey vody») → Cyrillic, when most words become known
    Russian words; None otherwise (English stays English)."""
    words = WORD_RE.findall(text)
    if len(words) < 2 or CYR_RE.search(text):
        return None
    converted = {w: _translit_word(w) for w in words}
    known = sum(1 for w in words if len(w) > 1 and is_known(converted[w].lower()))
    if known < 0.6 * len(words):
        return None
    return re.sub(r"[A-Za-z']+", lambda m: _translit_word(m.group(0)), text)


# ----------------------------------------------------------------------- repeated letters
_REPEAT_RE = re.compile(r"([^\W\d_])\1{2,}", re.UNICODE | re.IGNORECASE)
_PUNCT_REPEAT_RE = re.compile(r"([!?.,])\1{2,}")


def squeeze_repeats(text: str) -> tuple[str, int]:
    """«оооочень» → «очень», «класссс» → «класс» (kept double when that is a known word)."""
    n = 0

    def fix_word(m: re.Match) -> str:
        nonlocal n
        word = m.group(0)
        if not _REPEAT_RE.search(word):
            return word
        n += 1
        single = _REPEAT_RE.sub(r"\1", word)
        double = _REPEAT_RE.sub(r"\1\1", word)
        if not is_known(single.lower()) and is_known(double.lower()):
            return double
        return single

    text = WORD_RE.sub(fix_word, text) if _REPEAT_RE.search(text) else text
    text = _PUNCT_REPEAT_RE.sub(r"\1\1\1", text)
    return text, n


# ----------------------------------------------------------------------------- lemmas
@functools.lru_cache(maxsize=300_000)
def is_known(word: str) -> bool:
    return morph().word_is_known(word)


@functools.lru_cache(maxsize=300_000)
def lemma(word: str) -> str:
    """The normal form of a lowercase word («волжском» → «волжский»), ё folded to е."""
    if len(word) < 2 or not word.isalpha():
        return word.replace("ё", "е")
    return morph().parse(word)[0].normal_form.replace("ё", "е")


@functools.lru_cache(maxsize=300_000)
def name_tag(word: str) -> str | None:
    """'Name', 'Surn' or 'Patr' when the capitalised word is most likely part of a name."""
    for p in morph().parse(word)[:2]:
        if p.score < 0.3:
            continue
        for tag in ("Name", "Surn", "Patr"):
            if tag in p.tag:
                return tag
    return None


def words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def lemmas(text: str) -> list[str]:
    return [lemma(w) for w in words(text)]


def fold(text: str) -> str:
    """Lowercase, ё → е, accents removed: the form every dictionary key is written in."""
    text = text.lower().replace("ё", "е")
    if not text.isascii():
        text = unicodedata.normalize("NFC", text.replace("\u0301", ""))
    return text


def surface_forms(text: str, terms: list[str]) -> list[str]:
    """The words of ``text`` as written there for each term of an explanation (a lemma, a word
    or a two-word phrase of either: «горячий вода» → «горячей воды»), in the order of ``terms``;
    a term not found in ``text``, or whose words are already shown, is left out (an operator
    reads the text, not lemmas)."""
    tokens = [
        (m.start(), m.end(), {fold(m.group(0)), lemma(fold(m.group(0)))})
        for m in WORD_RE.finditer(text)
    ]
    shown: set[int] = set()
    out: list[str] = []
    for term in terms:
        parts = term.split()
        for i in range(len(tokens) - len(parts) + 1):
            if all(p in tokens[i + k][2] for k, p in enumerate(parts)):
                span = set(range(i, i + len(parts)))
                if not span <= shown:
                    out.append(text[tokens[i][0] : tokens[i + len(parts) - 1][1]])
                    shown |= span
                break
    return out
