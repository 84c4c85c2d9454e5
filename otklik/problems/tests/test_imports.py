"""Files into the registry: a dry run says what would change and writes nothing; the real run
writes it; the same file again changes nothing; an invalid row stops the whole file."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest

from otklik.audit.models import AuditEvent
from otklik.core.exceptions import AccessDenied
from otklik.problems.choices import ProblemSource, ProblemStatus, ProjectKind
from otklik.problems.imports import indicators_import, problems_import
from otklik.problems.models import IndicatorValue, Problem, ProjectIndicator

pytestmark = pytest.mark.django_db

INDICATORS = """code;name;project;project_kind;unit;period;target;actual
ZKH-1;Доля МКД с заменёнными сетями ГВС;Инфраструктура для жизни;national;%;2026;40,5;12
ZKH-1;Доля МКД с заменёнными сетями ГВС;Инфраструктура для жизни;national;%;2027;60;
RD-7;Доля дорог в нормативном состоянии;Безопасные качественные дороги;regional;%;2026;85;80
""".encode()

PROBLEMS = """external_id,title,sector,municipalities,topics,root_cause,status,indicators
ext-1,Нет горячей воды в Волжском,zhkh,18410,zhkh-hot-water,Износ теплообменника,в работе,ZKH-1
ext-2,Ямы на дорогах Камышина,roads,"18415; 18401",roads-potholes,,identified,
""".encode()


def test_indicators_dry_run_real_run_and_reimport(personas):
    user = personas["analyst"]
    dry = indicators_import(actor=user, name="ind.csv", content=INDICATORS, dry_run=True)
    assert (dry.created, dry.updated, dry.unchanged, dry.errors) == (["ZKH-1", "RD-7"], [], [], [])
    assert not ProjectIndicator.objects.exists() and not IndicatorValue.objects.exists()

    real = indicators_import(actor=user, name="ind.csv", content=INDICATORS)
    assert real.created == ["ZKH-1", "RD-7"] and not real.dry_run
    zkh = ProjectIndicator.objects.get(code="ZKH-1")
    assert zkh.project_kind == ProjectKind.NATIONAL and zkh.unit == "%"
    values = {(v.period, v.target, v.actual) for v in zkh.values.all()}
    assert values == {("2026", Decimal("40.5"), Decimal("12")), ("2027", Decimal("60"), None)}
    assert ProjectIndicator.objects.get(code="RD-7").project_kind == ProjectKind.REGIONAL

    events = AuditEvent.objects.count()
    again = indicators_import(actor=user, name="ind.csv", content=INDICATORS)
    assert (again.created, again.updated, again.unchanged) == ([], [], ["ZKH-1", "RD-7"])
    assert AuditEvent.objects.count() == events

    changed = INDICATORS.replace(b"85;80", b"85;83")
    upd = indicators_import(actor=user, name="ind.csv", content=changed, dry_run=True)
    assert (upd.updated, upd.unchanged) == (["RD-7"], ["ZKH-1"])
    assert IndicatorValue.objects.get(indicator__code="RD-7").actual == Decimal("80")


def test_problems_dry_run_real_run_and_reimport(personas):
    user = personas["curator"]
    indicators_import(actor=user, name="ind.csv", content=INDICATORS)
    dry = problems_import(actor=user, name="p.csv", content=PROBLEMS, dry_run=True)
    assert (dry.created, dry.errors) == (["ext-1", "ext-2"], [])
    assert not Problem.objects.exists()

    real = problems_import(actor=user, name="p.csv", content=PROBLEMS)
    assert real.created == ["ext-1", "ext-2"]
    p1 = Problem.objects.get(external_id="ext-1")
    assert p1.source == ProblemSource.IMPORTED and p1.status == ProblemStatus.IN_WORK
    assert p1.root_cause == "Износ теплообменника"
    assert list(p1.indicators.values_list("code", flat=True)) == ["ZKH-1"]
    p2 = Problem.objects.get(external_id="ext-2")
    assert sorted(p2.municipalities.values_list("okato", flat=True)) == ["18401", "18415"]

    again = problems_import(actor=user, name="p.csv", content=PROBLEMS)
    assert (again.created, again.updated, again.unchanged) == ([], [], ["ext-1", "ext-2"])
    assert Problem.objects.count() == 2

    as_json = json.dumps(
        [
            {
                "external_id": "ext-2",
                "title": "Ямы на дорогах Камышина",
                "sector": "roads",
                "municipalities": ["18415"],
                "topics": ["roads-potholes"],
                "status": "solved",
            }
        ]
    ).encode()
    upd = problems_import(actor=user, name="p.json", content=as_json)
    assert (upd.created, upd.updated) == ([], ["ext-2"])
    p2.refresh_from_db()
    assert p2.status == ProblemStatus.SOLVED
    assert list(p2.municipalities.values_list("okato", flat=True)) == ["18415"]


def test_xlsx_is_read_like_csv(personas):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["external_id", "title", "sector", "municipalities"])
    ws.append(["x-1", "Мусор на площадках", "tko", 18410])
    buf = io.BytesIO()
    wb.save(buf)
    report = problems_import(actor=personas["analyst"], name="p.xlsx", content=buf.getvalue())
    assert report.created == ["x-1"]
    assert Problem.objects.get().municipalities.get().okato == "18410"


def test_an_invalid_row_stops_the_whole_file(personas):
    bad = PROBLEMS + "ext-3,Плохая,nosuch,18410,,,,\n".encode()
    report = problems_import(actor=personas["analyst"], name="p.csv", content=bad)
    assert report.errors == [  # the indicator ZKH-1 was never loaded here
        "строка 2: неизвестные показатели: ZKH-1",
        "строка 4: нет отраслевого блока «nosuch»",
    ]
    assert report.created == [] and not Problem.objects.exists()


def test_import_needs_the_right(personas):
    with pytest.raises(AccessDenied, match="«Загрузка проблем и показателей"):
        problems_import(actor=personas["sector_lead"], name="p.csv", content=PROBLEMS)
    assert not Problem.objects.exists()
