"""Training on the region's confirmed history: the messages of cases the ЦУР accepted (the cases
app registers them with the pipeline's training, ``otklik.cases.confirmed``), masked, oldest
first; ``otklik nlp learn`` and the other commands on that history."""

from __future__ import annotations

import io
import itertools
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from otklik.audit.models import AuditEvent
from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case
from otklik.cases.services.corrections import message_topic_correct
from otklik.cases.services.opening import case_open_or_join
from otklik.directory.models import Channel, InputKind, Topic
from otklik.intake.services import AuthorData, message_ingest
from otklik.nlp import registry
from otklik.nlp.models import ClassifierModel, ModelStatus
from otklik.nlp.selectors import training_examples
from otklik.nlp.services.classifiers import model_activate, model_train_from_history
from otklik.nlp.tests.test_registry import ROADS, WATER

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)


@pytest.fixture
def history(region, settings, tmp_path):
    """60 messages whose cases the ЦУР accepted, oldest first: 30 on hot water, 30 on roads;
    the names and phones in them must not reach the training set."""
    settings.VAR_DIR = tmp_path
    registry.reset()
    water = Topic.objects.get(code="zhkh-hot-water")
    pothole = Topic.objects.get(code="roads-potholes")
    start = timezone.now() - timezone.timedelta(days=20)
    for i in range(60):
        topic, texts = (water, WATER) if i % 2 == 0 else (pothole, ROADS)
        message, _ = message_ingest(
            channel=Channel.objects.get(code="web"),
            kind=InputKind.objects.get(code="message"),
            external_id=f"hist-{next(_ids)}",
            text=texts[i % 3].format(n=i + 1) + " Иванов Пётр, тел. +79021234567",
            received_at=start + timezone.timedelta(hours=i),
            author=AuthorData(name="Иванов Пётр", phone=f"+7903{next(_ids):07d}"),
            sector=topic.sector,
            topic=topic,
            process=False,
        )
        case, _ = case_open_or_join(message=message)
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.ASSIGNED)
    yield
    registry.reset()


def test_training_examples_are_confirmed_masked_and_oldest_first(history):
    examples = training_examples("sector")
    assert len(examples) == 60
    assert {e.label for e in examples} == {"zhkh", "roads"}
    assert all("+7902" not in e.text and "Иванов" not in e.text for e in examples)
    assert [e.received_at for e in examples] == sorted(e.received_at for e in examples)
    # a case still waiting for the ЦУР does not confirm anything
    Case.objects.filter(pk=Case.objects.first().pk).update(status=CaseStatus.NEW)
    assert len(training_examples("sector")) == 59


def test_learn_registers_an_evaluated_candidate_then_it_runs(history, personas):
    row = model_train_from_history(actor=personas["analyst"], level="sector", folds=0)
    assert row.status == ModelStatus.CANDIDATE
    assert (row.n_train, row.n_holdout) == (48, 12)
    assert set(row.labels) == {"zhkh", "roads"}
    ev = row.evaluation
    assert ev["candidate"]["n"] == ev["current"]["n"] == 12
    assert ev["current_name"] == "встроенные знания"
    assert 0 <= ev["candidate"]["macro_f1"] <= 1
    assert AuditEvent.objects.filter(action="nlp.model_register").exists()
    model_activate(actor=personas["analyst"], model=row, force=True)
    registry.reset()
    result = registry.current().pipeline.run([{"text": "Яма на дороге у дома"}])[0]
    assert result["classifier"].endswith(f"+model-{registry.training_version(row)}")
    assert result["sector"] == "roads"


def test_a_correction_becomes_a_training_example(history, personas):
    message = Case.objects.order_by("received_at").first().messages.get()
    message_topic_correct(
        actor=personas["curator"], message=message, topic=Topic.objects.get(code="roads-potholes")
    )
    labels = {e.message_id: e.label for e in training_examples("topic")}
    assert labels[message.pk] == "roads-potholes"


def test_the_commands(history):
    out = io.StringIO()
    call_command(
        "nlp",
        "learn",
        "--level",
        "sector",
        "--folds",
        "0",
        "--json",
        stdout=out,
        stderr=io.StringIO(),
    )
    learned = json.loads(out.getvalue())
    assert learned["status"] == "candidate" and learned["n_train"] == 48
    out = io.StringIO()
    call_command("nlp", "models", "--json", stdout=out)
    assert [m["version"] for m in json.loads(out.getvalue())] == [learned["version"]]
    call_command("nlp", "activate", learned["version"], "--force", stdout=io.StringIO())
    assert ClassifierModel.objects.get(status=ModelStatus.ACTIVE).version == learned["version"]
    out = io.StringIO()
    call_command("nlp", "rollback", stdout=out)
    assert "built-in" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("nlp", "rollback", stdout=io.StringIO())
    out = io.StringIO()
    call_command("nlp", "reprocess", "--batch", "25", stdout=out, stderr=io.StringIO())
    assert "re-processed 60 messages" in out.getvalue()
