"""The citizen's path in a real browser (Chromium) on a phone-sized screen: they describe the
problem, take the suggested topic and place, tap the map, see that a neighbour already reported
it and follow that case instead of duplicating it; the ЦУР carries the case to a published
answer; the citizen opens the tracking link, reads the answer and rates it."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case
from otklik.channels.webform.models import WebReport
from otklik.channels.webform.tests.conftest import ANSWER

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir())  # otklik-webform-*.png

TEXT = "Третий день нет горячей воды в Волжском, ул. Мира 12, дети моются в тазике"


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_citizen_follows_a_similar_report_to_its_answer_and_rates_it(
    phone_page, seeded_case, cur_publishes
):
    page = phone_page
    neighbour = seeded_case(accepted=True)  # a neighbour reported it, the ЦУР accepted it

    # --- the form: text first; the topic and the place are suggested --------------------
    page.goto(f"{page.base_url}/report/")
    assert page.get_by_role("heading", name="Сообщить о проблеме").is_visible()
    page.get_by_label("Опишите проблему").fill(TEXT)
    suggestion = page.get_by_test_id("topic-suggestion")
    assert suggestion.inner_text().startswith(
        "Похоже, это: ЖКХ и благоустройство → Нет горячей воды или она чуть тёплая"
    )
    suggestion.get_by_role("button", name="Выбрать").click()
    assert page.locator("#id_topic").input_value() == "zhkh-hot-water"
    page.get_by_test_id("municipality-suggestion").get_by_role("button", name="Выбрать").click()
    assert page.locator("#id_municipality").input_value() == "18410"
    page.get_by_label("Адрес или ориентир").fill("ул. Мира, 12")

    # --- a point on the schematic map (no tiles, no network) ----------------------------
    volzhsky = page.locator('[data-okato="18410"] circle')
    volzhsky.scroll_into_view_if_needed()
    box = volzhsky.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.locator("#id_lat").input_value() != ""
    assert page.locator("[data-point-text]").inner_text().startswith("Точка: 48.")

    # --- the similar open report is shown before sending ---------------------------------
    similar = page.get_by_test_id("similar")
    item = similar.locator(f'[data-case="{neighbour.number}"]')
    item.wait_for()
    assert similar.locator("li[data-case]").count() == 1
    # shown by its topic and street, not by the neighbour's words or house
    assert item.locator(".wf-similar__title").inner_text() == (
        "Нет горячей воды или она чуть тёплая"
    )
    assert item.locator(".wf-similar__addr").inner_text() == "ул. Мира"
    page.get_by_label("Как к вам обращаться").fill("Сидоров Олег")
    page.get_by_label("Телефон").fill("+7 961 765-43-21")
    page.get_by_label("Я согласен(на) на обработку персональных данных").check()
    form_fits = _fits(page)
    page.screenshot(path=SHOTS / "otklik-webform-phone.png", full_page=True)
    similar.get_by_role("button", name="Это моя проблема — следить").click()

    # --- the tracking page ----------------------------------------------------------------
    page.wait_for_url(f"{page.base_url}/report/track/**")
    report = WebReport.objects.get()
    assert page.url == f"{page.base_url}/report/track/{report.token}/"
    assert report.followed is True and report.message.case_id == neighbour.pk
    assert Case.objects.count() == 1  # no duplicate opened
    assert page.get_by_role("heading", name=f"Сообщение № {neighbour.number}").is_visible()
    assert page.get_by_test_id("track-status").inner_text() == (
        "Передано исполнителю: Администрация г. Волжского"
    )
    followed = page.get_by_test_id("track-case")
    assert followed.locator(".wf-similar__title").inner_text() == (
        "Нет горячей воды или она чуть тёплая"
    )
    assert "Дети моются" not in page.content()  # the neighbour's words stay theirs
    timeline = page.get_by_test_id("track-timeline").inner_text()
    assert f"Вы присоединились к сообщению № {neighbour.number}" in timeline

    # --- the ЦУР: accept, take, answer, approve; the answer is published ------------------
    cur_publishes(neighbour)
    neighbour.refresh_from_db()
    assert neighbour.status == CaseStatus.PUBLISHED

    # --- the citizen opens the link again, reads the answer and rates it --------------------
    page.goto(f"{page.base_url}/report/track/{report.token}/")
    assert page.get_by_test_id("track-status").inner_text() == "Дан ответ"
    # the answer to the neighbour, as the public reads it: no house number
    assert page.get_by_test_id("track-answer").locator(".answer__text").inner_text() == (
        ANSWER.replace("№ 12", "№ [НОМЕР]")
    )
    survey = page.get_by_test_id("survey-form")
    survey.get_by_text("Да, решена").click()
    survey.locator("label", has_text="4").first.click()
    track_fits = _fits(page)
    page.screenshot(path=SHOTS / "otklik-webform-track-phone.png", full_page=True)
    survey.get_by_role("button", name="Отправить оценку").click()
    page.wait_for_url(f"{page.base_url}/report/track/{report.token}/")
    assert page.locator(".flash-list").inner_text().strip() == "Спасибо за оценку!"
    assert page.get_by_test_id("survey-done").inner_text() == (
        "Проблема решена, оценка 4 из 5. Спасибо!"
    )
    assert page.get_by_test_id("track-status").inner_text() == "Закрыто"
    neighbour.refresh_from_db()
    assert neighbour.status == CaseStatus.CLOSED
    assert (form_fits, track_fits) == (True, True)


def test_the_city_view_of_the_map_and_a_tapped_point_outside_any_town(phone_page, region):
    page = phone_page
    page.goto(f"{page.base_url}/report/")
    page.get_by_role("button", name="Волгоград").click()
    assert page.locator("svg[data-schematic]").get_attribute("class") == "wf-schematic is-city"
    district = page.locator('[data-okato="18401395"] circle')  # Центральный район
    district.scroll_into_view_if_needed()
    box = district.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    lat = float(page.locator("#id_lat").input_value())
    lon = float(page.locator("#id_lon").input_value())
    # the tapped point is the district's centre (48.71, 44.52) to within the drawn dot
    assert (round(lat, 1), round(lon, 1)) == (48.7, 44.5)
    page.screenshot(path=SHOTS / "otklik-webform-city-map.png", full_page=False)
    page.get_by_role("button", name="Убрать точку").click()
    assert page.locator("#id_lat").input_value() == ""


# A one-pixel PNG: a "tile server" that needs no network.
TILE = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD"
    "hgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_with_a_tile_server_the_map_draws_its_tiles_and_takes_a_tap(phone_page, region, settings):
    settings.OTKLIK_MAP_TILE_URL = TILE
    page = phone_page
    page.goto(f"{page.base_url}/report/")
    tiles = page.locator("[data-tiles]")
    tiles.scroll_into_view_if_needed()
    assert page.locator("svg[data-schematic]").count() == 0
    # the tiles of zoom 7 that cover the box around the middle of the oblast (Web Mercator)
    w, h = tiles.evaluate("t => [t.clientWidth, t.clientHeight]")
    n, sin = 256 * 2**7, math.sin(math.radians(49.6))
    left = (44.3 + 180) / 360 * n - w / 2
    top = (0.5 - math.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * n - h / 2
    columns = math.floor((left + w) / 256) - math.floor(left / 256) + 1
    rows = math.floor((top + h) / 256) - math.floor(top / 256) + 1
    assert tiles.locator("img").count() == columns * rows
    assert tiles.locator("img").first.get_attribute("src") == TILE
    page.get_by_role("button", name="Приблизить").click()
    box = tiles.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    # the centre of the map is where it opened: the middle of the oblast (49.6, 44.3)
    lat = float(page.locator("#id_lat").input_value())
    lon = float(page.locator("#id_lon").input_value())
    assert (round(lat, 1), round(lon, 1)) == (49.6, 44.3)
    assert tiles.locator(".wf-tiles__pin").count() == 1


@pytest.fixture
def no_js_phone(_browser, live_server):
    context = _browser.new_context(
        locale="ru-RU",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        java_script_enabled=False,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = live_server.url
    yield page
    context.close()


def test_without_javascript_the_form_still_files_a_report(no_js_phone, seeded_case):
    page = no_js_phone
    neighbour = seeded_case(accepted=True)
    page.goto(f"{page.base_url}/report/")
    assert page.locator("[data-map]").is_hidden()  # the map needs the script
    page.get_by_label("Опишите проблему").fill(TEXT)
    page.locator("#id_topic").select_option("zhkh-hot-water")
    page.locator("#id_municipality").select_option("18410")
    page.get_by_label("Электронная почта").fill("sidorov@example.ru")
    page.get_by_label("Я согласен(на) на обработку персональных данных").check()
    page.get_by_role("button", name="Отправить", exact=True).click()
    # the server shows the similar report once, before storing anything (the answer comes to
    # the same address, so wait for it rather than look at the page the click left)
    expect(page.get_by_test_id("similar-stop")).to_be_visible()
    expect(page.locator(f'[data-case="{neighbour.number}"]')).to_be_visible()
    assert WebReport.objects.count() == 0
    # the citizen decides it is another problem and sends anyway (what they typed is kept)
    assert page.get_by_label("Я согласен(на) на обработку персональных данных").is_checked()
    page.get_by_role("button", name="Отправить", exact=True).click()
    page.wait_for_url(f"{page.base_url}/report/track/**")
    report = WebReport.objects.get()
    assert report.followed is False
    assert report.message.author.email == "sidorov@example.ru"
    assert Case.objects.count() == 2  # its own case opened
    assert page.get_by_test_id("track-status").inner_text() == "Зарегистрировано, проверяется ЦУР"


# --- nothing unpublished on the public form ----------------------------------------------------
# A neighbour's case the ЦУР accepted: their own words, their name, their house and flat.
ACCEPTED = (
    "Третий день нет горячей воды в доме на ул. Мира, 12. Бабушка Клавдия Семёновна из 45 "
    "квартиры моет внуков в тазике."
)
# Alike in words, but not to be offered: not yet accepted; one's own bill; a labour dispute.
NOT_ACCEPTED = (
    "Нет горячей воды третий день в доме на ул. Мира, 12, Аркадий Лебедев из 8 квартиры купает "
    "детей в тазике."
)
OWN_BILL = (
    "Третий день нет горячей воды в Волжском на ул. Мира, а Евдокимовой начислили за горячую "
    "воду полностью, дети моются в тазике: прошу перерасчёт."
)
LABOUR = (
    "Третий день не платят зарплату в котельной в Волжском на ул. Мира, Гаврилюк и дети "
    "без горячей воды моются в тазике."
)
NEVER = (
    "Клавдия",
    "45 квартиры",
    "кв. 45",
    "Аркадий",
    "Лебедев",
    "Евдокимов",
    "Гаврилюк",
    "Мира, 12",
    "Бабушка",
)


def _seed_the_street(seeded_case):
    shown = seeded_case(text=ACCEPTED, address="г. Волжский, ул. Мира, 12, кв. 45", accepted=True)
    hidden = [
        seeded_case(text=NOT_ACCEPTED, address="ул. Мира, 12, кв. 8"),
        seeded_case(text=OWN_BILL, topic="zhkh-utility-bills", accepted=True),
        seeded_case(text=LABOUR, topic="other-employment", accepted=True),
    ]
    return shown, hidden


def _assert_only_the_public_view(html, shown, hidden):
    assert f'data-case="{shown.number}"' in html
    for case in hidden:
        assert case.number not in html, case.number
    for word in NEVER:
        assert word not in html, word


def test_the_public_form_never_shows_a_text_or_an_address_not_published(phone_page, seeded_case):
    page = phone_page
    shown, hidden = _seed_the_street(seeded_case)
    page.goto(f"{page.base_url}/report/")
    page.get_by_label("Опишите проблему").fill(TEXT)
    page.get_by_test_id("municipality-suggestion").get_by_role("button", name="Выбрать").click()
    similar = page.get_by_test_id("similar")
    similar.locator(f'[data-case="{shown.number}"]').wait_for()
    assert similar.locator("li[data-case]").count() == 1
    assert similar.locator(".wf-similar__title").inner_text() == (
        "Нет горячей воды или она чуть тёплая"
    )
    assert similar.locator(".wf-similar__addr").inner_text() == "ул. Мира"
    _assert_only_the_public_view(page.content(), shown, hidden)


def test_without_javascript_the_stop_page_never_shows_a_text_or_an_address_not_published(
    no_js_phone, seeded_case
):
    page = no_js_phone
    shown, hidden = _seed_the_street(seeded_case)
    page.goto(f"{page.base_url}/report/")
    page.get_by_label("Опишите проблему").fill(TEXT)  # no topic: every sector may match
    page.locator("#id_municipality").select_option("18410")
    page.get_by_label("Электронная почта").fill("sidorov@example.ru")
    page.get_by_label("Я согласен(на) на обработку персональных данных").check()
    page.get_by_role("button", name="Отправить", exact=True).click()
    expect(page.get_by_test_id("similar-stop")).to_be_visible()
    assert page.locator("li[data-case]").count() == 1
    _assert_only_the_public_view(page.content(), shown, hidden)
