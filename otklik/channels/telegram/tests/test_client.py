"""The Bot API client against the local server: results, Telegram's error shapes, no token
leaks."""

import pytest

from otklik.channels.telegram.client import BotApi, BotApiError
from otklik.channels.telegram.tests.fakebot import TOKEN


def test_calls_answer_the_result_and_errors_say_if_permanent(bot):
    api = BotApi()
    sent = api.send_message(chat_id=42, text="Здравствуйте")
    assert sent["chat"]["id"] == 42 and sent["text"] == "Здравствуйте"
    assert bot.sent() == [
        {"chat_id": 42, "text": "Здравствуйте", "link_preview_options": {"is_disabled": True}}
    ]
    bot.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
    with pytest.raises(BotApiError) as blocked:
        api.send_message(chat_id=42, text="Ещё")
    assert blocked.value.code == 403 and blocked.value.permanent
    assert TOKEN not in str(blocked.value)
    bot.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)
    with pytest.raises(BotApiError) as limited:
        api.send_message(chat_id=42, text="Ещё")
    assert (limited.value.code, limited.value.retry_after, limited.value.permanent) == (
        429,
        7,
        False,
    )


def test_a_wrong_token_and_an_unreachable_server(bot):
    with pytest.raises(BotApiError) as wrong:
        BotApi(token="1:wrong").call("getMe")
    assert wrong.value.code == 401
    with pytest.raises(BotApiError) as down:
        BotApi(base_url="http://127.0.0.1:9").call("getMe")
    assert down.value.code == 0 and not down.value.permanent


def test_files_are_read_by_path(bot):
    bot.files["F1"] = ("photos/file_1.jpg", b"\xff\xd8jpeg")
    api = BotApi()
    info = api.get_file(file_id="F1")
    assert api.download(info["file_path"]) == b"\xff\xd8jpeg"
