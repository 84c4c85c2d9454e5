"""What the tests of requests and tasks share: a fixed clock, the people, files."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from otklik.audit.models import AuditEvent
from otklik.correspondence.files import Upload

TZ = ZoneInfo("Europe/Volgograd")
NOW = dt.datetime(2026, 12, 10, 12, 0, tzinfo=TZ)  # a Thursday


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()  # noqa: DTZ007


class Clock:
    now = NOW

    def at(self, day: dt.date, hour: int = 12) -> None:
        self.now = dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


@pytest.fixture
def clock(monkeypatch):
    """The services run on Thursday 10.12.2026 at noon; ``clock.at(day, hour)`` moves it."""
    c = Clock()
    monkeypatch.setattr("django.utils.timezone.now", lambda: c.now)
    return c


@pytest.fixture
def people(personas, make_user, clock, settings, tmp_path):
    """Every role; operators of three organisations: Волжский's administration (the persona),
    ОблкомЖКХ and Комитет ТЭК; e-mail addresses for the mail checks."""
    from otklik.directory.models import Organization

    settings.MEDIA_ROOT = tmp_path
    p = dict(personas)
    p["op_adm"] = p["org_operator"]
    p["op_zhkh"] = make_user(
        "org_operator", "op-zhkh", organization=Organization.objects.get(code="kom-zhkh")
    )
    p["op_tek"] = make_user(
        "org_operator", "op-tek", organization=Organization.objects.get(code="kom-tek")
    )
    for key in ("head", "curator", "op_adm", "op_zhkh", "op_tek", "sector_lead"):
        p[key].email = f"{p[key].username}@example.org"
        p[key].save()
    p["clock"] = clock
    return p


def orgs(*codes: str) -> list:
    from otklik.directory.models import Organization

    return [Organization.objects.get(code=c) for c in codes]


def pdf(name: str = "акт.pdf", body: bytes = b"%PDF-1.4 act") -> Upload:
    return Upload(name, body, "application/pdf")


class Unchanged:
    """Counts the rows of ``models`` and the audit events before a refused call."""

    def __init__(self, *models):
        self.models = models
        self.before = self._counts()

    def _counts(self) -> list[int]:
        return [m.objects.count() for m in self.models] + [AuditEvent.objects.count()]

    def check(self) -> None:
        assert self._counts() == self.before
