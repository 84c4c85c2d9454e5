"""How the audit log names the events of requests and tasks (see ``otklik/audit/registry.py``)."""

from __future__ import annotations

from django.urls import reverse

from otklik.audit.registry import (
    TargetRef,
    actions_register,
    fields_register,
    target_register,
    values_register,
)
from otklik.correspondence.choices import AssignmentKind, IncomingSource
from otklik.correspondence.models import Assignment, Incoming, Item


def _assignments(ids: list[str]) -> dict[str, TargetRef]:
    rows = Assignment.objects.filter(pk__in=ids)
    return {
        str(a.pk): TargetRef(str(a), reverse("correspondence:assignment", args=[a.pk]))
        for a in rows
    }


def _items(ids: list[str]) -> dict[str, TargetRef]:
    rows = Item.objects.filter(pk__in=ids).select_related("assignment", "organization")
    return {
        str(i.pk): TargetRef(
            f"{i.assignment.get_kind_display().lower()} № {i.assignment_id} — "
            f"{i.organization.short_name}",
            reverse("correspondence:item", args=[i.pk]),
        )
        for i in rows
    }


def _incoming(ids: list[str]) -> dict[str, TargetRef]:
    rows = Incoming.objects.filter(pk__in=ids)
    return {
        str(i.pk): TargetRef(f"входящий {i}", reverse("correspondence:incoming", args=[i.pk]))
        for i in rows
    }


actions_register(
    {
        "correspondence.send": "Направлен запрос (поручение) организациям",
        "correspondence.answer": "Организация ответила на запрос (поручение)",
        "correspondence.accept": "Ответ организации принят",
        "correspondence.return": "Ответ организации возвращён на доработку",
        "correspondence.withdraw": "Запрос (поручение) отозван у организации",
        "correspondence.remind": "Напоминание организации о сроке",
        "correspondence.overdue": "Срок ответа организации истёк",
        "correspondence.escalate": "О просрочке организации доложено выше",
        "correspondence.summary": "Итоговая справка направлена на согласование",
        "correspondence.incoming_register": "Зарегистрирован входящий запрос",
        "correspondence.incoming_assign": "Назначен исполнитель входящего запроса",
        "correspondence.incoming_answer": "Ответ на входящий запрос направлен на согласование",
        "correspondence.incoming_close": "Входящий запрос снят с контроля",
        "correspondence.incoming_remind": "Напоминание исполнителю о сроке входящего запроса",
        "correspondence.incoming_escalate": "О просрочке входящего запроса доложено выше",
    }
)
target_register("correspondence.assignment", label="запрос (поручение)", resolve=_assignments)
target_register("correspondence.item", label="запрос (поручение) организации", resolve=_items)
target_register("correspondence.incoming", label="входящий запрос", resolve=_incoming)
values_register("correspondence.assignment", "kind", dict(AssignmentKind.choices))
values_register("correspondence.incoming", "source", dict(IncomingSource.choices))
fields_register(
    {
        "organizations": "организации",
        "files": "файлов",
        "again": "повторно",
        "early": "досрочно",
        "waiting": "без принятого ответа",
        "reported_to": "кому доложено",
        "their_number": "номер письма",
        "assignee": "исполнитель",
        "was": "прежний исполнитель",
        "parts": "материалов платформы",
        "measure": "мера",
        "source": "от кого",
    }
)
