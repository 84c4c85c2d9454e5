"""A small client of the Telegram Bot API (only the methods Otklik uses).

``https://api.telegram.org/bot<token>/<method>``; the base URL is ``OTKLIK_TELEGRAM_API_URL``
(tests point it at a local server speaking the same HTTP methods). The token is read from the
environment (``channel_secret``) and never stored or logged: error texts carry the method name
and Telegram's description only. Standard library HTTP (urllib): the handful of JSON POSTs
here does not justify a new dependency.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from otklik.channels.secrets import channel_secret

TIMEOUT = 15.0
MAX_FILE_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download


class BotApiError(Exception):
    """A failed call: ``code`` is Telegram's ``error_code`` (or the HTTP status; 0 when the
    server could not be reached), ``retry_after`` the seconds Telegram asks to wait."""

    def __init__(self, method: str, code: int, description: str, retry_after: int | None = None):
        super().__init__(f"{method}: {code} {description}".strip())
        self.method = method
        self.code = code
        self.description = description
        self.retry_after = retry_after

    @property
    def permanent(self) -> bool:
        """The recipient refuses (blocked bot, deleted chat): retrying will not help."""
        return self.code in (400, 403)


def api_url() -> str:
    return settings.OTKLIK_TELEGRAM_API_URL.rstrip("/")


class BotApi:
    def __init__(self, token: str | None = None, base_url: str | None = None):
        self._token = token if token is not None else channel_secret("telegram", "token")
        self._base = (base_url or api_url()).rstrip("/")

    def __repr__(self) -> str:  # never the token
        return f"BotApi({self._base})"

    def call(self, method: str, http_timeout: float = TIMEOUT, **params: Any) -> Any:
        params = {k: v for k, v in params.items() if v is not None}
        request = urllib.request.Request(  # noqa: S310 — the URL is ours (https or a test server)
            f"{self._base}/bot{self._token}/{method}",
            data=json.dumps(params, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=http_timeout) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as exc:
            body = exc.read()
            try:
                data = json.loads(body)
            except ValueError:
                raise BotApiError(method, exc.code, exc.reason or "") from None
            raise BotApiError(
                method,
                int(data.get("error_code") or exc.code),
                str(data.get("description", "")),
                (data.get("parameters") or {}).get("retry_after"),
            ) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            raise BotApiError(method, 0, f"нет связи с Bot API ({reason})") from None
        try:
            data = json.loads(body)
        except ValueError:
            raise BotApiError(method, 0, "ответ Bot API не в JSON") from None
        if not data.get("ok"):
            raise BotApiError(
                method,
                int(data.get("error_code") or 0),
                str(data.get("description", "")),
                (data.get("parameters") or {}).get("retry_after"),
            )
        return data.get("result")

    # --- the methods used -----------------------------------------------------------------------
    def get_updates(self, *, offset: int | None, timeout: int = 0, limit: int = 100) -> list:
        return self.call(
            "getUpdates",
            http_timeout=TIMEOUT + timeout,
            offset=offset,
            limit=limit,
            timeout=timeout,
            allowed_updates=["message", "edited_message", "callback_query", "my_chat_member"],
        )

    def set_webhook(self, *, url: str, secret_token: str) -> bool:
        return self.call(
            "setWebhook",
            url=url,
            secret_token=secret_token,
            allowed_updates=["message", "edited_message", "callback_query", "my_chat_member"],
        )

    def delete_webhook(self) -> bool:
        return self.call("deleteWebhook")

    def send_message(self, *, chat_id: int | str, text: str, reply_markup: dict | None = None):
        return self.call(
            "sendMessage",
            chat_id=chat_id,
            text=text[:4096],
            reply_markup=reply_markup,
            link_preview_options={"is_disabled": True},
        )

    def edit_message_text(
        self, *, chat_id: int | str, message_id: int, text: str, reply_markup: dict | None = None
    ):
        return self.call(
            "editMessageText",
            chat_id=chat_id,
            message_id=message_id,
            text=text[:4096],
            reply_markup=reply_markup,
        )

    def answer_callback_query(self, *, callback_query_id: str, text: str = "") -> bool:
        return self.call(
            "answerCallbackQuery", callback_query_id=callback_query_id, text=text[:200] or None
        )

    def get_file(self, *, file_id: str) -> dict:
        return self.call("getFile", file_id=file_id)

    def download(self, file_path: str) -> bytes:
        """The file's bytes. Its URL holds the token, so it lives only inside this call."""
        url = f"{self._base}/file/bot{self._token}/{file_path}"
        try:
            with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310
                data = response.read(MAX_FILE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raise BotApiError("file", exc.code, exc.reason or "") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise BotApiError("file", 0, f"нет связи с Bot API ({exc})") from None
        if len(data) > MAX_FILE_BYTES:
            raise BotApiError("file", 400, "файл больше 20 МБ")
        return data
