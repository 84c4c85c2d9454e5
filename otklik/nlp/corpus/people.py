"""Authors of the synthetic stream: names from otklik/directory/data/people.toml, phones and
e-mails that never coincide between two people."""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

from otklik.nlp import resources
from otklik.nlp.corpus.places import Location


@dataclass
class Person:
    key: str
    female: bool
    first: str
    patronymic: str
    last: str
    phone: str
    email: str
    home: Location | None = None

    @property
    def full(self) -> str:
        return f"{self.last} {self.first} {self.patronymic}"

    @property
    def short(self) -> str:
        return f"{self.first} {self.last}"


_LATIN = (
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p",
    "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya",
)  # fmt: skip
_TRANSLIT = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя", _LATIN, strict=True))


@functools.cache
def _translit(s: str) -> str:
    return "".join(_TRANSLIT.get(c, c) for c in s.lower())


def _female_surname(s: str) -> str:
    if s.endswith(("ов", "ев", "ин", "ын")):
        return s + "а"
    if s.endswith("ский"):
        return s[:-4] + "ская"
    if s.endswith(("ой", "ый")):
        return s[:-2] + "ая"
    return s


@functools.cache
def _names() -> dict[str, tuple]:
    data = resources.reference("people")
    return {
        "male": tuple(tuple(n) for n in data["male_names"]),  # (first, patronymic m, f)
        "female": tuple(data["female_names"]),
        "surnames": tuple(data["surnames"]),
        "domains": tuple(data["email_domains"]),
        "mobile": tuple(data["phone_prefixes_mobile"]),
    }


def new_person(rng: random.Random, n: int) -> Person:
    """The n-th author of a stream."""
    names = _names()
    female = rng.random() < 0.58
    father = rng.choice(names["male"])
    surname = rng.choice(names["surnames"])
    if female:
        first, patronymic, last = rng.choice(names["female"]), father[2], _female_surname(surname)
    else:
        first, patronymic, last = rng.choice(names["male"])[0], father[1], surname
    # a bijection of n onto 7 digits: phones and e-mails of different people never coincide
    digits = f"{(n * 7_654_321 + 1_234_567) % 10_000_000:07d}"
    phone = f"+7 {rng.choice(names['mobile'])} {digits[:3]}-{digits[3:5]}-{digits[5:]}"
    lt, ft = _translit(last), _translit(first)
    local = (
        f"{lt}.{ft[0]}{n}",
        f"{ft}.{lt}{n}",
        f"{lt}{n}",
        f"{ft[0]}_{lt}{n}",
        f"{ft}{n}",
    )[rng.randrange(5)]
    email = f"{local}@{rng.choice(names['domains'])}"
    return Person(f"p{n:06d}", female, first, patronymic, last, phone, email)
