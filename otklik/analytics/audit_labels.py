"""How the audit log names the analytics' events (see ``otklik/audit/registry.py``)."""

from otklik.analytics.models import AlertStatus
from otklik.audit.registry import actions_register, target_register

actions_register(
    {
        "analytics.package": "Выгружен пакет материалов",
        "rating.publish": "Рейтинг опубликован",
        "rating.methodology": "Методика рейтинга изменена",
        f"alert.{AlertStatus.CONFIRMED}": "Сигнал о проблеме подтверждён",
        f"alert.{AlertStatus.DISMISSED}": "Сигнал о проблеме отклонён",
    }
)
target_register("analytics.alert", label="сигнал о проблеме")
target_register("analytics.ratingsnapshot", label="рейтинг")
target_register("analytics.ratingmethodology", label="методика рейтинга")
