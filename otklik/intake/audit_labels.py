"""How the audit log names the intake's events and objects (see ``otklik/audit/registry.py``).

A contact is named by its number only: the log never shows personal data."""

from __future__ import annotations

from django.urls import reverse

from otklik.audit.registry import TargetRef, actions_register, target_register
from otklik.intake.models import Delivery, Message, readable_channel_number


def _messages(ids: list[str]) -> dict[str, TargetRef]:
    rows = Message.objects.filter(pk__in=ids).values_list("pk", "channel__name", "external_id")
    return {
        str(pk): TargetRef(
            f"сообщение № {pk} ({', '.join(filter(None, (channel, number)))})",
            reverse("intake:message_detail", args=[pk]),
        )
        for pk, channel, number in (
            (pk, channel, readable_channel_number(external_id)) for pk, channel, external_id in rows
        )
    }


def _deliveries(ids: list[str]) -> dict[str, TargetRef]:
    rows = Delivery.objects.filter(pk__in=ids).values_list("pk", "source")
    return {str(pk): TargetRef(f"доставка № {pk} ({source})") for pk, source in rows}


actions_register(
    {
        "message.ingest": "Сообщение принято",
        "message.classify": "Классификация сообщения изменена",
        "message.locate": "Место сообщения указано",
        "message.attachment_add": "К сообщению добавлены файлы",
        "message.anonymise": "Сообщение обезличено",
        "delivery.retry": "Доставка из карантина обработана повторно",
        "delivery.discard": "Доставка из карантина отклонена",
        "contact.consent": "Заявитель дал согласие на обработку персональных данных",
        "contact.consent_withdraw": "Заявитель отозвал согласие на обработку персональных данных",
        "contact.delete": "Контактные данные заявителя удалены",
    }
)
target_register("intake.message", label="сообщение", resolve=_messages)
target_register("intake.delivery", label="доставка", resolve=_deliveries)
target_register("intake.contact", label="контакт заявителя")
