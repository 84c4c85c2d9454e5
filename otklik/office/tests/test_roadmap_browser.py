"""The ЦУР's roadmap in a real browser (Chromium), every request outside the server refused:
the executor opens it from the office's home page, adds an item, marks it done with its
evidence; an overdue item is drawn in red and listed on the office's home page; the curator
reads it all and is offered no form."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from otklik.office.models import RoadmapItem
from otklik.office.services_roadmap import roadmap_item_create

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir())  # otklik-roadmap-*.png
RED = "rgb(163, 20, 43)"  # --c-error of otklik.css


def test_the_roadmap_in_the_browser(page, login, personas, region, closed_network):
    base = page.base_url
    today = timezone.localdate()
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() - dt.timedelta(40)):
        late_item = roadmap_item_create(
            actor=personas["executor"], section="Организационное обеспечение",
            title="Регламент взаимодействия согласован", owner=personas["executor"],
            due=today - dt.timedelta(days=20),
        )  # fmt: skip

    login(page, "executor")
    page.get_by_role("link", name="Проектный офис").first.click()
    late = page.get_by_test_id("roadmap-late")
    assert "Мой пункт" in late.inner_text() and "Регламент взаимодействия" in late.inner_text()
    page.get_by_test_id("roadmap-link").click()
    assert page.url == f"{base}/office/roadmap/"
    row = page.locator(f"tr[data-item='{late_item.number}']")
    # the colour comes from the stylesheet: wait for it (under load it may still be loading)
    expect(row.locator("td").first).to_have_css("color", RED)
    assert page.get_by_test_id("count-overdue").inner_text() == "1"

    page.locator("[data-testid=new-item] summary").click()
    form = page.get_by_test_id("item-form")
    form.get_by_label("Раздел").fill("Кадры и обучение")
    form.get_by_label("Мероприятие").fill("Обучены ответственные ОМСУ")
    form.locator("select[name=owner]").select_option(str(personas["head"].pk))
    form.get_by_label("Срок").fill((today + dt.timedelta(days=30)).isoformat())
    form.get_by_role("button", name="Внести в дорожную карту").click()
    item = RoadmapItem.objects.get(number=2)
    assert page.url == f"{base}/office/roadmap/{item.pk}/"
    assert page.get_by_test_id("item-title").inner_text() == "2. Обучены ответственные ОМСУ"

    done = page.get_by_test_id("done-form")
    done.get_by_label("Подтверждение исполнения").fill("Приказ № 12 от " + f"{today:%d.%m.%Y}")
    done.get_by_role("button", name="Выполнен").click()
    assert page.get_by_test_id("item-status").inner_text() == "Выполнен"
    history = page.get_by_test_id("item-history").inner_text()
    assert "Внесён в дорожную карту" in history and "Приказ № 12" in history
    page.screenshot(path=str(SHOTS / "otklik-roadmap-item.png"), full_page=True)

    page.context.clear_cookies()
    login(page, "curator")
    page.goto(f"{base}/office/roadmap/")
    assert page.get_by_test_id("item-form").count() == 0
    assert page.get_by_test_id("count-done").inner_text() == "1"
    page.screenshot(path=str(SHOTS / "otklik-roadmap.png"), full_page=True)
    page.goto(f"{base}/office/sync/")
    assert page.get_by_test_id("programme").count() == 0  # no catalogue loaded in this test
    assert closed_network == []
