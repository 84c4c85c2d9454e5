"""The issue's whole path in a real browser (Chromium), every request outside the server
refused: the head sends a task to three organisations; two answer, one answer is returned and
answered again, the third organisation stays silent past its deadline and is escalated; the
consolidated table says so; the head's final summary is agreed by the head and approved by
the curator with the password (a simple signature), registered under the next number of its
kind; the curator downloads the frozen PDF — the same hash as the card's — signs it with a
ГОСТ Р 34.10-2012 key made in the test with OpenSSL, and uploads the qualified signature,
which Otklik checks and accepts."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from otklik.core import gost
from otklik.core.tests.gost_pki import GOST_SKIP, IVANOV_SNILS, sign_detached
from otklik.correspondence.models import Assignment, Item
from otklik.correspondence.services import correspondence_sweep, item_answer
from otklik.documents.models import RegisteredDocument

pytestmark = [pytest.mark.browser, GOST_SKIP]


def _as(page, login, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def _row(page, org):
    return page.locator(f"tr[data-org='{org.code}']")


def test_a_task_to_three_bodies_ends_in_a_registered_summary_with_a_qualified_signature(
    page, login, personas, make_user, closed_network, gost_pki, tmp_path, settings
):
    from otklik.directory.models import Organization

    base = page.base_url
    adm = Organization.objects.get(code="adm-18410")  # Волжский: the org_operator persona's
    tek = Organization.objects.get(code="kom-tek")
    zdrav = Organization.objects.get(code="kom-zdrav")
    op_tek = make_user("org_operator", "op-tek", organization=tek)
    (tmp_path / "uc.pem").write_bytes(gost_pki.ca.pem)  # the centre the ЦУР trusts
    settings.OTKLIK_TRUSTED_CA_DIR = str(tmp_path)
    curator = personas["curator"]
    curator.snils = IVANOV_SNILS  # the owner of the test certificate
    curator.save()

    # the head sends a task to three organisations
    _as(page, login, "head")
    page.get_by_role("link", name="Запросы и поручения").click()
    page.locator("[data-testid=new-assignment] summary").click()
    form = page.get_by_test_id("send-form")
    form.locator("select[name=kind]").select_option("task")
    form.locator("select[name=organizations]").select_option(
        [str(adm.pk), str(tek.pk), str(zdrav.pk)]
    )
    form.get_by_label("Тема").fill("Готовность к отопительному сезону")
    form.get_by_label("Текст").fill("Доложите о готовности котельных и сетей.")
    form.get_by_role("button", name="Направить").click()
    expect(page.get_by_test_id("consolidated").locator("tbody tr")).to_have_count(3)
    a = Assignment.objects.get()

    # Волжский answers in the browser; the ТЭК committee answers too
    _as(page, login, "org_operator")
    page.get_by_test_id("task-correspondence").locator(".card__number").click()
    page.get_by_test_id("queue").get_by_role(
        "link", name="Готовность к отопительному сезону"
    ).click()
    answer = page.get_by_test_id("answer-form")
    answer.get_by_label("Ответ").fill("Котельные готовы.")
    answer.get_by_role("button", name="Направить ответ").click()
    expect(page.get_by_test_id("item-state")).to_have_text("Ответ получен")
    item_answer(actor=op_tek, item=Item.objects.get(organization=tek), text="Сети промыты.")

    # the head returns Волжский's answer with a reason and accepts the committee's
    _as(page, login, "head")
    page.goto(f"{base}/correspondence/{a.pk}/")
    _row(page, adm).locator("details summary").click()
    _row(page, adm).get_by_test_id("return-reason").fill("Нет сроков по двум котельным.")
    _row(page, adm).get_by_test_id("return").click()
    expect(_row(page, adm).get_by_test_id("row-state")).to_contain_text("Возвращено")
    _row(page, tek).get_by_test_id("accept").click()
    expect(_row(page, tek).get_by_test_id("row-state")).to_contain_text("Принято")

    # Волжский answers again; the head accepts
    item_answer(
        actor=personas["org_operator"],
        item=Item.objects.get(organization=adm),
        text="Две котельные будут готовы к 20.12.",
    )
    page.reload()
    _row(page, adm).get_by_test_id("accept").click()
    expect(_row(page, adm).get_by_test_id("row-state")).to_contain_text("возвратов: 1")

    # the health committee stays silent: its deadline passes (the clock is moved back by
    # moving the deadline), the sweep marks it overdue and reports it up
    Item.objects.filter(organization=zdrav).update(
        deadline=timezone.localdate() - dt.timedelta(days=10)
    )
    report = correspondence_sweep()
    assert (report.overdue, report.escalated) == (1, 1)
    page.reload()
    expect(_row(page, zdrav).get_by_test_id("row-late")).to_have_text("просрочено")
    expect(_row(page, zdrav).get_by_test_id("row-state")).to_contain_text("доложено о просрочке")
    expect(page.get_by_test_id("counts")).to_contain_text("принято: 2")

    # the head's summary, before every answer is in; the head agrees it
    summary = page.get_by_test_id("summary-form")
    summary.get_by_label("Итоговая справка").fill(
        "Два органа доложили о готовности; комитет здравоохранения не ответил в срок."
    )
    summary.get_by_label("Подготовить справку досрочно").check()
    page.get_by_test_id("summary-submit").click()
    expect(page.get_by_test_id("approval-state")).to_have_text("На согласовании")
    page.get_by_test_id("decide").click()
    expect(page.get_by_test_id("decide")).to_have_count(0)

    # the curator approves with the password: the summary is registered under the next number
    _as(page, login, "curator")
    page.goto(f"{base}/correspondence/{a.pk}/")
    expect(page.get_by_test_id("decide")).to_have_text("Утвердить")
    page.get_by_test_id("sign-password").fill("Volgograd-2026-test")
    page.get_by_test_id("decide").click()
    expect(page.get_by_test_id("approval-state")).to_have_text("Утверждён")
    d = RegisteredDocument.objects.get(kind="corr_summary")
    assert d.number == f"ИС-{timezone.localtime(d.registered_at).year}/1"

    # «Документы ЦУР»: the card, the PDF with the card's hash
    page.get_by_role("link", name="Документы ЦУР").click()
    page.get_by_role("link", name=d.number).first.click()
    expect(page.get_by_test_id("number")).to_have_text(d.number)
    with page.expect_download() as caught:
        page.get_by_test_id("download").click()
    pdf = caught.value.path().read_bytes()
    assert pdf == bytes(d.pdf)
    expect(page.get_by_test_id("sha256")).to_have_text(hashlib.sha256(pdf).hexdigest())
    expect(page.get_by_test_id("streebog")).to_have_text(gost.streebog256(pdf))

    # the qualified signature made with OpenSSL's GOST engine, uploaded and checked
    signature = tmp_path / f"{d.file_name}.sig"
    signature.write_bytes(sign_detached(gost_pki.ivanov, pdf))
    page.get_by_test_id("sign-form").locator("input[type=file]").set_input_files(str(signature))
    page.get_by_role("button", name="Проверить и добавить подпись").click()
    expect(page.locator(".flash-list")).to_contain_text("Квалифицированная подпись проверена")
    expect(page.get_by_test_id("signature-check").last).to_contain_text("подпись верна")
    assert closed_network == []
