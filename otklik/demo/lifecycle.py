"""Drive the demo messages through the case lifecycle, so that the demo region has cases in every
state: waiting in the ЦУР triage, in work, waiting for the author's information, answered
late, overdue, returned by moderation, published, closed by a satisfied citizen, reopened by an
unhappy one.

Every step goes through the real services, at the moment it "happened": each service is
given that moment as its ``now``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from otklik.accounts.models import User
from otklik.accounts.services import user_create
from otklik.cases.choices import CaseStatus
from otklik.cases.history import replaying
from otklik.cases.models import AnswerTemplate, Case, Survey
from otklik.cases.outbox import outbox_replay
from otklik.cases.services import answers, lifecycle, waiting
from otklik.cases.services.deadlines import deadline_sweep
from otklik.cases.services.opening import case_open_or_join
from otklik.core.exceptions import ApplicationError
from otklik.core.roles import Role
from otklik.directory.models import Organization
from otklik.intake.models import Message
from otklik.nlp.services import messages_analyse

# Share of the cases in work whose author is asked for missing information (decided per case
# from its content, so the rest of the demo stream does not change with it).
ASK_SHARE = 0.1
QUESTIONS = [
    "Уточните, пожалуйста, точный адрес: номер дома и подъезда.",
    "Пришлите, пожалуйста, фотографию места, где обнаружена проблема.",
    "Укажите, пожалуйста, номер лицевого счёта и контактный телефон.",
    "С какого числа наблюдается проблема и обращались ли вы в управляющую компанию?",
]
RESUMES = [
    "Заявитель уточнил адрес по телефону.",
    "Сведения получены от управляющей компании.",
    "Заявитель не ответил; ответ готовим по имеющимся сведениям.",
]


def _operator_for(org: Organization, cache: dict[int, User]) -> User:
    if org.pk not in cache:
        user = User.objects.filter(role=Role.ORG_OPERATOR, organization=org).first()
        if user is None:
            user = user_create(
                actor=None,
                username=f"op-{org.code}",
                password=None,
                role=Role.ORG_OPERATOR,
                organization=org,
                first_name="Оператор",
                last_name=org.short_name[:100],
            )
        cache[org.pk] = user
    return cache[org.pk]


def _answer_text(case: Case, rng: random.Random) -> str:
    templates = list(AnswerTemplate.objects.filter(sector=case.sector_id)) or list(
        AnswerTemplate.objects.all()
    )
    if templates:
        return answers.template_render(template=rng.choice(templates), case=case)
    return (
        f"По сообщению № {case.number} проведена проверка, меры приняты. "
        f"{case.organization.short_name if case.organization else ''}"
    )


def _hours(rng: random.Random, low: float, high: float) -> dt.timedelta:
    return dt.timedelta(hours=rng.uniform(low, high))


def _keep_some_waiting(*, now: dt.datetime, rng: random.Random, operators: dict) -> None:
    """Whether the newest asked authors have answered depends on the moment the demo is set up;
    the demo region always shows a few cases waiting for the author (the newest in work)."""
    if Case.objects.filter(status=CaseStatus.AWAITING_CITIZEN).count() >= 3:
        return
    newest = Case.objects.filter(status=CaseStatus.IN_WORK, organization__isnull=False).order_by(
        "-received_at"
    )[:3]
    for case in newest:
        operator = _operator_for(case.organization, operators)
        at = now - dt.timedelta(minutes=rng.randint(5, 120))
        with transaction.atomic():
            waiting.case_request_info(
                case=case, actor=operator, question=rng.choice(QUESTIONS), now=at
            )


# The language pipeline reads this many messages per transaction (short ones: on SQLite the
# pages and the scheduler write beside the drive, which runs in the background of ``serve``).
ANALYSE_BATCH = 64
DRIVE_CHUNK = 100  # messages read at once by the drive
# SQLite has one writer at a time, and a waiting writer only looks again now and then: a drive
# that begins its next transaction the instant it commits starves the others (the scheduler
# died «database is locked» at 60 % of the history). It pauses this long after each message.
SQLITE_PAUSE_SECONDS = 0.015

Progress = Callable[[str, int, int], None]  # (stage: analyse | drive, done, messages in all)


def demo_drive(
    *, seed: int = 34, now: dt.datetime | None = None, progress: Progress | None = None
) -> dict[str, int]:
    """Open cases for the demo messages and move them along; returns counts per final state.

    A replay of history (``cases.history``): what the services deliver at those past moments is
    recorded as delivered then, and nothing reaches the outside world today. Each case is
    driven in its own transaction; run again after an interruption, it goes on with the
    messages that have no case yet. ``progress`` is told (done, total) as it goes."""
    rng = random.Random(seed)
    now = now or timezone.now()
    analyst = User.objects.filter(role=Role.ANALYST).order_by("pk").first()
    operators: dict[int, User] = {}
    demo = Message.objects.filter(raw__demo=True)
    total = demo.count()
    done = demo.filter(case__isnull=False).count()
    messages = (
        demo.filter(case__isnull=True)
        .select_related("channel", "kind")
        .order_by("received_at", "pk")
    )
    if settings.OTKLIK_NLP_ON_INTAKE:  # as the intake task would have, oldest first
        pending = list(messages.filter(analysis__isnull=True))
        for start in range(0, len(pending), ANALYSE_BATCH):
            messages_analyse(messages=pending[start : start + ANALYSE_BATCH])
            if progress:
                progress("analyse", min(start + ANALYSE_BATCH, len(pending)), len(pending))
    # No read stays open across the writes (on SQLite an open cursor would pin a snapshot that
    # the other processes' commits make stale, and the next write would fail at once).
    ids = list(messages.values_list("pk", flat=True))
    pause = SQLITE_PAUSE_SECONDS if connection.vendor == "sqlite" else 0
    with replaying():
        for start in range(0, len(ids), DRIVE_CHUNK):
            for message in list(messages.filter(pk__in=ids[start : start + DRIVE_CHUNK])):
                t = message.received_at + dt.timedelta(minutes=rng.randint(1, 20))
                with transaction.atomic():
                    case, opened = case_open_or_join(message=message, now=min(t, now))
                    if opened:
                        _drive_case(case, rng=rng, now=now, analyst=analyst, operators=operators)
                    outbox_replay()
                time.sleep(pause)
                done += 1
                if progress and (done % 25 == 0 or done == total):
                    progress("drive", done, total)
        _keep_some_waiting(now=now, rng=rng, operators=operators)
        outbox_replay()
        for _ in range(4):  # warnings, breach, then the escalation steps
            deadline_sweep(now=now, limit=100_000)
    counts: dict[str, int] = {}
    for status in Case.objects.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts


def _drive_case(
    case: Case, *, rng: random.Random, now: dt.datetime, analyst: User, operators: dict[int, User]
) -> None:
    t = case.received_at
    # ЦУР moderation: within hours; the newest cases still wait in the triage queue.
    t += _hours(rng, 0.3, 20)
    if t >= now:
        return
    roll = rng.random()
    if roll < 0.05:
        lifecycle.case_reject(
            case=case,
            actor=analyst,
            reason=rng.choice(
                [
                    "Благодарность, ответ не требуется.",
                    "Не содержит сути проблемы.",
                    "Рекламное сообщение.",
                ]
            ),
            now=t,
        )
        return
    try:
        case = lifecycle.case_accept(
            case=case, actor=analyst, priority="high" if rng.random() < 0.1 else None, now=t
        )
    except ApplicationError:
        return  # no rule: stays in the triage queue for the ЦУР to route by hand
    operator = _operator_for(case.organization, operators)
    # The organisation takes it; slow ones are late.
    speed = rng.choice([0.2, 0.4, 0.6, 0.8, 1.0, 1.3])  # share of the allowed time used
    t += _hours(rng, 1, 30)
    if t >= now:
        return
    case = lifecycle.case_take(case=case, actor=operator, now=t)
    # Some authors are asked for what is missing; the newest still have not answered.
    asker = random.Random(f"ask:{case.received_at.isoformat()}:{case.title}")
    if asker.random() < ASK_SHARE:
        t += _hours(asker, 0.5, 6)
        if t >= now:
            return
        case = waiting.case_request_info(
            case=case, actor=operator, question=asker.choice(QUESTIONS), now=t
        )
        t += _hours(asker, 4, 120)
        if t >= now:
            return  # still waiting for the author
        case = waiting.case_resume(case=case, actor=operator, reason=asker.choice(RESUMES), now=t)
    allowed = max((case.resolution_due - case.received_at), dt.timedelta(hours=2))
    t = max(t + dt.timedelta(minutes=30), case.received_at + allowed * speed)
    if t >= now:
        return  # still in work (overdue if its deadline passed: the sweep marks it)
    answer = answers.answer_submit(case=case, actor=operator, text=_answer_text(case, rng), now=t)
    t += _hours(rng, 0.5, 8)
    if t >= now:
        return
    if rng.random() < 0.15:
        answers.answer_return(
            answer=answer,
            actor=analyst,
            quality_score=rng.choice([2, 3]),
            reason=rng.choice(
                [
                    "Ответ не по существу: укажите, какие работы выполнены.",
                    "Укажите сроки устранения и ответственного.",
                    "Приложите фото выполненных работ.",
                ]
            ),
            now=t,
        )
        t += _hours(rng, 2, 30)
        if t >= now:
            return
        answer = answers.answer_submit(
            case=case, actor=operator, text=_answer_text(case, rng) + " Фото приложено.", now=t
        )
        t += _hours(rng, 0.5, 8)
        if t >= now:
            return
    answers.answer_approve(
        answer=answer, actor=analyst, quality_score=rng.choice([3, 4, 4, 5, 5]), now=t
    )
    outbox_replay()  # delivered then: the channels with an adapter publish it
    case.refresh_from_db()
    if case.status == CaseStatus.APPROVED:  # channels published by hand (paper, ПОС …)
        answers.case_publish(case=case, actor=analyst, now=t)
    # The citizen answers the survey (or not).
    t += _hours(rng, 2, 72)
    if t >= now or rng.random() < 0.4:
        return
    survey = Survey.objects.filter(case=case).order_by("-pk").first()
    if survey is None:
        return
    solved = rng.random() < 0.78
    answers.survey_respond(
        token=survey.token,
        solved=solved,
        rating=rng.choice([4, 5, 5]) if solved else rng.choice([1, 2, 3]),
        comment=""
        if solved
        else rng.choice(
            [
                "Ничего не изменилось.",
                "Сделали только для отчёта.",
                "Проблема осталась, приезжайте посмотрите.",
            ]
        ),
        now=t,
    )
