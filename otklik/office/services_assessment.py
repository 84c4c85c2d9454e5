"""The assessment of the blocks' leads: the head computes it for a period (again while it is a
draft), checks it and publishes it; a published assessment never changes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from otklik.audit.services import audit_log
from otklik.core.exceptions import ApplicationError
from otklik.core.permissions import Action, access_check
from otklik.office import periods
from otklik.office.assessment import scorecard
from otklik.office.models import Assessment
from otklik.office.services import _user


@transaction.atomic
def assessment_compute(*, actor: Any, period: str) -> Assessment:
    access_check(actor, Action.ASSESSMENT_PUBLISH)
    periods.bounds(period)
    current = Assessment.objects.select_for_update().filter(period=period).first()
    if current is not None and current.is_published:
        raise ApplicationError(f"Оценка за {periods.label(period)} опубликована и не меняется.")
    rows = scorecard(period)
    if current is None:
        current = Assessment.objects.create(period=period, rows=rows, computed_at=timezone.now())
    else:
        current.rows, current.computed_at = rows, timezone.now()
        current.save()
    audit_log(
        actor=actor, action="office.assessment_compute", target=current, data={"period": period}
    )
    return current


@transaction.atomic
def assessment_publish(*, actor: Any, assessment: Assessment) -> Assessment:
    access_check(actor, Action.ASSESSMENT_PUBLISH)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.is_published:
        raise ApplicationError("Оценка уже опубликована.")
    assessment.published_at, assessment.published_by = timezone.now(), _user(actor)
    assessment.save()
    audit_log(
        actor=actor,
        action="office.assessment_publish",
        target=assessment,
        data={"period": assessment.period},
    )
    return assessment
