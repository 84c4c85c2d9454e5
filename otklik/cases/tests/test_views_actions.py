"""Each action form of the case page: it calls its service, says what happened in Russian, and
a refusal (wrong role, wrong state, bad input) is shown and changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from otklik.cases.choices import (
    AnswerStatus,
    CaseStatus,
    ExtensionStatus,
    OutboxStatus,
    RedirectStatus,
)
from otklik.cases.models import (
    Answer,
    AnswerTemplate,
    Case,
    CaseEvent,
    ExtensionRequest,
    OutboxMessage,
    RedirectRequest,
)
from otklik.cases.services.answers import (
    answer_approve,
    answer_submit,
    answer_templates_load,
    template_render,
)
from otklik.cases.services.lifecycle import case_accept, case_take
from otklik.cases.services.opening import case_open_or_join
from otklik.directory.models import Organization, Topic

ANSWER = "Бригада восстановила горячее водоснабжение 27.11, давление в норме, проверено."


def url(name: str, case: Case) -> str:
    return reverse(f"cases:{name}", args=[case.number])


def verb(name: str, case: Case) -> str:
    return reverse("cases:verb", args=[case.number, name])


def flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def events(case: Case) -> list[str]:
    return list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))


@pytest.fixture
def assigned(personas, volzhsky_rule, make_case):
    """A ЖКХ case in Волжский accepted by the ЦУР and routed to the city administration."""
    return case_accept(case=make_case(), actor=personas["analyst"])


@pytest.fixture
def in_review(personas, assigned):
    answer_submit(case=assigned, actor=personas["org_operator"], text=ANSWER)
    assigned.refresh_from_db()
    return assigned


# --- ЦУР moderation ---------------------------------------------------------------------------
def test_analyst_accepts_with_the_routed_organisation_and_a_priority(
    client, personas, volzhsky_rule, make_case
):
    case = make_case()
    client.force_login(personas["analyst"])

    response = client.post(
        verb("accept", case), {"organization": "", "priority": "high"}, follow=True
    )

    case.refresh_from_db()
    assert (case.status, case.organization.code, case.priority) == (
        CaseStatus.ASSIGNED,
        "adm-18410",
        "high",
    )
    assert response.redirect_chain == [(url("detail", case), 302)]
    assert flashes(response) == ["Инцидент принят и направлен: Администрация г. Волжского."]


@pytest.mark.parametrize("role", ["auditor", "municipal_coordinator"])
def test_accept_by_a_role_without_moderation_is_403_and_changes_nothing(
    client, personas, volzhsky_rule, make_case, role
):
    case = make_case()
    client.force_login(personas[role])

    response = client.post(verb("accept", case), {"priority": "normal"})

    assert response.status_code == 403
    assert "Модерация инцидентов" in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.organization_id) == (CaseStatus.NEW, None)
    assert events(case) == ["opened"]


def test_accept_by_an_operator_who_cannot_see_the_case_is_404(
    client, personas, volzhsky_rule, make_case
):
    case = make_case()  # new: no organisation yet, so not the operator's
    client.force_login(personas["org_operator"])

    response = client.post(verb("accept", case), {"priority": "normal"})

    assert response.status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_accept_without_a_rule_shows_the_services_message(client, personas, make_case):
    case = make_case(topic="roads-potholes", okato="18401")
    client.force_login(personas["analyst"])

    response = client.post(verb("accept", case), {"organization": "", "priority": "normal"})

    assert response.status_code == 400
    assert flashes(response) == ["Правило маршрутизации не нашло организацию: укажите её вручную."]
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_reject_needs_a_reason_and_keeps_the_case_when_missing(client, personas, make_case):
    case = make_case()
    client.force_login(personas["curator"])

    refused = client.post(verb("reject", case), {"reason": ""})
    case.refresh_from_db()
    status_after_refusal = case.status
    done = client.post(
        verb("reject", case), {"reason": "Благодарность, ответ не нужен"}, follow=True
    )

    assert refused.status_code == 400
    assert refused.context["forms"]["reject"].errors == {"reason": ["Обязательное поле."]}
    assert status_after_refusal == CaseStatus.NEW
    case.refresh_from_db()
    assert case.status == CaseStatus.NO_ANSWER
    assert flashes(done) == ["Инцидент закрыт: ответ не требуется."]


def test_assign_with_co_executors(client, personas, make_case):
    case = make_case()
    client.force_login(personas["analyst"])

    client.post(
        verb("assign", case),
        {"organization": "adm-18410", "co_executors": ["adm-18401"]},
    )

    case.refresh_from_db()
    assert (case.status, case.organization.code) == (CaseStatus.ASSIGNED, "adm-18410")
    assert list(case.co_executors.values_list("code", flat=True)) == ["adm-18401"]


def test_merge_into_another_case_by_number(client, personas, make_case):
    main = make_case()
    duplicate = make_case(topic="roads-potholes")
    client.force_login(personas["analyst"])

    response = client.post(verb("merge", duplicate), {"into": main.number}, follow=True)

    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == (CaseStatus.MERGED, main.pk)
    assert main.messages.count() == 2
    assert response.redirect_chain == [(url("detail", main), 302)]
    assert flashes(response) == [f"Инцидент объединён с {main.number}: его сообщения теперь там."]


def test_merge_into_an_unknown_number_is_refused(client, personas, make_case):
    case = make_case()
    client.force_login(personas["analyst"])

    response = client.post(verb("merge", case), {"into": "2026-9999999"})

    assert response.status_code == 400
    assert flashes(response) == ["Инцидент 2026-9999999 не найден или вам недоступен."]
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_split_chosen_messages_into_a_new_case(client, personas, make_message):
    # given a case with two messages of the same author about the same topic
    first = make_message(phone="+79610001122")
    second = make_message(phone="+79610001122", text="И холодной воды тоже нет с утра, уже сутки.")
    case, _ = case_open_or_join(message=first)
    case_open_or_join(message=second)
    client.force_login(personas["analyst"])

    # when the analyst splits the second message off
    response = client.post(verb("split", case), {"messages": [second.pk]}, follow=True)

    # then it is a new case in triage, and the first case keeps the first message
    second.refresh_from_db()
    new = second.case
    assert new.pk != case.pk
    assert new.status == CaseStatus.NEW
    assert list(case.messages.values_list("pk", flat=True)) == [first.pk]
    assert flashes(response) == [f"Выделен новый инцидент {new.number} (на модерации ЦУР)."]


# --- the organisation's work ----------------------------------------------------------------
def test_operator_takes_the_case(client, personas, assigned):
    client.force_login(personas["org_operator"])

    response = client.post(verb("take", assigned), follow=True)

    assigned.refresh_from_db()
    assert assigned.status == CaseStatus.IN_WORK
    assert flashes(response) == ["Инцидент взят в работу."]


def test_take_in_the_wrong_state_is_409_with_the_reason(client, personas, make_case):
    case = make_case()
    client.force_login(personas["analyst"])

    response = client.post(verb("take", case))

    assert response.status_code == 409
    assert flashes(response)[0].startswith(f"Инцидент {case.number} в состоянии «Новый")
    case.refresh_from_db()
    assert case.status == CaseStatus.NEW


def test_operator_of_another_organisation_cannot_take(client, personas, make_user, assigned):
    # an operator of an unrelated body does not even see the case
    outsider = make_user("org_operator", organization=Organization.objects.get(code="adm-18401"))
    client.force_login(outsider)

    response = client.post(verb("take", assigned))

    assert response.status_code == 404
    assigned.refresh_from_db()
    assert assigned.status == CaseStatus.ASSIGNED


def test_answer_template_fills_the_text(client, personas, assigned):
    template = AnswerTemplate.objects.create(
        topic=Topic.objects.get(code="zhkh-hot-water"),
        title="Горячая вода восстановлена",
        body="По обращению № {number}: {organization} восстановила подачу горячей воды.",
    )
    client.force_login(personas["org_operator"])

    fragment = client.get(url("answer_template", assigned), {"template": template.pk})
    nothing = client.get(url("answer_template", assigned), {"template": ""})
    page = client.get(url("detail", assigned), {"template": template.pk})

    expected = (
        f"По обращению № {assigned.number}: Администрация г. Волжского "
        "восстановила подачу горячей воды."
    )
    assert fragment.status_code == 200
    assert expected in fragment.content.decode()
    assert 'id="answer-text"' in fragment.content.decode()
    assert nothing.status_code == 204
    assert page.context["forms"]["answer"]["text"].value() == expected


def test_templates_read_right_without_an_address_and_with_one(personas, assigned):
    # given the shipped templates with an address and one of the ЦУР's own (without a colon)
    answer_templates_load()
    shipped = list(AnswerTemplate.objects.filter(body__contains="{address}").order_by("code"))
    own = AnswerTemplate.objects.create(
        title="Своя", body="Проверено по адресу {address}. {organization}", code="own"
    )

    # when they are filled for a case without an address, then for one with it
    without = [template_render(template=t, case=assigned) for t in [*shipped, own]]
    assigned.address = "г. Волжский, ул. Мира, 12"
    with_address = [template_render(template=t, case=assigned) for t in [*shipped, own]]

    # then the phrase is whole in both: no «по адресу: указанному вами адресу»
    assert len(shipped) == 5
    assert [t for t in without if "по указанному вами адресу" not in t] == []
    assert [t for t in without if "адресу: " in t or "адресу указанному" in t] == []
    assert [t for t in with_address[:5] if "по адресу: г. Волжский, ул. Мира, 12" not in t] == []
    assert with_address[5] == (
        "Проверено по адресу г. Волжский, ул. Мира, 12. Администрация г. Волжского"
    )


def test_operator_answers_with_a_file_and_the_analyst_downloads_it(
    client, personas, assigned, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(personas["org_operator"])

    response = client.post(
        verb("answer", assigned),
        {
            "text": ANSWER,
            "files": [SimpleUploadedFile("akt.pdf", b"%PDF-1.4 akt", "application/pdf")],
        },
        follow=True,
    )

    answer = Answer.objects.get(case=assigned)
    assigned.refresh_from_db()
    assert (assigned.status, answer.status, answer.is_intermediate) == (
        CaseStatus.ANSWER_REVIEW,
        AnswerStatus.SUBMITTED,
        False,
    )
    assert flashes(response) == ["Ответ отправлен на модерацию ЦУР."]
    attachment = answer.attachments.get()
    assert attachment.name == "akt.pdf"
    client.force_login(personas["analyst"])
    download = client.get(
        reverse("cases:attachment", args=[assigned.number, "answer", attachment.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 akt"


def test_intermediate_answer_keeps_the_case_in_work(client, personas, assigned):
    case_take(case=assigned, actor=personas["org_operator"])
    client.force_login(personas["org_operator"])

    response = client.post(
        verb("answer", assigned),
        {
            "text": "Заявка передана подрядчику, работы начнутся в понедельник.",
            "intermediate": "on",
        },
        follow=True,
    )

    assigned.refresh_from_db()
    assert assigned.status == CaseStatus.IN_WORK
    assert flashes(response) == ["Промежуточный ответ отправлен на модерацию ЦУР."]
    # the moderator gets approve/return forms for it while the case stays in work
    client.force_login(personas["analyst"])
    rows = client.get(url("detail", assigned)).context["answer_rows"]
    assert [(r["answer"].is_intermediate, r["form"] is not None) for r in rows] == [(True, True)]


def test_too_short_answer_keeps_the_typed_text_and_changes_nothing(client, personas, assigned):
    client.force_login(personas["org_operator"])

    response = client.post(verb("answer", assigned), {"text": "Сделаем."})

    assert response.status_code == 400
    assert flashes(response) == ["Ответ слишком короткий: опишите, что сделано или будет сделано."]
    assert response.context["forms"]["answer"]["text"].value() == "Сделаем."
    assert Answer.objects.count() == 0


# --- moderation of answers ------------------------------------------------------------------
def test_analyst_returns_the_answer_with_a_reason_and_a_score(client, personas, in_review):
    answer = Answer.objects.get(case=in_review)
    client.force_login(personas["analyst"])

    response = client.post(
        verb("return", in_review),
        {"answer": answer.pk, "reason": "Укажите дату проверки давления", "quality_score": "2"},
        follow=True,
    )

    answer.refresh_from_db()
    in_review.refresh_from_db()
    assert (answer.status, answer.moderation_comment, answer.quality_score) == (
        AnswerStatus.RETURNED,
        "Укажите дату проверки давления",
        2,
    )
    assert in_review.status == CaseStatus.IN_WORK
    assert flashes(response) == ["Ответ возвращён на доработку."]
    assert "Укажите дату проверки давления" in response.content.decode()


def test_return_without_a_reason_is_refused(client, personas, in_review):
    answer = Answer.objects.get(case=in_review)
    client.force_login(personas["analyst"])

    response = client.post(verb("return", in_review), {"answer": answer.pk, "reason": ""})

    assert response.status_code == 400
    assert flashes(response) == ["Укажите, что нужно доработать в ответе."]
    answer.refresh_from_db()
    assert answer.status == AnswerStatus.SUBMITTED


def test_operator_cannot_approve_their_own_answer(client, personas, in_review):
    answer = Answer.objects.get(case=in_review)
    client.force_login(personas["org_operator"])

    response = client.post(verb("approve", in_review), {"answer": answer.pk, "quality_score": "5"})

    assert response.status_code == 403
    answer.refresh_from_db()
    in_review.refresh_from_db()
    assert (answer.status, in_review.status) == (AnswerStatus.SUBMITTED, CaseStatus.ANSWER_REVIEW)


def test_approval_of_a_web_answer_publishes_it(
    client, personas, in_review, django_capture_on_commit_callbacks
):
    answer = Answer.objects.get(case=in_review)
    client.force_login(personas["analyst"])

    with django_capture_on_commit_callbacks(execute=True):
        client.post(verb("approve", in_review), {"answer": answer.pk, "quality_score": "5"})

    answer.refresh_from_db()
    in_review.refresh_from_db()
    assert (answer.status, answer.quality_score) == (AnswerStatus.APPROVED, 5)
    assert in_review.status == CaseStatus.PUBLISHED


def test_paper_answer_waits_for_manual_publication(
    client, personas, make_case, django_capture_on_commit_callbacks
):
    # given a paper appeal whose answer was approved (no adapter: the ЦУР posts it)
    case = make_case(channel="paper", kind="appeal_59fz")
    case_accept(
        case=case,
        actor=personas["analyst"],
        organization=Organization.objects.get(code="adm-18410"),
    )
    answer = answer_submit(case=case, actor=personas["org_operator"], text=ANSWER)
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(answer=answer, actor=personas["analyst"])
    client.force_login(personas["analyst"])

    # when the analyst opens the case, the outbox state and its error are shown with the form
    page = client.get(url("detail", case))
    assert page.context["forms"]["publish"] is not None
    assert "Канал без адаптера: опубликуйте ответ вручную." in page.content.decode()
    assert OutboxMessage.objects.get(answer=answer).status == OutboxStatus.PENDING

    # and publishes by hand
    response = client.post(verb("publish", case), follow=True)

    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED
    assert flashes(response) == ["Ответ отмечен опубликованным; заявителю отправлен опрос."]


# --- redirect, extension, reopen ------------------------------------------------------------
def test_redirect_requested_by_the_operator_and_accepted_by_the_cur(client, personas, assigned):
    client.force_login(personas["org_operator"])
    client.post(
        verb("redirect", assigned),
        {"organization": "adm-18401", "reason": "Дом на балансе города Волгограда"},
        follow=True,
    )
    request = RedirectRequest.objects.get(case=assigned)
    assert request.status == RedirectStatus.PENDING

    client.force_login(personas["analyst"])
    response = client.post(
        verb("redirect-decision", assigned), {"decision": "accept", "comment": ""}, follow=True
    )

    request.refresh_from_db()
    assigned.refresh_from_db()
    assert (request.status, assigned.organization.code) == (RedirectStatus.ACCEPTED, "adm-18401")
    assert flashes(response) == [
        "Переадресация принята, инцидент передан: Администрация Волгограда."
    ]


def test_redirect_refusal_needs_a_comment(client, personas, assigned):
    client.force_login(personas["org_operator"])
    client.post(
        verb("redirect", assigned), {"organization": "adm-18401", "reason": "Не наше"}, follow=True
    )
    client.force_login(personas["analyst"])

    response = client.post(
        verb("redirect-decision", assigned), {"decision": "refuse", "comment": ""}
    )

    assert response.status_code == 400
    assert flashes(response) == ["Укажите причину: почему переадресация не обоснована."]
    assert RedirectRequest.objects.get(case=assigned).status == RedirectStatus.PENDING


def test_extension_requested_and_approved(client, personas, make_case):
    case = make_case(channel="paper", kind="appeal_59fz")
    case_accept(
        case=case,
        actor=personas["analyst"],
        organization=Organization.objects.get(code="adm-18410"),
    )
    case.refresh_from_db()
    due_before = case.resolution_due
    client.force_login(personas["org_operator"])
    client.post(
        verb("extend", case), {"days": "10", "reason": "Нужны земляные работы"}, follow=True
    )
    client.force_login(personas["analyst"])

    response = client.post(
        verb("extension-decision", case),
        {"decision": "accept", "comment": "Согласовано"},
        follow=True,
    )

    case.refresh_from_db()
    assert ExtensionRequest.objects.get(case=case).status == ExtensionStatus.APPROVED
    assert case.extension_days == 10
    assert case.resolution_due > due_before
    assert flashes(response) == ["Срок продлён на 10 дн."]


def test_extension_past_the_legal_limit_is_refused(client, personas, make_case):
    case = make_case(channel="paper", kind="appeal_59fz")
    case_accept(
        case=case,
        actor=personas["analyst"],
        organization=Organization.objects.get(code="adm-18410"),
    )
    client.force_login(personas["org_operator"])

    response = client.post(verb("extend", case), {"days": "45", "reason": "Долго"})

    assert response.status_code == 400
    assert flashes(response)[0].startswith("Продление ограничено законом")
    assert ExtensionRequest.objects.count() == 0


def test_reopen_a_published_case_with_a_reason(
    client, personas, in_review, django_capture_on_commit_callbacks
):
    answer = Answer.objects.get(case=in_review)
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(answer=answer, actor=personas["analyst"])
    client.force_login(personas["curator"])

    response = client.post(verb("reopen", in_review), {"reason": "Жители пишут снова"}, follow=True)

    in_review.refresh_from_db()
    assert (in_review.status, in_review.reopen_count) == (CaseStatus.REOPENED, 1)
    assert flashes(response) == ["Инцидент переоткрыт."]
    assert response.context["timeline"][-1].title == "Переоткрыт"
    assert response.context["timeline"][-1].text == "Жители пишут снова"


def test_actions_answer_405_to_get(client, personas, assigned):
    client.force_login(personas["analyst"])

    assert client.get(verb("take", assigned)).status_code == 405
