"""A scripted OpenAI-compatible chat server on 127.0.0.1: litellm's real HTTP path with replies fixed in advance,
chosen by request order or by request content, and failures on request (rate limits, 5xx, 401, slow, truncated
or garbled bodies, dropped connections). Used by the tests (the ``scripted_server`` fixture) and the benchmarks."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FAILURES = ("429", "500", "503", "401", "400", "slow", "truncated", "garbled", "drop")


def _last_user_message(body: dict) -> str:
    for message in reversed(body.get("messages") or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):  # the content-parts form
                return "".join(part.get("text", "") for part in content if isinstance(part, dict))
            return str(content or "")
    return ""


class ScriptedServer:
    """Answers chat requests with scripted replies, ``n`` choices each.

    ``replies[k]`` answers the k-th answered request (the last one repeats); ``answer(text, ...)`` scripts the
    requests whose last user message contains ``text`` instead. ``fail(mode, ...)`` makes the next requests
    fail, one mode each, in order. ``requests`` holds every request body received, failed ones included,
    ``times`` when each arrived, ``max_active`` the most requests it was answering at once."""

    def __init__(self):
        self.replies: list[list[str]] = []
        self.delay = 0.0
        self.slow_seconds = 10.0  # how long a "slow" failure keeps the client waiting before answering
        self.retry_after: str | None = "1"  # the Retry-After header of a "429"
        self.requests: list[dict] = []
        self.times: list[float] = []  # time.monotonic() at each request's arrival
        self.failures: list[str] = []
        self._failed: list[dict] = []  # bodies of requests that got no reply (kept, so their ids stay theirs)
        self.active = 0
        self.max_active = 0
        self._rules: list[tuple[str, list[list[str]], list[int]]] = []
        self._lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.api_base = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    # -- scripting ----------------------------------------------------------------------------------
    def answer(self, contains: str, *rounds) -> "ScriptedServer":
        """Requests whose last user message contains ``contains`` get ``rounds`` in order (the last repeats);
        a round is one reply text or a list of them (one per choice)."""
        self._rules.append((contains, [[r] if isinstance(r, str) else list(r) for r in rounds], [0]))
        return self

    def fail(self, *modes: str) -> "ScriptedServer":
        """The next requests fail, one mode each: 429 (with ``retry_after``), 500, 503, 401, 400, slow,
        truncated (a body cut short), garbled (not JSON), drop (the connection closed without an answer)."""
        unknown = [m for m in modes if m not in FAILURES]
        if unknown:
            raise ValueError(f"unknown failure modes {unknown}; use {FAILURES}")
        with self._lock:
            self.failures.extend(modes)
        return self

    @property
    def answered(self) -> int:
        """Requests in ``requests`` that got a reply (clearing ``requests`` starts the script again)."""
        failed = {id(b) for b in self._failed}
        return sum(1 for r in self.requests if id(r) not in failed)

    def _texts(self, body: dict, k: int) -> list[str]:
        prompt = _last_user_message(body)
        for contains, rounds, used in self._rules:
            if contains in prompt:
                texts = rounds[min(used[0], len(rounds) - 1)]
                used[0] += 1
                return texts
        return self.replies[min(k, len(self.replies) - 1)] if self.replies else ["no idea"]

    # -- serving ------------------------------------------------------------------------------------
    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, data: bytes, headers: dict | None = None, length: int | None = None):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data) if length is None else length))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)
                self.wfile.flush()

            def _error(self, status: int, message: str, kind: str, headers: dict | None = None):
                data = json.dumps({"error": {"message": message, "type": kind, "code": str(status)}}).encode()
                self._send(status, data, headers)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                with server._lock:  # the reply is chosen in order of arrival
                    failure = server.failures.pop(0) if server.failures else None
                    texts, k = [], -1
                    if failure in (None, "slow"):
                        k = server.answered
                        texts = server._texts(body, k)
                    else:
                        server._failed.append(body)
                    server.requests.append(body)
                    server.times.append(time.monotonic())
                    server.active += 1
                    server.max_active = max(server.max_active, server.active)
                try:
                    self._answer(body, failure, texts, k)
                finally:
                    with server._lock:
                        server.active -= 1

            def _answer(self, body: dict, failure: str | None, texts: list[str], k: int):
                if failure == "429":
                    headers = {"Retry-After": server.retry_after} if server.retry_after is not None else {}
                    return self._error(429, "Rate limit reached; slow down.", "rate_limit_exceeded", headers)
                if failure in ("500", "503"):
                    return self._error(int(failure), "The server had an error.", "server_error")
                if failure == "401":
                    return self._error(401, "Incorrect API key provided.", "invalid_request_error")
                if failure == "400":
                    return self._error(400, "Unrecognized request argument.", "invalid_request_error")
                if failure == "drop":
                    self.close_connection = True
                    return
                if failure == "garbled":
                    return self._send(200, b'{"id": "chatcmpl-x", "choices": [{"message": <<garbled>>')
                if failure == "slow":
                    time.sleep(server.slow_seconds)
                time.sleep(server.delay)
                n = int(body.get("n") or 1)
                if failure == "truncated":  # a whole reply promised, half of it sent, then the connection closed
                    data = json.dumps(self._payload(body, ["cut short"] * n, -1)).encode()
                    self.close_connection = True
                    return self._send(200, data[: len(data) // 2], length=len(data))
                self._send(200, json.dumps(self._payload(body, (texts * n)[:n], k)).encode())

            def _payload(self, body: dict, texts: list[str], k: int) -> dict:
                n = len(texts)
                return {
                    "id": f"chatcmpl-{k}", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model", "scripted"),
                    "choices": [{"index": i, "finish_reason": "stop", "message": {"role": "assistant", "content": t}}
                                for i, t in enumerate(texts)],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10 * n, "total_tokens": 10 + 10 * n},
                }

        return Handler

    def start(self) -> "ScriptedServer":
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
