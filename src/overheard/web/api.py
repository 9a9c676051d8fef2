"""The workbench's routes. Each page is one query (``queries.py``) shown two ways: as HTML at its
URL and as JSON at the same URL + ``.json``. The OpenAPI spec is at /openapi.json and shown as a
page at /api."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, BeforeValidator

from overheard.errors import OverheardError
from overheard.store.case import Case
from overheard.web import markup, queries
from overheard.web.app import page_context
from overheard.web.upload import ingest_uploads

router = APIRouter()

MAX_ID = 2**62  # ids beyond SQLite's integer range cannot exist; refused as invalid, not a crash
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Kind = Literal["text", "audio", "video"]
Record = dict[str, Any]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(value: object) -> object:
    """Dates as the spec says, YYYY-MM-DD; pydantic alone would also read "0" as 1970-01-01."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


def the_case(request: Request) -> Case:
    return request.app.state.case  # type: ignore[no-any-return]


CaseDep = Annotated[Case, Depends(the_case)]


def render(request: Request, template: str, data: dict[str, Any], **extra: Any) -> Response:
    templates = request.app.state.templates
    return templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, {"page": data, **extra, **page_context(request)}
    )


# ------------------------------------------------------------------------------- models


class Counts(BaseModel):
    documents: int
    segments: int
    mentions: int
    entities: int
    statements: int
    events: int
    by_kind: dict[str, int]
    by_status: dict[str, int]
    unresolved_failures: int


class DocumentsPage(BaseModel):
    filters: dict[str, str]
    total: int
    limit: int
    offset: int
    documents: list[Record]
    counts: Counts
    facets: Record
    failures: list[Record]


class DocumentPage(BaseModel):
    document: Record
    source: Record | None
    segments: list[Record]
    mentions: list[Record]
    statements: list[Record]
    events: list[Record]
    speakers: list[Record]
    translations: list[Record]
    rendering: Literal["verbatim", "publication"]
    masking: Record
    media_url: str | None


class SearchPage(BaseModel):
    query: str
    filters: dict[str, str]
    limit: int
    offset: int
    hits: list[Record]
    error: str | None = None


class EntitiesPage(BaseModel):
    filters: dict[str, str]
    total: int
    limit: int
    offset: int
    types: list[Record]
    entities: list[Record]


class EntityPage(BaseModel):
    entity: Record
    produced_by: Record | None
    mention_count: int
    mentions: list[Record]
    statements_by: list[Record]
    statements_about: list[Record]


class StatementsPage(BaseModel):
    filters: Record
    total: int
    limit: int
    offset: int
    acts: list[Record]
    speakers: list[Record]
    statements: list[Record]


class EventsPage(BaseModel):
    filters: dict[str, str]
    total: int
    limit: int
    offset: int
    types: list[Record]
    events: list[Record]


class UploadResult(BaseModel):
    summary: dict[str, int]
    outcomes: list[Record]


class ErrorBody(BaseModel):
    error: str
    status: int


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorBody,
        "description": "A request the record cannot answer (e.g. a query with no words)",
    },
    404: {"model": ErrorBody, "description": "No such record"},
}
BAD_MULTIPART: dict[str, Any] = {"description": "The body is not well-formed multipart data"}
HTML = {"content": {"text/html": {}}, "description": "The page"}

# ---------------------------------------------------------------------------- documents


def document_filters(
    source: Annotated[int | None, Query(ge=1, le=MAX_ID, description="Source id")] = None,
    language: Annotated[
        str | None, Query(max_length=20, description="ISO code: ru, uk, en…")
    ] = None,
    kind: Annotated[Kind | None, Query()] = None,
    status: Annotated[
        str | None, Query(max_length=40, description="ready, awaiting_transcription…")
    ] = None,
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


@router.get(
    "/documents.json",
    response_model=DocumentsPage,
    tags=["documents"],
    summary="Documents, filtered, with counts and ingest failures",
)
def documents_json(case: CaseDep, f: Filters, limit: Limit = 50, offset: Offset = 0) -> Record:
    return queries.documents(case, f, limit, offset)


@router.get(
    "/documents",
    response_class=HTMLResponse,
    responses={200: HTML},
    tags=["pages"],
    summary="Documents page",
)
def documents_html(
    request: Request, case: CaseDep, f: Filters, limit: Limit = 50, offset: Offset = 0
) -> Response:
    return render(request, "documents.html", queries.documents(case, f, limit, offset))


Rendering = Annotated[
    Literal["verbatim", "publication"],
    Query(description="publication: swearing masked (needs the speech room's profanity filter)"),
]


@router.get(
    "/documents/{doc_id}.json",
    response_model=DocumentPage,
    responses=ERRORS,
    tags=["documents"],
    summary="One document with segments, translations, mentions, statements and events",
)
def document_json(
    request: Request, case: CaseDep, doc_id: Id, rendering: Rendering = "verbatim"
) -> Record:
    return queries.document(case, doc_id, request.app.state.masker, rendering == "publication")


@router.get(
    "/documents/{doc_id}",
    response_class=HTMLResponse,
    responses={200: HTML, 404: {"description": "No such document"}},
    tags=["pages"],
    summary="Document page",
)
def document_html(
    request: Request, case: CaseDep, doc_id: Id, rendering: Rendering = "verbatim"
) -> Response:
    page = queries.document(case, doc_id, request.app.state.masker, rendering == "publication")
    return render(request, "document.html", page, rows=markup.rows(page))


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

Query_ = Annotated[str, Query(max_length=500, description='Words (prefix match) or "a phrase"')]


def _search(
    case: Case, q: str, language: str | None, kind: str | None, limit: int, offset: int
) -> Record:
    if not q.strip():
        return {"query": q, "filters": {}, "limit": limit, "offset": offset, "hits": []}
    try:
        return queries.search(case, q, language=language, kind=kind, limit=limit, offset=offset)
    except OverheardError as exc:
        # A query with no words in it is a question to answer on the page, not a failure.
        return {
            "query": q,
            "filters": {},
            "limit": limit,
            "offset": offset,
            "hits": [],
            "error": str(exc),
        }


Lang = Annotated[str | None, Query(max_length=20, description="Only segments in this language")]


@router.get(
    "/search.json",
    response_model=SearchPage,
    tags=["search"],
    summary="Full-text search over every sentence and utterance",
)
def search_json(
    case: CaseDep,
    q: Query_ = "",
    language: Lang = None,
    kind: Kind | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Offset = 0,
) -> Record:
    return _search(case, q, language, kind, limit, offset)


@router.get(
    "/search",
    response_class=HTMLResponse,
    responses={200: HTML},
    tags=["pages"],
    summary="Search page",
)
def search_html(
    request: Request,
    case: CaseDep,
    q: Query_ = "",
    language: Lang = None,
    kind: Kind | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    offset: Offset = 0,
) -> Response:
    page = _search(case, q, language, kind, limit, offset)
    return render(request, "search.html", page, languages=queries.search_languages(case))


# ----------------------------------------------------------------------------- entities

EntityType = Annotated[
    str | None, Query(max_length=30, description="PERSON, ORG, GPE, LOC, MIL_UNIT…")
]
Name = Annotated[str | None, Query(max_length=200, description="Part of the name")]


@router.get(
    "/entities.json",
    response_model=EntitiesPage,
    tags=["entities"],
    summary="Entities, most mentioned first",
)
def entities_json(
    case: CaseDep,
    type: EntityType = None,
    name: Name = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Record:
    return queries.entities(case, type, name, limit, offset)


@router.get(
    "/entities",
    response_class=HTMLResponse,
    responses={200: HTML},
    tags=["pages"],
    summary="Entities page",
)
def entities_html(
    request: Request,
    case: CaseDep,
    type: EntityType = None,
    name: Name = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    return render(request, "entities.html", queries.entities(case, type, name, limit, offset))


@router.get(
    "/entities/{entity_id}.json",
    response_model=EntityPage,
    responses=ERRORS,
    tags=["entities"],
    summary="One entity: names, mentions in context, statements by and about it",
)
def entity_json(case: CaseDep, entity_id: Id) -> Record:
    return queries.entity(case, entity_id)


@router.get(
    "/entities/{entity_id}",
    response_class=HTMLResponse,
    responses={200: HTML, 404: {"description": "No such entity"}},
    tags=["pages"],
    summary="Entity page",
)
def entity_html(request: Request, case: CaseDep, entity_id: Id) -> Response:
    return render(request, "entity.html", queries.entity(case, entity_id))


# --------------------------------------------------------------------------- statements

Speaker = Annotated[
    str | None, Query(max_length=200, description="Part of the speaker's words or entity name")
]
Act = Annotated[str | None, Query(max_length=30, description="assert, deny, allege, warn…")]
DocumentRef = Annotated[int | None, Query(ge=1, le=MAX_ID, description="Only this document")]
Hedged = Annotated[bool | None, Query(description="Only hedged (or unhedged) statements")]


@router.get(
    "/statements.json", response_model=StatementsPage, tags=["statements"], summary="Who said what"
)
def statements_json(
    case: CaseDep,
    speaker: Speaker = None,
    act: Act = None,
    document: DocumentRef = None,
    hedged: Hedged = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Record:
    return queries.statements(
        case,
        speaker=speaker,
        act=act,
        document_id=document,
        hedged=hedged,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/statements",
    response_class=HTMLResponse,
    responses={200: HTML},
    tags=["pages"],
    summary="Statements page",
)
def statements_html(
    request: Request,
    case: CaseDep,
    speaker: Speaker = None,
    act: Act = None,
    document: DocumentRef = None,
    hedged: Hedged = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    page = queries.statements(
        case,
        speaker=speaker,
        act=act,
        document_id=document,
        hedged=hedged,
        limit=limit,
        offset=offset,
    )
    return render(request, "statements.html", page)


# ------------------------------------------------------------------------------- events

EventType = Annotated[str | None, Query(max_length=30, description="PLOVER type")]
From = Annotated[
    date | None, BeforeValidator(iso_date), Query(description="On or after (YYYY-MM-DD)")
]
To = Annotated[
    date | None, BeforeValidator(iso_date), Query(description="On or before (YYYY-MM-DD)")
]
EventLimit = Annotated[int, Query(ge=1, le=5000)]


@router.get(
    "/events.json",
    response_model=EventsPage,
    tags=["events"],
    summary="Events in time order, with places where resolved",
)
def events_json(
    case: CaseDep,
    type: EventType = None,
    date_from: From = None,
    date_to: To = None,
    limit: EventLimit = 500,
    offset: Offset = 0,
) -> Record:
    return queries.events(
        case, event_type=type, date_from=date_from, date_to=date_to, limit=limit, offset=offset
    )


@router.get(
    "/events",
    response_class=HTMLResponse,
    responses={200: HTML},
    tags=["pages"],
    summary="Events page: timeline and map",
)
def events_html(
    request: Request,
    case: CaseDep,
    type: EventType = None,
    date_from: From = None,
    date_to: To = None,
    limit: EventLimit = 500,
    offset: Offset = 0,
) -> Response:
    page = queries.events(
        case, event_type=type, date_from=date_from, date_to=date_to, limit=limit, offset=offset
    )
    return render(request, "events.html", page)


# ------------------------------------------------------------------------------- upload


@router.get(
    "/upload",
    response_class=HTMLResponse,
    responses={200: HTML},
    tags=["pages"],
    summary="Upload page",
)
def upload_page(request: Request, case: CaseDep) -> Response:
    return render(
        request,
        "upload.html",
        {
            "result": None,
            "failures": queries.documents(case, queries.DocumentFilters(), 1)["failures"],
        },
    )


Files = Annotated[list[UploadFile], File(description="Files to ingest, as the CLI would")]
SourceName = Annotated[
    str | None, Form(max_length=500, description="Who published or released them")
]


@router.post(
    "/upload.json",
    response_model=UploadResult,
    responses={400: BAD_MULTIPART},
    tags=["upload"],
    summary="Ingest uploaded files (same path and errors as `overheard ingest`)",
)
def upload_json(request: Request, case: CaseDep, files: Files, source: SourceName = None) -> Record:
    return ingest_uploads(case, files, source or None, request.app.state.process_uploads)


@router.post(
    "/upload",
    response_class=HTMLResponse,
    tags=["pages"],
    responses={200: HTML, 400: BAD_MULTIPART},
    summary="Upload form target",
)
def upload_html(
    request: Request, case: CaseDep, files: Files, source: SourceName = None
) -> Response:
    result = ingest_uploads(case, files, source or None, request.app.state.process_uploads)
    templates = request.app.state.templates
    if request.headers.get("hx-request"):
        return templates.TemplateResponse(request, "_upload_result.html", {"result": result})  # type: ignore[no-any-return]
    failures = queries.documents(case, queries.DocumentFilters(), 1)["failures"]
    return render(request, "upload.html", {"result": result, "failures": failures})


# ---------------------------------------------------------------------------------- API


@router.get("/api", response_class=HTMLResponse, include_in_schema=False)
def api_page(request: Request) -> Response:
    return render(request, "api.html", request.app.openapi())
