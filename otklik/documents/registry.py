"""What the registry of documents needs from the apps above it, and the table of numbers.

An app whose documents are registered on approval (the project office, later others) tells
how to draw one: ``renderer_register(kind_code, fn)`` from its ``ready()``, where ``fn(approval)``
returns a ``core.printing.Printed`` of the approved version (text, tables, the approval sheet);
the registry adds the number, the date and the signature stamps and freezes the PDF. An
approval of a kind without a renderer is not registered.

``PREFIXES`` is the one table of registration prefixes: the number people read is
``<prefix>-<year>/<serial>`` («ПП-2026/7»), the serial counted per kind and year."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from otklik.core.printing import Printed

Renderer = Callable[[Any], Printed]

# kind code → (prefix of the number, the journal's name of the kind). A kind missing here is
# numbered with «Д» (document); add its row when the kind is registered.
PREFIXES: dict[str, tuple[str, str]] = {
    "passport": ("ПП", "Паспорт проекта"),
    "report": ("ОП", "Отчёт о ходе реализации проекта"),
    "block_report": ("ОБ", "Отчёт отраслевого блока"),
    "plan": ("СП", "Сводный план"),
    "group": ("РГ", "Состав рабочей (экспертной) группы"),
    "assessment": ("ОЦ", "Оценка деятельности ответственных за блоки"),
    "indicator": ("ДП", "Дополнительный показатель"),
    "problem_list": ("ПРП", "Перечень региональных проблем"),
    "analytics_report": ("АО", "Аналитический отчёт"),
    "corr_summary": ("ИС", "Итоговая справка по запросу (поручению)"),
    "corr_answer": ("ОТВ", "Ответ на входящий запрос"),
    "request": ("ЗАП", "Запрос"),
    "task": ("ПОР", "Поручение"),
    "incoming": ("ВХ", "Входящий документ"),
    "outgoing": ("ИСХ", "Исходящий документ"),
}
DEFAULT_PREFIX = "Д"

Series = Callable[[Any], str]


@dataclass(frozen=True)
class KindRenderer:
    render: Renderer  # approval → Printed of the approved version
    series: Series | None = None  # approval → what its versions share («project:12»)


_RENDERERS: dict[str, KindRenderer] = {}


def renderer_register(kind: str, fn: Renderer, *, series: Series | None = None) -> None:
    """Register how to draw an approved document of ``kind`` (``fn(approval) -> Printed``);
    ``series(approval)`` names what the versions of one document share (its project, block
    and period, …), so a document's card lists its other registered versions."""
    _RENDERERS[kind] = KindRenderer(fn, series)


def renderer_get(kind: str) -> KindRenderer | None:
    return _RENDERERS.get(kind)


def prefix_of(kind: str) -> str:
    return PREFIXES.get(kind, (DEFAULT_PREFIX, ""))[0]


def kind_label(kind: str) -> str:
    """The journal's name of a kind (the route's label when the table has none)."""
    if kind in PREFIXES:
        return PREFIXES[kind][1]
    from otklik.approvals.registry import kinds

    known = kinds().get(kind)
    return known.label.capitalize() if known else kind


def number_format(kind: str, year: int, serial: int) -> str:
    return f"{prefix_of(kind)}-{year}/{serial}"
