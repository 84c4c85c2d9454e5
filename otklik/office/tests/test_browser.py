"""The project office's chain in a real browser (Chromium), with every request outside the
server refused: the ЖКХ block's lead drafts a passport → the head returns it with a reason →
the lead corrects it → the head agrees → the curator approves → a change request creates
version 2 with its diff → the monthly report is pre-filled with the computed indicator's value
(worked out by hand: 2 of 3 ЖКХ answers of November on time → 66.67 %) → agreed and approved.
On the way each role is shown only what the regulation gives it, and what it is refused changes
nothing."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from django.utils import timezone

from conftest import PASSWORD
from otklik.analytics.services import rollups_refresh
from otklik.analytics.tests.conftest import case as new_case
from otklik.approvals.models import Approval
from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case
from otklik.directory.models import Sector
from otklik.office.choices import IndicatorSource, IndicatorState
from otklik.office.models import Indicator, PassportVersion, Project

pytestmark = pytest.mark.browser
SHOTS = Path(tempfile.gettempdir())  # otklik-office-*.png
XSS = '<img src=x onerror="window.__xss=1">'


def t(month: int, day: int, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour))  # noqa: DTZ001


@pytest.fixture
def november(region):
    """ЖКХ answers of November 2026: A on time, B late, E on time; a roads one on time."""
    for topic, received, due, answered in (
        ("zhkh-hot-water", t(11, 3, 9), t(11, 10, 18), t(11, 5, 21)),
        ("zhkh-hot-water", t(11, 4, 10), t(11, 11, 18), t(11, 14, 10)),
        ("zhkh-hot-water", t(11, 10, 8), t(11, 17, 18), t(11, 11, 20)),
        ("roads-potholes", t(11, 5, 15), t(11, 15, 18), t(11, 6, 9)),
    ):
        c = new_case(
            topic, "18410", "adm-18410", received=received, resolution_due=due,
            published_at=answered,
        )  # fmt: skip
        Case.objects.filter(pk=c.pk).update(status=CaseStatus.PUBLISHED, clock_started_at=received)
    rollups_refresh(full=True, now=t(12, 6, 12))
    Indicator.objects.create(
        code="ЖКХ-1",
        name="Доля ответов в срок по ЖКХ",
        unit="процент",
        sector=Sector.objects.get(code="zhkh"),
        source=IndicatorSource.COMPUTED,
        measure="on_time_share",
        state=IndicatorState.APPROVED,
    )


def _flash(page) -> str:
    return page.locator(".flash-list").inner_text().strip()


def _as(page, login, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def _sheet(page) -> list[str]:
    return page.locator("[data-testid=approval-sheet] tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.decision)"
    )


def test_the_project_office_chain_in_the_browser(page, login, personas, november, closed_network):
    refused = closed_network
    base = page.base_url

    # the ЖКХ block's lead drafts a passport
    _as(page, login, "sector_lead")
    page.get_by_role("link", name="Проектный офис").click()
    page.get_by_role("link", name="ЖКХ и благоустройство").click()
    page.locator("[data-testid=new-project] summary").click()
    form = page.locator("[data-testid=passport-form]")
    form.get_by_label("Наименование проекта").fill("Тёплый дом")
    form.get_by_label("Цель проекта").fill("Горячая вода без перерывов дольше суток")
    form.get_by_label("Показатели").fill("ЖКХ-1 | 62 | 2026=80")
    form.get_by_label("Контрольные точки и мероприятия").fill(
        f"Договор подряда заключён | 20.11.2026 | Комитет ЖКХ\n"
        f"Сети заменены {XSS} | 30.09.2027 | МУП «Водоканал»"
    )
    form.get_by_role("button", name="Создать проект").click()
    project = Project.objects.get()
    assert page.url == f"{base}/office/project/{project.pk}/"
    assert page.get_by_test_id("project-state").inner_text() == "Проект паспорта"
    page.get_by_role("link", name="версия 1").click()
    page.get_by_test_id("submit").click()
    assert _flash(page) == "Документ направлен на согласование."
    approval = Approval.objects.get(kind="passport")
    # the lead does not decide its own passport
    assert page.get_by_test_id("decide").count() == 0

    # the curator sees it but may not act at the head's step
    _as(page, login, "curator")
    page.goto(f"{base}/approvals/{approval.pk}/")
    assert page.get_by_test_id("approval-state").inner_text() == "На согласовании"
    assert page.get_by_test_id("decide").count() == 0

    # the head returns it with a reason
    _as(page, login, "head")
    assert page.get_by_role("link", name="Проектный офис (1)").count() == 1
    page.goto(f"{base}/approvals/")
    page.get_by_role("link", name="Паспорт проекта «Тёплый дом»").click()
    page.get_by_label("Замечание или причина возврата").fill("Не указан руководитель проекта")
    page.get_by_test_id("return").click()
    assert _flash(page) == "Документ возвращён на доработку."

    # the lead corrects and sends it again
    _as(page, login, "sector_lead")
    page.goto(f"{base}/approvals/{approval.pk}/")
    assert "Не указан руководитель проекта" in page.get_by_test_id("approval-sheet").inner_text()
    page.get_by_test_id("edit").click()
    page.get_by_label("Руководитель проекта").fill("Павлова И. А., председатель комитета ЖКХ")
    page.get_by_test_id("save").click()
    assert _flash(page) == "Паспорт сохранён."
    page.get_by_test_id("submit").click()

    # the head agrees; the head may not approve at the curator's step
    _as(page, login, "head")
    page.goto(f"{base}/approvals/{approval.pk}/")
    page.get_by_test_id("decide").click()
    assert _flash(page) == "Документ согласован."
    assert page.get_by_test_id("decide").count() == 0

    # the curator approves
    _as(page, login, "curator")
    page.goto(f"{base}/approvals/{approval.pk}/")
    assert page.get_by_test_id("decide").inner_text() == "Утвердить"
    page.get_by_test_id("sign-password").fill(PASSWORD)
    page.get_by_test_id("decide").click()
    assert _flash(page) == "Документ утверждён."
    assert page.get_by_test_id("approval-state").inner_text() == "Утверждён"
    assert _sheet(page) == ["open", "submit", "return", "submit", "agree", "approve"]
    # the curator prepares nothing: no change request for the curator
    page.goto(f"{base}/office/project/{project.pk}/")
    assert page.get_by_test_id("change-request").count() == 0

    # the lead: frozen version 1, a change request makes version 2 with its diff
    _as(page, login, "sector_lead")
    page.goto(f"{base}/office/project/{project.pk}/")
    assert page.get_by_test_id("project-state").inner_text() == "Паспорт утверждён"
    page.get_by_test_id("change-request").click()
    page.get_by_label("Запрос на изменение: что меняется и почему").fill(
        "Подрядчик сдвинул замену сетей на декабрь"
    )
    points = page.get_by_label("Контрольные точки и мероприятия")
    points.fill(points.input_value().replace("30.09.2027", "31.12.2027"))
    page.get_by_test_id("save").click()
    v2 = PassportVersion.objects.get(number=2)
    assert page.url == f"{base}/office/passport/{v2.pk}/"
    added = page.locator("[data-testid=diff] [data-sign='+']").all_inner_texts()
    removed = page.locator("[data-testid=diff] [data-sign='-']").all_inner_texts()
    assert [r.split("|")[-2].strip() for r in removed] == ["30.09.2027"]
    assert [a.split("|")[-2].strip() for a in added] == ["31.12.2027"]

    # the timeline: the library draws a bar per control point, names as text, nothing run
    page.goto(f"{base}/office/project/{project.pk}/")
    page.wait_for_selector("[data-testid=timeline][data-drawn='2']")
    assert page.locator("[data-testid=timeline] .bar-wrapper").count() == 2
    assert page.evaluate("window.__xss") is None
    labels = page.locator("[data-testid=timeline] .bar-label").all_text_contents()
    assert labels == ["Договор подряда заключён", f"Сети заменены {XSS}"]
    page.screenshot(path=str(SHOTS / "otklik-office-project.png"), full_page=True)

    # the November report, pre-filled from the data
    page.get_by_label("Период (месяц)").fill("2026-11")
    page.get_by_role("button", name="Подготовить отчёт по данным").click()
    row = page.locator("[data-testid=report-indicators] tr[data-code='ЖКХ-1']")
    assert row.get_by_test_id("fact").inner_text() == "66.67"
    assert "отставание" in row.inner_text()  # plan 80
    page.get_by_test_id("submit").click()
    assert "Отметьте, достигнуты ли контрольные точки" in _flash(page)
    page.get_by_label("Достигнута").select_option("yes")
    page.get_by_label("Комментарий", exact=True).fill("Договор заключён 18.11.")
    page.get_by_test_id("save").click()
    page.get_by_test_id("submit").click()
    assert _flash(page) == "Документ направлен на согласование."
    report = Approval.objects.get(kind="report")

    _as(page, login, "head")
    page.goto(f"{base}/approvals/{report.pk}/")
    page.get_by_test_id("decide").click()
    _as(page, login, "curator")
    page.goto(f"{base}/approvals/{report.pk}/")
    page.get_by_test_id("sign-password").fill(PASSWORD)
    page.get_by_test_id("decide").click()
    assert page.get_by_test_id("approval-state").inner_text() == "Утверждён"
    assert page.get_by_test_id("report-form").get_by_test_id("save").count() == 0  # frozen
    page.screenshot(path=str(SHOTS / "otklik-office-report.png"), full_page=True)

    # an organisation's operator does not see the office at all
    _as(page, login, "org_operator")
    assert page.get_by_role("link", name="Проектный офис").count() == 0
    response = page.goto(f"{base}/office/project/{project.pk}/")
    assert response.status == 403
    assert refused == []
