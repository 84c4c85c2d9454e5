"""Import of exported files: a row → an item of the ingestion format, the dry run, the real run.

The real run goes through the raw-first path: each row (as read from the file, in JSON) is a
delivery of source ``import:<system>``, converted by the mapping kept with it, so a quarantined
row can be retried; a re-import changes nothing (channel + external id). The dry run writes
nothing and reports, per row, what the real run would do: create, leave as it is (present and
the same), leave as it is although the file differs (present, fields named), or reject (why).
Otklik never rewrites a message it has registered: a changed row of a re-import is reported,
not applied.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zoneinfo
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.channels.imports.mapping import ImportMapping, MappingError, mapping_from_dict
from otklik.channels.services import channel_receive
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.core.tables import Table, read_table
from otklik.directory.models import Channel, Municipality, Topic
from otklik.intake.models import Delivery, DeliveryStatus, Message
from otklik.intake.services import ChannelParseError

COMPARED = ("text", "received_at", "kind", "municipality", "topic", "address")


class RowError(ChannelParseError):
    pass


# --- row → item ---------------------------------------------------------------------------------
class _Lookups:
    """Municipalities and topics by every name a file may use (loaded once per import)."""

    def __init__(self) -> None:
        self.municipalities: dict[str, str] = {}
        for m in Municipality.objects.all():
            for name in [m.okato, m.name, m.full_name, *(m.aliases or [])]:
                self.municipalities.setdefault(name.strip().lower(), m.okato)
        self.topics: dict[str, str] = {}
        for t in Topic.objects.all():
            for name in (t.code, t.name, t.totk_code):
                if name:
                    self.topics.setdefault(name.strip().lower(), t.code)


def _value(row: dict, names: list[str]) -> Any:
    values = [row.get(n, "") for n in names]
    values = [v for v in values if v not in ("", None)]
    if not values:
        return ""
    if len(values) == 1:
        return values[0]
    return "\n\n".join(str(v) for v in values)


def _datetime(value: Any, mapping: ImportMapping) -> str:
    zone = zoneinfo.ZoneInfo(mapping.timezone)
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, dt.date):
        parsed = dt.datetime.combine(value, dt.time())
    else:
        text = str(value).strip()
        parsed = None
        try:
            parsed = dt.datetime.fromisoformat(text)
        except ValueError:
            for fmt in mapping.date_formats:
                try:
                    parsed = dt.datetime.strptime(text, fmt)  # noqa: DTZ007 — zone set below
                    break
                except ValueError:
                    continue
        if parsed is None:
            raise RowError(
                f"received_at: дата «{text}» не в формате {' или '.join(mapping.date_formats)}."
            )
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=zone)
    return parsed.isoformat()


def _translate(mapping: ImportMapping, target: str, value: str) -> str:
    table = mapping.values.get(target, {})
    return table.get(value, table.get(value.strip(), value))


def row_item(
    row: dict, mapping: ImportMapping, lookups: _Lookups, *, columns: list[str] | None = None
) -> dict:
    """One row → an item of the ingestion format (``RowError`` with the reason when it cannot).

    ``columns``: the file's columns (a JSON object may leave out a key the file has)."""
    known = set(columns) if columns is not None else set(row)
    item: dict[str, Any] = {"kind": mapping.kind, "channel": mapping.channel}
    errors: list[str] = []
    for target, names in mapping.columns.items():
        missing = [n for n in names if n not in known]
        if missing:
            errors.append(f"{target}: в файле нет столбца «{missing[0]}».")
            continue
        value = _value(row, names)
        if value == "":
            if target == "text":
                errors.append(f"text: пусто ({', '.join(f'«{n}»' for n in names)}).")
            continue
        if target == "received_at":
            try:
                value = _datetime(value, mapping)
            except RowError as exc:
                errors.append(str(exc))
                continue
        elif isinstance(value, dt.date):
            value = value.isoformat()
        else:
            value = _translate(mapping, target, str(value))
        if target == "municipality":
            okato = lookups.municipalities.get(value.strip().lower())
            if okato is None:
                errors.append(f"municipality: нет муниципального образования «{value}».")
                continue
            value = okato
        elif target == "topic":
            code = lookups.topics.get(value.strip().lower())
            if code is None:
                errors.append(f"topic: нет темы «{value}».")
                continue
            value = code
        elif target in ("location.lat", "location.lon"):
            value = str(value).replace(",", ".")
        elif target == "author.consent":
            value = str(value).strip().lower() in {"1", "true", "да", "yes", "+"}
        head, _, tail = target.partition(".")
        if tail:
            item.setdefault(head, {})[tail] = value
        else:
            item[head] = value
    if errors:
        raise RowError("\n".join(errors))
    if "external_id" not in item:
        item["external_id"] = row_key(row)
    item["external_id"] = str(item["external_id"]).strip()
    return item


def row_key(row: dict) -> str:
    """An id for a row without one: the hash of its values (stable across re-imports)."""
    canonical = json.dumps(_jsonable(row), ensure_ascii=False, sort_keys=True)
    return "row-" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _jsonable(row: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in row.items()}


def row_body(row: dict, mapping: ImportMapping, *, file_name: str, line: int) -> str:
    """The delivery body of a row: the row as read, with the mapping that reads it. The columns
    of the author's fields are kept apart under ``author``, so the quarantine hides them from
    roles that may not see authors."""
    personal = {n for target, names in mapping.columns.items() if target.startswith("author.")
                for n in names}  # fmt: skip
    values = _jsonable(row)
    return json.dumps(
        {
            "file": file_name,
            "line": line,
            "row": {k: v for k, v in values.items() if k not in personal},
            "author": {k: v for k, v in values.items() if k in personal},
            "mapping": mapping.as_dict(),
        },
        ensure_ascii=False,
    )


def convert_body(body: str) -> dict:
    """The quarantine's retry of an imported row (the stored or corrected body)."""
    try:
        data = json.loads(body)
        mapping = mapping_from_dict(data["mapping"])
        row = {**data["row"], **data.get("author", {})}
    except (json.JSONDecodeError, KeyError, TypeError, MappingError) as exc:
        raise ChannelParseError(f"Строка импорта не читается: {exc}") from None
    return row_item(row, mapping, _Lookups())


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

    lookups = _Lookups()
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
    lookups = _Lookups()
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
