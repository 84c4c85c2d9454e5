"""The audit journal as a hash chain: the one definition of an entry's hash, and its check.

Every sealed entry (``AuditEvent`` with a ``seq``) carries the hash of the entry before it
(``prev_hash``) and its own ``hash`` = SHA-256 of ``canonical(entry)`` (``entry_hash`` below;
the format is written out for third parties in ``docs/audit-chain.md``). Changing, removing or
inserting a row anywhere breaks a link or a hash; ``chain_verify`` walks the chain in ``seq``
order in chunks and names the first entry where that happened.

Higher apps add their own checks (``verify_checks_register``): e.g. the registry of documents
compares each document's stored hash with the one its ``document.register`` entry carries. A
check is ``check(*, from_seq, to_seq) -> Iterable[Finding]`` and its findings are reported
beside the chain's own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.timezone import localtime

from otklik.audit.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64  # the prev_hash of entry № 1
CHUNK = 10_000  # rows read per query while walking
FINDINGS_MAX = 100  # findings kept (they are counted beyond)
_RECENT_HASHES = 1_000  # hashes remembered to recognise entries renumbered after an insertion

# the kinds of break, with what a reader is told
KIND_CHANGED = "changed"
KIND_DELETED = "deleted"
KIND_INSERTED = "inserted"
KIND_OUTSIDE = "outside"
KIND_BEYOND_HEAD = "beyond_head"
KIND_TAIL_DELETED = "tail_deleted"
KIND_REWRITTEN = "rewritten"
KIND_LABELS: dict[str, str] = {
    KIND_CHANGED: "запись изменена",
    KIND_DELETED: "запись удалена (пропуск номера)",
    KIND_INSERTED: "вставлена запись в середину цепочки",
    KIND_OUTSIDE: "вставлена запись вне цепочки",
    KIND_BEYOND_HEAD: "запись с номером за концом цепочки",
    KIND_TAIL_DELETED: "удалены последние записи цепочки",
    KIND_REWRITTEN: "цепочка переписана после прошлой проверки",
}

# what the walk reads of each row: (id, seq, prev_hash, hash, created_at, actor_id, action,
# target_type, target_id, data)
_FIELDS = (
    "id",
    "seq",
    "prev_hash",
    "hash",
    "created_at",
    "actor_id",
    "action",
    "target_type",
    "target_id",
    "data",
)


# PostgreSQL writes the time as the hash does (in C; parsing it in Python costs a third)
_PG_COLUMNS = tuple(
    """to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""
    if name == "created_at"
    else name
    for name in _FIELDS
)


def canonical(
    *,
    seq: int,
    prev_hash: str,
    created_at: dt.datetime,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    data: Any,
) -> bytes:
    """The bytes an entry's hash is taken over: one JSON array, UTF-8, no spaces, keys sorted.

    ``[seq, prev_hash, created_at, actor_id, action, target_type, target_id, data]`` where
    ``created_at`` is UTC with microseconds, ``YYYY-MM-DDTHH:MM:SS.ffffffZ``, ``actor_id`` an
    integer or null, and ``data`` the entry's JSON as the database returns it. Non-ASCII
    characters are written as themselves (``ensure_ascii=False``).
    """
    return _canonical(
        seq, prev_hash, _stamp(created_at), actor_id, action, target_type, target_id, data
    )


def entry_hash(**entry: Any) -> str:
    """The hash of one entry: lower-case hex SHA-256 of ``canonical(**entry)``."""
    return hashlib.sha256(canonical(**entry)).hexdigest()


def _canonical(
    seq: int,
    prev_hash: str,
    stamp: str,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    data: Any,
) -> bytes:
    payload = [seq, prev_hash, stamp, actor_id, action, target_type, target_id, data]
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _stamp(value: dt.datetime | str) -> str:
    """``created_at`` as the hash writes it. The walk reads the column raw: an aware datetime
    (PostgreSQL), or on SQLite a naive one or text (``YYYY-MM-DD HH:MM:SS[.ffffff]``), which
    Django stores in UTC."""
    if isinstance(value, str):
        if len(value) == 27 and value[10] == "T" and value[26] == "Z":  # as PostgreSQL writes it
            return value
        if len(value) == 26 and value[10] in " T":  # SQLite, with microseconds: the usual case
            return f"{value[:10]}T{value[11:]}Z"
        value = parse_datetime(value)
        if value is None:
            raise ValueError("unreadable created_at")
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec="microseconds") + "Z"  # (strftime is 5× slower)


def _hash_row(seq: int, prev_hash: str, row: tuple) -> str:
    """The hash of a raw row (``_FIELDS`` from created_at on) numbered ``seq`` after
    ``prev_hash``."""
    created_at, actor_id, action, target_type, target_id, data = row
    if isinstance(data, str):
        data = json.loads(data)
    return hashlib.sha256(
        _canonical(
            seq, prev_hash, _stamp(created_at), actor_id, action, target_type, target_id, data
        )
    ).hexdigest()


def row_hash(seq: int, prev_hash: str, row: tuple) -> str:
    """The hash of a raw row as ``fetch_rows`` gives it, numbered ``seq`` after ``prev_hash``."""
    return _hash_row(seq, prev_hash, row[4:])


def fetch_rows(where: str, params: list, *, order: str = "seq", limit: int) -> list[tuple]:
    """Raw rows of the journal (``_FIELDS``): the walk and the sealer read the columns without
    Django's conversions (a third of the time at a million rows), hashing exactly the same."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = ", ".join(_PG_COLUMNS if connection.vendor == "postgresql" else _FIELDS)
    sql = (
        f"SELECT {columns} FROM {table} WHERE {where} "  # noqa: S608 — our own names
        f"ORDER BY {order} LIMIT {int(limit)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- findings -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Finding:
    """One break: its kind (a code and the words for it), the entry named and what happened."""

    kind: str
    message: str
    seq: int | None = None
    event_id: int | None = None
    at: dt.datetime | None = None
    action: str = ""
    label: str = ""  # the kind in Russian; KIND_LABELS[kind] when empty

    @property
    def kind_label(self) -> str:
        return self.label or KIND_LABELS.get(self.kind, self.kind)

    @property
    def key(self) -> str:
        """What makes two reports of one break the same (no e-mail twice for it)."""
        return f"{self.kind}:{self.seq}:{self.event_id}"

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["label"] = self.kind_label
        data["at"] = self.at.isoformat() if self.at else None
        return data


@dataclass
class VerifyResult:
    from_seq: int
    to_seq: int = 0  # the last seq walked
    entries: int = 0
    head_seq: int = 0
    head_hash: str = ""
    findings: list[Finding] = field(default_factory=list)
    findings_total: int = 0
    last_hash: str = ""  # the hash of the entry № to_seq

    @property
    def ok(self) -> bool:
        return self.findings_total == 0

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    def add(self, finding: Finding) -> None:
        self.findings_total += 1
        if len(self.findings) < FINDINGS_MAX:
            self.findings.append(finding)

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "from_seq": self.from_seq,
            "to_seq": self.to_seq,
            "entries": self.entries,
            "last_hash": self.last_hash,
            "head": {"seq": self.head_seq, "hash": self.head_hash},
            "first": self.first.as_json() if self.first else None,
            "findings_total": self.findings_total,
            "findings": [f.as_json() for f in self.findings],
        }


# --- checks added by higher apps ------------------------------------------------------------------
VerifyCheck = Callable[..., Iterable[Finding]]
_CHECKS: list[VerifyCheck] = []


def verify_checks_register(check: VerifyCheck) -> None:
    """Add a check run by every verification: ``check(*, from_seq, to_seq) -> Iterable[Finding]``
    (the range of the chain being verified; a check may look at more). Registered by a higher
    app in its ``AppConfig.ready()``."""
    if check not in _CHECKS:
        _CHECKS.append(check)


def registered_checks() -> list[VerifyCheck]:
    return list(_CHECKS)


# --- the walk -------------------------------------------------------------------------------------
def _describe(row: tuple | None) -> dict[str, Any]:
    if row is None:
        return {}
    at = row[4]
    if isinstance(at, str) or at.tzinfo is None:
        at = dt.datetime.fromisoformat(_stamp(at).replace("Z", "+00:00"))
    return {"event_id": row[0], "at": at, "action": row[6]}


def chain_verify(
    *, from_seq: int = 1, limit: int | None = None, chunk: int = CHUNK, extra_checks: bool = True
) -> VerifyResult:
    """Walk the chain from ``from_seq`` (``limit`` entries, or to the end) and report every break,
    the first one first; then the rows outside the chain and the registered checks.

    Reads ``chunk`` rows per query by ``seq`` (keyset), as tuples: memory stays flat.
    """
    start = max(1, from_seq)
    head = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash", "horizon").first()
    head_seq, head_hash, horizon = head or (0, "", None)
    result = VerifyResult(from_seq=start, to_seq=start - 1, head_seq=head_seq, head_hash=head_hash)

    expected = start
    anchor: str | None = GENESIS_HASH  # the hash the next row must link to; None: unknown
    previous: tuple | None = None
    if start > 1:
        found = fetch_rows("seq = %s", [start - 1], limit=1)
        before = found[0] if found else None
        if before is None:
            anchor = None
            result.add(
                Finding(
                    KIND_DELETED,
                    f"Нет записи № {start - 1}, на которую ссылается начало проверки.",
                    seq=start - 1,
                )
            )
        else:
            anchor, previous = before[3], before
    recent: OrderedDict[str, tuple] = OrderedDict()  # hash -> row, the last walked
    shift = 0  # entries inserted before this point: rows stand `shift` numbers after their own
    end = start + limit - 1 if limit is not None else None
    cursor = start - 1
    while True:
        if end is None:
            rows = fetch_rows("seq > %s", [cursor], limit=chunk)
        else:
            rows = fetch_rows("seq > %s AND seq <= %s", [cursor, end], limit=chunk)
        if not rows:
            break
        for row in rows:
            seq, prev_hash, stored = row[1], row[2], row[3]
            result.entries += 1
            if seq > expected:
                missing = f"№ {expected}" if seq == expected + 1 else f"№ {expected}–{seq - 1}"
                result.add(
                    Finding(
                        KIND_DELETED,
                        f"Нет записи {missing}: после № {expected - 1} идёт № {seq}.",
                        seq=expected,
                    )
                )
                anchor = None
            own = _hash_row(seq - shift, prev_hash, row[4:])
            if own != stored:
                origin = recent.get(prev_hash)
                if (
                    origin is not None
                    and origin is not previous
                    and _hash_row(origin[1] - shift + 1, prev_hash, row[4:]) == stored
                ):
                    # this row was renumbered: the rows after `origin` up to here were inserted
                    inserted = [r for r in recent.values() if r[1] > origin[1]]
                    first = inserted[0] if inserted else previous
                    result.add(
                        Finding(
                            KIND_INSERTED,
                            f"Запись № {first[1]} вставлена: запись № {seq} ссылается на № "
                            f"{origin[1]} и была пронумерована {origin[1] - shift + 1}.",
                            seq=first[1],
                            **_describe(first),
                        )
                    )
                    shift = seq - (origin[1] - shift + 1)
                elif _hash_row(seq - shift + 1, prev_hash, row[4:]) == stored:
                    # numbered one less than sealed: the entry before it was removed, the rest
                    # renumbered to hide the gap
                    result.add(
                        Finding(
                            KIND_DELETED,
                            f"Перед записью № {seq} удалена запись, а следующие перенумерованы: "
                            f"запись № {seq} запечатана под № {seq - shift + 1}.",
                            seq=seq,
                            **_describe(row),
                        )
                    )
                    shift -= 1
                else:
                    result.add(
                        Finding(
                            KIND_CHANGED,
                            f"Запись № {seq} изменена: её хеш не сходится с её содержимым.",
                            seq=seq,
                            **_describe(row),
                        )
                    )
            elif anchor is not None and prev_hash != anchor and previous is not None:
                result.add(
                    Finding(
                        KIND_CHANGED,
                        f"Запись № {previous[1]} изменена (её хеш пересчитан): запись № {seq} "
                        "ссылается на другой хеш.",
                        seq=previous[1],
                        **_describe(previous),
                    )
                )
            elif anchor is not None and prev_hash != anchor:
                result.add(
                    Finding(
                        KIND_CHANGED,
                        f"Запись № {seq} изменена: она не ссылается на начало цепочки.",
                        seq=seq,
                        **_describe(row),
                    )
                )
            anchor, previous, expected = stored, row, seq + 1
            recent[stored] = row
            if len(recent) > _RECENT_HASHES:
                recent.popitem(last=False)
        cursor = rows[-1][1]
        result.to_seq, result.last_hash = cursor, rows[-1][3]
        if len(rows) < chunk:
            break

    if end is None and result.to_seq < head_seq:
        result.add(
            Finding(
                KIND_TAIL_DELETED,
                f"Цепочка кончается на № {result.to_seq}, а её конец отмечен на № {head_seq}.",
                seq=result.to_seq + 1,
            )
        )
    _check_beyond_head(result)
    _check_outside(result, horizon)
    _check_checkpoints(result, start, result.to_seq)
    if extra_checks:
        for check in _CHECKS:
            for finding in check(from_seq=start, to_seq=result.to_seq):
                result.add(finding)
    return result


def _check_beyond_head(result: VerifyResult) -> None:
    """Rows numbered past the head (read again now: a sealer may have appended meanwhile)."""
    head_seq = AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
    for row in (
        AuditEvent.objects.filter(seq__gt=head_seq).order_by("seq").values_list(*_FIELDS)[:10]
    ):
        result.add(
            Finding(
                KIND_BEYOND_HEAD,
                f"Запись № {row[1]} стоит за концом цепочки (№ {head_seq}): этот номер ей "
                "присвоен не при запечатывании.",
                seq=row[1],
                **_describe(row),
            )
        )


def _check_outside(result: VerifyResult, horizon: dt.datetime | None) -> None:
    """Unsealed rows that the sealer should have sealed already, or that carry a forged seal."""
    forged = Q(hash__gt="") | Q(sealed_at__isnull=False)
    if horizon is not None:
        forged |= Q(created_at__lt=horizon)
    qs = AuditEvent.objects.filter(Q(seq__isnull=True) & forged).order_by("id")
    for row in qs.values_list(*_FIELDS)[:FINDINGS_MAX]:
        result.add(
            Finding(
                KIND_OUTSIDE,
                f"Запись id {row[0]} от {localtime(row[4]):%d.%m.%Y %H:%M:%S} не включена в "
                "цепочку, хотя всё созданное до неё уже запечатано.",
                **_describe(row),
            )
        )


def _check_checkpoints(result: VerifyResult, from_seq: int, to_seq: int) -> None:
    """The hashes earlier passed checks saw at their last entry must still be there: a chain
    recomputed from some entry on (every hash rewritten) shows here."""
    from otklik.audit.models import AuditCheck

    seen = (
        AuditCheck.objects.filter(ok=True, to_seq__gte=from_seq, to_seq__lte=to_seq)
        .exclude(head_hash="")
        .order_by("-checked_at")
        .values_list("to_seq", "head_hash", "checked_at")[:20]
    )
    marks = {seq: (hash_, at) for seq, hash_, at in seen}
    if not marks:
        return
    stored = dict(AuditEvent.objects.filter(seq__in=list(marks)).values_list("seq", "hash"))
    for seq, (hash_, at) in sorted(marks.items()):
        if stored.get(seq, hash_) != hash_:
            result.add(
                Finding(
                    KIND_REWRITTEN,
                    f"Хэш записи № {seq} не тот, что видела проверка "
                    f"{localtime(at):%d.%m.%Y %H:%M}: цепочка пересчитана.",
                    seq=seq,
                )
            )
