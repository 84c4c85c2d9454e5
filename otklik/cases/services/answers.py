"""Answers: written by the organisation, moderated by the ЦУР, published through the outbox,
followed by the satisfaction survey."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from otklik.cases.choices import AnswerStatus, CaseStatus
from otklik.cases.limits import ANSWER_MAX_LENGTH, NOTE_MAX_LENGTH, text_within
from otklik.cases.models import (
    Answer,
    AnswerAttachment,
    AnswerTemplate,
    Case,
    Survey,
)
from otklik.cases.outbox import outbox_queue
from otklik.cases.services.common import check_transition, lock, move, record, require
from otklik.cases.services.surveys import survey_create
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action

# What ``{name}`` of an answer template becomes, for every role and channel.
GREETING_WITHOUT_NAME = "Уважаемый заявитель"
# «по адресу: {address}» as templates write it (the ЦУР's own ones in the admin too)
_AT_ADDRESS = re.compile(r"по\s+адресу\s*:?\s*\{address\}")


def template_render(*, template: AnswerTemplate, case: Case) -> str:
    """Fill a template's placeholders from the case (unknown placeholders stay visible).

    ``{name}`` never becomes the applicant's name, whoever writes the answer: the answer is
    stored on the case and shown to every role that sees it (the case page, the API), the
    organisation operator included, who may not see the name (``core.applicant``), and a
    public channel prints it under a post. No channel fills the name in when it sends the
    answer either: the author gets the text as it was moderated (docs/permissions.md).

    Without an address the whole «по адресу: {address}» becomes «по указанному вами адресу»
    (a bare ``{address}`` becomes «адрес не указан»), so no phrase is glued in a wrong case."""
    body = template.body
    if not case.address:
        body = _AT_ADDRESS.sub("по указанному вами адресу", body)
    values = {
        "number": case.number,
        "address": case.address or "адрес не указан",
        "organization": case.organization.short_name if case.organization else "",
        "date": f"{timezone.localdate(case.received_at):%d.%m.%Y}",
        "name": GREETING_WITHOUT_NAME,
    }

    class _Keep(dict):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return body.format_map(_Keep(values))


@transaction.atomic
def answer_submit(
    *,
    case: Case,
    actor: Any,
    text: str,
    intermediate: bool = False,
    files: Iterable[UploadedFile] = (),
    now: dt.datetime | None = None,
) -> Answer:
    """The organisation's answer goes to ЦУР moderation (an intermediate one leaves the case
    where it is; a final one moves it to «answer moderation»)."""
    case = lock(case)
    require(actor, Action.CASE_WORK, case)
    text = text_within(text, limit=ANSWER_MAX_LENGTH, what="ответа")
    if len(text) < 20:
        raise ApplicationError("Ответ слишком короткий: опишите, что сделано или будет сделано.")
    if case.organization_id is None:
        raise ApplicationError("У инцидента нет ответственной организации.")
    if intermediate:
        if case.status not in (CaseStatus.ASSIGNED, CaseStatus.IN_WORK, CaseStatus.REOPENED):
            raise ApplicationError("Промежуточный ответ возможен, пока инцидент в работе.")
    else:
        check_transition(case, "submit_answer")
    answer = Answer.objects.create(
        case=case,
        organization=case.organization,
        text=text,
        is_intermediate=intermediate,
        author=actor if getattr(actor, "pk", None) else None,
        status=AnswerStatus.SUBMITTED,
    )
    for f in files:
        AnswerAttachment.objects.create(answer=answer, file=f, name=f.name)
    now = now or timezone.now()
    if case.first_response_at is None:
        case.first_response_at = now
    if intermediate:
        case.save()
        record(case, actor=actor, kind="intermediate_answer", data={"answer": answer.pk}, now=now)
    else:
        case.answered_at = now
        move(case, "submit_answer", actor=actor, data={"answer": answer.pk}, now=now)
    return answer


def _pending_answer(case: Case, answer: Answer) -> Answer:
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    if answer.case_id != case.pk:
        raise ApplicationError("Ответ относится к другому инциденту.")
    if answer.status != AnswerStatus.SUBMITTED:
        raise ApplicationError(f"Ответ уже {answer.get_status_display()}.")
    return answer


def _score(value: int | None) -> int | None:
    if value is not None and not 1 <= int(value) <= 5:
        raise ApplicationError("Оценка качества — от 1 до 5.")
    return value


@transaction.atomic
def answer_return(
    *,
    answer: Answer,
    actor: Any,
    reason: str,
    quality_score: int | None = None,
    now: dt.datetime | None = None,
) -> Answer:
    """The ЦУР moderator returns the answer for rework, with a reason."""
    case = lock(answer.case)
    require(actor, Action.ANSWER_MODERATE, case)
    answer = _pending_answer(case, answer)
    reason = text_within(reason, limit=NOTE_MAX_LENGTH, what="замечания")
    if not reason:
        raise ApplicationError("Укажите, что нужно доработать в ответе.")
    answer.status = AnswerStatus.RETURNED
    answer.moderator = actor if getattr(actor, "pk", None) else None
    answer.moderation_comment = reason
    answer.quality_score = _score(quality_score)
    answer.moderated_at = now or timezone.now()
    answer.save()
    data = {"answer": answer.pk}
    if answer.is_intermediate:
        record(case, actor=actor, kind="answer_returned", text=reason, data=data, now=now)
    else:
        move(case, "return_answer", actor=actor, text=reason, data=data, now=now)
    return answer


@transaction.atomic
def answer_approve(
    *,
    answer: Answer,
    actor: Any,
    quality_score: int | None = None,
    now: dt.datetime | None = None,
) -> Answer:
    """The ЦУР moderator approves: the answer is queued for publication in the channel."""
    case = lock(answer.case)
    require(actor, Action.ANSWER_MODERATE, case)
    answer = _pending_answer(case, answer)
    answer.status = AnswerStatus.APPROVED
    answer.moderator = actor if getattr(actor, "pk", None) else None
    answer.quality_score = _score(quality_score)
    now = now or timezone.now()
    answer.moderated_at = now
    answer.save()
    outbox_queue(
        case=case,
        answer=answer,
        kind="answer",
        payload={"text": answer.text, "case": case.number},
        now=now,
    )
    if answer.is_intermediate:
        record(
            case,
            actor=actor,
            kind="answer_approved",
            data={"answer": answer.pk, "intermediate": True},
            now=now,
        )
    else:
        move(case, "approve_answer", actor=actor, data={"answer": answer.pk}, now=now)
    return answer


def answer_mark_published(*, answer: Answer, at) -> Answer:
    """The answer is out in the channel: its publication time (the first one is kept) and its
    text with personal data masked, kept for public reads (Open311) that must not mask per
    request. Part of ``case_publish`` and of the outbox's intermediate answers."""
    from otklik.nlp.masking import mask

    answer.published_at = answer.published_at or at
    answer.text_masked = mask(answer.text)
    answer.save(update_fields=["published_at", "text_masked", "updated_at"])
    return answer


@transaction.atomic
def case_publish(
    *, case: Case, actor: Any, answer: Answer | None = None, now: dt.datetime | None = None
) -> Case:
    """The approved answer is out in the channel: the case is published and the citizen gets
    the satisfaction survey. Called by the outbox on delivery, or by the ЦУР by hand for
    channels published manually (paper mail, a phone call)."""
    case = lock(case)
    if actor is not None:
        require(actor, Action.ANSWER_MODERATE, case)
    check_transition(case, "publish")
    answer = (
        answer
        or case.answers.filter(status=AnswerStatus.APPROVED, is_intermediate=False)
        .order_by("-id")
        .first()
    )
    if answer is None:
        raise ApplicationError("Нет одобренного ответа для публикации.")
    now = now or timezone.now()
    answer_mark_published(answer=answer, at=now)
    case.published_at = now
    survey = survey_create(case=case, answer=answer)
    move(case, "publish", actor=actor, data={"answer": answer.pk, "survey": survey.pk}, now=now)
    return case


@transaction.atomic
def survey_respond(
    *,
    token: str,
    solved: bool,
    rating: int | None = None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Survey:
    """The citizen's answer through the link (no login). «Not solved» reopens the case."""
    from otklik.cases.services.lifecycle import case_close, case_reopen

    survey = Survey.objects.select_for_update().filter(token=token).first()
    if survey is None:
        raise ApplicationError("Ссылка опроса недействительна.")
    if survey.responded_at is not None:
        raise ApplicationError("Вы уже ответили на этот опрос. Спасибо!")
    if rating is not None and not 1 <= int(rating) <= 5:
        raise ApplicationError("Оценка — от 1 до 5.")
    survey.solved = solved
    survey.rating = rating
    survey.comment = (comment or "").strip()[:5000]
    survey.responded_at = now or timezone.now()
    survey.save()
    case = survey.case
    record(
        case,
        actor=None,
        kind="survey",
        text=survey.comment,
        data={"solved": solved, "rating": rating},
        now=now,
    )
    if not solved and case.status in (CaseStatus.PUBLISHED, CaseStatus.CLOSED):
        reason = "Заявитель ответил: проблема не решена."
        case_reopen(case=case, actor=None, reason=reason, now=now)
    elif solved and case.status == CaseStatus.PUBLISHED:
        reason = "Заявитель подтвердил: проблема решена."
        case_close(case=case, actor=None, reason=reason, now=now)
    return survey


def answer_templates_load(*, path=None) -> int:
    """The templates shipped with Otklik (keyed by ``code``; an edited one is kept)."""
    import tomllib
    from pathlib import Path

    from otklik.directory.models import Sector

    path = path or Path(__file__).resolve().parent.parent / "data" / "answer_templates.toml"
    with Path(path).open("rb") as handle:
        data = tomllib.load(handle)
    created = 0
    for entry in data.get("template", []):
        if AnswerTemplate.objects.filter(code=entry["code"]).exists():
            continue
        AnswerTemplate.objects.create(
            code=entry["code"],
            title=entry["title"],
            body=entry["body"].strip(),
            sector=Sector.objects.filter(code=entry.get("sector", "")).first(),
        )
        created += 1
    return created
