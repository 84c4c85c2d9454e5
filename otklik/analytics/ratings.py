"""The rating methodology as arithmetic (no database): indicators of one unit from its summed
figures, the index, ranks within a peer group. The formulas are written out in
``data/rating_methodology.toml`` and docs/ratings.md; each function below is one of them."""

from __future__ import annotations

from dataclasses import dataclass

INDICATORS = ("quantity", "speed", "quality", "completeness")

# The parameters of the formulas as the methodology page names them (letters of the description).
PARAMETER_LABELS = {
    "speed_on_time": "a — вес доли ответов в срок в скорости (S)",
    "norm_hours": "норма часов до ответа в скорости (S)",
    "quality_returned": "b — вес доли ответов, не возвращённых модерацией, в качестве (K)",
    "satisfaction": "c — вес оценки заявителей в качестве (K)",
}


def parameter_rows(parameters: dict) -> list[tuple[str, object]]:
    """``(Russian name, value)`` of each parameter of a methodology, in the order above."""
    known = [(PARAMETER_LABELS[k], parameters[k]) for k in PARAMETER_LABELS if k in parameters]
    return known + [(k, v) for k, v in parameters.items() if k not in PARAMETER_LABELS]


@dataclass(frozen=True)
class Method:
    version: str
    weights: dict[str, float]
    min_cases: int
    speed_on_time: float
    norm_hours: float
    quality_returned: float
    satisfaction: float

    @classmethod
    def of(cls, version: str, weights: dict, min_cases: int, parameters: dict) -> Method:
        return cls(
            version=version,
            weights={k: float(weights[k]) for k in INDICATORS},
            min_cases=int(min_cases),
            speed_on_time=float(parameters["speed_on_time"]),
            norm_hours=float(parameters["norm_hours"]),
            quality_returned=float(parameters["quality_returned"]),
            satisfaction=float(parameters["satisfaction"]),
        )


def _clip(x: float) -> float:
    return max(0.0, min(1.0, x))


def quantity(f: dict) -> float | None:
    if f["cases_opened"]:
        return _clip(f["answered"] / f["cases_opened"])
    return 1.0 if f["answered"] else None


def speed(f: dict, m: Method, median_hours: float | None) -> float | None:
    if not f["answered"]:
        return None
    on_time = f["answered_on_time"] / f["answered"]
    pace = _clip(1 - median_hours / m.norm_hours) if median_hours is not None else on_time
    return _clip(m.speed_on_time * on_time + (1 - m.speed_on_time) * pace)


def quality(f: dict, m: Method) -> float | None:
    if not f["answers_moderated"]:
        return None
    kept = 1 - f["answers_returned"] / f["answers_moderated"]
    score = (f["quality_sum"] / f["quality_count"] - 1) / 4 if f["quality_count"] else kept
    k = m.quality_returned * kept + (1 - m.quality_returned) * score
    if f["rating_count"]:
        citizens = (f["rating_sum"] / f["rating_count"] - 1) / 4
        k = (1 - m.satisfaction) * k + m.satisfaction * citizens
    return _clip(k)


def completeness(f: dict) -> float | None:
    if not f["answered"]:
        return None
    return _clip(1 - (f["reopened"] + f["not_solved"]) / f["answered"])


def evaluate(f: dict, m: Method, median_hours: float | None) -> dict:
    """The indicators (0–1, None without data), the index (0–100) and whether the unit has
    enough cases to be rated."""
    values = {
        "quantity": quantity(f),
        "speed": speed(f, m, median_hours),
        "quality": quality(f, m),
        "completeness": completeness(f),
    }
    present = {k: v for k, v in values.items() if v is not None}
    weight = sum(m.weights[k] for k in present)
    index = (
        round(100 * sum(m.weights[k] * v for k, v in present.items()) / weight, 1)
        if weight
        else None
    )
    rated = f["cases_opened"] + f["answered"] >= m.min_cases and index is not None
    return {
        **{k: (round(v, 4) if v is not None else None) for k, v in values.items()},
        "index": index if rated else None,
        "rated": rated,
    }


def rank(rows: list[dict]) -> None:
    """Competition ranking by index within the list (ties share a place); unrated last."""
    ordered = sorted((r for r in rows if r["rated"]), key=lambda r: (-r["index"], r["name"]))
    place, previous = 0, None
    for i, r in enumerate(ordered, start=1):
        if r["index"] != previous:
            place, previous = i, r["index"]
        r["rank"] = place
    for r in rows:
        r.setdefault("rank", None)
