"""Similar open reports before sending, following one, the tracking page and its survey."""

from __future__ import annotations

import pytest
from django.urls import reverse

from otklik.cases.choices import CaseStatus
from otklik.cases.models import Case, CaseEvent, Survey
from otklik.cases.services.lifecycle import case_reject
from otklik.channels.webform.models import WebReport
from otklik.channels.webform.selectors import PublicCase, similar_open_cases
from otklik.channels.webform.tests.conftest import ANSWER, HOT_WATER
from otklik.directory.models import Municipality, Topic
from otklik.intake.models import Delivery, Message

pytestmark = pytest.mark.django_db

MY_TEXT = "В доме на улице Мира 12 нет горячей воды уже три дня, дети моются в тазике."


def test_similar_open_cases_of_the_place_are_shown_before_sending(client, form_data, seeded_case):
    # given an accepted hot-water case in Волжский and an unrelated one, and one in another town
    case = seeded_case(accepted=True)
    seeded_case(
        text="На остановке Дружба сломана скамейка и нет урны.",
        topic="zhkh-courtyard-improvement",
        accepted=True,
    )
    seeded_case(okato="18401", accepted=True)
    # when the citizen sends the same problem without having seen them
    response = client.post(
        "/report/", form_data(text=MY_TEXT, topic="zhkh-hot-water", address="ул. Мира, 12")
    )
    # then nothing is stored yet and the similar case is shown, with «follow»
    assert response.status_code == 200
    assert [s.case.number for s in response.context["similar"]] == [case.number]
    html = response.content.decode()
    assert f'name="follow" value="{case.number}"' in html
    assert "Это моя проблема — следить" in html
    assert response.context["form"].data["similar_shown"] == case.number
    assert (Delivery.objects.count(), Message.objects.count()) == (0, 3)  # the seeded ones


def test_a_similar_case_shows_its_topic_and_street_never_its_text(region, seeded_case):
    case = seeded_case(
        text=HOT_WATER + " Звоните мне: +7 961 123-45-67, Петрова Анна.", accepted=True
    )
    found = similar_open_cases(
        text=MY_TEXT,
        municipality=Municipality.objects.get(okato="18410"),
        topic=Topic.objects.get(code="zhkh-hot-water"),
    )
    assert [s.case for s in found] == [
        PublicCase(
            number=case.number,
            received_at=case.received_at,
            title="Нет горячей воды или она чуть тёплая",
            place="ул. Мира",
            status="Передано исполнителю",
            reports=1,
        )
    ]


def test_cases_not_open_are_not_offered(
    region, seeded_case, cur_publishes, django_capture_on_commit_callbacks
):
    case = seeded_case(accepted=True)
    with django_capture_on_commit_callbacks(execute=True):
        cur_publishes(case)  # answered: published, no longer open
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED
    found = similar_open_cases(
        text=MY_TEXT,
        municipality=Municipality.objects.get(okato="18410"),
        topic=Topic.objects.get(code="zhkh-hot-water"),
    )
    assert found == []


def test_after_seeing_them_the_citizen_may_still_send_a_new_report(
    client, form_data, seeded_case, django_capture_on_commit_callbacks
):
    case = seeded_case()
    data = form_data(text=MY_TEXT, topic="zhkh-hot-water", similar_shown=case.number)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/report/", data)
    assert response.status_code == 302
    report = WebReport.objects.get()
    assert report.followed is False
    assert report.message.case is not None


def test_following_joins_the_message_to_the_case_instead_of_opening_one(
    client, form_data, seeded_case, django_capture_on_commit_callbacks
):
    case = seeded_case(accepted=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/report/", {**form_data(text=MY_TEXT), "follow": case.number})
    report = WebReport.objects.get()
    assert response["Location"] == f"/report/track/{report.token}/"
    assert report.followed is True
    assert report.message.case == case
    assert Case.objects.count() == 1
    joined = CaseEvent.objects.get(case=case, kind="message_joined")
    assert joined.data == {"message_id": report.message.pk, "channel": "web", "why": "follow"}
    assert report.message.author.consent_personal_data is True
    page = client.get(response["Location"])
    assert [m.title for m in page.context["info"].milestones] == [
        f"О проблеме уже сообщили, зарегистрировано под № {case.number}",
        "Передано исполнителю: Администрация г. Волжского",
        "Сообщение получено",
        f"Вы присоединились к сообщению № {case.number}",
    ]


def test_a_case_no_longer_open_cannot_be_followed(client, form_data, seeded_case, personas):
    case = seeded_case()
    case_reject(case=case, actor=personas["analyst"], reason="Не требует ответа.")
    response = client.post("/report/", {**form_data(text=MY_TEXT), "follow": case.number})
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        f"За сообщением № {case.number} следить нельзя: отправьте своё как новое."
    ]
    assert WebReport.objects.count() == 0


@pytest.mark.parametrize(
    "seed",
    [
        {"accepted": False},  # NEW: not moderated yet
        {"accepted": True, "topic": "zhkh-utility-bills"},  # one's own bill: private
    ],
    ids=["new", "private-topic"],
)
def test_a_case_the_form_would_not_offer_cannot_be_followed_by_its_number(
    client, form_data, seeded_case, seed
):
    # given a case a stranger could not have been offered, whose number they typed by hand
    case = seeded_case(**seed)
    response = client.post("/report/", {**form_data(text=MY_TEXT), "follow": case.number})
    # then it is refused in the words a closed case gets, and nothing joins it
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        f"За сообщением № {case.number} следить нельзя: отправьте своё как новое."
    ]
    assert (WebReport.objects.count(), case.messages.count()) == (0, 1)


def _report(client, form_data, **changes) -> WebReport:
    client.post("/report/", form_data(**changes))
    return WebReport.objects.order_by("-pk").first()


def test_the_tracking_page_shows_status_milestones_answer_and_the_survey(
    client, form_data, cur_publishes, django_capture_on_commit_callbacks
):
    # given a report about hot water in Волжский whose case opened
    with django_capture_on_commit_callbacks(execute=True):
        report = _report(client, form_data, text=MY_TEXT, topic="zhkh-hot-water")
    case = report.message.case
    url = reverse("channels_webform:track", args=[report.token])
    page = client.get(url)
    assert page.context["info"].status == "Зарегистрировано, проверяется ЦУР"
    assert page.context["survey"] is None

    # when the ЦУР carries it to a published answer
    with django_capture_on_commit_callbacks(execute=True):
        cur_publishes(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.PUBLISHED

    # then the page shows the answer, the milestones and the survey
    page = client.get(url)
    html = page.content.decode()
    assert page.context["info"].status == "Дан ответ"
    assert ANSWER in html
    assert [m.title for m in page.context["info"].milestones] == [
        "Сообщение получено",
        f"Зарегистрировано под № {case.number}",
        "Передано исполнителю: Администрация г. Волжского",
        "Взято в работу",
        "Опубликован ответ",
    ]
    survey = page.context["survey"]
    assert survey == Survey.objects.get(case=case)  # the author who opened it: the case's own
    assert 'data-testid="survey-form"' in html

    # and «not solved» reopens the case
    response = client.post(
        reverse("channels_webform:track_survey", args=[report.token]),
        {"solved": "no", "rating": "2", "comment": "Вода еле тёплая."},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REOPENED
    survey.refresh_from_db()
    assert (survey.solved, survey.rating, survey.comment) == (False, 2, "Вода еле тёплая.")
    page = client.get(url)
    assert page.context["info"].status == "Возвращено в работу"
    assert "Проблема не решена, оценка 2 из 5" in page.content.decode()


def test_a_follower_rates_with_a_survey_of_their_own(
    client, form_data, seeded_case, cur_publishes, django_capture_on_commit_callbacks
):
    case = seeded_case(accepted=True)
    client.post("/report/", {**form_data(text=MY_TEXT), "follow": case.number})
    report = WebReport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        cur_publishes(case)
    case_survey = Survey.objects.get(case=case)
    page = client.get(reverse("channels_webform:track", args=[report.token]))
    mine = page.context["survey"]
    assert mine is not None and mine.pk != case_survey.pk
    client.post(
        reverse("channels_webform:track_survey", args=[report.token]),
        {"solved": "yes", "rating": "5"},
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    case_survey.refresh_from_db()
    assert case_survey.responded_at is None  # the opener's survey is still theirs to answer


def test_an_unknown_tracking_link_is_404(client, region):
    response = client.get(reverse("channels_webform:track", args=["no-such-token"]))
    assert response.status_code == 404
    assert "Ссылка недействительна" in response.content.decode()


def test_the_tracking_page_masks_personal_data_in_the_text(client, form_data):
    report = _report(
        client, form_data, text="Нет света в подъезде, звоните мне +7 961 555-44-33 вечером."
    )
    page = client.get(reverse("channels_webform:track", args=[report.token]))
    assert "555-44-33" not in page.context["message_text"]


def test_hints_list_the_similar_open_cases_while_typing(client, seeded_case):
    case = seeded_case(accepted=True)
    response = client.post(
        reverse("channels_webform:hints"),
        {"text": MY_TEXT, "municipality": "18410", "topic": "zhkh-hot-water"},
    )
    html = response.content.decode()
    assert [s.case.number for s in response.context["similar"]] == [case.number]
    assert '<div id="similar" hx-swap-oob="true">' in html
    assert f'id="id_similar_shown" value="{case.number}"' in html


def test_in_volgograd_the_city_district_narrows_the_similar_cases(region, seeded_case):
    from otklik.directory.models import CityDistrict

    here = seeded_case(okato="18401", district="18401395", accepted=True)  # Центральный
    seeded_case(okato="18401", district="18401385", accepted=True)  # Советский
    unknown = seeded_case(okato="18401", accepted=True)  # district not known
    found = similar_open_cases(
        text=MY_TEXT,
        municipality=Municipality.objects.get(okato="18401"),
        topic=Topic.objects.get(code="zhkh-hot-water"),
        city_district=CityDistrict.objects.get(okato="18401395"),
    )
    assert sorted(s.case.number for s in found) == sorted([here.number, unknown.number])
