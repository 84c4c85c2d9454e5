"""Requests and tasks in a real browser (Chromium), every request outside the server refused:
the head sends a task to two organisations from the page; Волжский's operator finds it on the
home page, answers; another organisation's operator gets nothing; the head returns the answer
with a reason from the consolidated table, the operator answers again, the head accepts."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from otklik.correspondence.models import Assignment

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir())  # otklik-correspondence-*.png


def _as(page, login, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def _answer(page, text: str) -> None:
    form = page.get_by_test_id("answer-form")
    form.get_by_label("Ответ").fill(text)
    form.get_by_role("button", name="Направить ответ").click()
    expect(page.get_by_test_id("item-state")).to_have_text("Ответ получен")


def test_a_task_sent_answered_returned_and_accepted_in_the_browser(
    page, login, personas, make_user, closed_network
):
    from otklik.directory.models import Organization

    base = page.base_url
    adm = Organization.objects.get(code="adm-18410")
    tek = Organization.objects.get(code="kom-tek")
    make_user("org_operator", "op-tek", organization=tek)

    _as(page, login, "head")
    page.get_by_role("link", name="Запросы и поручения").click()
    page.locator("[data-testid=new-assignment] summary").click()
    form = page.get_by_test_id("send-form")
    form.locator("select[name=kind]").select_option("task")
    form.locator("select[name=organizations]").select_option([str(adm.pk), str(tek.pk)])
    form.get_by_label("Тема").fill("Готовность к отопительному сезону")
    form.get_by_label("Текст").fill("Доложите о готовности котельных.")
    form.get_by_role("button", name="Направить").click()
    expect(page.get_by_test_id("assignment-title")).to_contain_text("Готовность к отопительному")
    a = Assignment.objects.get()
    rows = page.get_by_test_id("consolidated").locator("tbody tr")
    expect(rows).to_have_count(2)

    _as(page, login, "org_operator")
    card = page.get_by_test_id("task-correspondence")
    expect(card.locator(".card__number")).to_have_text("1")
    card.locator(".card__number").click()
    page.get_by_test_id("queue").get_by_role(
        "link", name="Готовность к отопительному сезону"
    ).click()
    _answer(page, "Котельные готовы.")
    item_url = page.url

    _as(page, login, "op-tek")
    expect(page.get_by_test_id("task-correspondence").locator(".card__number")).to_have_text("1")
    assert page.goto(item_url).status == 404

    _as(page, login, "head")
    page.goto(f"{base}/correspondence/{a.pk}/")
    row = page.locator(f"tr[data-org='{adm.code}']")
    expect(row.get_by_test_id("row-state")).to_contain_text("Ответ получен")
    row.locator("details summary").click()
    row.get_by_test_id("return-reason").fill("Нет сроков по двум котельным.")
    row.get_by_test_id("return").click()
    row = page.locator(f"tr[data-org='{adm.code}']")
    expect(row.get_by_test_id("row-state")).to_contain_text("Возвращено на доработку")

    _as(page, login, "org_operator")
    page.goto(item_url)
    expect(page.get_by_test_id("history")).to_contain_text("Нет сроков по двум котельным.")
    _answer(page, "Две котельные будут готовы к 20.12.")

    _as(page, login, "head")
    page.goto(f"{base}/correspondence/{a.pk}/")
    page.locator(f"tr[data-org='{adm.code}']").get_by_test_id("accept").click()
    row = page.locator(f"tr[data-org='{adm.code}']")
    expect(row.get_by_test_id("row-state")).to_contain_text("Принято")
    expect(row.get_by_test_id("row-state")).to_contain_text("возвратов: 1")
    expect(page.locator(f"tr[data-org='{tek.code}']").get_by_test_id("row-state")).to_have_text(
        "Направлено"
    )
    page.screenshot(path=str(SHOTS / "otklik-correspondence.png"), full_page=True)
    assert closed_network == []
