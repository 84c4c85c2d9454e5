"""The audit log: every service that changes data calls ``audit_log`` inside its transaction."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from otklik.audit.models import AuditEvent


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
