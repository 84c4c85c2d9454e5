"""Plan and fact of indicators from a file: the dry run says row by row what the real run does
and writes nothing; the same file again changes nothing; an invalid row stops the whole file;
a computed indicator takes no fact; a block's lead loads the block's indicators only."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from otklik.audit.models import AuditEvent
from otklik.core.exceptions import AccessDenied
from otklik.core.mapping import MappingError
from otklik.core.roles import Role
from otklik.directory.models import Sector
from otklik.office.imports import MAPPINGS_DIR, indicators_import, indicators_mapping
from otklik.office.models import Indicator, IndicatorFact, IndicatorTarget
from otklik.office.tests.shared import Unchanged, flashes, signed_in, zhkh_indicators

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
SHIPPED = (MAPPINGS_DIR / "indicators_plan_fact.toml").read_text("utf-8")

# Without a mapping: the columns are the field names.
PLAIN = (
    "code,period,target,fact,evidence\n"
    "ЖКХ-2,2026-10,20,,\n"
    "ЖКХ-2,2026-11,20,7.5,Акт от 30.11.2026\n"
    "ЦУР-Р,2026,4,,\n"
).encode()


@pytest.fixture
def office(personas):
    curs = Indicator.objects.create(code="ЦУР-Р", name="Регламентов", unit="штука")
    return {**personas, **zhkh_indicators(), "curs": curs}


def _plan(actor, content=PLAIN, **kw):
    return indicators_import(actor=actor, name="plan.csv", content=content, **kw)


def _state() -> tuple[set, set]:
    targets = set(IndicatorTarget.objects.values_list("indicator__code", "period", "value"))
    facts = set(IndicatorFact.objects.values_list("indicator__code", "period", "value", "evidence"))
    return targets, facts


def test_dry_run_then_real_run_then_the_same_file_again(office):
    head = office["head"]
    unchanged = Unchanged(IndicatorTarget, IndicatorFact)
    dry = _plan(head, dry_run=True)
    assert [(r.line, r.code, r.period, r.status) for r in dry.rows] == [
        (2, "ЖКХ-2", "2026-10", "created"),
        (3, "ЖКХ-2", "2026-11", "created"),
        (4, "ЦУР-Р", "2026", "created"),
    ]
    assert dry.rows[1].changes == ["план 20", "факт 7,5"]
    assert not dry.applied
    unchanged.check()  # the dry run wrote nothing, not even an audit event

    real = _plan(head)
    assert real.applied and real.counts == {"created": 3, "updated": 0, "unchanged": 0, "error": 0}
    assert _state() == (
        {
            ("ЖКХ-2", "2026-10", Decimal("20")),
            ("ЖКХ-2", "2026-11", Decimal("20")),
            ("ЦУР-Р", "2026", Decimal("4")),
        },
        {("ЖКХ-2", "2026-11", Decimal("7.5"), "Акт от 30.11.2026")},
    )
    fact = IndicatorFact.objects.get()
    assert (fact.entered_by, fact.computed) == (head, False)
    event = AuditEvent.objects.get(action="office.indicators_import")
    assert event.data["counts"]["created"] == 3
    assert "ЖКХ-2 2026-11: план 20; факт 7,5" in event.data["rows"]

    again = Unchanged(IndicatorTarget, IndicatorFact)
    same = _plan(head)
    assert [r.status for r in same.rows] == ["unchanged"] * 3
    again.check()  # idempotent: no row, no audit event

    changed = PLAIN.replace(b"2026-11,20,7.5", b"2026-11,20,8")
    upd = _plan(head, content=changed, dry_run=True)
    assert [r.status for r in upd.rows] == ["unchanged", "updated", "unchanged"]
    assert upd.rows[1].changes == ["факт 7,5 → 8"]
    assert IndicatorFact.objects.get().value == Decimal("7.5")


def test_one_invalid_row_changes_nothing(office):
    bad = PLAIN + "ЖКХ-2,2026-12,двадцать,,\nНЕТ-1,2026,1,,\n".encode()
    unchanged = Unchanged(IndicatorTarget, IndicatorFact)
    report = _plan(office["head"], content=bad)
    assert not report.applied
    assert [(r.line, r.status, r.reason) for r in report.errors] == [
        (5, "error", "не число: «двадцать»"),
        (6, "error", "нет показателя с кодом «НЕТ-1»"),
    ]
    unchanged.check()


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("ЖКХ-1,2026-11,,88,Отчёт", "факт показателя ЖКХ-1 рассчитывается по данным платформы"),
        ("ЖКХ-2,2026-11,,5,", "у факта нет подтверждения"),
        ("ЖКХ-2,осень 2026,5,,", "период «осень 2026» не распознан"),
        ("ЖКХ-2,,5,,", "нет периода"),
        ("ЖКХ-2,2026,,,", "нет ни плана, ни факта"),
        ("ЖКХ-2,2026-10,21,,", "повтор строки 2: тот же показатель и период"),
    ],
)
def test_rows_that_are_refused(office, row, reason):
    content = ("code,period,target,fact,evidence\nЖКХ-2,2026-10,20,,\n" + row + "\n").encode()
    unchanged = Unchanged(IndicatorTarget, IndicatorFact)
    report = _plan(office["head"], content=content)
    assert [r.status for r in report.rows] == ["created", "error"]
    assert report.rows[1].reason.startswith(reason)
    unchanged.check()


def test_one_evidence_for_the_file(office):
    content = "code,period,fact\nЖКХ-2,2026-11,5\n".encode()
    _plan(office["head"], content=content, evidence="Письмо министерства № 12")
    assert IndicatorFact.objects.get().evidence == "Письмо министерства № 12"
    # a mapping may carry it too; a row's own evidence wins over the file's
    mapping = indicators_mapping(
        'evidence = "Сводка ЖКХ"\n[columns]\ncode = "code"\nperiod = "period"\nfact = "fact"'
    )
    _plan(office["head"], content=content.replace(b",5", b",6"), mapping=mapping)
    assert (IndicatorFact.objects.get().value, IndicatorFact.objects.get().evidence) == (
        Decimal("6"),
        "Сводка ЖКХ",
    )


def test_a_block_lead_loads_the_blocks_indicators_only(office, make_user):
    lead = office["sector_lead"]  # ЖКХ
    roads = make_user(Role.SECTOR_LEAD, sector=Sector.objects.get(code="roads"))
    unchanged = Unchanged(IndicatorTarget, IndicatorFact)
    report = _plan(lead)
    assert report.rows[2].reason == "показатель ЦУР-Р — ЦУР в целом: нет прав вносить его значения"
    assert [r.status for r in report.rows] == ["created", "created", "error"]
    unchanged.check()

    report = _plan(roads, content=PLAIN.rsplit(b"\n", 2)[0] + b"\n")
    assert {r.reason for r in report.rows} == {
        "показатель ЖКХ-2 — блока «ЖКХ и благоустройство»: нет прав вносить его значения"
    }
    unchanged.check()

    ok = _plan(lead, content=PLAIN.rsplit(b"\n", 2)[0] + b"\n")
    assert ok.applied and ok.counts["created"] == 2


@pytest.mark.parametrize("role", ["analyst", "auditor", "curator", "org_operator"])
def test_who_may_not_load_at_all(office, role):
    with pytest.raises(AccessDenied):
        _plan(office[role], dry_run=True)


def test_the_shipped_mapping_reads_a_russian_file(office):
    # Worked out by hand from data/indicators_plan_fact.csv (cp1251, «;»):
    #   ЖКХ-2 «сентябрь 2026» → 2026-09: plan 12,5 → 12.5; fact 10,25 → 10.25 with its act
    #   ЖКХ-2 «III кв. 2026» → 2026-Q3: plan 30
    #   ЖКХ-2 «2026» → 2026: plan «1 234,5» → 1234.5
    #   ЖКХ-1 (computed) «09.2026» → 2026-09: plan 95 (a plan is any indicator's)
    content = (DATA / "indicators_plan_fact.csv").read_bytes()
    report = indicators_import(
        actor=office["head"],
        name="план.csv",
        content=content,
        mapping=indicators_mapping(SHIPPED),
    )
    assert report.applied, report.as_dict()
    assert _state() == (
        {
            ("ЖКХ-2", "2026-09", Decimal("12.5")),
            ("ЖКХ-2", "2026-Q3", Decimal("30")),
            ("ЖКХ-2", "2026", Decimal("1234.5")),
            ("ЖКХ-1", "2026-09", Decimal("95")),
        },
        {("ЖКХ-2", "2026-09", Decimal("10.25"), "Акт приёмки от 30.09.2026 № 7")},
    )


def test_a_mapping_naming_a_column_the_file_lacks(office):
    with pytest.raises(MappingError, match="В файле нет столбца «Код показателя» \\(поле code\\)"):
        _plan(office["head"], mapping=indicators_mapping(SHIPPED))


def test_the_command(office, make_user, tmp_path, capsys):
    make_user(Role.SECTOR_LEAD, username="roads_lead", sector=Sector.objects.get(code="roads"))
    (tmp_path / "plan.csv").write_bytes((DATA / "indicators_plan_fact.csv").read_bytes())
    (tmp_path / "map.toml").write_text(SHIPPED, encoding="utf-8")
    args = [
        "indicators-import",
        str(tmp_path / "plan.csv"),
        "--mapping",
        str(tmp_path / "map.toml"),
    ]
    call_command("office", *args, "--dry-run", "--json", "--as", "head")
    report = json.loads(capsys.readouterr().out)
    assert (report["dry_run"], report["counts"]["created"]) == (True, 4)
    assert not IndicatorTarget.objects.exists()

    with pytest.raises(CommandError, match="Ошибок в файле: 4; ничего не изменено"):
        call_command("office", *args, "--as", "roads_lead")
    out = capsys.readouterr().out
    assert "строка 2: ЖКХ-2  [error] показатель ЖКХ-2 — блока «ЖКХ и благоустройство»" in out
    with pytest.raises(CommandError, match="Недостаточно прав"):
        call_command("office", *args, "--as", "analyst")
    with pytest.raises(CommandError, match="нет действующего пользователя «nobody»"):
        call_command("office", *args, "--as", "nobody")
    assert not IndicatorTarget.objects.exists()

    call_command("office", *args, "--as", "head")
    assert "Загружено: plan.csv" in capsys.readouterr().out
    assert IndicatorTarget.objects.count() == 4


def test_the_page_checks_then_applies(client, office):
    signed_in(client, office["head"])
    page = client.get("/office/indicators/")
    assert 'data-testid="indicators-import-link"' in page.content.decode()
    upload = SimpleUploadedFile("план.csv", (DATA / "indicators_plan_fact.csv").read_bytes())
    r = client.post(
        "/office/indicators/import/",
        {"file": upload, "mapping": "indicators_plan_fact.toml", "dry_run": "on"},
    )
    html = r.content.decode()
    assert 'data-testid="n-created">4<' in html and "будет внесено" in html
    assert not IndicatorTarget.objects.exists()
    token = r.context["token"]
    assert token

    r = client.post("/office/indicators/import/", {"apply": "1", "token": token})
    assert 'data-testid="n-created">4<' in r.content.decode() and r.context["report"].applied
    assert IndicatorTarget.objects.count() == 4
    # the token is spent: a second click applies nothing
    r = client.post("/office/indicators/import/", {"apply": "1", "token": token})
    assert flashes(r) == ["Проверка устарела или файл уже загружен: загрузите снова."]


def test_the_page_with_an_own_mapping_and_a_bad_one(client, office):
    signed_in(client, office["head"])
    own = SimpleUploadedFile("m.toml", '[columns]\ncode = "Код"\n'.encode())
    r = client.post(
        "/office/indicators/import/",
        {"file": SimpleUploadedFile("p.csv", PLAIN), "mapping_file": own, "dry_run": "on"},
    )
    assert flashes(r) == [
        "Сопоставление: укажите столбец поля «period» (период) в разделе columns."
    ]
    # an error in the file: the report, and no «apply»
    bad = PLAIN + "ЖКХ-1,2026-11,,88,Отчёт\n".encode()
    r = client.post(
        "/office/indicators/import/",
        {"file": SimpleUploadedFile("p.csv", bad), "dry_run": "on"},
    )
    assert r.context["token"] == "" and 'data-testid="n-error">1<' in r.content.decode()
    assert 'data-testid="import-apply"' not in r.content.decode()


@pytest.mark.parametrize(("role", "status"), [("analyst", 403), ("sector_lead", 200)])
def test_who_opens_the_page(client, office, role, status):
    signed_in(client, office[role])
    assert client.get("/office/indicators/import/").status_code == status


def test_an_xlsx_file_with_number_and_date_cells(office):
    import datetime as dt
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Код показателя", "Период", "План", "Факт", "Подтверждение"])
    # a date cell is its month; number cells are read as they are (no text to parse)
    sheet.append(["ЖКХ-2", dt.datetime(2026, 10, 1), 12.5, 3, "Акт № 9"])  # noqa: DTZ001
    sheet.append(["ЖКХ-2", 2027, 40, None, None])  # a year typed as a number
    out = io.BytesIO()
    book.save(out)
    report = indicators_import(
        actor=office["head"],
        name="план.xlsx",
        content=out.getvalue(),
        mapping=indicators_mapping(SHIPPED),
    )
    assert report.applied, report.as_dict()
    assert _state() == (
        {("ЖКХ-2", "2026-10", Decimal("12.5")), ("ЖКХ-2", "2027", Decimal("40"))},
        {("ЖКХ-2", "2026-10", Decimal("3"), "Акт № 9")},
    )
