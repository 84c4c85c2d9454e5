"""Seeded choices of the synthetic stream: weighted choice, stable random numbers, plurals."""

from __future__ import annotations

import bisect
import random
import zlib
from itertools import accumulate

DAYS = ("день", "дня", "дней")
WEEKS = ("неделю", "недели", "недель")
MONTHS = ("месяц", "месяца", "месяцев")
HOURS = ("час", "часа", "часов")
YEARS = ("год", "года", "лет")


def unit(key: str) -> float:
    """A stable pseudo-random number in [-1, 1] for a key (independent of PYTHONHASHSEED)."""
    return zlib.crc32(key.encode()) / 0xFFFFFFFF * 2 - 1


def pick(key: str, options: tuple[str, ...] | list[str]) -> str:
    return options[zlib.crc32(key.encode()) % len(options)]


def plural(n: int, forms: tuple[str, str, str]) -> str:
    if n % 10 == 1 and n % 100 != 11:
        word = forms[0]
    elif 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        word = forms[1]
    else:
        word = forms[2]
    return f"{n} {word}"


class Weighted:
    """Weighted choice with precomputed cumulative weights."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, items: list, weights: list[float]):
        self.items = items
        self.cum = list(accumulate(weights))
        self.total = self.cum[-1] if self.cum else 0.0

    def choice(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]
