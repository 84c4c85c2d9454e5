"""The project office's pages over HTTP: the chain posted from the pages as people do, who sees
which page, and refusals that change nothing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from conftest import PASSWORD
from otklik.approvals.choices import ApprovalState
from otklik.approvals.models import Approval
from otklik.office.models import PassportVersion, Project
from otklik.office.tests.shared import WHO_OPENS_THE_OFFICE

FORM = {
    "name": "Тёплый дом",
    "goal": "Горячая вода без перерывов дольше суток",
    "control_points": "Договор подряда заключён | 20.11.2026 | Комитет ЖКХ",
}


def _client(client, user):
    client.force_login(user)
    return client


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_chain_through_the_pages(client, personas):
    lead, head, curator = personas["sector_lead"], personas["head"], personas["curator"]
    c = _client(client, lead)
    r = c.post(reverse("office:project_create", args=["zhkh"]), FORM, follow=True)
    project = Project.objects.get()
    assert r.redirect_chain[-1][0] == reverse("office:project", args=[project.pk])
    version = PassportVersion.objects.get()
    approval = Approval.objects.get(kind="passport", target_id=str(version.pk))
    page = c.get(reverse("office:passport", args=[version.pk])).content.decode()
    assert 'data-testid="submit"' in page and 'data-testid="decide"' not in page

    c.post(reverse("approvals:verb", args=[approval.pk, "submit"]), {"text": ""})
    approval.refresh_from_db()
    assert approval.state == ApprovalState.IN_ROUTE

    # the curator may not act at the head's step: 403, nothing changes
    c = _client(client, curator)
    r = c.post(reverse("approvals:verb", args=[approval.pk, "agree"]), {"text": ""})
    assert r.status_code == 403
    approval.refresh_from_db()
    assert (approval.state, approval.step) == (ApprovalState.IN_ROUTE, 1)

    c = _client(client, head)
    inbox = c.get(reverse("approvals:inbox")).content.decode()
    assert "Тёплый дом" in inbox
    r = c.post(reverse("approvals:verb", args=[approval.pk, "return"]), {"text": ""}, follow=True)
    assert "Укажите, что нужно доработать." in _messages(r)
    c.post(reverse("approvals:verb", args=[approval.pk, "return"]), {"text": "Нет руководителя"})
    approval.refresh_from_db()
    assert approval.state == ApprovalState.RETURNED

    c = _client(client, lead)
    c.post(
        reverse("office:passport_edit", args=[version.pk]),
        {**FORM, "leader": "Петров П. П."},
    )
    version.refresh_from_db()
    assert version.content["leader"] == "Петров П. П."
    c.post(reverse("approvals:verb", args=[approval.pk, "submit"]), {"text": "Исправлено"})
    _client(client, head).post(reverse("approvals:verb", args=[approval.pk, "agree"]), {})
    _client(client, curator).post(
        reverse("approvals:verb", args=[approval.pk, "approve"]), {"password": PASSWORD}
    )
    approval.refresh_from_db()
    project.refresh_from_db()
    assert (approval.state, project.state) == (ApprovalState.APPROVED, "approved")

    c = _client(client, lead)
    page = c.get(reverse("office:passport", args=[version.pk])).content.decode()
    assert "Изменить черновик" not in page  # frozen
    r = c.post(
        reverse("office:change", args=[project.pk]),
        {
            **FORM,
            "leader": "Петров П. П.",
            "reason": "Сменился руководитель",
            "goal": "Горячая вода без перерывов дольше 12 часов",
        },
        follow=True,
    )
    v2 = PassportVersion.objects.get(number=2)
    page = r.content.decode()
    assert r.redirect_chain[-1][0] == reverse("office:passport", args=[v2.pk])
    assert re.search(
        r"<ins>\+ Цель проекта: Горячая вода без перерывов дольше 12 часов</ins>", page
    )
    assert re.search(r"<del>− Цель проекта: Горячая вода без перерывов дольше суток</del>", page)
    # the project's versions: v1 in force, v2 the change request, each on the passport's page
    page = c.get(reverse("office:project", args=[project.pk])).content.decode()
    rows = re.findall(
        r'<a href="/office/passport/(\d+)/">версия (\d)</a>( <span[^>]*>действует)?', page
    )
    assert rows == [
        (str(version.pk), "1", ' <span class="tag tag--done">действует'),
        (str(v2.pk), "2", ""),
    ]


@pytest.mark.parametrize(("role", "status"), WHO_OPENS_THE_OFFICE)
def test_who_opens_the_office(client, personas, role, status):
    project = Project.objects.create(code="ЖКХ-01", name="Проект", sector_id=1)
    c = _client(client, personas[role])
    for url in (
        reverse("office:home"),
        reverse("office:block", args=["zhkh"]),
        reverse("office:project", args=[project.pk]),
        reverse("office:indicators"),
    ):
        assert c.get(url).status_code == status, url


def test_a_sector_lead_does_not_see_a_form_for_another_block(client, personas):
    c = _client(client, personas["sector_lead"])  # ЖКХ
    assert (
        'data-testid="new-project"'
        in c.get(reverse("office:block", args=["zhkh"])).content.decode()
    )
    page = c.get(reverse("office:block", args=["roads"])).content.decode()
    assert 'data-testid="new-project"' not in page
    r = c.post(reverse("office:project_create", args=["roads"]), FORM)
    assert r.status_code == 403
    assert not Project.objects.exists()
