"""Out: the case number, status news, the answer through the outbox, the survey by buttons,
area subscriptions."""

import json

import pytest

from otklik.cases.choices import CaseStatus, OutboxStatus
from otklik.cases.models import Case, OutboxMessage, Survey
from otklik.cases.services.answers import answer_approve, answer_submit
from otklik.cases.services.lifecycle import case_accept, case_take
from otklik.cases.services.waiting import case_request_info
from otklik.channels.models import ChannelHealth
from otklik.channels.telegram import texts
from otklik.channels.telegram.models import AreaSubscription, TelegramChat
from otklik.channels.telegram.selectors import area_subscriptions
from otklik.channels.telegram.services import update_receive
from otklik.channels.telegram.tests.conftest import load
from otklik.directory.models import Municipality, Organization, Topic
from otklik.intake.models import Message

pytestmark = pytest.mark.django_db
CHAT = 381554912
ANSWER = "Горячая вода подана 28.11 в 10:00. Управляющая компания проверила стояки."


def receive(update):
    return update_receive(body=json.dumps(update, ensure_ascii=False))


def texts_sent(bot):
    return [(m["chat_id"], m["text"]) for m in bot.sent()]


@pytest.fixture
def opened(region, bot, consented, django_capture_on_commit_callbacks):
    """A citizen who gave consent wrote; the case opened."""
    with django_capture_on_commit_callbacks(execute=True):
        receive(load("message_text"))
    return Case.objects.get()


def test_the_author_gets_the_number_when_the_case_opens(opened, bot):
    assert opened.channel.code == "telegram"
    assert texts_sent(bot) == [
        (
            CHAT,
            f"Ваше сообщение зарегистрировано, номер {opened.number}. "
            "Мы сообщим, когда его возьмут в работу.",
        )
    ]


def test_status_news_in_plain_russian(opened, bot, personas, django_capture_on_commit_callbacks):
    org = Organization.objects.get(code="adm-18410")
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(case=opened, actor=personas["analyst"], organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        case_take(case=opened, actor=personas["org_operator"])
    assert texts_sent(bot)[1:] == [
        (
            CHAT,
            f"Обращение № {opened.number} принято и передано ответственной "
            f"организации: {org.name}.",
        ),
        (CHAT, f"По обращению № {opened.number} начата работа."),
    ]


def _answered(case, personas, capture, before_approve=None):
    org = Organization.objects.get(code="adm-18410")
    with capture(execute=True):
        case_accept(case=case, actor=personas["analyst"], organization=org)
    answer = answer_submit(case=case, actor=personas["org_operator"], text=ANSWER)
    if before_approve is not None:
        before_approve()
    with capture(execute=True):
        answer_approve(answer=answer, actor=personas["analyst"])
    return answer


def test_the_answer_goes_through_the_outbox_then_the_survey(
    opened, bot, personas, django_capture_on_commit_callbacks
):
    _answered(opened, personas, django_capture_on_commit_callbacks)
    outbox = OutboxMessage.objects.get(case=opened, kind="answer")
    assert outbox.status == OutboxStatus.SENT and outbox.attempts == 1
    opened.refresh_from_db()
    assert opened.status == CaseStatus.PUBLISHED
    survey = Survey.objects.get(case=opened)
    sent = bot.sent()
    assert [m["text"] for m in sent[-2:]] == [
        f"Ответ по обращению № {opened.number}:\n\n{ANSWER}",
        f"Проблема по обращению № {opened.number} решена?",
    ]
    assert sent[-1]["reply_markup"] == texts.survey_keyboard(survey.pk)
    # the number, «accepted», the answer and the survey question: four outbox rows sent
    assert ChannelHealth.objects.get(channel__code="telegram").outbound_total == 4
    assert [(o.kind, o.payload.get("event"), o.status) for o in opened.outbox.order_by("pk")] == [
        ("notice", "opened", OutboxStatus.SENT),
        ("notice", "accept", OutboxStatus.SENT),
        ("answer", None, OutboxStatus.SENT),
        ("notice", "publish", OutboxStatus.SENT),
    ]


def test_a_question_to_the_author_asks_and_is_not_called_an_answer(
    opened, bot, personas, django_capture_on_commit_callbacks
):
    org = Organization.objects.get(code="adm-18410")
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(case=opened, actor=personas["analyst"], organization=org)
    with django_capture_on_commit_callbacks(execute=True):
        case_request_info(
            case=opened, actor=personas["org_operator"], question="Уточните номер подъезда."
        )

    assert texts_sent(bot)[-1] == (
        CHAT,
        f"Уточните, пожалуйста, сведения по вашему обращению № {opened.number}:\n\n"
        "Уточните номер подъезда.",
    )


def test_a_blocked_bot_fails_the_delivery_for_good(
    opened, bot, personas, django_capture_on_commit_callbacks
):
    _answered(
        opened,
        personas,
        django_capture_on_commit_callbacks,
        lambda: bot.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user"),
    )
    outbox = OutboxMessage.objects.get(case=opened, kind="answer")
    assert outbox.status == OutboxStatus.FAILED and outbox.next_attempt_at is None
    assert "bot was blocked" in outbox.last_error
    opened.refresh_from_db()
    assert opened.status == CaseStatus.APPROVED  # not published: the ЦУР sees the failure
    assert TelegramChat.objects.get(chat_id=CHAT).blocked_at is not None


@pytest.mark.parametrize(
    ("code", "text"), [(429, "Too Many Requests: retry after 5"), (502, "Bad Gateway")]
)
def test_a_busy_or_broken_api_is_retried(
    opened, bot, personas, django_capture_on_commit_callbacks, code, text
):
    _answered(
        opened,
        personas,
        django_capture_on_commit_callbacks,
        lambda: bot.fail_next("sendMessage", code, text),
    )
    outbox = OutboxMessage.objects.get(case=opened, kind="answer")
    assert outbox.status == OutboxStatus.PENDING and outbox.next_attempt_at is not None
    assert str(code) in outbox.last_error


def _press(data, *, user_id=CHAT, update_id=734562000):
    update = load("callback_query", update_id=update_id)
    update["callback_query"]["data"] = data
    update["callback_query"]["from"]["id"] = user_id
    update["callback_query"]["id"] = f"cb-{update_id}"
    return receive(update)


def test_the_survey_by_buttons_reopens_when_not_solved(
    opened, bot, personas, django_capture_on_commit_callbacks
):
    _answered(opened, personas, django_capture_on_commit_callbacks)
    survey = Survey.objects.get(case=opened)
    _press(f"sv:{survey.pk}:0", update_id=1)
    [edit] = bot.sent("editMessageText")
    assert edit["text"] == texts.SURVEY_RATING
    assert edit["reply_markup"] == texts.rating_keyboard(survey.pk, 0)
    survey.refresh_from_db()
    assert survey.responded_at is None  # the answer is recorded with the rating
    with django_capture_on_commit_callbacks(execute=True):
        _press(f"sv:{survey.pk}:0:2", update_id=2)
    survey.refresh_from_db()
    assert (survey.solved, survey.rating) == (False, 2) and survey.responded_at is not None
    opened.refresh_from_db()
    assert opened.status == CaseStatus.REOPENED
    assert texts_sent(bot)[-1] == (CHAT, f"Обращение № {opened.number} снова в работе.")
    assert [p.get("text") for p in bot.sent("answerCallbackQuery")] == [None, texts.SURVEY_THANKS]
    # pressed again: the service refuses, the citizen is told, nothing changes
    _press(f"sv:{survey.pk}:1:5", update_id=3)
    assert bot.sent("answerCallbackQuery")[-1]["text"] == "Вы уже ответили на этот опрос. Спасибо!"
    survey.refresh_from_db()
    assert (survey.solved, survey.rating) == (False, 2)


def test_only_the_author_answers_the_survey(
    opened, bot, personas, django_capture_on_commit_callbacks
):
    _answered(opened, personas, django_capture_on_commit_callbacks)
    survey = Survey.objects.get(case=opened)
    _press(f"sv:{survey.pk}:1:5", user_id=999)
    survey.refresh_from_db()
    assert survey.responded_at is None
    assert bot.sent("answerCallbackQuery")[-1]["text"] == texts.SURVEY_NOT_YOURS


def test_area_subscription(region, bot):
    receive(load("message_text", message__text="/subscribe"))
    [choose] = bot.sent()
    rows = choose["reply_markup"]["inline_keyboard"]
    assert sum(len(r) for r in rows[:-1]) == texts.MUNICIPALITIES_PER_PAGE
    assert rows[-1] == [{"text": texts.NEXT, "callback_data": "subp:1"}]
    _press("subp:1", update_id=1)
    page = bot.sent("editMessageText")[-1]["reply_markup"]["inline_keyboard"]
    assert page[-1] == [
        {"text": texts.BACK, "callback_data": "subp:0"},
        {"text": texts.NEXT, "callback_data": "subp:2"},
    ]
    _press("sub:18410", update_id=2)
    _press("sub:18410", update_id=3)  # pressed twice: one subscription
    _press("sub:18401", update_id=4)
    volzhsky = Municipality.objects.get(okato="18410")
    assert bot.sent("editMessageText")[-2]["text"] == texts.SUBSCRIBED.format(name=volzhsky.name)
    assert [s.chat.chat_id for s in area_subscriptions(municipality=volzhsky)] == [CHAT]
    assert AreaSubscription.objects.filter(cancelled_at__isnull=True).count() == 2
    receive(load("message_text", update_id=5, message__text="/unsubscribe"))
    rows = bot.sent()[-1]["reply_markup"]["inline_keyboard"]
    assert rows[-1] == [{"text": texts.UNSUBSCRIBE_ALL, "callback_data": "unsub:all"}]
    _press("unsub:18410", update_id=6)
    assert [s.municipality.okato for s in area_subscriptions()] == ["18401"]
    receive(load("my_chat_member"))  # the user stops the bot
    assert list(area_subscriptions()) == []
    assert AreaSubscription.objects.count() == 2  # kept, cancelled


def test_a_rejected_case_is_told_too(opened, bot, personas, django_capture_on_commit_callbacks):
    from otklik.cases.services.lifecycle import case_reject

    with django_capture_on_commit_callbacks(execute=True):
        case_reject(case=opened, actor=personas["analyst"], reason="Благодарность, ответ не нужен")
    assert texts_sent(bot)[-1] == (
        CHAT,
        f"Обращение № {opened.number} рассмотрено в ЦУР: отдельного ответа по нему не требуется.",
    )


def test_a_long_intermediate_answer_is_split(
    opened, bot, personas, django_capture_on_commit_callbacks
):
    org = Organization.objects.get(code="adm-18410")
    with django_capture_on_commit_callbacks(execute=True):
        case_accept(case=opened, actor=personas["analyst"], organization=org)
    long_text = "Работы идут. " * 400  # 5 200 characters
    answer = answer_submit(
        case=opened, actor=personas["org_operator"], text=long_text, intermediate=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer_approve(answer=answer, actor=personas["analyst"])
    assert OutboxMessage.objects.get(case=opened, kind="answer").status == OutboxStatus.SENT
    parts = [m["text"] for m in bot.sent()[-2:]]
    assert "".join(parts) == (
        f"Промежуточный ответ по обращению № {opened.number}:\n\n{answer.text}"
    )
    assert [len(p) for p in parts] == [4000, len("".join(parts)) - 4000]


def test_a_second_message_on_the_same_problem_is_told_it_joined(
    opened, bot, django_capture_on_commit_callbacks
):
    topic = Topic.objects.get(code="zhkh-hot-water")
    Case.objects.filter(pk=opened.pk).update(topic=topic)
    again = load("message_text", update_id=734561300, message__message_id=600)
    again["message"]["text"] = "Горячей воды так и нет, ул. Мира, 12"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        receive(again)
    second = Message.objects.get(external_id="734561300")
    Message.objects.filter(pk=second.pk).update(topic=topic, sector=topic.sector)
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    second.refresh_from_db()
    assert second.case_id == opened.pk and Case.objects.count() == 1
    assert texts_sent(bot)[-1] == (CHAT, texts.JOINED.format(number=opened.number))
