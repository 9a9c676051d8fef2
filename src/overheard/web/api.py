"""The workbench's routes. Each page is one route function over one query (``queries.py``):
declared once with ``@page``, it answers as HTML at its URL and as JSON at the same URL +
``.json``, from the same page model (``pages.py``), which is also the JSON twin's response model
in the OpenAPI spec (/openapi.json, shown as a page at /api)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, BeforeValidator

from overheard.link.board import ClaimFilter
from overheard.records import Model
from overheard.store.case import Case
from overheard.store.schema import DocumentStatus
from overheard.web import markup, queries
from overheard.web.app import page_context, wants_json
from overheard.web.pages import (
    ClaimBoardPage,
    ClaimsPage,
    DocumentPage,
    DocumentsPage,
    EntitiesPage,
    EntityDecision,
    EntityHistory,
    EntityPage,
    ErrorBody,
    EventsPage,
    MergeRequest,
    SearchPage,
    SplitRequest,
    StatementsPage,
    UnreadableBody,
    UploadResult,
)
from overheard.web.upload import ingest_uploads

router = APIRouter()

MAX_ID = 2**62  # ids beyond SQLite's integer range cannot exist; refused as invalid, not a crash
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Kind = Literal["text", "audio", "video"]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(value: object) -> object:
    """Dates as the spec says, YYYY-MM-DD; pydantic alone would also read "0" as 1970-01-01."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


def the_case(request: Request) -> Case:
    return request.app.state.case  # type: ignore[no-any-return]


CaseDep = Annotated[Case, Depends(the_case)]

ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorBody,
        "description": "A request the record cannot answer (e.g. a query with no words)",
    },
    404: {"model": ErrorBody, "description": "No such record"},
}
BAD_MULTIPART: dict[str, Any] = {"description": "The body is not well-formed multipart data"}
HTML = {"content": {"text/html": {}}, "description": "The page"}


def page(
    path: str,
    model: type[BaseModel],
    *,
    tag: str,
    summary: str,
    not_found: str | None = None,
    method: str = "GET",
    responses: dict[int | str, dict[str, Any]] | None = None,
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Declare one page: its route function answers at ``path`` (HTML) and ``path.json`` (the
    data, typed by ``model``), with one set of parameters. The function returns ``show(...)``."""

    def register(endpoint: Callable[..., Response]) -> Callable[..., Response]:
        extra = responses or {}
        # The twin first: "/documents/{doc_id}" would otherwise take "3.json" for an id.
        router.api_route(
            path + ".json",
            methods=[method],
            response_model=model,
            responses={**(ERRORS if not_found else {}), **extra},
            tags=[tag],
            summary=summary,
        )(endpoint)
        router.api_route(
            path,
            methods=[method],
            response_class=HTMLResponse,
            response_model=None,
            responses={
                200: HTML,
                **({404: {"description": not_found}} if not_found else {}),
                **extra,
            },
            tags=["pages"],
            summary=f"{summary} (page)",
        )(endpoint)
        return endpoint

    return register


def show(
    request: Request,
    data: Model,
    template: str,
    html_context: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> Response:
    """The page's data as its JSON twin, or rendered by ``template`` from the same dict (plus
    what ``html_context`` derives from it for the HTML alone)."""
    if wants_json(request):
        return Response(data.dump_json(), media_type="application/json")
    dumped = data.dump()
    return render(request, template, dumped, **(html_context(dumped) if html_context else {}))


def render(request: Request, template: str, data: dict[str, Any], **extra: Any) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, {"page": data, **extra, **page_context(request)}
    )


# ---------------------------------------------------------------------------- documents


def document_filters(
    source: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Source id")] = None,
    language: Annotated[
        str | None, Query(max_length=20, description="ISO code: ru, uk, en…")
    ] = None,
    kind: Annotated[Kind | None, Query()] = None,
    status: Annotated[DocumentStatus | None, Query()] = None,
    date_from: Annotated[
        date | None,
        BeforeValidator(iso_date),
        Query(description="Published on or after (YYYY-MM-DD)"),
    ] = None,
    date_to: Annotated[
        date | None,
        BeforeValidator(iso_date),
        Query(description="Published on or before (YYYY-MM-DD)"),
    ] = None,
    has_statements: Annotated[
        bool | None, Query(description="Only documents with (or without) statements")
    ] = None,
) -> queries.DocumentFilters:
    return queries.DocumentFilters(
        source, language, kind, status, date_from, date_to, has_statements
    )


Filters = Annotated[queries.DocumentFilters, Depends(document_filters)]
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=10**9)]


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/documents", status_code=307)


@page(
    "/documents",
    DocumentsPage,
    tag="documents",
    summary="Documents, filtered, with counts and ingest failures",
)
def documents(
    request: Request, case: CaseDep, f: Filters, limit: Limit = 50, offset: Offset = 0
) -> Response:
    return show(request, queries.documents(case, f, limit, offset), "documents.html")


Rendering = Annotated[
    Literal["verbatim", "publication"],
    Query(description="publication: swearing masked (needs the speech room's profanity filter)"),
]


@page(
    "/documents/{doc_id}",
    DocumentPage,
    tag="documents",
    summary="One document with segments, translations, mentions, statements and events",
    not_found="No such document",
)
def document(
    request: Request,
    case: CaseDep,
    doc_id: Id,
    rendering: Rendering = "verbatim",
    translation: Annotated[
        str | None,
        Query(description="Whose English rendering to show: BACKEND or BACKEND:MODEL"),
    ] = None,
) -> Response:
    data = queries.document(
        case, doc_id, request.app.state.masker, rendering == "publication", translation
    )
    return show(request, data, "document.html", lambda d: {"rows": markup.rows(d)})


@router.get(
    "/documents/{doc_id}/media",
    response_class=FileResponse,
    responses={
        200: {
            "content": {"audio/*": {}, "video/*": {}},
            "description": "The original recording, byte for byte (Range requests supported)",
        },
        404: {"description": "No recording"},
    },
    tags=["documents"],
    summary="The original recording of an audio or video document",
)
def document_media(case: CaseDep, doc_id: Id) -> FileResponse:
    # Found by document id only: no path from the request ever reaches the file system.
    path, media_type = queries.media(case, doc_id)
    return FileResponse(
        path,
        media_type=media_type,
        content_disposition_type="inline",
        filename=f"document-{doc_id}",
    )


# ------------------------------------------------------------------------------- search

Words = Annotated[str, Query(max_length=500, description='Words (prefix match) or "a phrase"')]
Lang = Annotated[str | None, Query(max_length=20, description="Only segments in this language")]


@page(
    "/search",
    SearchPage,
    tag="search",
    summary="Full-text search over every sentence and utterance",
)
def search(
    request: Request,
    case: CaseDep,
    q: Words = "",
    language: Lang = None,
    kind: Kind | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Offset = 0,
    within: Annotated[
        Literal["originals", "translations"],
        Query(description="Search the originals, or their machine translations"),
    ] = "originals",
) -> Response:
    data = queries.search(
        case, q, language=language, kind=kind, limit=limit, offset=offset, within=within
    )
    return show(
        request, data, "search.html", lambda _: {"languages": queries.search_languages(case)}
    )


# ----------------------------------------------------------------------------- entities

EntityType = Annotated[
    str | None, Query(max_length=30, description="PERSON, ORG, GPE, LOC, MIL_UNIT…")
]
Name = Annotated[str | None, Query(max_length=200, description="Part of the name")]


@page("/entities", EntitiesPage, tag="entities", summary="Entities, most mentioned first")
def entities(
    request: Request,
    case: CaseDep,
    type: EntityType = None,
    name: Name = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    return show(request, queries.entities(case, type, name, limit, offset), "entities.html")


@page(
    "/entities/{entity_id}",
    EntityPage,
    tag="entities",
    summary="One entity: names, mentions in context, statements by and about it",
    not_found="No such entity",
)
def entity(request: Request, case: CaseDep, entity_id: Id) -> Response:
    return show(
        request,
        queries.entity(case, entity_id),
        "entity.html",
        lambda d: {
            "candidates": queries.merge_candidates(case, entity_id),
            "split_names": split_names(d["entity"]),
        },
    )


def split_names(entity: dict[str, Any]) -> list[str]:
    """The names a split can give an entity of their own: any, where it has more than one."""
    names = list(dict.fromkeys(n["name"] for n in entity.get("names") or []))
    return names if len(names) > 1 else []


def actor_of(request: Request, given: str | None) -> str:
    """Who made a decision: the name given, and that it came through the workbench from this
    address (the workbench has no accounts; its token only says the caller may use it)."""
    host = request.client.host if request.client else "unknown address"
    name = " ".join((given or "").split())[:100]
    return f"{name} (workbench, {host})" if name else f"workbench ({host})"


DECISION_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorBody | UnreadableBody,
        "description": "A merge or split that cannot be done, and why; or a body that cannot "
        "be read",
    },
    403: {"model": ErrorBody, "description": "A request from another site"},
    404: {"model": ErrorBody, "description": "No such entity"},
}


@router.post(
    "/api/entities/{entity_id}/merge",
    response_model=EntityDecision,
    responses=DECISION_ERRORS,
    tags=["entities"],
    summary="Merge entity `other` into this one (recorded with who, when and the note)",
)
def merge_entity(
    request: Request, case: CaseDep, entity_id: Id, body: MergeRequest
) -> EntityDecision:
    return queries.decide(
        case, "merge", entity_id, other=body.other, actor=actor_of(request, body.actor),
        note=body.note,
    )  # fmt: skip


@router.post(
    "/api/entities/{entity_id}/split",
    response_model=EntityDecision,
    responses=DECISION_ERRORS,
    tags=["entities"],
    summary="Give this entity's mentions written as `name` an entity of their own (recorded)",
)
def split_entity(
    request: Request, case: CaseDep, entity_id: Id, body: SplitRequest
) -> EntityDecision:
    return queries.decide(
        case, "split", entity_id, name=body.name, actor=actor_of(request, body.actor),
        note=body.note,
    )  # fmt: skip


@router.get(
    "/api/entities/{entity_id}/history",
    response_model=EntityHistory,
    responses={404: ERRORS[404]},
    tags=["entities"],
    summary="The merges and splits recorded for this entity, newest first",
)
def entity_history(case: CaseDep, entity_id: Id) -> EntityHistory:
    return queries.entity_history(case, entity_id)


# The entity page's own forms: a browser posts form fields and is sent back to a page. They
# answer as the API above does (404, 400 with the reason) and are left out of the spec.
Note = Annotated[str | None, Form(max_length=2000)]
Actor = Annotated[str | None, Form(max_length=100)]


@router.post("/entities/{entity_id}/merge-into", include_in_schema=False)
def merge_into_form(
    request: Request,
    case: CaseDep,
    entity_id: Id,
    into: Annotated[int, Form(ge=1, le=MAX_ID)],
    note: Note = None,
    actor: Actor = None,
) -> RedirectResponse:
    done = queries.decide(
        case, "merge", into, other=entity_id, actor=actor_of(request, actor), note=note
    )
    return RedirectResponse(done.url + "#history", status_code=303)


@router.post("/entities/{entity_id}/split", include_in_schema=False)
def split_form(
    request: Request,
    case: CaseDep,
    entity_id: Id,
    name: Annotated[str, Form(min_length=1, max_length=500)],
    note: Note = None,
    actor: Actor = None,
) -> RedirectResponse:
    queries.decide(case, "split", entity_id, name=name, actor=actor_of(request, actor), note=note)
    return RedirectResponse(f"/entities/{entity_id}#history", status_code=303)


# --------------------------------------------------------------------------- statements

Speaker = Annotated[
    str | None, Query(max_length=200, description="Part of the speaker's words or entity name")
]
Act = Annotated[str | None, Query(max_length=30, description="assert, deny, allege, warn…")]
DocumentRef = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this document")]
Hedged = Annotated[bool | None, Query(description="Only hedged (or unhedged) statements")]


@page("/statements", StatementsPage, tag="statements", summary="Who said what")
def statements(
    request: Request,
    case: CaseDep,
    speaker: Speaker = None,
    act: Act = None,
    document: DocumentRef = None,
    hedged: Hedged = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    data = queries.statements(
        case,
        speaker=speaker,
        act=act,
        document_id=document,
        hedged=hedged,
        limit=limit,
        offset=offset,
    )
    return show(request, data, "statements.html")


# ------------------------------------------------------------------------------- claims


def claim_filters(
    about: Annotated[
        str | None,
        Query(max_length=200, description="An entity in any script (Kursk, Курск), or a word"),
    ] = None,
    speaker: Annotated[
        str | None, Query(max_length=200, description="A speaker who took a stance (part of it)")
    ] = None,
    language: Annotated[
        str | None, Query(max_length=20, description="Stated in this language (ru, uk, en…)")
    ] = None,
    lang: Annotated[
        str | None,
        Query(max_length=20, description="The same as language (the CLI's --lang)"),
    ] = None,
    since: Annotated[
        date | None, BeforeValidator(iso_date), Query(description="Said on or after (YYYY-MM-DD)")
    ] = None,
    until: Annotated[
        date | None,
        BeforeValidator(iso_date),
        Query(description="Said on or before (YYYY-MM-DD)"),
    ] = None,
    contested: Annotated[bool, Query(description="Only claims both asserted and denied")] = False,
    changed: Annotated[
        bool, Query(description="Only claims on which a speaker changed position")
    ] = False,
) -> ClaimFilter:
    return ClaimFilter(about, speaker, language or lang, since, until, contested, changed)


ClaimFilters = Annotated[ClaimFilter, Depends(claim_filters)]


@page(
    "/claims",
    ClaimsPage,
    tag="claims",
    summary="Claims, most-sourced first, with how many independent sources assert and deny",
)
def claims(
    request: Request, case: CaseDep, f: ClaimFilters, limit: Limit = 50, offset: Offset = 0
) -> Response:
    return show(
        request,
        queries.claims(case, f, limit, offset),
        "claims.html",
        lambda _: {"languages": queries.search_languages(case)},
    )


@page(
    "/claims/{claim_id}",
    ClaimBoardPage,
    tag="claims",
    summary="One claim's board: asserters, deniers, hedged; position changes; timeline",
    not_found="No such claim",
)
def claim(request: Request, case: CaseDep, claim_id: Id) -> Response:
    return show(request, queries.claim_board(case, claim_id), "claim.html", timeline_chart)


def timeline_chart(page: dict[str, Any]) -> dict[str, Any]:
    """Where each source's first stance sits on the board's small SVG timeline (x in 0..1000;
    SVG attributes, since the CSP allows no inline styles)."""
    dated = [(datetime.fromisoformat(t["first_said"]), t) for t in page["timeline"]
             if t["first_said"]]  # fmt: skip
    if not dated:
        return {"chart": None}
    first, last = min(w for w, _ in dated), max(w for w, _ in dated)
    span = (last - first).total_seconds()
    left, width = 10, 980
    points = [
        {
            "x": round(left + (width * (when - first).total_seconds() / span if span else 0), 1),
            "y": 22 + 18 * i,
            "entry": t,
        }
        for i, (when, t) in enumerate(dated)
    ]
    return {"chart": {"points": points, "height": 34 + 18 * len(points),
                      "first": first.date().isoformat(), "last": last.date().isoformat()}}  # fmt: skip


# ------------------------------------------------------------------------------- events

EventType = Annotated[str | None, Query(max_length=30, description="PLOVER type")]
From = Annotated[
    date | None, BeforeValidator(iso_date), Query(description="On or after (YYYY-MM-DD)")
]
To = Annotated[
    date | None, BeforeValidator(iso_date), Query(description="On or before (YYYY-MM-DD)")
]
EventLimit = Annotated[int, Query(ge=1, le=5000)]


@page(
    "/events",
    EventsPage,
    tag="events",
    summary="Events in time order, with places where resolved",
)
def events(
    request: Request,
    case: CaseDep,
    type: EventType = None,
    date_from: From = None,
    date_to: To = None,
    limit: EventLimit = 200,
    offset: Offset = 0,
) -> Response:
    data = queries.events(
        case, event_type=type, date_from=date_from, date_to=date_to, limit=limit, offset=offset
    )
    return show(request, data, "events.html")


# ------------------------------------------------------------------------------- upload


@router.get(
    "/upload",
    response_class=HTMLResponse,
    responses={200: HTML},
    tags=["pages"],
    summary="Upload page",
)
def upload_page(request: Request, case: CaseDep) -> Response:
    failures = [f.dump() for f in queries.failures(case)]
    return render(request, "upload.html", {"result": None, "failures": failures})


Files = Annotated[list[UploadFile], File(description="Files to ingest, as the CLI would")]
SourceName = Annotated[
    str | None, Form(max_length=500, description="Who published or released them")
]


@page(
    "/upload",
    UploadResult,
    tag="upload",
    method="POST",
    summary="Ingest uploaded files (same path and errors as `overheard ingest`)",
    responses={400: BAD_MULTIPART},
)
def upload(request: Request, case: CaseDep, files: Files, source: SourceName = None) -> Response:
    result = UploadResult.model_validate(
        ingest_uploads(case, files, source or None, request.app.state.process_uploads)
    )
    if wants_json(request):
        return Response(result.dump_json(), media_type="application/json")
    if request.headers.get("hx-request"):
        # htmx asked for the result alone, to put in the page it was sent from.
        templates = request.app.state.templates
        return templates.TemplateResponse(  # type: ignore[no-any-return]
            request, "_upload_result.html", {"result": result.dump()}
        )
    failures = [f.dump() for f in queries.failures(case)]
    return render(request, "upload.html", {"result": result.dump(), "failures": failures})


# ---------------------------------------------------------------------------------- API


@router.get("/api", response_class=HTMLResponse, include_in_schema=False)
def api_page(request: Request) -> Response:
    return render(request, "api.html", request.app.openapi())
