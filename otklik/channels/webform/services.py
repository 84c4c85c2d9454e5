"""Writes of the web form: a report goes in through ``channel_receive`` (raw first, then
parsed; idempotent on the per-render submission id), its photos are stored as attachment
files, the consent is recorded with its text version, a «follow» joins the message to the
chosen open case, and a published answer gets the citizen's survey.

Decisions (see docs/architecture.md, «Web form»):

- **Honeypot**: a filled hidden field is a robot's mark. The delivery is kept (raw body,
  status «discarded» with the reason) so that a person caught by an autofill is not lost:
  the ЦУР sees it among the deliveries. No message, no case; the sender sees a plain «thank you».
- **Follow**: the citizen's message is stored like any other and joins the followed case
  (timeline «Новое сообщение о той же проблеме присоединено»); their contact is thereby one of
  the case's authors, their tracking page shows that case, and they get a survey of their own
  when its answer is published.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.cases.choices import OPEN_STATES, AnswerStatus, CaseStatus
from otklik.cases.models import Answer, Case, Survey
from otklik.cases.services.common import lock, record
from otklik.cases.services.surveys import survey_create, survey_for_answer
from otklik.channels.services import channel_receive
from otklik.channels.webform import converter
from otklik.channels.webform.models import WebReport
from otklik.core.exceptions import ApplicationError
from otklik.directory.models import Municipality, Topic
from otklik.intake.models import Attachment, Message
from otklik.intake.services import contact_consent_give
from otklik.intake.services.hooks import message_announce

CHANNEL = "web"


@dataclass(frozen=True)
class Photo:
    """A photo already stored (before the message: raw first)."""

    path: str
    name: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ReportInput:
    submission: uuid.UUID
    text: str
    municipality: Municipality
    consent_version: str
    topic: Topic | None = None
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    name: str = ""
    phone: str = ""
    email: str = ""
    photos: list[UploadedFile] = field(default_factory=list)


def external_id_of(submission: uuid.UUID | str) -> str:
    return f"web-{submission}"


def _store_photo(submission: uuid.UUID, upload: UploadedFile) -> Photo:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    content_type, ext = getattr(upload, "photo_type", ("application/octet-stream", ""))
    path = f"attachments/web/{submission}/{sha[:20]}{ext}"
    if not default_storage.exists(path):
        upload.seek(0)
        path = default_storage.save(path, upload)
    return Photo(
        path=path,
        name=(upload.name or "photo")[:255],
        content_type=content_type,
        size=upload.size,
        sha256=sha,
    )


def _body(data: ReportInput, photos: list[Photo], follow: Case | None) -> dict:
    return {
        "form": "report",
        "submission": str(data.submission),
        "submitted_at": timezone.now().isoformat(),
        "text": data.text,
        "topic": data.topic.code if data.topic else "",
        "municipality": data.municipality.okato,
        "address": data.address,
        "lat": data.lat,
        "lon": data.lon,
        "name": data.name,
        "phone": data.phone,
        "email": data.email,
        "consent": True,
        "consent_version": data.consent_version,
        "follow": follow.number if follow else "",
        "photos": [
            {
                "path": p.path,
                "name": p.name,
                "content_type": p.content_type,
                "size": p.size,
                "sha256": p.sha256,
            }
            for p in photos
        ],
    }


def _existing_report(external_id: str) -> WebReport | None:
    message = Message.objects.filter(channel__code=CHANNEL, external_id=external_id).first()
    if message is None:
        return None
    report, _ = WebReport.objects.get_or_create(
        message=message, defaults={"token": secrets.token_urlsafe(24)}
    )
    return report


def report_submit(*, data: ReportInput, follow: Case | None = None) -> tuple[WebReport, bool]:
    """Take one report from the form: ``(report, created)``; a repeated submission of the same
    form render returns the report stored the first time (``created`` False). ``follow``: the
    open case the citizen chose as theirs."""
    if not data.consent_version:
        raise ApplicationError("Нет согласия на обработку персональных данных.")
    if follow is not None and follow.status not in OPEN_STATES:
        raise ApplicationError(
            f"Сообщение № {follow.number} уже не в работе: отправьте своё как новое."
        )
    external_id = external_id_of(data.submission)
    existing = _existing_report(external_id)
    if existing is not None:  # the same form sent twice (a double tap, a reload)
        return existing, False
    photos = [_store_photo(data.submission, upload) for upload in data.photos]
    raw = _body(data, photos, follow)
    body = json.dumps(raw, ensure_ascii=False)
    result = channel_receive(
        channel_code=CHANNEL,
        external_id=external_id,
        body=body,
        convert=lambda: converter.convert(body),
        raw=raw,
        # a followed case is joined here; a new report goes to the pipeline and opens a case
        process=follow is None,
    )
    if result.status == "duplicate":
        return _existing_report(external_id), False
    if result.status != "created":
        raise ApplicationError(
            "Сообщение сохранено, но не разобрано автоматически; ЦУР разберёт его вручную. "
            f"Причина: {result.errors}"
        )
    with transaction.atomic():
        message = (
            # the author is nullable: PostgreSQL locks no outer-joined row, so lock the message only
            Message.objects.select_for_update(of=("self",))
            .select_related("author")
            .get(pk=result.message_id)
        )
        report, created = WebReport.objects.get_or_create(
            message=message,
            defaults={"token": secrets.token_urlsafe(24), "followed": follow is not None},
        )
        if not created:
            return report, False
        for photo in photos:
            Attachment.objects.filter(message=message, sha256=photo.sha256, file="").update(
                file=photo.path
            )
        _record_consent(message, data.consent_version)
        joined = follow is not None and _join_followed(follow, message)
        if follow is not None and not joined:
            # the followed case closed meanwhile: the report is handled as a new one
            report.followed = False
            report.save(update_fields=["followed", "updated_at"])
            message_announce(message.pk)
        audit_log(
            actor=None,
            action="webform.report",
            target=message,
            data={
                "followed": follow.number if joined else "",
                "consent_version": data.consent_version,
                "photos": len(photos),
            },
        )
    return report, True


def _record_consent(message: Message, version: str) -> None:
    """The consent given with this report, on the contact (an existing contact found by phone
    or e-mail gets the current version and time)."""
    if message.author is not None:
        contact_consent_give(contact=message.author, version=version, channel=CHANNEL)


def _join_followed(case: Case, message: Message) -> bool:
    case = lock(case)
    if case.status not in OPEN_STATES:
        return False
    message.case = case
    changed = ["case", "updated_at"]
    for name in ("sector", "topic", "municipality", "city_district"):
        if getattr(message, f"{name}_id") is None and getattr(case, f"{name}_id") is not None:
            setattr(message, name, getattr(case, name))
            changed.append(name)
    message.save(update_fields=changed)
    record(
        case,
        actor=None,
        kind="message_joined",
        data={"message_id": message.pk, "channel": CHANNEL, "why": "follow"},
    )
    return True


def report_spam(*, submission: uuid.UUID | str, fields: dict) -> None:
    """A form with the honeypot filled: kept as a discarded delivery (see the module doc)."""
    body = json.dumps({"form": "report", "honeypot": True, **fields}, ensure_ascii=False)
    channel_receive(
        channel_code=CHANNEL,
        external_id=external_id_of(submission),
        body=body,
        convert=lambda: converter.convert(body),
        raw={},
        process=False,
    )


def _published_answer(case: Case) -> Answer | None:
    return (
        case.answers.filter(
            status=AnswerStatus.APPROVED, is_intermediate=False, published_at__isnull=False
        )
        .order_by("-published_at", "-id")
        .first()
    )


@transaction.atomic
def report_survey(*, report: WebReport, case: Case) -> Survey | None:
    """The survey this citizen answers about the published answer of ``case`` (the case their
    report is in now): the case's own survey for the author who opened it, a survey of their
    own for a citizen who followed or joined it. None while no answer is published (but the
    survey already answered stays, e.g. after «не решена» reopened the case)."""
    if case.status not in (CaseStatus.PUBLISHED, CaseStatus.CLOSED):
        answered = report.survey if report.survey_id else None
        return answered if answered is not None and answered.responded_at else None
    answer = _published_answer(case)
    if answer is None:
        return None
    report = WebReport.objects.select_for_update().get(pk=report.pk)
    if report.survey_id is not None and report.survey.answer_id == answer.pk:
        return report.survey
    opener = case.messages.order_by("received_at", "pk").values_list("pk", flat=True).first()
    if opener == report.message_id:
        taken = WebReport.objects.filter(survey__isnull=False).values("survey")
        survey = survey_for_answer(case=case, answer=answer, taken=taken)
    else:
        survey = survey_create(case=case, answer=answer)
    report.survey = survey
    report.save(update_fields=["survey", "updated_at"])
    return survey
