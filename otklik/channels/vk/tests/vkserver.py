"""A local server speaking the VK API methods Otklik uses, for the adapter's tests.

``POST /method/<name>`` with form parameters (``access_token`` and ``v`` required, as VK does)
answers ``{"response": ...}`` or ``{"error": {...}}``. Like VK, ``messages.send`` with a
``random_id`` it has seen and ``wall.createComment`` with a ``guid`` it has seen deliver
nothing new. Answers can be queued per method (``then``); ``delivered`` lists what reached
"VK" for real.
"""

from __future__ import annotations

from otklik.channels.tests.localapi import LocalApi, form


def vk_error(code: int, text: str) -> dict:
    return {"error": {"error_code": code, "error_msg": text, "request_params": []}}


class FakeVk(LocalApi):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, dict]] = []
        self.delivered: list[tuple[str, dict]] = []
        self.queued: dict[str, list[dict | int]] = {}
        self.seen: dict[str, dict] = {}

    @property
    def url(self) -> str:
        return f"{self.base}/method"

    def then(self, method: str, *answers: dict | int) -> None:
        """Queue answers for ``method`` (a dict is sent as is; an int is an HTTP status)."""
        self.queued.setdefault(method, []).extend(answers)

    def params(self, method: str) -> list[dict]:
        return [p for m, p in self.calls if m == method]

    def _answer(self, method: str, params: dict) -> tuple[int, dict]:
        if not params.get("access_token") or not params.get("v"):
            return 200, vk_error(5, "User authorization failed: no access_token passed.")
        queued = self.queued.get(method)
        if queued:
            answer = queued.pop(0)
            if isinstance(answer, int):
                return answer, {}
            if "error" in answer:
                return 200, answer
            self.delivered.append((method, params))
            return 200, answer
        if method == "messages.send":
            key = f"random_id:{params.get('peer_id')}:{params.get('random_id')}"
            if key not in self.seen:
                self.delivered.append((method, params))
                self.seen[key] = {"response": len(self.delivered)}
            return 200, self.seen[key]
        if method == "wall.createComment":
            key = f"guid:{params.get('guid')}"
            if not params.get("guid") or key not in self.seen:
                self.delivered.append((method, params))
                self.seen[key] = {"response": {"comment_id": 900 + len(self.delivered)}}
            return 200, self.seen[key]
        if method == "newsfeed.search":
            return 200, {"response": {"items": [], "count": 0, "total_count": 0}}
        return 200, vk_error(3, "Unknown method passed.")

    def answer(self, path: str, body: bytes) -> tuple[int, dict]:
        method, params = path.rsplit("/", 1)[-1], form(body)
        self.calls.append((method, params))
        return self._answer(method, params)
