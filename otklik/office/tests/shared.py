"""What the office's tests share: who opens the office, signing in, the messages shown, and
the counts that a refused call must leave as they were."""

from __future__ import annotations

from otklik.audit.models import AuditEvent

# Every role of the ЦУР reads the office; no organisation or municipality opens it.
WHO_OPENS_THE_OFFICE = [
    ("curator", 200),
    ("executor", 200),
    ("head", 200),
    ("sector_lead", 200),
    ("analyst", 200),
    ("auditor", 200),
    ("org_operator", 403),
    ("municipal_coordinator", 403),
]


def signed_in(client, user):
    client.force_login(user)
    return client


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


class Unchanged:
    """Counts the rows of ``models`` and the audit events before a refused call; ``check()``
    after it: nothing was written."""

    def __init__(self, *models):
        self.models = models
        self.before = self._counts()

    def _counts(self) -> list[int]:
        return [m.objects.count() for m in self.models] + [AuditEvent.objects.count()]

    def check(self) -> None:
        assert self._counts() == self.before


def zhkh_indicators() -> dict:
    """Two approved indicators of the ЖКХ block: ``computed`` (from the platform's data) and
    ``entered`` (by its owner, with evidence)."""
    from otklik.directory.models import Sector
    from otklik.office.choices import IndicatorSource, IndicatorState
    from otklik.office.models import Indicator

    zhkh = Sector.objects.get(code="zhkh")
    approved = {"sector": zhkh, "state": IndicatorState.APPROVED}
    return {
        "computed": Indicator.objects.create(
            code="ЖКХ-1",
            name="Доля ответов в срок по ЖКХ",
            unit="процент",
            source=IndicatorSource.COMPUTED,
            measure="on_time_share",
            **approved,
        ),
        "entered": Indicator.objects.create(
            code="ЖКХ-2", name="Заменено сетей", unit="километр", **approved
        ),
    }
