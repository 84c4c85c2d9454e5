"""The admin site follows the permission matrix (not is_staff) and audits every change."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otklik.audit.models import AuditEvent
from otklik.directory.models import Channel, Sector

ADMIN = reverse("admin:index")


@pytest.mark.parametrize("role", ["curator", "executor", "head", "analyst", "auditor"])
def test_admin_opens_for_roles_of_the_matrix_without_is_staff(client, make_user, role):
    user = make_user(role)
    assert user.is_staff is False
    client.force_login(user)

    response = client.get(ADMIN)

    assert response.status_code == 200


@pytest.mark.parametrize("role", ["sector_lead", "org_operator", "municipal_coordinator"])
def test_admin_is_refused_to_other_roles(client, make_user, role):
    client.force_login(make_user(role))

    response = client.get(ADMIN, follow=True)

    assert response.status_code == 403
    assert "Доступ запрещён" in response.content.decode()


def test_admin_sends_anonymous_users_to_the_otklik_login(client, region):
    response = client.get(ADMIN, follow=True)

    assert response.redirect_chain[-1][0] == f"{reverse('accounts:login')}?next={ADMIN}"
    assert response.templates[0].name == "registration/login.html"


def test_admin_index_lists_only_what_the_role_may_see(client, make_user):
    client.force_login(make_user("auditor"))

    models = {
        m["object_name"] for app in client.get(ADMIN).context["app_list"] for m in app["models"]
    }

    assert "AuditEvent" in models
    assert "Message" in models
    assert "Contact" not in models  # authors' personal data: ЦУР roles only
    assert "Sector" in models  # reference data: view only
    assert "Group" not in models


def test_analyst_changes_a_channel_through_the_admin_and_it_is_audited(client, make_user):
    # given an analyst (may edit reference data)
    analyst = make_user("analyst")
    client.force_login(analyst)
    channel = Channel.objects.get(code="telegram")

    # when they rename the channel in the admin
    response = client.post(
        reverse("admin:directory_channel_change", args=[channel.pk]),
        {
            "code": channel.code,
            "name": "Telegram-бот ЦУР",
            "description": channel.description,
            "is_public": "",
            "order": channel.order,
        },
    )

    # then the change is saved and written to the audit log with the changed field
    channel.refresh_from_db()
    event = AuditEvent.objects.get(action="admin.change")
    assert response.status_code == 302
    assert channel.name == "Telegram-бот ЦУР"
    assert event.actor == analyst
    assert (event.target_type, event.target_id) == ("directory.channel", str(channel.pk))
    assert event.data == {
        "model": "directory.channel",
        "fields": ["name"],
        "values": {"name": "Telegram-бот ЦУР"},
    }


def test_auditor_cannot_change_reference_data_in_the_admin(client, make_user):
    client.force_login(make_user("auditor"))
    channel = Channel.objects.get(code="telegram")
    before = channel.name

    response = client.post(
        reverse("admin:directory_channel_change", args=[channel.pk]),
        {
            "code": channel.code,
            "name": "Изменено",
            "description": "",
            "is_public": "",
            "order": channel.order,
        },
    )

    channel.refresh_from_db()
    assert response.status_code == 403
    assert channel.name == before
    assert AuditEvent.objects.filter(action__startswith="admin.").count() == 0


def test_deleting_through_the_admin_is_audited(client, make_user):
    client.force_login(make_user("curator"))
    sector = Sector.objects.get(code="other")
    sector.topics.all().delete()
    sector.organizations.clear()
    pk = sector.pk

    response = client.post(reverse("admin:directory_sector_delete", args=[pk]), {"post": "yes"})

    event = AuditEvent.objects.get(action="admin.delete")
    assert response.status_code == 302
    assert Sector.objects.filter(pk=pk).exists() is False
    assert (event.target_type, event.target_id) == ("directory.sector", str(pk))


def test_curator_cannot_see_or_set_superuser_flags(client, make_user):
    client.force_login(make_user("curator"))
    other = make_user("analyst")

    body = client.get(reverse("admin:accounts_user_change", args=[other.pk])).content.decode()

    assert 'name="role"' in body
    assert 'name="is_superuser"' not in body
    assert 'name="user_permissions"' not in body


def test_auditor_sees_users_and_audit_but_changes_nothing(client, make_user):
    client.force_login(make_user("auditor"))
    other = make_user("analyst")

    page = client.get(reverse("admin:accounts_user_change", args=[other.pk]))
    event = AuditEvent.objects.first()
    audit_page = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    delete = client.post(reverse("admin:audit_auditevent_delete", args=[event.pk]), {"post": "yes"})

    assert page.status_code == 200
    assert 'name="role"' not in page.content.decode()  # view only
    assert audit_page.status_code == 200
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_curator_adds_a_sector_lead_through_the_admin_only_with_a_sector(client, make_user):
    from otklik.accounts.models import User

    client.force_login(make_user("curator"))
    url = reverse("admin:accounts_user_add")
    form = {
        "username": "novyi",
        "usable_password": "false",
        "role": "sector_lead",
        "last_name": "Новиков",
        "first_name": "Пётр",
    }

    refused = client.post(url, form)
    created = client.post(url, {**form, "sector": Sector.objects.get(code="roads").pk})

    assert refused.status_code == 200
    assert "укажите отраслевой блок" in refused.content.decode()
    assert created.status_code == 302
    user = User.objects.get(username="novyi")
    assert (user.role, user.sector.code, user.has_usable_password()) == (
        "sector_lead",
        "roads",
        False,
    )
    event = AuditEvent.objects.get(action="admin.add")
    assert event.target_id == str(user.pk)
    assert event.data == {  # field names only: no values, no password hashes
        "model": "accounts.user",
        "fields": ["username", "usable_password", "last_name", "first_name", "role", "sector"],
    }
