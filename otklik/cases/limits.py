"""The longest texts the staff may write on a case: an answer, and the short notes (a reason, a
comment, a question to the author). The services refuse a longer text; the forms and the API
say so before, in the same words. The citizens' messages have no limit: they are taken as sent
and shown folded on the case page.

An answer of a few pages is long already; a 100 KB paste is a mistake (it once made the case
page 33,000 px tall), and an outbound channel would cut it anyway.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError

from otklik.core.exceptions import ApplicationError

ANSWER_MAX_LENGTH = 10_000
NOTE_MAX_LENGTH = 2_000

# ``what`` below names the text in the genitive: «ответа», «причины», «комментария»,
# «замечания», «вопроса».


def chars(n: int) -> str:
    """«10 000 знаков», «1 001 знак», «2 002 знака» (a no-break space between the thousands)."""
    tens, ones = n % 100, n % 10
    word = "знаков"
    if not 11 <= tens <= 14 and ones == 1:
        word = "знак"
    elif not 11 <= tens <= 14 and 2 <= ones <= 4:
        word = "знака"
    return f"{n:,}".replace(",", "\u00a0") + f" {word}"


def too_long(what: str, limit: int, length: int | None = None) -> str:
    """The Russian refusal of a text longer than ``limit`` characters."""
    have = f": {chars(length)}" if length is not None else ""
    return f"Слишком длинный текст {what}{have}, допустимо не больше {chars(limit)}. Сократите его."


def text_within(text: str | None, *, limit: int, what: str) -> str:
    """``text`` without the blanks around it; ``ApplicationError`` when it is too long."""
    text = (text or "").strip()
    if len(text) > limit:
        raise ApplicationError(too_long(what, limit, len(text)), extra={"max_length": limit})
    return text


def length_validator(limit: int, what: str) -> Callable[[str], None]:
    """A form field's validator in the words of the service. (A ``max_length`` would also put a
    ``maxlength`` on the textarea, and a browser cuts a longer paste silently.)"""

    def validate(value: str) -> None:
        if value is not None and len(value) > limit:
            raise ValidationError(too_long(what, limit, len(value)), code="max_length")

    return validate
