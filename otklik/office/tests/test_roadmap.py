"""The ЦУР's roadmap and its synchronisation with the national projects: the overdue rule on a
calendar worked out by hand (a holiday stretch and a manual correction inside), the executor's
services with their history and audit, the reminder on the due day, the catalogue of
programmes loaded idempotently and linked to the imported indicators, the links of projects
and indicators (an approved passport untouched), and the plan/fact lag per programme. Every
refusal changes nothing, the audit log and the history included."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from otklik.approvals.choices import Decision
from otklik.approvals.services import approval_decide, approval_submit
from otklik.audit.models import AuditEvent
from otklik.core.calendar import WorkingCalendar
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.directory.models import Organization, Sector
from otklik.directory.services import calendar_override_set
from otklik.office import roadmap, selectors_roadmap, services
from otklik.office.models import Indicator, Programme, RoadmapEvent, RoadmapItem
from otklik.office.services_roadmap import (
    indicator_links_set,
    programme_indicators_set,
    programmes_load,
    project_links_set,
    roadmap_item_create,
    roadmap_item_done,
    roadmap_item_status_set,
    roadmap_item_update,
    roadmap_sweep,
)
from otklik.office.tests.shared import Unchanged
from otklik.problems.imports import indicators_import
from otklik.problems.models import ProjectIndicator

TZ = ZoneInfo("Europe/Volgograd")
NOW = dt.datetime(2026, 12, 10, 12, 0, tzinfo=TZ)  # a Thursday
TODAY = NOW.date()


def d(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()  # noqa: DTZ007


@pytest.fixture
def clock(monkeypatch):
    """The services run on 10.12.2026; ``clock.at(moment)`` moves it."""

    class Clock:
        now = NOW

        def at(self, day: dt.date, hour: int = 12) -> None:
            self.now = dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)

    c = Clock()
    monkeypatch.setattr("django.utils.timezone.now", lambda: c.now)
    return c


@pytest.fixture
def o(personas, clock):
    return {**personas, "clock": clock}


def _item(o, **values) -> RoadmapItem:
    values = {
        "section": "Организационное обеспечение",
        "title": "Регламент взаимодействия ЦУР с ОИВ согласован",
        "owner": o["head"],
        "due": d("31.12.2026"),
        **values,
    }
    return roadmap_item_create(actor=o["executor"], **values)


def _events(target) -> list[tuple[str, str, dict]]:
    rows = AuditEvent.objects.filter(
        target_type=target._meta.label_lower, target_id=str(target.pk)
    ).order_by("pk")
    return [(e.action, e.actor.username if e.actor else "", e.data) for e in rows]


def _history(item) -> list[tuple[str, str, str]]:
    return [
        (e.kind, e.actor.username if e.actor else "", e.text)
        for e in RoadmapEvent.objects.filter(item=item).order_by("at", "pk")
    ]


# --------------------------------------------------------------------------- the rule
def test_the_deadline_rolls_over_the_new_year_holidays():
    """Worked out on the production calendar of 2026–2027 (the Government's transfer decree
    for 2026 makes Thursday 31.12.2026 a day off; 01–08.01.2027 are the New Year holidays,
    09–10.01 a weekend): an item due on 31.12.2026 is due on Monday 11.01.2027, overdue from
    Tuesday 12.01.2027."""
    cal = WorkingCalendar()
    due = d("31.12.2026")
    assert roadmap.deadline(cal, due) == d("11.01.2027")
    for today, late in (("30.12.2026", False), ("31.12.2026", False), ("05.01.2027", False),
                        ("11.01.2027", False), ("12.01.2027", True)):  # fmt: skip
        assert roadmap.is_overdue(cal, due=due, status="in_work", today=d(today)) is late, today
    # done or cancelled: never overdue; planned: like in work
    for status, late in (("done", False), ("cancelled", False), ("planned", True)):
        assert roadmap.is_overdue(cal, due=due, status=status, today=d("12.01.2027")) is late
    # a working day is its own deadline: overdue the day after
    assert roadmap.deadline(cal, d("15.12.2026")) == d("15.12.2026")
    assert roadmap.is_overdue(cal, due=d("15.12.2026"), status="planned", today=d("16.12.2026"))


def test_a_day_off_entered_by_hand_moves_the_deadline(o):
    """Wednesday 16.12.2026 declared a day off by a regional act (an override): an item due
    then is due on Thursday 17.12, overdue on Friday 18.12 — not on the 17th as without it."""
    item = _item(o, due=d("16.12.2026"))
    o["clock"].at(d("17.12.2026"))
    (row,) = selectors_roadmap.roadmap_list(user=o["curator"], today=d("17.12.2026"))
    assert (row.deadline, row.overdue) == (d("16.12.2026"), True)
    calendar_override_set(
        actor=o["executor"], date=d("16.12.2026"), is_working=False, reason="Постановление № 1"
    )
    (row,) = selectors_roadmap.roadmap_list(user=o["curator"], today=d("17.12.2026"))
    assert (row.deadline, row.overdue) == (d("17.12.2026"), False)
    assert selectors_roadmap.roadmap_overdue(user=o["head"], today=d("17.12.2026")) == []
    late = selectors_roadmap.roadmap_overdue(user=o["head"], today=d("18.12.2026"))
    assert [i.pk for i in late] == [item.pk]
    # mine: the owner's (the head's), none of the executor's
    assert selectors_roadmap.roadmap_overdue(
        user=o["head"], today=d("18.12.2026"), owner=o["executor"]
    ) == []  # fmt: skip


# --------------------------------------------------------------------------- services
def test_the_executor_keeps_the_roadmap_with_its_history(o):
    ex = o["executor"]
    org = Organization.objects.get(code="adm-oblast")
    first = _item(o, organization=org)
    second = _item(o, title="Обучение ОМСУ", owner=ex, due=d("25.12.2026"))
    assert (first.number, second.number) == (1, 2)  # numbered after the last
    assert (first.status, first.owner, first.organization, first.created_by) == (
        "planned", o["head"], org, ex,
    )  # fmt: skip
    with pytest.raises(ApplicationError, match="Пункт № 2 уже есть"):
        _item(o, number=2)

    item = roadmap_item_update(
        actor=ex, item=first, due=d("15.01.2027"), title="Регламент согласован со всеми ОИВ"
    )
    roadmap_item_update(actor=ex, item=item, due=d("15.01.2027"))  # nothing changed
    item = roadmap_item_status_set(actor=ex, item=item, status="in_work")
    with pytest.raises(ApplicationError, match="отмечается с подтверждением"):
        roadmap_item_status_set(actor=ex, item=item, status="done")
    with pytest.raises(ApplicationError, match="Чем подтверждается исполнение"):
        roadmap_item_done(actor=ex, item=item, evidence="  ")
    with pytest.raises(ApplicationError, match="Ссылка: адрес документа"):
        roadmap_item_done(actor=ex, item=item, evidence_url="ftp://x")
    item = roadmap_item_done(
        actor=ex, item=item, evidence="Протокол совещания № 4 от 09.12.2026",
        evidence_url="/office/",
    )  # fmt: skip
    assert (item.status, item.done_on, item.done_by) == ("done", TODAY, ex)
    with pytest.raises(ApplicationError, match="верните его в работу"):
        roadmap_item_update(actor=ex, item=item, title="Другое")
    with pytest.raises(ApplicationError, match="Укажите основание"):
        roadmap_item_status_set(actor=ex, item=item, status="in_work")
    item = roadmap_item_status_set(actor=ex, item=item, status="in_work", reason="Не все ОИВ")
    assert (item.status, item.done_on, item.done_by) == ("in_work", None, None)
    with pytest.raises(ApplicationError, match="Укажите основание"):
        roadmap_item_status_set(actor=ex, item=item, status="cancelled")

    assert _history(item) == [
        ("created", "executor", "Внесён в дорожную карту, срок 31.12.2026."),
        (
            "updated",
            "executor",
            "мероприятие: Регламент взаимодействия ЦУР с ОИВ согласован → Регламент согласован "
            "со всеми ОИВ; срок: 31.12.2026 → 15.01.2027",  # in the card's order
        ),
        ("status", "executor", "Запланирован → В работе"),
        ("done", "executor", "Выполнен 10.12.2026: Протокол совещания № 4 от 09.12.2026 /office/"),
        ("status", "executor", "Выполнен → В работе. Не все ОИВ"),
    ]
    assert _events(item) == [
        ("office.roadmap_create", "executor",
         {"number": 1, "owner": o["head"].pk, "due": "2026-12-31"}),
        ("office.roadmap_update", "executor", {"fields": ["due", "title"]}),
        ("office.roadmap_status", "executor", {"from": "planned", "to": "in_work", "reason": ""}),
        ("office.roadmap_done", "executor", {"done_on": "2026-12-10", "late": False}),
        ("office.roadmap_status", "executor",
         {"from": "done", "to": "in_work", "reason": "Не все ОИВ"}),
    ]  # fmt: skip


def test_done_after_the_working_deadline_is_late(o):
    """Due Saturday 12.12.2026 → deadline Monday 14.12: done on the 14th is in time, on the
    15th late."""
    ex = o["executor"]
    in_time, late = _item(o, due=d("12.12.2026")), _item(o, due=d("12.12.2026"))
    o["clock"].at(d("14.12.2026"))
    roadmap_item_done(actor=ex, item=in_time, evidence="Приказ № 1")
    o["clock"].at(d("15.12.2026"))
    roadmap_item_done(actor=ex, item=late, evidence="Приказ № 2")
    assert _events(in_time)[-1][2] == {"done_on": "2026-12-14", "late": False}
    assert _events(late)[-1][2] == {"done_on": "2026-12-15", "late": True}
    assert _history(late)[-1][2] == "Выполнен 15.12.2026 (с опозданием): Приказ № 2"


def test_rules_of_an_item(o):
    ex = o["executor"]
    with pytest.raises(ApplicationError, match=r"Срок 09\.12\.2026 уже прошёл"):
        _item(o, due=d("09.12.2026"))
    with pytest.raises(ApplicationError, match="Сформулируйте мероприятие"):
        _item(o, title=" ")
    with pytest.raises(ApplicationError, match="Укажите раздел"):
        _item(o, section="")
    with pytest.raises(ApplicationError, match="нужен действующий пользователь"):
        _item(o, owner=o["org_operator"])  # does not see the office
    assert not RoadmapItem.objects.exists()
    item = _item(o)
    with pytest.raises(ApplicationError, match="позже сегодняшней"):
        roadmap_item_done(actor=ex, item=item, evidence="x", done_on=d("11.12.2026"))
    item = roadmap_item_status_set(actor=ex, item=item, status="cancelled", reason="Не нужен")
    with pytest.raises(ApplicationError, match="отметить исполнение нельзя"):
        roadmap_item_done(actor=ex, item=item, evidence="x")
    with pytest.raises(ApplicationError, match="перевести в «В работе» нельзя"):
        roadmap_item_status_set(actor=ex, item=item, status="in_work")


@pytest.mark.parametrize("role", ["curator", "head", "sector_lead", "analyst", "auditor"])
def test_only_the_executor_changes_the_roadmap(o, role):
    item = _item(o)
    unchanged = Unchanged(RoadmapItem, RoadmapEvent)
    who = o[role]
    with pytest.raises(AccessDenied, match="Дорожная карта ЦУР"):
        roadmap_item_create(actor=who, section="С", title="Т", owner=o["head"], due=d("31.12.2026"))
    with pytest.raises(AccessDenied, match="Дорожная карта ЦУР"):
        roadmap_item_update(actor=who, item=item, title="Другое")
    with pytest.raises(AccessDenied, match="Дорожная карта ЦУР"):
        roadmap_item_status_set(actor=who, item=item, status="in_work")
    with pytest.raises(AccessDenied, match="Дорожная карта ЦУР"):
        roadmap_item_done(actor=who, item=item, evidence="Приказ")
    unchanged.check()
    item.refresh_from_db()
    assert (item.status, item.title, item.done_on) == (
        "planned", "Регламент взаимодействия ЦУР с ОИВ согласован", None,
    )  # fmt: skip


# --------------------------------------------------------------------------- the reminder
def test_the_owner_is_reminded_on_the_working_deadline_once(o, django_capture_on_commit_callbacks):
    """Due Saturday 12.12.2026: no reminder on the Saturday, one on Monday 14.12 (the working
    deadline), none again; a done item is not reminded."""
    o["head"].email = "head@example.org"
    o["head"].save()
    item = _item(o, due=d("12.12.2026"))
    done = _item(o, due=d("12.12.2026"))
    roadmap_item_done(actor=o["executor"], item=done, evidence="Приказ")
    o["clock"].at(d("12.12.2026"))
    assert roadmap_sweep().reminded == 0
    o["clock"].at(d("14.12.2026"), hour=9)
    with django_capture_on_commit_callbacks(execute=True):
        assert roadmap_sweep().reminded == 1
        assert roadmap_sweep().reminded == 0
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (
            ["head@example.org"],
            "Срок пункта дорожной карты ЦУР — сегодня: 1. Регламент взаимодействия ЦУР с ОИВ "
            "согласован",
        )
    ]
    assert _history(item)[-1] == ("reminded", "", "Напоминание ответственному: срок — 14.12.2026.")
    # a new deadline is reminded again on its day
    o["clock"].at(d("14.12.2026"), hour=10)
    roadmap_item_update(actor=o["executor"], item=item, due=d("16.12.2026"))
    o["clock"].at(d("16.12.2026"))
    assert roadmap_sweep().reminded == 1


# --------------------------------------------------------------------------- programmes
NATIONAL_CSV = (
    "code;name;project;unit;period;target;actual\n"
    "Н-1;Благоустроено территорий;Формирование комфортной городской среды;ед.;2025;20;20\n"
    "Н-1;Благоустроено территорий;Формирование комфортной городской среды;ед.;2026;80;60\n"
    "Н-2;Голосование;формирование КОМФОРТНОЙ городской среды;процент;2026;50;55\n"
    "Н-3;Дороги в норме;Безопасные качественные дороги;процент;2024;50;\n"
    "Н-4;Прочее;Другой проект;процент;2026;10;1\n"
).encode()


def test_the_catalogue_loads_once_and_links_the_imported_indicators(o):
    indicators_import(actor=o["executor"], name="n.csv", content=NATIONAL_CSV)
    report = programmes_load(actor=o["executor"])
    codes = list(Programme.objects.values_list("code", flat=True))
    assert report.created == codes and len(codes) == 15 and report.updated == []
    fkgs = Programme.objects.get(code="FP-FKGS")
    assert (fkgs.name, fkgs.kind, fkgs.parent.code) == (
        "Формирование комфортной городской среды", "federal", "NP-INFRA",
    )  # fmt: skip
    assert set(fkgs.sectors.values_list("code", flat=True)) == {"zhkh"}
    named = Programme.objects.filter(code__in=["DP-SMARTCITY", "PR-SAFECITY"])
    assert {p.code: p.name for p in named} == {
        "DP-SMARTCITY": "Умный город",
        "PR-SAFECITY": "Безопасный город",
    }
    # by the project's name, case aside: Н-1 and Н-2 to ФКГС, Н-3 to the БКД of 2019–2024
    assert sorted(fkgs.national_indicators.values_list("code", flat=True)) == ["Н-1", "Н-2"]
    bkd = Programme.objects.get(code="NP-BKD-2024")
    assert list(bkd.national_indicators.values_list("code", flat=True)) == ["Н-3"]
    assert report.linked == 3
    events = AuditEvent.objects.filter(action="office.programmes_load").count()
    again = programmes_load(actor=None)
    assert (again.created, again.updated, again.linked) == ([], [], 0)
    assert AuditEvent.objects.filter(action="office.programmes_load").count() == events
    # only the executor loads it from the page side (the command runs without an actor)
    with pytest.raises(AccessDenied):
        programmes_load(actor=o["head"])


def test_a_broken_catalogue_changes_nothing(o, tmp_path: Path):
    bad = tmp_path / "p.toml"
    bad.write_text(
        '[[programme]]\ncode = "A"\nname = "А"\nkind = "national"\n'
        '[[programme]]\ncode = "B"\nname = "Б"\nkind = "federal"\nparent = "C"\n',
        "utf-8",
    )
    with pytest.raises(ApplicationError, match="программа 2 \\(B\\): «C» должна быть выше"):
        programmes_load(actor=None, path=bad)
    bad.write_text('[[programme]]\ncode = "A"\nname = "А"\nkind = "galactic"\n', "utf-8")
    with pytest.raises(ApplicationError, match="вид «galactic»"):
        programmes_load(actor=None, path=bad)
    assert not Programme.objects.exists()


def _approved_project(o):
    project = services.project_create(
        actor=o["sector_lead"],
        sector=Sector.objects.get(code="zhkh"),
        name="Чистый двор",
        texts={"goal": "Дворы", "national": "Формирование комфортной городской среды"},
    )
    approval = approval_submit(
        actor=o["sector_lead"], approval=services.passport_approval(project.versions.get())
    )
    approval = approval_decide(actor=o["head"], approval=approval, decision=Decision.AGREE)
    approval_decide(
        actor=o["curator"], approval=approval, decision=Decision.APPROVE, confirmation="password"
    )
    return project


def test_links_of_projects_and_indicators_leave_the_approved_passport_as_it_is(o):
    indicators_import(actor=o["executor"], name="n.csv", content=NATIONAL_CSV)
    programmes_load(actor=None)
    project = _approved_project(o)
    version = project.versions.get()
    frozen = (version.content, version.updated_at)
    fkgs, infra = Programme.objects.get(code="FP-FKGS"), Programme.objects.get(code="NP-INFRA")
    n1 = ProjectIndicator.objects.get(code="Н-1")

    # the block's lead (who prepares the passport) and the executor set them; the head too
    changes = project_links_set(
        actor=o["sector_lead"], project=project, programmes=[fkgs], national_indicators=[n1]
    )
    assert changes == {
        "programmes": {"added": ["FP-FKGS"], "removed": []},
        "national_indicators": {"added": ["Н-1"], "removed": []},
    }
    assert project_links_set(actor=o["executor"], project=project, programmes=[infra]) == {
        "programmes": {"added": ["NP-INFRA"], "removed": ["FP-FKGS"]},
        "national_indicators": {"added": [], "removed": ["Н-1"]},
    }
    version.refresh_from_db()
    assert (version.content, version.updated_at) == frozen
    assert version.content["national"] == ["Формирование комфортной городской среды"]

    # the curator, the auditor and a lead of another block may not
    roads = services.project_create(
        actor=o["head"], sector=Sector.objects.get(code="roads"), name="Дороги"
    )
    unchanged = Unchanged(AuditEvent)
    for who, target in (("curator", project), ("auditor", project), ("sector_lead", roads)):
        with pytest.raises(AccessDenied):
            project_links_set(actor=o[who], project=target, programmes=[fkgs])
    unchanged.check()
    assert list(project.programmes.all()) == [infra] and not roads.programmes.exists()

    # an indicator of the ЦУР: by whoever keeps it, or the executor
    ind = services.indicator_propose(
        actor=o["sector_lead"], code="ЖКХ-Д1", name="Дворы", unit="единица",
        sector=Sector.objects.get(code="zhkh"),
    )  # fmt: skip
    indicator_links_set(actor=o["sector_lead"], indicator=ind, programmes=[fkgs])
    with pytest.raises(AccessDenied):
        indicator_links_set(actor=o["curator"], indicator=ind, programmes=[])
    assert list(Indicator.objects.get(pk=ind.pk).programmes.all()) == [fkgs]
    with pytest.raises(AccessDenied):
        programme_indicators_set(actor=o["head"], programme=fkgs, national_indicators=[])
    assert programme_indicators_set(actor=o["executor"], programme=fkgs, national_indicators=[n1])
    assert list(fkgs.national_indicators.all()) == [n1]


def test_the_lag_of_a_programme(o):
    """ФКГС: Н-1 in 2026 (the latest period with plan and fact) 80 planned, 60 reached →
    (80 − 60) / 80 = 25.0 %; Н-2 55 of 50 → 0 (reached); the programme: (25 + 0) / 2 = 12.5 %.
    The БКД's Н-3 has no fact: no lag."""
    indicators_import(actor=o["executor"], name="n.csv", content=NATIONAL_CSV)
    programmes_load(actor=None)
    item = _item(o, programmes=[Programme.objects.get(code="FP-FKGS")])
    rows = {r.programme.code: r for r in selectors_roadmap.sync_overview(user=o["auditor"],
                                                                         today=TODAY)}  # fmt: skip
    fkgs = rows["FP-FKGS"]
    assert [(n.indicator.code, n.period, n.target, n.actual, n.lag) for n in fkgs.national] == [
        ("Н-1", "2026", Decimal("80"), Decimal("60"), Decimal("25.0")),
        ("Н-2", "2026", Decimal("50"), Decimal("55"), Decimal("0.0")),
    ]
    assert fkgs.lag == Decimal("12.5")
    assert [i.pk for i in fkgs.items] == [item.pk]
    assert [(n.indicator.code, n.lag) for n in rows["NP-BKD-2024"].national] == [("Н-3", None)]
    assert rows["NP-BKD-2024"].lag is None
