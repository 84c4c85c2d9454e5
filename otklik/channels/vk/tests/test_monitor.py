"""Monitoring of public posts (newsfeed.search): area filter, cursor, one message with callbacks."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from otklik.channels.models import ChannelHealth
from otklik.channels.services import state_get
from otklik.channels.vk import monitor
from otklik.channels.vk.monitor import Search, monitor_run, searches_load
from otklik.channels.vk.tests.conftest import fixture
from otklik.channels.vk.tests.vkserver import vk_error
from otklik.intake.models import Delivery, Message

pytestmark = pytest.mark.django_db

NOW = 1764280000
SEARCH = Search(q="нет воды", latitude=48.714, longitude=44.498)
EMPTY = {"response": {"items": [], "count": 0, "total_count": 0}}


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(monitor.timezone, "now", lambda: dt.datetime.fromtimestamp(NOW, tz=dt.UTC))


def state(name: str) -> str:
    return state_get("vk", f"{SEARCH.key}:{name}")


def test_posts_in_the_oblast_are_taken_and_the_cursor_advances(region, vk_api):
    vk_api.then("newsfeed.search", fixture("newsfeed_search"), EMPTY)
    run = monitor_run(searches=[SEARCH])
    assert (run.searched, run.found, run.created, run.outside, run.errors) == (1, 3, 2, 1, 0)
    first, second = vk_api.params("newsfeed.search")
    assert first["q"] == "нет воды" and first["access_token"] == "admin-user-key"
    assert (first["latitude"], first["longitude"]) == ("48.714", "44.498")
    assert (first["start_time"], first["end_time"]) == (str(NOW - 86400), str(NOW))
    assert first["extended"] == "1" and "start_from" not in first
    assert second["start_from"] == "3/5_-99000001_88:1"  # the next page of the same window
    assert sorted(Message.objects.values_list("external_id", flat=True)) == [
        "wall:-218000001_305",
        "wall:512345690_4120",
    ]
    message = Message.objects.get(external_id="wall:512345690_4120")
    assert (message.kind.code, message.author.name) == ("publication", "Ирина Соколова")
    assert Delivery.objects.count() == 2  # the post from Novosibirsk is not kept at all
    assert (state("since"), state("from"), state("until")) == (str(NOW - 600), "", "")

    vk_api.then("newsfeed.search", fixture("newsfeed_search"), EMPTY)
    again = monitor_run(searches=[SEARCH])
    assert (again.found, again.created) == (3, 0)  # found again, nothing new
    assert vk_api.params("newsfeed.search")[2]["start_time"] == str(NOW - 600)
    assert Message.objects.count() == 2


def test_a_post_taken_by_the_callback_and_found_by_the_monitor_is_one_message(
    client, region, vk_api
):
    callback = fixture("wall_post_new")
    client.post(reverse("channels_vk:callback"), callback, content_type="application/json")
    vk_api.then("newsfeed.search", fixture("newsfeed_search"), EMPTY)
    run = monitor_run(searches=[SEARCH])
    assert run.created == 1
    assert Message.objects.filter(external_id="wall:-218000001_305").count() == 1
    assert Message.objects.count() == 2


def test_a_run_stopped_at_the_page_limit_resumes_in_the_same_window(region, vk_api, monkeypatch):
    monkeypatch.setattr(monitor, "MAX_PAGES", 1)
    vk_api.then("newsfeed.search", fixture("newsfeed_search"), EMPTY)
    monitor_run(searches=[SEARCH])
    assert (state("from"), state("until"), state("since")) == ("3/5_-99000001_88:1", str(NOW), "")
    monitor_run(searches=[SEARCH])
    resumed = vk_api.params("newsfeed.search")[1]
    assert resumed["start_from"] == "3/5_-99000001_88:1"
    assert (resumed["start_time"], resumed["end_time"]) == (str(NOW - 86400), str(NOW))
    assert (state("from"), state("since")) == ("", str(NOW - 600))


def test_an_api_error_is_reported_and_the_cursor_stays(region, vk_api):
    vk_api.then("newsfeed.search", vk_error(6, "Too many requests per second"))
    run = monitor_run(searches=[SEARCH])
    assert (run.errors, run.created) == (1, 0)
    assert state("since") == "" and not Message.objects.exists()
    health = ChannelHealth.objects.get(channel__code="vk")
    assert "Too many requests" in health.last_error and health.error_total == 1


def test_without_a_user_key_the_monitor_does_not_call_vk(region, vk_api, settings):
    settings.OTKLIK_VK_USER_TOKEN = ""
    assert monitor_run(searches=[SEARCH]).searched == 0
    assert vk_api.calls == []


def test_searches_come_from_the_toml_file(tmp_path, settings):
    assert len(searches_load()) >= 1  # the packaged file reads
    path = tmp_path / "monitor.toml"
    path.write_text(
        '[[search]]\nq = "Урюпинск дороги"\n\n[[search]]\nq = "котельная"\n'
        'latitude = 48.7\nlongitude = 44.5\n\n[[search]]\nq = ""\n',
        encoding="utf-8",
    )
    settings.OTKLIK_VK_MONITOR_FILE = str(path)
    assert searches_load() == [
        Search(q="Урюпинск дороги"),
        Search(q="котельная", latitude=48.7, longitude=44.5),
    ]


def test_the_periodic_task_runs_the_monitor(region, vk_api, settings, tmp_path):
    from otklik.channels.vk.tasks import monitor as monitor_task

    path = tmp_path / "monitor.toml"
    path.write_text('[[search]]\nq = "нет воды"\n', encoding="utf-8")
    settings.OTKLIK_VK_MONITOR_FILE = str(path)
    vk_api.then("newsfeed.search", fixture("newsfeed_search"), EMPTY)
    result = monitor_task.call()
    assert (result["searched"], result["created"]) == (1, 2)
    assert json.loads(Delivery.objects.order_by("pk").first().body)["id"] in (4120, 305)


def test_a_post_on_the_body_s_own_wall_is_taken_without_a_place(region, vk_api):
    own = {"id": 9, "owner_id": -218000001, "from_id": 512345691, "date": NOW - 60}
    elsewhere = {"id": 10, "owner_id": 512345692, "from_id": 512345692, "date": NOW - 60}
    items = [{**own, "text": "Когда дадут воду?"}, {**elsewhere, "text": "Когда дадут воду?"}]
    vk_api.then("newsfeed.search", {"response": {"items": items, "count": 2}})
    run = monitor_run(searches=[SEARCH])
    assert (run.created, run.outside) == (1, 1)
    assert Message.objects.get().external_id == "wall:-218000001_9"
