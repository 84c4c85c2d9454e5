"""The model registry: training on the region's confirmed history, evaluation on a holdout
before a model may be switched on, switching on, rolling back, the CLI."""

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
from otklik.cases.services.opening import case_open_or_join
from otklik.core.exceptions import AccessDenied, ApplicationError
from otklik.directory.models import Channel, InputKind, Topic
from otklik.intake.services import AuthorData, message_ingest
from otklik.nlp import registry
from otklik.nlp.models import ClassifierModel, ModelStatus
from otklik.nlp.selectors import training_examples
from otklik.nlp.services import (
    analysis_correct,
    model_activate,
    model_register,
    model_rollback,
    model_train_from_history,
)

pytestmark = pytest.mark.django_db
_ids = itertools.count(1)

WATER = [
    "Нет горячей воды в доме {n}, звонил в управляющую компанию",
    "Уже {n} дней без горячей воды, трубы холодные",
    "Отключили горячую воду в доме {n} без предупреждения",
]
ROADS = [
    "Огромная яма на дороге у дома {n}, машины бьют колёса",
    "Разбитый асфальт на проезжей части у остановки, ямы глубиной {n} см",
    "Дорогу у дома {n} не ремонтировали много лет, сплошные выбоины",
]


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
    analysis_correct(
        actor=personas["curator"], message=message, topic=Topic.objects.get(code="roads-potholes")
    )
    labels = {e.message_id: e.label for e in training_examples("topic")}
    assert labels[message.pk] == "roads-potholes"


def test_too_little_history_is_refused(region, personas):
    with pytest.raises(ApplicationError, match="хотя бы"):
        model_train_from_history(actor=personas["curator"], level="topic")


def test_only_the_ЦУР_trains_and_switches(history, personas):
    with pytest.raises(AccessDenied, match="«Модели классификации:"):
        model_train_from_history(actor=personas["org_operator"], level="sector")
    with pytest.raises(AccessDenied, match="«Модели классификации:"):
        model_rollback(actor=personas["auditor"])


def _registered(tmp_path, version, candidate, current, actor):
    from otklik.nlp import training

    clf = training.train(["нет воды", "яма на дороге"] * 3, ["zhkh", "roads"] * 3, folds=0)
    path = tmp_path / version
    training.save(clf, path)
    return model_register(
        actor=actor,
        version=version,
        level="sector",
        path=str(path),
        source="test",
        labels=clf.labels,
        n_train=6,
        n_holdout=2,
        evaluation={"candidate": {"macro_f1": candidate}, "current": {"macro_f1": current}},
    )


def test_a_worse_model_is_refused_unless_forced_and_rollback_restores(region, personas, tmp_path):
    actor = personas["curator"]
    good = _registered(tmp_path, "m-good", 0.8, 0.7, actor)
    worse = _registered(tmp_path, "m-worse", 0.6, 0.8, actor)
    model_activate(actor=actor, model=good)
    with pytest.raises(ApplicationError, match="хуже"):
        model_activate(actor=actor, model=worse)
    good.refresh_from_db()
    assert good.status == ModelStatus.ACTIVE
    model_activate(actor=actor, model=worse, force=True)
    assert ClassifierModel.objects.get(status=ModelStatus.ACTIVE).version == "m-worse"
    now = model_rollback(actor=actor)
    assert now.version == "m-good"
    assert ClassifierModel.objects.get(status=ModelStatus.ACTIVE).version == "m-good"
    assert model_rollback(actor=actor) is None  # back to the built-in knowledge alone
    assert not ClassifierModel.objects.filter(status=ModelStatus.ACTIVE).exists()


def test_an_unevaluated_model_cannot_be_switched_on(region, personas, tmp_path):
    row = _registered(tmp_path, "m-x", None, None, personas["curator"])
    row.evaluation = {}
    row.save()
    with pytest.raises(ApplicationError, match="не проверена"):
        model_activate(actor=personas["curator"], model=row)


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
    with pytest.raises(CommandError, match="откатывать нечего"):
        call_command("nlp", "rollback", stdout=io.StringIO())
    out = io.StringIO()
    call_command("nlp", "reprocess", "--batch", "25", stdout=out, stderr=io.StringIO())
    assert "re-processed 60 messages" in out.getvalue()


def test_learn_from_a_file_registers_an_evaluated_candidate(region, settings, tmp_path):
    import csv

    settings.VAR_DIR = tmp_path
    registry.reset()
    path = tmp_path / "labelled.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["text", "label"])
        for i in range(60):
            texts, label = (WATER, "zhkh") if i % 2 == 0 else (ROADS, "roads")
            w.writerow([texts[i % 3].format(n=i + 1) + " звонить Петрову Ивану", label])
    out = io.StringIO()
    call_command(
        "nlp", "learn", "--level", "sector", "--data", str(path), "--folds", "0", "--json",
        stdout=out, stderr=io.StringIO(),
    )  # fmt: skip
    learned = json.loads(out.getvalue())
    assert (learned["n_train"], learned["n_holdout"]) == (48, 12)
    row = ClassifierModel.objects.get(version=learned["version"])
    assert row.source == "Файл labelled.csv" and row.candidate_f1 is not None
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nЯма на дороге,potholes\n", encoding="utf-8")
    with pytest.raises(CommandError, match="нет в справочнике"):
        call_command("nlp", "learn", "--level", "sector", "--data", str(bad), stdout=io.StringIO())
    registry.reset()
