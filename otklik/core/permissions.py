"""The permission matrix: which role may do which action, and over which part of the region.

This table is the single source of truth. Services call ``access_check`` before they change
anything; selectors call ``visible_to`` so that a list never shows what the user may not see;
templates only ask ``can`` to hide buttons. ``docs/permissions.md`` is generated from this table
(``otklik permissions --markdown``) and a test keeps the two equal.
"""

from __future__ import annotations

import enum
from typing import Any

from django.db.models import Model, Q, QuerySet

from otklik.core.exceptions import AccessDenied
from otklik.core.roles import ROLE_SCOPE_FIELD, SUPERUSER, Role, acting_role


class Scope(enum.StrEnum):
    NONE = "none"
    ALL = "all"  # the whole region
    OWN = "own"  # the user's own sector, organisation or municipality (by role)


class Action(enum.StrEnum):
    REFERENCE_VIEW = "reference.view"
    REFERENCE_EDIT = "reference.edit"
    CALENDAR_EDIT = "calendar.edit"
    USER_VIEW = "user.view"
    USER_MANAGE = "user.manage"
    MESSAGE_VIEW = "message.view"
    MESSAGE_CLASSIFY = "message.classify"
    AUDIT_VIEW = "audit.view"
    QUARANTINE_VIEW = "quarantine.view"
    QUARANTINE_MANAGE = "quarantine.manage"
    CASE_VIEW = "case.view"
    CASE_MODERATE = "case.moderate"
    CASE_WORK = "case.work"
    ANSWER_MODERATE = "answer.moderate"
    ROUTING_EDIT = "routing.edit"
    MODEL_VIEW = "model.view"
    MODEL_MANAGE = "model.manage"
    CHANNEL_VIEW = "channel.view"
    CHANNEL_IMPORT = "channel.import"
    APPEAL_REGISTER = "appeal.register"
    ANALYTICS_VIEW = "analytics.view"
    RATING_MANAGE = "rating.manage"
    ANALYTICS_EXPORT = "analytics.export"
    PROBLEM_VIEW = "problem.view"
    PROBLEM_MANAGE = "problem.manage"
    PROBLEM_IMPORT = "problem.import"
    OFFICE_VIEW = "office.view"
    OFFICE_PREPARE = "office.prepare"
    INDICATOR_MANAGE = "indicator.manage"
    APPROVAL_AGREE = "approval.agree"
    APPROVAL_APPROVE = "approval.approve"
    QUESTION_RAISE = "question.raise"
    QUESTION_DECIDE = "question.decide"
    PLAN_PREPARE = "plan.prepare"
    ASSESSMENT_PUBLISH = "assessment.publish"
    ROADMAP_MANAGE = "roadmap.manage"
    DOCUMENTS_VIEW = "documents.view"
    CORR_VIEW = "correspondence.view"
    CORR_SEND = "correspondence.send"
    CORR_CHECK = "correspondence.check"
    CORR_ANSWER = "correspondence.answer"
    CORR_INCOMING = "correspondence.incoming"


ACTION_LABELS: dict[Action, str] = {
    Action.REFERENCE_VIEW: "Просмотр справочников (МО, темы, организации, каналы)",
    Action.REFERENCE_EDIT: "Изменение справочников",
    Action.CALENDAR_EDIT: "Поправки производственного календаря",
    Action.USER_VIEW: "Просмотр пользователей",
    Action.USER_MANAGE: "Создание пользователей, роли и блокировка",
    Action.MESSAGE_VIEW: "Просмотр сообщений",
    Action.MESSAGE_CLASSIFY: "Исправление отрасли, темы и места сообщения",
    Action.AUDIT_VIEW: "Просмотр журнала действий",
    Action.QUARANTINE_VIEW: "Просмотр карантина поступлений",
    Action.QUARANTINE_MANAGE: "Разбор карантина: повторить или отклонить",
    Action.CASE_VIEW: "Просмотр инцидентов",
    Action.CASE_MODERATE: "Модерация инцидентов: принять, отклонить, объединить, назначить, "
    "решения о переадресации и продлении",
    Action.CASE_WORK: "Работа по инциденту: взять в работу, ответить, запросить сведения у "
    "заявителя и возобновить, запросить переадресацию или продление",
    Action.ANSWER_MODERATE: "Модерация ответов: вернуть на доработку, одобрить, оценить",
    Action.ROUTING_EDIT: "Правила маршрутизации и шаблоны ответов",
    Action.MODEL_VIEW: "Просмотр моделей классификации, исправлений и переобработок",
    Action.MODEL_MANAGE: "Модели классификации: обучение, включение, откат; переобработка истории",
    Action.CHANNEL_VIEW: "Состояние каналов: поступления, отправки, ошибки, задержка",
    Action.CHANNEL_IMPORT: "Импорт выгрузок ПОС и других систем (файлы CSV, XLSX, JSON)",
    Action.APPEAL_REGISTER: "Регистрация обращений по телефону и на бумаге (своя организация — "
    "обращения, адресованные ей)",
    Action.ANALYTICS_VIEW: "Аналитика: картина обращений, обработка, удовлетворённость, конфликты",
    Action.RATING_MANAGE: "Рейтинги: методика (веса, порог) и публикация за период",
    Action.ANALYTICS_EXPORT: "Аналитика: ежемесячный отчёт (PDF) и пакет материалов по запросу "
    "(ZIP)",
    Action.PROBLEM_VIEW: "Реестр региональных проблем: просмотр",
    Action.PROBLEM_MANAGE: "Региональные проблемы: создание, инциденты, состояние, меры, "
    "показатели",
    Action.PROBLEM_IMPORT: "Загрузка проблем и показателей нац- и регпроектов из файлов",
    Action.OFFICE_VIEW: "Проектный офис: блоки, показатели, проекты, планы, отчёты, риски, "
    "вопросы на решение куратора, рабочие и экспертные группы",
    Action.OFFICE_PREPARE: "Проектный офис: подготовка паспортов, отчётов, сводных планов, "
    "составов рабочих и экспертных групп и изменений к ним, направление на согласование; реестр "
    "рисков; исполнение поручений куратора",
    Action.INDICATOR_MANAGE: "Показатели ЦУР: загрузка обязательных, предложение дополнительных, "
    "плановые и фактические значения",
    Action.APPROVAL_AGREE: "Согласование документов проектного офиса (или возврат на доработку)",
    Action.APPROVAL_APPROVE: "Утверждение документов проектного офиса (или возврат на доработку)",
    Action.QUESTION_RAISE: "Вопрос на решение куратора: постановка по риску или отчёту о ходе "
    "реализации",
    Action.QUESTION_DECIDE: "Вопрос на решение куратора: решение и поручения по нему",
    Action.PLAN_PREPARE: "Сводные планы блоков и ЦУР: формирование из утверждённых паспортов",
    Action.ASSESSMENT_PUBLISH: "Оценка ответственных за блоки: расчёт, проверка и публикация",
    Action.ROADMAP_MANAGE: "Дорожная карта ЦУР (пункты, сроки, исполнение) и синхронизация с "
    "национальными проектами (каталог программ, связи проектов и показателей)",
    Action.DOCUMENTS_VIEW: "Документы ЦУР: журнал регистрации, карточки, скачивание и выгрузка "
    "с манифестом хешей (каждый документ — если виден документ его вида)",
    Action.CORR_VIEW: "Запросы и поручения: просмотр (организация — адресованные ей)",
    Action.CORR_SEND: "Запросы и поручения организациям: направление, отзыв, итоговая справка; "
    "меры региональных проблем как поручения",
    Action.CORR_CHECK: "Запросы и поручения: приём ответа организации или возврат на доработку",
    Action.CORR_ANSWER: "Запросы и поручения: ответ организации (текст и файлы)",
    Action.CORR_INCOMING: "Входящие запросы Минцифры и центра компетенций: регистрация, "
    "назначение исполнителя, подготовка ответа",
}

A, O, N = Scope.ALL, Scope.OWN, Scope.NONE  # noqa: E741 — one letter keeps the table readable
R = Role

# fmt: off
# role order of the columns: curator, executor, head, sector lead, analyst, org operator,
# municipal coordinator, auditor
_ROLES = [R.CURATOR, R.EXECUTOR, R.HEAD, R.SECTOR_LEAD, R.ANALYST, R.ORG_OPERATOR,
          R.MUNICIPAL_COORDINATOR, R.AUDITOR]
_ROWS: dict[Action, tuple[Scope, ...]] = {
    #                          cur exe head sect anal oper mun  aud
    Action.REFERENCE_VIEW:    (A,  A,  A,   A,   A,   A,   A,   A),
    Action.REFERENCE_EDIT:    (A,  A,  A,   N,   A,   N,   N,   N),
    Action.CALENDAR_EDIT:     (A,  A,  A,   N,   N,   N,   N,   N),
    Action.USER_VIEW:         (A,  A,  A,   N,   N,   N,   N,   A),
    Action.USER_MANAGE:       (A,  A,  A,   N,   N,   N,   N,   N),
    Action.MESSAGE_VIEW:      (A,  A,  A,   O,   A,   O,   O,   A),
    Action.MESSAGE_CLASSIFY:  (A,  A,  A,   O,   A,   N,   N,   N),
    Action.AUDIT_VIEW:        (A,  A,  A,   N,   N,   N,   N,   A),
    Action.QUARANTINE_VIEW:   (A,  A,  A,   N,   A,   N,   N,   A),
    Action.QUARANTINE_MANAGE: (A,  A,  A,   N,   A,   N,   N,   N),
    Action.CASE_VIEW:         (A,  A,  A,   O,   A,   O,   O,   A),
    Action.CASE_MODERATE:     (A,  A,  A,   O,   A,   N,   N,   N),
    Action.CASE_WORK:         (A,  A,  A,   O,   A,   O,   O,   N),
    Action.ANSWER_MODERATE:   (A,  A,  A,   O,   A,   N,   N,   N),
    Action.ROUTING_EDIT:      (A,  A,  A,   N,   A,   N,   N,   N),
    Action.MODEL_VIEW:        (A,  A,  A,   N,   A,   N,   N,   A),
    Action.MODEL_MANAGE:      (A,  A,  A,   N,   A,   N,   N,   N),
    Action.CHANNEL_VIEW:      (A,  A,  A,   N,   A,   N,   N,   A),
    Action.CHANNEL_IMPORT:    (A,  A,  A,   N,   A,   N,   N,   N),
    Action.APPEAL_REGISTER:   (N,  A,  A,   N,   A,   O,   N,   N),
    Action.ANALYTICS_VIEW:    (A,  A,  A,   O,   A,   O,   O,   A),
    Action.RATING_MANAGE:     (A,  A,  A,   N,   N,   N,   N,   N),
    Action.ANALYTICS_EXPORT:  (A,  A,  A,   N,   A,   N,   N,   N),
    Action.PROBLEM_VIEW:      (A,  A,  A,   O,   A,   O,   O,   A),
    Action.PROBLEM_MANAGE:    (A,  A,  A,   O,   A,   N,   N,   N),
    Action.PROBLEM_IMPORT:    (A,  A,  A,   N,   A,   N,   N,   N),
    Action.OFFICE_VIEW:       (A,  A,  A,   A,   A,   N,   N,   A),
    Action.OFFICE_PREPARE:    (N,  N,  A,   O,   N,   N,   N,   N),
    Action.INDICATOR_MANAGE:  (N,  A,  A,   O,   N,   N,   N,   N),
    Action.APPROVAL_AGREE:    (N,  N,  A,   N,   N,   N,   N,   N),
    Action.APPROVAL_APPROVE:  (A,  N,  N,   N,   N,   N,   N,   N),
    Action.QUESTION_RAISE:    (N,  N,  A,   N,   N,   N,   N,   N),
    Action.QUESTION_DECIDE:   (A,  N,  N,   N,   N,   N,   N,   N),
    Action.PLAN_PREPARE:      (N,  N,  A,   N,   N,   N,   N,   N),
    Action.ASSESSMENT_PUBLISH: (N,  N,  A,   N,   N,   N,   N,   N),
    Action.ROADMAP_MANAGE:    (N,  A,  N,   N,   N,   N,   N,   N),
    Action.DOCUMENTS_VIEW:    (A,  A,  A,   O,   A,   N,   N,   A),
    Action.CORR_VIEW:         (A,  A,  A,   O,   A,   O,   N,   A),
    Action.CORR_SEND:         (A,  A,  A,   O,   N,   N,   N,   N),
    Action.CORR_CHECK:        (A,  A,  A,   O,   N,   N,   N,   N),
    Action.CORR_ANSWER:       (N,  N,  N,   N,   N,   O,   N,   N),
    Action.CORR_INCOMING:     (A,  A,  A,   O,   A,   N,   N,   N),
}
# fmt: on
MATRIX: dict[Action, dict[Role, Scope]] = {
    action: dict(zip(_ROLES, scopes, strict=True)) for action, scopes in _ROWS.items()
}


def scope_for(user: Any, action: Action) -> Scope:
    """The scope in which ``user`` may perform ``action``; superusers act on the whole region."""
    role = acting_role(user)
    if role is None:
        return Scope.NONE
    if role == SUPERUSER:
        return Scope.ALL
    return MATRIX[action][role]


def can(user: Any, action: Action, obj: Model | None = None) -> bool:
    scope = scope_for(user, action)
    if scope is Scope.NONE:
        return False
    if scope is Scope.ALL or obj is None:
        return True
    return _in_own_scope(user, obj)


def access_check(user: Any, action: Action, obj: Model | None = None) -> None:
    """Raise ``AccessDenied`` unless ``user`` may perform ``action`` (on ``obj``)."""
    if not can(user, action, obj):
        raise AccessDenied(
            f"Недостаточно прав: «{ACTION_LABELS[action]}».", extra={"action": str(action)}
        )


def visible_to(queryset: QuerySet, user: Any, action: Action = Action.MESSAGE_VIEW) -> QuerySet:
    """``queryset`` narrowed to what ``user`` may see for ``action`` (empty when nothing).

    The model declares ``scope_lookups``: for each scope field of a role (sector, organization,
    municipality) the lookup that reaches it from the model, e.g. ``{"sector": "sector"}``.
    """
    scope = scope_for(user, action)
    if scope is Scope.ALL:
        return queryset
    if scope is Scope.NONE:
        return queryset.none()
    return queryset.filter(_own_scope_q(user, queryset.model))


# Ids up to this many are written into the query as a list rather than as a subquery.
ID_LIST_MAX = 1000


def ids_or_subquery(values: QuerySet) -> list | QuerySet:
    """The ids of a one-column ``values``/``values_list`` query as a list when there are at most
    ``ID_LIST_MAX`` of them, else the query itself (a subquery).

    ``a = x OR id IN (SELECT …)`` cannot use an index (PostgreSQL scans the whole table for it:
    fatal on a million cases when the user's share is small); ``a = x OR id IN (1, 2, 3)`` is
    two index scans."""
    ids = list(values.order_by()[: ID_LIST_MAX + 1])
    return ids if len(ids) <= ID_LIST_MAX else values


def _own_scope_q(user: Any, model: type[Model], *, lists: bool = True) -> Q:
    """The user's own scope on ``model``. With ``lists`` (for lists of rows) the ids reached
    through other tables are read first and written into the query, so that it can use the
    indexes; without (for one row by its key) they stay subqueries."""
    field = ROLE_SCOPE_FIELD.get(user.role)
    lookups: dict[str, str | list[str]] = getattr(model, "scope_lookups", {})
    if field is None or field not in lookups:
        return Q(pk__in=[])
    target_id = getattr(user, f"{field}_id")
    paths = lookups[field]
    if isinstance(paths, str):
        paths = [paths]
    q = Q(pk__in=[])
    for path in paths:
        if _crosses_many(model, path):
            # A join through a to-many relation would repeat rows (and DISTINCT is slow on
            # large tables): match the ids instead.
            found = model._default_manager.filter(**{path: target_id}).values_list("pk", flat=True)
            q |= Q(pk__in=ids_or_subquery(found) if lists else found)
        elif lists and (hop := _reference_hop(model, path)) is not None:
            # Through a reference book (``organization__parent``): its few ids, not a join.
            first, rest, related = hop
            found = related._default_manager.filter(**{rest: target_id}).values_list(
                "pk", flat=True
            )
            q |= Q(**{f"{first}__in": list(found.order_by())})
        else:
            q |= Q(**{path: target_id})
    return q


def _crosses_many(model: type[Model], path: str) -> bool:
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except Exception:  # a lookup such as "in" or "exact": the path ends here
            return False
        if field.many_to_many or field.one_to_many:
            return True
        if not field.is_relation:
            return False
        model = field.related_model
    return False


def _reference_hop(model: type[Model], path: str) -> tuple[str, str, type[Model]] | None:
    """``(first, rest, model of first)`` for a path of several steps whose first step is a
    foreign key to a reference book (the small tables of ``otklik.directory``), else None."""
    first, _, rest = path.partition("__")
    if not rest:
        return None
    try:
        field = model._meta.get_field(first)
    except Exception:
        return None
    related = field.related_model if field.many_to_one else None
    if related is None or related._meta.app_label != "directory":
        return None
    return first, rest, related


def _in_own_scope(user: Any, obj: Model) -> bool:
    return (
        type(obj)
        ._default_manager.filter(pk=obj.pk)
        .filter(_own_scope_q(user, type(obj), lists=False))
        .exists()
    )


def matrix_markdown() -> str:
    """The matrix as the Markdown table in docs/permissions.md."""
    legend = {Scope.ALL: "вся область", Scope.OWN: "своя зона", Scope.NONE: "—"}
    head = "| Действие | код | " + " | ".join(r.label for r in _ROLES) + " |"
    rule = "|" + "---|" * (len(_ROLES) + 2)
    rows = [
        f"| {ACTION_LABELS[action]} | `{action}` | "
        + " | ".join(legend[MATRIX[action][r]] for r in _ROLES)
        + " |"
        for action in Action
    ]
    return "\n".join([head, rule, *rows]) + "\n"
