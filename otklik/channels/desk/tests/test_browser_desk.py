"""The operator registers a paper letter of a legal entity in a real browser (Chromium): a
mistyped ИНН is refused with its reason and the form keeps what was typed; corrected, the
letter is registered and the operator reads its number and its case's number at once."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from otklik.intake.models import Message

pytestmark = pytest.mark.browser


def test_an_operator_registers_a_letter_of_a_legal_entity(page, login, personas, closed_network):
    login(page, "analyst")
    page.goto(f"{page.base_url}/messages/")
    page.get_by_test_id("desk-link").click()
    expect(page.get_by_role("heading", name="Зарегистрировать обращение")).to_be_visible()

    page.get_by_label("Письмо на бумаге").check()
    page.get_by_label("Вид", exact=True).select_option("appeal_59fz")
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Дата и время поступления").fill(now)
    page.get_by_label("Входящий регистрационный номер письма").fill("Вх-77/2026")
    page.get_by_label("Юридическое лицо", exact=True).check()
    page.get_by_label("Наименование организации").fill("ООО «Ромашка»")
    page.get_by_label("ИНН", exact=True).fill("7707083894")  # the last digit is wrong
    page.get_by_label("ОГРН", exact=True).fill("1027700132195")
    page.get_by_label("ФИО (у юридического лица — контактное лицо)").fill("Сидоров Иван")
    page.get_by_label("Почтовый адрес для ответа").fill("400005, г. Волгоград, пр. Ленина, 12")
    page.get_by_label("Текст обращения").fill("Просим отремонтировать кровлю дома 12.")
    page.get_by_test_id("desk-submit").click()

    expect(page.get_by_test_id("error-inn")).to_have_text(
        "ИНН с ошибкой: не сходится контрольная цифра."
    )
    expect(page.get_by_label("Наименование организации")).to_have_value("ООО «Ромашка»")

    page.get_by_label("ИНН", exact=True).fill("7707083893")
    page.get_by_test_id("desk-submit").click()
    success = page.locator(".flash").filter(has_text="Зарегистрировано")
    expect(success.first).to_contain_text("Зарегистрировано: сообщение № ПСМ-")
    expect(success.first).to_contain_text("инцидент №")

    message = Message.objects.select_related("author", "case").get()
    assert message.author.inn == "7707083893" and message.case is not None
    assert closed_network == []
