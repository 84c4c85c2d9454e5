"""The pipeline wired into the registry: analysis stored per message, what it fills, stored
near-duplicates, corrections, re-processing with progress. (What the cases make of it — a
near-duplicate joining a case, a case following a correction — is tested in
``otklik/cases/tests/test_message_path.py``.)"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from otklik.audit.models import AuditEvent
from otklik.core.exceptions import AccessDenied
from otklik.directory.models import Channel, InputKind, Municipality, Topic
from otklik.intake.models import Message
from otklik.intake.services import AuthorData, message_ingest
from otklik.nlp.models import Correction, MessageAnalysis, MessageBand, ReprocessStatus
from otklik.nlp.services import (
    analysis_correct,
    bands_prune,
    message_analyse,
    reprocess_start,
    reprocess_step,
)

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)

HOT_WATER = "Третий день нет горячей воды в доме на ул. Мира, 12 в Волжском. Дети моются в тазике."


def ingest(text, *, channel="web", received_at=None, process=False, **fields):
    message, created = message_ingest(
        channel=Channel.objects.get(code=channel),
        kind=InputKind.objects.get(code="message"),
        external_id=f"nlp-{next(_ids)}",
        text=text,
        received_at=received_at or timezone.now(),
        author=AuthorData(name="Иванов Пётр", phone=f"+7902{next(_ids):07d}"),
        process=process,
        **fields,
    )
    assert created
    return message


def test_analysis_fills_what_the_channel_did_not_say(region):
    message = ingest(HOT_WATER)
    outcome = message_analyse(message=message)
    message.refresh_from_db()
    a = outcome.analysis
    assert message.sector.code == "zhkh"
    assert message.topic is not None and message.topic.sector.code == "zhkh"
    assert message.municipality.okato == "18410"  # Волжский, from the text
    assert "ул. Мира" in message.address
    assert set(a.applied) >= {"sector", "municipality", "address"}
    # every stage wrote its version; the stored near-duplicate search replaced the in-memory one
    assert {"normalise", "classify", "location", "pii"} <= set(a.versions)
    assert a.versions["duplicates"] == "stored-1"
    assert a.result["text_masked"] and a.result["explanation"]
    assert a.urgency and a.sentiment
    assert MessageBand.objects.filter(message=message).count() == 21
    # the keys carry the message's municipality: the search stays in the area in the index
    assert set(
        MessageBand.objects.filter(message=message).values_list("municipality_id", flat=True)
    ) == {message.municipality_id}
    assert outcome.changed


def test_the_channels_own_topic_and_place_are_kept(region):
    topic = Topic.objects.get(code="roads-potholes")
    kamyshin = Municipality.objects.get(okato="18415")
    message = ingest(HOT_WATER, sector=topic.sector, topic=topic, municipality=kamyshin)
    a = message_analyse(message=message).analysis
    message.refresh_from_db()
    assert (message.topic, message.sector, message.municipality) == (topic, topic.sector, kamyshin)
    assert a.sector_code == "zhkh"  # what the pipeline thought is still on record
    assert "topic" not in a.applied and "municipality" not in a.applied


def test_not_russian_goes_to_triage_with_nothing_filled(region):
    message = ingest("The hot water has been off for three days, please help us")
    a = message_analyse(message=message).analysis
    message.refresh_from_db()
    assert a.triage
    assert message.sector is None and message.topic is None
    assert a.sector_confidence < 0.5


def test_the_messages_sharing_most_keys_are_weighed_first(region):
    """Many messages of the area sharing nearly all keys with the new one (a common template)
    do not crowd out the earlier message that shares all of them."""
    text = "Третий день нет горячей воды в Волжском, дети моются в тазике, управляющая молчит."
    first = ingest(text)
    message_analyse(message=first)
    first.refresh_from_db()
    assert not first.address  # found by its keys alone, not by the address
    keys = list(MessageBand.objects.filter(message=first))
    channel, kind = Channel.objects.get(code="web"), InputKind.objects.get(code="message")
    crowd = Message.objects.bulk_create(
        Message(
            channel=channel,
            kind=kind,
            external_id=f"crowd-{i}",
            text="Нет горячей воды",
            received_at=first.received_at - dt.timedelta(minutes=1),
            municipality_id=first.municipality_id,
        )
        for i in range(900)
    )
    MessageBand.objects.bulk_create(
        MessageBand(
            message=m,
            band=key.band,
            municipality_id=first.municipality_id,
            received_at=m.received_at,
        )
        for i, m in enumerate(crowd)
        for k, key in enumerate(keys)
        if k != i % len(keys)  # each shares all the keys but one
    )
    message_analyse(message=first)  # its keys written again: after the crowd's in every order
    again = ingest(text + "!")
    assert message_analyse(message=again).analysis.duplicate_of_id == first.pk


def test_the_same_words_about_another_house_or_town_are_not_duplicates(region):
    first = ingest(HOT_WATER)
    message_analyse(message=first)
    other_house = ingest(HOT_WATER.replace("Мира, 12", "Мира, 40"))
    assert message_analyse(message=other_house).analysis.duplicate_of_id is None
    other_town = ingest(HOT_WATER.replace("в Волжском", "в Камышине"))
    assert message_analyse(message=other_town).analysis.duplicate_of_id is None


def test_old_messages_are_not_candidates_and_their_keys_are_pruned(region):
    long_ago = timezone.now() - dt.timedelta(days=60)
    first = ingest(HOT_WATER, received_at=long_ago)
    message_analyse(message=first)
    again = ingest(HOT_WATER + "!")
    assert message_analyse(message=again).analysis.duplicate_of_id is None
    assert bands_prune() == 21
    assert not MessageBand.objects.filter(message=first).exists()


def test_a_batch_reads_the_corrections_once_and_keeps_one_made_meanwhile(
    region, personas, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from otklik.nlp.services import analysis as services

    heating = Topic.objects.get(code="zhkh-heating-outage")
    messages = [ingest(f"{HOT_WATER} Сообщение {i}.") for i in range(4)]
    for m in messages:
        message_analyse(message=m)
    analysis_correct(actor=personas["curator"], message=messages[0], topic=heating)
    batch = list(Message.objects.filter(pk__in=[m.pk for m in messages]).order_by("pk"))
    read = services._Corrections.__init__

    def read_then_correct(self, loaded):
        read(self, loaded)  # the batch's one read; an operator corrects right after it
        analysis_correct(actor=personas["curator"], message=messages[1], topic=heating)

    monkeypatch.setattr(services._Corrections, "__init__", read_then_correct)
    with CaptureQueriesContext(connection) as ctx:
        services.messages_analyse(messages=batch)
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "nlp_correction"' in q["sql"]]
    # one for the batch, and one again under the lock for the message changed since it was read
    assert len(reads) == 2
    topics = dict(
        Message.objects.filter(pk__in=[m.pk for m in messages]).values_list("pk", "topic")
    )
    assert topics[messages[0].pk] == topics[messages[1].pk] == heating.pk  # both corrections kept
    assert topics[messages[2].pk] != heating.pk  # the others have what the pipeline says


def test_a_correction_is_one_call_kept_as_a_training_signal(region, personas):
    message = ingest(HOT_WATER)
    message_analyse(message=message)
    heating = Topic.objects.get(code="zhkh-heating-outage")
    analysis_correct(actor=personas["curator"], message=message, topic=heating)
    message.refresh_from_db()
    assert (message.topic, message.sector) == (heating, heating.sector)
    assert Correction.objects.filter(message=message, field="topic", corrected=heating.code)
    assert AuditEvent.objects.filter(action="message.classify").exists()
    # re-processing keeps the person's word
    message_analyse(message=message)
    message.refresh_from_db()
    assert message.topic == heating


def test_an_operator_may_not_correct(region, personas):
    message = ingest(HOT_WATER)
    message_analyse(message=message)
    before = Message.objects.get(pk=message.pk).topic
    with pytest.raises(AccessDenied, match="«Исправление отрасли, темы и места сообщения»"):
        analysis_correct(
            actor=personas["org_operator"],
            message=message,
            topic=Topic.objects.get(code="zhkh-heating-outage"),
        )
    assert Message.objects.get(pk=message.pk).topic == before
    assert not Correction.objects.exists()


def test_reprocessing_goes_through_history_in_batches_with_progress(region, personas):
    messages = [ingest(f"{HOT_WATER} Сообщение {i}.") for i in range(5)]
    messages.append(ingest("Яма на дороге у школы в Камышине"))
    run = reprocess_start(actor=personas["curator"], enqueue=False)
    assert run.total == 6
    steps = 0
    while reprocess_step(run=run, batch=4):
        steps += 1
        run.refresh_from_db()
        assert run.done == 4 and run.status == ReprocessStatus.RUNNING
    run.refresh_from_db()
    assert steps == 1 and run.done == 6 and run.status == ReprocessStatus.DONE
    assert run.changed == 6  # none had a sector before
    assert MessageAnalysis.objects.count() == 6
    # the later copies found the first
    assert MessageAnalysis.objects.filter(duplicate_of=messages[0]).count() >= 1


def test_reprocessing_needs_the_right_and_runs_once(region, personas):
    with pytest.raises(AccessDenied, match="«Модели классификации:"):
        reprocess_start(actor=personas["org_operator"], enqueue=False)
    reprocess_start(actor=personas["curator"], enqueue=False)
    from otklik.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="Переобработка уже идёт"):
        reprocess_start(actor=personas["curator"], enqueue=False)


def test_reprocessing_through_the_task(region, personas, django_capture_on_commit_callbacks):
    for i in range(3):
        ingest(f"Нет света на улице Ленина, {i + 1} в Михайловке")
    with django_capture_on_commit_callbacks(execute=True):
        run = reprocess_start(actor=personas["curator"])  # the task runs on commit
    run.refresh_from_db()
    assert run.status == ReprocessStatus.DONE and run.done == 3


def test_a_corrected_municipality_moves_the_duplicate_keys(region, personas):
    from otklik.intake.services import message_classify

    message = ingest(HOT_WATER)
    message_analyse(message=message)
    kamyshin = Municipality.objects.get(okato="18415")
    message_classify(actor=personas["curator"], message=message, municipality=kamyshin)
    assert set(
        MessageBand.objects.filter(message=message).values_list("municipality_id", flat=True)
    ) == {kamyshin.pk}
    again = ingest(HOT_WATER.replace("в Волжском", "в Камышине") + "!", municipality=kamyshin)
    assert message_analyse(message=again).analysis.duplicate_of_id == message.pk
