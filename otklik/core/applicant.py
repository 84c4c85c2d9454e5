"""What of an applicant (заявитель, ``intake.Contact``) each role sees: the single policy.

The permission matrix (``core/permissions.py``) says which cases and messages a role sees; this
table says which of the applicant's personal data on them it sees. Every surface asks it: the
case and message pages, the answer template's greeting, exports, the API and e-mails to staff
(``docs/permissions.md``, «Applicant's personal data»). A field a role may not see is never
rendered for it, not even in a pre-filled text it could copy.
"""

from __future__ import annotations

import enum
from typing import Any

from otklik.core.roles import SUPERUSER, Role, acting_role


class ApplicantField(enum.StrEnum):
    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"
    # Given with a paper letter (the operator's desk) for the answer by post.
    # ``Message.address`` is the place of the problem, not the applicant's, and is shown to
    # every role that sees the case.
    POSTAL_ADDRESS = "postal_address"
    # A legal entity as the applicant: its name, ИНН and ОГРН are public (ЕГРЮЛ), not a
    # citizen's personal data, so every role that sees the case sees them; its contact person
    # (name, phone, e-mail) and the postal address follow the rows above.
    LEGAL_ENTITY = "legal_entity"


FIELD_LABELS: dict[ApplicantField, str] = {
    ApplicantField.NAME: "Имя (ФИО)",
    ApplicantField.PHONE: "Телефон",
    ApplicantField.EMAIL: "Эл. почта",
    ApplicantField.POSTAL_ADDRESS: "Почтовый адрес",
    ApplicantField.LEGAL_ENTITY: "Юридическое лицо: наименование, ИНН, ОГРН",
}

ALL_FIELDS = frozenset(ApplicantField)
NO_FIELDS: frozenset[ApplicantField] = frozenset()

# The ЦУР's region-wide staff that moderates, answers for channels without an adapter and works
# the quarantine sees the applicant; the scoped roles and the auditor do their work without it
# (answers and questions reach the applicant through the outbox, in the applicant's channel).
# A legal entity's name and numbers are not personal data: seen by every role.
PUBLIC_FIELDS = frozenset({ApplicantField.LEGAL_ENTITY})
APPLICANT_FIELDS: dict[Role, frozenset[ApplicantField]] = {
    Role.CURATOR: ALL_FIELDS,
    Role.EXECUTOR: ALL_FIELDS,
    Role.HEAD: ALL_FIELDS,
    Role.SECTOR_LEAD: PUBLIC_FIELDS,
    Role.ANALYST: ALL_FIELDS,
    Role.ORG_OPERATOR: PUBLIC_FIELDS,
    Role.MUNICIPAL_COORDINATOR: PUBLIC_FIELDS,
    Role.AUDITOR: PUBLIC_FIELDS,
}
# The citizen's personal data among the fields (what «скрыто» stands for).
PERSONAL_FIELDS = ALL_FIELDS - PUBLIC_FIELDS


def applicant_fields(user: Any) -> frozenset[ApplicantField]:
    """The applicant's fields ``user`` may see; superusers see all, anonymous users none."""
    role = acting_role(user)
    if role is None:
        return NO_FIELDS
    if role == SUPERUSER:
        return ALL_FIELDS
    return APPLICANT_FIELDS[role]


def applicant_markdown() -> str:
    """The policy as the Markdown table in docs/permissions.md."""
    roles = list(APPLICANT_FIELDS)
    head = "| Сведения о заявителе | " + " | ".join(r.label for r in roles) + " |"
    rule = "|" + "---|" * (len(roles) + 1)
    rows = [
        f"| {FIELD_LABELS[field]} | "
        + " | ".join("да" if field in APPLICANT_FIELDS[r] else "—" for r in roles)
        + " |"
        for field in ApplicantField
    ]
    return "\n".join([head, rule, *rows]) + "\n"
