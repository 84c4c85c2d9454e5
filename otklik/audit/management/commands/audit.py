"""``otklik audit verify [--json] [--from SEQ] [--limit N] | seal | check``."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand
from django.utils.timezone import localtime

from otklik.audit.chain import chain_verify
from otklik.audit.models import AuditCheck
from otklik.audit.services import audit_check_recent, audit_check_record, audit_seal


class Command(BaseCommand):
    help = (
        "Журнал действий: verify — проверить цепочку (код выхода 1 при нарушении); "
        "seal — добавить новые записи в цепочку; check — периодическая проверка."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="Walk the chain and name the first break.")
        verify.add_argument("--json", action="store_true", help="machine-readable result")
        verify.add_argument("--from", dest="from_seq", type=int, default=1, metavar="SEQ")
        verify.add_argument("--limit", type=int, default=None, metavar="N")
        verify.add_argument(
            "--no-seal", action="store_true", help="do not seal new rows before walking"
        )
        verify.add_argument(
            "--no-record", action="store_true", help="do not keep the result as a check"
        )
        seal = sub.add_parser("seal", help="Append the committed rows to the chain.")
        seal.add_argument("--limit", type=int, default=None, metavar="N")
        sub.add_parser("check", help="The periodic check of the latest part (records it).")

    def handle(self, *args, **options):
        if options["subcommand"] == "seal":
            report = audit_seal(limit=options["limit"])
            self.stdout.write(
                f"Добавлено в цепочку: {report.sealed}; последняя запись № {report.head_seq}."
            )
            return
        if options["subcommand"] == "check":
            check = audit_check_recent()
            self.stdout.write(
                f"Проверены записи № {check.from_seq}–{check.to_seq}: "
                + ("цепочка цела." if check.ok else f"нарушение: {check.message}")
            )
            if not check.ok:
                raise SystemExit(1)
            return
        if not options["no_seal"]:
            audit_seal()
        result = chain_verify(from_seq=options["from_seq"], limit=options["limit"])
        if not options["no_record"]:
            audit_check_record(result=result, source=AuditCheck.Source.COMMAND)
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            self._print(result)
        if not result.ok:
            raise SystemExit(1)

    def _print(self, result) -> None:
        self.stdout.write(
            f"Проверено записей: {result.entries} (№ {result.from_seq}–{result.to_seq}); "
            f"конец цепочки № {result.head_seq}, хеш {result.head_hash or '—'}."
        )
        first = result.first
        if first is None:
            self.stdout.write("Цепочка цела.")
            return
        where = f"№ {first.seq}" if first.seq is not None else "вне цепочки"
        ident = f", id {first.event_id}" if first.event_id is not None else ""
        when = f", {localtime(first.at):%d.%m.%Y %H:%M:%S}" if first.at else ""
        what = f", {first.action}" if first.action else ""
        self.stdout.write(
            f"ПЕРВОЕ НАРУШЕНИЕ: запись {where}{ident}{when}{what}: {first.kind_label}."
        )
        self.stdout.write(first.message)
        if result.findings_total > 1:
            self.stdout.write(f"Всего нарушений: {result.findings_total}.")
            for finding in result.findings[1:10]:
                self.stdout.write(f"  {finding.kind_label}: {finding.message}")
