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
from otklik.analytics.services import methodology_save, methodology_seed, rating_publish
from otklik.analytics.tests.conftest import D
from otklik.core.exceptions import AccessDenied, ApplicationError

pytestmark = pytest.mark.django_db
PERIOD = Period(D, D + dt.timedelta(days=10))


@pytest.fixture
def method(region):
    methodology_seed()
    return RatingMethodology.objects.get(is_active=True)


def _row(groups, key):
    return next(r for g in groups for r in g["rows"] if r["key"] == key)


def test_indicators_by_hand(world, method):
    groups = rating_compute(PERIOD, method)
    # Волжский (its administration): 3 received, 2 answered (1 in time; 73 h and 191 h → the
    # median from the histogram: 73 ∈ (72.89, 80.18] → 76.535, 191 ∈ (189.07, 207.97] →
    # 198.52, their mean 137.5275 → 137.52 h to 0.01 h; exact: 132 h), 3 answers checked,
    # 1 returned, scores 2, 4, 3, no surveys.
    v = _row(groups, "mo:18410")
    assert v["median_hours"] == 137.52
    q = 2 / 3
    s = 0.7 * (1 / 2) + 0.3 * (1 - 137.52 / 720)
    k = 0.5 * (1 - 1 / 3) + 0.5 * ((2 + 4 + 3) / 3 - 1) / 4
    p = 1 - (0 + 0) / 2
    assert (v["quantity"], v["speed"], v["quality"], v["completeness"]) == (
        round(q, 4), round(s, 4), round(k, 4), round(p, 4)
    )  # fmt: skip
    assert v["index"] == round(100 * (0.25 * q + 0.30 * s + 0.25 * k + 0.20 * p), 1)
    # Камышин: 1 received, answered in 24 h in time (the median from the histogram: the middle
    # of (23.23, 25.55], 24.39 h), score 5, the author: «не решена», 2 of 5, reopened.
    c = _row(groups, "mo:18415")
    assert c["median_hours"] == 24.39
    q, s = 1.0, 0.7 * 1 + 0.3 * (1 - 24.39 / 720)
    k = 0.7 * (0.5 * 1 + 0.5 * (5 - 1) / 4) + 0.3 * (2 - 1) / 4
    p = 0.0  # 1 − (1 reopened + 1 not solved) / 1 answered, clipped at 0
    assert (c["quantity"], c["speed"], c["quality"], c["completeness"]) == (
        round(q, 4), round(s, 4), round(k, 4), round(p, 4)
    )  # fmt: skip
    assert c["index"] == round(100 * (0.25 * q + 0.30 * s + 0.25 * k + 0.20 * p), 1)
    # both are urban okrugs: Камышин above Волжский; the rest have no data and no place
    okrugs = next(g for g in groups if g["code"] == "urban_okrug")
    assert [r["key"] for r in okrugs["rows"][:2]] == ["mo:18415", "mo:18410"]
    assert [r["rank"] for r in okrugs["rows"][:2]] == [1, 2]
    assert all(r["rank"] is None for r in okrugs["rows"][2:])


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
    from otklik.analytics.services import rollups_refresh

    rollups_refresh(full=True)
    board = rating_board(user=personas["analyst"], period=PERIOD)
    assert board["snapshot"].pk == snap.pk
    assert _row(board["groups"], "mo:18415")["index"] == frozen
    with pytest.raises(ApplicationError, match="уже опубликован"):
        rating_publish(actor=head, period=PERIOD)
    with pytest.raises(AccessDenied):
        rating_publish(actor=personas["analyst"], period=month("2026-10"))
    assert RatingSnapshot.objects.count() == 1


def test_the_cached_rating_follows_the_rollups(world, method):
    from otklik.analytics.services import rollups_refresh
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
    assert v["index"] == round(100 * (0.7 * 0.5 + 0.3 * (1 - 137.52 / 720)), 1)
    with pytest.raises(ApplicationError):
        methodology_save(
            actor=personas["curator"],
            weights={"quantity": -1, "speed": 1, "quality": 0, "completeness": 0},
            min_cases=1,
        )
    with pytest.raises(AccessDenied):
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
