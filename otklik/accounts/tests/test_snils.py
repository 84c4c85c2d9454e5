"""A user's СНИЛС: typed as people write it, checked by its check number, stored as digits,
shown formatted to the user and to those who manage users, never in lists or to others."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from otklik.accounts.models import User

IVANOV = "11223344595"  # 112-233-445 95: Σ dᵢ·(10−i) = 95


def _edit(client, user, **changes):
    form = {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "role": user.role,
        "is_active": "on",
        **changes,
    }
    return client.post(reverse("admin:accounts_user_change", args=[user.pk]), form)


@pytest.mark.parametrize("typed", ["112-233-445 95", "11223344595", " 112 233 445 95 "])
def test_the_admin_stores_a_valid_snils_as_digits(client, make_user, typed):
    client.force_login(make_user("curator"))
    user = make_user("analyst")

    response = _edit(client, user, snils=typed)

    assert response.status_code == 302, response.content.decode()
    user.refresh_from_db()
    assert user.snils == IVANOV
    assert user.snils_display == "112-233-445 95"


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("112-233-445 96", "контрольное число не сходится"),
        ("112-233-445", "СНИЛС — 11 цифр"),
        ("112-233-445 955", "СНИЛС — 11 цифр"),
        ("112-233-445 9O", "СНИЛС пишется цифрами"),
    ],
)
def test_the_admin_refuses_a_wrong_snils_and_changes_nothing(client, make_user, typed, error):
    client.force_login(make_user("curator"))
    user = make_user("analyst")

    response = _edit(client, user, snils=typed, last_name="Другой")

    assert response.status_code == 200
    assert error in response.content.decode()
    user.refresh_from_db()
    assert user.snils == ""
    assert user.last_name != "Другой"


def test_a_snils_is_optional_and_can_be_removed(client, make_user):
    client.force_login(make_user("curator"))
    user = make_user("analyst")
    User.objects.filter(pk=user.pk).update(snils=IVANOV)

    assert _edit(client, user, snils="").status_code == 302

    user.refresh_from_db()
    assert user.snils == ""


def test_the_model_validates_the_stored_digits(make_user):
    user = make_user("analyst")
    user.snils = "11223344596"
    with pytest.raises(ValidationError) as raised:
        user.full_clean()
    assert "snils" in raised.value.message_dict
    user.snils = IVANOV
    user.full_clean()


def test_those_who_manage_users_see_it_formatted_the_auditor_does_not(client, make_user):
    user = make_user("analyst")
    User.objects.filter(pk=user.pk).update(snils=IVANOV)
    url = reverse("admin:accounts_user_change", args=[user.pk])

    client.force_login(make_user("curator"))
    managed = client.get(url).content.decode()
    client.force_login(make_user("auditor"))
    viewed = client.get(url)

    assert 'value="112-233-445 95"' in managed
    assert viewed.status_code == 200
    body = viewed.content.decode()
    assert "СНИЛС" not in body and "445" not in body


def test_lists_never_show_a_snils(client, make_user):
    user = make_user("analyst")
    User.objects.filter(pk=user.pk).update(snils=IVANOV)
    client.force_login(make_user("curator"))

    admin_list = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    user_list = client.get(reverse("accounts:user_list")).content.decode()
    searched = client.get(reverse("admin:accounts_user_changelist"), {"q": IVANOV})

    for body in (admin_list, user_list):
        assert user.username in body
        assert "445" not in body
    assert user.username not in searched.content.decode()  # not searchable either


def test_the_user_sees_their_own_snils(client, make_user):
    user = make_user("analyst")
    client.force_login(user)
    without = client.get(reverse("accounts:security")).content.decode()
    User.objects.filter(pk=user.pk).update(snils=IVANOV)

    page = client.get(reverse("accounts:security")).content.decode()
    me = client.get("/api/v1/me").json()

    assert "СНИЛС не указан" in without
    assert 'data-testid="own-snils">112-233-445 95<' in page
    assert me["snils"] == "112-233-445 95"
