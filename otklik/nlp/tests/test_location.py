"""Location: Russian morphology (cases, misspellings), streets and houses, coordinates."""

from __future__ import annotations

import pytest

from otklik.nlp.stages.location import location_of

VOLGOGRAD, VOLZHSKY, KAMYSHIN = "18401", "18410", "18415"
KRASNOARMEYSKY, VOROSHILOVSKY, DZERZHINSKY = "18401375", "18401363", "18401365"


@pytest.mark.parametrize(
    ("text", "municipality", "district"),
    [
        ("Третий день нет воды в Волжском", VOLZHSKY, None),
        ("Волжский, ул. Карбышева — нет горячей воды", VOLZHSKY, None),
        ("Яма на дороге в Камышине", KAMYSHIN, None),
        ("Живу в Красноармейском районе, нет отопления", VOLGOGRAD, KRASNOARMEYSKY),
        ("Ворошиловскый район, батареи холодные", VOLGOGRAD, VOROSHILOVSKY),  # misspelt
        ("в Ворошиловском районе не вывозят мусор", VOLGOGRAD, VOROSHILOVSKY),
        ("Красноармейского района жители просят автобус", VOLGOGRAD, KRASNOARMEYSKY),
        ("В Михайловском районе нет газа", "18420", None),  # former district → ГО Михайловка
        ("в г. Михайловке сломан светофор", "18420", None),
        ("Живу в р.п. Быково, нет света", "18204", None),
        ("В Городище сломали остановку", "18205", None),
        ("Средняя Ахтуба: третий день нет воды", "18251", None),
        ("Калач-на-Дону, паром не ходит", "18216", None),
        ("В с. Кисловка нет света", "18204", None),
        ("Спартановка опять без воды", VOLGOGRAD, "18401390"),
        ("Во дворе ст. Михайловская, ул. Садовая, 4 нет контейнеров", "18254", None),
    ],
)
def test_municipality_and_district_in_any_case(text, municipality, district):
    r = location_of(text)
    assert (r["municipality"], r["city_district"]) == (municipality, district)
    assert r["location_source"] == "text"
    assert r["location_confidence"] >= 0.8


@pytest.mark.parametrize(
    "text",
    [
        "Советский союз был великой страной",  # a district name used as an adjective
        "на Октябрьской улице яма",  # a street, not the Октябрьский район
        "Камышинская городская больница плохо лечит",
        "Горит фонарь днём",
        "",
    ],
)
def test_no_place_is_invented(text):
    r = location_of(text)
    assert r["municipality"] is None
    assert r["location_confidence"] == 0.0


@pytest.mark.parametrize(
    ("text", "address", "district"),
    [
        ("Ворошиловский район, ул. Козловская 12 кв 5", "ул. Козловская, 12", VOROSHILOVSKY),
        ("Нет отопления в доме на Хорошева 14, в квартире +15", "ул. Хорошева, 14", DZERZHINSKY),
        ("Ангарская, 7 — отключили отопление", "ул. Ангарская, 7", DZERZHINSKY),
        ("ул. 8-й Воздушной Армии, д. 40 течёт крыша", "ул. 8-й Воздушной Армии, 40", DZERZHINSKY),
        ("Волгоград, пр. Ленина 15а", "пр. Ленина, 15а", "18401395"),
    ],
)
def test_street_and_house(text, address, district):
    r = location_of(text)
    assert r["address"] == address
    assert (r["municipality"], r["city_district"]) == (VOLGOGRAD, district)


def test_an_organisation_in_quotes_is_not_a_place():
    r = location_of("Светлый Яр: «Управление отходами — Волгоград» не вывозит мусор")
    assert r["municipality"] == "18249"


def test_coordinates_alone_give_the_place():
    r = location_of("Не горит свет", lat=48.705, lon=44.515)
    assert (r["municipality"], r["city_district"]) == (VOLGOGRAD, "18401395")
    assert r["location_source"] == "coordinates"
    outside = location_of("Не горит свет", lat=55.75, lon=37.62)  # Moscow
    assert outside["municipality"] is None


def test_text_and_coordinates_that_agree_raise_the_confidence():
    alone = location_of("Яма на дороге в Камышине")
    both = location_of("Яма на дороге в Камышине", lat=50.09, lon=45.41)
    assert both["municipality"] == KAMYSHIN
    assert both["location_source"] == "text+coordinates"
    assert both["location_confidence"] > alone["location_confidence"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Нет воды на ул. Мира, 12 в Волжском", "ул. Мира, 12"),
        ("Нет воды на ул. Мира, 12а, третий день", "ул. Мира, 12а"),
        ("Нет воды на ул. Мира, д. 12 А.", "ул. Мира, 12 А"),
        ("Яма на ул. Мира, 7 у школы", "ул. Мира, 7"),
    ],
)
def test_a_preposition_after_the_house_number_is_not_its_letter(analyse, text, address):
    assert analyse(text)["address"] == address
