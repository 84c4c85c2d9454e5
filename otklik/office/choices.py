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


class RiskProbability(models.TextChoices):
    LOW = "low", "низкая"
    MEDIUM = "medium", "средняя"
    HIGH = "high", "высокая"


class RiskImpact(models.TextChoices):
    LOW = "low", "низкое"
    MEDIUM = "medium", "среднее"
    HIGH = "high", "высокое"


class RiskStatus(models.TextChoices):
    OPEN = "open", "Открыт"
    MITIGATING = "mitigating", "Принимаются меры"
    CLOSED = "closed", "Закрыт"
    REALISED = "realised", "Реализовался"


# The risk owner's transitions (a closed risk is reopened when it comes back).
RISK_TRANSITIONS: dict[str, frozenset[str]] = {
    RiskStatus.OPEN: frozenset({RiskStatus.MITIGATING, RiskStatus.CLOSED, RiskStatus.REALISED}),
    RiskStatus.MITIGATING: frozenset({RiskStatus.OPEN, RiskStatus.CLOSED, RiskStatus.REALISED}),
    RiskStatus.REALISED: frozenset({RiskStatus.CLOSED}),
    RiskStatus.CLOSED: frozenset({RiskStatus.OPEN}),
}
# A risk in these states is watched: its due date can pass (overdue).
RISK_ACTIVE = frozenset({RiskStatus.OPEN, RiskStatus.MITIGATING})


class GroupKind(models.TextChoices):
    WORKING = "working", "Рабочая группа"
    EXPERT = "expert", "Экспертная группа"


class MemberRole(models.TextChoices):
    """A member's role in a group, in the order a composition lists them."""

    CHAIR = "chair", "руководитель"
    SECRETARY = "secretary", "секретарь"
    MEMBER = "member", "член"


class ProgrammeKind(models.TextChoices):
    """What a programme of the synchronisation catalogue is (``office/data/programmes.toml``)."""

    NATIONAL = "national", "Национальный проект"
    FEDERAL = "federal", "Федеральный проект"
    DEPARTMENTAL = "departmental", "Ведомственный проект"
    PROGRAMME = "programme", "Государственная программа, концепция"
    REGIONAL = "regional", "Региональный проект"


class RoadmapStatus(models.TextChoices):
    PLANNED = "planned", "Запланирован"
    IN_WORK = "in_work", "В работе"
    DONE = "done", "Выполнен"
    CANCELLED = "cancelled", "Отменён"


# The executor's transitions of a roadmap item; «выполнен» only with its evidence
# (``roadmap_item_done``), a cancelled or done item is taken back into work when it comes back.
ROADMAP_TRANSITIONS: dict[str, frozenset[str]] = {
    RoadmapStatus.PLANNED: frozenset({RoadmapStatus.IN_WORK, RoadmapStatus.CANCELLED}),
    RoadmapStatus.IN_WORK: frozenset({RoadmapStatus.PLANNED, RoadmapStatus.CANCELLED}),
    RoadmapStatus.DONE: frozenset({RoadmapStatus.IN_WORK}),
    RoadmapStatus.CANCELLED: frozenset({RoadmapStatus.PLANNED}),
}
# An item in these states is watched: its due date can pass (overdue).
ROADMAP_ACTIVE = frozenset({RoadmapStatus.PLANNED, RoadmapStatus.IN_WORK})


class ReportStanding(models.TextChoices):
    """Where a project's report of a period stands, as a block's report sums it up."""

    APPROVED = "approved", "утверждён"
    SUBMITTED = "submitted", "на согласовании"
    IN_WORK = "in_work", "готовится"
    OVERDUE = "overdue", "не представлен в срок"
    MISSING = "missing", "не подготовлен"
