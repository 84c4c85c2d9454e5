"""Tone, urgency and conflict signals."""

from __future__ import annotations

from datetime import date

import pytest

from otklik.nlp.stages.base import Doc
from otklik.nlp.stages.normalise import NormaliseStage
from otklik.nlp.stages.signals import ConflictStage, ToneUrgencyStage

WINTER, SUMMER = date(2026, 1, 15), date(2026, 7, 15)


def signals(text: str, received: date | None = SUMMER) -> dict:
    doc = Doc(text=text, received=received)
    for stage in (NormaliseStage(), ToneUrgencyStage(), ConflictStage()):
        stage.process([doc])
    assert doc.versions == {"normalise": "1", "tone": "2", "conflict": "1"}
    return doc.result


@pytest.mark.parametrize(
    ("text", "sentiment"),
    [
        ("Большое спасибо дорожникам, отремонтировали дорогу быстро и качественно!", "positive"),
        ("Благодарю врачей поликлиники за внимательное отношение 🙏", "positive"),
        ("Сколько можно! Мусор не вывозят неделю, безобразие", "negative"),
        ("Это издевательство, УК ничего не делает", "negative"),
        ("Подскажите, пожалуйста, когда начнётся приём в первый класс?", "neutral"),
        ("", "neutral"),
    ],
)
def test_sentiment(text, sentiment):
    assert signals(text)["sentiment"] == sentiment


def test_obfuscated_swearing_is_negative_and_aggressive():
    r = signals("Да когда уже вывезут этот мусор, бл@дь")
    assert r["sentiment"] == "negative"
    assert r["conflict"] == ["aggression"]


def test_heating_outage_is_more_urgent_in_winter():
    text = "Нет отопления во всём доме"
    winter, summer = signals(text, WINTER), signals(text, SUMMER)
    assert winter["urgency_score"] > summer["urgency_score"]
    # no heating in the cold season is an accident
    assert winter["urgency_signals"] == ["emergency", "cold_season", "outage_heat", "many_affected"]
    assert winter["urgency"] == "critical"
    assert summer["urgency_signals"] == ["outage_heat", "many_affected"]
    assert summer["urgency"] == "medium"


@pytest.mark.parametrize(
    ("text", "level", "first_signal"),
    [
        ("Оборван провод, лежит на тротуаре возле школы, искрит", "critical", "emergency"),
        ("Пахнет газом в подъезде!", "critical", "emergency"),
        ("Прорвало трубу, вода хлещет во двор", "critical", "emergency"),
        ("Открытый люк на тротуаре, дети ходят рядом", "high", "danger"),
        ("Нет воды с утра", "medium", "outage_water"),
        ("Просим покрасить лавочку во дворе", "low", None),
    ],
)
def test_urgency(text, level, first_signal):
    r = signals(text)
    assert r["urgency"] == level
    assert (r["urgency_signals"][0] if r["urgency_signals"] else None) == first_signal


# Accidents (аварийная ситуация): urgency «critical» and the markers that said so.
@pytest.mark.parametrize(
    ("text", "markers"),
    [
        ("третий день течёт горячая вода из трубы в подвале, в подъезде пар",
         ["течь труба", "пар подъезд"]),
        ("В подвале прорвало трубу отопления, кипяток заливает подвал",
         ["прорвать", "кипяток подвал"]),
        ("Во дворе из-под асфальта бьёт вода фонтаном", ["фонтан", "бить вода", "бить из-под"]),
        ("На лестнице сильно пахнет газом, соседи не открывают", ["пахнуть газ"]),
        ("В щитке на этаже искрит проводка, уже пошёл дым", ["искрить"]),
        ("Оголённые провода торчат из столба прямо у остановки", ["оголить провод*"]),
        ("Обрушился балкон третьего этажа на улице Ленина", ["обрушиться"]),
        ("Канализация затопила подвал, фекалии по колено", ["затопить", "канализация затопить"]),
        ("Соседи сверху топят, с потолка льёт вода", ["топить сосед", "лить потолок"]),
        ("Вчера была авария на сетях, до сих пор хлещет вода", ["хлестать"]),
    ],
)  # fmt: skip
def test_accidents_are_critical(text, markers):
    r = signals(text)
    assert r["urgency"] == "critical"
    assert r["urgency_signals"][0] == "emergency"
    assert r["emergency_markers"] == markers


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("нет горячей воды уже неделю", "medium"),  # an outage, not an accident
        ("авария была в прошлом году, сейчас всё хорошо", "low"),  # the past
        ("Порыв устранили, спасибо аварийной службе", "low"),  # repaired
        ("Газом в подъезде не пахнет, просим проверить плиту", "low"),  # negated
        ("Вода из трубы больше не течёт", "low"),  # negated
        ("Просим признать дом аварийным и расселить жильцов", "low"),  # not an accident
        ("Если прорвёт трубу, кто будет отвечать?", "low"),  # what might happen
        ("Балкон может обрушиться, трещина по всей плите", "high"),  # a danger, not yet one
        ("В квартирах плохо топят, батареи еле тёплые", "low"),  # «топить» is heating here
        ("В течение недели нет горячей воды", "medium"),  # «течение» is no «течь»
    ],
)
def test_what_is_not_an_accident(text, level):
    r = signals(text)
    assert "emergency" not in r["urgency_signals"]
    assert r["emergency_markers"] == []
    assert r["urgency"] == level


def test_no_heating_is_an_accident_only_in_the_cold_season():
    text = "Нет отопления в квартире, дома +12"
    assert signals(text, WINTER)["urgency"] == "critical"
    assert signals(text, SUMMER)["urgency"] == "medium"


def test_children_and_many_people_add_to_urgency():
    plain = signals("Нет света")
    worse = signals("Нет света на всей улице, у нас грудной ребёнок")
    assert worse["urgency_score"] > plain["urgency_score"]
    assert worse["urgency_signals"] == ["outage_power", "vulnerable", "many_affected"]


@pytest.mark.parametrize(
    ("text", "conflict"),
    [
        ("Если не сделаете, пойду в прокуратуру", ["prosecutor"]),
        ("Подадим иск в суд на управляющую компанию", ["court"]),
        ("Буду писать Президенту", ["president"]),
        ("Обратимся на телевидение, пусть все узнают", ["media"]),
        ("Мы, жители дома 5, требуем ремонта крыши", ["collective"]),
        ("Пишу повторно, проблема не решена", ["repeated"]),
        ("Ваш ответ — очередная отписка", ["answer_complaint"]),
        ("Вы там совсем обнаглели, бездельники", ["aggression"]),
        ("Просим отремонтировать дорогу", []),
    ],
)
def test_conflict_signals(text, conflict):
    assert signals(text)["conflict"] == conflict


def test_the_accident_topic_rule_names_known_markers_and_topics():
    from otklik.nlp import resources
    from otklik.nlp.stages.signals import emergency_rules

    rules = emergency_rules()
    known = {" ".join(m) for m in rules.markers}
    topics = {t.code for t in resources.taxonomy()}
    assert rules.network_markers and rules.network_markers <= known
    assert rules.accident_topic == "zhkh-network-accident"
    assert rules.service_topics and rules.service_topics <= topics
