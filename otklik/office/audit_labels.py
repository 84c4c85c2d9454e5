"""How the audit log names the project office's events (see ``otklik/audit/registry.py``)."""

from __future__ import annotations

from django.urls import reverse

from otklik.audit.registry import TargetRef, actions_register, target_register
from otklik.office.models import Project


def _projects(ids: list[str]) -> dict[str, TargetRef]:
    rows = Project.objects.filter(pk__in=ids).values_list("pk", "code", "name")
    return {
        str(pk): TargetRef(f"проект {code} «{name}»", reverse("office:project", args=[pk]))
        for pk, code, name in rows
    }


actions_register(
    {
        "office.block_lead": "Назначен ответственный за блок",
        "office.project_create": "Создан проект, подготовлен паспорт",
        "office.passport_update": "Паспорт проекта изменён (черновик)",
        "office.passport_change": "Запрос на изменение паспорта: новая версия",
        "office.project_state": "Изменено состояние проекта",
        "office.indicators_load": "Обязательные показатели загружены",
        "office.indicator_propose": "Предложен дополнительный показатель",
        "office.indicator_fact": "Внесено фактическое значение показателя",
        "office.indicators_compute": "Показатели рассчитаны по данным",
        "office.report_prepare": "Подготовлен отчёт о ходе реализации",
        "office.report_update": "Отчёт о ходе реализации изменён",
        "office.report_overdue": "Отчёт о ходе реализации не представлен в срок",
    }
)
target_register("office.project", label="проект", resolve=_projects)
target_register("office.block", label="отраслевой блок")
target_register("office.indicator", label="показатель ЦУР")
