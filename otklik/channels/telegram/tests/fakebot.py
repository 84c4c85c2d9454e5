"""A local server speaking the Bot API HTTP methods the adapter uses (tests only).

``POST /bot<token>/<method>`` with a JSON body answers Telegram-shaped JSON
(``{"ok": true, "result": …}`` or ``{"ok": false, "error_code": …, "description": …}``);
``GET /file/bot<token>/<path>`` serves a file. It records every call, serves ``getUpdates``
from a queue (dropping updates below the ``offset``, as Telegram confirms them), and can be told
to fail the next calls of a method.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOKEN = "123456:TEST-token"


class FakeBotApi:
    def __init__(self, token: str = TOKEN):
        self.token = token
        self.calls: list[tuple[str, dict]] = []
        self.updates: list[dict] = []
        self.files: dict[str, tuple[str, bytes]] = {}
        self.failures: dict[str, list[tuple[int, dict]]] = {}
        self.webhook: dict = {}
        self._lock = threading.Lock()
        self._message_id = 1000
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _reply(self, status: int, payload: dict | bytes, ctype="application/json"):
                body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                prefix = f"/file/bot{fake.token}/"
                if not self.path.startswith(prefix):
                    return self._reply(
                        404, {"ok": False, "error_code": 404, "description": "Not Found"}
                    )
                path = self.path[len(prefix) :]
                for file_path, content in fake.files.values():
                    if file_path == path:
                        return self._reply(200, content, "application/octet-stream")
                return self._reply(
                    404, {"ok": False, "error_code": 404, "description": "Not Found"}
                )

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                token, _, method = self.path.removeprefix("/bot").partition("/")
                if token != fake.token:
                    return self._reply(
                        401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
                    )
                params = json.loads(raw or b"{}")
                status, payload = fake.handle(method, params)
                self._reply(status, payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- control --------------------------------------------------------------------------------
    def start(self) -> FakeBotApi:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, method: str, error_code: int, description: str, **parameters) -> None:
        payload = {"ok": False, "error_code": error_code, "description": description}
        if parameters:
            payload["parameters"] = parameters
        self.failures.setdefault(method, []).append((error_code, payload))

    def sent(self, method: str = "sendMessage") -> list[dict]:
        return [params for name, params in self.calls if name == method]

    # --- the methods ----------------------------------------------------------------------------
    def handle(self, method: str, params: dict) -> tuple[int, dict]:
        with self._lock:
            self.calls.append((method, params))
            pending = self.failures.get(method)
            if pending:
                return pending.pop(0)
            if method == "getUpdates":
                offset = params.get("offset")
                if offset is not None:
                    self.updates = [u for u in self.updates if u["update_id"] >= offset]
                return 200, {"ok": True, "result": self.updates[: params.get("limit", 100)]}
            if method in ("sendMessage", "editMessageText"):
                if not params.get("chat_id") or not params.get("text"):
                    return 400, {
                        "ok": False,
                        "error_code": 400,
                        "description": "Bad Request: message text is empty",
                    }
                self._message_id += 1
                return 200, {
                    "ok": True,
                    "result": {
                        "message_id": params.get("message_id") or self._message_id,
                        "date": 1764270000,
                        "chat": {"id": params["chat_id"], "type": "private"},
                        "text": params["text"],
                    },
                }
            if method == "answerCallbackQuery":
                return 200, {"ok": True, "result": True}
            if method == "getFile":
                found = self.files.get(params.get("file_id", ""))
                if found is None:
                    return 400, {
                        "ok": False,
                        "error_code": 400,
                        "description": "Bad Request: invalid file_id",
                    }
                path, content = found
                return 200, {
                    "ok": True,
                    "result": {
                        "file_id": params["file_id"],
                        "file_unique_id": params["file_id"][-8:],
                        "file_size": len(content),
                        "file_path": path,
                    },
                }
            if method == "setWebhook":
                self.webhook = params
                return 200, {"ok": True, "result": True, "description": "Webhook was set"}
            if method == "deleteWebhook":
                self.webhook = {}
                return 200, {"ok": True, "result": True, "description": "Webhook was deleted"}
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
