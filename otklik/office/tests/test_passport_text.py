"""The passport's text form: what the form's lines become, how a passport reads as lines, and
what a change request's diff shows — worked out by hand."""

from __future__ import annotations

import pytest

from otklik.core.exceptions import ApplicationError
from otklik.office import passport

TEXTS = {
    "goal": "Горячая вода в каждом доме Волжского без перерывов дольше суток",
    "tasks": "Заменить сети\nНаладить учёт отключений",
    "indicators": "ЦУР-01 | 62 | 2027-06=75; 2027-12=85,5",
    "control_points": "Договор подряда заключён | 01.03.2027 | Комитет ЖКХ\n"
    "Сети заменены | 30.09.2027 | МУП «Водоканал»",
    "problems": "12\n№ 14",
}


def test_texts_become_the_stored_structure():
    content = passport.content_from_text(TEXTS)
    assert content["tasks"] == ["Заменить сети", "Наладить учёт отключений"]
    assert content["indicators"] == [
        {"code": "ЦУР-01", "base": "62", "targets": {"2027-06": "75", "2027-12": "85.5"}}
    ]
    assert content["control_points"] == [
        {"name": "Договор подряда заключён", "date": "2027-03-01", "responsible": "Комитет ЖКХ"},
        {"name": "Сети заменены", "date": "2027-09-30", "responsible": "МУП «Водоканал»"},
    ]
    assert content["problems"] == [12, 14]
    assert content["leader"] == "" and content["financing"] == []
    # and back: the form shows what was written (dates as ДД.ММ.ГГГГ)
    again = passport.content_to_text(content)
    assert again["control_points"].splitlines()[0] == (
        "Договор подряда заключён | 01.03.2027 | Комитет ЖКХ"
    )
    assert passport.content_from_text(again) == content


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("control_points", "Договор | 2027-03-01", "Контрольные точки и мероприятия, строка 1"),
        ("control_points", "Договор | 01.03.2027 | Комитет | лишнее", "частей больше, чем 3"),
        ("indicators", "ЦУР-01 | шестьдесят", "не число"),
        ("indicators", "ЦУР-01 | 62 | 2027 85", "период=значение"),
        ("problems", "двенадцать", "не номер"),
        ("results", " | 5 | 01.01.2027", "первая часть строки пустая"),
    ],
)
def test_a_bad_line_is_refused_with_its_place(key, text, message):
    with pytest.raises(ApplicationError, match=message):
        passport.content_from_text({key: text})


def test_the_diff_shows_what_a_change_request_changes():
    old = passport.content_from_text(TEXTS)
    new = passport.content_from_text(
        {
            **TEXTS,
            "control_points": "Договор подряда заключён | 01.03.2027 | Комитет ЖКХ\n"
            "Сети заменены | 31.12.2027 | МУП «Водоканал»",
            "risks": "Сезонные ограничения работ",
        }
    )
    changed = [(d.sign, d.text) for d in passport.diff(old, new) if d.sign != " "]
    assert changed == [
        ("-", "Контрольные точки и мероприятия: Сети заменены | 30.09.2027 | МУП «Водоканал»"),
        ("+", "Контрольные точки и мероприятия: Сети заменены | 31.12.2027 | МУП «Водоканал»"),
        ("+", "Риски: Сезонные ограничения работ"),
    ]
    assert [d for d in passport.diff(old, old) if d.sign != " "] == []


def test_the_stored_structure_is_read_by_the_same_reader():
    """The API gives a passport as stored: written back as the form's texts, it reads as it was,
    and a value the form's line cannot hold is refused with its place."""
    content = passport.content_from_text(TEXTS)
    assert passport.content_from_text(passport.texts_from_content(content)) == content
    assert passport.texts_from_content({"leader": "Петров П. П."}) == {"leader": "Петров П. П."}
    for given, message in (
        (
            {"tasks": ["Заменить\nсети"]},
            "Задачи, строка 1: «Заменить сети» — в значении не может быть переноса строки.",
        ),
        (
            {"control_points": [{"name": "Договор", "date": "01.03.2027"}]},
            "Контрольные точки и мероприятия, строка 1: дата «01.03.2027» — ожидается ГГГГ-ММ-ДД.",
        ),
        (
            {"indicators": [{"code": "ЦУР-01", "targets": {"2027=1": "3"}}]},
            "Показатели, строка 1: «2027=1» — в значении не может быть ни переноса строки, ни «|», "
            "ни «;», ни «=».",
        ),
        ({"risks": ["Подрядчик", " "]}, "Риски, строка 2: первая часть строки пустая."),
    ):
        with pytest.raises(ApplicationError) as refused:
            passport.texts_from_content(given)
        assert refused.value.message == message
