from django.db import models


class Verb(models.TextChoices):
    """What a step of the route does: agree (a visa of someone who is not the final authority) or
    approve (the authority's decision; the last step)."""

    AGREE = "agree", "Согласование"
    APPROVE = "approve", "Утверждение"


class ApprovalState(models.TextChoices):
    DRAFT = "draft", "Черновик"
    IN_ROUTE = "in_route", "На согласовании"
    RETURNED = "returned", "Возвращён на доработку"
    APPROVED = "approved", "Утверждён"


class Decision(models.TextChoices):
    """A line of an approval's history."""

    OPEN = "open", "Подготовлен проект"
    SUBMIT = "submit", "Направлен на согласование"
    AGREE = "agree", "Согласовано"
    APPROVE = "approve", "Утверждено"
    RETURN = "return", "Возвращено на доработку"
    COMMENT = "comment", "Замечание"
    REMIND = "remind", "Напоминание о сроке"
    ESCALATE = "escalate", "Срок шага истёк: доложено выше"


# The owner submits from these states; the route's side decides only ``IN_ROUTE``.
SUBMITTABLE = frozenset({ApprovalState.DRAFT, ApprovalState.RETURNED})
