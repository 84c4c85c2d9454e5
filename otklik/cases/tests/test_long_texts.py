"""Long texts on the case page: what the staff write has a limit (the services refuse a longer
text, the forms and the API say so first and keep what was typed); what the citizens write
has none, and a long message or answer is shown folded to its beginning."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from otklik.cases.choices import CaseStatus
from otklik.cases.limits import chars
from otklik.cases.models import Answer, Case, CaseEvent, RedirectRequest
from otklik.cases.services.answers import answer_return, answer_submit
from otklik.cases.services.lifecycle import (
    case_accept,
    case_reject,
    redirect_decide,
    redirect_request,
)
from otklik.cases.services.waiting import case_request_info
from otklik.cases.templatetags.cases_ui import fold_head
from otklik.core.exceptions import ApplicationError
from otklik.directory.models import Organization

# 10,001 characters: one over the answer's limit; 2,001: one over a note's
ANSWER_TOO_LONG = "Ответ. " + "а" * 9_994
NOTE_TOO_LONG = "б" * 2_001
ANSWER_REFUSED = (
    "Слишком длинный текст ответа: 10\u00a0001 знак, допустимо не больше 10\u00a0000 знаков. "
    "Сократите его."
)


def note_refused(what: str) -> str:
    return (
        f"Слишком длинный текст {what}: 2\u00a0001 знак, допустимо не больше 2\u00a0000 знаков. "
        "Сократите его."
    )


@pytest.fixture
def assigned(personas, volzhsky_rule, make_case):
    return case_accept(case=make_case(), actor=personas["analyst"])


def test_counts_of_characters_read_in_russian():
    assert [chars(n) for n in (1, 3, 11, 21, 112, 1_001, 2_002, 10_000)] == [
        "1 знак",
        "3 знака",
        "11 знаков",
        "21 знак",
        "112 знаков",
        "1\u00a0001 знак",
        "2\u00a0002 знака",
        "10\u00a0000 знаков",
    ]


# --- the services are the authority --------------------------------------------------------
def test_an_answer_of_ten_thousand_characters_is_taken_and_one_more_is_refused(personas, assigned):
    assert len(ANSWER_TOO_LONG) == 10_001
    with pytest.raises(ApplicationError) as refused:
        answer_submit(case=assigned, actor=personas["org_operator"], text=ANSWER_TOO_LONG)
    assert refused.value.message == ANSWER_REFUSED
    assert Answer.objects.count() == 0

    # the blanks around the text do not count
    answer = answer_submit(
        case=assigned, actor=personas["org_operator"], text="  " + ANSWER_TOO_LONG[:-1] + "\n"
    )
    assert len(answer.text) == 10_000


def test_the_notes_on_a_case_have_a_limit_and_a_refused_one_changes_nothing(
    personas, make_case, assigned
):
    new = make_case()
    with pytest.raises(ApplicationError) as refused:
        case_reject(case=new, actor=personas["analyst"], reason=NOTE_TOO_LONG)
    assert refused.value.message == note_refused("причины")
    new.refresh_from_db()
    assert new.status == CaseStatus.NEW

    with pytest.raises(ApplicationError) as refused:
        case_request_info(case=assigned, actor=personas["org_operator"], question=NOTE_TOO_LONG)
    assert refused.value.message == note_refused("вопроса")

    other = Organization.objects.exclude(pk=assigned.organization_id).first()
    request = redirect_request(
        case=assigned, actor=personas["org_operator"], to_organization=other, reason="Не наше."
    )
    with pytest.raises(ApplicationError) as refused:
        redirect_decide(
            request=request, actor=personas["analyst"], accept=False, comment=NOTE_TOO_LONG
        )
    assert refused.value.message == note_refused("комментария")
    assert RedirectRequest.objects.get(pk=request.pk).status == "pending"

    answer = answer_submit(
        case=assigned, actor=personas["org_operator"], text="Бригада устранила течь 27.11."
    )
    with pytest.raises(ApplicationError) as refused:
        answer_return(answer=answer, actor=personas["analyst"], reason=NOTE_TOO_LONG)
    assert refused.value.message == note_refused("замечания")
    assert Case.objects.get(pk=assigned.pk).status == CaseStatus.ANSWER_REVIEW


# --- the page and the API say so first ---------------------------------------------------------
def refused_on_page(client, user, case, verb: str, field: str, text: str, said: str):
    """Post ``text`` as the ``field`` of ``verb``: a 400 that says ``said`` and shows the form
    again with the text as typed."""
    client.force_login(user)
    response = client.post(reverse("cases:verb", args=[case.number, verb]), {field: text})
    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]] == [f"Проверьте форму. {said}"]
    assert response.context["forms"][verb.replace("-", "_")][field].value() == text
    return response


def test_a_too_long_answer_is_refused_on_the_page_with_the_typed_text_kept(
    client, personas, assigned
):
    response = refused_on_page(
        client,
        personas["org_operator"],
        assigned,
        "answer",
        "text",
        ANSWER_TOO_LONG,
        f"Текст ответа: {ANSWER_REFUSED}",
    )

    html = response.content.decode()
    textarea = re.search(r'<textarea name="text"[^>]*>', html).group(0)
    assert "maxlength" not in textarea  # a browser would cut a longer paste without a word
    assert "Не больше 10\u00a0000 знаков" in html
    assert Answer.objects.count() == 0


def test_a_too_long_reason_is_refused_on_the_page(client, personas, make_case):
    case = make_case()
    events = CaseEvent.objects.filter(case=case).count()

    refused_on_page(
        client,
        personas["analyst"],
        case,
        "reject",
        "reason",
        NOTE_TOO_LONG,
        f"Причина: {note_refused('причины')}",
    )

    assert CaseEvent.objects.filter(case=case).count() == events
    assert Case.objects.get(pk=case.pk).status == CaseStatus.NEW


def test_the_api_refuses_a_too_long_answer_with_a_400_naming_the_limit(personas, assigned):
    api = APIClient()
    api.force_authenticate(personas["org_operator"])

    r = api.post(
        f"/api/v1/cases/{assigned.number}/answer", {"text": ANSWER_TOO_LONG}, format="json"
    )

    assert r.status_code == 400
    assert r.json() == {
        "text": [
            "Слишком длинный текст ответа, допустимо не больше 10\u00a0000 знаков. Сократите его."
        ]
    }
    assert Answer.objects.count() == 0


# --- long texts are folded on the case page -----------------------------------------------------
def test_the_beginning_of_a_long_text_ends_after_a_word():
    assert fold_head("слово " * 100) is None  # 600 characters: shown whole
    # 1,200 characters of «слово »: the first 1,000 end inside the 167th word; the last blank
    # among them is the one after the 166th word, at 995: the beginning is 995 characters
    head = fold_head("слово " * 200)
    assert head == ("слово " * 166).rstrip()
    assert len(head) == 995
    # no blank in the last fifth: cut at 1,000 characters
    assert fold_head("я" * 1_500) == "я" * 1_000


def test_a_long_message_and_a_long_answer_are_folded_on_the_case_page(
    client, personas, volzhsky_rule, make_case
):
    # 17 + 300 × 20 = 6,017 characters; the last blank among the first 1,000 is the one
    # before the 50th «Подробности» (17 + 49 × 20 = 997): the beginning is 997 characters
    message_text = "Нет горячей воды." + " Подробности жалобы." * 300
    case = make_case(text=message_text)
    case = case_accept(case=case, actor=personas["analyst"])
    # an answer stored before the limit: 100,000 characters
    long_answer = "Ответ организации " + "х" * 99_982
    Answer.objects.create(case=case, organization=case.organization, text=long_answer)
    client.force_login(personas["analyst"])

    html = client.get(reverse("cases:detail", args=[case.number])).content.decode()

    folds = re.findall(
        r'<div class="fold" data-testid="folded">\s*<p class="(\w+) fold__head">([^<]*)…</p>\s*'
        r'<details class="fold__more"><summary>.*?Показать полностью.*?'
        r"\((.*?)\)</span></summary>\s*"
        r'<p class="\w+">([^<]*)</p></details>',
        html,
        re.S,
    )
    assert [(css, len(head), size, len(full)) for css, head, size, full in folds] == [
        ("msg__text", 997, "6\u00a0017 знаков", 6_017),
        ("answer__text", 1_000, "100\u00a0000 знаков", 100_000),
    ]
    assert html.count("х" * 99_982) == 1  # the whole answer only inside its <details>


def test_a_short_message_is_shown_whole(client, personas, make_case):
    case = make_case(text="Нет горячей воды в доме на ул. Мира, 12.")
    client.force_login(personas["analyst"])

    html = client.get(reverse("cases:detail", args=[case.number])).content.decode()

    assert '<p class="msg__text">Нет горячей воды в доме на ул. Мира, 12.</p>' in html
    assert 'data-testid="folded"' not in html
