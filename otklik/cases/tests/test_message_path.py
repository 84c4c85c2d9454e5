"""The whole path of a message: stored by the intake and announced, analysed by the language
pipeline, then opening or joining a case with the analysis handed on; an operator's correction
followed by the case; near-duplicates joining or offered."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from otklik.audit.models import AuditEvent
from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case, CaseEvent
from otklik.cases.services.corrections import message_topic_correct
from otklik.cases.services.lifecycle import case_merge
from otklik.cases.services.opening import case_open_or_join
from otklik.directory.models import Topic
from otklik.nlp.models import Correction, MessageAnalysis
from otklik.nlp.services.analysis import message_analyse
from otklik.nlp.tests.test_services import HOT_WATER, ingest

pytestmark = pytest.mark.django_db


def opened_case(message):
    """The message analysed, then opening or joining a case with its analysis (as the task)."""
    return case_open_or_join(message=message, analysis=message_analyse(message=message).analysis)


def analysis_reads(ctx) -> int:
    return sum('FROM "nlp_messageanalysis"' in q["sql"] for q in ctx.captured_queries)


def test_a_message_in_triage_opens_a_case_that_says_how_unsure_it_is(region):
    message = ingest("The hot water has been off for three days, please help us")
    case, _ = opened_case(message)
    assert case.classification_confidence is not None and case.classification_confidence < 0.5


def test_a_near_duplicate_from_another_author_joins_the_case(region):
    first = ingest(HOT_WATER)
    case, opened = opened_case(first)
    assert opened
    again = ingest(
        "Третий день нет горячей воды в доме на ул. Мира, 12 в Волжском! Дети моются в тазике.",
        channel="telegram",
    )
    a = message_analyse(message=again).analysis
    assert a.duplicate_of_id == first.pk and a.duplicate_similarity >= 0.9
    assert "repeated" in a.conflict
    joined, opened = case_open_or_join(message=again, analysis=a)
    assert not opened and joined.pk == case.pk
    event = CaseEvent.objects.filter(case=case, kind="message_joined").get()
    assert event.data["why"] == "near_duplicate"


def test_a_similar_report_is_offered_not_merged(region):
    first = ingest(HOT_WATER)
    case, _ = opened_case(first)
    similar = ingest(
        "В Волжском на ул. Мира, 12 опять отключили горячую воду, уже третий день без неё."
    )
    a = message_analyse(message=similar).analysis
    assert a.duplicate_of_id == first.pk
    assert 0.7 <= a.duplicate_similarity < 0.9
    other, opened = case_open_or_join(message=similar, analysis=a)
    assert opened and other.pk != case.pk
    offer = CaseEvent.objects.get(case=other, kind="duplicate_suggested")
    assert offer.data["case"] == case.number


def test_a_duplicate_of_a_merged_case_joins_where_it_was_merged(region, personas):
    first = ingest(HOT_WATER)
    case, _ = opened_case(first)
    target, _ = opened_case(ingest("Яма на дороге у дома 5 в Волжском"))
    case_merge(case=case, into=target, actor=personas["curator"])
    again = ingest(HOT_WATER + "!")
    joined, opened = opened_case(again)
    assert not opened and joined.pk == target.pk


def test_intake_task_analyses_then_opens_the_case(region, django_capture_on_commit_callbacks):
    with (
        CaptureQueriesContext(connection) as ctx,
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = ingest(HOT_WATER, process=True)  # announced; the task runs on commit
    message.refresh_from_db()
    assert MessageAnalysis.objects.filter(message=message).exists()
    assert message.case is not None
    assert message.case.sector.code == "zhkh"
    assert message.case.classification_confidence is not None
    # the analysis is read only while it is made (the previous one, the lock of its row, the
    # earlier messages of the address), not read back for the case: before, 5 (two more while
    # opening the case)
    assert analysis_reads(ctx) == 3


def test_a_correction_is_one_call_recorded_and_followed_by_a_new_case(region, personas):
    message = ingest(HOT_WATER)
    case, _ = opened_case(message)
    heating = Topic.objects.get(code="zhkh-heating-outage")
    message_topic_correct(actor=personas["curator"], message=message, topic=heating)
    message.refresh_from_db()
    case.refresh_from_db()
    assert message.topic == heating and case.topic == heating
    assert case.classification_confidence is None
    assert Correction.objects.filter(message=message, field="topic", corrected=heating.code)
    assert CaseEvent.objects.filter(case=case, kind="reclassified").exists()
    assert AuditEvent.objects.filter(action="message.classify").exists()
    # re-processing keeps the person's word
    message_analyse(message=message)
    message.refresh_from_db()
    assert message.topic == heating


def test_an_accepted_case_keeps_the_ЦУР_decision(region, personas):
    message = ingest(HOT_WATER)
    case, _ = opened_case(message)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.ASSIGNED)
    before = case.topic
    message_topic_correct(
        actor=personas["curator"],
        message=message,
        topic=Topic.objects.get(code="zhkh-heating-outage"),
    )
    case.refresh_from_db()
    assert case.topic == before


def test_the_analysis_is_handed_on_not_read_again(region):
    """Before: ``case_open_or_join`` read the analysis just stored twice (the near-duplicate,
    the confidence). Handed on, it reads it not once; left to it, once."""
    first = ingest(HOT_WATER)
    analysis = message_analyse(message=first).analysis
    # the process's books (reference rows, deadline policies) as the second opening finds them
    from otklik.directory.cache import reference_snapshot
    from otklik.sla.selectors import policy_for

    reference_snapshot()
    policy_for(kind=first.kind.code, channel=first.channel.code)
    with CaptureQueriesContext(connection) as handed:
        case, opened = case_open_or_join(message=first, analysis=analysis)
    assert opened and analysis_reads(handed) == 0
    assert case.classification_confidence == analysis.sector_confidence
    again = ingest(HOT_WATER.replace("Мира, 12", "Мира, 40"))
    message_analyse(message=again)
    with CaptureQueriesContext(connection) as stored:
        other, opened = case_open_or_join(message=again)  # the stored analysis, read once
    assert opened and other.pk != case.pk and analysis_reads(stored) == 1
    # handed on, the same opening costs that one query less
    assert len(handed.captured_queries) < len(stored.captured_queries)
