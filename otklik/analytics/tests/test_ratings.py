"""Every rating indicator computed by hand on the small world equals the platform's figure;
publication freezes a period; the ЦУР changes the methodology as a new version."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from otklik.analytics.models import RatingMethodology, RatingSnapshot
from otklik.analytics.ratings import Method, evaluate
from otklik.analytics.selectors import (
    Period,
    month,
    rating_board,
    rating_cached,
    rating_compute,
)
from otklik.analytics.services import (
    methodology_save,
    methodology_seed,
    rating_publish,
    rollups_refresh,
)
from otklik.analytics.tests.conftest import D, answer, at, case
from otklik.cases.choices import AnswerStatus
from otklik.cases.models import Answer, CaseEvent, Survey
from otklik.core.exceptions import AccessDenied, ApplicationError

pytestmark = pytest.mark.django_db
PERIOD = Period(D, D + dt.timedelta(days=10))


@pytest.fixture
def method(region):
    methodology_seed()
    return RatingMethodology.objects.get(is_active=True)


def _row(groups, key):
    return next(r for g in groups for r in g["rows"] if r["key"] == key)


@pytest.fixture
def three(region):
    """Three units with figures small enough to work by hand (period D … D+10, D = 2 Nov 2026):

    - Комитет транспорта (a regional body): R1 answered in 24 h, on time, checked with score 5,
      the author «решена», 4 of 5; R2 answered in 48 h, after its deadline, score 3, the author
      «не решена», 2 of 5.
    - Михайловка (an urban okrug, its administration): M1 answered in 120 h, on time, never
      checked by the ЦУР, reopened; M2 and M3 not answered.
    - Урюпинск (an urban okrug, its administration): U1 answered in 4 h, on time, its first
      answer returned (score 2) and the second approved (score 4); U2 answered in 8 h, on time,
      score 5, the author «решена», 5 of 5.
    """
    # fmt: off
    rows = [  # name, municipality, organisation, received, published, resolution due
        ("r1", "18401", "kom-transport", at(0, 10), at(1, 10), at(5, 18)),
        ("r2", "18401", "kom-transport", at(0, 10), at(2, 10), at(1, 18)),
        ("m1", "18420", "adm-18420",     at(0, 9),  at(5, 9),  at(10)),
        ("m2", "18420", "adm-18420",     at(1, 10), None,      at(10)),
        ("m3", "18420", "adm-18420",     at(2, 10), None,      at(10)),
        ("u1", "18425", "adm-18425",     at(0, 10), at(0, 14), at(1, 18)),
        ("u2", "18425", "adm-18425",     at(1, 10), at(1, 18), at(2, 18)),
    ]
    # fmt: on
    cases = {
        name: case(
            "roads-potholes",
            okato,
            org,
            received=received,
            published_at=published,
            resolution_due=due,
        )
        for name, okato, org, received, published, due in rows
    }
    r1, r2, m1, u1, u2 = (cases[name] for name in ("r1", "r2", "m1", "u1", "u2"))
    ans_r1 = answer(r1, AnswerStatus.APPROVED, at(1), 5)
    ans_r2 = answer(r2, AnswerStatus.APPROVED, at(2), 3)
    answer(u1, AnswerStatus.RETURNED, at(0, 12), 2)
    answer(u1, AnswerStatus.APPROVED, at(0, 14), 4)
    ans_u2 = answer(u2, AnswerStatus.APPROVED, at(1, 18), 5)
    Answer.objects.create(
        case=m1, organization=m1.organization, text="Ответ", status=AnswerStatus.APPROVED
    )  # published without the ЦУР's check
    for token, (c, a, day, solved, rating) in enumerate(
        [(r1, ans_r1, 2, True, 4), (r2, ans_r2, 3, False, 2), (u2, ans_u2, 2, True, 5)]
    ):
        Survey.objects.create(
            case=c,
            answer=a,
            token=f"three-{token}",
            responded_at=at(day),
            solved=solved,
            rating=rating,
        )
    event = CaseEvent.objects.create(
        case=m1, kind="reopen", from_status="published", to_status="reopened"
    )
    CaseEvent.objects.filter(pk=event.pk).update(at=at(6))
    rollups_refresh(full=True, now=at(12))


def _indicators(row):
    return (row["quantity"], row["speed"], row["quality"], row["completeness"], row["index"])


def test_indicators_and_index_worked_by_hand(three, method):
    """Weights (methodology version 1): wQ 0.25, wS 0.30, wK 0.25, wP 0.20; a = 0.7,
    norm = 720 h, b = 0.5, c = 0.3. Indicators are shown to 4 places, the index to 1."""
    groups = rating_compute(PERIOD, method)
    # The medians come from the histogram of answer times (15-minute steps to 1 h, then each
    # interval 10 % wider: edges 1.1^n h, rounded to 0.01 h): a lone time in its interval
    # counts as the middle of it, and of two middle values the median is their mean, to 0.01 h.
    # Комитет транспорта: received 2, answered 2, on time 1; answer hours 24 and 48:
    # 24 ∈ (1.1^33, 1.1^34] = (23.23, 25.55] → 24.39; 48 ∈ (1.1^40, 1.1^41] = (45.26, 49.79]
    # → 47.525; median (24.39 + 47.525)/2 = 35.9575 → 35.96.
    #   Q = min(1, 2/2)                                    = 1
    #   S = 0.7 × 1/2 + 0.3 × (1 − 35.96/720) = 0.35 + 0.285017 = 0.635017 → 0.635
    #   K: checked 2, returned 0, scores 5 + 3 = 8 over 2 → (4 − 1)/4 = 0.75;
    #      0.5 × (1 − 0/2) + 0.5 × 0.75 = 0.875; citizens 4 + 2 = 6 over 2 → (3 − 1)/4 = 0.5;
    #      K = 0.7 × 0.875 + 0.3 × 0.5 = 0.6125 + 0.15     = 0.7625
    #   P = 1 − (0 reopened + 1 «не решена»)/2              = 0.5
    #   index = 100 × (0.25 × 1 + 0.30 × 0.635017 + 0.25 × 0.7625 + 0.20 × 0.5) / (0.25 +
    #         0.30 + 0.25 + 0.20) = 100 × (0.25 + 0.190505 + 0.190625 + 0.1) / 1 = 73.113 → 73.1
    transport = _row(groups, "org:kom-transport")
    assert _indicators(transport) == (1.0, 0.635, 0.7625, 0.5, 73.1)
    # Михайловка: received 3, answered 1 (on time, 120 h ∈ (1.1^50, 1.1^51] = (117.39,
    # 129.13] → median 123.26),
    # no answer checked by the ЦУР (K has no data), 1 reopened.
    #   Q = 1/3                                            = 0.3333
    #   S = 0.7 × 1/1 + 0.3 × (1 − 123.26/720) = 0.7 + 0.248642 = 0.948642 → 0.9486
    #   K = —
    #   P = max(0, 1 − (1 reopened + 0)/1)                 = 0
    #   index over the weights with data: 100 × (0.25 × 1/3 + 0.30 × 0.948642 + 0.20 × 0) /
    #         (0.25 + 0.30 + 0.20) = 100 × (0.083333 + 0.284593) / 0.75 = 49.057 → 49.1
    mikhailovka = _row(groups, "mo:18420")
    assert _indicators(mikhailovka) == (0.3333, 0.9486, None, 0.0, 49.1)
    # Урюпинск: received 2, answered 2, both on time; 4 h and 8 h → buckets «≤ 4 h», «≤ 8 h»,
    # 4 ∈ (1.1^14, 1.1^15] = (3.80, 4.18] → 3.99; 8 ∈ (1.1^21, 1.1^22] = (7.40, 8.14] → 7.77;
    # median (3.99 + 7.77)/2 = 5.88.
    #   Q = 2/2                                            = 1
    #   S = 0.7 × 2/2 + 0.3 × (1 − 5.88/720) = 0.7 + 0.29755 = 0.99755 → 0.9975 (the float
    #       0.99755 is 0.997549…, so it rounds down)
    #   K: checked 3, returned 1, scores 2 + 4 + 5 = 11 over 3 → (11/3 − 1)/4 = 2/3;
    #      0.5 × (1 − 1/3) + 0.5 × 2/3 = 2/3; citizens 5 over 1 → (5 − 1)/4 = 1;
    #      K = 0.7 × 2/3 + 0.3 × 1 = 0.466667 + 0.3         = 0.766667 → 0.7667
    #   P = 1 − (0 + 0)/2                                   = 1
    #   index = 100 × (0.25 × 1 + 0.30 × 0.99755 + 0.25 × 0.766667 + 0.20 × 1) / 1
    #         = 100 × (0.25 + 0.299265 + 0.191667 + 0.2) = 94.0932 → 94.1
    uryupinsk = _row(groups, "mo:18425")
    assert _indicators(uryupinsk) == (1.0, 0.9975, 0.7667, 1.0, 94.1)
    # the figures behind them, as counted by the rollups
    assert {k: transport["figures"][k] for k in ("cases_opened", "answered", "answered_on_time",
            "answers_moderated", "answers_returned", "reopened", "not_solved")} == {
        "cases_opened": 2, "answered": 2, "answered_on_time": 1, "answers_moderated": 2,
        "answers_returned": 0, "reopened": 0, "not_solved": 1,
    }  # fmt: skip
    assert (transport["median_hours"], mikhailovka["median_hours"], uryupinsk["median_hours"]) == (
        35.96, 123.26, 5.88
    )  # fmt: skip
    # places within the peer group: Урюпинск 94.1 first, Михайловка 49.1 second; the other
    # okrugs (no cases) have no place; the committee is alone among the regional bodies rated
    okrugs = next(g for g in groups if g["code"] == "urban_okrug")
    assert [(r["key"], r["rank"]) for r in okrugs["rows"][:2]] == [
        ("mo:18425", 1), ("mo:18420", 2)
    ]  # fmt: skip
    assert all(r["rank"] is None for r in okrugs["rows"][2:])
    regional = next(g for g in groups if g["code"] == "regional")
    assert [(r["key"], r["rank"]) for r in regional["rows"] if r["rank"]] == [
        ("org:kom-transport", 1)
    ]  # fmt: skip


def test_below_the_threshold_is_not_rated(method):
    m = Method.of("t", method.weights, 2, method.parameters)
    one = dict.fromkeys(
        ["cases_opened", "answered", "answered_on_time", "answers_moderated", "answers_returned",
         "quality_sum", "quality_count", "rating_sum", "rating_count", "reopened", "not_solved"], 0
    )  # fmt: skip
    one.update(cases_opened=1)
    result = evaluate(one, m, None)
    assert result["rated"] is False and result["index"] is None


def test_publication_freezes_the_period(world, method, personas):
    head = personas["head"]
    snap = rating_publish(actor=head, period=PERIOD)
    frozen = _row(snap.groups, "mo:18415")["index"]
    # later data changes nothing in a published period
    from otklik.cases.models import Case

    Case.objects.filter(municipality__okato="18415").update(published_at=None)

    rollups_refresh(full=True)
    board = rating_board(user=personas["analyst"], period=PERIOD)
    assert board["snapshot"].pk == snap.pk
    assert _row(board["groups"], "mo:18415")["index"] == frozen
    with pytest.raises(ApplicationError, match="уже опубликован"):
        rating_publish(actor=head, period=PERIOD)
    with pytest.raises(AccessDenied, match="«Рейтинги: методика"):
        rating_publish(actor=personas["analyst"], period=month("2026-10"))
    assert RatingSnapshot.objects.count() == 1


def test_the_cached_rating_follows_the_rollups(world, method):
    from otklik.cases.models import Case

    first = rating_cached(PERIOD, method)
    assert first == rating_compute(PERIOD, method)
    before = _row(first, "mo:18415")["index"]
    _row(first, "mo:18415")["index"] = -1  # the caller's copy, not the cached one
    assert rating_cached(PERIOD, method) == rating_compute(PERIOD, method)
    Case.objects.filter(municipality__okato="18415").update(published_at=None)
    rollups_refresh(full=True)
    fresh = rating_compute(PERIOD, method)
    assert _row(fresh, "mo:18415")["index"] != before
    assert rating_cached(PERIOD, method) == fresh


def test_a_period_not_over_is_not_published(method, personas):
    with pytest.raises(ApplicationError, match="не закончился"):
        this_month = month(timezone.localdate().strftime("%Y-%m"))
        rating_publish(actor=personas["head"], period=this_month)


def test_methodology_change_is_a_new_version(world, method, personas):
    new = methodology_save(
        actor=personas["curator"],
        weights={"quantity": 0, "speed": 1, "quality": 0, "completeness": 0},
        min_cases=1,
        note="только скорость",
    )
    assert new.version != method.version and new.is_active
    method.refresh_from_db()
    assert not method.is_active
    v = _row(rating_compute(PERIOD, new), "mo:18410")
    # speed alone: S = 0.7 × 1/2 on time + 0.3 × (1 − 137.52 h/720 h) (73 h and 191 h: the
    # middles 76.535 and 198.52 of their intervals, mean 137.5275 → 137.52)
    #   = 0.35 + 0.3 × 0.809 = 0.35 + 0.2427 = 0.5927 → 59.3
    assert v["index"] == 59.3
    with pytest.raises(ApplicationError, match="неотрицательные веса всех четырёх"):
        methodology_save(
            actor=personas["curator"],
            weights={"quantity": -1, "speed": 1, "quality": 0, "completeness": 0},
            min_cases=1,
        )
    with pytest.raises(AccessDenied, match="«Рейтинги: методика"):
        methodology_save(
            actor=personas["analyst"],
            weights={"quantity": 1, "speed": 1, "quality": 1, "completeness": 1},
            min_cases=2,
        )


def test_ratings_page_and_previous_month_change(client, personas, method, world):
    client.force_login(personas["sector_lead"])
    html = client.get(reverse("analytics:ratings"), {"month": "2026-11"}).content.decode()
    assert 'data-unit="mo:18415"' in html and "Предварительный" in html
    assert 'data-testid="rating-publish"' not in html  # only the ЦУР publishes
    client.force_login(personas["head"])
    response = client.post(reverse("analytics:rating_publish"), {"month": "2026-10"})
    assert response.status_code == 302
    assert RatingSnapshot.objects.filter(period_start=dt.date(2026, 10, 1)).exists()
    html = client.get(reverse("analytics:methodology")).content.decode()
    assert 'data-testid="methodology-form"' in html


def test_the_methodology_page_names_the_parameters_in_russian(client, personas, method):
    client.force_login(personas["analyst"])

    html = client.get(reverse("analytics:methodology")).content.decode()

    current = html.split('data-testid="methodology-current"')[1].split("</section>")[0]
    assert "a — вес доли ответов в срок в скорости (S): 0,7" in current
    assert "норма часов до ответа в скорости (S): 720" in current
    assert "b — вес доли ответов, не возвращённых модерацией, в качестве (K): 0,5" in current
    assert "c — вес оценки заявителей в качестве (K): 0,3" in current
    assert "speed_on_time" not in current and "norm_hours" not in current
