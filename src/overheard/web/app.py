"""The workbench application: FastAPI over one case, Jinja2 pages, static files, guards.

    app = create_app(Case.open("overheard-case", create=False))

Every page answers at its URL as HTML and at the same URL + ``.json`` as data (``api.py``).
Guards, because the content is hostile and the browser is shared with the web at large:

- a strict Content-Security-Policy (scripts only from our own static folder, no inline code,
  no eval), on top of Jinja's autoescaping;
- a Host check, so a web page elsewhere cannot reach the loopback server by DNS rebinding;
- a same-origin check on uploads, so another site cannot post files into the case;
- when a token is set (required for a non-loopback address), every request must carry it.
"""

from __future__ import annotations

import inspect
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from overheard import __version__
from overheard.errors import OverheardError
from overheard.store.case import Case
from overheard.web import templating
from overheard.web.masking import Masker, load_masker
from overheard.web.queries import NotFound

HERE = Path(__file__).parent
STATIC = HERE / "static"
VENDOR = STATIC / "vendor"
TOKEN_COOKIE = "overheard_token"
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "::1", "[::1]"]

CSP = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)


def create_app(
    case: Case,
    *,
    token: str | None = None,
    allowed_hosts: list[str] | None = None,
    masker: Masker | None = None,
    process_uploads: bool = True,
) -> FastAPI:
    """The workbench over ``case``. ``allowed_hosts`` defaults to the loopback names; pass
    ``["*"]`` when a token guards a non-loopback address. ``masker`` defaults to the speech
    room's profanity filter when it is installed. ``process_uploads``: transcribe and analyse
    uploaded files in the background, as a CLI ingest would."""
    from overheard.web import api

    app = FastAPI(
        title="overheard workbench",
        version=__version__,
        description=(
            "The case as data: every workbench page has a JSON twin at its URL + `.json`. "
            "Records have the shapes of the JSONL export (docs/EXPORT.md)."
        ),
        # FastAPI's own docs pages load Swagger from a CDN; /api renders the spec locally.
        docs_url=None,
        redoc_url=None,
        **_no_telemetry(),
    )
    app.state.case = case
    app.state.masker = masker if masker is not None else load_masker()
    app.state.token = token
    app.state.process_uploads = process_uploads
    app.state.vendor_ready = (VENDOR / "htmx.min.js").is_file()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templating.install(templates.env)
    # The pages are the templates this code came with: each compiled now and never read from
    # disk again. Jinja re-reads a template that changed on disk, and a document.html edited
    # under a running workbench (an upgrade, a checkout moving on) used a filter the loaded
    # code lacked: every document page answered 500 until a restart (issue 10's soak).
    templates.env.auto_reload = False
    for name in templates.env.list_templates(extensions=["html"]):
        templates.env.get_template(name)
    app.state.templates = templates

    app.mount("/static", StaticFiles(directory=str(STATIC), check_dir=False), name="static")
    app.include_router(api.router)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return error_response(request, 404, str(exc))

    @app.exception_handler(OverheardError)
    async def user_error(request: Request, exc: OverheardError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # Starlette's own answers (no such page, a method a page does not take) as the
        # workbench's error page, or its JSON for a .json URL, not a bare {"detail": ...}.
        if exc.status_code == 404:
            return error_response(request, 404, f"no page at {request.url.path}")
        return await http_exception_handler(request, exc)  # 405 keeps its Allow header

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        expected = request.app.state.token
        if expected is not None:
            given = _token_of(request)
            if given is None or not secrets.compare_digest(given.encode(), expected.encode()):
                return error_response(
                    request, 401, "this workbench needs its access token (?token=…)"
                )
            if request.query_params.get("token") and request.method == "GET":
                # The token arrived in the URL: keep it in a cookie and drop it from the address
                # bar, so it is not left in history or copied into links.
                params = [(k, v) for k, v in parse_qsl(request.url.query) if k != "token"]
                target = request.url.path + ("?" + urlencode(params) if params else "")
                response: Response = RedirectResponse(target, status_code=303)
                response.set_cookie(TOKEN_COOKIE, expected, httponly=True, samesite="strict")
                return response
        if request.method == "POST" and not _same_origin(request):
            return error_response(request, 403, "cross-site request refused")
        if request.method == "GET" and "=&" in request.url.query + "&":
            # A form submits its empty fields as "name="; an empty filter means no filter.
            params = [(k, v) for k, v in parse_qsl(request.url.query, keep_blank_values=True) if v]
            target = request.url.path + ("?" + urlencode(params) if params else "")
            return RedirectResponse(target, status_code=307)
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        # Nothing leaves for another site; within the workbench a form's POST keeps its Origin
        # (under "no-referrer" a browser sends "Origin: null", which the guard above refuses).
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    # Added last so it runs first: a request for a foreign Host name is refused before anything.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK_HOSTS)
    return app


def _token_of(request: Request) -> str | None:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE)


def _same_origin(request: Request) -> bool:
    if request.headers.get("sec-fetch-site") == "cross-site":
        return False
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        # Non-browser clients (curl, the API) send no Origin; browsers always do on POST.
        return origin is None
    return urlsplit(origin).netloc == request.headers.get("host")


def wants_json(request: Request) -> bool:
    return request.url.path.endswith(".json")


def error_response(request: Request, status: int, message: str) -> Response:
    if wants_json(request) or "text/html" not in request.headers.get("accept", "text/html"):
        return JSONResponse({"error": message, "status": status}, status_code=status)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "message": message, **page_context(request)},
        status_code=status,
    )


def page_context(request: Request) -> dict[str, Any]:
    """What every page's frame needs besides its own data."""
    return {
        "vendor_ready": request.app.state.vendor_ready,
        "case_name": request.app.state.case.root.name,
        "version": __version__,
        "json_url": _json_url(request),
    }


def _json_url(request: Request) -> str | None:
    path = request.url.path
    if path.endswith(".json") or path.startswith("/static") or path.endswith("/media"):
        return None
    base = path.rstrip("/") or "/documents"
    return base + ".json" + (f"?{request.url.query}" if request.url.query else "")


def _no_telemetry() -> dict[str, Any]:
    """FastAPI 0.16x traces requests through OpenTelemetry wherever the environment configures
    a provider (or FASTAPI_OTEL_AUTO_CONFIGURE): off, whatever the environment says
    (docs/PRIVACY.md). Older FastAPI has no such option."""
    if "telemetry" not in inspect.signature(FastAPI.__init__).parameters:
        return {}
    off = {"tracing": False, "metrics": False, "logs": False, "auto_configure": False}
    return {"telemetry": off}
