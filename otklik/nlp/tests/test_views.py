"""The ЦУР page of models and re-processing. (The case page's analysis panel and its one-click
correction are tested in ``otklik/cases/tests/test_views_nlp.py``.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from otklik.nlp.models import ClassifierModel, ModelStatus, ReprocessRun
from otklik.nlp.services import message_analyse
from otklik.nlp.tests.test_services import HOT_WATER, ingest

pytestmark = pytest.mark.django_db


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


@pytest.fixture
def analysed_message(region):
    message = ingest(HOT_WATER)
    message_analyse(message=message)
    return message


def test_reprocess_from_the_page_shows_progress(
    client, personas, analysed_message, django_capture_on_commit_callbacks
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
