"""How the audit log names the cases' events and objects (see ``otklik/audit/registry.py``)."""

from __future__ import annotations

from types import SimpleNamespace

from django.urls import reverse

from otklik.audit.registry import (
    TargetRef,
    action_describer_register,
    actions_register,
    case_targets_register,
    target_register,
    values_register,
)
from otklik.cases.choices import AnswerStatus, CaseStatus
from otklik.cases.models import Answer, Case, ExtensionRequest, RedirectRequest, RoutingRule
from otklik.cases.templatetags.cases_ui import describe


def _describe_case_event(action: str, data: dict) -> str:
    kind = action.split(".", 1)[1]
    title, _tone = describe(SimpleNamespace(kind=kind, data=data), {})
    return title if title != kind else action  # an event the timeline does not know either


def _cases(ids: list[str]) -> dict[str, TargetRef]:
    numbers = Case.objects.filter(pk__in=ids).values_list("pk", "number")
    return {
        str(pk): TargetRef(f"инцидент № {number}", reverse("cases:detail", args=[number]))
        for pk, number in numbers
    }


def _of_case(model):
    def resolve(ids: list[str]) -> dict[str, TargetRef]:
        rows = model.objects.filter(pk__in=ids).values_list("pk", "case__number")
        label = model._meta.verbose_name
        return {
            str(pk): TargetRef(
                f"{label} по инциденту № {number}", reverse("cases:detail", args=[number])
            )
            for pk, number in rows
        }

    return resolve


def _routing_rules(ids: list[str]) -> dict[str, TargetRef]:
    rows = RoutingRule.objects.filter(pk__in=ids).values_list("pk", "name")
    return {
        str(pk): TargetRef(f"правило «{name}»", reverse("cases:routing_edit", args=[pk]))
        for pk, name in rows
    }


def _case_targets(number: str) -> list[tuple[str, list[str]]]:
    case = Case.objects.filter(number=number).values_list("pk", flat=True).first()
    if case is None:
        return []
    related = []
    for model in (Answer, RedirectRequest, ExtensionRequest):
        ids = model.objects.filter(case_id=case).values_list("pk", flat=True)
        related.append((model._meta.label_lower, [str(pk) for pk in ids]))
    return [("cases.case", [str(case)]), *related]


action_describer_register("case.", _describe_case_event)
actions_register(
    {
        "routing.create": "Правило маршрутизации добавлено",
        "routing.update": "Правило маршрутизации изменено",
        "routing.delete": "Правило маршрутизации удалено",
        "routing.load": "Правила маршрутизации загружены",
    }
)
target_register("cases.case", label="инцидент", resolve=_cases)
target_register("cases.answer", label="ответ", resolve=_of_case(Answer))
target_register(
    "cases.redirectrequest", label="запрос на переадресацию", resolve=_of_case(RedirectRequest)
)
target_register(
    "cases.extensionrequest", label="запрос на продление", resolve=_of_case(ExtensionRequest)
)
target_register("cases.routingrule", label="правило маршрутизации", resolve=_routing_rules)
values_register("cases.case", "status", dict(CaseStatus.choices))
values_register("cases.answer", "status", dict(AnswerStatus.choices))
case_targets_register(_case_targets)
