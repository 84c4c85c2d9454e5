"""The journal's hash chain: sealing after commit, verify against direct tampering in the
database, the periodic check's alert, and no way to edit an entry through the admin."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from otklik.audit import chain
from otklik.audit.chain import GENESIS_HASH, Finding, chain_verify
from otklik.audit.models import AuditChainHead, AuditCheck, AuditEvent
from otklik.audit.services import audit_check_recent, audit_log, audit_seal

TABLE = AuditEvent._meta.db_table


def _events(n: int, *, prefix: str = "test.event") -> None:
    with transaction.atomic():
        for i in range(n):
            audit_log(actor=None, action=prefix, data={"i": i, "текст": "Волгоград", "b": [1, 2]})


def _sealed(n: int = 12) -> list[tuple[int, int]]:
    """n events written and everything sealed; (seq, id) of the chain in order."""
    _events(n)
    audit_seal()
    return list(AuditEvent.objects.order_by("seq").values_list("seq", "id"))


def _sql(statement: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def _independent_hash(row: AuditEvent) -> str:
    """The hash as docs/audit-chain.md describes it, written out without chain.py."""
    stamp = row.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    values = [
        row.seq,
        row.prev_hash,
        stamp,
        row.actor_id,
        row.action,
        row.target_type,
        row.target_id,
        row.data,
    ]
    text = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- sealing ----------------------------------------------------------------------------------
def test_sealing_numbers_every_row_in_id_order_and_links_the_hashes(db):
    # given the set-up's events (unsealed, as rows existing before the migration) and 12 more
    _events(12)
    unsealed = list(AuditEvent.objects.order_by("id").values_list("id", flat=True))

    report = audit_seal(batch=5)  # several batches, each its own transaction

    rows = list(AuditEvent.objects.order_by("seq"))
    assert report.sealed == len(unsealed) == len(rows)
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert [r.id for r in rows] == unsealed  # sealed in id order
    assert rows[0].prev_hash == GENESIS_HASH
    assert all(r.prev_hash == p.hash for p, r in itertools.pairwise(rows))
    assert all(r.hash == _independent_hash(r) for r in rows)
    head = AuditChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (rows[-1].seq, rows[-1].hash)
    # a second run finds nothing; new rows continue the chain
    assert audit_seal().sealed == 0
    _events(2)
    audit_seal()
    last = AuditEvent.objects.order_by("-seq")[:2]
    assert [r.seq for r in last] == [len(rows) + 2, len(rows) + 1]
    assert last[1].prev_hash == rows[-1].hash


def test_seal_limit_leaves_the_rest_for_the_next_run(db):
    _events(10)
    total = AuditEvent.objects.count()

    first = audit_seal(limit=4, batch=3)

    assert first.sealed == 4
    assert AuditEvent.objects.filter(seq__isnull=True).count() == total - 4
    assert audit_seal().sealed == total - 4
    assert chain_verify().ok


def test_verify_passes_on_an_untouched_chain(db):
    rows = _sealed(30)

    result = chain_verify(chunk=7)  # several chunks

    assert result.ok, [f.message for f in result.findings]
    assert result.entries == len(rows)
    assert (result.from_seq, result.to_seq) == (1, len(rows))
    part = chain_verify(from_seq=5, limit=10)
    assert part.ok and (part.entries, part.to_seq) == (10, 14)


# --- tampering straight in the database -----------------------------------------------------------
def test_a_changed_row_is_named_at_its_seq(db):
    rows = _sealed()
    seq, pk = rows[7]
    _sql(f"UPDATE {TABLE} SET target_id = %s WHERE id = %s", ["999", pk])  # noqa: S608

    result = chain_verify(chunk=5)

    assert not result.ok
    assert (result.first.kind, result.first.seq, result.first.event_id) == ("changed", seq, pk)
    assert result.first.kind_label == "запись изменена"
    assert result.findings_total == 1


def test_a_changed_row_with_its_hash_recomputed_is_named_by_the_next_link(db):
    rows = _sealed()
    seq, pk = rows[4]
    event = AuditEvent.objects.get(pk=pk)
    event.data = {"i": -1}
    forged = chain.entry_hash(
        seq=seq,
        prev_hash=event.prev_hash,
        created_at=event.created_at,
        actor_id=event.actor_id,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        data=event.data,
    )
    _sql(
        f"UPDATE {TABLE} SET data = %s, hash = %s WHERE id = %s",  # noqa: S608
        ['{"i": -1}', forged, pk],
    )

    result = chain_verify()

    assert (result.first.kind, result.first.seq, result.first.event_id) == ("changed", seq, pk)


def test_a_deleted_row_is_a_gap_in_the_numbers(db):
    rows = _sealed()
    seq, pk = rows[5]
    _sql(f"DELETE FROM {TABLE} WHERE id = %s", [pk])  # noqa: S608

    result = chain_verify()

    assert not result.ok
    assert (result.first.kind, result.first.seq) == ("deleted", seq)
    assert f"Нет записи № {seq}" in result.first.message
    assert result.findings_total == 1  # the row after the gap is otherwise intact


def test_the_deleted_last_rows_are_named(db):
    rows = _sealed()
    _sql(f"DELETE FROM {TABLE} WHERE seq >= %s", [rows[-2][0]])  # noqa: S608

    result = chain_verify()

    assert (result.first.kind, result.first.seq) == ("tail_deleted", rows[-2][0])


def _forge_into_middle(seq: int) -> int:
    """Make room at ``seq`` (renumber the rest one up, the head too) and insert a forged entry
    that links properly to the one before: what an intruder who knows the format would do."""
    _sql(f"UPDATE {TABLE} SET seq = seq + 1000000 WHERE seq >= %s", [seq])  # noqa: S608
    _sql(f"UPDATE {TABLE} SET seq = seq - 999999 WHERE seq >= 1000000")  # noqa: S608
    AuditChainHead.objects.filter(pk=1).update(seq=AuditChainHead.objects.get(pk=1).seq + 1)
    before = AuditEvent.objects.get(seq=seq - 1)
    created = before.created_at + dt.timedelta(microseconds=1)
    forged = chain.entry_hash(
        seq=seq,
        prev_hash=before.hash,
        created_at=created,
        actor_id=None,
        action="user.create",
        target_type="",
        target_id="",
        data={},
    )
    _sql(
        f"INSERT INTO {TABLE} (created_at, action, target_type, target_id, data, seq, "  # noqa: S608
        "prev_hash, hash, sealed_at) VALUES (%s, %s, '', '', %s, %s, %s, %s, %s)",
        [
            connection.ops.adapt_datetimefield_value(created),
            "user.create",
            "{}",
            seq,
            before.hash,
            forged,
            connection.ops.adapt_datetimefield_value(timezone.now()),
        ],
    )
    return AuditEvent.objects.get(seq=seq).pk


def test_a_row_inserted_in_the_middle_is_named(db):
    rows = _sealed()
    seq = rows[6][0]
    forged_id = _forge_into_middle(seq)

    result = chain_verify(chunk=4)

    assert not result.ok
    first = result.first
    assert (first.kind, first.seq, first.event_id) == ("inserted", seq, forged_id)
    assert first.action == "user.create"
    assert result.findings_total == 1  # the renumbered rows after it are recognised


def test_a_row_with_a_seq_past_the_head_is_named(db):
    rows = _sealed()
    _sql(
        f"INSERT INTO {TABLE} (created_at, action, target_type, target_id, data, seq, "  # noqa: S608
        "prev_hash, hash) VALUES (%s, 'user.create', '', '', '{}', %s, '', '')",
        [connection.ops.adapt_datetimefield_value(timezone.now()), len(rows) + 1],
    )

    result = chain_verify()

    assert any(f.kind == "beyond_head" and f.seq == len(rows) + 1 for f in result.findings)


def test_an_old_unsealed_row_is_named_and_never_sealed(db):
    _sealed()  # the sealer has run: everything created before its horizon is in the chain
    old = timezone.now() - dt.timedelta(days=2)
    _sql(
        f"INSERT INTO {TABLE} (created_at, action, target_type, target_id, data, "  # noqa: S608
        "prev_hash, hash) VALUES (%s, 'case.close', 'cases.case', '1', '{}', '', '')",
        [connection.ops.adapt_datetimefield_value(old)],
    )
    forged_id = AuditEvent.objects.get(seq__isnull=True).pk

    audit_seal()
    result = chain_verify()

    assert AuditEvent.objects.get(pk=forged_id).seq is None
    assert (result.first.kind, result.first.event_id) == ("outside", forged_id)
    assert result.first.kind_label == "вставлена запись вне цепочки"


def test_a_recent_unsealed_row_is_not_a_break(db):
    # a transaction that committed after the last seal run: sealed by the next one
    _sealed()
    _events(1)

    assert chain_verify().ok


# --- checks of higher apps ------------------------------------------------------------------------
def test_registered_checks_are_run_and_reported(db, monkeypatch):
    _sealed(3)
    seen = []

    def check(*, from_seq, to_seq):
        seen.append((from_seq, to_seq))
        yield Finding("document_hash", "Документ № 1 изменён.", label="документ изменён")

    monkeypatch.setattr(chain, "_CHECKS", [])
    chain.verify_checks_register(check)
    chain.verify_checks_register(check)  # once only

    result = chain_verify()

    assert seen == [(1, result.to_seq)]
    assert not result.ok
    assert result.first.kind_label == "документ изменён"


# --- the command ----------------------------------------------------------------------------------
def test_verify_command_exit_code_and_json(db):
    rows = _sealed()
    out = io.StringIO()
    call_command("audit", "verify", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["ok"] is True and data["entries"] == len(rows) and data["first"] is None

    seq, pk = rows[2]
    _sql(f"UPDATE {TABLE} SET action = 'forged' WHERE id = %s", [pk])  # noqa: S608
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("audit", "verify", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert exit_.value.code == 1
    assert data["ok"] is False
    assert data["first"]["seq"] == seq and data["first"]["event_id"] == pk
    assert data["first"]["kind"] == "changed" and data["first"]["action"] == "forged"

    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("audit", "verify", stdout=out)
    assert f"ПЕРВОЕ НАРУШЕНИЕ: запись № {seq}, id {pk}" in out.getvalue()
    assert "запись изменена" in out.getvalue()


# --- the periodic check and its alert ----------------------------------------------------------
def test_periodic_check_alerts_once_and_the_ctsur_pages_show_it(
    client, make_user, django_capture_on_commit_callbacks, mailoutbox
):
    executor = make_user("executor")
    executor.email = "executor@example.ru"
    executor.save()
    head = make_user("head")
    head.email = "head@example.ru"
    head.save()
    curator = make_user("curator")
    operator = make_user("org_operator")
    with django_capture_on_commit_callbacks(execute=True):
        assert audit_check_recent().ok
    client.force_login(curator)
    assert "audit-chain-alert" not in client.get(reverse("home")).content.decode()

    seq, pk = list(AuditEvent.objects.order_by("seq").values_list("seq", "id"))[3]
    _sql(f"UPDATE {TABLE} SET action = 'forged' WHERE id = %s", [pk])  # noqa: S608
    with django_capture_on_commit_callbacks(execute=True):
        broken = audit_check_recent()
    with django_capture_on_commit_callbacks(execute=True):
        again = audit_check_recent()  # the same break: not told twice
    # a passed check of another part in between does not clear it either
    call_command("audit", "verify", "--from", str(seq + 1), "--limit", "2", stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        third = audit_check_recent()

    assert (broken.ok, broken.first_seq, broken.first_event_id) == (False, seq, pk)
    assert broken.notified and not again.notified and not again.ok
    assert not third.ok and not third.notified
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == ["executor@example.ru", "head@example.ru"]
    assert f"запись № {seq}" in mailoutbox[0].body
    assert AuditEvent.objects.filter(action="audit.chain_broken").count() == 1
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="audit-chain-alert"' in home
    assert f"Запись № {seq}" in home and "запись изменена" in home
    journal = client.get(reverse("audit:event_list")).content.decode()
    assert 'data-testid="audit-chain-alert"' in journal
    client.force_login(operator)
    assert "audit-chain-alert" not in client.get(reverse("home")).content.decode()


def test_alert_clears_when_a_later_check_passes_over_the_entry(client, make_user):
    curator = make_user("curator")
    rows = _sealed()
    _seq, pk = rows[3]
    original = AuditEvent.objects.get(pk=pk).action
    _sql(f"UPDATE {TABLE} SET action = 'forged' WHERE id = %s", [pk])  # noqa: S608
    assert not audit_check_recent().ok
    _sql(f"UPDATE {TABLE} SET action = %s WHERE id = %s", [original, pk])  # noqa: S608

    assert audit_check_recent().ok  # starts again from the break
    client.force_login(curator)
    assert "audit-chain-alert" not in client.get(reverse("home")).content.decode()
    assert AuditCheck.objects.filter(ok=False).count() == 1

    # broken again after it was cleared: told again
    _sql(f"UPDATE {TABLE} SET action = 'forged' WHERE id = %s", [pk])  # noqa: S608
    assert audit_check_recent().notified
    assert "audit-chain-alert" in client.get(reverse("home")).content.decode()


# --- nothing edits the journal through a screen ---------------------------------------------------
def test_admin_refuses_to_add_change_or_delete_entries_even_to_a_superuser(client, make_user):
    admin_user = make_user("curator")
    admin_user.is_superuser = True
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    rows = _sealed(2)
    pk = rows[0][1]
    before = AuditEvent.objects.get(pk=pk)

    change = client.post(
        reverse("admin:audit_auditevent_change", args=[pk]),
        {"action": "forged", "target_type": "", "target_id": "", "data": "{}"},
    )
    delete = client.post(reverse("admin:audit_auditevent_delete", args=[pk]), {"post": "yes"})
    add = client.get(reverse("admin:audit_auditevent_add"))
    bulk = client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [pk], "post": "yes"},
    )
    check_delete = client.get(reverse("admin:audit_auditcheck_add"))
    page = client.get(reverse("admin:audit_auditevent_change", args=[pk]))

    assert change.status_code == 403
    assert delete.status_code == 403
    assert add.status_code == 403
    assert check_delete.status_code == 403
    assert bulk.status_code in (200, 302)
    assert page.status_code == 200 and 'name="action"' not in page.content.decode()
    after = AuditEvent.objects.get(pk=pk)
    assert (after.action, after.hash) == (before.action, before.hash)
    assert chain_verify().ok


# --- two sealers at once --------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_sealers_at_once_do_not_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises writers)")
    _events(600)
    start = threading.Barrier(2)
    reports, errors = [], []

    def seal() -> None:
        try:
            start.wait()
            reports.append(audit_seal(batch=50).sealed)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=seal) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    total = AuditEvent.objects.count()
    assert not errors
    assert sum(reports) == total
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))
    assert chain_verify().ok


def test_the_periodic_tasks_seal_and_check(db):
    from otklik.audit import tasks

    _events(3)
    total = AuditEvent.objects.count()

    sealed = tasks.audit_seal.enqueue()
    checked = tasks.audit_check.enqueue()

    assert sealed.return_value == {"sealed": total, "head": total}
    assert checked.return_value["ok"] is True and checked.return_value["to"] == total
    assert AuditCheck.objects.get().source == AuditCheck.Source.PERIODIC
