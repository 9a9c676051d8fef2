"""Small local servers on 127.0.0.1 that speak the back-ends' protocols and answer
deterministically, so the back-ends are tested without any model.

- ``openai``: POST /v1/chat/completions. A translation request (the system prompt asks for a
  translation) is answered word for word from ``GLOSSARY`` (unknown words kept, wrapped in
  brackets); an entailment request by ``ENTAIL_RULES``.
- ``libretranslate``: POST /translate with ``q`` a text or a list of texts.

``mode`` switches the server's behaviour: "ok", "500" (always HTTP 500), "garbage" (not
JSON), "wrong" (JSON of the wrong shape), "slow" (answers after ``delay`` seconds),
"flaky" (the first request fails with 503, then ok). Every request is kept in ``requests``.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

GLOSSARY = {
    "войска": "troops", "вошли": "entered", "в": "into", "курскую": "Kursk", "область": "region",
    "мы": "we", "да": "yes", "танк": "tank", "подбит": "destroyed", "москва": "Moscow",
    "заявила": "stated", "что": "that", "україна": "Ukraine", "не": "not",
}  # fmt: skip

_WORD = re.compile(r"\w+|[^\w\s]")


def gloss(text: str) -> str:
    out = []
    for token in _WORD.findall(text):
        if token.isalnum() or token.isalpha():
            out.append(GLOSSARY.get(token.lower(), f"[{token}]"))
        else:
            out.append(token)
    return " ".join(out)


def entail_verdict(statement: str, proposition: str) -> str:
    """CONTRADICTS when exactly one side says "not"/"civilian", SUPPORTS when they share a
    word of four letters or more, else UNRELATED."""
    a, b = statement.lower(), proposition.lower()
    polar = ("not ", "civilian", "не ")
    if any(p in a for p in polar) != any(p in b for p in polar):
        return "CONTRADICTS"
    words_a = {w for w in re.findall(r"\w{4,}", a)}
    words_b = {w for w in re.findall(r"\w{4,}", b)}
    return "SUPPORTS" if words_a & words_b else "UNRELATED"


@dataclass
class FakeServer:
    kind: str
    mode: str = "ok"
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}" + ("/v1" if self.kind == "openai" else "")

    def answer(self, path: str, payload: dict[str, Any]) -> tuple[int, bytes]:
        if self.mode == "500":
            return 500, b'{"error": "model crashed"}'
        if self.mode == "flaky" and len(self.requests) == 1:
            return 503, b'{"error": "loading"}'
        if self.mode == "slow":
            time.sleep(self.delay)
        if self.mode == "garbage":
            return 200, b"<html>proxy error</html>"
        if self.mode == "wrong":
            return 200, b'{"result": "something else"}'
        if self.kind == "openai":
            if not path.endswith("/chat/completions"):
                return 404, b'{"error": "not found"}'
            system = payload["messages"][0]["content"]
            user = payload["messages"][-1]["content"]
            if "entailment" in system:
                statement, _, proposition = user.partition("\nPROPOSITION: ")
                content = entail_verdict(statement.removeprefix("STATEMENT: "), proposition)
            else:
                content = gloss(user)
            body = {"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
            return 200, json.dumps(body).encode()
        if not path.endswith("/translate"):
            return 404, b'{"error": "not found"}'
        q = payload["q"]
        texts = [gloss(t) for t in q] if isinstance(q, list) else gloss(q)
        return 200, json.dumps({"translatedText": texts}).encode()


@contextmanager
def serve(kind: str, mode: str = "ok", delay: float = 0.0) -> Iterator[FakeServer]:
    fake = FakeServer(kind, mode, delay)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            length = int(self.headers.get("Content-Length") or 0)
            payload = json.loads(self.rfile.read(length) or b"{}")
            fake.requests.append(payload)
            fake.headers.append(dict(self.headers))
            status, body = fake.answer(self.path, payload)
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client timed out and went away

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    fake.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
