from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from otklik.accounts.models import User
from otklik.audit.models import AuditEvent


def test_createuser_with_scope_and_generated_password(region):
    out = StringIO()
    call_command(
        "createuser",
        "ivanova",
        "--role",
        "municipal_coordinator",
        "--municipality",
        "18415",
        "--generate-password",
        stdout=out,
    )
    user = User.objects.get(username="ivanova")
    assert user.role == "municipal_coordinator"
    assert user.municipality.okato == "18415"
    printed = out.getvalue().split("Пароль (показан один раз): ")[1].strip()
    assert user.check_password(printed)
    assert AuditEvent.objects.filter(action="user.create", target_id=str(user.pk)).count() == 1


def test_createuser_by_municipality_name(region):
    call_command(
        "createuser",
        "petrov",
        "--role",
        "municipal_coordinator",
        "--municipality",
        "Камышин",
        "--password",
        "Tsaritsyn-1589",
        stdout=StringIO(),
    )
    assert User.objects.get(username="petrov").municipality.okato == "18415"


def test_scoped_role_without_its_scope_is_refused(region):
    with pytest.raises(CommandError, match="отраслевой блок"):
        call_command("createuser", "x", "--role", "sector_lead", "--password", "Tsaritsyn-1589")
    assert not User.objects.filter(username="x").exists()


def test_scope_that_the_role_does_not_take_is_refused(region):
    with pytest.raises(CommandError, match="не ограничивается"):
        call_command(
            "createuser",
            "x",
            "--role",
            "curator",
            "--sector",
            "zhkh",
            "--password",
            "Tsaritsyn-1589",
        )
    assert not User.objects.filter(username="x").exists()


def test_weak_password_is_refused(region):
    with pytest.raises(CommandError, match="слишком короткий"):
        call_command("createuser", "x", "--role", "auditor", "--password", "12345")
    assert not User.objects.filter(username="x").exists()


def test_unknown_organisation_is_a_clear_error(region):
    with pytest.raises(CommandError, match="Не найдено"):
        call_command(
            "createuser",
            "x",
            "--role",
            "org_operator",
            "--organization",
            "nope",
            "--password",
            "Tsaritsyn-1589",
        )


def test_duplicate_username_is_refused(region):
    call_command(
        "createuser", "dup", "--role", "auditor", "--password", "Tsaritsyn-1589", stdout=StringIO()
    )
    with pytest.raises(CommandError, match="уже есть"):
        call_command("createuser", "DUP", "--role", "auditor", "--password", "Tsaritsyn-1589")
