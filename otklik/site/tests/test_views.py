"""The home page per role, the error pages and the health check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from otklik.accounts.models import User
from otklik.intake.tests.factories import make_message

HOME = reverse("home")
LIST = reverse("intake:message_list")


@pytest.fixture
def messages(region):
    """Six messages: four in Волжский (two older than a week), two in Волгоград."""
    now = timezone.now()
    old = now - dt.timedelta(days=20)
    return [
        make_message(sector="zhkh", municipality="18410", organization="adm-18410", channel="pos"),
        make_message(
            sector="zhkh", municipality="18410", organization="adm-18410", channel="telegram"
        ),
        make_message(
            sector="roads",
            municipality="18410",
            organization="adm-18410",
            channel="pos",
            received_at=old,
        ),
        make_message(sector="roads", municipality="18410", channel="email", received_at=old),
        make_message(sector="zhkh", municipality="18401", organization="adm-18401", channel="pos"),
        make_message(sector="roads", municipality="18401", channel="vk"),
    ]


def _counts(rows) -> dict[str, int]:
    return {row.code: row.count for row in rows}


def test_home_sends_anonymous_users_to_login(client, region):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next=/"


@pytest.mark.parametrize("role", ["curator", "executor", "head", "analyst", "auditor"])
def test_home_of_cur_roles_counts_the_whole_region(client, make_user, messages, role):
    client.force_login(make_user(role))

    response = client.get(HOME)

    summary = response.context["summary"]
    body = response.content.decode()
    assert response.status_code == 200
    assert (summary.total, summary.last_days) == (6, 4)
    assert _counts(summary.by_sector) == {"zhkh": 3, "roads": 3}
    assert _counts(summary.by_channel) == {"pos": 3, "telegram": 1, "email": 1, "vk": 1}
    assert _counts(summary.by_municipality) == {"18410": 4, "18401": 2}
    assert "Сообщения по всей области" in body
    assert 'data-testid="card-municipalities"' in body
    assert f'href="{LIST}?municipality=18410"' in body


def test_home_of_a_sector_lead_counts_their_sector(client, make_user, messages):
    client.force_login(make_user("sector_lead"))

    summary = client.get(HOME).context["summary"]

    assert (summary.total, summary.last_days) == (3, 3)
    assert _counts(summary.by_sector) == {"zhkh": 3}
    assert _counts(summary.by_channel) == {"pos": 2, "telegram": 1}
    assert summary.by_municipality == []


def test_home_of_an_org_operator_counts_their_organisation(client, make_user, messages):
    client.force_login(make_user("org_operator"))

    response = client.get(HOME)

    summary = response.context["summary"]
    body = response.content.decode()
    assert (summary.total, summary.last_days) == (3, 2)
    assert _counts(summary.by_sector) == {"zhkh": 2, "roads": 1}
    assert _counts(summary.by_channel) == {"pos": 2, "telegram": 1}
    assert 'data-testid="card-municipalities"' not in body
    assert "Оператор организации" in body


def test_home_of_a_municipal_coordinator_counts_their_municipality(client, make_user, messages):
    client.force_login(make_user("municipal_coordinator"))

    summary = client.get(HOME).context["summary"]

    assert (summary.total, summary.last_days) == (4, 2)
    assert _counts(summary.by_sector) == {"zhkh": 2, "roads": 2}
    assert _counts(summary.by_channel) == {"pos": 2, "telegram": 1, "email": 1}


def test_home_counts_link_to_the_list_that_shows_the_same_number(client, make_user, messages):
    # given a municipal coordinator's home page
    client.force_login(make_user("municipal_coordinator"))
    summary = client.get(HOME).context["summary"]
    body = client.get(HOME).content.decode()

    # then every count links to a list filter that yields exactly that count
    links = {
        f"{LIST}?date_from={summary.since:%Y-%m-%d}": summary.last_days,
        **{f"{LIST}?sector={r.code}": r.count for r in summary.by_sector},
        **{f"{LIST}?channel={r.code}": r.count for r in summary.by_channel},
    }
    for url, count in links.items():
        assert f'href="{url}"' in body
        assert client.get(url).context["page"].paginator.count == count


def test_home_of_a_user_without_a_role_says_to_ask_for_one(client, region):
    client.force_login(User.objects.create_user(username="bez-roli", password=None))

    response = client.get(HOME)

    assert response.status_code == 200
    assert "summary" not in response.context
    assert "не назначена роль" in response.content.decode()


def test_unknown_page_shows_the_russian_404(client, make_user):
    client.force_login(make_user("curator"))

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_500_template_is_standalone_and_russian():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Внутренняя ошибка сервера" in html
    assert '<html lang="ru">' in html


def test_healthz_answers_ok(client, db):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_base_layout_shows_name_role_scope_menu_and_logout(client, make_user):
    user = make_user("org_operator")
    client.force_login(user)

    body = client.get(HOME).content.decode()

    assert "Отклик" in body and "ЦУР Волгоградской области" in body
    assert str(user) in body
    assert user.role_label in body
    assert user.scope_label in body
    assert f'action="{reverse("accounts:logout")}"' in body
    assert f'href="{LIST}"' in body
    assert "Пользователи" not in body
    assert "vendor/htmx/htmx.min.js" in body
