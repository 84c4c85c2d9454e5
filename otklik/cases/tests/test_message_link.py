"""The message page links to the message's case, for a user who may see that case (the cases
app tells the intake where the case is: ``intake.selectors.register_case_linker``)."""

from __future__ import annotations

from django.urls import reverse

from otklik.cases.models import Case
from otklik.directory.models import Sector


def page(client, user, message) -> str:
    client.force_login(user)
    response = client.get(reverse("intake:message_detail", args=[message.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_message_page_links_to_its_case(client, personas, make_case):
    case = make_case()
    message = case.messages.get()

    for role in ("curator", "sector_lead"):
        html = page(client, personas[role], message)
        assert (
            f'<p data-testid="message-case">Инцидент: <a href="/cases/{case.number}/">'
            f"№ {case.number}</a>"
        ) in html, role


def test_no_link_to_a_case_the_user_may_not_see(client, personas, make_case):
    case = make_case()
    message = case.messages.get()
    # the case was moved to the roads block; the ЖКХ lead still sees the ЖКХ message
    Case.objects.filter(pk=case.pk).update(sector=Sector.objects.get(code="roads"))

    html = page(client, personas["sector_lead"], message)

    assert 'data-testid="message-case"' not in html
    assert case.number not in html


def test_no_link_for_a_message_without_a_case(client, personas, make_message):
    message = make_message()

    html = page(client, personas["curator"], message)

    assert 'data-testid="message-case"' not in html
