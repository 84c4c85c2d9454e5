"""The pipeline seen by operators: the case page's analysis panel and its one-click
correction; the ЦУР page of models and re-processing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otklik.directory.models import Topic
from otklik.nlp.models import ClassifierModel, Correction, ModelStatus, ReprocessRun
from otklik.nlp.services import message_analyse
from otklik.nlp.tests.test_services import HOT_WATER, ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed_case(region):
    from otklik.cases.services.opening import case_open_or_join

    message = ingest(HOT_WATER + " Пишу уже в который раз, обращусь в прокуратуру. Иванов Пётр.")
    message_analyse(message=message)
    case, _ = case_open_or_join(message=message)
    return case


def test_case_page_shows_why_signals_and_masked_text(client, personas, analysed_case):
    client.force_login(personas["curator"])
    html = client.get(reverse("cases:detail", args=[analysed_case.number])).content.decode()
    assert 'data-testid="case-analysis"' in html
    assert "ЖКХ" in html or "Жилищно" in html
    assert "угроза обратиться в прокуратуру" in html
    assert "повторная жалоба" in html
    assert "нет воды" in html  # urgency signal
    masked = html.split('data-testid="analysis-masked">')[1].split("</p>")[0]
    assert "[ФИО]" in masked and "Иванов" not in masked
    assert 'data-testid="correct-offer"' in html  # the curator may correct


def test_an_operator_sees_the_panel_without_correction(client, personas, analysed_case):
    from otklik.cases.models import Case
    from otklik.directory.models import Organization

    Case.objects.filter(pk=analysed_case.pk).update(
        organization=Organization.objects.get(code="adm-18410")
    )
    client.force_login(personas["org_operator"])
    html = client.get(reverse("cases:detail", args=[analysed_case.number])).content.decode()
    assert 'data-testid="case-analysis"' in html
    assert 'data-testid="analysis-correct"' not in html
    response = client.post(
        reverse("nlp:correct", args=[analysed_case.number]), {"topic": "zhkh-heating-outage"}
    )
    assert response.status_code == 403
    assert not Correction.objects.exists()


def test_one_click_correction(client, personas, analysed_case):
    client.force_login(personas["curator"])
    response = client.post(
        reverse("nlp:correct", args=[analysed_case.number]), {"topic": "zhkh-heating-outage"}
    )
    assert response.status_code == 302
    analysed_case.refresh_from_db()
    assert analysed_case.topic == Topic.objects.get(code="zhkh-heating-outage")
    assert Correction.objects.filter(field="topic", corrected="zhkh-heating-outage").exists()
    page = client.get(response.url).content.decode()
    assert "Тема исправлена" in page
    assert "Классификация исправлена оператором" in page  # the timeline


def test_correction_with_an_unknown_topic_changes_nothing(client, personas, analysed_case):
    client.force_login(personas["curator"])
    before = analysed_case.topic_id
    response = client.post(reverse("nlp:correct", args=[analysed_case.number]), {"topic": "nope"})
    assert response.status_code == 302
    analysed_case.refresh_from_db()
    assert analysed_case.topic_id == before and not Correction.objects.exists()


def test_a_case_out_of_scope_is_not_found(client, make_user, analysed_case):
    lead = make_user("sector_lead", sector=Topic.objects.get(code="roads-potholes").sector)
    client.force_login(lead)
    response = client.post(
        reverse("nlp:correct", args=[analysed_case.number]), {"topic": "roads-potholes"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("curator", 200), ("analyst", 200), ("auditor", 200), ("org_operator", 403)],
)
def test_models_page_by_role(client, personas, role, status):
    client.force_login(personas[role])
    response = client.get(reverse("nlp:models"))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Встроенные знания" in html
        assert ('data-testid="reprocess-form"' in html) == (role != "auditor")


def test_reprocess_from_the_page_shows_progress(
    client, personas, analysed_case, django_capture_on_commit_callbacks
):
    client.force_login(personas["analyst"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("nlp:reprocess"))
    assert response.status_code == 302
    run = ReprocessRun.objects.get()
    assert (run.status, run.done, run.total) == ("done", 1, 1)
    html = client.get(reverse("nlp:models"), HTTP_HX_REQUEST="true").content.decode()
    assert f'data-run="{run.pk}"' in html and "100 %" in html


def test_the_auditor_cannot_switch_models(client, personas, tmp_path):
    from otklik.nlp.tests.test_registry import _registered

    row = _registered(tmp_path, "m-1", 0.8, 0.7, personas["curator"])
    client.force_login(personas["auditor"])
    assert client.post(reverse("nlp:activate", args=[row.pk])).status_code == 403
    client.force_login(personas["curator"])
    assert client.post(reverse("nlp:activate", args=[row.pk])).status_code == 302
    assert ClassifierModel.objects.get(pk=row.pk).status == ModelStatus.ACTIVE
    html = client.get(reverse("nlp:models")).content.decode()
    assert "m-1" in html and 'data-testid="rollback"' in html
