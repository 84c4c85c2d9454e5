"""No developer text on the pages people read (issue 13): each role, in a real browser (Chromium),
opens every page of its menu, the analytics pages, a case page and a message page, and the
visible text has none of the forbidden patterns below — stage versions of the text analysis,
``snake_case`` identifiers, ``otklik`` commands, «macro-F1», UUIDs."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from otklik.core.roles import Role

pytestmark = pytest.mark.browser

# What an operator must never read. One list: add a pattern here when a new kind slips through.
FORBIDDEN = [
    # the versions of the analysis stages («classify 1/builtin-1-…», «pii 2»)
    (
        "версия этапа разбора",
        r"\b(?:normalise|language|pii|location|classify|tone|conflict|duplicates)\s+\d",
    ),
    ("версия встроенного классификатора", r"\bbuiltin-\d"),
    ("идентификатор snake_case", r"\b[a-z]+_[a-z_]+\b"),
    ("команда otklik", r"\botklik\s+[a-z]"),
    ("macro-F1", r"(?i)\bmacro-?F1\b"),
    ("UUID", r"(?i)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"),
]
# Where a pattern is right: the audit log keeps a message's channel number as it was received
# (a web form's is a UUID), for the auditor to trace the delivery.
ALLOWED = {("/audit/", "UUID")}
ANALYTICS = [
    "analytics:picture",
    "analytics:processing",
    "analytics:satisfaction",
    "analytics:conflicts",
    "analytics:cases",
    "analytics:ratings",
    "analytics:methodology",
    "analytics:report",
    "analytics:alerts",
]


def forbidden_in(text: str) -> list[str]:
    """«what: the match» for every forbidden pattern found in ``text``."""
    return [
        f"{what}: {m.group(0)!r}" for what, pattern in FORBIDDEN for m in re.finditer(pattern, text)
    ]


def test_the_patterns_catch_what_the_user_found_and_let_russian_text_pass():
    found = forbidden_in(
        "Классификатор: встроенные знания · этапы: normalise 1, classify 1/builtin-1-x; "
        "speed_on_time = 0.7; Команда: otklik nlp learn; macro-F1 модели; "
        "№ web-3fa85f64-5717-4562-b3fc-2c963f66afa6"
    )
    assert found == [
        "версия этапа разбора: 'normalise 1'",
        "версия этапа разбора: 'classify 1'",
        "версия встроенного классификатора: 'builtin-1'",
        "идентификатор snake_case: 'speed_on_time'",
        "команда otklik: 'otklik n'",
        "macro-F1: 'macro-F1'",
        "UUID: '3fa85f64-5717-4562-b3fc-2c963f66afa6'",
    ]
    assert forbidden_in("Отклик: средняя F-мера по классам 0,81; № 2026-000001, ул. Мира") == []


@pytest.fixture
def people(make_user):
    """One user of every role; usernames with hyphens (the users page and the log show them)."""
    return {role.value: make_user(role.value, username=username(role.value)) for role in Role}


def username(role: str) -> str:
    return role.replace("_", "-")


@pytest.fixture
def answered_web_case(people, django_capture_on_commit_callbacks):
    """A report from the web form (numbered by a UUID) in Волжский, accepted to the city
    administration, taken and answered; the shipped rating methodology."""
    from otklik.analytics.services import methodology_seed
    from otklik.cases.services.answers import answer_approve, answer_submit
    from otklik.cases.services.lifecycle import case_accept, case_take
    from otklik.channels.webform.services import ReportInput, report_submit
    from otklik.directory.models import Municipality, Organization, Topic
    from otklik.intake.consent import consent_text

    methodology_seed()
    with django_capture_on_commit_callbacks(execute=True):
        report, _ = report_submit(
            data=ReportInput(
                submission=uuid.UUID("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
                text="Третий день нет горячей воды в доме, дети моются в тазике.",
                municipality=Municipality.objects.get(okato="18410"),
                consent_version=consent_text().version,
                topic=Topic.objects.get(code="zhkh-hot-water"),
                name="Петрова Анна",
                phone="+79610002001",
            )
        )
    message = report.message
    message.refresh_from_db()
    case = message.case
    case = case_accept(
        case=case,
        actor=people["analyst"],
        organization=Organization.objects.get(code="adm-18410"),
    )
    case = case_take(case=case, actor=people["org_operator"])
    answer = answer_submit(
        case=case,
        actor=people["org_operator"],
        text="Горячее водоснабжение восстановлено после замены задвижки на вводе в дом.",
        intermediate=True,
    )
    answer_approve(answer=answer, actor=people["analyst"], quality_score=5)
    return case, message


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_no_developer_text_on_the_pages_of_a_role(page, login, answered_web_case, role):
    case, message = answered_web_case
    base = page.base_url
    login(page, username(role))
    menu = [
        href
        for href in page.locator(".main-nav a").evaluate_all("els => els.map(a => a.href)")
        if href.startswith(base)
    ]
    urls = [
        *menu,
        f"{base}{reverse('cases:detail', args=[case.number])}",
        f"{base}{reverse('intake:message_detail', args=[message.pk])}",
        *(f"{base}{reverse(name)}" for name in ANALYTICS),
    ]

    found, opened = {}, {}
    for url in dict.fromkeys(urls):
        response = page.goto(url)
        opened[url.removeprefix(base)] = response.status
        text = page.locator("body").inner_text()
        path = url.removeprefix(base)
        allowed = {what for where, what in ALLOWED if path.startswith(where)}
        if hits := [h for h in forbidden_in(text) if h.split(":")[0] not in allowed]:
            found[path] = hits

    assert found == {}
    # the case of the role's scope did open (not a refusal page), and the message too, except
    # for the organisation's operator: an organisation sees the messages routed to it
    case_path = reverse("cases:detail", args=[case.number])
    message_path = reverse("intake:message_detail", args=[message.pk])
    expected = (200, 404 if role == "org_operator" else 200)
    assert (opened[case_path], opened[message_path]) == expected
