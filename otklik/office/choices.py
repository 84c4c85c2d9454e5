from django.db import models


class Direction(models.TextChoices):
    UP = "up", "больше — лучше"
    DOWN = "down", "меньше — лучше"


class IndicatorKind(models.TextChoices):
    MANDATORY = "mandatory", "Обязательный (центр компетенций)"
    ADDITIONAL = "additional", "Дополнительный (регион)"


class IndicatorSource(models.TextChoices):
    COMPUTED = "computed", "Рассчитывается по данным платформы"
    ENTERED = "entered", "Вносится ответственным"


class IndicatorState(models.TextChoices):
    PROPOSED = "proposed", "Предложен"
    APPROVED = "approved", "Утверждён"


class ProjectState(models.TextChoices):
    DRAFT = "draft", "Проект паспорта"
    AGREEMENT = "agreement", "На согласовании"
    APPROVED = "approved", "Паспорт утверждён"
    IN_PROGRESS = "in_progress", "Реализуется"
    COMPLETED = "completed", "Завершён"
    STOPPED = "stopped", "Прекращён"


# The owner's transitions of a project (the route moves draft → agreement → approved).
PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    ProjectState.APPROVED: frozenset({ProjectState.IN_PROGRESS, ProjectState.STOPPED}),
    ProjectState.IN_PROGRESS: frozenset({ProjectState.COMPLETED, ProjectState.STOPPED}),
}


class PlanStatus(models.TextChoices):
    """Plan/fact of an indicator in a period, by its direction."""

    DONE = "done", "выполнен"
    LAG = "lag", "отставание"
    NONE = "none", "нет данных"
