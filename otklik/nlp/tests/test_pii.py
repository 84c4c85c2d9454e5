"""Personal data: found and masked. Numbers are made up (checksums computed for the test)."""

from __future__ import annotations

import pytest

from otklik.nlp.stages.base import Doc
from otklik.nlp.stages.normalise import NormaliseStage
from otklik.nlp.stages.pii import PiiStage, inn_valid, snils_valid


@pytest.fixture(scope="module")
def pii_stage():
    return PiiStage()


def mask(stage, text: str) -> dict:
    doc = Doc(text=text)
    NormaliseStage().process([doc])
    stage.process([doc])
    return doc.result


@pytest.mark.parametrize(
    ("text", "masked", "kinds"),
    [
        ("Звоните +7 (902) 123-45-67", "Звоните [ТЕЛЕФОН]", ["phone"]),
        ("мой номер 89021234567, жду", "мой номер [ТЕЛЕФОН], жду", ["phone"]),
        ("тел. 38-12-45", "тел. [ТЕЛЕФОН]", ["phone"]),
        ("пишите на ivanova.m@example.ru", "пишите на [EMAIL]", ["email"]),
        ("паспорт 18 04 123456 выдан", "паспорт [ПАСПОРТ] выдан", ["passport"]),
        ("СНИЛС 112-233-445 95", "СНИЛС [СНИЛС]", ["snils"]),
        ("ИНН 3444045678", "ИНН [ИНН]", ["inn"]),
        ("ул. Мира, 5, кв. 17", "ул. Мира, 5, кв. [НОМЕР]", ["flat"]),
        ("квартира №102 затоплена", "квартира №[НОМЕР] затоплена", ["flat"]),
        ("Иванов И. И. просит помочь", "[ФИО] просит помочь", ["name"]),
    ],
)
def test_patterns_are_masked(pii_stage, text, masked, kinds):
    r = mask(pii_stage, text)
    assert r["text_masked"] == masked
    assert [p["type"] for p in r["pii"]] == kinds


def test_full_names_are_found_by_ner(pii_stage):
    r = mask(pii_stage, "Меня зовут Кузнецова Мария Петровна, живу на ул. Хользунова, 10")
    assert r["text_masked"] == "Меня зовут [ФИО], живу на ул. Хользунова, 10"
    assert r["pii"] == [{"type": "name", "start": 11, "end": 35}]


def test_spans_never_carry_the_values(pii_stage):
    r = mask(pii_stage, "Пётр Сидоров, 89021234567, petr@example.ru")
    assert all(set(p) == {"type", "start", "end"} for p in r["pii"])
    assert "89021234567" not in r["text_masked"]
    assert "petr@example.ru" not in r["text_masked"]


def test_house_numbers_and_dates_are_not_personal_data(pii_stage):
    r = mask(pii_stage, "Дом 15 по ул. Ленина, авария 12.01.2026 в 10:30, 3 дня без воды")
    assert r["pii"] == []


def test_checksums():
    assert snils_valid("112-233-445 95")
    assert not snils_valid("112-233-445 96")
    assert inn_valid("7707083893")
    assert not inn_valid("7707083894")
    assert inn_valid("500100732259")
    assert not inn_valid("500100732250")


def test_empty_and_huge_text(pii_stage):
    assert mask(pii_stage, "")["text_masked"] == ""
    text = "Нет воды. " * 100_000 + "Звоните 89021234567"
    r = mask(pii_stage, text)
    assert r["text_masked"].endswith("Звоните [ТЕЛЕФОН]")


def test_a_name_after_a_sentence_without_a_stop_is_masked(analyse):
    masked = analyse("Ямы глубиной 2 см Иванов Пётр, тел. +79021234567")["text_masked"]
    assert "Иванов" not in masked and "[ФИО]" in masked
