"""The message list and message page: scoping by role, filters, HTMX partial, personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from otklik.intake.selectors import AUTHOR_HIDDEN
from otklik.intake.tests.factories import make_message

LIST_URL = reverse("intake:message_list")
OTHER_MUNICIPALITY = "18401"  # Волгоград; the scoped personas work in Волжский (18410)
OTHER_ORGANIZATION = "adm-18401"


def _shown(response) -> set[str]:
    return {m.external_id for m in response.context["page"].object_list}


@pytest.fixture
def scoped_messages(region):
    """One message per combination of the scoped personas' zones (ЖКХ, Волжский, its admin)."""
    return {
        "all_three": make_message(
            external_id="ALL3", sector="zhkh", municipality="18410", organization="adm-18410"
        ),
        "sector_only": make_message(
            external_id="SECT",
            sector="zhkh",
            municipality=OTHER_MUNICIPALITY,
            organization=OTHER_ORGANIZATION,
        ),
        "municipality_only": make_message(
            external_id="MUNI",
            sector="roads",
            municipality="18410",
            organization=OTHER_ORGANIZATION,
        ),
        "organization_only": make_message(
            external_id="ORGN",
            sector="roads",
            municipality=OTHER_MUNICIPALITY,
            organization="adm-18410",
        ),
        "none_of_them": make_message(
            external_id="NONE",
            sector="roads",
            municipality=OTHER_MUNICIPALITY,
            organization=OTHER_ORGANIZATION,
        ),
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("curator", {"ALL3", "SECT", "MUNI", "ORGN", "NONE"}),
        ("executor", {"ALL3", "SECT", "MUNI", "ORGN", "NONE"}),
        ("head", {"ALL3", "SECT", "MUNI", "ORGN", "NONE"}),
        ("analyst", {"ALL3", "SECT", "MUNI", "ORGN", "NONE"}),
        ("auditor", {"ALL3", "SECT", "MUNI", "ORGN", "NONE"}),
        ("sector_lead", {"ALL3", "SECT"}),
        ("org_operator", {"ALL3", "ORGN"}),
        ("municipal_coordinator", {"ALL3", "MUNI"}),
    ],
)
def test_message_list_shows_exactly_the_messages_in_the_users_scope(
    client, make_user, scoped_messages, role, expected
):
    # given five messages across the scopes of the personas
    client.force_login(make_user(role))

    # when the persona opens the list
    response = client.get(LIST_URL)

    # then the list holds exactly the messages of their scope
    assert response.status_code == 200
    assert _shown(response) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_message_list_sends_anonymous_users_to_login(client, region):
    response = client.get(LIST_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={LIST_URL}"


def test_message_list_filters_by_sector_channel_municipality_and_text(
    client, make_user, scoped_messages
):
    # given a curator and one e-mail message about a pothole in Волжский
    make_message(
        external_id="MAIL",
        channel="email",
        sector="roads",
        municipality="18410",
        text="Огромная яма на проспекте Ленина",
    )
    client.force_login(make_user("curator"))

    # then each filter narrows the list exactly
    assert _shown(client.get(LIST_URL, {"sector": "zhkh"})) == {"ALL3", "SECT"}
    assert _shown(client.get(LIST_URL, {"channel": "email"})) == {"MAIL"}
    assert _shown(client.get(LIST_URL, {"municipality": "18410"})) == {"ALL3", "MUNI", "MAIL"}
    assert _shown(client.get(LIST_URL, {"q": "яма на ПРОСПЕКТЕ"})) == {"MAIL"}
    assert _shown(client.get(LIST_URL, {"sector": "roads", "municipality": "18410"})) == {
        "MUNI",
        "MAIL",
    }
    assert _shown(client.get(LIST_URL, {"kind": "appeal_59fz"})) == set()


def test_message_list_filters_by_topic(client, make_user, region):
    from otklik.directory.models import Topic

    topic = Topic.objects.filter(sector__code="zhkh", is_active=True).first()
    make_message(external_id="TOPIC", sector="zhkh", topic=topic)
    make_message(external_id="NOTOPIC", sector="zhkh")
    client.force_login(make_user("curator"))

    assert _shown(client.get(LIST_URL, {"topic": topic.code})) == {"TOPIC"}


def test_message_list_filters_by_date_range_in_local_days(client, make_user, region):
    # given messages received on 1, 2 and 3 March (Volgograd time)
    tz = timezone.get_current_timezone()
    for day in (1, 2, 3):
        make_message(
            external_id=f"D{day}", received_at=dt.datetime(2026, 3, day, 23, 30, tzinfo=tz)
        )
    client.force_login(make_user("analyst"))

    # when the list is filtered from 2 to 2 March, both ends included
    response = client.get(LIST_URL, {"date_from": "2026-03-02", "date_to": "2026-03-02"})

    # then only the message of 2 March is shown
    assert _shown(response) == {"D2"}
    assert _shown(client.get(LIST_URL, {"date_from": "2026-03-02"})) == {"D2", "D3"}
    assert _shown(client.get(LIST_URL, {"date_to": "2026-03-02"})) == {"D1", "D2"}


def test_message_list_ignores_an_unknown_filter_value_and_says_so(
    client, make_user, scoped_messages
):
    client.force_login(make_user("curator"))

    response = client.get(LIST_URL, {"sector": "no-such-sector"})

    assert response.status_code == 200
    assert _shown(response) == {"ALL3", "SECT", "MUNI", "ORGN", "NONE"}
    assert "sector" in response.context["form"].errors


def test_message_list_filter_never_widens_the_scope(client, make_user, scoped_messages):
    # given an org operator of the Волжский administration
    client.force_login(make_user("org_operator"))

    # when they filter by another organisation's municipality
    response = client.get(LIST_URL, {"municipality": OTHER_MUNICIPALITY})

    # then they see only their own organisation's message there
    assert _shown(response) == {"ORGN"}


def test_message_list_htmx_request_gets_only_the_table(client, make_user, scoped_messages):
    client.force_login(make_user("curator"))

    full = client.get(LIST_URL, {"sector": "zhkh"})
    partial = client.get(LIST_URL, {"sector": "zhkh"}, headers={"HX-Request": "true"})

    assert full.templates[0].name == "intake/message_list.html"
    assert partial.templates[0].name == "intake/_message_table.html"
    assert b"<html" not in partial.content
    assert b'data-testid="message-table"' in partial.content
    assert _shown(partial) == {"ALL3", "SECT"}
    assert "HX-Request" in partial["Vary"]


def test_message_list_paginates_by_25(client, make_user, region):
    for _ in range(30):
        make_message()
    client.force_login(make_user("curator"))

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": "2"})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert first.context["page"].paginator.count == 30


def test_message_detail_renders_for_a_message_in_scope(client, make_user, scoped_messages):
    message = scoped_messages["organization_only"]
    client.force_login(make_user("org_operator"))

    response = client.get(reverse("intake:message_detail", args=[message.pk]))

    assert response.status_code == 200
    assert response.context["message"] == message
    assert message.text in response.content.decode()


@pytest.mark.parametrize(
    ("role", "message_key"),
    [
        ("org_operator", "sector_only"),
        ("sector_lead", "municipality_only"),
        ("municipal_coordinator", "organization_only"),
        ("sector_lead", "none_of_them"),
    ],
)
def test_message_detail_out_of_scope_is_404(client, make_user, scoped_messages, role, message_key):
    client.force_login(make_user(role))

    response = client.get(reverse("intake:message_detail", args=[scoped_messages[message_key].pk]))

    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_message_detail_of_a_missing_message_is_404(client, make_user, region):
    client.force_login(make_user("curator"))

    assert client.get(reverse("intake:message_detail", args=[999999])).status_code == 404


SHOWN = "Иванова Мария Петровна, +79035550142, ivanova.m@example.ru"


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("curator", SHOWN),
        ("executor", SHOWN),
        ("head", SHOWN),
        ("analyst", SHOWN),
        ("auditor", AUTHOR_HIDDEN),
        ("sector_lead", AUTHOR_HIDDEN),
        ("org_operator", AUTHOR_HIDDEN),
        ("municipal_coordinator", AUTHOR_HIDDEN),
    ],
)
def test_message_detail_shows_the_applicant_only_to_cur_roles(client, make_user, role, shown):
    # given a message visible to every persona, with a named author who left a phone and e-mail
    message = make_message(
        sector="zhkh",
        municipality="18410",
        organization="adm-18410",
        author_name="Иванова Мария Петровна",
        author_phone="+79035550142",
        author_email="ivanova.m@example.ru",
    )
    client.force_login(make_user(role))

    # when the persona opens it
    response = client.get(reverse("intake:message_detail", args=[message.pk]))

    # then the applicant is shown or hidden, every field alike
    assert response.status_code == 200
    assert response.context["applicant"].line == shown
    body = response.content.decode()
    for secret in ("Иванова", "+79035550142", "ivanova.m@example.ru"):
        assert (secret in body) is (shown != AUTHOR_HIDDEN), secret
    # no consent was given: the warning goes with the data, never alone
    assert ("нет согласия на обработку ПДн" in body) is (shown != AUTHOR_HIDDEN)
