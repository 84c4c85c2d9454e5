"""The web interface in a real browser (Chromium): login per role, menu, home cards, the message
list with its HTMX filter, refusals, and a phone-sized screen without horizontal scrolling."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from otklik.intake.tests.factories import make_message

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir())  # screenshots to look at: otklik-*.png

FULL_MENU = [
    "Главная",
    "Сообщения",
    "Инциденты",
    "Карантин",
    "Маршрутизация",
    "Аналитика",
    "Проектный офис",
    "Документы ЦУР",
    "Запросы и поручения",
    "Анализ текстов",
    "Каналы",
    "Справочники",
    "Пользователи",
    "Журнал действий",
    "Администрирование",
]
SCOPED_MENU = ["Главная", "Сообщения", "Инциденты", "Маршрутизация", "Аналитика", "Справочники"]
# the sector lead also works in the project office (its block's passports and reports)
SECTOR_MENU = [
    *SCOPED_MENU[:5],
    "Проектный офис",
    "Документы ЦУР",
    "Запросы и поручения",
    "Справочники",
]
# an organisation's operator answers the ЦУР's requests and tasks next to its cases
OPERATOR_MENU = [*SCOPED_MENU[:5], "Запросы и поручения", "Справочники"]
EXPECTED_MENU = {
    "curator": FULL_MENU,
    "head": FULL_MENU,
    "analyst": [
        "Главная",
        "Сообщения",
        "Инциденты",
        "Карантин",
        "Маршрутизация",
        "Аналитика",
        "Проектный офис",
        "Документы ЦУР",
        "Запросы и поручения",
        "Анализ текстов",
        "Каналы",
        "Справочники",
        "Администрирование",
    ],
    "auditor": [
        "Главная",
        "Сообщения",
        "Инциденты",
        "Карантин",
        "Маршрутизация",
        "Аналитика",
        "Проектный офис",
        "Документы ЦУР",
        "Запросы и поручения",
        "Анализ текстов",
        "Каналы",
        "Справочники",
        "Пользователи",
        "Журнал действий",
    ],
    "sector_lead": SECTOR_MENU,
    "org_operator": OPERATOR_MENU,
    "municipal_coordinator": SCOPED_MENU,
}


@pytest.fixture
def some_messages(region):
    """Three messages in Волжский (two ЖКХ, one roads) and two in Волгоград (roads)."""
    return [
        make_message(
            text="Нет горячей воды в доме на улице Мира",
            sector="zhkh",
            municipality="18410",
            organization="adm-18410",
        ),
        make_message(
            text="Течёт крыша над последним этажом",
            sector="zhkh",
            municipality="18410",
            organization="adm-18410",
            channel="telegram",
        ),
        make_message(text="Яма на дороге у остановки", sector="roads", municipality="18410"),
        make_message(
            text="Разбитый асфальт на проспекте", sector="roads", municipality="18401", channel="vk"
        ),
        make_message(
            text="Не убран снег с тротуара",
            sector="roads",
            municipality="18401",
            organization="adm-18401",
        ),
    ]


def _menu(page) -> list[str]:
    return [text.strip() for text in page.locator(".main-nav a").all_inner_texts()]


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize(
    ("role", "total"),
    [
        ("curator", 5),
        ("analyst", 5),
        ("auditor", 5),
        ("sector_lead", 2),
        ("org_operator", 2),
        ("municipal_coordinator", 3),
    ],
)
def test_each_role_logs_in_and_sees_its_menu_and_home_cards(
    page, login, make_user, some_messages, role, total
):
    # given a user of the role
    user = make_user(role, username=role)

    # when they log in through the real form
    login(page, role)

    # then the header names them, the menu fits the role and the home cards count their scope
    assert page.url == f"{page.base_url}/"
    assert page.get_by_test_id("user-name").inner_text() == str(user)
    assert page.get_by_test_id("user-role").inner_text() == user.role_label
    assert page.get_by_test_id("user-scope").inner_text() == user.scope_label
    assert _menu(page) == EXPECTED_MENU[role]
    assert page.locator("[data-testid=card-total] .card__number").inner_text() == str(total)
    assert page.get_by_test_id("card-channels").is_visible()
    region_wide = role in {"curator", "analyst", "auditor"}
    assert page.get_by_test_id("card-municipalities").count() == (1 if region_wide else 0)


def test_curator_filters_messages_by_sector_without_reloading_and_opens_one(
    page, login, make_user, some_messages
):
    # given a curator on the message list
    make_user("curator", username="kurator")
    login(page, "kurator")
    page.get_by_role("link", name="Сообщения", exact=True).click()
    page.wait_for_url(f"{page.base_url}/messages/")
    rows = page.locator("[data-testid=message-table] tbody tr[data-message-id]")
    assert rows.count() == 5
    page.evaluate("window.__sameDocument = true")

    # when they choose the roads sector
    with page.expect_response(lambda r: "sector=roads" in r.url) as answer:
        page.select_option("select[name=sector]", "roads")
    assert answer.value.request.headers.get("hx-request") == "true"

    # then the table is refreshed in place (no page load), and the address keeps the filter
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=message-table] tr[data-message-id]').length === 3"
    )
    assert page.evaluate("window.__sameDocument") is True
    assert "sector=roads" in page.url
    assert page.get_by_test_id("result-count").inner_text() == "Найдено по фильтрам: 3"
    page.screenshot(path=SHOTS / "otklik-messages.png", full_page=True)

    # and when they open a message
    page.get_by_role("link", name="Яма на дороге у остановки").click()

    # then its page shows the text
    page.wait_for_url(f"{page.base_url}/messages/{some_messages[2].pk}/")
    assert page.get_by_test_id("message-text").inner_text() == "Яма на дороге у остановки"


def test_org_operator_has_no_users_menu_and_gets_403_on_the_users_page(page, login, make_user):
    make_user("org_operator", username="operator")
    login(page, "operator")

    assert "Пользователи" not in _menu(page)
    response = page.goto(f"{page.base_url}/accounts/users/")

    assert response.status == 403
    assert page.get_by_role("heading", name="Доступ запрещён").is_visible()


def test_home_page_screenshot(page, login, make_user, some_messages):
    make_user("curator", username="kurator")
    login(page, "kurator")

    page.screenshot(path=SHOTS / "otklik-home.png", full_page=True)

    assert page.get_by_role("heading", name="Сообщения по всей области").is_visible()


def test_phone_sized_login_and_home_have_no_horizontal_scrolling(
    phone_page, login, make_user, some_messages
):
    # given a municipal coordinator with a phone
    make_user("municipal_coordinator", username="koordinator")

    # when they open the login page, then home, then the message list
    phone_page.goto(f"{phone_page.base_url}/accounts/login/")
    login_fits = _no_horizontal_scroll(phone_page)
    login(phone_page, "koordinator")
    home_fits = _no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=SHOTS / "otklik-phone-home.png", full_page=True)
    phone_page.goto(f"{phone_page.base_url}/messages/")
    list_fits = _no_horizontal_scroll(phone_page)
    phone_page.screenshot(path=SHOTS / "otklik-phone-messages.png", full_page=True)

    # then nothing is wider than the screen
    assert phone_page.get_by_test_id("result-count").inner_text() == "Всего: 3"
    assert (login_fits, home_fits, list_fits) == (True, True, True)


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)])
def test_a_long_scope_name_keeps_the_header_whole(_browser, live_server, make_user, width, height):
    # given an operator of an organisation with a very long official name
    from otklik.directory.models import Organization

    org = Organization.objects.get(code="adm-18410")
    org.name = org.short_name = (
        "Государственное бюджетное учреждение здравоохранения «Волгоградская областная "
        "клиническая больница № 1 имени заслуженного врача Российской Федерации» (филиал)"
    )
    org.save()
    make_user("org_operator", username="operator-long", organization=org)
    context = _browser.new_context(locale="ru-RU", viewport={"width": width, "height": height})
    page = context.new_page()
    page.base_url = live_server.url
    try:
        from conftest import PASSWORD

        page.goto(f"{page.base_url}/accounts/login/")
        page.fill("input[name=username]", "operator-long")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{page.base_url}/")
        page.screenshot(path=SHOTS / f"otklik-long-scope-{width}.png")

        # then the header is one bar (two on a phone), nothing is wider than the screen,
        # and the whole name is there on hover
        bar = page.locator(".site-header__bar").bounding_box()
        assert bar is not None and bar["height"] <= (80 if width > 1000 else 150)
        assert _no_horizontal_scroll(page)
        assert "имени заслуженного врача" in page.locator(".user-box__role").get_attribute("title")
    finally:
        context.close()
