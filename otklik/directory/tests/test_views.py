"""The read-only reference pages: open to every role, closed to anonymous and role-less users."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from otklik.core.roles import Role
from otklik.directory.models import Channel, InputKind, Municipality, Organization, Sector, Topic

PAGES = [
    ("directory:index", []),
    ("directory:municipality_list", []),
    ("directory:sector_list", []),
    ("directory:sector_detail", ["zhkh"]),
    ("directory:organization_list", []),
    ("directory:channel_list", []),
]


@pytest.mark.parametrize("role", Role.values)
def test_reference_pages_render_for_every_role(client, make_user, role):
    client.force_login(make_user(role))

    statuses = {name: client.get(reverse(name, args=args)).status_code for name, args in PAGES}

    assert statuses == {name: 200 for name, _ in PAGES}


def test_reference_pages_send_anonymous_users_to_login(client, region):
    login = reverse("accounts:login")
    urls = [reverse(name, args=args) for name, args in PAGES]

    locations = {url: client.get(url).get("Location") for url in urls}

    assert locations == {url: f"{login}?next={url}" for url in urls}


def test_reference_pages_are_refused_to_a_user_without_a_role(client, region):
    # given an account that exists but was given no role (no service creates one: made by hand)
    user = get_user_model().objects.create_user(username="bez-roli", password=None)
    client.force_login(user)

    statuses = {name: client.get(reverse(name, args=args)).status_code for name, args in PAGES}

    assert statuses == {name: 403 for name, _ in PAGES}


def test_index_counts_every_reference_book(client, make_user):
    client.force_login(make_user("org_operator"))

    counts = client.get(reverse("directory:index")).context["counts"]

    assert counts["municipalities"] == Municipality.objects.count()
    assert counts["sectors"] == Sector.objects.count()
    assert counts["topics"] == Topic.objects.filter(is_active=True).count()
    assert counts["channels"] == Channel.objects.count()
    assert counts["input_kinds"] == InputKind.objects.count()


def test_municipality_page_lists_municipalities_with_their_city_districts(client, make_user):
    client.force_login(make_user("municipal_coordinator"))

    response = client.get(reverse("directory:municipality_list"))

    body = response.content.decode()
    volgograd = Municipality.objects.get(okato="18401")
    assert list(response.context["municipalities"]) == list(Municipality.objects.all())
    for district in volgograd.city_districts.all():
        assert district.okato in body


def test_sector_page_lists_its_topics_with_totk_code_and_examples(client, make_user):
    client.force_login(make_user("sector_lead"))
    sector = Sector.objects.get(code="zhkh")

    response = client.get(reverse("directory:sector_detail", args=["zhkh"]))

    body = response.content.decode()
    topics = list(response.context["topics"])
    assert topics == list(Topic.objects.filter(sector=sector))
    for topic in topics:
        assert topic.name in body
        if topic.totk_code:
            assert topic.totk_code in body
        for example in topic.examples:
            assert example in body


def test_unknown_sector_is_404(client, make_user):
    client.force_login(make_user("curator"))

    assert client.get(reverse("directory:sector_detail", args=["nope"])).status_code == 404


def test_organization_list_filters_by_kind_and_sector(client, make_user):
    client.force_login(make_user("analyst"))
    url = reverse("directory:organization_list")

    by_kind = client.get(url, {"kind": "municipal_administration"}).context["page"]
    by_sector = client.get(url, {"sector": "roads"}).context["page"]

    assert (
        by_kind.paginator.count
        == Organization.objects.filter(kind="municipal_administration").count()
    )
    assert all(o.kind == "municipal_administration" for o in by_kind.object_list)
    assert by_sector.paginator.count == Organization.objects.filter(sectors__code="roads").count()


def test_organization_list_finds_the_volzhsky_administration_by_name(client, make_user):
    client.force_login(make_user("curator"))
    organization = Organization.objects.get(code="adm-18410")

    response = client.get(reverse("directory:organization_list"), {"q": organization.short_name})

    assert organization in response.context["page"].object_list


def test_channel_page_lists_channels_and_input_kinds(client, make_user):
    client.force_login(make_user("auditor"))

    response = client.get(reverse("directory:channel_list"))

    assert list(response.context["channels"]) == list(Channel.objects.all())
    assert list(response.context["input_kinds"]) == list(InputKind.objects.all())


def test_the_page_and_the_api_filter_organisations_the_same_way(client, make_user):
    # «Работает в МО» Камышин: its own administration, those that list it, the region-wide ones
    client.force_login(make_user("analyst"))
    query = {"municipality": "18415", "sector": "zhkh", "current": "true"}

    page = client.get(reverse("directory:organization_list"), query).context["page"]
    api = client.get("/api/v1/organizations", query).json()  # not paginated: a small book

    shown = {o.code for o in page.paginator.object_list}
    assert "adm-18415" in shown
    assert {row["code"] for row in api} == shown


def test_an_unknown_code_is_an_error_on_the_page_and_a_400_in_the_api(client, make_user):
    client.force_login(make_user("analyst"))

    page = client.get(reverse("directory:organization_list"), {"sector": "nope"})
    api = client.get("/api/v1/organizations", {"sector": "nope"})

    message = page.context["filter_error"]
    assert message.startswith("Проверьте фильтры. Отраслевой блок:")
    assert api.status_code == 400
    assert api.json()["detail"] == message
