"""Login with lockout, logout, the TOTP second factor and the user list."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from otklik.audit.models import AuditEvent

LOGIN_URL = reverse("accounts:login")
OTP_URL = reverse("accounts:otp_verify")
SECURITY_URL = reverse("accounts:security")
USERS_URL = reverse("accounts:user_list")


def _code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the authenticator app shows (``steps_ahead`` 30-second steps later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def _wrong_code(device: TOTPDevice) -> str:
    valid = {_code(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def _logged_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


# --- login, logout, lockout ---------------------------------------------------------------
def test_login_page_renders_the_russian_form(client, region):
    response = client.get(LOGIN_URL)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Вход в Отклик" in body
    assert 'name="username"' in body and 'name="password"' in body
    assert "Имя пользователя" in body and "Пароль" in body


def test_login_with_the_right_password_opens_home(client, make_user):
    user = make_user("curator", username="kurator")

    response = client.post(LOGIN_URL, {"username": "kurator", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert _logged_in_user_id(client) == str(user.pk)


def test_login_follows_a_safe_next_and_ignores_a_foreign_one(client, make_user):
    make_user("curator", username="kurator")

    local = client.post(
        f"{LOGIN_URL}?next=/messages/", {"username": "kurator", "password": PASSWORD}
    )
    client.logout()
    foreign = client.post(
        f"{LOGIN_URL}?next=https://evil.example/", {"username": "kurator", "password": PASSWORD}
    )

    assert local["Location"] == "/messages/"
    assert foreign["Location"] == reverse("home")


def test_login_with_a_wrong_password_shows_a_russian_error(client, make_user):
    make_user("curator", username="kurator")

    response = client.post(LOGIN_URL, {"username": "kurator", "password": "wrong-password"})

    assert response.status_code == 200
    assert "Неверное имя пользователя или пароль" in response.content.decode()
    assert _logged_in_user_id(client) is None


def test_sixth_login_after_five_failures_is_locked_out_even_with_the_right_password(
    client, make_user, settings
):
    # given a user who mistyped the password five times
    make_user("executor", username="ispolnitel")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN_URL, {"username": "ispolnitel", "password": "wrong-password"})

    # when the sixth attempt has the right password
    response = client.post(LOGIN_URL, {"username": "ispolnitel", "password": PASSWORD})

    # then it is refused with the lockout page, and nobody is logged in
    body = response.content.decode()
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert "Вход временно заблокирован" in body
    assert "После 5 неудачных попыток" in body
    assert "заблокирован на 15 мин." in body
    assert _logged_in_user_id(client) is None


def test_four_failures_do_not_lock_the_account(client, make_user):
    make_user("executor", username="ispolnitel")
    for _ in range(4):
        client.post(LOGIN_URL, {"username": "ispolnitel", "password": "wrong-password"})

    response = client.post(LOGIN_URL, {"username": "ispolnitel", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_logout_is_a_post_and_ends_the_session(client, make_user):
    client.force_login(make_user("analyst"))

    refused = client.get(reverse("accounts:logout"))
    response = client.post(reverse("accounts:logout"))

    assert refused.status_code == 405
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert _logged_in_user_id(client) is None


# --- second factor -----------------------------------------------------------------------------
def _enable_totp(client) -> TOTPDevice:
    """Through the security page, as the user does it: start, scan, confirm with a code."""
    client.post(SECURITY_URL, {"action": "start"})
    device = TOTPDevice.objects.get(user_id=_logged_in_user_id(client), confirmed=False)
    response = client.post(SECURITY_URL, {"action": "confirm", "token": _code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    return device


def test_security_page_enables_totp_with_a_qr_code_and_a_confirmation_code(client, make_user):
    # given a curator without a second factor
    user = make_user("curator")
    client.force_login(user)
    assert 'data-testid="totp-disabled"' in client.get(SECURITY_URL).content.decode()

    # when they start enrolment
    started = client.post(SECURITY_URL, {"action": "start"})
    pending_page = client.get(SECURITY_URL).content.decode()

    # then the page shows a QR code (inline SVG) and the secret for manual entry
    device = TOTPDevice.objects.get(user=user)
    assert started.status_code == 302
    assert device.confirmed is False
    assert "<svg" in pending_page and 'data-testid="totp-qr"' in pending_page
    assert 'data-testid="totp-secret"' in pending_page

    # and when they confirm with the code from the app
    confirmed = client.post(SECURITY_URL, {"action": "confirm", "token": _code(device)})

    # then the device is confirmed, the change audited, and this session counts as verified
    device.refresh_from_db()
    assert confirmed.status_code == 302
    assert device.confirmed is True
    enabled = AuditEvent.objects.filter(action="user.totp_enable", target_id=str(user.pk))
    assert enabled.count() == 1
    assert client.get(reverse("home")).status_code == 200


def test_security_page_refuses_a_wrong_confirmation_code(client, make_user):
    user = make_user("curator")
    client.force_login(user)
    client.post(SECURITY_URL, {"action": "start"})
    device = TOTPDevice.objects.get(user=user)

    response = client.post(SECURITY_URL, {"action": "confirm", "token": _wrong_code(device)})

    device.refresh_from_db()
    assert response.status_code == 200
    assert "Код не подходит" in response.content.decode()
    assert device.confirmed is False


def test_new_login_with_totp_requires_the_code_before_anything_opens(client, make_user):
    # given a head of the ЦУР who enabled the second factor
    user = make_user("head", username="rukovoditel")
    client.force_login(user)
    device = _enable_totp(client)
    client.post(reverse("accounts:logout"))

    # when they log in again with the password
    response = client.post(LOGIN_URL, {"username": "rukovoditel", "password": PASSWORD})

    # then they are sent to the code page, and other pages send them back there
    assert response.status_code == 302
    assert response["Location"] == f"{OTP_URL}?next=%2F"
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"] == f"{OTP_URL}?next=%2F"
    users = client.get(USERS_URL)
    assert users.status_code == 302
    assert users["Location"] == f"{OTP_URL}?next=%2Faccounts%2Fusers%2F"

    # and when they enter the current code (the next step: the enrolment code is spent)
    verified = client.post(OTP_URL, {"token": _code(device, steps_ahead=1), "next": "/"})

    # then home opens
    assert verified.status_code == 302
    assert verified["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200


def test_the_address_asked_for_survives_the_code_page(client, make_user):
    # given a user with TOTP, sent to login from a filtered message list
    client.force_login(make_user("curator", username="kurator"))
    device = _enable_totp(client)
    client.post(reverse("accounts:logout"))
    wanted = "/messages/?sector=zhkh&channel=pos"

    # when they log in and enter the code
    login = client.post(LOGIN_URL, {"username": "kurator", "password": PASSWORD, "next": wanted})
    code_page = client.get(login["Location"])
    verified = client.post(
        OTP_URL, {"token": _code(device, steps_ahead=1), "next": code_page.context["next"]}
    )

    # then they land on the list with both filters
    assert verified["Location"] == wanted


def test_wrong_totp_code_is_refused(client, make_user):
    user = make_user("executor", username="ispolnitel")
    client.force_login(user)
    device = _enable_totp(client)
    client.post(reverse("accounts:logout"))
    client.post(LOGIN_URL, {"username": "ispolnitel", "password": PASSWORD})

    response = client.post(OTP_URL, {"token": _wrong_code(device), "next": "/"})

    assert response.status_code == 200
    assert "Неверный код" in response.content.decode()
    assert client.get(reverse("home"))["Location"] == f"{OTP_URL}?next=%2F"


def test_totp_code_must_be_six_digits(client, make_user):
    client.force_login(make_user("executor"))
    _enable_totp(client)
    client.post(reverse("accounts:logout"))

    user = TOTPDevice.objects.get().user
    client.force_login(user)
    response = client.post(OTP_URL, {"token": "12ab"})

    assert response.status_code == 200
    assert "Введите 6 цифр" in response.content.decode()


def test_security_page_disables_totp(client, make_user):
    user = make_user("analyst")
    client.force_login(user)
    _enable_totp(client)

    response = client.post(SECURITY_URL, {"action": "remove"})

    assert response.status_code == 302
    assert TOTPDevice.objects.filter(user=user).count() == 0
    assert AuditEvent.objects.filter(action="user.totp_disable").count() == 1


def test_security_page_cannot_be_used_before_the_code(client, make_user):
    # given a user with TOTP who passed only the password
    user = make_user("curator", username="kurator")
    client.force_login(user)
    _enable_totp(client)
    client.post(reverse("accounts:logout"))
    client.post(LOGIN_URL, {"username": "kurator", "password": PASSWORD})

    # when they try to switch the second factor off
    response = client.post(SECURITY_URL, {"action": "remove"})

    # then they are sent to the code page and the device stays
    assert response.status_code == 302
    assert response["Location"].startswith(OTP_URL)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_security_page_sends_anonymous_users_to_login(client, region):
    response = client.get(SECURITY_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={SECURITY_URL}"


# --- user list --------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["curator", "executor", "head", "auditor"])
def test_user_list_renders_for_roles_that_view_users(client, personas, role):
    client.force_login(personas[role])

    response = client.get(USERS_URL)

    assert response.status_code == 200
    assert {u.username for u in response.context["page"].object_list} == set(personas)


@pytest.mark.parametrize(
    "role", ["sector_lead", "analyst", "org_operator", "municipal_coordinator"]
)
def test_user_list_is_refused_to_other_roles(client, make_user, role):
    client.force_login(make_user(role))

    response = client.get(USERS_URL)

    assert response.status_code == 403
    assert "Доступ запрещён" in response.content.decode()
    assert "Просмотр пользователей" in response.content.decode()


def test_user_list_filters_by_role(client, personas):
    client.force_login(personas["curator"])

    response = client.get(USERS_URL, {"role": "org_operator"})

    assert [u.username for u in response.context["page"].object_list] == ["org_operator"]


def test_user_list_sends_anonymous_users_to_login(client, region):
    response = client.get(USERS_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN_URL}?next={USERS_URL}"


def test_password_alone_does_not_open_other_account_pages(personas, client):
    """With a confirmed second factor, /accounts/users/ waits for the code too (middleware)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    curator = personas["curator"]
    TOTPDevice.objects.create(user=curator, name="t", confirmed=True)
    client.force_login(curator)
    response = client.get("/accounts/users/?role=auditor&page=2")
    assert response.status_code == 302
    assert (
        response["Location"]
        == "/accounts/otp/?next=%2Faccounts%2Fusers%2F%3Frole%3Dauditor%26page%3D2"
    )


# --- one's own password ----------------------------------------------------------------------
PASSWORD_URL = reverse("accounts:password_change")
NEW_PASSWORD = "Kamyshin-arbuz-2027"


def test_a_user_changes_their_own_password_and_stays_signed_in(client, make_user):
    user = make_user("org_operator")
    client.force_login(user)
    assert f'href="{PASSWORD_URL}"' in client.get(SECURITY_URL).content.decode()

    response = client.post(
        PASSWORD_URL,
        {
            "old_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == SECURITY_URL
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert not user.check_password(PASSWORD)
    assert _logged_in_user_id(client) == str(user.pk)  # the session was kept
    assert client.get(reverse("home")).status_code == 200
    event = AuditEvent.objects.get(action="user.password_change")
    assert (event.actor_id, event.target_id) == (user.pk, str(user.pk))
    assert NEW_PASSWORD not in str(event.data)


@pytest.mark.parametrize(
    ("old", "new", "again", "error"),
    [
        ("не-тот-пароль-1", NEW_PASSWORD, NEW_PASSWORD, "Текущий пароль введён неверно."),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "Пароли не совпадают."),
        (PASSWORD, "12345", "12345", "слишком короткий"),
    ],
)
def test_a_wrong_password_change_says_why_and_changes_nothing(
    client, make_user, old, new, again, error
):
    user = make_user("analyst")
    client.force_login(user)

    response = client.post(
        PASSWORD_URL, {"old_password": old, "new_password": new, "new_password_again": again}
    )

    assert response.status_code == 200
    assert error in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="user.password_change").exists()


def test_the_password_page_needs_a_login(client, region):
    response = client.get(PASSWORD_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
