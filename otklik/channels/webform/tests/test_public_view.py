"""What anyone may see of a case on the public pages (the form, its hints, the no-JS stop page,
a follower's tracking page): only cases the ЦУР accepted, of a topic of public infrastructure,
by the topic's name, the street, the status and the number of reports — never a resident's
text, a house number or a personal topic."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otklik.channels.public import public_streets, without_house_numbers
from otklik.channels.webform.models import WebReport
from otklik.channels.webform.selectors import (
    PublicCase,
    followable_case,
    public_view,
    similar_open_cases,
)
from otklik.channels.webform.tests.conftest import HOT_WATER
from otklik.directory.models import Municipality, Topic

pytestmark = pytest.mark.django_db

HOT_WATER_TOPIC = "Нет горячей воды или она чуть тёплая"
MY_TEXT = "В доме на улице Мира 12 нет горячей воды уже три дня, дети моются в тазике."
# Alike in words to MY_TEXT, so only the rules below keep them off the public form.
NOT_YET_ACCEPTED = (
    "Горячей воды нет три дня в доме на улице Мира 12, дети моются в тазике у соседей."
)
OWN_BILL = (
    "Горячей воды в доме на улице Мира 12 нет три дня, а за горячую воду начислили полностью: "
    "прошу перерасчёт по лицевому счёту 1234567, дети моются в тазике."
)
LABOUR = (
    "Три месяца не платят зарплату в котельной на улице Мира 12, из-за этого нет горячей воды "
    "в доме, дети моются в тазике."
)


def _public(case, *, place="ул. Мира", status="Передано исполнителю", reports=1) -> PublicCase:
    """The public view of a seeded hot-water case."""
    return PublicCase(case.number, case.received_at, HOT_WATER_TOPIC, place, status, reports)


def test_the_street_of_an_address_and_never_its_house():
    assert public_streets(
        [
            "г. Волжский, ул. Мира, 12",
            "ул. 64-й Армии, д. 5, кв. 17",
            "пр-т Ленина 101/3",
            "у магазина «Радеж»",
            "",
        ]
    ) == ["ул. Мира", "ул. 64-й Армии", "пр-т Ленина", "", ""]


def test_house_numbers_are_masked_after_a_street_or_the_word_house():
    assert without_house_numbers(
        "В доме № 12 по ул. Мира подана вода; пр-т Ленина 101/3 и ул. 64-й Армии, д. 5 — "
        "тоже. В 2025 году отремонтировано 12 домов."
    ) == (
        "В доме № [НОМЕР] по ул. Мира подана вода; пр-т Ленина [НОМЕР] и ул. 64-й Армии, "
        "д. [НОМЕР] — тоже. В 2025 году отремонтировано 12 домов."
    )


def test_only_accepted_cases_of_public_infrastructure_are_offered(region, seeded_case):
    # given, in Волжский, an accepted hot-water case, one not yet accepted, and two accepted
    # cases of personal topics (one's own bill, a labour dispute), all alike in words
    public = seeded_case(accepted=True)
    seeded_case(text=NOT_YET_ACCEPTED)
    seeded_case(text=OWN_BILL, topic="zhkh-utility-bills", accepted=True)
    seeded_case(text=LABOUR, topic="other-employment", accepted=True)
    # when a citizen's text is matched with neither a topic nor a sector known
    found = similar_open_cases(text=MY_TEXT, municipality=Municipality.objects.get(okato="18410"))
    # then only the public one is offered, by its topic and street
    assert [s.case for s in found] == [_public(public)]


def test_the_public_view_leaves_out_what_may_not_be_shown_and_keeps_the_order(region, seeded_case):
    in_volzhsky = seeded_case(address="г. Волжский, ул. Мира, 12, кв. 5", accepted=True)
    in_the_centre = seeded_case(
        okato="18401", district="18401395", address="у магазина «Радеж»", accepted=True
    )
    new = seeded_case()
    personal = seeded_case(text=LABOUR, topic="other-employment", accepted=True)
    assert public_view([in_the_centre, new, personal, in_volzhsky]) == [
        # no street in the address: the city district only
        _public(in_the_centre, place="Центральный район"),
        _public(in_volzhsky),
    ]


def test_the_topic_flag_is_what_decides(region, seeded_case):
    case = seeded_case(accepted=True)
    assert followable_case(case.number) == case
    Topic.objects.filter(code="zhkh-hot-water").update(is_public_infrastructure=False)
    assert (followable_case(case.number), public_view([case])) == (None, [])


OPENER_ANSWER = (
    "Уважаемая Анна Сергеевна Петрова! По вашему обращению о доме № 12 по ул. Мира, кв. 5: "
    "горячее водоснабжение восстановлено 27.11."
)


def test_a_followers_tracking_page_shows_the_case_as_the_public_sees_it(
    client, form_data, seeded_case, cur_publishes, django_capture_on_commit_callbacks
):
    # given a neighbour's accepted case with their own words and their house
    case = seeded_case(accepted=True)
    # when a citizen follows it and the ЦУР publishes an answer to the neighbour
    client.post(
        "/report/",
        {
            **form_data(text="Нет горячей воды на улице Мира, третий день.", address=""),
            "follow": case.number,
        },
    )
    report = WebReport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        cur_publishes(case, text=OPENER_ANSWER)
    page = client.get(reverse("channels_webform:track", args=[report.token]))
    html = page.content.decode()
    # then the follower sees the case by its topic and street, and the answer without the
    # neighbour's name, flat or house
    info = page.context["info"]
    assert info.public == _public(case, status="Дан ответ", reports=2)
    assert [a.text for a in info.answers] == [
        "Уважаемая [ФИО]! По вашему обращению о доме № [НОМЕР] по ул. Мира, кв. [НОМЕР]: "
        "горячее водоснабжение восстановлено 27.11."
    ]
    for private in ("тазике", "Мира, 12", "Петрова", "Анна", "кв. 5", HOT_WATER):
        assert private not in html, private
