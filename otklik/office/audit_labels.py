"""How the audit log names the project office's events (see ``otklik/audit/registry.py``)."""

from __future__ import annotations

from django.urls import reverse

from otklik.audit.registry import (
    TargetRef,
    actions_register,
    fields_register,
    target_register,
    values_register,
)
from otklik.office.choices import ProjectState, RiskStatus, RoadmapStatus
from otklik.office.models import CuratorQuestion, Group, Project, Risk, RoadmapItem


def _projects(ids: list[str]) -> dict[str, TargetRef]:
    rows = Project.objects.filter(pk__in=ids).values_list("pk", "code", "name")
    return {
        str(pk): TargetRef(f"проект {code} «{name}»", reverse("office:project", args=[pk]))
        for pk, code, name in rows
    }


def _roadmap_items(ids: list[str]) -> dict[str, TargetRef]:
    rows = RoadmapItem.objects.filter(pk__in=ids).values_list("pk", "number", "title")
    return {
        str(pk): TargetRef(
            f"пункт {number} дорожной карты «{title[:80]}»",
            reverse("office:roadmap_item", args=[pk]),
        )
        for pk, number, title in rows
    }


def _risks(ids: list[str]) -> dict[str, TargetRef]:
    rows = Risk.objects.filter(pk__in=ids).values_list("pk", "project__code", "description")
    return {
        str(pk): TargetRef(f"риск {code}: «{text[:80]}»", reverse("office:risk", args=[pk]))
        for pk, code, text in rows
    }


def _questions(ids: list[str]) -> dict[str, TargetRef]:
    rows = CuratorQuestion.objects.filter(pk__in=ids).values_list("pk", "project__code", "text")
    return {
        str(pk): TargetRef(
            f"вопрос на решение куратора № {pk} ({code}): «{text[:80]}»",
            reverse("office:question", args=[pk]),
        )
        for pk, code, text in rows
    }


def _groups(ids: list[str]) -> dict[str, TargetRef]:
    rows = Group.objects.filter(pk__in=ids)
    return {str(g.pk): TargetRef(str(g), reverse("office:group", args=[g.pk])) for g in rows}


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
        "office.indicators_import": "План и факт показателей загружены из файла",
        "office.report_prepare": "Подготовлен отчёт о ходе реализации",
        "office.report_update": "Отчёт о ходе реализации изменён",
        "office.report_overdue": "Отчёт о ходе реализации не представлен в срок",
        "office.block_report_prepare": "Подготовлен отчёт блока о ходе реализации",
        "office.block_report_update": "Отчёт блока о ходе реализации изменён",
        "office.block_report_overdue": "Отчёт блока о ходе реализации не представлен в срок",
        "office.plan_assemble": "Сформирован сводный план",
        "office.assessment_compute": "Рассчитана оценка ответственных за блоки",
        "office.assessment_publish": "Опубликована оценка ответственных за блоки",
        "office.risk_create": "Риск проекта внесён в реестр",
        "office.risk_update": "Риск проекта изменён",
        "office.risk_status": "Изменено состояние риска",
        "office.question_raise": "Поставлен вопрос на решение куратора",
        "office.question_decide": "Куратор принял решение по вопросу",
        "office.task_add": "Дано поручение по решению куратора",
        "office.task_done": "Поручение по решению куратора исполнено",
        "office.group_propose": "Предложена рабочая (экспертная) группа, подготовлен состав",
        "office.group_update": "Состав группы изменён (черновик)",
        "office.group_change": "Изменение состава группы: новая версия",
        "office.programmes_load": "Загружен каталог национальных проектов и программ",
        "office.project_links": "Изменены связи проекта с национальными проектами",
        "office.indicator_links": "Изменены связи показателя с национальными проектами",
        "office.programme_links": "Изменены показатели нацпроекта, по которым следят за программой",
        "office.roadmap_create": "Пункт внесён в дорожную карту ЦУР",
        "office.roadmap_update": "Пункт дорожной карты изменён",
        "office.roadmap_status": "Изменено состояние пункта дорожной карты",
        "office.roadmap_done": "Пункт дорожной карты выполнен",
        "office.roadmap_remind": "Напоминание о сроке пункта дорожной карты",
    }
)
target_register("office.project", label="проект", resolve=_projects)
target_register("office.block", label="отраслевой блок")
target_register("office.consolidatedplan", label="сводный план")
target_register("office.assessment", label="оценка ответственных за блоки")
target_register("office.indicator", label="показатель ЦУР")
target_register("office.risk", label="риск проекта", resolve=_risks)
target_register("office.curatorquestion", label="вопрос на решение куратора", resolve=_questions)
target_register("office.group", label="рабочая (экспертная) группа", resolve=_groups)
target_register("office.roadmapitem", label="пункт дорожной карты", resolve=_roadmap_items)
target_register("office.programme", label="национальный проект, программа")
values_register("office.roadmapitem", "status", dict(RoadmapStatus.choices))
values_register("office.risk", "status", dict(RiskStatus.choices))
fields_register(
    {
        "project": "проект",
        "owner": "владелец риска",
        "due": "срок",
        "risk": "риск",
        "report": "отчёт за период",
        "decided_on": "дата решения",
        "tasks": "поручений",
        "task": "поручение",
        "responsible": "ответственный",
        "done_on": "исполнено",
        "late": "с опозданием",
        "kind": "вид",
        "members": "членов",
        "lines_changed": "изменено строк",
        "added": "добавлено",
        "removed": "исключено",
        "items": "пунктов",
        "period": "период",
        "value": "значение",
        "deputies": "заместители",
        "lead": "ответственный за блок",
        "number": "№",
        "programmes": "программы",
        "national_indicators": "показатели нацпроектов",
        "linked": "связано показателей",
        "refresh": "заполнен по данным заново",
    }
)
values_register("office.project", "status", dict(ProjectState.choices))
