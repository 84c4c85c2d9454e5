"""The satisfaction survey after a published answer: made by the cases (on publication, or for
a citizen of the web form who followed or joined the case), asked and answered through the
channels. No channel makes a ``Survey`` row itself.

The citizen's answer is ``answers.survey_respond`` (the web page, the API and the channels).
"""

from __future__ import annotations

import secrets

from otklik.cases.models import Answer, Case, Survey


def survey_create(*, case: Case, answer: Answer) -> Survey:
    """A new survey about ``answer`` of ``case``, with its own link token (in the caller's
    transaction)."""
    return Survey.objects.create(case=case, answer=answer, token=secrets.token_urlsafe(24))


def survey_open(*, case: Case) -> Survey | None:
    """The newest survey of ``case`` not answered yet (the one a channel asks), or None."""
    return case.surveys.filter(responded_at__isnull=True).order_by("-pk").first()


def survey_of_author(*, survey_id: int, channel_user_id: str) -> tuple[Survey | None, bool]:
    """The survey ``survey_id`` when the case's author is ``channel_user_id``: (survey, True);
    (survey, False) when it is someone else's; (None, False) when there is no such survey."""
    survey = Survey.objects.select_related("case__author").filter(pk=survey_id).first()
    if survey is None:
        return None, False
    author = survey.case.author
    return survey, author is not None and author.channel_user_id == channel_user_id


def survey_for_answer(*, case: Case, answer: Answer, taken) -> Survey:
    """The survey a citizen answers about ``answer``: the first one of ``case`` not in
    ``taken`` (surveys already given to someone), or a new one."""
    survey = (
        Survey.objects.filter(case=case, answer=answer).exclude(pk__in=taken).order_by("pk").first()
    )
    return survey or survey_create(case=case, answer=answer)
