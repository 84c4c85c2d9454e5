"""The audit log page: who may read it, filters by action and date, pagination."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from otklik.audit.models import AuditEvent
from otklik.core.roles import Role

URL = reverse("audit:event_list")


@pytest.mark.parametrize("role", ["curator", "executor", "head", "auditor"])
def test_event_list_renders_for_roles_with_audit_view(client, make_user, role):
    # given the region loaded (its set-up events) and then one user created
    client.force_login(make_user(role))

    response = client.get(URL)

    # then every event is listed, newest first
    shown = [e.pk for e in response.context["page"].object_list]
    assert response.status_code == 200
    assert shown == list(
        AuditEvent.objects.order_by("-created_at", "-id").values_list("pk", flat=True)
    )
    assert response.context["page"].object_list[0].action == "user.create"


@pytest.mark.parametrize(
    "role", ["sector_lead", "analyst", "org_operator", "municipal_coordinator"]
)
def test_event_list_is_refused_to_other_roles(client, make_user, role):
    client.force_login(make_user(role))

    response = client.get(URL)

    assert response.status_code == 403


def test_event_list_sends_anonymous_users_to_login(client, region):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={URL}"


def test_event_list_filters_by_action(client, personas):
    client.force_login(personas["auditor"])

    response = client.get(URL, {"action": "user.create"})

    page = response.context["page"]
    assert page.paginator.count == len(Role)
    assert {e.action for e in page.object_list} == {"user.create"}


def test_event_list_filters_by_date(client, make_user):
    client.force_login(make_user("auditor"))
    today = timezone.localdate()
    tomorrow = today + dt.timedelta(days=1)

    from_today = client.get(URL, {"date_from": today.isoformat(), "date_to": today.isoformat()})
    from_tomorrow = client.get(URL, {"date_from": tomorrow.isoformat()})

    assert from_today.context["page"].paginator.count == AuditEvent.objects.count()
    assert AuditEvent.objects.count() > 0
    assert from_tomorrow.context["page"].paginator.count == 0


def test_event_list_offers_the_actions_present_in_the_log(client, make_user):
    client.force_login(make_user("head"))

    form = client.get(URL).context["form"]

    present = set(AuditEvent.objects.values_list("action", flat=True))
    choices = dict(form.fields["action"].choices)
    assert set(choices) == {"", *present}
    assert {"reference.load", "user.create"} <= present
    assert choices["user.create"] == "Пользователь создан"  # in Russian, sorted by the name
    labels = [label for value, label in form.fields["action"].choices if value]
    assert labels == sorted(labels, key=str.lower)
