"""The measures of the analytics: each defined once — its code, its Russian label, what it counts,
by which date and in which period, and how it is computed — and read by everything that shows
one (the pages' column headers and card labels as a tooltip, the XLSX/CSV exports, the monthly
PDF, the ratings and the API). ``docs/analytics-definitions.md`` is the same text for people.

The deadline measures are facts of the case, not of the deadline sweep: a case's deadline is
violated when its answer was published after its due time (``resolution_due``) or when it is
still without a published answer past it — whoever created the case's history (the services, an
import, the demo) and whether or not a sweep ever looked at it. The moment of the violation is
the due time itself, so a violation is counted on the day (and in the period) its due time fell.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q

from otklik.cases.choices import CaseStatus

# Cases that owe no answer (rejected at moderation, merged into another): their due time is no
# deadline of anybody.
NO_DEADLINE_STATES = (CaseStatus.NO_ANSWER, CaseStatus.MERGED)


def on_time_q() -> Q:
    """An answer published by its due time (a case without a due time is on time)."""
    return Q(resolution_due__isnull=True) | Q(published_at__lte=F("resolution_due"))


def unanswered_q() -> Q:
    """No answer published since the clock (re)started: never answered, or reopened after the
    answer (a reopening restarts the clock; the new answer replaces ``published_at``). Read
    from the case's own moments, not its state, so history written by any means counts."""
    return Q(published_at__isnull=True) | Q(published_at__lt=F("clock_started_at"))


def due_q(now: dt.datetime) -> Q:
    """Cases whose due time has passed by ``now`` (those that owe no answer left out, and so is
    a case without an answer while its clock stands still: the ЦУР waits for the resident)."""
    return (
        Q(resolution_due__lte=now)
        & ~Q(status__in=NO_DEADLINE_STATES)
        & ~(unanswered_q() & Q(clock_paused_at__isnull=False))
    )


def breached_q(now: dt.datetime) -> Q:
    """Of ``due_q``: the answer published after the due time, or none published since the
    clock started (the case is still open past its due time)."""
    return due_q(now) & (Q(published_at__gt=F("resolution_due")) | unanswered_q())


# How the hour histograms are read: the median is estimated inside its histogram interval
# (linearly); the intervals are at most 10 % of their bounds wide (``models.HOURS_BUCKETS``).
MEDIAN_METHOD = (
    "Медиана оценивается по гистограмме: интервалы шириной не больше 10 % своей границы "
    "(по 15 минут до первого часа, до 90 суток), внутри интервала — линейно; погрешность "
    "меньше 10 % (до часа — меньше 15 минут)."
)

ANSWER_POPULATION = "ответы, опубликованные в периоде (по дате публикации)"
DUE_POPULATION = "инциденты, срок ответа которых истёк в периоде (по дате срока)"


@dataclass(frozen=True)
class Measure:
    code: str
    label: str  # Russian, as a column header or a card title
    definition: str  # Russian: what is counted, by which date, in which period
    computed: str  # how, from the rollups' figures (for the docs and the API)
    kind: str = "count"  # count | share | hours | average
    population: str = ""  # the population of the row it belongs to (when it has one)


def _m(code: str, label: str, definition: str, computed: str, **kw) -> Measure:
    return Measure(code, label, definition, computed, **kw)


MEASURES: dict[str, Measure] = {
    m.code: m
    for m in (
        _m(
            "messages",
            "Поступило сообщений",
            "Сообщения, поступившие в периоде (по времени поступления), в том числе "
            "объединённые в один инцидент.",
            "число сообщений с датой поступления в периоде",
        ),
        _m(
            "cases_opened",
            "Открыто инцидентов",
            "Инциденты, поступившие в периоде (по времени поступления первого сообщения), "
            "кроме объединённых с другими.",
            "число инцидентов с датой поступления в периоде",
        ),
        _m(
            "answered",
            "Ответов",
            "Ответы, опубликованные в периоде (по дате публикации ответа заявителю).",
            "число инцидентов с датой публикации ответа в периоде",
            population=ANSWER_POPULATION,
        ),
        _m(
            "answered_on_time",
            "Ответов в срок",
            "Из ответов, опубликованных в периоде, — опубликованные не позже срока ответа "
            "(инцидент без срока считается отвеченным в срок).",
            "опубликовано в периоде, дата публикации ≤ срока ответа",
            population=ANSWER_POPULATION,
        ),
        _m(
            "answered_late",
            "Ответов с нарушением срока",
            "Из ответов, опубликованных в периоде, — опубликованные позже срока ответа.",
            "«Ответов» − «Ответов в срок»",
            population=ANSWER_POPULATION,
        ),
        _m(
            "on_time_share",
            "В срок",
            "Доля ответов в срок среди ответов, опубликованных в периоде.",
            "«Ответов в срок» / «Ответов»",
            kind="share",
            population=ANSWER_POPULATION,
        ),
        _m(
            "due",
            "Срок истёк",
            "Инциденты, срок ответа которых истёк в периоде (по дате срока ответа), "
            "кроме не требующих ответа и объединённых; инцидент, ждущий сведений от заявителя "
            "с остановленным сроком, не считается, пока ждёт.",
            "число инцидентов с датой срока ответа в периоде и не позже текущего момента",
            population=DUE_POPULATION,
        ),
        _m(
            "breached",
            "Нарушен срок",
            "Из инцидентов, срок ответа которых истёк в периоде, — те, где ответ опубликован "
            "позже срока или не опубликован до сих пор. Нарушение относится к дню срока ответа "
            "и не зависит от того, когда его заметила проверка сроков; после переоткрытия "
            "считается новый срок.",
            "срок истёк в периоде и (ответ опубликован позже срока или инцидент открыт)",
            population=DUE_POPULATION,
        ),
        _m(
            "breached_share",
            "Доля нарушений",
            "Доля нарушенных сроков среди сроков, истёкших в периоде.",
            "«Нарушен срок» / «Срок истёк»",
            kind="share",
            population=DUE_POPULATION,
        ),
        _m(
            "first_response_median_h",
            "Медиана до первой реакции",
            "Медиана времени от поступления до первой реакции организации (принятия в "
            "работу, вопроса заявителю или ответа) для инцидентов с первой реакцией в периоде. "
            + MEDIAN_METHOD,
            "по гистограмме часов до первой реакции",
            kind="hours",
        ),
        _m(
            "answer_median_h",
            "Медиана до ответа",
            "Медиана времени от поступления до публикации ответа для ответов, опубликованных "
            "в периоде. " + MEDIAN_METHOD,
            "по гистограмме часов до ответа",
            kind="hours",
            population=ANSWER_POPULATION,
        ),
        _m(
            "reopened",
            "Переоткрыто",
            "Переоткрытия инцидентов в периоде (по времени переоткрытия).",
            "число событий «переоткрыт» в периоде",
        ),
        _m(
            "answers_moderated",
            "Проверено ответов",
            "Ответы организаций, проверенные ЦУР в периоде (по времени проверки), — под "
            "организацией, написавшей ответ.",
            "число ответов с датой модерации в периоде",
        ),
        _m(
            "answers_returned",
            "Возвращено",
            "Из ответов, проверенных ЦУР в периоде, — возвращённые на доработку.",
            "число возвращённых ответов с датой модерации в периоде",
        ),
        _m(
            "returned_share",
            "Доля возвращённых",
            "Доля возвращённых на доработку среди ответов, проверенных ЦУР в периоде.",
            "«Возвращено» / «Проверено ответов»",
            kind="share",
        ),
        _m(
            "quality_avg",
            "Качество (1–5)",
            "Средняя оценка качества ответов (1–5), поставленная ЦУР при проверке в периоде.",
            "сумма оценок / число оценок",
            kind="average",
        ),
        _m(
            "surveys",
            "Ответили на опрос",
            "Ответы заявителей на опрос о решении проблемы, полученные в периоде.",
            "число опросов с датой ответа в периоде",
        ),
        _m(
            "solved_share",
            "Решено",
            "Доля «проблема решена» среди ответивших на опрос в периоде о решении.",
            "«решена» / («решена» + «не решена»)",
            kind="share",
        ),
        _m(
            "rating_avg",
            "Оценка (1–5)",
            "Средняя оценка ответа заявителями (1–5) в опросах периода.",
            "сумма оценок / число оценок",
            kind="average",
        ),
        _m(
            "not_solved",
            "Не решена по опросу",
            "Ответы заявителей на опрос в периоде: «проблема не решена» (ответ оспорен).",
            "число опросов «не решена» с датой ответа в периоде",
        ),
        _m(
            "negative_messages",
            "Негативных сообщений",
            "Сообщения, поступившие в периоде, с негативной тональностью по автоматическому "
            "анализу текста.",
            "число таких сообщений с датой поступления в периоде",
        ),
        _m(
            "conflict_messages",
            "С признаками конфликта",
            "Сообщения, поступившие в периоде, с признаками конфликта по автоматическому "
            "анализу текста.",
            "число таких сообщений с датой поступления в периоде",
        ),
    )
}


def definition(code: str) -> str:
    return MEASURES[code].definition


def label(code: str) -> str:
    return MEASURES[code].label


def duration_text(hours: float | None) -> str:
    """A median for people: hours below two days («5,5 ч»), days above («5,2 дн.»), with the
    decimal comma; beyond the last histogram bound «более N дн.»."""
    from otklik.analytics.models import HOURS_BUCKETS

    if hours is None:
        return "—"
    if hours > HOURS_BUCKETS[-1]:
        return f"более {round(HOURS_BUCKETS[-1] / 24)} дн."
    if hours < 48:
        return f"{hours:.1f}".replace(".", ",") + " ч"
    return f"{hours / 24:.1f}".replace(".", ",") + " дн."
