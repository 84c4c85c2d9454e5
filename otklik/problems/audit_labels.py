"""How the audit log names the registry of problems' events (see ``otklik/audit/registry.py``)."""

from __future__ import annotations

from django.urls import reverse

from otklik.audit.registry import TargetRef, actions_register, target_register, values_register
from otklik.problems.choices import ProblemStatus
from otklik.problems.models import Problem


def _problems(ids: list[str]) -> dict[str, TargetRef]:
    rows = Problem.objects.filter(pk__in=ids).values_list("pk", "title")
    return {
        str(pk): TargetRef(f"проблема № {pk} «{title}»", reverse("problems:detail", args=[pk]))
        for pk, title in rows
    }


actions_register(
    {
        "problem.create": "Проблема внесена в реестр",
        "problem.update": "Проблема изменена",
        "problem.cases_add": "К проблеме добавлены инциденты",
        "problem.cases_remove": "Из проблемы исключены инциденты",
        "problem.measure_add": "Добавлена мера по проблеме",
        "problem.measure_complete": "Мера по проблеме выполнена",
        "problem.import": "Проблемы загружены из файла",
        "problem.indicators": "Показатели проекта изменены",
        "problem.indicators_import": "Показатели проектов загружены из файла",
        "problem.list_form": "Сформирован перечень региональных проблем",
        "problem.list_item": "Изменена строка перечня региональных проблем",
    }
)
target_register("problems.problem", label="проблема", resolve=_problems)
target_register("problems.projectindicator", label="показатель проекта")
target_register("problems.problemlist", label="перечень региональных проблем")
values_register("problems.problem", "status", dict(ProblemStatus.choices))
