"""JSON over HTTP for the back-ends: a timeout on every request, retries with back-off for
what may pass (a refused connection, a timeout, a 429 or 5xx), and errors a user can read.

The standard library is enough (a POST of JSON, an answer in JSON) and keeps the back-ends
free of a client dependency. Only the URL the user configured is ever contacted.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from overheard.errors import NotAvailable, OverheardError

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class BackendDown(NotAvailable):
    """The service could not be reached, or kept failing: nothing was stored, try later. A
    stage stops on it (the next document would meet the same), where another error fails
    one document."""


class BackendError(OverheardError):
    """The service answered, but not with something usable (an error, or garbage)."""


def post_json(
    url: str,
    payload: dict[str, Any],
    *,
    headers: dict[str, str] | None = None,
    timeout: float = 60.0,
    retries: int = 2,
    what: str = "the back-end",
) -> Any:
    """POST ``payload`` as JSON and return the decoded answer. Retries ``retries`` times
    (1 s, 2 s, … apart) when the service is unreachable or answers 408/429/5xx."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    request_headers = {"Content-Type": "application/json", "Accept": "application/json"}
    request_headers.update(headers or {})
    last = ""
    for attempt in range(retries + 1):
        if attempt:
            time.sleep(min(2.0 ** (attempt - 1), 8.0))
        request = urllib.request.Request(url, data=body, headers=request_headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as exc:
            detail = _detail(exc)
            if exc.code in RETRY_STATUSES:
                last = f"HTTP {exc.code}{detail}"
                continue
            raise BackendError(
                f"{what} at {url} refused the request: HTTP {exc.code}{detail}"
            ) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            reason = getattr(exc, "reason", exc)
            last = "timed out" if isinstance(reason, TimeoutError) else str(reason)
            continue
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise BackendError(
                f"{what} at {url} answered with something that is not JSON: {_clip(raw)}"
            ) from exc
    tries = f"{retries + 1} tries" if retries else "1 try"
    raise BackendDown(f"{what} at {url} is not answering ({last}; {tries})")


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        raw = exc.read()
    except OSError:
        return ""
    return f": {_clip(raw)}" if raw else ""


def _clip(raw: bytes, size: int = 160) -> str:
    text = raw.decode("utf-8", "replace").replace("\n", " ").strip()
    return text if len(text) <= size else text[:size] + "…"
