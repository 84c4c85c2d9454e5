"""`otklik nlp train | evaluate | classify` through call_command, on the hand-written fixture."""

from __future__ import annotations

import gzip
import io
import json

import pytest
from django.core.management import CommandError, call_command


def run(*args, stdin: str | None = None) -> str:
    out = io.StringIO()
    kwargs = {"stdout": out, "stderr": io.StringIO()}
    if stdin is not None:
        kwargs["stdin"] = io.StringIO(stdin)
    call_command("nlp", *args, **kwargs)
    return out.getvalue()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    from pathlib import Path

    out = tmp_path_factory.mktemp("model")
    data = Path(__file__).parent / "fixtures" / "appeals.csv"
    run("train", "--data", str(data), "--text-column", "text", "--label-column", "label",
        "--out", str(out), "--folds", "3")  # fmt: skip
    return out


def test_train_writes_a_versioned_model_with_its_metrics(model_dir):
    meta = json.loads((model_dir / "meta.json").read_text())
    assert meta["labels"] == ["roads", "waste", "water"]
    assert meta["n"] == 36
    assert meta["label_counts"] == {"roads": 12, "waste": 12, "water": 12}
    assert set(meta["metrics"]) >= {"macro_f1", "accuracy", "n", "per_class", "cv_folds"}
    assert meta["metrics"]["cv_folds"] == 3
    assert meta["metrics"]["macro_f1"] >= 0.6
    assert meta["temperature"] > 0
    assert (model_dir / "model.joblib").exists()


def test_evaluate_prints_one_json_object(model_dir, appeals_csv):
    out = run("evaluate", "--data", str(appeals_csv), "--model", str(model_dir),
              "--text-column", "text", "--label-column", "label", "--json")  # fmt: skip
    result = json.loads(out)
    assert result["n"] == 36
    assert result["macro_f1"] == 1.0  # its own training data
    assert result["accuracy"] == 1.0
    assert set(result["per_class"]) == {"roads", "waste", "water"}
    assert result["per_class"]["water"] == {
        "precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 12,
    }  # fmt: skip


def test_evaluate_reads_gzip_and_counts_unknown_labels_as_errors(model_dir, tmp_path):
    path = tmp_path / "more.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("text,label\nЯма на дороге у школы,roads\nНе работает лифт,elevator\n")
    result = json.loads(run("evaluate", "--data", str(path), "--model", str(model_dir), "--json"))
    assert result["n"] == 2
    assert result["accuracy"] == 0.5
    assert result["per_class"]["elevator"]["recall"] == 0.0


def test_missing_file_and_column_are_clear_errors(model_dir, appeals_csv, tmp_path):
    with pytest.raises(CommandError, match="data file not found"):
        run("evaluate", "--data", str(tmp_path / "absent.csv"), "--model", str(model_dir))
    with pytest.raises(CommandError, match="no column 'topic'"):
        run("train", "--data", str(appeals_csv), "--label-column", "topic", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="not a model directory"):
        run("evaluate", "--data", str(appeals_csv), "--model", str(tmp_path))


def test_a_tampered_model_is_refused(model_dir, appeals_csv, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(model_dir, copy)
    (copy / "model.joblib").write_bytes((copy / "model.joblib").read_bytes() + b"x")
    with pytest.raises(CommandError, match="checksum"):
        run("evaluate", "--data", str(appeals_csv), "--model", str(copy))


def test_classify_writes_one_line_per_input_in_order():
    lines = [
        json.dumps({"text": "Третий день нет воды в Волжском, ул. Мира 5"}, ensure_ascii=False),
        "not json",
        json.dumps({"text": 42}),
        json.dumps({"text": "Яма на дороге", "lat": "north"}, ensure_ascii=False),
        "",
        json.dumps({"text": "Открытый люк", "lat": 48.705, "lon": 44.515}, ensure_ascii=False),
        json.dumps(["text"]),
    ]
    out = run("classify", "--json", stdin="\n".join(lines) + "\n").splitlines()
    results = [json.loads(line) for line in out]
    assert [r["line"] for r in results] == [1, 2, 3, 4, 5, 6, 7]
    assert [("error" in r) for r in results] == [False, True, True, True, True, False, True]
    first = results[0]
    for field in ("sector", "sector_confidence", "topic", "municipality", "city_district",
                  "address", "sentiment", "urgency", "conflict", "pii", "text_masked"):  # fmt: skip
        assert field in first
    assert (first["sector"], first["municipality"], first["address"]) == (
        "zhkh", "18410", "ул. Мира, 5",
    )  # fmt: skip
    assert results[3]["error"] == "'lat' must be a number"
    assert results[5]["city_district"] == "18401395"


def test_classify_with_a_model_adds_its_label(model_dir):
    out = run("classify", "--json", "--model", str(model_dir),
              stdin='{"text": "Контейнеры переполнены, мусор не вывозят"}\n')  # fmt: skip
    r = json.loads(out)
    assert r["label"] == "waste"
    assert 0 < r["label_confidence"] <= 1
    assert r["sector"] == "tko"  # the built-in sector stays: the model's labels are not sectors


def test_classify_on_empty_input_writes_nothing():
    assert run("classify", "--json", stdin="") == ""


def test_duplicates_are_found_within_the_stream():
    text = {"text": "Нет горячей воды третий день, Волжский, ул. Мира 5"}
    out = run(
        "classify",
        "--json",
        stdin=json.dumps(text, ensure_ascii=False)
        + "\n"
        + json.dumps(
            {"text": "Третьи сутки нет горячей воды! Волжский, ул. Мира 5"}, ensure_ascii=False
        ),
    )
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["duplicate_of"] is None
    assert second["duplicate_of"]["id"] == "1"
    assert second["duplicate_of"]["merge"] is True
    assert "repeated" in second["conflict"]


def test_train_without_cross_validation_and_on_a_single_label(appeals_csv, tmp_path):
    run("train", "--data", str(appeals_csv), "--out", str(tmp_path / "quick"), "--folds", "0")
    meta = json.loads((tmp_path / "quick" / "meta.json").read_text())
    assert (meta["metrics"], meta["temperature"]) == (None, 1.0)
    one = tmp_path / "one.csv"
    one.write_text("text,label\nЯма на дороге,roads\nВыбоины на улице,roads\n", encoding="utf-8")
    run("train", "--data", str(one), "--out", str(tmp_path / "one"))
    out = run("classify", "--json", "--model", str(tmp_path / "one"), stdin='{"text": "Яма"}\n')
    r = json.loads(out)  # its only label is a sector code: it speaks for the sector
    assert (r["sector"], r["sector_confidence"]) == ("roads", 1.0)
