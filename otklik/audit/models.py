from django.conf import settings
from django.db import models
from django.db.models import Q


class AuditEvent(models.Model):
    """One change made through a service, written in the same transaction as the change.

    ``data`` holds ids and changed field names/values of reference data; citizen personal data is
    never copied here (it is referenced by id).

    The journal is a hash chain (``otklik/audit/chain.py``, ``docs/audit-chain.md``): after the
    row commits, the sealer (``services.audit_seal``) gives it the next number ``seq``, the hash
    of the entry before it (``prev_hash``) and its own ``hash``. A row is never changed after
    that, and nothing in Otklik deletes one (the actor is protected: a user who acted is
    deactivated, never deleted).
    """

    created_at = models.DateTimeField("время", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField("действие", max_length=64, db_index=True)
    target_type = models.CharField("тип объекта", max_length=64, blank=True)
    target_id = models.CharField("объект", max_length=64, blank=True)
    data = models.JSONField("подробности", default=dict, blank=True)
    # the chain, filled by the sealer after commit (empty until then)
    seq = models.BigIntegerField("номер в цепочке", null=True, blank=True, unique=True)
    prev_hash = models.CharField("хеш предыдущей записи", max_length=64, blank=True)
    hash = models.CharField("хеш записи", max_length=64, blank=True)
    sealed_at = models.DateTimeField("включена в цепочку", null=True, blank=True)

    class Meta:
        verbose_name = "событие журнала"
        verbose_name_plural = "журнал действий"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # the sealer's queue and verify's «outside the chain» check: small, only unsealed rows
            models.Index(fields=["id"], condition=Q(seq__isnull=True), name="audit_unsealed_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class AuditChainHead(models.Model):
    """The end of the chain: one row (pk 1), locked by the sealer while it appends.

    ``horizon``: every row created before it has been offered to the sealer; an unsealed row
    older than it is one written past the services (verify reports it, the sealer leaves it).
    """

    seq = models.BigIntegerField("последний номер", default=0)
    hash = models.CharField("хеш последней записи", max_length=64, blank=True)
    sealed_at = models.DateTimeField("последнее добавление", null=True, blank=True)
    horizon = models.DateTimeField("всё созданное до", null=True, blank=True)

    class Meta:
        verbose_name = "конец цепочки журнала"
        verbose_name_plural = "конец цепочки журнала"

    def __str__(self) -> str:
        return f"№ {self.seq} {self.hash[:12]}"


class AuditCheck(models.Model):
    """One check of the chain (the periodic one or ``otklik audit verify``) and what it found."""

    class Source(models.TextChoices):
        PERIODIC = "periodic", "периодическая проверка"
        COMMAND = "command", "команда otklik audit verify"

    checked_at = models.DateTimeField("время проверки", auto_now_add=True, db_index=True)
    source = models.CharField("кто проверял", max_length=16, choices=Source.choices)
    from_seq = models.BigIntegerField("с номера", default=1)
    to_seq = models.BigIntegerField("по номер", default=0)
    entries = models.BigIntegerField("проверено записей", default=0)
    head_hash = models.CharField("хеш последней записи", max_length=64, blank=True)
    ok = models.BooleanField("цепочка цела", default=True)
    # the first break found (empty when ok)
    kind = models.CharField("нарушение", max_length=32, blank=True)
    message = models.TextField("описание", blank=True)
    first_seq = models.BigIntegerField("номер записи", null=True, blank=True)
    first_event_id = models.BigIntegerField("id записи", null=True, blank=True)
    first_at = models.DateTimeField("время записи", null=True, blank=True)
    first_action = models.CharField("действие записи", max_length=64, blank=True)
    findings = models.JSONField("все нарушения (до 100)", default=list, blank=True)
    notified = models.BooleanField("сообщено по почте", default=False)

    class Meta:
        verbose_name = "проверка журнала"
        verbose_name_plural = "проверки журнала"
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'цела' if self.ok else self.kind}"
