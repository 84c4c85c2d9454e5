"""The model registry: training examples from operators' corrections, evaluation on a holdout
before a model may be switched on, switching on, rolling back, training from a file. (Training
on the messages of cases the ЦУР accepted, and the CLI on that history, is tested in
``otklik/cases/tests/test_nlp_training.py``.)"""

from __future__ import annotations

import io
import itertools
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

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


def test_too_little_history_is_refused(region, personas):
    with pytest.raises(ApplicationError, match="хотя бы"):
        model_train_from_history(actor=personas["curator"], level="topic")


def test_a_correction_becomes_a_training_example(region, personas):
    water, pothole = (
        Topic.objects.get(code="zhkh-hot-water"),
        Topic.objects.get(code="roads-potholes"),
    )
    message, _ = message_ingest(
        channel=Channel.objects.get(code="web"),
        kind=InputKind.objects.get(code="message"),
        external_id=f"hist-{next(_ids)}",
        text=WATER[0].format(n=1) + " Иванов Пётр, тел. +79021234567",
        received_at=timezone.now(),
        author=AuthorData(name="Иванов Пётр", phone=f"+7903{next(_ids):07d}"),
        sector=water.sector,
        topic=water,
        process=False,
    )
    assert training_examples("topic") == []  # nobody confirmed it yet
    analysis_correct(actor=personas["curator"], message=message, topic=pothole)
    [example] = training_examples("topic")
    assert (example.message_id, example.label) == (message.pk, "roads-potholes")
    assert "Иванов" not in example.text and "+7902" not in example.text


def test_only_the_ЦУР_trains_and_switches(region, personas):
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
