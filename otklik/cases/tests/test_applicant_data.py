"""The applicant's personal data on every surface of a case, role by role (the policy:
``core.applicant.APPLICANT_FIELDS``): the case page, the answer template (the page's
``?template=`` and the HTMX view), the REST API and the escalation e-mails.

The message's text names nobody, so the applicant's name, phone and e-mail can reach a page only
from the applicant's record."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from otklik.accounts.models import User
from otklik.cases.models import AnswerTemplate, Case
from otklik.cases.services.deadlines import deadline_sweep
from otklik.cases.services.lifecycle import case_accept
from otklik.cases.services.opening import case_open_or_join
from otklik.directory.models import Topic

MSK = ZoneInfo("Europe/Volgograd")
NAME, PHONE, EMAIL = "Петрова Анна Сергеевна", "+79615550177", "petrova.anna@example.ru"
SECRETS = (NAME, "Петрова", PHONE, EMAIL)
TEXT = "Третий день нет горячей воды в доме на ул. Мира, 12. Дети моются в тазике."
HIDDEN = "Уважаемый заявитель"

# role: (the «Заявитель:» line of the case page, what {name} of a template becomes on the page;
# None: the role has no answer form). The answer is stored on the case and shown to every role
# that sees it, so {name} never carries the name, even for a role that sees it on the page.
PAGE = {
    "curator": (f"{NAME}, {PHONE}, {EMAIL}", HIDDEN),
    "executor": (f"{NAME}, {PHONE}, {EMAIL}", HIDDEN),
    "head": (f"{NAME}, {PHONE}, {EMAIL}", HIDDEN),
    "analyst": (f"{NAME}, {PHONE}, {EMAIL}", HIDDEN),
    "sector_lead": ("скрыто", HIDDEN),
    "org_operator": ("скрыто", HIDDEN),
    "municipal_coordinator": ("скрыто", HIDDEN),
    "auditor": ("скрыто", None),
}
# what {name} becomes in the HTMX view (any role that sees the case may ask it)
HTMX = {
    "curator": HIDDEN,
    "executor": HIDDEN,
    "head": HIDDEN,
    "analyst": HIDDEN,
    "sector_lead": HIDDEN,
    "org_operator": HIDDEN,
    "municipal_coordinator": HIDDEN,
    "auditor": HIDDEN,
}


def accepted_case(make_message, personas, **kwargs) -> Case:
    """A case of the applicant, accepted by the ЦУР (→ Администрация г. Волжского)."""
    message = make_message(name=NAME, phone=PHONE, email=EMAIL, **kwargs)
    case, opened = case_open_or_join(message=message)
    assert opened
    return case_accept(case=case, actor=personas["analyst"])


@pytest.fixture
def case(make_message, personas, volzhsky_rule):
    return accepted_case(make_message, personas)


@pytest.fixture
def template(region):
    return AnswerTemplate.objects.create(
        topic=Topic.objects.get(code="zhkh-hot-water"),
        title="Горячая вода восстановлена",
        body="{name}, здравствуйте! По сообщению № {number} сообщаем: {organization} "
        "восстановила горячее водоснабжение.",
    )


def _answer(greeting: str, case: Case) -> str:
    return (
        f"{greeting}, здравствуйте! По сообщению № {case.number} сообщаем: "
        "Администрация г. Волжского восстановила горячее водоснабжение."
    )


def _author_line(body: str) -> str:
    found = re.search(r'data-testid="message-author">Заявитель:\s*(.*?)\s*</div>', body, re.S)
    assert found, "no «Заявитель:» line on the page"
    return found.group(1)


@pytest.mark.parametrize("role", list(PAGE))
def test_case_page_shows_the_applicant_as_the_role_may(client, personas, case, role):
    line, _ = PAGE[role]
    client.force_login(personas[role])

    body = client.get(reverse("cases:detail", args=[case.number])).content.decode()

    assert _author_line(body) == line
    for secret in SECRETS:
        assert (secret in body) is (line != "скрыто"), secret


@pytest.mark.parametrize("role", list(PAGE))
def test_template_prefill_never_names_the_applicant(client, personas, case, template, role):
    line, greeting = PAGE[role]
    client.force_login(personas[role])

    response = client.get(reverse("cases:detail", args=[case.number]), {"template": template.pk})

    form = response.context["forms"]["answer"]
    if greeting is None:
        assert form is None
    else:
        assert form.initial["text"] == _answer(greeting, case)
        assert NAME not in form.initial["text"]
    # the page itself shows the applicant only where the role may see them
    body = response.content.decode()
    for secret in SECRETS:
        assert (secret in body) is (line != "скрыто"), secret


@pytest.mark.parametrize("role", list(HTMX))
def test_htmx_template_never_names_the_applicant(client, personas, case, template, role):
    client.force_login(personas[role])

    response = client.get(
        reverse("cases:answer_template", args=[case.number]), {"template": template.pk}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert _answer(HTMX[role], case) in body
    for secret in SECRETS:
        assert secret not in body, secret


@pytest.mark.parametrize("channel", ["web", "email", "telegram", "vk", "ok"])
def test_no_channel_gets_the_name_in_the_template(
    client, make_message, personas, volzhsky_rule, template, channel
):
    # private channels (web, e-mail, Telegram) and public ones (VK, OK) alike, for a ЦУР role
    case = accepted_case(make_message, personas, channel=channel)
    client.force_login(personas["curator"])

    response = client.get(
        reverse("cases:answer_template", args=[case.number]), {"template": template.pk}
    )

    assert _answer(HIDDEN, case) in response.content.decode()


# The API carries no applicant field for any role (docs/permissions.md).
API = {role: False for role in PAGE}


@pytest.mark.parametrize("role", list(API))
def test_api_never_carries_the_applicant(personas, case, role):
    api = APIClient()
    api.force_authenticate(personas[role])

    detail = api.get(f"/api/v1/cases/{case.number}")
    listing = api.get("/api/v1/cases")

    assert detail.status_code == 200
    assert detail.json()["number"] == case.number
    assert [c["number"] for c in listing.json()["results"]] == [case.number]
    for secret in SECRETS:
        assert (secret in detail.content.decode()) is API[role], secret
        assert (secret in listing.content.decode()) is API[role], secret


# The escalation e-mails of an overdue case whose text begins with the applicant's name and
# phone (the title is the start of the text): level → (recipient, the title in the mail).
SPOKEN = "Петрова Анна Сергеевна, тел. 8 961 555-01-77: нет горячей воды в доме на ул. Мира, 12."
MAIL = {
    1: ("org_operator", "[ФИО], тел. [ТЕЛЕФОН]: нет горячей воды в доме на ул. Мира, 12."),
    2: ("sector_lead", "[ФИО], тел. [ТЕЛЕФОН]: нет горячей воды в доме на ул. Мира, 12."),
    3: ("curator", SPOKEN),
}
SWEEPS = {1: (2026, 3, 18, 9), 2: (2026, 3, 19, 9, 30), 3: (2026, 3, 23, 9, 30)}


def test_escalation_mails_mask_the_applicant_for_roles_that_may_not_see_it(
    make_message, personas, volzhsky_rule, mailoutbox, django_capture_on_commit_callbacks
):
    # a web message on Monday 2026-03-02 10:00: due 17.03 23:59 (test_deadlines)
    received = dt.datetime(2026, 3, 2, 10, 0, tzinfo=MSK)
    case = accepted_case(make_message, personas, text=SPOKEN, received_at=received)
    for role in ("org_operator", "sector_lead", "curator"):
        User.objects.filter(pk=personas[role].pk).update(email=f"{role}@otklik.test")
    User.objects.filter(pk=personas["head"].pk).update(email="")

    for level, args in SWEEPS.items():
        with django_capture_on_commit_callbacks(execute=True):
            deadline_sweep(now=dt.datetime(*args, tzinfo=MSK))
        role, title = MAIL[level]
        mail = mailoutbox[-1]
        assert (len(mailoutbox), mail.to) == (level, [f"{role}@otklik.test"])
        assert mail.subject == f"Просрочен инцидент {case.number}"
        assert mail.body == (
            f"Инцидент {case.number} «{title}» просрочен (срок 17.03.2026 23:59). "
            f"Уровень эскалации: {level}."
        )
        for secret in (EMAIL, "+79615550177"):
            assert secret not in mail.body
