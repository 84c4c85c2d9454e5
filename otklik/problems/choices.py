from django.db import models


class ProblemStatus(models.TextChoices):
    IDENTIFIED = "identified", "Выявлена"
    IN_WORK = "in_work", "В работе"
    MEASURES_TAKEN = "measures_taken", "Меры приняты"
    SOLVED = "solved", "Решена"
    CLOSED_UNSOLVED = "closed_unsolved", "Закрыта без решения"


# The allowed transitions (one table for the state machine); each needs a reason.
TRANSITIONS: dict[str, frozenset[str]] = {
    ProblemStatus.IDENTIFIED: frozenset({ProblemStatus.IN_WORK, ProblemStatus.CLOSED_UNSOLVED}),
    ProblemStatus.IN_WORK: frozenset(
        {ProblemStatus.MEASURES_TAKEN, ProblemStatus.SOLVED, ProblemStatus.CLOSED_UNSOLVED}
    ),
    ProblemStatus.MEASURES_TAKEN: frozenset(
        {ProblemStatus.SOLVED, ProblemStatus.IN_WORK, ProblemStatus.CLOSED_UNSOLVED}
    ),
    ProblemStatus.SOLVED: frozenset({ProblemStatus.IN_WORK}),  # the problem came back
    ProblemStatus.CLOSED_UNSOLVED: frozenset({ProblemStatus.IN_WORK}),
}


class ProblemSource(models.TextChoices):
    MANUAL = "manual", "Вручную"
    ALERT = "alert", "Из сигнала о новой проблеме"
    CLUSTER = "cluster", "Из группы инцидентов"
    IMPORTED = "imported", "Из внешней аналитической системы"


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", "Запланирована"
    DONE = "done", "Выполнена"


class ProjectKind(models.TextChoices):
    NATIONAL = "national", "Национальный проект"
    REGIONAL = "regional", "Региональный проект"
