from django.db import models

from otklik.core.states import Transition


class ProblemStatus(models.TextChoices):
    IDENTIFIED = "identified", "Выявлена"
    IN_WORK = "in_work", "В работе"
    MEASURES_TAKEN = "measures_taken", "Меры приняты"
    SOLVED = "solved", "Решена"
    CLOSED_UNSOLVED = "closed_unsolved", "Закрыта без решения"


S = ProblemStatus

# The allowed moves, by transition name (the shape of ``otklik.cases.choices.TRANSITIONS``);
# each needs a reason. A problem moves to the target the user chooses: one transition leads
# to each status.
TRANSITIONS: dict[str, Transition] = {
    "start": Transition(
        frozenset({S.IDENTIFIED, S.MEASURES_TAKEN, S.SOLVED, S.CLOSED_UNSOLVED}), S.IN_WORK
    ),  # from «solved» or «closed»: the problem came back
    "measures_taken": Transition(frozenset({S.IN_WORK}), S.MEASURES_TAKEN),
    "solve": Transition(frozenset({S.IN_WORK, S.MEASURES_TAKEN}), S.SOLVED),
    "close_unsolved": Transition(
        frozenset({S.IDENTIFIED, S.IN_WORK, S.MEASURES_TAKEN}), S.CLOSED_UNSOLVED
    ),
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
