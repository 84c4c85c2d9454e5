"""What the cases app tells the language pipeline's training: the messages of cases the ЦУР
accepted confirm their sector and topic (the case's, when the message has none). Registered
with ``otklik.nlp.selectors`` in ``CasesConfig.ready()``."""

from __future__ import annotations

from django.db.models import Q

from otklik.cases.choices import CaseStatus
from otklik.nlp.selectors import ConfirmedSource

# A case the ЦУР has not decided on, or set aside, does not confirm its topic.
UNCONFIRMED = (CaseStatus.NEW, CaseStatus.NO_ANSWER, CaseStatus.MERGED)

ACCEPTED_CASES = ConfirmedSource(
    messages=Q(case__isnull=False) & ~Q(case__status__in=UNCONFIRMED),
    label_from="case",
)
