"""Fixtures shared by every app's tests: the loaded region, personas of every role, a browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from otklik.core.roles import ROLE_SCOPE_FIELD, Role

PASSWORD = "Volgograd-2026-test"  # noqa: S105 — test personas only; passes the validators


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.3 s a password on these machines; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache(request, django_db_blocker):
    """Every test that uses the database starts with an empty cache. The cache of the embedded
    profile is a table that the flush of a transactional test (live server, browser) leaves as it
    is: counts cached by an earlier test (the queue tabs, the home page's cards) would otherwise
    show in a later one."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if uses_db:
        request.getfixturevalue("django_db_setup")  # the test database, never the real one
        from django.core.cache import cache

        with django_db_blocker.unblock():
            cache.clear()


@pytest.fixture(autouse=True)
def _tasks_run_immediately(settings):
    """Tasks enqueued on commit run in the test's thread (the real backends are tested with their
    workers in core/tests/test_task_backends.py), and a task that fails fails the test: the
    immediate backend would otherwise only note the error on its result."""
    from django_tasks.base import TaskResultStatus
    from django_tasks.signals import task_finished

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    failures = []

    def watch(sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            failures.append(f"{task_result.task.name}: {task_result.errors[0].traceback}")

    task_finished.connect(watch, weak=False)
    yield
    task_finished.disconnect(watch)
    assert not failures, "background task failed:\n" + "\n".join(failures)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the reference model once per test database; each test's rollback keeps it."""
    from otklik.directory.services import reference_data_load
    from otklik.site.services import platform_data_load

    with django_db_blocker.unblock():
        reference_data_load(actor=None)
        platform_data_load()


@pytest.fixture
def region(db):
    """The reference model as `otklik setup` loads it from the versioned data files.

    Transactional tests (live server, browser) empty the tables when they end; the next test
    that needs the region loads it again.
    """
    from otklik.directory.models import Municipality
    from otklik.directory.services import reference_data_load
    from otklik.site.services import platform_data_load

    if not Municipality.objects.exists():
        reference_data_load(actor=None)
        platform_data_load()


@pytest.fixture
def make_user(region):
    """make_user(role, username=None, **scope) -> a user created through the service."""
    from otklik.accounts.services import user_create
    from otklik.directory.models import Municipality, Organization, Sector

    counter = {"n": 0}

    def _make(role: str, username: str | None = None, **scope):
        counter["n"] += 1
        field = ROLE_SCOPE_FIELD.get(role)
        if field and field not in scope:
            scope[field] = {
                "sector": lambda: Sector.objects.get(code="zhkh"),
                "organization": lambda: Organization.objects.get(code="adm-18410"),
                "municipality": lambda: Municipality.objects.get(okato="18410"),
            }[field]()
        return user_create(
            actor=None,
            username=username or f"{role}-{counter['n']}",
            password=PASSWORD,
            role=role,
            first_name="Тест",
            last_name=Role(role).label.split()[0],
            **scope,
        )

    return _make


@pytest.fixture
def personas(make_user):
    """One user of every role, keyed by role code (scoped roles scoped to Волжский / ЖКХ)."""
    return {role.value: make_user(role.value, username=role.value) for role in Role}


# --- browser ------------------------------------------------------------------------------------
CHROMIUM = os.environ.get("OTKLIK_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def _browser() -> Iterator:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make browser` installs Debian's chromium")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run from a
    # thread with a loop unless told it is safe here (tests only).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(_browser, live_server):
    """A fresh browser page (own cookies) with ``page.base_url`` set to the live server."""
    context = _browser.new_context(
        locale="ru-RU", timezone_id="Europe/Volgograd", viewport={"width": 1366, "height": 900}
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def closed_network(page) -> list[str]:
    """Every request of ``page`` outside the live server is refused (a closed government
    network); the list of the refused addresses, which a test expects to stay empty."""
    refused: list[str] = []

    def only_the_server(route):
        if route.request.url.startswith(page.base_url):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.context.route("**/*", only_the_server)
    return refused


@pytest.fixture
def phone_page(_browser, live_server):
    """A page of a phone-sized screen."""
    context = _browser.new_context(
        locale="ru-RU",
        timezone_id="Europe/Volgograd",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def login():
    """login(page, username, password=PASSWORD): log in through the real login form."""

    def _login(pg, username: str, password: str = PASSWORD) -> None:
        pg.goto(f"{pg.base_url}/accounts/login/")
        pg.fill("input[name=username]", username)
        pg.fill("input[name=password]", password)
        pg.click("button[type=submit]")
        pg.wait_for_load_state()

    return _login
