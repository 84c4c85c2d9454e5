from django.db import models


class Direction(models.TextChoices):
    """Where a registered document goes: the ЦУР's own, sent out, or received."""

    INTERNAL = "internal", "Внутренний"
    OUTGOING = "outgoing", "Исходящий"
    INCOMING = "incoming", "Входящий"


class SignatureKind(models.TextChoices):
    """63-ФЗ: a simple signature (ПЭП, art. 9: password and one-time code) or a qualified one
    (УКЭП: a detached CMS signature of the frozen PDF, checked by ``core.cms``)."""

    SIMPLE = "simple", "Простая электронная подпись"
    QUALIFIED = "qualified", "Усиленная квалифицированная электронная подпись"


class SignatureCheck(models.TextChoices):
    """The result of checking a qualified signature (a simple one is valid by its record)."""

    NOT_CHECKED = "", "не проверялась"
    VALID = "valid", "подпись верна"
    INVALID = "invalid", "подпись не подтверждена"
