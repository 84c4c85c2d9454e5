"""The whole path of a case in a real browser (Chromium): a message arrives → the ЦУР analyst
accepts it (routed to the Волжский administration) → the organisation's operator takes it and
answers from a template → the analyst returns the answer with a reason → the operator answers
again → the analyst approves → the web answer is published → the author, on a phone, says the
problem is not solved → the case page shows «Переоткрыт»."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

from otklik.cases.models import AnswerTemplate, Case, Survey
from otklik.directory.models import Topic
from otklik.intake.services import delivery_receive

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir())  # otklik-case-*.png

MESSAGE = {
    "channel": "web",
    "external_id": "web-2001",
    "kind": "message",
    "text": "Третий день нет горячей воды в доме на ул. Мира, 12 (Волжский). Дети моются в тазике.",
    "author": {"name": "Петрова Анна", "phone": "+79610002001", "consent": True},
    "location": {"address": "г. Волжский, ул. Мира, 12"},
    "municipality": "18410",
    "topic": "zhkh-hot-water",
}
SECOND_ANSWER = (
    "Горячее водоснабжение в доме № 12 по ул. Мира восстановлено 27.11 после замены задвижки "
    "на вводе. Давление проверено 28.11 в 10:00, в норме."
)


def _flash(page) -> str:
    return page.locator(".flash-list").inner_text().strip()


def _logout(page) -> None:
    page.get_by_role("button", name="Выйти").click()
    page.wait_for_load_state()


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_message_to_reopened_case_in_the_browser(page, phone_page, login, personas, volzhsky_rule):
    base = page.base_url
    AnswerTemplate.objects.create(
        topic=Topic.objects.get(code="zhkh-hot-water"),
        title="Горячая вода восстановлена",
        body="Уважаемый заявитель! По обращению № {number} сообщаем: {organization} "
        "восстановила горячее водоснабжение по адресу {address}.",
    )

    # a message arrives through the ingestion entry and opens a case (task run on commit)
    outcome = delivery_receive(source="Веб-форма", body=json.dumps(MESSAGE, ensure_ascii=False))
    assert [r.status for r in outcome.results] == ["created"]
    case = Case.objects.get()
    number = case.number
    case_url = f"{base}/cases/{number}/"

    # --- the ЦУР analyst finds it in triage and accepts it (routed to the administration) ---
    login(page, "analyst")
    page.get_by_role("link", name="Инциденты", exact=True).click()
    page.wait_for_url(f"{base}/cases/")
    assert page.locator("[data-queue=triage].is-active").count() == 1
    assert page.get_by_test_id("tab-count-triage").inner_text() == "1"
    rows = page.locator("[data-testid=case-table] tbody tr[data-case]")
    assert rows.count() == 1
    assert "осталось" in rows.first.locator(".deadline").inner_text()
    page.screenshot(path=SHOTS / "otklik-case-queue.png", full_page=True)
    page.get_by_role("link", name=number).click()
    page.wait_for_url(case_url)
    accept = page.locator("form[action$='/accept/']")
    assert accept.locator("select[name=organization]").input_value() == "adm-18410"
    accept.locator("select[name=priority]").select_option("high")
    accept.get_by_role("button", name="Принять и направить").click()
    page.wait_for_url(case_url)
    assert _flash(page) == "Инцидент принят и направлен: Администрация г. Волжского."
    assert page.get_by_test_id("case-status").inner_text() == "Назначен"
    _logout(page)

    # --- the organisation's operator takes it and answers from the template ---------------
    login(page, "org_operator")
    page.goto(f"{base}/cases/")
    assert page.locator("[data-queue=mine].is-active").count() == 1
    page.get_by_role("link", name=number).click()
    page.wait_for_url(case_url)
    page.get_by_test_id("take").click()
    page.wait_for_url(case_url)
    assert page.get_by_test_id("case-status").inner_text() == "В работе"
    page.select_option("select[name=template]", label="Горячая вода восстановлена")
    page.wait_for_function("document.querySelector('#answer-text').value.includes('восстановила')")
    first_text = page.locator("#answer-text").input_value()
    assert first_text == (
        f"Уважаемый заявитель! По обращению № {number} сообщаем: Администрация г. Волжского "
        "восстановила горячее водоснабжение по адресу г. Волжский, ул. Мира, 12."
    )
    page.get_by_role("button", name="Отправить на модерацию").click()
    page.wait_for_url(case_url)
    assert _flash(page) == "Ответ отправлен на модерацию ЦУР."
    assert page.get_by_test_id("case-status").inner_text() == "Ответ на модерации"
    _logout(page)

    # --- the analyst returns it with a reason and a score -------------------------------
    login(page, "analyst")
    page.goto(case_url)
    moderation = page.get_by_test_id("moderation-forms")
    moderation.locator("textarea[name=reason]").fill("Укажите дату и время проверки давления.")
    moderation.locator("form[action$='/return/'] select[name=quality_score]").select_option("3")
    moderation.get_by_role("button", name="Вернуть на доработку").click()
    page.wait_for_url(case_url)
    assert _flash(page) == "Ответ возвращён на доработку."
    assert page.get_by_test_id("case-status").inner_text() == "В работе"
    _logout(page)

    # --- the operator sees the remark and answers again ----------------------------------
    login(page, "org_operator")
    page.goto(case_url)
    assert (
        page.get_by_test_id("moderation-comment").inner_text()
        == "Замечание ЦУР: Укажите дату и время проверки давления."
    )
    page.fill("#answer-text", SECOND_ANSWER)
    page.get_by_role("button", name="Отправить на модерацию").click()
    page.wait_for_url(case_url)
    assert _flash(page) == "Ответ отправлен на модерацию ЦУР."
    _logout(page)

    # --- the analyst approves: the web form publishes at once ----------------------------
    login(page, "analyst")
    page.goto(case_url)
    moderation = page.get_by_test_id("moderation-forms")
    moderation.locator("form[action$='/approve/'] select[name=quality_score]").select_option("5")
    moderation.get_by_role("button", name="Одобрить ответ").click()
    page.wait_for_url(case_url)
    assert _flash(page) == "Ответ одобрен и опубликован; заявителю отправлен опрос."
    assert page.get_by_test_id("case-status").inner_text() == "Ответ опубликован"
    assert page.locator("[data-testid=answer-status]").all_inner_texts() == [
        "возвращён на доработку",
        "одобрен",
    ]

    # --- the author answers the survey on a phone: not solved ----------------------------
    token = Survey.objects.get(case__number=number).token
    phone_page.goto(f"{phone_page.base_url}/cases/survey/{token}/")
    assert phone_page.get_by_role("heading", name="Помогли ли мы вам?").is_visible()
    assert SECOND_ANSWER in phone_page.content()
    phone_page.get_by_text("Нет, не решена").click()
    phone_page.locator("label", has_text="2").first.click()
    phone_page.fill("textarea[name=comment]", "Вода снова еле тёплая.")
    survey_fits = _no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=SHOTS / "otklik-case-survey-phone.png", full_page=True)
    phone_page.get_by_role("button", name="Отправить ответ").click()
    phone_page.wait_for_url(f"{phone_page.base_url}/cases/survey/{token}/thanks/")
    assert phone_page.get_by_role("heading", name="Спасибо!").is_visible()
    assert "обращение снова передано в работу" in phone_page.content()
    assert survey_fits is True

    # --- the case page shows «Переоткрыт» -------------------------------------------------
    page.goto(case_url)
    assert page.get_by_test_id("case-status").inner_text() == "Переоткрыт"
    titles = page.locator("[data-testid=timeline] .timeline__title").all_inner_texts()
    assert titles == [
        "Поступило сообщение, инцидент открыт",
        "Принят ЦУР и направлен: Администрация г. Волжского",
        "Взят в работу",
        "Ответ отправлен на модерацию ЦУР",
        "Ответ возвращён на доработку",
        "Ответ отправлен на модерацию ЦУР",
        "Ответ одобрен ЦУР",
        "Ответ опубликован, заявителю отправлен опрос",
        "Ответ заявителя на опрос: проблема не решена, оценка 2 из 5",
        "Переоткрыт",
    ]
    assert (
        page.get_by_test_id("survey-result")
        .inner_text()
        .endswith("проблема не решена, оценка 2 из 5 — «Вода снова еле тёплая.»")
    )
    page.screenshot(path=SHOTS / "otklik-case-detail.png", full_page=True)


def test_queue_and_case_page_fit_a_phone(phone_page, login, personas, volzhsky_rule):
    delivery_receive(source="Веб-форма", body=json.dumps(MESSAGE, ensure_ascii=False))
    number = Case.objects.get().number

    login(phone_page, "analyst")
    phone_page.goto(f"{phone_page.base_url}/cases/")
    queue_fits = _no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=SHOTS / "otklik-case-phone-queue.png", full_page=True)
    phone_page.goto(f"{phone_page.base_url}/cases/{number}/")
    case_fits = _no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=SHOTS / "otklik-case-phone-detail.png", full_page=True)

    assert (queue_fits, case_fits) == (True, True)


def test_queue_filter_refreshes_the_table_in_place(page, login, personas, make_case):
    # given a ЖКХ case and a roads case, and a curator on the «all» tab
    make_case()
    roads = make_case(topic="roads-potholes", okato="18401")
    login(page, "curator")
    page.goto(f"{page.base_url}/cases/?queue=all")
    rows = "[data-testid=case-table] tbody tr[data-case]"
    assert page.locator(rows).count() == 2
    page.evaluate("window.__sameDocument = true")

    # when they choose the roads sector
    with page.expect_response(lambda r: "sector=roads" in r.url) as answer:
        page.select_option("select[name=sector]", "roads")
    assert answer.value.request.headers.get("hx-request") == "true"

    # then the table is refreshed without a page load; the tab and the filter stay in the URL
    page.wait_for_function(f"document.querySelectorAll('{rows}').length === 1")
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator(rows).first.get_attribute("data-case") == roads.number
    assert "queue=all" in page.url and "sector=roads" in page.url
    assert page.get_by_test_id("result-count").inner_text() == "Все, по фильтрам: 1"
