"""How cases read at a glance: deadline indicators and the timeline in Russian.

``{% load cases_ui %}`` gives ``{% deadline case %}`` (the answer deadline of a case),
``{% due_badge due done_at %}`` (any other due time), ``{% folded text "css-class" %}`` (a long
text folded to its beginning) and the ``status_tag`` filter; the views use ``timeline`` to turn
``CaseEvent`` rows into Russian lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import template
from django.utils import timezone

from otklik.cases.choices import WAITING_STATES, CaseStatus, Priority
from otklik.cases.limits import chars
from otklik.cases.models import Case, CaseEvent

register = template.Library()

S = CaseStatus


@dataclass(frozen=True)
class DeadlineState:
    level: str  # ok | warn | breach | done | late | paused | none
    text: str
    title: str = ""

    @property
    def icon(self) -> str:
        icons = {"ok": "●", "warn": "▲", "breach": "✖", "done": "✓", "late": "✓", "paused": "Ⅱ"}
        return icons.get(self.level, "–")


def span_text(delta: dt.timedelta) -> str:
    """A duration for people: «40 мин», «5 ч», «3 дн.»."""
    minutes = max(int(delta.total_seconds() // 60), 1)
    if minutes < 60:
        return f"{minutes} мин"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} ч"
    return f"{hours // 24} дн."


def _due_title(due: dt.datetime) -> str:
    return f"срок {timezone.localtime(due):%d.%m.%Y %H:%M}"


def due_state(
    due: dt.datetime | None,
    *,
    done_at: dt.datetime | None = None,
    warning: bool = False,
    now: dt.datetime | None = None,
) -> DeadlineState:
    """The state of one due time: met or missed once done, otherwise the time left or over."""
    if due is None:
        return DeadlineState("none", "срок не установлен")
    title = _due_title(due)
    if done_at is not None:
        if done_at <= due:
            return DeadlineState("done", "выполнено в срок", title)
        return DeadlineState("late", f"выполнено с опозданием на {span_text(done_at - due)}", title)
    now = now or timezone.now()
    if now >= due:
        return DeadlineState("breach", f"просрочено на {span_text(now - due)}", title)
    return DeadlineState("warn" if warning else "ok", f"осталось {span_text(due - now)}", title)


def case_deadline(case: Case, *, now: dt.datetime | None = None) -> DeadlineState:
    """The answer deadline of ``case``: colour by the sweep's warning level and the breach."""
    if case.status in (S.NO_ANSWER, S.MERGED):
        return DeadlineState("none", "срок не применяется")
    if case.status in (S.PUBLISHED, S.CLOSED):
        done = case.published_at or case.closed_at
        state = due_state(case.resolution_due, done_at=done, now=now)
        if state.level == "done":
            return DeadlineState("done", "ответ дан в срок", state.title)
        if state.level == "late":
            return DeadlineState("late", state.text.replace("выполнено", "ответ дан"), state.title)
        return state
    if case.clock_paused_at is not None and case.status in WAITING_STATES:
        title = f"приостановлен с {timezone.localtime(case.clock_paused_at):%d.%m.%Y %H:%M}"
        return DeadlineState("paused", "срок приостановлен", title)
    return due_state(
        case.resolution_due, warning=case.warning_level >= 1 or bool(case.breached_at), now=now
    )


@register.inclusion_tag("cases/_deadline.html")
def deadline(case: Case) -> dict[str, Any]:
    return {"state": case_deadline(case)}


@register.inclusion_tag("cases/_deadline.html")
def due_badge(due: dt.datetime | None, done_at: dt.datetime | None = None) -> dict[str, Any]:
    return {"state": due_state(due, done_at=done_at)}


STATUS_TONE = {
    S.NEW: "new",
    S.ASSIGNED: "work",
    S.IN_WORK: "work",
    S.AWAITING_CITIZEN: "review",
    S.REOPENED: "alert",
    S.ANSWER_REVIEW: "review",
    S.APPROVED: "review",
    S.PUBLISHED: "done",
    S.CLOSED: "off",
    S.NO_ANSWER: "off",
    S.MERGED: "off",
}


# A text longer than this is shown folded: its first ``FOLD_AT`` characters (cut after a word
# when one ends in the last fifth), the whole of it behind «Показать полностью».
FOLD_AT = 1000


def fold_head(text: str, limit: int = FOLD_AT) -> str | None:
    """The beginning shown of a long ``text``; None when the text is short enough to show."""
    if len(text) <= limit:
        return None
    head = text[:limit]
    cut = max(head.rfind(" "), head.rfind("\n"))
    if cut >= limit * 4 // 5:
        head = head[:cut]
    return head.rstrip(" \n,;:—-")


@register.inclusion_tag("cases/_folded.html")
def folded(text: str, css: str = "") -> dict[str, Any]:
    """``text`` in a ``<p class=css>``; a long one folded in a ``<details>`` (no script)."""
    text = text or ""
    return {"text": text, "head": fold_head(text), "size": chars(len(text)), "css": css}


@register.filter
def status_tone(status: str) -> str:
    return STATUS_TONE.get(status, "off")


@register.filter
def priority_tone(priority: str) -> str:
    return {Priority.HIGH: "warn", Priority.CRITICAL: "alert"}.get(priority, "")


# --- the timeline --------------------------------------------------------------------------
@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    who: str
    title: str
    text: str
    tone: str


def _org(data: dict, key: str, names: dict[str, str]) -> str:
    code = data.get(key) or ""
    return names.get(code, code)


def describe(event: CaseEvent, names: dict[str, str]) -> tuple[str, str]:
    """``(title, tone)`` of a timeline line in Russian."""
    d = event.data or {}
    k = event.kind
    if k == "opened":
        if d.get("split_from"):
            return f"Инцидент выделен из {d['split_from']}", "new"
        if d.get("priority") in Priority.values:
            label = Priority(d["priority"]).label
            return f"Поступило сообщение, инцидент открыт с приоритетом «{label}»", "new"
        return "Поступило сообщение, инцидент открыт", "new"
    if k == "message_joined":
        if d.get("why") == "near_duplicate":
            share = d.get("similarity")
            share = f" (сходство {round(share * 100)} %)" if isinstance(share, int | float) else ""
            return f"Присоединено похожее сообщение другого заявителя{share}", "new"
        return "Новое сообщение о той же проблеме присоединено", "new"
    if k == "duplicate_suggested":
        return f"Похоже на инцидент {d.get('case', '')}: проверьте и объедините", "review"
    if k == "reclassified":
        return "Классификация исправлена оператором", "work"
    if k == "accept":
        return f"Принят ЦУР и направлен: {_org(d, 'organization', names)}", "work"
    if k == "reject":
        return "ЦУР: ответ не требуется", "off"
    if k == "assign":
        if d.get("redirect"):
            return f"Переадресован: {_org(d, 'organization', names)}", "work"
        return f"Назначен: {_org(d, 'organization', names)}", "work"
    if k == "take":
        return "Взят в работу", "work"
    if k == "submit_answer":
        return "Ответ отправлен на модерацию ЦУР", "review"
    if k == "intermediate_answer":
        return "Промежуточный ответ отправлен на модерацию ЦУР", "review"
    if k in ("return_answer", "answer_returned"):
        return "Ответ возвращён на доработку", "alert"
    if k == "approve_answer":
        return "Ответ одобрен ЦУР", "done"
    if k == "answer_approved":
        return "Промежуточный ответ одобрен ЦУР", "done"
    if k == "publish":
        return "Ответ опубликован, заявителю отправлен опрос", "done"
    if k == "close":
        return "Закрыт", "off"
    if k == "reopen":
        return "Переоткрыт", "alert"
    if k == "merge":
        return f"Объединён с инцидентом {d.get('into', '')}", "off"
    if k == "merged_in":
        return f"Присоединены сообщения инцидента {d.get('from', '')}", "new"
    if k == "split":
        return f"Часть сообщений выделена в инцидент {d.get('new_case', '')}", "new"
    if k == "survey":
        solved = "проблема решена" if d.get("solved") else "проблема не решена"
        rating = f", оценка {d['rating']} из 5" if d.get("rating") else ""
        return f"Ответ заявителя на опрос: {solved}{rating}", "done" if d.get("solved") else "alert"
    if k == "request_info":
        stopped = "срок приостановлен" if d.get("clock_stopped") else "срок не приостанавливается"
        return f"Запрошены сведения у заявителя ({stopped})", "review"
    if k == "resume":
        how = "получен ответ заявителя" if d.get("message_id") else "вручную"
        moved = ""
        if d.get("clock_stopped") and d.get("resolution_due"):
            due = dt.datetime.fromisoformat(d["resolution_due"])
            moved = f"; срок ответа перенесён на {timezone.localtime(due):%d.%m.%Y}"
        return f"Работа возобновлена ({how}){moved}", "work"
    if k == "redirect_requested":
        return f"Запрошена переадресация: {_org(d, 'to', names)}", "review"
    if k == "redirect_refused":
        return "ЦУР отказал в переадресации", "alert"
    if k == "extension_requested":
        return f"Запрошено продление срока на {d.get('days', '?')} дн.", "review"
    if k == "extended":
        return f"Срок продлён на {d.get('days', '?')} дн.", "work"
    if k == "extension_refused":
        return f"ЦУР отказал в продлении на {d.get('days', '?')} дн.", "alert"
    if k == "deadline_warning":
        fraction = d.get("fraction")
        share = f" ({round(fraction * 100)} % срока)" if isinstance(fraction, int | float) else ""
        return f"Предупреждение: срок на исходе{share}", "warn"
    if k == "deadline_breached":
        return "Срок ответа нарушен", "alert"
    if k == "escalated":
        return f"Эскалация, уровень {d.get('level', '?')}", "alert"
    return k, "off"


def timeline(events: Iterable[CaseEvent]) -> list[TimelineEntry]:
    """The Russian lines of a case's timeline (organisation codes become short names)."""
    from otklik.directory.models import Organization

    events = list(events)
    codes = {
        str(e.data.get(key))
        for e in events
        for key in ("organization", "to", "from")
        if isinstance(e.data, dict) and e.data.get(key)
    }
    names = dict(Organization.objects.filter(code__in=codes).values_list("code", "short_name"))
    entries = []
    for e in events:
        title, tone = describe(e, names)
        if e.actor is not None:
            who = str(e.actor)
        elif e.kind == "survey":
            who = "заявитель"
        else:
            who = "Отклик (автоматически)"
        entries.append(TimelineEntry(at=e.at, who=who, title=title, text=e.text, tone=tone))
    return entries
