"""Import of exported files: the dry run and the real run (a row → an item: ``converter``).

The real run goes through the raw-first path: each row (as read from the file, in JSON) is a
delivery of source ``import:<system>``, converted by the mapping kept with it, so a quarantined
row can be retried; a re-import changes nothing (channel + external id). The dry run writes
nothing and reports, per row, what the real run would do: create, leave as it is (present and
the same), leave as it is although the file differs (present, fields named), or reject (why).
Otklik never rewrites a message it has registered: a changed row of a re-import is reported,
not applied.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.channels.imports.converter import Lookups, RowError, row_body, row_item, row_key
from otklik.channels.imports.mapping import ImportMapping
from otklik.channels.services import channel_receive
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.core.tables import Table, read_table
from otklik.directory.models import Channel
from otklik.intake.models import Delivery, DeliveryStatus, Message

COMPARED = ("text", "received_at", "kind", "municipality", "topic", "address")


# --- the report -------------------------------------------------------------------------------
@dataclass
class RowOutcome:
    line: int
    status: str  # create | unchanged | differs | rejected | (real run) created | duplicate
    external_id: str = ""
    reason: str = ""
    fields: list[str] = field(default_factory=list)
    message_id: int | None = None
    delivery_id: int | None = None


@dataclass
class ImportReport:
    file_name: str
    format: str
    rows: list[RowOutcome]
    dry_run: bool
    encoding: str = ""
    delimiter: str = ""

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.rows:
            counts[r.status] = counts.get(r.status, 0) + 1
        return counts

    def as_dict(self) -> dict:
        return {
            "file": self.file_name,
            "format": self.format,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "dry_run": self.dry_run,
            "counts": self.counts,
            "rows": [asdict(r) for r in self.rows],
        }


def _differences(message: Message, data: dict) -> list[str]:
    changed = []
    if data["text"] != message.text:
        changed.append("text")
    if data.get("received_at") and data["received_at"] != message.received_at:
        changed.append("received_at")
    if data["kind"].pk != message.kind_id:
        changed.append("kind")
    if data.get("municipality") and data["municipality"].pk != message.municipality_id:
        changed.append("municipality")
    if data.get("topic") and data["topic"].pk != message.topic_id:
        changed.append("topic")
    address = (data.get("location") or {}).get("address", "")
    if address and address != message.address:
        changed.append("address")
    return changed


def _plan_rows(table: Table, mapping: ImportMapping) -> list[tuple[int, dict, RowOutcome, dict]]:
    from otklik.intake.parsing import MessageInSerializer, errors_as_text

    lookups = Lookups()
    seen: dict[tuple[str, str], int] = {}
    planned = []
    for line, row in enumerate(table.rows, start=2):
        try:
            item = row_item(row, mapping, lookups, columns=table.columns)
        except RowError as exc:
            planned.append((line, row, RowOutcome(line, "rejected", reason=str(exc)), {}))
            continue
        serializer = MessageInSerializer(data=item)
        if not serializer.is_valid():
            reason = errors_as_text(serializer.errors)
            outcome = RowOutcome(line, "rejected", item.get("external_id", ""), reason)
            planned.append((line, row, outcome, item))
            continue
        data = serializer.validated_data
        key = (data["channel"].code, data["external_id"])
        if key in seen:
            outcome = RowOutcome(
                line,
                "rejected",
                data["external_id"],
                f"Повтор строки {seen[key]}: тот же номер «{data['external_id']}».",
            )
            planned.append((line, row, outcome, item))
            continue
        seen[key] = line
        existing = Message.objects.filter(
            channel=data["channel"], external_id=data["external_id"]
        ).first()
        if existing is None:
            outcome = RowOutcome(line, "create", data["external_id"])
        else:
            changed = _differences(existing, data)
            outcome = RowOutcome(
                line,
                "differs" if changed else "unchanged",
                data["external_id"],
                fields=changed,
                message_id=existing.pk,
            )
        planned.append((line, row, outcome, item))
    return planned


def import_plan(*, file_name: str, data: bytes, mapping: ImportMapping) -> ImportReport:
    """The dry run: what the import of this file would do, row by row. Writes nothing."""
    import_check_channel(mapping)
    table = read_table(file_name, data, sheet=mapping.sheet)
    return ImportReport(
        file_name=file_name,
        format=table.format,
        rows=[outcome for _, _, outcome, _ in _plan_rows(table, mapping)],
        dry_run=True,
        encoding=table.encoding,
        delimiter=table.delimiter,
    )


def import_run(
    *,
    actor: Any,
    file_name: str,
    data: bytes,
    mapping: ImportMapping,
    process: bool = True,
    target: Any = None,
) -> ImportReport:
    """The real run: every row through the raw-first path (rejected rows wait in the quarantine
    with their reason); idempotent on re-import: a present message is left as it is, and a row
    already waiting in the quarantine is not put there twice. ``actor`` None: the
    ``otklik import`` command (the operator of the server)."""
    if actor is not None:
        access_check(actor, Action.CHANNEL_IMPORT)
    import_check_channel(mapping)
    table = read_table(file_name, data, sheet=mapping.sheet)
    lookups = Lookups()
    outcomes: list[RowOutcome] = []
    for line, row in enumerate(table.rows, start=2):
        try:
            item, failure = row_item(row, mapping, lookups, columns=table.columns), None
            external_id = item["external_id"][:128]
        except RowError as exc:
            item, failure, external_id = None, exc, row_key(row)
        waiting = (
            Delivery.objects.filter(
                source=mapping.source,
                channel_code=mapping.channel,
                external_id=external_id,
                status=DeliveryStatus.QUARANTINED,
            )
            .order_by("pk")
            .first()
        )
        if waiting is not None:
            outcomes.append(
                RowOutcome(line, "rejected", external_id, waiting.error, delivery_id=waiting.pk)
            )
            continue

        def convert(item=item, failure=failure) -> dict:
            if failure is not None:
                raise failure
            return item

        result = channel_receive(
            channel_code=mapping.channel,
            external_id=external_id,
            body=row_body(row, mapping, file_name=file_name, line=line),
            content_type="application/json",
            convert=convert,
            raw={"import": {"file": file_name, "line": line, "system": mapping.system}},
            process=process,
            source=mapping.source,
        )
        outcomes.append(
            RowOutcome(
                line,
                result.status,
                external_id,
                result.errors,
                message_id=result.message_id,
                delivery_id=result.delivery_id,
            )
        )
    report = ImportReport(
        file_name=file_name,
        format=table.format,
        rows=outcomes,
        dry_run=False,
        encoding=table.encoding,
        delimiter=table.delimiter,
    )
    with transaction.atomic():
        audit_log(
            actor=actor,
            action="channel.import",
            target=target,
            data={"file": file_name, "system": mapping.system, "counts": report.counts},
        )
    return report


def import_check_channel(mapping: ImportMapping) -> None:
    if not Channel.objects.filter(code=mapping.channel).exists():
        raise ApplicationError(f"Сопоставление: нет канала «{mapping.channel}».")


# --- the ЦУР page: upload, dry run, confirm -------------------------------------------------------
MAX_UPLOAD = 20 * 1024 * 1024


@transaction.atomic
def import_batch_plan(*, actor: Any, file_name: str, data: bytes, mapping_text: str):
    """Keep an uploaded file with its mapping and the report of its dry run."""
    from otklik.channels.imports.mapping import mapping_parse
    from otklik.channels.imports.models import ImportBatch

    access_check(actor, Action.CHANNEL_IMPORT)
    if not data:
        raise ApplicationError("Файл пустой.")
    if len(data) > MAX_UPLOAD:
        raise ApplicationError(f"Файл больше {MAX_UPLOAD // (1024 * 1024)} МБ.")
    mapping = mapping_parse(mapping_text)
    report = import_plan(file_name=file_name, data=data, mapping=mapping)
    batch = ImportBatch.objects.create(
        file_name=file_name[:255],
        content=data,
        mapping=mapping_text,
        report=report.as_dict(),
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="channel.import_plan",
        target=batch,
        data={"file": batch.file_name, "counts": report.counts},
    )
    return batch


def import_batch_confirm(*, actor: Any, batch):
    """The ЦУР confirms a dry run: the file is imported (once)."""
    from otklik.channels.imports.mapping import mapping_parse
    from otklik.channels.imports.models import ImportBatch

    access_check(actor, Action.CHANNEL_IMPORT)
    # Claim the batch with a conditional update: a double click imports once.
    claimed = ImportBatch.objects.filter(pk=batch.pk, imported_at__isnull=True).update(
        imported_at=timezone.now(), imported_by=actor
    )
    if not claimed:
        raise ApplicationError("Этот файл уже загружен.")
    batch.refresh_from_db()
    report = import_run(
        actor=actor,
        file_name=batch.file_name,
        data=bytes(batch.content),
        mapping=mapping_parse(batch.mapping),
        target=batch,
    )
    batch.result = report.as_dict()
    batch.save(update_fields=["result", "updated_at"])
    return batch
