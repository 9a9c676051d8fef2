"""The case as FollowTheMoney entities, for Aleph and the ``ftm`` tools: ``overheard export
--format ftm``, one entity (``EntityProxy.to_dict()``) a line.

Every entity is made with the followthemoney library from the same record models as the JSONL
export (``overheard.records``), so its values are cleaned by the library's types (languages
as ISO 639-3, countries, dates). The mapping, documented in docs/EXPORT.md:

- document → ``PlainText`` / ``HyperText`` (texts), ``Audio`` / ``Video`` (recordings, their
  transcript as ``bodyText``, one line an utterance with its seconds and speaker);
- entity → ``Person``, ``Organization`` (organisations, military units), ``PublicBody`` (a
  country's body, as the alias lexicon keys it: ``ORG:defence-ministry@RU``), ``LegalEntity``
  (groups), ``Address`` (places, with their point); equipment and nationalities have no FtM
  schema and are left out;
- mention → ``Mention`` (``resolved`` to its entity where that is a legal entity), and for
  places a ``Documentation`` linking the document and the ``Address``;
- statement → ``Event`` (the act of saying: ``organizer`` the speaker, ``summary`` the words,
  ``proof`` the document, ``recordId`` the statement's id);
- claim → ``Note`` (the proposition and its board's counts), each board line an
  ``UnknownLink`` from the statement to the claim with ``role`` ``asserts`` or ``denies``;
- event → ``Event`` (PLOVER type in ``keywords``, ``organizer`` the actor, ``involved`` actor
  and recipient, ``addressEntity`` the place, ``proof`` the document).

Ids are ``overheard-<type>-<number>`` (``statement:12`` → ``overheard-statement-12``), so an FtM
entity names the record it comes from; Aleph namespaces them per collection.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy import select

from overheard import __version__
from overheard.errors import OverheardError
from overheard.export.context import EntityInfo, ExportContext, chunks
from overheard.export.jsonl import models_in
from overheard.records import (
    ClaimRecord,
    DocumentRecord,
    EntityRecord,
    EventRecord,
    Lookups,
    MentionRecord,
    SegmentRecord,
    StatementRecord,
    number,
)
from overheard.store.case import Case
from overheard.store.schema import Segment

PREFIX = "overheard"
AGENT = f"overheard {__version__}"
BATCH = 500
# Entity types as FtM schemata; the others (EQUIPMENT, NORP, DATE...) have none.
SCHEMATA = {
    "PERSON": "Person",
    "ORG": "Organization",
    "MIL_UNIT": "Organization",
    "GROUP": "LegalEntity",
    "GPE": "Address",
    "LOC": "Address",
    "FAC": "Address",
}
# Schemata a Mention can be ``resolved`` to, an Event's ``organizer`` and ``involved``.
LEGAL = {"Person", "Organization", "PublicBody", "LegalEntity"}


def _model() -> Any:
    try:
        from followthemoney import model
    except ImportError as exc:
        raise OverheardError(
            f"the FollowTheMoney export needs the ftm extra (pip install 'overheard[ftm]'): {exc}"
        ) from None
    return model


def fid(ref: str) -> str:
    """The FtM id of a record: ``"statement:12"`` → ``"overheard-statement-12"``."""
    kind, _, n = ref.partition(":")
    return f"{PREFIX}-{kind}-{n}"


def schema_of(entity: EntityInfo) -> str | None:
    """The FtM schema an entity is exported as, or None where FtM has none for it."""
    schema = SCHEMATA.get(entity.type)
    if schema == "Organization" and entity.key and "@" in entity.key:
        return "PublicBody"  # a country's ministry, army, service: entity_aliases.tsv
    return schema


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{seconds % 60:04.1f}"


def _where(ev: Any) -> str:
    """A statement's or event's evidence in words: its characters or its seconds."""
    parts = [ev.document_id]
    if getattr(ev, "segment_id", None):
        parts.append(ev.segment_id)
    start_s = getattr(ev, "start_s", None)
    if start_s is not None:
        parts.append(f"{_clock(start_s)}–{_clock(getattr(ev, 'end_s', None))}")
    elif ev.start_char is not None:
        parts.append(f"characters {ev.start_char}–{ev.end_char}")
    return ", ".join(parts)


class Builder:
    """Makes FtM entities from records; one per export, holding its context."""

    def __init__(self, ctx: ExportContext) -> None:
        self.model = _model()
        self.ctx = ctx
        # Each statement's document, as statements are built: a board line's date is its.
        self.statement_documents: dict[str, str] = {}

    def make(self, schema: str, ref: str, **props: Any) -> Any:
        proxy = self.model.make_entity(schema)
        proxy.id = fid(ref) if ":" in ref else ref
        for prop, value in props.items():
            if value is None or value == [] or value == "":
                continue
            if isinstance(value, float):
                value = repr(value)  # the number type would round a float to 2-3 digits
            proxy.add(prop, value)
        return proxy

    def _legal(self, entity_ref: str | None) -> str | None:
        """The FtM id of an entity that can organise an event or resolve a mention."""
        info = self.ctx.entity(entity_ref)
        return fid(entity_ref) if entity_ref and info and schema_of(info) in LEGAL else None

    def _place(self, entity_ref: str | None) -> str | None:
        """The FtM id of a place's Address."""
        info = self.ctx.entity(entity_ref)
        return fid(entity_ref) if entity_ref and info and schema_of(info) == "Address" else None

    def _publisher(self, document_ref: str) -> dict[str, Any]:
        doc = self.ctx.document(document_ref)
        if doc is None:
            return {}
        return {"publisher": doc.source, "publisherUrl": doc.source_url, "sourceUrl": doc.url}

    def document(self, d: DocumentRecord, segments: list[SegmentRecord]) -> Any:
        if d.kind in ("audio", "video"):
            schema = "Audio" if d.kind == "audio" else "Video"
            body = "\n".join(
                f"[{_clock(x.evidence.start_s)}–{_clock(x.evidence.end_s)}] "
                f"{x.speaker or '?'}: {x.text}"
                for x in segments
            )
        else:
            schema = "HyperText" if d.media_type == "text/html" else "PlainText"
            body = d.text or ""
        translations = [t for x in segments for t in x.translations]
        props: dict[str, Any] = {
            "title": d.title,
            "fileName": posixpath.basename(d.origin_path.replace("\\", "/")),
            "mimeType": d.media_type,
            "language": d.language,
            "publishedAt": _when(d.published_at),
            "publisher": None,
            "bodyText": body,
            "translatedText": "\n".join(t.text for t in translations),
            "translatedLanguage": sorted({t.language for t in translations}),
            "processingAgent": AGENT,
            "processingStatus": d.status.value,
            **self._publisher(d.id),
        }
        if schema == "Audio":
            props["samplingRate"] = d.sample_rate
        if schema in ("Audio", "Video") and d.duration_s is not None:
            props["duration"] = str(round(d.duration_s * 1000))  # FtM: milliseconds
        return self.make(schema, d.id, **props)

    def entity(self, e: EntityRecord) -> Any | None:
        info = self.ctx.entity(e.id)
        schema = schema_of(info) if info else None
        if schema is None:
            return None
        aliases = sorted({n.name for n in e.names if n.name != e.name})
        props: dict[str, Any] = {"name": e.name, "alias": aliases}
        country = info.country if info else None
        if schema == "Address":
            props = {"full": e.name, "name": e.name, "alias": aliases, "country": country}
            if e.location is not None:
                props["latitude"] = e.location.latitude
                props["longitude"] = e.location.longitude
        else:
            if schema == "PublicBody" and e.key:
                country = e.key.rsplit("@", 1)[1]
            props["country"] = country
            if e.entity_type in ("MIL_UNIT", "GROUP"):
                props["classification"] = (
                    "military unit" if e.entity_type == "MIL_UNIT" else "group"
                )
        geonames = e.external_ids.get("geonames")
        if geonames:
            props["notes"] = f"GeoNames {geonames}"
        props["description"] = (
            f"{e.id} ({e.entity_type}), named in {e.evidence.mention_count} place(s)"
        )
        return self.make(schema, e.id, **props)

    def mention(self, m: MentionRecord) -> Any | None:
        info = self.ctx.entity(m.entity_id)
        schema = schema_of(info) if info else SCHEMATA.get(m.label)
        if schema is None:
            return None  # a date, a piece of equipment, a nationality
        return self.make(
            "Mention",
            m.id,
            document=fid(m.evidence.document_id),
            name=m.text,
            resolved=self._legal(m.entity_id),
            detectedSchema=schema,
            contextCountry=info.country if info else None,
        )

    def documentation(self, document_ref: str, entity_ref: str) -> Any:
        """A place named in a document (a Mention resolves to legal entities only)."""
        return self.make(
            "Documentation",
            f"{PREFIX}-documentation-{number(document_ref)}-{number(entity_ref)}",
            document=fid(document_ref),
            entity=fid(entity_ref),
            role="mentioned",
        )

    def statement(self, st: StatementRecord) -> Any:
        speaker = (
            st.speaker_antecedent
            or st.speaker.text
            or (st.speaker_entity.name if st.speaker_entity else None)
        )
        doc = self.ctx.document(st.evidence.document_id)
        self.statement_documents[st.id] = st.evidence.document_id
        said = f"{speaker or 'unattributed'} ({st.act})"
        hedges = f"hedged: {', '.join(st.hedges) or 'yes'}" if st.hedged else "not hedged"
        return self.make(
            "Event",
            st.id,
            name=f"{said}: {st.content}"[:250],
            summary=st.content,
            description=(
                f"{st.id}: {said}, {'direct quote' if st.direct else 'reported'}, {hedges}"
                + (f', cue "{st.cue}"' if st.cue else "")
                + (f"; claim {st.claim_id}" if st.claim_id else "")
                + f". Evidence: {_where(st.evidence)}."
            ),
            date=_when(doc.said_at if doc else None),
            organizer=self._legal(st.speaker.entity_id),
            namesMentioned=[x for x in (st.speaker.text, st.speaker_antecedent) if x],
            proof=fid(st.evidence.document_id),
            recordId=st.id,
            keywords=["statement", st.act, *(["hedged"] if st.hedged else [])],
            **self._publisher(st.evidence.document_id),
        )

    def claim(self, c: ClaimRecord) -> Iterator[Any]:
        summary = self.ctx.claims().get(number(c.id) or 0)
        contested = bool(summary and summary.contested)
        yield self.make(
            "Note",
            c.id,
            name=c.proposition,
            description=(
                f"{c.id}: asserted by {c.asserting_sources} source(s), denied by "
                f"{c.denying_sources}"
                + ("; contested" if contested else "")
                + ". Statements: "
                + ", ".join(x.statement_id for x in c.statements)
                + "."
            ),
            keywords=["claim", *(["contested"] if contested else [])],
        )
        for line in c.statements:
            doc = self.ctx.document(self.statement_documents.get(line.statement_id))
            yield self.make(
                "UnknownLink",
                f"{PREFIX}-board-{number(c.id)}-{number(line.statement_id)}",
                subject=fid(line.statement_id),
                object=fid(c.id),
                role="asserts" if line.stance == "assert" else "denies",
                status="hedged" if line.hedged else None,
                date=_when(doc.said_at if doc else None),
                recordId=f"{c.id} {line.statement_id}",
            )

    def event(self, ev: EventRecord) -> Any:
        doc = self.ctx.document(ev.evidence.document_id)
        passage = self.ctx.passage(ev.evidence)
        place = self.ctx.entity(ev.place.entity_id)
        words = (
            " ".join(x for x in (ev.actor.text, ev.trigger, ev.recipient.text) if x)
            or ev.event_type.lower()
        )
        when = ev.time.value or (doc.said_at if doc else None)
        return self.make(
            "Event",
            ev.id,
            name=f"{ev.event_type}: {words}" + (f" ({ev.place.text})" if ev.place.text else ""),
            summary=passage,
            description=(
                f"{ev.id}: PLOVER {ev.event_type}"
                + (f", mode {ev.mode}" if ev.mode else "")
                + (f", context {ev.context}" if ev.context else "")
                + (f", time as written: {ev.time.text}" if ev.time.text else "")
                + ("" if ev.time.value or when is None else ", dated by the report")
                + f". Evidence: {_where(ev.evidence)}."
            ),
            date=_when(when),
            location=ev.place.text,
            addressEntity=self._place(ev.place.entity_id),
            country=place.country if place else None,
            organizer=self._legal(ev.actor.entity_id),
            involved=[x for x in (self._legal(ev.actor.entity_id),
                                  self._legal(ev.recipient.entity_id)) if x],
            proof=fid(ev.evidence.document_id),
            recordId=ev.id,
            keywords=[ev.event_type, *(x for x in (ev.mode, ev.context) if x)],
            **self._publisher(ev.evidence.document_id),
        )  # fmt: skip


def entities(ctx: ExportContext) -> Iterator[Any]:
    """The case as FtM entity proxies."""
    build = Builder(ctx)
    s = ctx.lookups.session
    for batch in chunks(models_in(ctx.lookups, ("document",)), BATCH):
        recordings = [number(d.id) for d in batch if d.kind != "text"]  # type: ignore[union-attr]
        segments: dict[str, list[SegmentRecord]] = {}
        if recordings:
            rows = s.scalars(
                select(Segment)
                .where(Segment.document_id.in_(recordings))
                .order_by(Segment.document_id, Segment.idx)
            ).all()
            for seg in SegmentRecord.from_rows(rows, ctx.lookups):
                segments.setdefault(seg.evidence.document_id, []).append(seg)
        for d in batch:
            yield build.document(d, segments.get(d.id, []))  # type: ignore[arg-type,union-attr]
    for e in models_in(ctx.lookups, ("entity",)):
        proxy = build.entity(e)  # type: ignore[arg-type]
        if proxy is not None:
            yield proxy
    places: set[tuple[str, str]] = set()
    for m in models_in(ctx.lookups, ("mention",)):
        proxy = build.mention(m)  # type: ignore[arg-type]
        if proxy is not None:
            yield proxy
        info = ctx.entity(m.entity_id)  # type: ignore[union-attr]
        if info is not None and schema_of(info) == "Address":
            places.add((m.evidence.document_id, m.entity_id))  # type: ignore[union-attr,arg-type]
    for document_ref, entity_ref in sorted(places):
        yield build.documentation(document_ref, entity_ref)
    for st in models_in(ctx.lookups, ("statement",)):
        yield build.statement(st)  # type: ignore[arg-type]
    for c in models_in(ctx.lookups, ("claim",)):
        yield from build.claim(c)  # type: ignore[arg-type]
    for batch in chunks(models_in(ctx.lookups, ("event",)), BATCH):
        ctx.load_passages(ev.evidence for ev in batch)  # type: ignore[union-attr]
        for ev in batch:
            yield build.event(ev)  # type: ignore[arg-type]


def write(case: Case, out: IO[str]) -> int:
    """Write the case's FtM entities to ``out``, one JSON object a line; returns the count."""
    _model()
    count = 0
    with case.reader() as s:
        for proxy in entities(ExportContext(Lookups(s))):
            out.write(json.dumps(proxy.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def dicts(case: Case) -> Iterable[dict[str, Any]]:
    """The entities as dicts (``EntityProxy.to_dict()``), as ``write`` writes them."""
    with case.reader() as s:
        for proxy in entities(ExportContext(Lookups(s))):
            yield proxy.to_dict()
