"""Authors who wrote to the community privately hear their case number and get the survey."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from otklik.cases.models import OutboxMessage, Survey
from otklik.cases.services.opening import case_open_or_join
from otklik.channels.notices import author_notice_queue
from otklik.channels.vk.tests.conftest import ANSWER, approve, fixture
from otklik.intake.models import Message

pytestmark = pytest.mark.django_db


def opened(client, name: str, capture):
    body = json.dumps(fixture(name), ensure_ascii=False)
    client.post(reverse("channels_vk:callback"), body, content_type="application/json")
    with capture(execute=True):
        case, _ = case_open_or_join(message=Message.objects.get())
    return case


def test_a_private_author_hears_the_case_number_once(
    client, region, vk_api, django_capture_on_commit_callbacks
):
    case = opened(client, "message_new", django_capture_on_commit_callbacks)
    ((method, params),) = vk_api.delivered
    assert method == "messages.send" and params["peer_id"] == "512345678"
    assert case.number in params["message"]
    assert author_notice_queue(case_id=case.pk, event="opened") is None  # queued once
    assert OutboxMessage.objects.filter(case=case, kind="notice").count() == 1


def test_a_public_post_gets_no_notice(client, region, vk_api, django_capture_on_commit_callbacks):
    case = opened(client, "wall_post_new", django_capture_on_commit_callbacks)
    assert vk_api.calls == [] and not OutboxMessage.objects.filter(case=case).exists()


def test_after_publication_the_author_gets_the_survey_link(
    client, personas, vk_api, settings, django_capture_on_commit_callbacks
):
    settings.OTKLIK_PUBLIC_URL = "https://cur.example.ru/"
    case = opened(client, "message_new", django_capture_on_commit_callbacks)
    approve(case, personas, django_capture_on_commit_callbacks)
    texts = [p["message"] for m, p in vk_api.delivered]
    survey = Survey.objects.get(case=case)
    assert len(texts) == 3 and texts[1] == ANSWER
    assert f"https://cur.example.ru/cases/survey/{survey.token}/" in texts[2]


def test_without_a_public_address_no_survey_is_sent(
    client, personas, vk_api, django_capture_on_commit_callbacks
):
    case = opened(client, "message_new", django_capture_on_commit_callbacks)
    approve(case, personas, django_capture_on_commit_callbacks)
    assert [p["message"] for _, p in vk_api.delivered][1:] == [ANSWER]


def test_the_whole_path_from_the_callback_to_the_case_number_in_the_dialog(
    client, region, vk_api, settings, django_capture_on_commit_callbacks
):
    settings.OTKLIK_NLP_ON_INTAKE = False  # the pipeline has its own tests; it is slow to load
    body = json.dumps(fixture("message_new"), ensure_ascii=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("channels_vk:callback"), body, content_type="application/json"
        )
    assert response.content == b"ok"
    message = Message.objects.get()
    assert message.case is not None
    ((method, params),) = vk_api.delivered
    assert method == "messages.send" and message.case.number in params["message"]
