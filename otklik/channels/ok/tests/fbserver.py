"""A local server speaking the OK REST API methods Otklik uses (``POST /fb.do`` with form
parameters), for the adapter's tests.

Like OK, it refuses a call whose ``application_key`` is unknown, whose ``access_token`` is
missing or whose ``sig`` does not match (error 104 ``PARAM_SIGNATURE``): the signature is
recomputed here from the parameters and the application's secret key, so a client that signs
wrongly fails the test. The group's page is in memory: ``topics`` (``mediatopic`` objects with
their ``created_ms``) and ``comments`` per topic; ``discussions.addDiscussionComment`` adds the
group's comment and notes it in ``delivered``. Answers can be queued per method (``then``): a
dict is sent as JSON, an int is an HTTP status, a ``Raw`` text is sent as the body as it is.
"""

from __future__ import annotations

import hashlib

from otklik.channels.tests.localapi import LocalApi, Raw, form

__all__ = ["APP_KEY", "GROUP", "SECRET_KEY", "TOKEN", "FakeOkRest", "Raw", "ok_error"]

APP_KEY = "CBAFLMKGEBABABABA"
SECRET_KEY = "5D3E1A9B7C2F4E6A8B0C1D2E"
TOKEN = "-s-group.admin.token-7f3a"
GROUP = "70000001234567"


def ok_error(code: int, text: str) -> dict:
    return {"error_code": code, "error_msg": text, "error_data": None}


def expected_sig(params: dict[str, str]) -> str:
    """OK's rule, written out again: sorted ``k=v`` without ``sig``/``access_token``, then
    md5(token + secret key)."""
    token = params.get("access_token", "")
    secret = hashlib.md5((token + SECRET_KEY).encode(), usedforsecurity=False).hexdigest()
    text = "".join(
        f"{k}={v}" for k, v in sorted(params.items()) if k not in ("sig", "access_token")
    )
    return hashlib.md5((text + secret).encode(), usedforsecurity=False).hexdigest()


class FakeOkRest(LocalApi):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, dict]] = []
        self.delivered: list[dict] = []
        self.queued: dict[str, list[dict | int | Raw]] = {}
        self.topics: list[dict] = []
        self.users: dict[str, str] = {}
        self.comments: dict[str, list[dict]] = {}

    @property
    def url(self) -> str:
        return f"{self.base}/fb.do"

    def then(self, method: str, *answers: dict | int | Raw) -> None:
        self.queued.setdefault(method, []).extend(answers)

    def params(self, method: str) -> list[dict]:
        return [p for m, p in self.calls if m == method]

    # The group's page -----------------------------------------------------------------------

    def _stat_topics(self, p: dict) -> dict:
        if p.get("gid") != GROUP:
            return ok_error(300, "NOT_FOUND : group")
        start, end = int(p.get("start_time") or 0), int(p.get("end_time") or 2**62)
        found = [t for t in self.topics if start <= t["created_ms"] <= end]
        found.sort(key=lambda t: t["created_ms"], reverse=True)
        offset = int(p.get("anchor") or 0)
        count = int(p.get("count") or 20)
        page = found[offset : offset + count]
        more = offset + count < len(found)
        return {
            "topics": [{"id": t["id"], "views": 10, "comments": 0} for t in page],
            "anchor": str(offset + count) if more else "",
            "has_more": more,
        }

    def _topics_by_ids(self, p: dict) -> dict:
        ids = [i for i in (p.get("topic_ids") or "").split(",") if i]
        if len(ids) > 1 and p.get("media_limit") not in ("1", "2", "3"):
            return ok_error(100, "PARAM : media_limit is required for several topics")
        topics = [t for t in self.topics if t["id"] in ids]
        authors = {t.get("author_ref") for t in topics}
        users = [
            {"uid": uid, "name": name}
            for uid, name in self.users.items()
            if f"user:{uid}" in authors
        ]
        return {"media_topics": topics, "entities": {"users": users}}

    def _comments(self, p: dict) -> dict:
        if p.get("discussionType") != "GROUP_TOPIC" or p.get("direction") != "FORWARD":
            return ok_error(100, "PARAM : discussionType or direction")
        items = self.comments.get(p.get("discussionId", ""), [])
        anchor = p.get("anchor") or "FIRST"
        start = 0 if anchor == "FIRST" else int(anchor.removeprefix("a")) + 1
        count = int(p.get("count") or 20)
        page = items[start : start + count]
        return {
            "comments": page,
            "anchor": f"a{start + len(page) - 1}" if page else anchor,
            "has_more": start + count < len(items),
        }

    def _add_comment(self, p: dict) -> dict | str:
        topic = p.get("entityId", "")
        if p.get("entityType") != "GROUP_TOPIC" or topic not in {t["id"] for t in self.topics}:
            return ok_error(300, "NOT_FOUND : topic")
        comment = {
            "id": f"C{len(self.delivered) + 1:06d}",
            "author_id": GROUP if p.get("as_admin") == "true" else "1",
            "text": p.get("comment", ""),
            "date_ms": 1764280000000,
            "reply_to_comment_id": p.get("reply_to_comment_id"),
        }
        self.comments.setdefault(topic, []).append(comment)
        self.delivered.append(p)
        return comment["id"]

    def _answer(self, method: str, p: dict) -> tuple[int, dict | str]:
        if p.get("application_key") != APP_KEY:
            return 200, ok_error(101, "PARAM_API_KEY : Application key is invalid")
        if not p.get("access_token"):
            return 200, ok_error(103, "PARAM_SESSION_KEY : No session key")
        if p.get("sig") != expected_sig(p):
            return 200, ok_error(104, "PARAM_SIGNATURE : Invalid signature")
        if p.get("format") != "json":
            return 200, ok_error(100, "PARAM : format")
        queued = self.queued.get(method)
        if queued:
            answer = queued.pop(0)
            if isinstance(answer, int):
                return answer, {}
            return 200, answer
        handler = {
            "group.getStatTopics": self._stat_topics,
            "mediatopic.getByIds": self._topics_by_ids,
            "discussions.getComments": self._comments,
            "discussions.addDiscussionComment": self._add_comment,
        }.get(method)
        if handler is None:
            return 200, ok_error(3, "METHOD : Method not found")
        return 200, handler(p)

    def answer(self, path: str, body: bytes) -> tuple[int, dict | str]:
        params = form(body)
        method = params.get("method", "")
        self.calls.append((method, params))
        return self._answer(method, params)
