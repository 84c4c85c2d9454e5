"""``otklik sla due|load``: compute the deadlines of an input; load the policies file."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from otklik.core.exceptions import ApplicationError
from otklik.directory.calendar import calendar_from_db
from otklik.sla.choices import DueKind
from otklik.sla.deadlines import compute_due
from otklik.sla.selectors import policy_for_due_kind
from otklik.sla.services import policies_load, policies_load_if_empty

LABELS = {
    "registration_due": "зарегистрировать до",
    "first_response_due": "первая реакция до",
    "resolution_due": "ответить до",
}


def _moment(value: str, option: str) -> dt.datetime:
    """ISO-8601; without an offset the time is local (TIME_ZONE), a bare date is 00:00."""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{option} {value!r}: ожидается дата и время ISO-8601") from exc
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = "Сроки рассмотрения: due — рассчитать сроки поступления, load — загрузить сроки."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        due = sub.add_parser(
            "due", help="Deadlines of one input (registration, first response, answer)."
        )
        due.add_argument("--kind", required=True, choices=DueKind.values)
        due.add_argument(
            "--received",
            required=True,
            help="moment of receipt, ISO-8601 (2026-05-08T17:30+03:00; no offset: local time)",
        )
        due.add_argument(
            "--registered", help="moment of registration, ISO-8601 (default: the receipt)"
        )
        due.add_argument("--channel", help="channel code (pos, incident, web …)")
        due.add_argument("--topic", help="topic code (zhkh-heating-outage …)")
        due.add_argument("--json", action="store_true", help="Print one JSON object.")
        sub.add_parser("load", help="Load otklik/sla/data/policies.toml (idempotent).")

    def handle(self, *args, **options):
        try:
            if options["subcommand"] == "load":
                self._load()
            else:
                self._due(options)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc

    def _load(self) -> None:
        report = policies_load(actor=None)
        self.stdout.write(
            f"Сроки рассмотрения загружены: создано {sum(report.created.values())}, "
            f"обновлено {sum(report.updated.values())}, "
            f"без изменений {sum(report.unchanged.values())}."
        )

    def _due(self, options) -> None:
        received = _moment(options["received"], "--received")
        registered = (
            _moment(options["registered"], "--registered") if options["registered"] else None
        )
        if registered is not None and registered < received:
            raise CommandError("--registered не может быть раньше --received")
        policies_load_if_empty(actor=None)
        calendar = calendar_from_db()
        policy = policy_for_due_kind(
            due_kind=options["kind"],
            channel=options["channel"],
            topic=options["topic"],
            on=calendar.local_date(received),
        )
        due = compute_due(
            policy=policy, received_at=received, registered_at=registered, calendar=calendar
        )
        result = due.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        self.stdout.write(f"{policy.name} ({policy.code})")
        for key, value in result.items():
            shown = (
                "—" if value is None else f"{dt.datetime.fromisoformat(value):%d.%m.%Y %H:%M:%S %z}"
            )
            self.stdout.write(f"  {LABELS[key]:22} {shown}")
