"""The composition of a working or expert group as people write it and read it: one member per
line, «роль | ФИО или @логин | должность | организация», e.g.
«руководитель | @petrov | заместитель председателя | Комитет ЖКХ» or
«член | Сидорова Анна Павловна | доцент | ВолгГТУ». A user of the platform is named by its login
after «@»; an external person by name, position and organisation.

A composition reads as lines «Роль: ФИО, должность, организация» in one order (the chair, the
secretary, then the members by name), so that two versions compare line by line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from otklik.core.exceptions import ApplicationError
from otklik.office.choices import MemberRole

ROLE_OF_WORD = {label: value for value, label in MemberRole.choices}
ROLE_RANK = {value: rank for rank, value in enumerate(MemberRole.values)}
PARTS = 4


@dataclass(frozen=True)
class Member:
    """A member as proposed: a user of the platform (``user``) or an external person (``name``).
    ``GroupMember`` rows read the same way."""

    role: str
    name: str = ""
    position: str = ""
    organisation: str = ""
    user: Any = None


@dataclass(frozen=True)
class Entry:
    """A line of the text, before the logins are looked up."""

    line: int
    role: str
    who: str  # «@login» or a name
    position: str
    organisation: str

    @property
    def login(self) -> str:
        return self.who[1:].strip() if self.who.startswith("@") else ""


def entries(text: str) -> list[Entry]:
    """The lines of a composition (refused with the line at fault)."""
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        parts = [p.strip() for p in raw.split("|")]
        if len(parts) > PARTS:
            raise ApplicationError(
                f"Состав, строка {n}: частей больше, чем {PARTS} (разделитель «|»)."
            )
        parts += [""] * (PARTS - len(parts))
        word, who, position, organisation = parts
        role = ROLE_OF_WORD.get(word.lower())
        if role is None:
            raise ApplicationError(
                f"Состав, строка {n}: роль «{word}» — руководитель, секретарь или член."
            )
        if not who or who == "@":
            raise ApplicationError(f"Состав, строка {n}: укажите ФИО или @логин.")
        out.append(Entry(n, role, who, position, organisation))
    return out


def ordered(members: list) -> list:
    return sorted(members, key=lambda m: (ROLE_RANK[m.role], m.name.casefold()))


def line(member: Any) -> str:
    who = member.name + (f" (@{member.user.username})" if member.user is not None else "")
    tail = "".join(f", {part}" for part in (member.position, member.organisation) if part)
    return f"{MemberRole(member.role).label.capitalize()}: {who}{tail}"


def lines(members: list) -> list[str]:
    return [line(m) for m in ordered(members)]


def to_text(members: list) -> str:
    """The text of a composition (to edit a draft or start a new version)."""
    rows = []
    for m in ordered(members):
        who = f"@{m.user.username}" if m.user is not None else m.name
        parts = [MemberRole(m.role).label, who, m.position, m.organisation]
        while parts and not parts[-1]:
            parts.pop()
        rows.append(" | ".join(parts))
    return "\n".join(rows)
