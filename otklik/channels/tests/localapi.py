"""The HTTP part of the local servers the channel adapters are tested against (VK, OK): each
fake answers a POST in ``answer(path, body)``; this class serves it on a free local port."""

from __future__ import annotations

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Raw(str):
    """An answer sent as it is (not encoded as JSON): a broken or non-JSON body."""


def form(body: bytes) -> dict[str, str]:
    """A form-encoded body (the last value of each name)."""
    return {k: v[-1] for k, v in urllib.parse.parse_qs(body.decode()).items()}


class LocalApi:
    """Subclasses implement ``answer``: ``(HTTP status, what to send)``; a ``Raw`` text is sent
    as it is, anything else as JSON. Calls are answered one at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def answer(self, path: str, body: bytes) -> tuple[int, Any]:
        raise NotImplementedError

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                with fake._lock:
                    status, payload = fake.answer(self.path, raw)
                if isinstance(payload, Raw):
                    body = payload.encode()
                else:
                    body = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        return Handler

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
