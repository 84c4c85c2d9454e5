"""``otklik sla due``: one JSON object of deadlines for each supported kind."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from otklik.directory.calendar import calendar_cache_clear
from otklik.sla.models import DeadlinePolicy

END = "T23:59:59.999999+03:00"


@pytest.fixture(autouse=True)
def _fresh_calendar():
    calendar_cache_clear()
    yield
    calendar_cache_clear()


def run(*args: str) -> str:
    out = StringIO()
    call_command("sla", *args, stdout=out)
    return out.getvalue()


def due_json(*args: str) -> dict:
    return json.loads(run("due", *args, "--json"))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ["--kind", "appeal_59fz", "--received", "2026-02-20T10:00:00+03:00"],
            {
                "registration_due": "2026-02-24" + END,
                "first_response_due": None,
                "resolution_due": "2026-03-23" + END,
            },
        ),
        (
            [
                "--kind",
                "appeal_59fz",
                "--received",
                "2026-02-20T10:00:00+03:00",
                "--registered",
                "2026-02-24T09:00:00+03:00",
            ],
            {
                "registration_due": "2026-02-24" + END,
                "first_response_due": None,
                "resolution_due": "2026-03-26" + END,
            },
        ),
        (
            ["--kind", "complaint_210fz", "--received", "2025-12-26T11:00:00+03:00"],
            {
                "registration_due": "2025-12-29" + END,
                "first_response_due": None,
                "resolution_due": "2026-01-28" + END,
            },
        ),
        (
            ["--kind", "complaint_210fz", "--received", "2026-04-30T15:00:00+03:00"],
            {
                "registration_due": "2026-05-04" + END,
                "first_response_due": None,
                "resolution_due": "2026-05-25" + END,
            },
        ),
        (
            ["--kind", "complaint_210fz_short", "--received", "2026-04-30T15:00:00+03:00"],
            {
                "registration_due": "2026-05-04" + END,
                "first_response_due": None,
                "resolution_due": "2026-05-08" + END,
            },
        ),
        (
            ["--kind", "pos_message", "--received", "2026-04-30T10:00:00+03:00"],
            {
                "registration_due": None,
                "first_response_due": None,
                "resolution_due": "2026-05-18" + END,
            },
        ),
        (
            [
                "--kind",
                "pos_message",
                "--topic",
                "zhkh-heating-outage",
                "--received",
                "2026-04-30T10:00:00+03:00",
            ],
            {
                "registration_due": None,
                "first_response_due": None,
                "resolution_due": "2026-05-14" + END,
            },
        ),
        (
            ["--kind", "social_post", "--received", "2026-05-08T17:30:00+03:00"],
            {
                "registration_due": None,
                "first_response_due": "2026-05-12T16:30:00+03:00",
                "resolution_due": "2026-05-09T17:30:00+03:00",
            },
        ),
        (
            ["--kind", "social_post", "--channel", "vk", "--received", "2026-05-08T14:30:00Z"],
            {
                "registration_due": None,
                "first_response_due": "2026-05-12T16:30:00+03:00",
                "resolution_due": "2026-05-09T17:30:00+03:00",
            },
        ),
        (
            ["--kind", "message", "--channel", "telegram", "--received", "2026-03-01T23:10"],
            {
                "registration_due": None,
                "first_response_due": "2026-03-02" + END,
                "resolution_due": "2026-03-16" + END,
            },
        ),
    ],
)
def test_due_json(region, args, expected):
    out = run("due", *args, "--json")
    assert out.count("\n") == 1
    assert json.loads(out) == expected


def test_due_on_a_database_without_policies_loads_the_file(region):
    DeadlinePolicy.objects.all().delete()
    assert due_json("--kind", "complaint_210fz_short", "--received", "2026-04-30T15:00+03:00") == {
        "registration_due": "2026-05-04" + END,
        "first_response_due": None,
        "resolution_due": "2026-05-08" + END,
    }
    assert DeadlinePolicy.objects.count() == 11


def test_due_follows_a_calendar_override(region, make_user):
    from otklik.directory.services import calendar_override_set

    args = ("--kind", "complaint_210fz", "--received", "2025-12-26T11:00+03:00")
    assert due_json(*args)["resolution_due"] == "2026-01-28" + END
    calendar_override_set(
        actor=make_user("curator"),
        date=dt.date(2026, 1, 27),
        is_working=False,
        reason="Постановление Губернатора (тест)",
    )
    assert due_json(*args)["resolution_due"] == "2026-01-29" + END


def test_due_as_text(region):
    assert run("due", "--kind", "social_post", "--received", "2026-05-08T17:30+03:00") == (
        "Публикация в соцсети (social_post)\n"
        "  зарегистрировать до    —\n"
        "  первая реакция до      12.05.2026 16:30:00 +0300\n"
        "  ответить до            09.05.2026 17:30:00 +0300\n"
    )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (["--kind", "appeal_59fz", "--received", "вчера"], "--received 'вчера': ожидается"),
        (
            [
                "--kind",
                "appeal_59fz",
                "--received",
                "2026-02-20T10:00+03:00",
                "--registered",
                "2026-02-19T10:00+03:00",
            ],
            "--registered не может быть раньше --received",
        ),
        (["--kind", "letter", "--received", "2026-02-20T10:00+03:00"], "invalid choice: 'letter'"),
        (["--kind", "appeal_59fz"], "the following arguments are required: --received"),
    ],
)
def test_due_refuses_bad_input(region, args, error):
    with pytest.raises(CommandError, match=error):
        run("due", *args)


def test_due_without_a_policy_is_a_clear_error(region):
    DeadlinePolicy.objects.exclude(code="message").delete()  # not empty: no fallback load
    with pytest.raises(CommandError, match="Нет срока для вида «appeal_59fz»"):
        run("due", "--kind", "appeal_59fz", "--received", "2026-02-20T10:00+03:00")


def test_load(region):
    assert run("load") == (
        "Сроки рассмотрения загружены: создано 0, обновлено 0, без изменений 11.\n"
    )
