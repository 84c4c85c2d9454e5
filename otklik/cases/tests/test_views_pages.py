"""The routing rules page, the citizen's survey page (no login) and the menu items of cases."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otklik.audit.models import AuditEvent
from otklik.cases.choices import CaseStatus
from otklik.cases.models import RoutingRule, Survey
from otklik.cases.services.answers import answer_approve, answer_submit
from otklik.cases.services.lifecycle import case_accept
from otklik.directory.models import Municipality, Organization, Sector, Topic

ROUTING = reverse("cases:routing")
ANSWER = "Бригада восстановила горячее водоснабжение 27.11, давление в норме, проверено."


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def rule_form(**changes) -> dict:
    data = {
        "order": "20",
        "name": "Дороги Волгограда",
        "sector": str(Sector.objects.get(code="roads").pk),
        "topic": "",
        "municipality": str(Municipality.objects.get(okato="18401").pk),
        "channel": "",
        "organization": str(Organization.objects.get(code="adm-18401").pk),
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# --- routing rules ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("role", "editable"),
    [
        ("curator", True),
        ("analyst", True),
        ("auditor", False),
        ("sector_lead", False),
        ("org_operator", False),
        ("municipal_coordinator", False),
    ],
)
def test_routing_rules_are_readable_by_case_roles_and_editable_by_the_cur(
    client, personas, volzhsky_rule, role, editable
):
    client.force_login(personas[role])

    response = client.get(ROUTING)

    assert response.status_code == 200
    assert [r.name for r in response.context["rules"]] == ["ЖКХ Волжского"]
    assert (response.context["form"] is not None) is editable
    assert ('data-testid="rule-form"' in response.content.decode()) is editable


def test_curator_adds_a_rule_and_it_is_audited(client, personas, volzhsky_rule):
    client.force_login(personas["curator"])

    response = client.post(ROUTING, rule_form(), follow=True)

    rule = RoutingRule.objects.get(name="Дороги Волгограда")
    assert (rule.order, rule.sector.code, rule.municipality.okato, rule.organization.code) == (
        20,
        "roads",
        "18401",
        "adm-18401",
    )
    assert flashes(response) == ["Правило добавлено."]
    assert [r.name for r in response.context["rules"]] == ["ЖКХ Волжского", "Дороги Волгограда"]
    assert AuditEvent.objects.filter(action="routing.create", target_id=str(rule.pk)).count() == 1


def test_a_topic_of_another_sector_is_refused(client, personas, region):
    client.force_login(personas["analyst"])

    response = client.post(
        ROUTING, rule_form(topic=str(Topic.objects.get(code="zhkh-hot-water").pk))
    )

    assert response.status_code == 400
    assert flashes(response) == [
        "Тема «Нет горячей воды или она чуть тёплая» не относится к блоку «Дорожная деятельность»."
    ]
    assert RoutingRule.objects.count() == 0


def test_a_rule_to_the_municipalitys_administration(client, personas, region):
    client.force_login(personas["curator"])

    response = client.post(
        ROUTING,
        rule_form(
            name="Дороги — администрации МО",
            municipality="",
            organization="",
            to_municipal_administration="on",
        ),
        follow=True,
    )

    rule = RoutingRule.objects.get()
    assert (rule.organization_id, rule.to_municipal_administration) == (None, True)
    assert "администрация МО по месту проблемы" in response.content.decode()


@pytest.mark.parametrize("target", [{"organization": ""}, {"to_municipal_administration": "on"}])
def test_a_rule_needs_exactly_one_target(client, personas, region, target):
    client.force_login(personas["curator"])

    response = client.post(ROUTING, rule_form(**target))

    assert response.status_code == 400
    assert flashes(response) == [
        "Укажите организацию или «администрации МО по месту проблемы» (одно из двух)."
    ]
    assert RoutingRule.objects.count() == 0


@pytest.mark.parametrize("role", ["auditor", "org_operator", "sector_lead"])
def test_other_roles_cannot_add_edit_or_delete_rules(client, personas, volzhsky_rule, role):
    client.force_login(personas[role])

    created = client.post(ROUTING, rule_form())
    edited = client.post(
        reverse("cases:routing_edit", args=[volzhsky_rule.pk]), rule_form(name="Чужое")
    )
    deleted = client.post(reverse("cases:routing_delete", args=[volzhsky_rule.pk]))

    assert (created.status_code, edited.status_code, deleted.status_code) == (403, 403, 403)
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["ЖКХ Волжского"]


def test_curator_edits_and_deletes_a_rule(client, personas, volzhsky_rule):
    client.force_login(personas["curator"])
    edit_url = reverse("cases:routing_edit", args=[volzhsky_rule.pk])

    form = client.get(edit_url)
    saved = client.post(
        edit_url,
        rule_form(
            name="ЖКХ Волжского (все темы)",
            order="5",
            sector=str(volzhsky_rule.sector_id),
            municipality=str(volzhsky_rule.municipality_id),
            organization=str(volzhsky_rule.organization_id),
        ),
        follow=True,
    )
    volzhsky_rule.refresh_from_db()
    name_after_edit, order_after_edit = volzhsky_rule.name, volzhsky_rule.order
    deleted = client.post(reverse("cases:routing_delete", args=[volzhsky_rule.pk]), follow=True)

    assert form.context["form"].initial["name"] == "ЖКХ Волжского"
    assert flashes(saved) == ["Правило сохранено."]
    assert (name_after_edit, order_after_edit) == ("ЖКХ Волжского (все темы)", 5)
    assert flashes(deleted) == ["Правило «ЖКХ Волжского (все темы)» удалено."]
    assert RoutingRule.objects.count() == 0


# --- the survey -----------------------------------------------------------------------------
@pytest.fixture
def published(personas, volzhsky_rule, make_case, django_capture_on_commit_callbacks):
    case = case_accept(case=make_case(), actor=personas["analyst"])
    answer = answer_submit(case=case, actor=personas["org_operator"], text=ANSWER)
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(answer=answer, actor=personas["analyst"])
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED
    return case


def survey_url(token: str) -> str:
    return reverse("cases:survey", args=[token])


def test_survey_page_opens_without_login_and_shows_the_answer(client, published):
    survey = Survey.objects.get(case=published)

    response = client.get(survey_url(survey.token))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Помогли ли мы вам?" in body
    assert ANSWER in body
    assert f"обращение № {published.number}" in body
    # the organisation is named without a case ending it does not have («Ответ Администрация»)
    assert "Ответила организация: Администрация г. Волжского." in body
    assert 'class="main-nav"' not in body


def test_not_solved_reopens_the_case_and_thanks_the_citizen(client, published):
    survey = Survey.objects.get(case=published)

    response = client.post(
        survey_url(survey.token),
        {"solved": "no", "rating": "2", "comment": "Вода опять холодная"},
        follow=True,
    )

    survey.refresh_from_db()
    published.refresh_from_db()
    assert (survey.solved, survey.rating, survey.comment) == (False, 2, "Вода опять холодная")
    assert published.status == CaseStatus.REOPENED
    assert response.redirect_chain == [(reverse("cases:survey_thanks", args=[survey.token]), 302)]
    body = response.content.decode()
    assert "Спасибо!" in body
    assert "обращение снова передано в работу" in body


def test_solved_closes_the_case(client, published):
    survey = Survey.objects.get(case=published)

    client.post(survey_url(survey.token), {"solved": "yes", "rating": "5"})

    published.refresh_from_db()
    assert published.status == CaseStatus.CLOSED


def test_survey_without_an_answer_to_the_question_is_refused(client, published):
    survey = Survey.objects.get(case=published)

    response = client.post(survey_url(survey.token), {"rating": "3"})

    assert response.status_code == 400
    assert "Ответьте, решена ли проблема." in response.content.decode()
    survey.refresh_from_db()
    assert survey.responded_at is None


def test_a_used_survey_link_says_so_and_changes_nothing(client, published):
    survey = Survey.objects.get(case=published)
    client.post(survey_url(survey.token), {"solved": "yes", "rating": "5"})

    again = client.get(survey_url(survey.token))
    second = client.post(survey_url(survey.token), {"solved": "no", "rating": "1"})

    assert again.status_code == 200
    assert "Вы уже ответили на этот опрос" in again.content.decode()
    assert "Вы уже ответили на этот опрос" in second.content.decode()
    survey.refresh_from_db()
    published.refresh_from_db()
    assert (survey.solved, survey.rating, published.status) == (True, 5, CaseStatus.CLOSED)


def test_an_unknown_survey_link_is_404_with_a_clear_message(client, region):
    response = client.get(survey_url("no-such-token"))

    assert response.status_code == 404
    assert "Ссылка опроса недействительна" in response.content.decode()
