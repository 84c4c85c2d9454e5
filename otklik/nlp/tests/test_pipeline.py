"""Classification and the whole pipeline, on messages written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from otklik.nlp.knowledge import SECTORS


@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("Третьи сутки нет отопления, батареи ледяные, в квартире +14", "zhkh"),
        ("Контейнеры переполнены, мусор не вывозят вторую неделю", "tko"),
        ("На улице не горят фонари, вечером темно", "energy"),
        ("Ребёнка не берут в детский сад, очередь не движется третий год", "education"),
        ("Не могу записаться к терапевту в поликлинике, талонов нет", "health"),
        ("Огромные ямы на дороге, асфальт разрушен", "roads"),
        ("Автобус 15 ходит раз в час, расписание не соблюдается", "transport"),
        ("Не пришло пособие на ребёнка, соцзащита не отвечает", "social"),
        ("Стая бездомных собак у школы кидается на детей", "other"),
    ],
)
def test_builtin_classifier_knows_every_sector(analyse, text, sector):
    r = analyse(text)
    assert r["sector"] == sector
    assert r["topic"].startswith(sector)
    assert 0.5 <= r["sector_confidence"] <= 1.0
    assert r["triage"] is False
    assert r["explanation"]  # the words that weighed


def test_confidence_is_low_for_text_with_nothing_to_go_by(analyse):
    r = analyse("Здравствуйте")
    assert r["sector"] in SECTORS
    assert r["sector_confidence"] < 0.5
    assert r["triage"] is True


def test_non_russian_and_empty_messages_go_to_triage(analyse):
    for text in ("The streetlight is broken near my house", "", "   "):
        r = analyse(text)
        assert r["triage"] is True
        assert r["sector_confidence"] == 0.0
        assert r["municipality"] is None


def test_one_message_through_every_stage(analyse):
    r = analyse(
        "<p>Здравствуйте! Я, Петрова Анна Сергеевна, пишу повторно: в Ворошиловскый районе, "
        "ул. Козловская 12, кв. 5 третий день нет отопления!!! Дети болеют. "
        "Тел. 89021234567. Будем жаловаться в прокуратуру.</p>",
        date=date(2026, 1, 20),
    )
    assert r["sector"] == "zhkh"
    assert r["topic"] == "zhkh-heating-outage"
    assert (r["municipality"], r["city_district"]) == ("18401", "18401363")
    assert r["address"] == "ул. Козловская, 12"
    assert r["sentiment"] == "negative"
    assert r["urgency"] == "critical"  # no heating in January is an accident
    assert r["conflict"] == ["prosecutor", "repeated"]
    assert [p["type"] for p in r["pii"]] == ["name", "flat", "phone"]
    assert r["text_masked"] == (
        "Здравствуйте! Я, [ФИО], пишу повторно: в Ворошиловскый районе, ул. Козловская 12, "
        "кв. [НОМЕР] третий день нет отопления!!! Дети болеют. Тел. [ТЕЛЕФОН]. "
        "Будем жаловаться в прокуратуру."
    )
    assert r["duplicate_of"] is None
    assert set(r["versions"]) == {
        "normalise", "language", "classify", "location", "tone", "conflict", "pii", "duplicates",
    }  # fmt: skip


def test_huge_message_is_analysed_by_its_beginning(analyse):
    text = "В Камышине третий день нет воды, звоните 89021234567. " + "Очень ждём ответа. " * 60_000
    r = analyse(text)
    assert r["municipality"] == "18415"
    assert r["sector"] in SECTORS
    assert r["text_masked"].startswith("В Камышине третий день нет воды, звоните [ТЕЛЕФОН].")
    assert len(r["text_masked"]) == len(text.strip()) - len("89021234567") + len("[ТЕЛЕФОН]")


def test_batches_keep_their_order(pipeline):
    from otklik.nlp.stages.duplicates import DuplicateIndex

    pipeline.stages[-1].index = DuplicateIndex()
    texts = ["Мусор не вывозят", "Яма на дороге", "Нет света", "Автобус не пришёл"] * 5
    results = pipeline.run([{"text": t} for t in texts])
    assert [r["sector"] for r in results[:4]] == ["tko", "roads", "energy", "transport"]
    assert len(results) == 20


def test_analyse_one_message_for_other_apps():
    from otklik.nlp.pipeline import analyse

    r = analyse("Пахнет газом в подъезде, Камышин, ул. Ленина 5", received=date(2026, 2, 1))
    assert (r["sector"], r["municipality"], r["urgency"]) == ("energy", "18415", "critical")


@pytest.mark.parametrize(
    ("text", "service"),
    [
        ("третий день течёт горячая вода из трубы в подвале, в подъезде пар", "zhkh-hot-water"),
        ("В подвале прорвало трубу отопления, кипяток заливает подвал", "zhkh-heating-outage"),
        ("Прорвало стояк горячей воды, весь подъезд в пару", "zhkh-hot-water"),
    ],
)
def test_a_network_accident_takes_the_accident_topic(analyse, text, service):
    """The taxonomy sends a visible accident to its own topic, the missing service without one
    to the service's: the service topic the classifier chose is offered first instead."""
    r = analyse(text, date=date(2026, 3, 6))
    assert (r["urgency"], r["sector"], r["topic"]) == ("critical", "zhkh", "zhkh-network-accident")
    assert r["topic_rule"] == "emergency"
    assert r["alternatives"][0]["topic"] == service


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("нет горячей воды уже неделю", "zhkh-hot-water"),  # no accident
        ("Третьи сутки нет отопления, батареи ледяные", "zhkh-heating-outage"),  # no visible one
    ],
)
def test_a_service_without_an_accident_keeps_its_topic(analyse, text, topic):
    r = analyse(text, date=date(2026, 1, 20))
    assert r["topic"] == topic
    assert "topic_rule" not in r
