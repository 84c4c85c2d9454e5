"""The quarantine page: who sees it, the raw body (escaped; the author hidden from the auditor),
and the ЦУР's retry (with a corrected body) and discard."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from otklik.core.exceptions import ApplicationError
from otklik.intake.models import Delivery, DeliveryStatus, Message
from otklik.intake.services import delivery_receive

QUARANTINE = reverse("intake:quarantine")
BROKEN = {
    "channel": "web",
    "external_id": "web-q-1",
    "kind": "message",
    "author": {"name": "Петрова Анна", "phone": "+79610000777"},
    "municipality": "18410",
    # no text: the delivery waits in the quarantine
}


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@pytest.fixture
def quarantined(region) -> Delivery:
    outcome = delivery_receive(source="Веб-форма", body=json.dumps(BROKEN, ensure_ascii=False))
    return Delivery.objects.get(pk=outcome.results[0].delivery_id)


@pytest.fixture
def unreadable(region) -> Delivery:
    with pytest.raises(ApplicationError, match="Неверный JSON") as exc:
        delivery_receive(source="Импорт ПОС", body='{"channel": "pos", <script>alert(1)</script>')
    return Delivery.objects.get(pk=exc.value.extra["delivery_id"])


def retry_url(d: Delivery) -> str:
    return reverse("intake:quarantine_verb", args=[d.pk, "retry"])


def discard_url(d: Delivery) -> str:
    return reverse("intake:quarantine_verb", args=[d.pk, "discard"])


@pytest.mark.parametrize(
    ("role", "status", "manage"),
    [
        ("curator", 200, True),
        ("executor", 200, True),
        ("head", 200, True),
        ("analyst", 200, True),
        ("auditor", 200, False),
        ("sector_lead", 403, False),
        ("org_operator", 403, False),
        ("municipal_coordinator", 403, False),
    ],
)
def test_quarantine_page_per_role(client, make_user, quarantined, unreadable, role, status, manage):
    client.force_login(make_user(role))

    response = client.get(QUARANTINE)

    assert response.status_code == status
    if status == 200:
        assert [r["delivery"].pk for r in response.context["rows"]] == [
            unreadable.pk,
            quarantined.pk,
        ]
        assert response.context["can_manage"] is manage
        assert ("Разобрать заново" in response.content.decode()) is manage


def test_quarantine_shows_reason_and_escaped_raw_body(client, make_user, quarantined, unreadable):
    client.force_login(make_user("analyst"))

    body = client.get(QUARANTINE).content.decode()

    assert quarantined.error.startswith("text: ")
    assert quarantined.error in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)</script>" not in body
    assert "+79610000777" in body  # the ЦУР roles that see authors see the raw body as it came


def test_auditor_sees_the_body_without_the_authors_data(client, make_user, quarantined, unreadable):
    client.force_login(make_user("auditor"))

    response = client.get(QUARANTINE)

    body = response.content.decode()
    assert "+79610000777" not in body
    assert "Петрова Анна" not in body
    rows = {r["delivery"].pk: r for r in response.context["rows"]}
    assert json.loads(rows[quarantined.pk]["body"])["author"] == {
        "name": "скрыто",
        "phone": "скрыто",
    }
    assert (rows[unreadable.pk]["body"], rows[unreadable.pk]["redacted"]) == ("", True)


def test_retry_with_a_corrected_body_creates_the_message(client, make_user, quarantined):
    client.force_login(make_user("analyst"))
    corrected = json.dumps({**BROKEN, "text": "Нет горячей воды в доме на ул. Мира, 12."})

    response = client.post(retry_url(quarantined), {"body": corrected}, follow=True)

    quarantined.refresh_from_db()
    message = Message.objects.get(external_id="web-q-1")
    assert (quarantined.status, quarantined.message_id) == (DeliveryStatus.PARSED, message.pk)
    assert quarantined.corrected_body == corrected
    assert json.loads(quarantined.body) == BROKEN  # the original stays as it arrived
    assert flashes(response) == [f"Поступление #{quarantined.pk} разобрано: сообщение создано."]
    assert response.context["rows"] == []


def test_retry_of_a_still_broken_body_says_why_and_keeps_it(client, make_user, quarantined):
    client.force_login(make_user("curator"))

    response = client.post(retry_url(quarantined), {"body": quarantined.body}, follow=True)

    quarantined.refresh_from_db()
    assert quarantined.status == DeliveryStatus.QUARANTINED
    assert flashes(response)[0].startswith(
        f"Поступление #{quarantined.pk}: Сообщение всё ещё не разбирается:"
    )
    assert Message.objects.count() == 0


def test_discard_with_a_reason(client, make_user, unreadable):
    client.force_login(make_user("analyst"))

    response = client.post(discard_url(unreadable), {"reason": "Тестовая отправка"}, follow=True)

    unreadable.refresh_from_db()
    assert unreadable.status == DeliveryStatus.DISCARDED
    assert unreadable.error.endswith("Отклонено: Тестовая отправка")
    assert flashes(response) == [f"Поступление #{unreadable.pk} отклонено и убрано из карантина."]


def test_discard_without_a_reason_changes_nothing(client, make_user, unreadable):
    client.force_login(make_user("analyst"))

    response = client.post(discard_url(unreadable), {"reason": ""}, follow=True)

    unreadable.refresh_from_db()
    assert unreadable.status == DeliveryStatus.QUARANTINED
    assert flashes(response) == [f"Поступление #{unreadable.pk}: укажите причину отклонения."]


@pytest.mark.parametrize("role", ["auditor", "org_operator", "sector_lead"])
def test_roles_without_manage_cannot_retry_or_discard(client, make_user, quarantined, role):
    client.force_login(make_user(role))
    corrected = json.dumps({**BROKEN, "text": "Нет горячей воды в доме на ул. Мира, 12."})

    retried = client.post(retry_url(quarantined), {"body": corrected})
    discarded = client.post(discard_url(quarantined), {"reason": "Не нужно"})

    assert (retried.status_code, discarded.status_code) == (403, 403)
    quarantined.refresh_from_db()
    assert quarantined.status == DeliveryStatus.QUARANTINED
    assert Message.objects.count() == 0


def test_a_delivery_no_longer_in_the_quarantine_is_404(client, make_user, unreadable):
    client.force_login(make_user("analyst"))
    client.post(discard_url(unreadable), {"reason": "Тест"})

    response = client.post(discard_url(unreadable), {"reason": "Ещё раз"})

    assert response.status_code == 404
