"""The audit log: every service that changes data calls ``audit_log`` inside its transaction.

The chain (``chain.py``) is added after commit by ``audit_seal``; ``audit_check_recent`` is the
periodic check, ``audit_check_record`` keeps any check's result and raises the alert.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from otklik.audit.chain import (
    GENESIS_HASH,
    Finding,
    VerifyResult,
    chain_verify,
    fetch_rows,
    row_hash,
)
from otklik.audit.models import AuditChainHead, AuditCheck, AuditEvent
from otklik.core.mail import mail_on_commit, page_link
from otklik.core.roles import Role


def audit_log(
    *, actor: Any, action: str, target: models.Model | None = None, data: dict | None = None
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_log must run inside the transaction of the change it records")
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
    )


# --- the chain: sealing after commit, the recorded checks -----------------------------------------
SEAL_BATCH = 5_000  # rows sealed per transaction (the head's lock is held for one batch)
# How long a transaction that wrote an audit row may stay open before it commits: rows created
# earlier than the last complete seal run minus this are not sealed any more but reported as
# written outside the chain.
SEAL_GRACE = dt.timedelta(minutes=15)
CHECK_WINDOW = 20_000  # the periodic check walks at least the last this many entries


@dataclass(frozen=True)
class SealReport:
    sealed: int
    head_seq: int
    head_hash: str


def _head_locked() -> AuditChainHead:
    AuditChainHead.objects.get_or_create(pk=1)
    return AuditChainHead.objects.select_for_update().get(pk=1)


def _seal_batch(size: int) -> tuple[int, bool]:
    """Seal up to ``size`` rows in id order in one transaction; (sealed, queue drained)."""
    with transaction.atomic():
        head = _head_locked()
        locked_at = timezone.now()
        if head.horizon is None:
            rows = fetch_rows("seq IS NULL", [], order="id", limit=size)
        else:
            horizon = connection.ops.adapt_datetimefield_value(head.horizon)
            rows = fetch_rows("seq IS NULL AND created_at >= %s", [horizon], order="id", limit=size)
        seq, prev = head.seq, head.hash or GENESIS_HASH
        values: list = []
        for row in rows:
            seq += 1
            digest = row_hash(seq, prev, row)
            values += [row[0], seq, prev, digest]
            prev = digest
        if rows:
            _chain_write(values, len(rows), connection.ops.adapt_datetimefield_value(locked_at))
            head.seq, head.hash, head.sealed_at = seq, prev, locked_at
        drained = len(rows) < size
        if drained:
            horizon = locked_at - SEAL_GRACE
            if head.horizon is None or horizon > head.horizon:
                head.horizon = horizon
        head.save()
    return len(rows), drained


def _chain_write(values: list, count: int, sealed_at: Any) -> None:
    """One UPDATE … FROM a list of (id, seq, prev_hash, hash) for the whole batch (PostgreSQL
    and SQLite ≥ 3.33 both read it); a row sealed meanwhile is left as it is."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    one = (
        "(CAST(%s AS BIGINT), CAST(%s AS BIGINT), CAST(%s AS VARCHAR(64)), CAST(%s AS VARCHAR(64)))"
    )
    rows = ", ".join([one] * count)
    sql = (  # the columns of a VALUES list are column1… in both databases
        f"UPDATE {table} SET seq = v.column2, prev_hash = v.column3, hash = v.column4, "  # noqa: S608 — our own table
        f"sealed_at = %s FROM (VALUES {rows}) AS v WHERE {table}.id = v.column1 "
        f"AND {table}.seq IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [sealed_at, *values])
        if cursor.rowcount != count:
            raise RuntimeError(f"sealed {cursor.rowcount} of {count} rows: the chain moved")


def audit_seal(*, limit: int | None = None, batch: int = SEAL_BATCH) -> SealReport:
    """Append the committed, unsealed audit rows to the chain, oldest id first.

    Runs after the writers' commits (the periodic job ``audit.seal``, and ``otklik audit verify``
    before it walks), so no writing transaction waits on the chain: only sealers take the lock
    on the head row, one batch of ``batch`` rows per transaction, up to ``limit`` rows in all. A
    row that commits late, with a smaller id than rows sealed already, simply gets a later
    ``seq``. Rows created before the head's ``horizon`` are left unsealed (verify names them).
    """
    sealed = 0
    while limit is None or sealed < limit:
        size = batch if limit is None else min(batch, limit - sealed)
        count, drained = _seal_batch(size)
        sealed += count
        if drained:
            break
    head = AuditChainHead.objects.get(pk=1)
    return SealReport(sealed=sealed, head_seq=head.seq, head_hash=head.hash)


def _alert_recipients() -> list[str]:
    from django.contrib.auth import get_user_model

    return list(
        get_user_model()
        .objects.filter(role__in=[Role.EXECUTOR, Role.HEAD], is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )


def _already_reported(first: Finding) -> bool:
    """Whether this break was mailed already and no passed check walked over it since."""
    told = (
        AuditCheck.objects.filter(
            notified=True, kind=first.kind, first_seq=first.seq, first_event_id=first.event_id
        )
        .order_by("-pk")
        .first()
    )
    if told is None:
        return False
    cleared = AuditCheck.objects.filter(ok=True, pk__gt=told.pk)
    if first.seq is not None:
        cleared = cleared.filter(from_seq__lte=first.seq, to_seq__gte=first.seq)
    return not cleared.exists()


@transaction.atomic
def audit_check_record(*, result: VerifyResult, source: str) -> AuditCheck:
    """Keep a check's result; a new break is written to the journal and mailed to the
    responsible executor and the head of the ЦУР after commit (a break already reported by the
    check before is not told again)."""
    first = result.first
    findings = [{**f.as_json(), "key": f.key} for f in result.findings]
    check = AuditCheck(
        source=source,
        from_seq=result.from_seq,
        to_seq=result.to_seq,
        entries=result.entries,
        head_hash=result.last_hash,
        ok=result.ok,
        findings=findings,
    )
    if first is not None:
        check.kind = first.kind
        check.message = first.message
        check.first_seq = first.seq
        check.first_event_id = first.event_id
        check.first_at = first.at
        check.first_action = first.action
        check.notified = not _already_reported(first)
    check.save()
    if first is not None and check.notified:
        audit_log(
            actor=None,
            action="audit.chain_broken",
            target=check,
            data={"break": first.kind, "seq": first.seq, "event": first.event_id},
        )
        where = f"запись № {first.seq}" if first.seq else f"запись id {first.event_id}"
        body = (
            f"Проверка журнала действий Отклика нашла нарушение целостности: {where} — "
            f"{first.kind_label}.\n{first.message}\n"
            f"Всего нарушений: {result.findings_total}.\n\n"
            f"Журнал: {page_link(reverse('audit:event_list'))}\n"
            "Проверить всю цепочку: otklik audit verify"
        )
        mail_on_commit("Отклик: нарушена целостность журнала действий", body, _alert_recipients())
    return check


def audit_check_recent(*, window: int = CHECK_WINDOW) -> AuditCheck:
    """The periodic check: seal, then walk the last ``window`` entries and everything since the
    last check (from an unresolved break on, while there is one), and record the result."""
    audit_seal()
    head_seq = AuditChainHead.objects.values_list("seq", flat=True).get(pk=1)
    start = head_seq - window + 1
    last = AuditCheck.objects.order_by("-checked_at", "-id").first()
    if last is not None:
        start = min(start, last.to_seq + 1)
        if not last.ok and last.first_seq:
            start = min(start, last.first_seq)
    result = chain_verify(from_seq=max(1, start))
    return audit_check_record(result=result, source=AuditCheck.Source.PERIODIC)
