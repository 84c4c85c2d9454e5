"""Deadline policies in the admin: seen by every admin role, edited by calendar editors only."""

import pytest
from django.urls import reverse

from otklik.audit.models import AuditEvent
from otklik.sla.models import DeadlinePolicy
from otklik.sla.selectors import policy_get

CHANGELIST = reverse("admin:sla_deadlinepolicy_changelist")


@pytest.mark.parametrize("role", ["curator", "analyst", "auditor"])
def test_every_admin_role_sees_the_policies(client, make_user, role):
    client.force_login(make_user(role))

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert response.context["cl"].result_count == 11


def test_an_analyst_may_not_change_a_policy(client, make_user):
    # given an analyst: edits reference data, but not the calendar and deadlines
    client.force_login(make_user("analyst"))
    policy = policy_get(code="pos_message")
    url = reverse("admin:sla_deadlinepolicy_change", args=[policy.pk])

    response = client.post(url, {"name": "Другое"})

    assert response.status_code == 403
    assert policy_get(code="pos_message").name == "Сообщение ПОС"
    assert client.get(reverse("admin:sla_deadlinepolicy_add")).status_code == 403


def test_a_curator_changes_a_policy_and_it_is_audited(client, make_user):
    client.force_login(make_user("curator"))
    policy = policy_get(code="pos_message")
    url = reverse("admin:sla_deadlinepolicy_change", args=[policy.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    # what the browser posts, with the hidden initial values of fields with callable defaults
    json_fields = {"warning_thresholds": "[0.7, 0.9]", "pause_states": '["awaiting_citizen"]'}
    data.update(json_fields)
    data.update({f"initial-{name}": value for name, value in json_fields.items()})
    data["resolution_length"] = 12

    response = client.post(url, data)

    assert response.status_code == 302
    assert DeadlinePolicy.objects.get(pk=policy.pk).resolution_length == 12
    event = AuditEvent.objects.filter(action="admin.change").latest("id")
    assert event.data["fields"] == ["resolution_length"]
    assert event.data["values"] == {"resolution_length": 12}


def test_the_admin_refuses_a_second_policy_for_the_same_input(client, make_user):
    client.force_login(make_user("curator"))
    data = {
        "code": "message-copy",
        "name": "Копия",
        "legal_basis": "тест",
        "input_kind": "message",
        "channel": "",
        "topic": "",
        "applies_automatically": "on",
        "basis": "receipt",
        "resolution_length": 5,
        "unit": "working_days",
        "max_extension_length": 0,
        "warning_thresholds": "[0.7, 0.9]",
        "pause_states": "[]",
    }

    response = client.post(reverse("admin:sla_deadlinepolicy_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "Срок «message» уже действует для этого вида, канала и темы в эти даты: разведите их "
        "по датам действия или сделайте один из них выбираемым вручную."
    ]
    assert not DeadlinePolicy.objects.filter(code="message-copy").exists()

    data["channel"] = "phone"
    assert client.post(reverse("admin:sla_deadlinepolicy_add"), data).status_code == 302
    assert policy_get(code="message-copy").channel == "phone"
