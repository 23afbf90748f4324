"""A scripted OpenAI-compatible chat server on 127.0.0.1: litellm's real HTTP path with replies fixed in advance.
Used by the tests (the ``scripted_server`` fixture) and by the benchmarks."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ScriptedServer:
    """Answers the k-th chat request with ``replies[k]`` (the last one repeats), ``n`` choices each."""

    def __init__(self):
        self.replies: list[list[str]] = []
        self.delay = 0.0
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        handler = self._handler()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.api_base = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with server._lock:
                    k = len(server.requests)
                    server.requests.append(body)
                    texts = server.replies[min(k, len(server.replies) - 1)] if server.replies else ["no idea"]
                time.sleep(server.delay)
                n = int(body.get("n") or 1)
                texts = (texts * n)[:n]
                payload = {
                    "id": f"chatcmpl-{k}", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model", "scripted"),
                    "choices": [{"index": i, "finish_reason": "stop", "message": {"role": "assistant", "content": t}}
                                for i, t in enumerate(texts)],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 10 * n, "total_tokens": 10 + 10 * n},
                }
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    def start(self) -> "ScriptedServer":
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
