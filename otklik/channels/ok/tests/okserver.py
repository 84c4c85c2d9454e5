"""A local server speaking the OK Graph API methods Otklik uses (``POST /graph/me/messages/
<chat_id>?access_token=…`` and ``/graph/me/subscribe``), JSON in and out."""

from __future__ import annotations

import json
import urllib.parse

from otklik.channels.tests.localapi import LocalApi


def ok_error(code: int, text: str) -> dict:
    return {"error_code": code, "error_msg": text, "error_data": None}


class FakeOk(LocalApi):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, dict, dict]] = []  # path, query, JSON body
        self.queued: list[dict] = []

    @property
    def url(self) -> str:
        return f"{self.base}/graph"

    def _answer(self, path: str, query: dict, body: dict) -> dict:
        if not query.get("access_token"):
            return ok_error(102, "PARAM_SESSION_EXPIRED : Session expired")
        if self.queued:
            return self.queued.pop(0)
        if path.startswith("/graph/me/messages/chat:"):
            if body.get("recipient", {}).get("chat_id") != path.rsplit("/", 1)[-1]:
                return ok_error(100, "PARAM : recipient does not match the chat")
            return {"success": True, "message_id": f"mid:{len(self.calls)}"}
        if path == "/graph/me/subscribe":
            return {"success": True}
        return ok_error(3, "METHOD : Method not found")

    def answer(self, path: str, body: bytes) -> tuple[int, dict]:
        parts = urllib.parse.urlsplit(path)
        query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query).items()}
        payload = json.loads(body or b"{}")
        self.calls.append((parts.path, query, payload))
        return 200, self._answer(parts.path, query, payload)
