from django.db import models


class Basis(models.TextChoices):
    """From which moment the answer (and first-response) period counts."""

    RECEIPT = "receipt", "с момента поступления"
    REGISTRATION = "registration", "с момента регистрации"


class Unit(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", "календарных дней"
    WORKING_DAYS = "working_days", "рабочих дней"
    WORKING_HOURS = "working_hours", "рабочих часов"
    CALENDAR_HOURS = "calendar_hours", "часов"


DAY_UNITS = frozenset({Unit.CALENDAR_DAYS, Unit.WORKING_DAYS})


class DueKind(models.TextChoices):
    """The names ``otklik sla due --kind`` accepts, each mapped to a policy (see selectors)."""

    APPEAL_59FZ = "appeal_59fz", "обращение по 59-ФЗ"
    COMPLAINT_210FZ = "complaint_210fz", "жалоба по 210-ФЗ"
    COMPLAINT_210FZ_SHORT = (
        "complaint_210fz_short",
        "жалоба по 210-ФЗ на отказ в приёме документов или в исправлении ошибок",
    )
    POS_MESSAGE = "pos_message", "сообщение ПОС"
    SOCIAL_POST = "social_post", "публикация в соцсети"
    MESSAGE = "message", "сообщение из другого канала"


# The priorities of a case that a policy may name: the cases app owns them and names them in its
# ``ready()`` (``services.priorities_register``).
CASE_PRIORITIES: set[str] = set()
