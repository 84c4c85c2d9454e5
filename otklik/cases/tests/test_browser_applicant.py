"""The organisation operator's case page in a real browser (Chromium): the applicant is «скрыто»,
and the answer template, chosen in the form (HTMX) or given in the address (``?template=``),
greets «Уважаемый заявитель» — the applicant's name, phone and e-mail are nowhere on the page."""

from __future__ import annotations

import pytest

from otklik.cases.models import AnswerTemplate
from otklik.cases.tests.test_applicant_data import EMAIL, NAME, PHONE, accepted_case

pytestmark = pytest.mark.browser


def test_org_operator_page_with_the_template_applied(
    page, login, make_message, personas, volzhsky_rule
):
    base = page.base_url
    template = AnswerTemplate.objects.create(
        title="Горячая вода восстановлена",
        body="{name}, здравствуйте! По сообщению № {number} сообщаем: {organization} "
        "восстановила горячее водоснабжение.",
    )
    case = accepted_case(make_message, personas)
    expected = (
        f"Уважаемый заявитель, здравствуйте! По сообщению № {case.number} сообщаем: "
        "Администрация г. Волжского восстановила горячее водоснабжение."
    )

    login(page, "org_operator")
    # the template chosen in the form: the HTMX view fills the text
    page.goto(f"{base}/cases/{case.number}/")
    assert page.get_by_test_id("message-author").inner_text() == "Заявитель: скрыто"
    page.select_option("select[name=template]", label="Горячая вода восстановлена")
    page.wait_for_function("document.querySelector('#answer-text').value.includes('здравствуйте')")
    assert page.locator("#answer-text").input_value() == expected
    # the page with the template in its address
    page.goto(f"{base}/cases/{case.number}/?template={template.pk}")
    assert page.locator("#answer-text").input_value() == expected
    html = page.content()
    for secret in (NAME, "Петрова", PHONE, EMAIL):
        assert secret not in html, secret
