"""States of a case and the allowed transitions: one table, one service per transition."""

from django.db import models

from otklik.core.states import Transition


class CaseStatus(models.TextChoices):
    NEW = "new", "Новый (модерация ЦУР)"
    NO_ANSWER = "no_answer", "Не требует ответа"
    MERGED = "merged", "Объединён с другим"
    ASSIGNED = "assigned", "Назначен"
    IN_WORK = "in_work", "В работе"
    AWAITING_CITIZEN = "awaiting_citizen", "Запрошены сведения у заявителя"
    ANSWER_REVIEW = "answer_review", "Ответ на модерации"
    APPROVED = "approved", "Ответ одобрен, публикуется"
    PUBLISHED = "published", "Ответ опубликован"
    CLOSED = "closed", "Закрыт"
    REOPENED = "reopened", "Переоткрыт"


S = CaseStatus

# The allowed moves, by transition name (a case event's ``kind``); one service per transition.
TRANSITIONS: dict[str, Transition] = {
    "accept": Transition(frozenset({S.NEW}), S.ASSIGNED),
    "reject": Transition(frozenset({S.NEW}), S.NO_ANSWER),
    "merge": Transition(
        frozenset({S.NEW, S.ASSIGNED, S.IN_WORK, S.AWAITING_CITIZEN, S.REOPENED}), S.MERGED
    ),
    "assign": Transition(
        frozenset({S.NEW, S.ASSIGNED, S.IN_WORK, S.AWAITING_CITIZEN, S.REOPENED}), S.ASSIGNED
    ),
    "take": Transition(frozenset({S.ASSIGNED, S.REOPENED}), S.IN_WORK),
    # the author is asked for what is missing; the reply (or the organisation by hand) resumes
    "request_info": Transition(frozenset({S.ASSIGNED, S.IN_WORK, S.REOPENED}), S.AWAITING_CITIZEN),
    "resume": Transition(frozenset({S.AWAITING_CITIZEN}), S.IN_WORK),
    # answering without the reply is allowed (the author may never write back)
    "submit_answer": Transition(
        frozenset({S.ASSIGNED, S.IN_WORK, S.AWAITING_CITIZEN, S.REOPENED}), S.ANSWER_REVIEW
    ),
    "return_answer": Transition(frozenset({S.ANSWER_REVIEW}), S.IN_WORK),
    "approve_answer": Transition(frozenset({S.ANSWER_REVIEW}), S.APPROVED),
    "publish": Transition(frozenset({S.APPROVED}), S.PUBLISHED),
    "close": Transition(frozenset({S.PUBLISHED}), S.CLOSED),
    "reopen": Transition(frozenset({S.PUBLISHED, S.CLOSED, S.NO_ANSWER}), S.REOPENED),
}

# States in which the case is with an organisation (it appears in its queue).
OPEN_STATES = frozenset(
    {S.NEW, S.ASSIGNED, S.IN_WORK, S.AWAITING_CITIZEN, S.ANSWER_REVIEW, S.APPROVED, S.REOPENED}
)
# States in which the case waits for someone outside the organisation. A deadline policy may
# list them in ``pause_states`` (sla/data/policies.toml): then its clock stops while the case
# is in one of them, and the due times move forward by the paused time when it resumes.
WAITING_STATES = frozenset({S.AWAITING_CITIZEN})
FINAL_STATES = frozenset({S.NO_ANSWER, S.MERGED, S.CLOSED})


class Priority(models.TextChoices):
    LOW = "low", "низкий"
    NORMAL = "normal", "обычный"
    HIGH = "high", "высокий"
    # An accident (аварийная ситуация): a deadline policy may name it (sla/data/policies.toml).
    CRITICAL = "critical", "аварийный"


# The priority a case opens with, by the urgency the language pipeline gave its first message
# (otklik/nlp/stages/signals.py: "critical" is an accident); any other urgency: normal.
URGENCY_PRIORITY = {"critical": Priority.CRITICAL, "high": Priority.HIGH}


class AnswerStatus(models.TextChoices):
    DRAFT = "draft", "черновик"
    SUBMITTED = "submitted", "на модерации"
    RETURNED = "returned", "возвращён на доработку"
    APPROVED = "approved", "одобрен"


class RedirectStatus(models.TextChoices):
    PENDING = "pending", "на рассмотрении ЦУР"
    ACCEPTED = "accepted", "принято"
    REFUSED = "refused", "отказано"


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", "на рассмотрении"
    APPROVED = "approved", "одобрено"
    REFUSED = "refused", "отказано"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", "ожидает отправки"
    SENT = "sent", "отправлено"
    FAILED = "failed", "не доставлено (окончательно)"
