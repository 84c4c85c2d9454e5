"""Normalisation and language check, on texts written for these tests."""

from __future__ import annotations

import pytest

from otklik.nlp.stages.base import Doc
from otklik.nlp.stages.language import LanguageStage
from otklik.nlp.stages.normalise import NormaliseStage, deobfuscate


def normalise(text: str) -> Doc:
    doc = Doc(text=text)
    NormaliseStage().process([doc])
    return doc


def test_html_is_stripped_and_entities_decoded():
    doc = normalise("<p>Нет&nbsp;воды<br>на ул.&nbsp;Мира</p><script>alert(1)</script>")
    assert doc.clean == "Нет воды\nна ул. Мира"
    assert doc.facts["normalisation"]["html"] is True
    assert doc.versions == {"normalise": "1"}


def test_emoji_are_removed_from_the_analysis_form_and_counted():
    doc = normalise("Спасибо за ремонт 👍😊 но во дворе опять грязь 😡")
    assert "👍" not in doc.norm and "😡" not in doc.norm
    assert doc.facts["normalisation"]["emoji_positive"] == 2
    assert doc.facts["normalisation"]["emoji_negative"] == 1
    assert doc.clean.endswith("😡")  # the shown text keeps them


def test_repeated_letters_are_squeezed_but_real_double_letters_stay():
    doc = normalise("Ооочень холоднооо!!!!!! класссс")
    assert doc.norm == "очень холодно!!! класс"


def test_latin_lookalikes_inside_russian_words_are_transliterated():
    doc = normalise("Нeт вoды в Вoлжcкoм, в0да ржавая, WiFi не трогаем, 30мин")
    assert doc.clean == "Нет воды в Волжском, вода ржавая, WiFi не трогаем, 30мин"


def test_latin_typed_russian_is_converted_but_english_stays():
    assert normalise("net goryachei vody uzhe nedelyu").clean == "нет горячей воды уже неделю"
    assert normalise("Hello, the water is off").clean == "Hello, the water is off"


@pytest.mark.parametrize(
    ("word", "expected"),
    [("х*й", "хуй"), ("бл@дь", "бляд"), ("п**дец", "пиздец"), ("е6ать", "ебать")],
)
def test_obfuscated_profanity_is_spelt_out(word, expected):
    assert deobfuscate(word).startswith(expected[:4])


def test_ordinary_words_with_digits_are_not_taken_for_profanity():
    assert deobfuscate("кв3") is None
    assert deobfuscate("ул") is None
    doc = normalise("Дом 3а, кв. 15, д.12")
    assert doc.facts["normalisation"]["obfuscated_profanity"] == 0


def test_empty_and_huge_inputs():
    empty = normalise("")
    assert (empty.clean, empty.norm) == ("", "")
    huge = normalise("Нет воды на ул. Мира. " * 50_000)  # ~1.1 MB
    assert len(huge.clean) > 1_000_000
    assert len(huge.analysed) == 20_000


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Третий день нет воды, помогите", "ru"),
        ("The bus did not come again", "other"),
        ("Третій день немає води, допоможіть будь ласка, ніхто не відповідає", "other"),
        ("", "und"),
        ("12345 !!!", "und"),
        ("net vody tretii den", "ru"),
    ],
)
def test_language_check(text, language):
    doc = normalise(text)
    LanguageStage().process([doc])
    assert doc.result["language"] == language


def test_an_explanation_is_shown_in_the_words_of_the_text():
    from otklik.nlp.text import surface_forms

    text = "Третий день нет горячей воды в доме. Горячая вода нужна детям!"

    shown = surface_forms(text, ["горячий вода", "дом", "вода", "кран", "горячий", "ребенок"])

    # a lemma pair becomes the first place it is written; a lemma not in the text is left out,
    # and so is a word already shown inside a phrase
    assert shown == ["горячей воды", "доме", "детям"]
