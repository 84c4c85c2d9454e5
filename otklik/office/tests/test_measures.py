"""The project office's indicators (``office.measures``) pinned on a small world worked out by
hand below — literal numbers, never the code's formula.

The world, November 2026 (local time, Europe/Volgograd). Two sector blocks (ЖКХ: hot water;
roads: potholes), two municipalities (Волжский, its administration adm-18410; Камышин,
adm-18415). The rollups are refreshed as of 06.12 12:00.

  A Волжский ЖКХ  received 03.11 09:00, first response 03.11 10:30 (1.5 h), due 10.11 18:00,
                  published 05.11 21:00 (60 h)          → on time; due, not breached
                  answer returned by the ЦУР 04.11, the next one approved 05.11
  B Волжский ЖКХ  received 04.11 10:00, first response 04.11 15:30 (5.5 h), due 11.11 18:00,
                  published 14.11 10:00 (240 h)         → late; due and breached
                  approved 14.11; survey 15.11 «решена»
  C Волжский roads received 06.11 10:00, due 13.11 18:00, never answered
                                                        → due and breached (open past it)
  D Камышин roads received 05.11 15:00, first response 05.11 16:03 (1.05 h), published 06.11
                  09:00 (18 h), approved 06.11; survey 07.11 «не решена»; reopened 08.11 12:00
                  (the clock restarts), new due 15.11 18:00, no new answer
                                                        → on time (06.11 ≤ 15.11); due and
                                                          breached (open again past 15.11)
  E Камышин ЖКХ   received 10.11 08:00, first response 10.11 12:00 (4 h), due 17.11 18:00,
                  published 11.11 20:00 (36 h), approved 11.11; survey 13.11 «решена»
                                                        → on time; due, not breached
  F Волжский ЖКХ  received 28.11 10:00, due 05.12 18:00, published 02.12 10:00 (96 h),
                  approved 02.12                        → November: its message only;
                                                          December: answered on time, due

Population: Волжский 200 000, Камышин 80 000, each of the other 36 municipalities 20 000 →
the region 720 000 + 280 000 = 1 000 000.

Regional problems (through the services):
  P1 ЖКХ, Волжский: measures done 10.11 and 20.11; «Решена»        → completed 20.11, effect
  P2 roads, Камышин: one measure done 15.11; «Меры приняты»        → completed 15.11, none
  P3 ЖКХ, Волжский: a measure done 12.11, another still planned; «Решена»
                                                                    → not completed: left out
  P4 roads, Тракторозаводский district of Волгоград: measures done 25.11 and 01.12 00:00 (the
     first moment of December); «Закрыта без решения»                → completed 01.12, none

November, by hand (slices: the region; ЖКХ; roads; Волжский; Камышин; ЖКХ in Волжский):
  on_time_share: published A, B, D, E = 4, on time A, D, E = 3 → 75.00 %; ЖКХ A, B, E → 2 of
    3 = 66.67; roads D → 100.00; Волжский A, B → 1 of 2 = 50.00; Камышин D, E → 100.00;
    ЖКХ in Волжский A, B → 50.00
  breached_share: due A, B, C, D, E = 5, breached B, C, D = 3 → 60.00; ЖКХ A, B, E → 1 of 3 =
    33.33; roads C, D → 100.00; Волжский A, B, C → 2 of 3 = 66.67; Камышин D, E → 50.00
  first_response_median_h (HOURS_BUCKETS: 0.25, 0.5, 0.75, then 1.1^k to 0.01 h; a case alone
    in its bucket sits in its middle; an even count: the mean of the two middle ones):
    1.05 ∈ (1.0, 1.1] → 1.05; 1.5 ∈ (1.46, 1.61] → 1.535; 4 ∈ (3.8, 4.18] → 3.99;
    5.5 ∈ (5.05, 5.56] → 5.305. Region D, A, E, B: (1.535 + 3.99) / 2 = 2.7625 → 2.76;
    ЖКХ A, E, B: 3.99; Камышин D, E: (1.05 + 3.99) / 2 = 2.52
  answer_median_h: 18 ∈ (17.45, 19.19] → 18.32; 36 ∈ (34.0, 37.4] → 35.7;
    60 ∈ (54.76, 60.24] → 57.5; 240 ∈ (228.76, 251.64] → 240.2. Region D, E, A, B:
    (35.7 + 57.5) / 2 = 46.6; ЖКХ E, A, B: 57.5; Волжский A, B: (57.5 + 240.2) / 2 = 148.85;
    Камышин D, E: (18.32 + 35.7) / 2 = 27.01
  returned_share: checked A twice, B, D, E = 5, returned 1 (A) → 20.00; ЖКХ A ×2, B, E → 1 of
    4 = 25.00; roads D → 0.00; Волжский A ×2, B → 1 of 3 = 33.33; Камышин D, E → 0.00
  solved_share: surveys B yes, D no, E yes → 2 of 3 = 66.67; ЖКХ B, E → 100.00; roads D →
    0.00; Волжский B → 100.00; Камышин D, E → 50.00
  reopened_share: reopenings D = 1 per 4 answers → 25.00; ЖКХ 0 of 3 → 0.00; roads 1 per 1 →
    100.00; Волжский 0 of 2 → 0.00; Камышин 1 per 2 → 50.00
  messages_per_10k: messages A–F = 6 × 10 000 / 1 000 000 = 0.06; ЖКХ A, B, E, F = 4 → 0.04;
    Волжский A, B, C, F: 4 × 10 000 / 200 000 = 0.20; Камышин D, E: 2 × 10 000 / 80 000 =
    0.25; ЖКХ in Волжский A, B, F: 3 × 10 000 / 200 000 = 0.15
  problems_with_effect_share: completed P1, P2, effect P1 → 50.00; ЖКХ P1 → 100.00; roads P2
    → 0.00; Волжский P1 → 100.00; Камышин P2 → 0.00
December (up to the refresh on 06.12): F answered on time → on_time_share 100.00; F due, not
  breached → breached_share 0.00; no first response → None; answer 96 h ∈ (88.2, 97.02] →
  92.61; F's answer checked, not returned → 0.00; no survey → solved_share None; no reopening
  per 1 answer → 0.00; no message → 0.00 per 10 000; P4 completed, no effect → 0.00 (Волгоград
  0.00; Волжский: none completed → None).
October: nothing happened — every share and median None; 0 messages on a known population →
  0.00 (a true zero); no problem completed → None.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from otklik.analytics import measures as analytics
from otklik.analytics.services import rollups_refresh
from otklik.analytics.tests.conftest import answer
from otklik.analytics.tests.conftest import case as new_case
from otklik.cases.choices import AnswerStatus, CaseStatus
from otklik.cases.models import Case, CaseEvent, Survey
from otklik.directory.models import CityDistrict, Municipality, Sector
from otklik.office.measures import INDICATOR_MEASURES, measure_value
from otklik.problems.choices import ProblemStatus
from otklik.problems.services import measure_add, measure_complete, problem_create, problem_update

pytestmark = pytest.mark.django_db

NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
DECEMBER = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
OCTOBER = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
REFRESHED = (12, 6, 12)


def t(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2026, month, day, hour, minute))  # noqa: DTZ001


def _case(key: str, *, status: str, clock: dt.datetime | None = None, **fields) -> Case:
    topic, okato, org = {
        "A": ("zhkh-hot-water", "18410", "adm-18410"),
        "B": ("zhkh-hot-water", "18410", "adm-18410"),
        "C": ("roads-potholes", "18410", "adm-18410"),
        "D": ("roads-potholes", "18415", "adm-18415"),
        "E": ("zhkh-hot-water", "18415", "adm-18415"),
        "F": ("zhkh-hot-water", "18410", "adm-18410"),
    }[key]
    c = new_case(topic, okato, org, **fields)
    Case.objects.filter(pk=c.pk).update(status=status, clock_started_at=clock or c.received_at)
    c.refresh_from_db()
    return c


def _survey(c: Case, ans, responded: dt.datetime, solved: bool) -> None:
    Survey.objects.create(
        case=c, answer=ans, token=f"t-{c.pk}", responded_at=responded, solved=solved
    )


def _problem(actor, title: str, sector: str, *, done: list, planned: int = 0, path=(), **where):
    p = problem_create(actor=actor, title=title, sector=Sector.objects.get(code=sector), **where)
    for i, at in enumerate(done):
        m = measure_add(actor=actor, problem=p, text=f"Мера {i + 1}", deadline=at.date())
        measure_complete(actor=actor, measure=m, done_at=at)
    for i in range(planned):
        measure_add(
            actor=actor, problem=p, text=f"Ещё мера {i + 1}", deadline=dt.date(2026, 12, 20)
        )
    for status in path:
        p = problem_update(actor=actor, problem=p, status=status, reason="По итогам мер")
    return p


@pytest.fixture
def world(region, make_user):
    published = CaseStatus.PUBLISHED
    a = _case(
        "A", status=published, received=t(11, 3, 9), first_response_at=t(11, 3, 10, 30),
        resolution_due=t(11, 10, 18), published_at=t(11, 5, 21),
    )  # fmt: skip
    b = _case(
        "B", status=published, received=t(11, 4, 10), first_response_at=t(11, 4, 15, 30),
        resolution_due=t(11, 11, 18), published_at=t(11, 14, 10),
    )  # fmt: skip
    _case("C", status=CaseStatus.IN_WORK, received=t(11, 6, 10), resolution_due=t(11, 13, 18))
    d = _case(
        "D", status=CaseStatus.REOPENED, clock=t(11, 8, 12), received=t(11, 5, 15),
        first_response_at=t(11, 5, 16, 3), published_at=t(11, 6, 9),
        resolution_due=t(11, 15, 18),
    )  # fmt: skip
    e = _case(
        "E", status=published, received=t(11, 10, 8), first_response_at=t(11, 10, 12),
        resolution_due=t(11, 17, 18), published_at=t(11, 11, 20),
    )  # fmt: skip
    f = _case(
        "F", status=published, received=t(11, 28, 10), resolution_due=t(12, 5, 18),
        published_at=t(12, 2, 10),
    )  # fmt: skip
    answer(a, AnswerStatus.RETURNED, t(11, 4, 12), 2)
    answer(a, AnswerStatus.APPROVED, t(11, 5, 20), 4)
    _survey(b, answer(b, AnswerStatus.APPROVED, t(11, 14, 9), 4), t(11, 15, 12), solved=True)
    _survey(d, answer(d, AnswerStatus.APPROVED, t(11, 6, 8), 5), t(11, 7, 12), solved=False)
    _survey(e, answer(e, AnswerStatus.APPROVED, t(11, 11, 19), 5), t(11, 13, 12), solved=True)
    answer(f, AnswerStatus.APPROVED, t(12, 2, 9), 5)
    reopen = CaseEvent.objects.create(
        case=d, kind="reopen", from_status="published", to_status="reopened"
    )
    CaseEvent.objects.filter(pk=reopen.pk).update(at=t(11, 8, 12))

    volzhsky = Municipality.objects.get(okato="18410")
    kamyshin = Municipality.objects.get(okato="18415")
    Municipality.objects.update(population=20_000)
    Municipality.objects.filter(pk=volzhsky.pk).update(population=200_000)
    Municipality.objects.filter(pk=kamyshin.pk).update(population=80_000)

    head = make_user("head")
    S = ProblemStatus
    _problem(
        head, "Нет горячей воды в Волжском", "zhkh", municipalities=[volzhsky],
        done=[t(11, 10, 12), t(11, 20, 12)], path=[S.IN_WORK, S.MEASURES_TAKEN, S.SOLVED],
    )  # fmt: skip
    _problem(
        head, "Ямы на улицах Камышина", "roads", municipalities=[kamyshin],
        done=[t(11, 15, 12)], path=[S.IN_WORK, S.MEASURES_TAKEN],
    )  # fmt: skip
    _problem(
        head, "Перебои отопления в Волжском", "zhkh", municipalities=[volzhsky],
        done=[t(11, 12, 12)], planned=1, path=[S.IN_WORK, S.SOLVED],
    )  # fmt: skip
    _problem(
        head, "Дороги Тракторозаводского района", "roads",
        city_districts=[CityDistrict.objects.get(okato="18401390")],
        done=[t(11, 25, 12), t(12, 1, 0)], path=[S.IN_WORK, S.CLOSED_UNSOLVED],
    )  # fmt: skip

    rollups_refresh(full=True, now=t(*REFRESHED))
    zhkh, roads = Sector.objects.get(code="zhkh").pk, Sector.objects.get(code="roads").pk
    volgograd = Municipality.objects.get(okato="18401").pk
    return {
        "region": (NOVEMBER, None, None),
        "zhkh": (NOVEMBER, zhkh, None),
        "roads": (NOVEMBER, roads, None),
        "volzhsky": (NOVEMBER, None, volzhsky.pk),
        "kamyshin": (NOVEMBER, None, kamyshin.pk),
        "zhkh in volzhsky": (NOVEMBER, zhkh, volzhsky.pk),
        "december": (DECEMBER, None, None),
        "december volgograd": (DECEMBER, None, volgograd),
        "december volzhsky": (DECEMBER, None, volzhsky.pk),
        "october": (OCTOBER, None, None),
    }


def values(world: dict, code: str, slices: list[str]) -> dict[str, str | None]:
    """The indicator over the named slices, as text: «75.00» shows the two decimals too."""
    out = {}
    for name in slices:
        (start, end), sector, municipality = world[name]
        v = measure_value(
            code, start=start, end=end, sector_id=sector, municipality_id=municipality
        )
        assert v is None or isinstance(v, Decimal)
        out[name] = None if v is None else str(v)
    return out


# The values worked out by hand in the module's docstring.
EXPECTED: dict[str, dict[str, str | None]] = {
    "on_time_share": {
        "region": "75.00", "zhkh": "66.67", "roads": "100.00", "volzhsky": "50.00",
        "kamyshin": "100.00", "zhkh in volzhsky": "50.00", "december": "100.00",
        "october": None,
    },
    "breached_share": {
        "region": "60.00", "zhkh": "33.33", "roads": "100.00", "volzhsky": "66.67",
        "kamyshin": "50.00", "december": "0.00", "october": None,
    },
    "first_response_median_h": {
        "region": "2.76", "zhkh": "3.99", "kamyshin": "2.52", "december": None, "october": None,
    },
    "answer_median_h": {
        "region": "46.60", "zhkh": "57.50", "volzhsky": "148.85", "kamyshin": "27.01",
        "december": "92.61", "october": None,
    },
    "returned_share": {
        "region": "20.00", "zhkh": "25.00", "roads": "0.00", "volzhsky": "33.33",
        "kamyshin": "0.00", "december": "0.00", "october": None,
    },
    "solved_share": {
        "region": "66.67", "zhkh": "100.00", "roads": "0.00", "volzhsky": "100.00",
        "kamyshin": "50.00", "december": None, "october": None,
    },
    "reopened_share": {
        "region": "25.00", "zhkh": "0.00", "roads": "100.00", "volzhsky": "0.00",
        "kamyshin": "50.00", "december": "0.00", "october": None,
    },
    "messages_per_10k": {
        "region": "0.06", "zhkh": "0.04", "volzhsky": "0.20", "kamyshin": "0.25",
        "zhkh in volzhsky": "0.15", "december": "0.00", "october": "0.00",
    },
    "problems_with_effect_share": {
        "region": "50.00", "zhkh": "100.00", "roads": "0.00", "volzhsky": "100.00",
        "kamyshin": "0.00", "december": "0.00", "december volgograd": "0.00",
        "december volzhsky": None, "october": None,
    },
}  # fmt: skip


@pytest.mark.parametrize("code", list(EXPECTED))
def test_every_indicator_on_the_hand_computed_world(world, code):
    expected = EXPECTED[code]
    assert values(world, code, list(expected)) == expected


def test_the_catalogue_holds_every_indicator_once_with_its_unit_and_direction():
    got = {m.code: (m.unit, m.direction) for m in INDICATOR_MEASURES.values()}
    assert got == {
        "on_time_share": ("процент", "up"),
        "breached_share": ("процент", "down"),
        "first_response_median_h": ("час", "down"),
        "answer_median_h": ("час", "down"),
        "returned_share": ("процент", "down"),
        "solved_share": ("процент", "up"),
        "reopened_share": ("процент", "down"),
        "messages_per_10k": ("сообщений на 10 000 жителей", "down"),
        "problems_with_effect_share": ("процент", "up"),
    }
    assert set(EXPECTED) == set(INDICATOR_MEASURES)
    assert all(code == m.code for code, m in INDICATOR_MEASURES.items())


@pytest.mark.parametrize(
    ("code", "quoted"),
    [
        ("on_time_share", ["on_time_share"]),
        ("breached_share", ["breached_share"]),
        ("first_response_median_h", ["first_response_median_h"]),
        ("answer_median_h", ["answer_median_h"]),
        ("returned_share", ["returned_share"]),
        ("solved_share", ["solved_share"]),
        ("reopened_share", ["reopened", "answered"]),
        ("messages_per_10k", ["messages"]),
    ],
)
def test_the_definitions_quote_the_analytics_measures_they_are_made_of(code, quoted):
    text = INDICATOR_MEASURES[code].definition
    for source in quoted:
        assert f"{source} — «{analytics.label(source)}»: {analytics.definition(source)}" in text


def test_the_load_is_none_where_the_population_is_unknown(world):
    """Камышин's figure removed: Камышин has no load, nor has the region (its sum would lack
    Камышин's residents); Волжский keeps its 0.20."""
    Municipality.objects.filter(okato="18415").update(population=None)
    assert values(world, "messages_per_10k", ["kamyshin", "region", "volzhsky"]) == {
        "kamyshin": None,
        "region": None,
        "volzhsky": "0.20",
    }


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="ends before it starts"):
        measure_value("on_time_share", start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 1))
