from __future__ import annotations

from django_tasks import task


@task()
def audit_seal() -> dict:
    """Append the committed audit rows to the chain (``services.audit_seal``)."""
    from otklik.audit.services import audit_seal as seal

    report = seal()
    return {"sealed": report.sealed, "head": report.head_seq}


@task()
def audit_check() -> dict:
    """Check the latest part of the chain and raise the alert on a break
    (``services.audit_check_recent``)."""
    from otklik.audit.services import audit_check_recent

    check = audit_check_recent()
    return {"ok": check.ok, "from": check.from_seq, "to": check.to_seq, "kind": check.kind}
