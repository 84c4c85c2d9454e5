"""The policy of the applicant's personal data: what each role sees, written out by hand, and the
table of docs/permissions.md equal to the code."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from otklik.core.applicant import APPLICANT_FIELDS, applicant_fields, applicant_markdown
from otklik.core.roles import Role

EVERYTHING = {"name", "phone", "email", "postal_address", "legal_entity"}
# a legal entity's name, ИНН and ОГРН are not a citizen's personal data: every role sees them
PUBLIC = {"legal_entity"}
EXPECTED = {
    "curator": EVERYTHING,
    "executor": EVERYTHING,
    "head": EVERYTHING,
    "sector_lead": PUBLIC,
    "analyst": EVERYTHING,
    "org_operator": PUBLIC,
    "municipal_coordinator": PUBLIC,
    "auditor": PUBLIC,
}


def _user(**fields):
    base = {"is_authenticated": True, "is_active": True, "is_superuser": False, "role": ""}
    return SimpleNamespace(**{**base, **fields})


def test_every_role_has_a_row():
    assert set(APPLICANT_FIELDS) == set(Role)
    assert set(EXPECTED) == {r.value for r in Role}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_what_each_role_sees_of_the_applicant(role):
    assert {str(f) for f in applicant_fields(_user(role=role))} == EXPECTED[role]


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (_user(is_superuser=True), EVERYTHING),
        (_user(role="curator", is_active=False), set()),
        (_user(role="curator", is_authenticated=False), set()),
        (_user(), set()),  # no role
        (None, set()),
    ],
)
def test_superusers_see_all_and_anonymous_or_blocked_users_nothing(user, expected):
    assert {str(f) for f in applicant_fields(user)} == expected


def test_docs_show_the_policy_of_the_code():
    doc = (Path(__file__).resolve().parents[3] / "docs" / "permissions.md").read_text("utf-8")
    assert applicant_markdown() in doc, "docs/permissions.md: the applicant table is stale"
