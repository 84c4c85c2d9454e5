"""Reads of the web form (public: nothing here takes a user; what is shown is masked).

- ``hints``: the sector/topic and municipality the language pipeline sees in the text typed
  so far (and the point on the map);
- ``public_cases`` / ``public_view``: which cases anyone may see, and what of them — the one
  public representation of a case (the topic's name, the street, the public status, the number
  of reports; never a text, an author or a house number), used on every public page;
- ``similar_open_cases``: up to five public cases of the same place and sector whose text is
  alike, for «это моя проблема — следить»;
- ``tracking``: the public view of a report's case (status in plain words, milestones,
  published answers, deadline);
- ``map_schematic``: the municipalities' centres projected for the offline map.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from rapidfuzz import fuzz

from otklik.cases.choices import OPEN_STATES, AnswerStatus, CaseStatus
from otklik.cases.models import Answer, Case
from otklik.channels.public import (
    is_public,
    public_cases,
    public_streets,
    without_house_numbers,
)
from otklik.channels.webform.models import WebReport
from otklik.directory.models import CityDistrict, Municipality, Sector, Topic
from otklik.nlp.features import lemma_tokens
from otklik.nlp.models import MessageAnalysis
from otklik.nlp.stages.duplicates import address_key

# Only these pipeline stages are needed for hints (not the slower PII and signal stages).
_HINT_STAGES = {"normalise", "language", "classify", "location"}
TOPIC_MIN_CONFIDENCE = 0.25
SECTOR_MIN_CONFIDENCE = 0.35
LOCATION_MIN_CONFIDENCE = 0.5
HINT_MIN_CHARS = 15

SIMILAR_LIMIT = 5
SIMILAR_WINDOW_DAYS = 90
SIMILAR_CANDIDATES = 200
# How alike the lemmas must be (rapidfuzz token set ratio): any topic, or the same topic.
SIMILAR_MIN_TEXT = 0.45
SIMILAR_MIN_TOPIC = 0.3


@dataclass(frozen=True)
class Hints:
    sector: Sector | None = None
    topic: Topic | None = None
    municipality: Municipality | None = None
    city_district: CityDistrict | None = None


def hints(*, text: str, lat: float | None = None, lon: float | None = None) -> Hints:
    """What the pipeline makes of the text so far (nothing under ``HINT_MIN_CHARS``)."""
    from otklik.nlp import registry
    from otklik.nlp.pipeline import Pipeline

    text = (text or "").strip()
    if len(text) < HINT_MIN_CHARS and lat is None:
        return Hints()
    pipeline = Pipeline([s for s in registry.current().pipeline.stages if s.name in _HINT_STAGES])
    result = pipeline.run([{"text": text, "lat": lat, "lon": lon}])[0]
    topic = sector = municipality = district = None
    if result.get("topic") and float(result.get("topic_confidence") or 0) >= TOPIC_MIN_CONFIDENCE:
        topic = Topic.objects.select_related("sector").filter(code=result["topic"]).first()
    if topic is not None:
        sector = topic.sector
    elif (
        result.get("sector")
        and float(result.get("sector_confidence") or 0) >= SECTOR_MIN_CONFIDENCE
    ):
        sector = Sector.objects.filter(code=result["sector"]).first()
    if (
        result.get("municipality")
        and float(result.get("location_confidence") or 0) >= LOCATION_MIN_CONFIDENCE
    ):
        municipality = Municipality.objects.filter(okato=result["municipality"]).first()
        if municipality is not None and result.get("city_district"):
            district = CityDistrict.objects.filter(
                okato=result["city_district"], municipality=municipality
            ).first()
    return Hints(sector=sector, topic=topic, municipality=municipality, city_district=district)


# --------------------------------------------------------------------------- public cases
PUBLIC_STATUS = {
    CaseStatus.NEW: "Зарегистрировано, проверяется ЦУР",
    CaseStatus.ASSIGNED: "Передано исполнителю",
    CaseStatus.IN_WORK: "В работе у исполнителя",
    CaseStatus.ANSWER_REVIEW: "Ответ готовится",
    CaseStatus.APPROVED: "Ответ готов, публикуется",
    CaseStatus.PUBLISHED: "Дан ответ",
    CaseStatus.CLOSED: "Закрыто",
    CaseStatus.REOPENED: "Возвращено в работу",
    CaseStatus.NO_ANSWER: "Не требует ответа",
    CaseStatus.MERGED: "Объединено с другим сообщением",
}


@dataclass(frozen=True)
class PublicCase:
    """What anyone may see of a case. Never its title or messages (a resident's own words), its
    author, nor its address beyond the street: a house number may be a private person's home."""

    number: str
    received_at: dt.datetime
    title: str  # the topic's name: a neutral title the ЦУР's reference data gives
    place: str  # the street, else the city district; never a house or a flat number
    status: str  # in plain words (PUBLIC_STATUS)
    reports: int  # messages about it


def public_view(cases: Sequence[Case]) -> list[PublicCase]:
    """The public representation of each of ``cases`` that may be shown (``public_cases``; the
    others are left out), in the given order; one query for them all."""
    cases = [c for c in cases if c is not None]
    if not cases:
        return []
    rows = {
        c.pk: c
        for c in Case.objects.filter(pk__in=[c.pk for c in cases])
        .select_related("topic", "city_district")
        .annotate(reports=Count("messages"))
    }
    shown = [rows[c.pk] for c in cases if c.pk in rows and is_public(rows[c.pk])]
    streets = public_streets([c.address for c in shown])
    return [
        PublicCase(
            number=case.number,
            received_at=case.received_at,
            title=case.topic.name,
            place=street or (f"{case.city_district.name} район" if case.city_district_id else ""),
            status=PUBLIC_STATUS.get(case.status, case.get_status_display()),
            reports=case.reports,
        )
        for case, street in zip(shown, streets, strict=True)
    ]


# --------------------------------------------------------------------------- similar cases
@dataclass(frozen=True)
class Similar:
    case: PublicCase  # the only thing of the case a page may show
    score: float


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat = math.radians((a[0] + b[0]) / 2)
    dy = (a[0] - b[0]) * 111.2
    dx = (a[1] - b[1]) * 111.2 * math.cos(lat)
    return math.hypot(dx, dy)


def similar_open_cases(
    *,
    text: str,
    municipality: Municipality | None,
    topic: Topic | None = None,
    sector: Sector | None = None,
    city_district: CityDistrict | None = None,
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
    limit: int = SIMILAR_LIMIT,
) -> list[Similar]:
    """Open public cases (``public_cases``: accepted, of public infrastructure) of the last
    ``SIMILAR_WINDOW_DAYS`` in the same municipality (and sector and city district, when known)
    that look like the same problem: their messages' lemmas are alike (fuzzy set ratio; less
    alike will do for the same topic), ranked higher for the same topic, the same address and a
    point within 1 km. Shown as their ``public_view``."""
    text = (text or "").strip()
    if municipality is None or len(text) < HINT_MIN_CHARS:
        return []
    sector = sector or (topic.sector if topic else None)
    since = timezone.now() - dt.timedelta(days=SIMILAR_WINDOW_DAYS)
    cases = public_cases().filter(
        status__in=OPEN_STATES, municipality=municipality, received_at__gte=since
    )
    if sector is not None:
        cases = cases.filter(sector=sector)
    if city_district is not None:
        cases = cases.filter(Q(city_district=city_district) | Q(city_district__isnull=True))
    cases = list(cases.order_by("-received_at")[:SIMILAR_CANDIDATES])
    if not cases:
        return []
    mine = " ".join(lm for lm in lemma_tokens(text) if len(lm) > 2)
    my_addr = address_key(address)
    stored: dict[int, list[dict]] = {}
    for row in MessageAnalysis.objects.filter(message__case__in=cases).values(
        "message__case_id", "lemmas", "address_key", "message__latitude", "message__longitude"
    ):
        stored.setdefault(row["message__case_id"], []).append(row)
    scored: list[tuple[float, Case]] = []
    for case in cases:
        rows = stored.get(case.pk) or [
            {
                "lemmas": " ".join(lemma_tokens(case.title)),
                "address_key": address_key(case.address),
                "message__latitude": None,
                "message__longitude": None,
            }
        ]
        same_topic = topic is not None and case.topic_id == topic.pk
        best = None
        for row in rows:
            text_sim = fuzz.token_set_ratio(mine, row["lemmas"] or "") / 100.0
            # alike in words, or of the same topic and somewhat alike; place only ranks
            if text_sim < SIMILAR_MIN_TEXT and not (same_topic and text_sim >= SIMILAR_MIN_TOPIC):
                continue
            score = text_sim + (0.15 if same_topic else 0.0)
            if my_addr and row["address_key"] and my_addr == row["address_key"]:
                score += 0.2
            if lat is not None and row["message__latitude"] is not None:
                here = (lat, lon)
                there = (float(row["message__latitude"]), float(row["message__longitude"]))
                if _distance_km(here, there) <= 1.0:
                    score += 0.15
            best = score if best is None else max(best, score)
        if best is not None:
            scored.append((best, case))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].received_at.timestamp()))
    top = scored[:limit]
    views = {view.number: view for view in public_view([case for _, case in top])}
    return [
        Similar(case=views[case.number], score=round(score, 2))
        for score, case in top
        if case.number in views
    ]


def followable_case(number: str) -> Case | None:
    """The case «это моя проблема — следить» may join: only one the form could have offered
    (a number typed by hand does not open a case that is not public)."""
    return public_cases().filter(number=number, status__in=OPEN_STATES).first()


# --------------------------------------------------------------------------- tracking
def report_by_token(token: str) -> WebReport | None:
    return (
        WebReport.objects.select_related("message", "message__case", "survey")
        .filter(token=token)
        .first()
    )


def live_case(case: Case | None) -> Case | None:
    """The case a report is in now (following merges)."""
    seen: set[int] = set()
    while case is not None and case.status == CaseStatus.MERGED and case.merged_into_id:
        if case.pk in seen:
            break
        seen.add(case.pk)
        case = case.merged_into
    return case


@dataclass(frozen=True)
class Milestone:
    at: dt.datetime
    title: str
    text: str = ""


@dataclass(frozen=True)
class PublishedAnswer:
    organization: str
    published_at: dt.datetime
    is_intermediate: bool
    text: str


@dataclass
class Tracking:
    report: WebReport
    case: Case | None
    status: str
    organization: str = ""
    deadline: dt.datetime | None = None
    milestones: list[Milestone] = field(default_factory=list)
    answers: list[PublishedAnswer] = field(default_factory=list)
    # The case as anyone sees it (``public_view``), for a citizen whose report is in a case
    # somebody else opened (a follower, a message joined or merged into it); None for the author
    # who opened it, and for a case that is not public.
    public: PublicCase | None = None


def _answer_texts(answers: list[Answer], *, opener: bool) -> list[str]:
    """The author who opened the case reads the answers as written to them; anyone else (a
    follower, an author whose message joined it) reads them as the public does: personal data
    masked (``Answer.text_masked``, stored when published; masked here when it was published
    before that column), and no house numbers — the address may be the other author's home."""
    if opener:
        return [a.text for a in answers]
    from otklik.nlp.masking import mask_many

    missing = [a.text for a in answers if not a.text_masked]
    masked = iter(mask_many(missing))
    return [without_house_numbers(a.text_masked or next(masked)) for a in answers]


def tracking(*, report: WebReport) -> Tracking:
    """The public view of a report: what a citizen may see, in plain words. Of a case somebody
    else opened, only its public view and its answers with personal data masked: never the
    other author's text or address."""
    message = report.message
    case = live_case(message.case)
    if case is None:
        return Tracking(
            report=report,
            case=None,
            status="Получено, регистрируется",
            milestones=[Milestone(message.received_at, "Сообщение получено")],
        )
    org = case.organization.short_name if case.organization_id else ""
    status = PUBLIC_STATUS.get(case.status, case.get_status_display())
    if case.status in (CaseStatus.ASSIGNED, CaseStatus.IN_WORK) and org:
        status = f"{status}: {org}"
    milestones = [Milestone(message.received_at, "Сообщение получено")]
    orgs = {}
    for event in case.events.order_by("at", "id"):
        data = event.data if isinstance(event.data, dict) else {}
        kind = event.kind
        if kind == "opened":
            if data.get("message_id") == message.pk:
                milestones.append(Milestone(event.at, f"Зарегистрировано под № {case.number}"))
            elif report.followed:
                title = f"О проблеме уже сообщили, зарегистрировано под № {case.number}"
                milestones.append(Milestone(event.at, title))
        elif kind == "message_joined" and data.get("message_id") == message.pk:
            title = (
                f"Вы присоединились к сообщению № {case.number}"
                if report.followed
                else f"Присоединено к сообщению № {case.number} о той же проблеме"
            )
            milestones.append(Milestone(event.at, title))
        elif kind in ("accept", "assign") and data.get("organization"):
            code = data["organization"]
            if code not in orgs:
                from otklik.directory.models import Organization

                found = Organization.objects.filter(code=code).first()
                orgs[code] = found.short_name if found else ""
            milestones.append(Milestone(event.at, f"Передано исполнителю: {orgs[code]}"))
        elif kind == "take":
            milestones.append(Milestone(event.at, "Взято в работу"))
        elif kind == "publish":
            milestones.append(Milestone(event.at, "Опубликован ответ"))
        elif kind == "reopen":
            milestones.append(Milestone(event.at, "Возвращено в работу"))
        elif kind == "close":
            milestones.append(Milestone(event.at, "Закрыто"))
        elif kind == "reject":
            milestones.append(Milestone(event.at, "ЦУР решил, что сообщение не требует ответа"))
    answers = list(
        case.answers.filter(status=AnswerStatus.APPROVED, published_at__isnull=False)
        .select_related("organization")
        .order_by("published_at", "id")
    )
    for answer in answers:
        if answer.is_intermediate:
            milestones.append(Milestone(answer.published_at, "Промежуточный ответ"))
    milestones.sort(key=lambda m: m.at)
    opened_by = case.messages.order_by("received_at", "pk").values_list("pk", flat=True).first()
    opener = opened_by == message.pk
    open_ = case.status in OPEN_STATES
    return Tracking(
        report=report,
        case=case,
        status=status,
        organization=org,
        deadline=case.resolution_due if open_ else None,
        milestones=milestones,
        answers=[
            PublishedAnswer(
                organization=answer.organization.short_name,
                published_at=answer.published_at,
                is_intermediate=answer.is_intermediate,
                text=text,
            )
            for answer, text in zip(answers, _answer_texts(answers, opener=opener), strict=True)
        ],
        public=None if opener else next(iter(public_view([case])), None),
    )


# --------------------------------------------------------------------------- map
@dataclass(frozen=True)
class MapPoint:
    okato: str
    name: str
    x: float
    y: float
    town: bool
    district: bool = False


@dataclass(frozen=True)
class Schematic:
    view_box: str
    city_box: str
    lat0: float
    lon0: float
    scale: float
    coslat: float
    points: list[MapPoint]


SCALE = 100.0  # SVG units per degree of latitude


@functools.cache
def _schematic(rows: tuple, districts: tuple) -> Schematic:
    lats = [r[2] for r in rows]
    lons = [r[3] for r in rows]
    lat0, lon0 = max(lats) + 0.35, min(lons) - 0.45
    coslat = math.cos(math.radians((max(lats) + min(lats)) / 2))

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return round((lon - lon0) * coslat * SCALE, 2), round((lat0 - lat) * SCALE, 2)

    points = [
        MapPoint(okato, name, *xy(lat, lon), town=kind == "urban_okrug")
        for okato, name, lat, lon, kind in rows
    ]
    points += [
        MapPoint(okato, name, *xy(lat, lon), town=False, district=True)
        for okato, name, lat, lon in districts
    ]
    width = (max(lons) + 0.45 - lon0) * coslat * SCALE
    height = (lat0 - (min(lats) - 0.35)) * SCALE
    city = [p for p in points if p.district] or [p for p in points if p.town][:1]
    cx0, cx1 = min(p.x for p in city) - 12, max(p.x for p in city) + 12
    cy0, cy1 = min(p.y for p in city) - 8, max(p.y for p in city) + 8
    return Schematic(
        view_box=f"0 0 {width:.0f} {height:.0f}",
        city_box=f"{cx0:.1f} {cy0:.1f} {cx1 - cx0:.1f} {cy1 - cy0:.1f}",
        lat0=lat0,
        lon0=lon0,
        scale=SCALE,
        coslat=round(coslat, 6),
        points=points,
    )


def map_schematic() -> Schematic | None:
    """The municipalities' centres (and Volgograd's districts) projected equirectangularly
    into SVG units; the page's script inverts the projection for a tapped point."""
    rows = tuple(
        (m.okato, m.name, float(m.latitude), float(m.longitude), m.kind)
        for m in Municipality.objects.order_by("okato")
    )
    if not rows:
        return None
    districts = tuple(
        (d.okato, d.name, float(d.latitude), float(d.longitude))
        for d in CityDistrict.objects.order_by("okato")
    )
    return _schematic(rows, districts)
