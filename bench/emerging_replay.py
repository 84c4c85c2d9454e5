"""The emerging-problem detector (``otklik.analytics.emerging.detect``) on replayed history.

Builds two years of synthetic weekly counts of topic × municipality into ``DailyRollup`` rows of
a throwaway database (SQLite by default, ``--database URL`` for another), one row per week and
series (on the Thursday), then replays the detector week by week and scores it against what was
injected:

- background: Poisson counts per topic and municipality (a topic's regional rate shared among
  the 38 municipalities by a skewed weight, so most series see 0–5 messages a week, a few 20+);
- seasonal waves, region-wide: heating (``zhkh-heating-quality``, ``energy-heating-season``)
  October–March, potholes (``roads-potholes``) March–May, snow (``roads-snow``,
  ``zhkh-snow-courtyards``) December–February; each year's wave starts a little earlier or later
  and is a little stronger or weaker;
- injected local problems: a topic in one municipality gets extra messages from a known week —
  a one-week spike, a step, or a three-week ramp; small (+3–5 a week), medium (+8–15) or large
  (+20–40), lasting 1–6 weeks; some are put into seasonal topics during their wave.

Reports per parameter setting (ratio, p_max, min_count): how many injected problems were
detected (any alert on the series while the problem lasts), the median delay in weeks from its
first week to the first alert (0 = in its first week), false alerts (an alert on a series with
no problem that week nor one that ended the week before) per week and per 100 series-weeks,
and the false alerts that fell on a seasonal topic during its wave. The second year is
replayed (the detector then also has the same season last year); ``--year 1`` replays the
first (only the region-wave scaling: the platform's first year).

    .venv/bin/python bench/emerging_replay.py
    .venv/bin/python bench/emerging_replay.py --year 1

Deterministic: everything is drawn from ``--seed``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

FIRST_MONDAY = dt.date(2024, 1, 1)
WEEKS = 104
TOPICS = (
    # code, regional weekly rate (whole oblast)
    ("zhkh-heating-quality", 60),
    ("energy-heating-season", 25),
    ("roads-potholes", 80),
    ("roads-snow", 30),
    ("zhkh-snow-courtyards", 20),
    ("zhkh-hot-water", 50),
    ("zhkh-management-company", 70),
    ("tko-container-not-emptied", 45),
    ("energy-power-outage", 35),
    ("energy-street-lighting", 30),
    ("health-appointment", 55),
    ("education-kindergarten-places", 15),
    ("zhkh-roof-leak", 25),
    ("zhkh-courtyard-improvement", 40),
    ("roads-sidewalks", 20),
    ("tko-illegal-dump", 15),
)


CODES = [code for code, _ in TOPICS]


def _bump(week_of_year: float, start: float, end: float) -> float:
    """0 outside [start, end] (weeks of year, may wrap over New Year), a sine bump inside."""
    length = (end - start) % 52
    x = (week_of_year - start) % 52
    return math.sin(math.pi * x / length) if x <= length else 0.0


# topic -> (first week of the wave, last week, peak multiplier)
SEASONS = {
    "zhkh-heating-quality": (40, 12, 3.0),
    "energy-heating-season": (39, 10, 4.0),
    "roads-potholes": (9, 22, 3.5),
    "roads-snow": (48, 8, 6.0),
    "zhkh-snow-courtyards": (48, 8, 5.0),
}


@dataclass(frozen=True)
class Problem:
    topic: str
    muni: int  # index
    start: int  # week index
    weeks: int
    shape: str
    size: str
    extra: float  # extra messages a week at full strength

    def added(self, week: int) -> float:
        k = week - self.start
        if k < 0 or k >= self.weeks:
            return 0.0
        if self.shape == "ramp":
            return self.extra * min(1.0, (k + 1) / 3)
        return self.extra


def simulate(seed: int, n_munis: int, n_problems: int):
    """Counts[week, topic, muni], the injected problems, and wave flags[week, topic]."""
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(0.0, 1.0, n_munis)
    weights /= weights.sum()
    n_topics = len(TOPICS)
    rates = np.array([rate for _, rate in TOPICS], dtype=float)
    # each year's wave shifts by up to ±2 weeks and its strength by ±25 %
    shift = rng.integers(-2, 3, size=(2, n_topics))
    strength = rng.uniform(0.75, 1.25, size=(2, n_topics))
    mult = np.ones((WEEKS, n_topics))
    in_wave = np.zeros((WEEKS, n_topics), dtype=bool)
    for j, (code, _) in enumerate(TOPICS):
        if code not in SEASONS:
            continue
        start, end, peak = SEASONS[code]
        for w in range(WEEKS):
            year = w // 52
            b = _bump(w % 52, start + shift[year, j], end + shift[year, j])
            mult[w, j] = 1 + (peak * strength[year, j] - 1) * b
            in_wave[w, j] = b > 0.15
    lam = mult[:, :, None] * rates[None, :, None] * weights[None, None, :]
    counts = rng.poisson(lam)
    problems = []
    sizes = {"small": (3, 5), "medium": (8, 15), "large": (20, 40)}
    codes = [code for code, _ in TOPICS]
    for i in range(n_problems):
        year = i % 2
        size = ("small", "medium", "large")[rng.integers(0, 3)]
        shape = ("spike", "step", "ramp")[rng.integers(0, 3)]
        weeks = 1 if shape == "spike" else int(rng.integers(2, 7))
        # a third of the problems fall in a seasonal topic during its wave
        if i % 3 == 0:
            j = codes.index(list(SEASONS)[rng.integers(0, len(SEASONS))])
            last = min(52 * year + 52, WEEKS - weeks)
            first = 52 * year + (10 if year == 0 else 0)
            wave_weeks = [w for w in range(first, last) if in_wave[w, j]]
            start = int(rng.choice(wave_weeks)) if wave_weeks else last - 1
        else:
            j = int(rng.integers(0, n_topics))
            start = int(rng.integers(52 * year + 10, 52 * year + 52 - weeks))
        lo, hi = sizes[size]
        p = Problem(
            topic=codes[j],
            muni=int(rng.integers(0, n_munis)),
            start=start,
            weeks=weeks,
            shape=shape,
            size=size,
            extra=float(rng.uniform(lo, hi)),
        )
        problems.append(p)
        for w in range(p.start, p.start + p.weeks):
            counts[w, j, p.muni] += rng.poisson(p.added(w))
    return counts, problems, in_wave


def load(counts, topic_ids: list[int], muni_ids: list[int]) -> int:
    from otklik.analytics.models import DailyRollup
    from otklik.directory.models import Topic

    sector = dict(Topic.objects.filter(pk__in=topic_ids).values_list("pk", "sector_id"))
    DailyRollup.objects.all().delete()
    rows = []
    for w in range(WEEKS):
        day = FIRST_MONDAY + dt.timedelta(weeks=w, days=3)
        for j, t in enumerate(topic_ids):
            for k, m in enumerate(muni_ids):
                n = int(counts[w, j, k])
                if n:
                    rows.append(
                        DailyRollup(
                            day=day,
                            sector_id=sector[t],
                            topic_id=t,
                            municipality_id=m,
                            messages=n,
                            cases_opened=n,
                        )
                    )
    DailyRollup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def replay(params, year: int, problems, in_wave, topic_index, muni_index, n_series):
    from otklik.analytics.emerging import detect

    weeks = range(52 * year + (8 if year == 0 else 0), 52 * year + 52)
    by_series: dict[tuple[int, int], list[Problem]] = {}
    for p in problems:
        by_series.setdefault((CODES.index(p.topic), p.muni), []).append(p)
    first_alert: dict[Problem, int] = {}
    false = false_wave = true = 0
    for w in weeks:
        week_end = FIRST_MONDAY + dt.timedelta(weeks=w, days=6)
        for f in detect(week_end, params):
            j, k = topic_index[f.topic_id], muni_index[f.municipality_id]
            hit = [p for p in by_series.get((j, k), ()) if p.start <= w <= p.start + p.weeks]
            if hit:
                true += 1
                for p in hit:
                    if p.start <= w < p.start + p.weeks:
                        first_alert.setdefault(p, w)
            else:
                false += 1
                false_wave += bool(in_wave[w, j])
    mine = [p for p in problems if weeks.start <= p.start < weeks.stop]
    delays = [first_alert[p] - p.start for p in mine if p in first_alert]
    per_size = {
        size: (
            sum(p in first_alert for p in mine if p.size == size),
            sum(p.size == size for p in mine),
        )
        for size in ("small", "medium", "large")
    }
    n_weeks = len(weeks)
    wave_series_weeks = sum(
        int(in_wave[w, j]) for w in weeks for j in range(in_wave.shape[1])
    ) * len(muni_index)
    return {
        "problems": len(mine),
        "detected": len(delays),
        "per_size": per_size,
        "median_delay": statistics.median(delays) if delays else float("nan"),
        "mean_delay": statistics.mean(delays) if delays else float("nan"),
        "false": false,
        "false_per_week": false / n_weeks,
        "false_per_100": 100 * false / (n_weeks * n_series),
        "false_wave": false_wave,
        "false_wave_per_100": 100 * false_wave / wave_series_weeks if wave_series_weeks else 0,
        "true_alerts": true,
        "weeks": n_weeks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--problems", type=int, default=80, help="over both years")
    parser.add_argument("--year", type=int, choices=(1, 2), default=2, help="year replayed")
    parser.add_argument("--database", help="a database URL (default: a throwaway SQLite file)")
    args = parser.parse_args()

    tmp = None
    if not args.database:
        tmp = tempfile.mkdtemp(prefix="otklik-emerging-")
        args.database = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.update(
        {
            "OTKLIK_DATABASE_URL": args.database,
            "DJANGO_SETTINGS_MODULE": "otklik.settings",
            "OTKLIK_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    from otklik.analytics.emerging import Params
    from otklik.directory.models import Municipality, Topic

    call_command("setup", "--skip-static", verbosity=0)
    topic_ids = [Topic.objects.get(code=code).pk for code, _ in TOPICS]
    muni_ids = list(Municipality.objects.order_by("pk").values_list("pk", flat=True))
    counts, problems, in_wave = simulate(args.seed, len(muni_ids), args.problems)
    t = time.perf_counter()
    n_rows = load(counts, topic_ids, muni_ids)
    n_series = len(topic_ids) * len(muni_ids)
    print(
        f"history: {WEEKS} weeks × {len(topic_ids)} topics × {len(muni_ids)} municipalities "
        f"({n_series} series), {int(counts.sum())} messages in {n_rows} rollup rows "
        f"({time.perf_counter() - t:.0f} s); {len(problems)} injected problems; seed {args.seed}"
    )
    topic_index = {t: j for j, t in enumerate(topic_ids)}
    muni_index = {m: k for k, m in enumerate(muni_ids)}
    settings = [
        Params(),
        Params(ratio=1.5, p_max=0.01, min_count=3),
        Params(ratio=2.0, p_max=0.01, min_count=5),
        Params(ratio=2.0, p_max=0.001, min_count=3),
        Params(ratio=3.0, p_max=0.0001, min_count=5),
        Params(ratio=2.0, p_max=0.001, min_count=10),
    ]
    year = args.year - 1
    print(f"replayed: year {args.year} ({'with' if year else 'without'} the same season last year)")
    print(
        f"{'ratio':>5} {'p_max':>7} {'min':>4} | {'detected':>9} {'small':>6} {'medium':>6} "
        f"{'large':>6} | {'delay med':>9} {'mean':>5} | {'false/wk':>8} {'/100 ser':>8} | "
        f"{'in waves':>8} {'/100 wave':>9}"
    )
    for p in settings:
        t = time.perf_counter()
        r = replay(p, year, problems, in_wave, topic_index, muni_index, n_series)
        ps = r["per_size"]
        print(
            f"{p.ratio:>5} {p.p_max:>7} {p.min_count:>4} | "
            f"{r['detected']:>3}/{r['problems']:<3} "
            f"{100 * r['detected'] / r['problems']:>2.0f}% "
            + " ".join(f"{ps[s][0]:>3}/{ps[s][1]:<2}" for s in ("small", "medium", "large"))
            + f" | {r['median_delay']:>9.1f} {r['mean_delay']:>5.2f} | {r['false_per_week']:>8.2f} "
            f"{r['false_per_100']:>8.3f} | {r['false_wave']:>8} {r['false_wave_per_100']:>9.3f}"
            f"   ({time.perf_counter() - t:.0f} s)",
            flush=True,
        )
    print(
        "detected: problems with an alert while they lasted (by size); delay: weeks from the "
        "problem's first week to its first alert; false: alerts on a series with no problem that "
        "week nor one that ended the week before, per replayed week and per 100 series-weeks; "
        "in waves: false alerts on a seasonal topic during its wave (per 100 series-weeks of wave)"
    )


if __name__ == "__main__":
    main()
