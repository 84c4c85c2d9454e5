"""The case page's part of the language pipeline: the analysis panel of the opening message and
its one-click correction (``otklik.cases.views.verbs``, the verb «correct»)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otklik.cases.models import Case
from otklik.cases.services.opening import case_open_or_join
from otklik.directory.models import Organization, Topic
from otklik.nlp.models import Correction
from otklik.nlp.services.analysis import message_analyse
from otklik.nlp.tests.test_services import HOT_WATER, ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed_case(region):
    message = ingest(HOT_WATER + " Пишу уже в который раз, обращусь в прокуратуру. Иванов Пётр.")
    analysis = message_analyse(message=message).analysis
    case, _ = case_open_or_join(message=message, analysis=analysis)
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

    Case.objects.filter(pk=analysed_case.pk).update(
        organization=Organization.objects.get(code="adm-18410")
    )
    client.force_login(personas["org_operator"])
    html = client.get(reverse("cases:detail", args=[analysed_case.number])).content.decode()
    assert 'data-testid="case-analysis"' in html
    assert 'data-testid="analysis-correct"' not in html
    response = client.post(
        reverse("cases:verb", args=[analysed_case.number, "correct"]),
        {"topic": "zhkh-heating-outage"},
    )
    assert response.status_code == 403
    assert not Correction.objects.exists()


def test_one_click_correction(client, personas, analysed_case):
    client.force_login(personas["curator"])
    response = client.post(
        reverse("cases:verb", args=[analysed_case.number, "correct"]),
        {"topic": "zhkh-heating-outage"},
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
    response = client.post(
        reverse("cases:verb", args=[analysed_case.number, "correct"]), {"topic": "nope"}
    )
    assert response.status_code == 400  # the case page again, with the reason
    assert "Выберите тему из списка." in response.content.decode()
    analysed_case.refresh_from_db()
    assert analysed_case.topic_id == before and not Correction.objects.exists()


def test_a_case_out_of_scope_is_not_found(client, make_user, analysed_case):
    lead = make_user("sector_lead", sector=Topic.objects.get(code="roads-potholes").sector)
    client.force_login(lead)
    response = client.post(
        reverse("cases:verb", args=[analysed_case.number, "correct"]), {"topic": "roads-potholes"}
    )
    assert response.status_code == 404


def test_why_shows_words_of_the_text_and_stage_versions_only_to_those_who_keep_the_models(
    client, personas, analysed_case
):
    Case.objects.filter(pk=analysed_case.pk).update(
        organization=Organization.objects.get(code="adm-18410")
    )
    page = reverse("cases:detail", args=[analysed_case.number])
    client.force_login(personas["org_operator"])
    operator = client.get(page).content.decode()
    client.force_login(personas["analyst"])
    analyst = client.get(page).content.decode()

    # the words are as the text writes them (not lemmas such as «горячий вода»)
    words = operator.split('data-testid="analysis-words">')[1].split("</dd>")[0]
    assert "горячей воды" in words and "горячий" not in words
    # the versions of the stages: a collapsed block for the analyst, nothing for the operator
    assert 'data-testid="analysis-technical"' not in operator and "classify 1" not in operator
    technical = analyst.split('data-testid="analysis-technical">')[1].split("</details>")[0]
    assert "<summary>Технические сведения</summary>" in technical and "classify 1" in technical
