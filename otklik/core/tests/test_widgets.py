"""The prerendered selects render exactly what Django's selects render."""

from __future__ import annotations

import pytest
from django import forms

from otklik.core.widgets import PrerenderedSelect, PrerenderedSelectMultiple

CHOICES = [
    ("", "все темы"),
    ("ЖКХ & «быт»", [("zhkh-heat", "Отопление"), ("zhkh-water", "Вода <холодная>")]),
    ("Дороги", [("roads-pits", "Ямы"), ("a&b", "Код с амперсандом")]),
    ("other", "Другое"),
]


def _pair(plain: forms.Widget, fast, store: dict):
    plain.choices = CHOICES
    fast.choices = CHOICES
    fast.prerender(store=store, key="topics")
    return plain, fast


@pytest.mark.parametrize(
    "value", [None, "", "zhkh-water", "a&b", "other", "нет-такого", "zhkh-heat"]
)
def test_select_renders_as_django_does(value):
    store: dict = {}
    plain, fast = _pair(forms.Select(), PrerenderedSelect(), store)

    # rendered twice: from the store the second time, with another value the first time
    fast.render("topic", "roads-pits", {"id": "id_topic"})
    html = fast.render("topic", value, {"id": "id_topic"})

    assert html == plain.render("topic", value, {"id": "id_topic"})
    assert len(store) == 1
    assert html.count(" selected") == (0 if value == "нет-такого" else 1)


@pytest.mark.parametrize("value", [None, [], ["a&b"], ["zhkh-heat", "other", "missing"]])
def test_select_multiple_renders_as_django_does(value):
    store: dict = {}
    plain, fast = _pair(
        forms.SelectMultiple(attrs={"size": 5}),
        PrerenderedSelectMultiple(attrs={"size": 5}),
        store,
    )

    fast.render("co", ["roads-pits"], {"id": "id_co"})
    html = fast.render("co", value, {"id": "id_co"})

    assert html == plain.render("co", value, {"id": "id_co"})


def test_without_a_store_it_is_a_plain_select():
    fast = PrerenderedSelect(choices=CHOICES)

    assert fast.render("t", "other") == forms.Select(choices=CHOICES).render("t", "other")


def test_other_attributes_are_rendered_apart():
    store: dict = {}
    plain, fast = _pair(forms.Select(), PrerenderedSelect(), store)

    first = fast.render("topic", "", {"id": "id_topic"})
    second = fast.render("topic", "", {"id": "id_topic", "required": True})

    assert second == plain.render("topic", "", {"id": "id_topic", "required": True})
    assert first != second
    assert len(store) == 2
