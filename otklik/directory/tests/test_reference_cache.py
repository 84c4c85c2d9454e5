"""The reference books each process holds: reused while unchanged, rebuilt after every kind of
change (the loader, topic_update, the admin, another process), on the pages that show them."""

from __future__ import annotations

import datetime as dt
import shutil

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from otklik.directory import cache as books
from otklik.directory.cache import VERSION_KEY, reference_changed, reference_snapshot
from otklik.directory.models import Organization, Topic
from otklik.directory.services import DATA_DIR, reference_data_load, topic_update

QUEUE = reverse("cases:list")


def _queue_page(client, user) -> str:
    client.force_login(user)
    response = client.get(QUEUE)
    assert response.status_code == 200
    return response.content.decode()


def test_the_snapshot_is_reused_while_nothing_changes(region, django_assert_max_num_queries):
    first = reference_snapshot()

    with django_assert_max_num_queries(1):  # the version token (one cache read)
        again = reference_snapshot()

    assert again is first
    assert first.topics["zhkh-hot-water"].sector.code == "zhkh"


def test_a_change_by_another_process_is_seen(region):
    # given a snapshot of this process
    first = reference_snapshot()
    # when another process changes the books (it replaces the token in the shared cache)
    cache.set(VERSION_KEY, "set-by-another-process", None)
    Topic.objects.filter(code="zhkh-hot-water").update(name="Горячая вода (ГВС)")
    # then this process rebuilds from the database
    fresh = reference_snapshot()
    assert fresh is not first
    assert fresh.topics["zhkh-hot-water"].name == "Горячая вода (ГВС)"


def test_a_lost_token_costs_a_rebuild_only(region):
    first = reference_snapshot()
    cache.delete(VERSION_KEY)

    assert reference_snapshot() is not first
    assert cache.get(VERSION_KEY)


def test_the_token_is_replaced_again_at_commit(region, django_capture_on_commit_callbacks):
    before = reference_snapshot().version

    with django_capture_on_commit_callbacks() as callbacks:
        reference_changed()
        at_change = cache.get(VERSION_KEY)
    for callback in callbacks:
        callback()

    assert len(callbacks) == 1
    assert len({before, at_change, cache.get(VERSION_KEY)}) == 3


def test_reloading_changed_reference_files_shows_on_the_queue_page(client, personas, tmp_path):
    analyst = personas["analyst"]
    assert "Тепловые сети и котельные" not in _queue_page(client, analyst)
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    topics = data / "topics.toml"
    name = Topic.objects.get(code="zhkh-heating-outage").name
    topics.write_text(
        topics.read_text("utf-8").replace(f'name = "{name}"', 'name = "Тепловые сети и котельные"'),
        "utf-8",
    )

    reference_data_load(actor=None, data_dir=data)

    page = _queue_page(client, analyst)
    assert '<option value="zhkh-heating-outage">Тепловые сети и котельные</option>' in page
    assert reference_snapshot().topics["zhkh-heating-outage"].name == "Тепловые сети и котельные"


def test_topic_update_shows_on_the_queue_page(client, personas):
    analyst = personas["analyst"]
    _queue_page(client, analyst)
    topic = Topic.objects.get(code="zhkh-hot-water")

    topic_update(actor=personas["curator"], topic=topic, is_active=False)

    page = _queue_page(client, analyst)
    assert 'value="zhkh-hot-water"' not in page
    assert 'value="zhkh-heating-outage"' in page


def test_an_organisation_renamed_in_the_admin_shows_in_the_filters(client, personas):
    org = Organization.objects.get(code="adm-18410")
    before = _queue_page(client, personas["analyst"])
    assert f'<option value="adm-18410">{org.short_name}</option>' in before
    client.force_login(personas["curator"])
    form = client.get(reverse("admin:directory_organization_change", args=[org.pk]))
    data = {
        k: v
        for k, v in form.context["adminform"].form.initial.items()
        if v is not None and k not in ("sectors", "municipalities")
    }
    data.update(
        {
            "short_name": "Администрация г. Волжского (новое)",
            "sectors": [s.pk for s in org.sectors.all()],
            "municipalities": [m.pk for m in org.municipalities.all()],
            "parent": org.parent_id or "",
            "municipality": org.municipality_id or "",
            "valid_from": "",
            "valid_to": "",
        }
    )

    response = client.post(reverse("admin:directory_organization_change", args=[org.pk]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    page = _queue_page(client, personas["analyst"])
    assert '<option value="adm-18410">Администрация г. Волжского (новое)</option>' in page
    assert f">{org.short_name}<" not in page


def test_an_organisation_out_of_force_leaves_the_choices(client, personas):
    org = Organization.objects.get(code="adm-18410")
    assert 'value="adm-18410"' in _queue_page(client, personas["analyst"])

    # a change outside the services and the admin (a data migration, the shell) says so itself
    Organization.objects.filter(pk=org.pk).update(
        valid_to=timezone.localdate() - dt.timedelta(days=1)
    )
    reference_changed()

    assert 'value="adm-18410"' not in _queue_page(client, personas["analyst"])


def test_within_a_request_the_version_is_read_once_and_a_change_is_seen(
    region, django_assert_max_num_queries
):
    # what the request_started / request_finished signals call (sending the real signals here
    # would also close the test's database connection)
    books.request_started()
    try:
        first = reference_snapshot()
        with django_assert_max_num_queries(0):
            assert reference_snapshot() is first
        # another process changes the books while this request runs: seen from the next one
        cache.set(VERSION_KEY, "set-by-another-process", None)
        assert reference_snapshot() is first
        # a change in this request is seen at once
        reference_changed()
        assert reference_snapshot() is not first
    finally:
        books.request_finished()
    cache.set(VERSION_KEY, "again-another-process", None)
    assert reference_snapshot().version == "again-another-process"
