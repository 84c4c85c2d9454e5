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
    assert doc.versions == {"normalise": "1", "tone": "1", "conflict": "1"}
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
    assert winter["urgency_signals"] == ["cold_season", "outage_heat", "many_affected"]
    assert winter["urgency"] == "high"


@pytest.mark.parametrize(
    ("text", "level", "first_signal"),
    [
        ("Оборван провод, лежит на тротуаре возле школы, искрит", "high", "danger"),
        ("Пахнет газом в подъезде!", "high", "danger"),
        ("Прорвало трубу, вода хлещет во двор", "medium", "accident"),
        ("Нет воды с утра", "medium", "outage_water"),
        ("Просим покрасить лавочку во дворе", "low", None),
    ],
)
def test_urgency(text, level, first_signal):
    r = signals(text)
    assert r["urgency"] == level
    assert (r["urgency_signals"][0] if r["urgency_signals"] else None) == first_signal


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
