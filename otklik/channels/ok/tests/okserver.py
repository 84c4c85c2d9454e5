"""A local server speaking the OK Graph API methods Otklik uses (``POST /graph/me/messages/
<chat_id>?access_token=…`` and ``/graph/me/subscribe``), JSON in and out."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def ok_error(code: int, text: str) -> dict:
    return {"error_code": code, "error_msg": text, "error_data": None}


class FakeOk:
    def __init__(self) -> None:
        self.calls: list[tuple[str, dict, dict]] = []  # path, query, JSON body
        self.queued: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/graph"

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

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                parts = urllib.parse.urlsplit(self.path)
                query = {k: v[-1] for k, v in urllib.parse.parse_qs(parts.query).items()}
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.calls.append((parts.path, query, body))
                payload = json.dumps(fake._answer(parts.path, query, body)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json;charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        return Handler

    def __enter__(self) -> FakeOk:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
