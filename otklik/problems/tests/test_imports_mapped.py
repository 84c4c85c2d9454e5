"""The registry's imports through a column mapping: the shipped examples («ИАС BI: ЦУР РФ»
incidents, national-project indicators) against small files with Russian headers, and the page
that checks a file and then applies it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from otklik.audit.models import AuditEvent
from otklik.core.mapping import MappingError
from otklik.problems.choices import ProblemStatus, ProjectKind
from otklik.problems.imports import (
    MAPPINGS_DIR,
    indicators_import,
    indicators_mapping,
    problems_import,
    problems_mapping,
)
from otklik.problems.models import IndicatorValue, Problem, ProjectIndicator

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
IAS = (MAPPINGS_DIR / "ias_bi_problems.toml").read_text("utf-8")
NATIONAL = (MAPPINGS_DIR / "national_indicators.toml").read_text("utf-8")


def test_the_ias_bi_example_reads_its_export(personas):
    content = (DATA / "ias_bi_incidents.csv").read_bytes()  # UTF-8 with a BOM, «;»
    user = personas["curator"]
    dry = problems_import(
        actor=user, name="ias.csv", content=content, dry_run=True, mapping=problems_mapping(IAS)
    )
    assert (dry.created, dry.errors) == (["INC-100245", "INC-100311", "INC-100400"], [])
    assert not Problem.objects.exists()

    real = problems_import(
        actor=user, name="ias.csv", content=content, mapping=problems_mapping(IAS)
    )
    assert real.created == ["INC-100245", "INC-100311", "INC-100400"]
    p1 = Problem.objects.get(external_id="INC-100245")
    # «ЖКХ» → zhkh and «В работе» → in_work through [values]; «г. Волжский» is an alias of 18410
    assert (p1.sector.code, p1.status, p1.root_cause) == (
        "zhkh",
        ProblemStatus.IN_WORK,
        "Износ теплообменника",
    )
    assert list(p1.municipalities.values_list("okato", flat=True)) == ["18410"]
    assert list(p1.topics.values_list("code", flat=True)) == ["zhkh-hot-water"]
    # two columns joined by a blank line
    assert p1.description == "Жалобы жителей ул. Мира\n\nКонтроль до 15.10"
    p2 = Problem.objects.get(external_id="INC-100311")
    # «Камышин; 18401»: a name and a code in one cell
    assert sorted(p2.municipalities.values_list("okato", flat=True)) == ["18401", "18415"]
    assert (p2.sector.code, p2.status) == ("roads", ProblemStatus.IDENTIFIED)
    p3 = Problem.objects.get(external_id="INC-100400")
    # «Обращение с ТКО» is the sector's own name; «Решён» → solved
    assert (p3.sector.code, p3.status, p3.municipalities.count()) == ("tko", "solved", 0)

    events = AuditEvent.objects.count()
    again = problems_import(
        actor=user, name="ias.csv", content=content, mapping=problems_mapping(IAS)
    )
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 3)
    assert AuditEvent.objects.count() == events


def test_an_unknown_place_in_a_mapped_file_changes_nothing(personas):
    content = (
        (DATA / "ias_bi_incidents.csv")
        .read_bytes()
        .replace("г. Волжский".encode(), "Атлантида".encode())
    )
    report = problems_import(
        actor=personas["curator"], name="ias.csv", content=content, mapping=problems_mapping(IAS)
    )
    assert report.errors == ["строка 2: неизвестные ОКАТО или МО: Атлантида"]
    assert report.created == [] and not Problem.objects.exists()


def test_the_national_indicators_example_reads_russian_numbers_and_periods(personas):
    # Worked out by hand from data/national_indicators.csv (cp1251, «;»):
    #   ИЖ-1 «НП» → national; «III кв. 2026» → 2026-Q3: 40,5 / 12; «сентябрь 2026» → 2026-09: 13 / —
    #   БКД-7 «региональный»; «2026»: «1 234,5» → 1234.5 / «980,25» → 980.25
    #   ЧВ-2 no level → the default national; «09.2026» → 2026-09: — / 3,5 → 3.5
    content = (DATA / "national_indicators.csv").read_bytes()
    user = personas["analyst"]
    mapping = indicators_mapping(NATIONAL)
    dry = indicators_import(
        actor=user, name="np.csv", content=content, dry_run=True, mapping=mapping
    )
    assert (dry.created, dry.errors) == (["ИЖ-1", "БКД-7", "ЧВ-2"], [])
    assert not IndicatorValue.objects.exists()

    indicators_import(actor=user, name="np.csv", content=content, mapping=mapping)
    kinds = dict(ProjectIndicator.objects.values_list("code", "project_kind"))
    assert kinds == {
        "ИЖ-1": ProjectKind.NATIONAL,
        "БКД-7": ProjectKind.REGIONAL,
        "ЧВ-2": ProjectKind.NATIONAL,
    }
    values = set(
        IndicatorValue.objects.values_list("indicator__code", "period", "target", "actual")
    )
    assert values == {
        ("ИЖ-1", "2026-Q3", Decimal("40.5"), Decimal("12")),
        ("ИЖ-1", "2026-09", Decimal("13"), None),
        ("БКД-7", "2026", Decimal("1234.5"), Decimal("980.25")),
        ("ЧВ-2", "2026-09", None, Decimal("3.5")),
    }
    again = indicators_import(actor=user, name="np.csv", content=content, mapping=mapping)
    assert (again.created, again.updated, again.unchanged) == ([], [], ["ИЖ-1", "БКД-7", "ЧВ-2"])


def test_a_bad_period_in_a_mapped_file_is_named(personas):
    content = (
        (DATA / "national_indicators.csv")
        .read_bytes()
        .replace("09.2026".encode("cp1251"), "осень 2026".encode("cp1251"))
    )
    report = indicators_import(
        actor=personas["analyst"],
        name="np.csv",
        content=content,
        mapping=indicators_mapping(NATIONAL),
    )
    assert report.errors == [
        "строка 5: период «осень 2026» не распознан: ожидается «сентябрь 2026», «09.2026», "
        "«2026-09», «III кв. 2026», «2026-Q3» или «2026»"
    ]
    assert not ProjectIndicator.objects.exists()


def test_a_mapping_of_the_other_import_is_refused(personas):
    with pytest.raises(MappingError, match="неизвестное поле «code»"):
        problems_mapping(NATIONAL)
    with pytest.raises(MappingError, match="укажите столбец поля «name» \\(наименование"):
        indicators_mapping('[columns]\ncode = "Код"\nproject = "Проект"')


def test_the_page_checks_with_a_shipped_mapping_then_applies(client, personas):
    client.force_login(personas["analyst"])
    upload = SimpleUploadedFile("ias.csv", (DATA / "ias_bi_incidents.csv").read_bytes())
    r = client.post(
        "/problems/import/",
        {"kind": "problems", "file": upload, "mapping": "ias_bi_problems.toml", "dry_run": "on"},
    )
    html = r.content.decode()
    assert 'data-testid="n-created">3<' in html and 'data-testid="import-apply"' in html
    assert not Problem.objects.exists()

    r = client.post("/problems/import/", {"apply": "1", "token": r.context["token"]})
    assert r.context["report"].created == ["INC-100245", "INC-100311", "INC-100400"]
    assert Problem.objects.count() == 3


def test_the_page_with_an_own_mapping_naming_a_missing_column(client, personas):
    client.force_login(personas["analyst"])
    own = SimpleUploadedFile("m.toml", IAS.replace("ID инцидента", "Номер").encode())
    upload = SimpleUploadedFile("ias.csv", (DATA / "ias_bi_incidents.csv").read_bytes())
    r = client.post(
        "/problems/import/",
        {"kind": "problems", "file": upload, "mapping_file": own, "dry_run": "on"},
    )
    shown = [str(m) for m in r.context["messages"]]
    assert len(shown) == 1 and shown[0].startswith(
        "В файле нет столбца «Номер» (поле external_id). Столбцы файла: «ID инцидента», "
    )
    assert r.context["token"] == ""
