"""Full-text search over every segment (sentences of reports, utterances of calls).

SQLite FTS5 with the unicode61 tokenizer: case-insensitive in every script, diacritics folded,
and ё folded to е on both sides (the index does it in its triggers, the query here). A plain
query matches every word as a prefix, so «Курск» finds «Курске» and «Курской»; words in double
quotes must match as a phrase. ``raw=True`` passes FTS5 query syntax through untouched.

A search is stopped after ``SEARCH_TIMEOUT_S`` (SQLite's progress handler; PostgreSQL's
statement_timeout) with a one-line error: one query over a pathological case (a document of
one 50 MB "sentence" once took 11 minutes) must not hold a connection, and the workbench
thread that asked, indefinitely.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from overheard.errors import NotAvailable, OverheardError
from overheard.text.numbers import search_alternatives

if TYPE_CHECKING:
    from overheard.store.case import Case

MARK_OPEN, MARK_CLOSE = "\x02", "\x03"
SEARCH_TIMEOUT_S = float(os.environ.get("OVERHEARD_SEARCH_TIMEOUT", "20"))
# A query matching more segments than this ranks the newest this many of them (a word in
# every third sentence of a million-segment case took 300 ms to rank whole).
RANKED = 5000
_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')


def fold(text: str) -> str:
    return text.replace("ё", "е").replace("Ё", "Е")


def build_query(query: str) -> str:
    """A user's words as an FTS5 query: phrases kept, other words matched as prefixes."""
    parts: list[str] = []
    folded = fold(query)
    for phrase in _PHRASE.findall(folded):
        words = _WORD.findall(phrase)
        if words:
            parts.append('"' + " ".join(words) + '"')
    words = _WORD.findall(_PHRASE.sub(" ", folded))
    numbers = search_alternatives(words)
    i = 0
    while i < len(words):
        if i in numbers:
            # A number matches as written or in its other form: «сорок два» also finds "42"
            # (Whisper's digits), "42" also finds «сорок два» / "forty two".
            end, forms = numbers[i]
            written = " AND ".join(f'"{word}"*' for word in words[i:end])
            others = " OR ".join('"' + " ".join(form) + '"' for form in forms)
            parts.append(f"(({written}) OR {others})")
            i = end
            continue
        parts.append(f'"{words[i]}"*')
        i += 1
    if not parts:
        raise OverheardError("the search query has no words in it")
    # FTS5 takes whitespace as AND between phrases only, not before a parenthesised group.
    return (" AND " if numbers else " ").join(parts)


@dataclass
class Hit:
    segment_id: int
    document_id: int
    document_title: str | None
    document_kind: str
    index: int
    text: str
    highlights: list[tuple[int, int]]  # offsets into ``text``
    language: str | None
    speaker: str | None
    start_char: int | None
    end_char: int | None
    start_s: float | None
    end_s: float | None
    score: float
    # A hit in a segment's machine translation: ``text`` is the rendering (highlights into
    # it), ``original`` the segment's own text, ``backend`` what rendered it.
    original: str | None = None
    backend: str | None = None

    def as_record(self) -> dict[str, Any]:
        """The hit as the CLI's --json and the API print it: ids in the export's form."""
        return {
            "segment_id": f"segment:{self.segment_id}",
            "document_id": f"document:{self.document_id}",
            "document_title": self.document_title,
            "document_kind": self.document_kind,
            "index": self.index,
            "text": self.text,
            "snippet": self.marked("[", "]"),
            "highlights": [list(span) for span in self.highlights],
            "language": self.language,
            "speaker": self.speaker,
            "start_char": self.start_char,
            "end_char": self.end_char,
            "start_s": self.start_s,
            "end_s": self.end_s,
            "score": float(self.score),  # a similarity may be numpy's
            **(
                {"matched_in": "translation", "original": self.original, "backend": self.backend}
                if self.original is not None
                else {}
            ),
        }

    def marked(
        self,
        open_mark: str = "[",
        close_mark: str = "]",
        width: int = 200,
        shown: Callable[[str], str] | None = None,
    ) -> str:
        """The segment (cut to ``width`` around the first match) with matches marked; each
        piece of the segment's text through ``shown`` (``visible.line`` for a terminal: the
        marks stay marks, a control character in the text is shown)."""
        show = shown or (lambda piece: piece)
        text, spans = self.text, self.highlights
        lo, hi = 0, len(text)
        if len(text) > width and spans:
            lo = max(0, min(spans[0][0] - width // 3, len(text) - width))
            hi = min(len(text), lo + width)
        out, pos = [], lo
        for start, end in spans:
            if end <= lo or start >= hi:
                continue
            out.append(show(text[pos:start]))
            out.append(open_mark + show(text[start:end]) + close_mark)
            pos = end
        out.append(show(text[pos:hi]))
        return ("…" if lo > 0 else "") + "".join(out) + ("…" if hi < len(text) else "")


def _filters(
    params: dict[str, Any],
    language: str | None,
    kind: str | None,
    document_id: int | None,
    mark: str = ":{}",
) -> str:
    """The WHERE additions for the filters a search may take (adds their parameters), each
    parameter named as ``mark`` says (psycopg's is ``%({})s``)."""
    filters = []
    if language:
        filters.append("s.language = " + mark.format("language"))
        params["language"] = language
    if kind:
        filters.append("d.kind = " + mark.format("kind"))
        params["kind"] = kind
    if document_id is not None:
        filters.append("s.document_id = " + mark.format("document_id"))
        params["document_id"] = document_id
    return "".join(f" AND {f}" for f in filters)


def _spans(highlighted: str) -> list[tuple[int, int]]:
    spans, pos, start = [], 0, None
    for ch in highlighted:
        if ch == MARK_OPEN:
            start = pos
        elif ch == MARK_CLOSE:
            if start is not None:
                spans.append((start, pos))
            start = None
        else:
            pos += 1
    return spans


@contextmanager
def _stopped_after(query: str, limit: float) -> Iterator[None]:
    """Turns an interrupted statement into one clear line naming the query."""
    try:
        yield
    except Exception as exc:
        message = str(getattr(exc, "orig", exc))
        if "interrupted" in message or "statement timeout" in message:
            raise OverheardError(
                f"the search for {query!r} ran longer than {limit:g} s and was stopped; "
                "add words or a filter (OVERHEARD_SEARCH_TIMEOUT sets the limit)"
            ) from None
        raise


@contextmanager
def sqlite_time_limited(db: Any, query: str, seconds: float | None = None) -> Iterator[Any]:
    """Stop the statements run on the SQLite DB-API connection ``db`` inside the block after
    ``seconds`` (SQLite's progress handler), with a clear error naming the query."""
    limit = SEARCH_TIMEOUT_S if seconds is None else seconds
    deadline = time.monotonic() + limit
    db.set_progress_handler(lambda: int(time.monotonic() > deadline), 20_000)
    try:
        with _stopped_after(query, limit):
            yield db
    finally:
        db.set_progress_handler(None, 0)


@contextmanager
def time_limited(conn: Any, query: str, seconds: float | None = None) -> Iterator[Any]:
    """The same limit on an SQLAlchemy connection (PostgreSQL: statement_timeout)."""
    limit = SEARCH_TIMEOUT_S if seconds is None else seconds
    if conn.dialect.name == "sqlite":
        with sqlite_time_limited(conn.connection.dbapi_connection, query, limit):
            yield conn
        return
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(limit * 1000)}")
    with _stopped_after(query, limit):
        yield conn


def search(
    case: Case,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    raw: bool = False,
    language: str | None = None,
    kind: str | None = None,
    document_id: int | None = None,
) -> list[Hit]:
    runners = {"sqlite": search_sqlite, "postgresql": search_postgres}
    run = runners.get(case.engine.dialect.name)
    if run is None:
        raise NotAvailable(f"full-text search is not implemented for {case.engine.dialect.name}")
    with case.engine.connect() as conn:
        return run(
            conn.connection.dbapi_connection,
            query,
            limit=limit,
            offset=offset,
            raw=raw,
            language=language,
            kind=kind,
            document_id=document_id,
        )


def search_sqlite(
    db: Any,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    raw: bool = False,
    language: str | None = None,
    kind: str | None = None,
    document_id: int | None = None,
) -> list[Hit]:
    """The search on an SQLite DB-API connection to a case file: what ``search`` runs, and what
    ``overheard search`` runs on a read-only connection of its own without SQLAlchemy (whose
    import alone took longer than the search)."""
    match = fold(query) if raw else build_query(query)
    params: dict[str, Any] = {"match": match, "limit": limit, "offset": offset}
    where = _filters(params, language, kind, document_id)
    join = (
        " JOIN segments s ON s.id = segment_fts.rowid JOIN documents d ON d.id = s.document_id"
        if where
        else ""
    )
    try:
        with sqlite_time_limited(db, query):
            # Rank first: only ids and scores, no rows, no highlighting, in one pass over the
            # index. Past RANKED matches (a very common word) only the newest RANKED are
            # ranked: walking the index in id order stops there.
            params["ranked"] = RANKED
            page = db.execute(
                "SELECT id, score FROM ("
                "SELECT segment_fts.rowid AS id, bm25(segment_fts) AS score "
                f"FROM segment_fts{join} WHERE segment_fts MATCH :match{where} "
                "ORDER BY segment_fts.rowid DESC LIMIT :ranked"
                ") ORDER BY score, id LIMIT :limit OFFSET :offset",
                params,
            ).fetchall()
            if not page:
                return []
            # Then read and highlight the page alone (in Python: FTS5's highlight() with the
            # page's ids still read every match of a common word, 0.6 s at 1M segments).
            ids = {row[0]: row[1] for row in page}
            by_id = _rows_by_id(db.execute(_page_sql(ids)))
    except Exception as exc:  # FTS5 syntax errors surface as OperationalError
        message = str(getattr(exc, "orig", exc))
        if "fts5" in message or "syntax" in message or "no such column" in message:
            raise OverheardError(f"cannot parse search query {query!r}: {message}") from None
        raise
    # Highlight the quoted terms (not FTS5's OR between a number's forms).
    terms = match if raw else " ".join(re.findall(r'"([^"]*)"', match))
    words = set(_WORD.findall(terms.lower()))
    return [
        _hit(SimpleNamespace(**vars(by_id[i]), score=score), _word_spans(by_id[i].text, words))
        for i, score in ids.items()
        if i in by_id
    ]


def _rows_by_id(cursor: Any) -> dict[int, SimpleNamespace]:
    """A DB-API cursor's rows (the first column an id) by id, their columns as attributes."""
    names = [d[0] for d in cursor.description]
    return {row[0]: SimpleNamespace(**dict(zip(names, row, strict=True))) for row in cursor}


def _page_sql(ids: Iterable[int]) -> str:
    listed = ", ".join(str(int(i)) for i in ids) or "NULL"
    return f"""
        SELECT s.id, s.document_id, d.title, d.kind, s.idx, s.text, s.language, s.speaker,
               s.start_char, s.end_char, s.start_s, s.end_s
        FROM segments s JOIN documents d ON d.id = s.document_id
        WHERE s.id IN ({listed})
    """


def _word_spans(text: str, words: set[str]) -> list[tuple[int, int]]:
    """Where the query's words start words of ``text`` (case and ё folded)."""
    folded = fold(text).lower()
    return sorted(
        (m.start(), m.end())
        for w in words
        for m in re.finditer(r"\b" + re.escape(w) + r"\w*", folded)
    )


def _hit(row: Any, spans: list[tuple[int, int]]) -> Hit:
    return Hit(
        segment_id=row.id,
        document_id=row.document_id,
        document_title=row.title,
        document_kind=row.kind,
        index=row.idx,
        text=row.text,
        highlights=spans,
        language=row.language,
        speaker=row.speaker,
        start_char=row.start_char,
        end_char=row.end_char,
        start_s=row.start_s,
        end_s=row.end_s,
        score=round(-row.score, 4),
    )


def _tsquery(query: str) -> tuple[str, list[str]]:
    """The user's words as a PostgreSQL tsquery (prefixes, phrases with <->) and the words."""
    folded = fold(query).lower()
    parts, words = [], []
    for phrase in _PHRASE.findall(folded):
        tokens = _WORD.findall(phrase)
        if tokens:
            parts.append("(" + " <-> ".join(tokens) + ")")
            words.extend(tokens)
    plain = _WORD.findall(_PHRASE.sub(" ", folded))
    numbers = search_alternatives(plain)
    i = 0
    while i < len(plain):
        if i in numbers:  # as on SQLite: a number as written or in its other form
            end, forms = numbers[i]
            written = " & ".join(f"{word}:*" for word in plain[i:end])
            others = " | ".join("(" + " <-> ".join(form) + ")" for form in forms)
            parts.append(f"(({written}) | {others})")
            words.extend(plain[i:end] + [w for form in forms for w in form])
            i = end
            continue
        parts.append(f"{plain[i]}:*")
        words.append(plain[i])
        i += 1
    if not parts:
        raise OverheardError("the search query has no words in it")
    return " & ".join(parts), words


def search_postgres(
    db: Any,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    raw: bool = False,
    language: str | None = None,
    kind: str | None = None,
    document_id: int | None = None,
) -> list[Hit]:
    """The search on a psycopg connection to a case's PostgreSQL database: what ``search``
    runs on the engine's connection, and what ``overheard search`` runs on a connection of its
    own without SQLAlchemy. The same query language over the generated tsvector column (the
    'simple' configuration folds case only, like FTS5's unicode61 here); highlights are found
    in Python.

    A prefix is matched as the index's words it stands for (``_whole_words``), which the
    planner can estimate; ``ts_rank`` still scores the query as the user wrote it, so the
    scores and the order are those of matching the prefix. The words and the segments are
    read in one snapshot (repeatable read), so a word that arrives meanwhile is in both or in
    neither. Statements are never prepared: psycopg prepares a statement run five times, and
    PostgreSQL may then plan it once for any words (a common word took 0.6 s that way)."""
    if raw:
        tsquery, words = fold(query), _WORD.findall(fold(query).lower())
    else:
        tsquery, words = _tsquery(query)
    params: dict[str, Any] = {"q": tsquery, "limit": limit, "offset": offset, "ranked": RANKED}
    where = _filters(params, language, kind, document_id, mark="%({})s")
    join = " JOIN documents d ON d.id = s.document_id" if kind else ""
    try:
        with _stopped_after(query, SEARCH_TIMEOUT_S), db.cursor() as cur:
            if db.info.transaction_status.name == "IDLE":
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            cur.execute(f"SET LOCAL statement_timeout = {int(SEARCH_TIMEOUT_S * 1000)}")
            params["words"] = _whole_words(cur, tsquery)
            tokens = _taggable(params["words"])
            # As on SQLite: the newest RANKED matches at most are ranked (ts_rank for those
            # alone), then only the page is read. A range of a few ranges of ids asks the
            # index of words tagged with their range (migration 0013), the segment's own
            # words checked too (a phrase is tagged as its words); any other asks the words.
            statement = (
                "SELECT id, -ts_rank(search, to_tsquery('simple', %(q)s)) FROM ("
                f"SELECT s.id, s.search FROM segments s{join} WHERE {{match}}{where} "
                "AND s.id > %(low)s AND s.id <= %(high)s ORDER BY s.id DESC LIMIT %(ranked)s"
                ") AS newest"
            )
            plain = statement.format(match="s.search @@ %(words)s::tsquery")
            tagged = statement.format(
                match="search_tagged(s.id, s.search) @@ %(tagged)s::tsquery "
                "AND ts_match_vq(s.search, %(words)s::tsquery)"
            )
            newest: list[tuple[int, float]] = []
            for low, high in _ranges(cur, newest):
                params.update(low=low, high=high, ranked=RANKED - len(newest))
                tags = range((low + 1) >> TAG_SHIFT, (high >> TAG_SHIFT) + 1)
                if tokens is not None and len(tags) <= TAGGED_RANGES:
                    params["tagged"] = " | ".join(_tagged(tokens, tag) for tag in tags)
                    run = tagged
                else:
                    run = plain
                newest += cur.execute(run, params, prepare=False).fetchall()
            page = sorted(newest, key=lambda row: (row[1], row[0]))[offset : offset + limit]
            ids = dict(page)
            by_id = _rows_by_id(cur.execute(_page_sql(ids), prepare=False)) if ids else {}
    except Exception as exc:
        message = str(getattr(exc, "orig", exc)).splitlines()[0]
        if "tsquery" in message or "syntax" in message:
            raise OverheardError(f"cannot parse search query {query!r}: {message}") from None
        raise
    found = [SimpleNamespace(**vars(by_id[i]), score=sc) for i, sc in ids.items() if i in by_id]
    return [_hit(row, _word_spans(row.text, set(words))) for row in found]


# The newest matches are looked for in ranges of ids, newest first: this many ids, then as
# many as the matches found so far say the rest needs (a fifth more), then all the others.
# Unbounded, a pair of common words (each match 2-4 % of 1M segments) read a heap page for each
# of its 22-44k matches to sort them by id, 150-390 ms; a range's own bitmap keeps that to the
# newest few thousand (35 ms).
FIRST_RANGE = 50_000


def _ranges(cur: Any, newest: list[tuple[int, float]]) -> Iterator[tuple[int, int]]:
    """(low, high]: the ranges of segment ids to search, newest first, until ``newest`` (the
    matches found so far, added to by the caller) holds RANKED, at most three."""
    top = cur.execute("SELECT max(id) FROM segments", prepare=False).fetchone()[0] or 0
    high, span = top, FIRST_RANGE
    for last in (False, False, True):
        # Whole ranges of the tagged index below the first: (low, high] is then exactly
        # the segments of its tags.
        low = 0 if last else max(0, (max(0, high - span) >> TAG_SHIFT << TAG_SHIFT) - 1)
        yield low, high
        if len(newest) >= RANKED or low == 0:
            return
        if not newest:
            span = high  # none in the newest ids: all the rest at once
        else:
            density = len(newest) / (top - low)
            span = int((RANKED - len(newest)) / density * 1.2) + 1
        high = low


# The tagged index (migration 0013): a segment's words as '30/обстрел', 30 its id >> TAG_SHIFT,
# words of at most TAG_BYTES bytes. A range of ids spanning more than TAGGED_RANGES of them
# (a rare word's: all the ids) asks the plain index, where the whole lists are short anyway.
TAG_SHIFT = 15
TAG_BYTES = 2000
TAGGED_RANGES = 8
_TOKEN = re.compile(r"\s+|<->|<\d+>|[&|!()]|'(?:[^'\\]|''|\\.)*'(?::[*A-Da-d]+)?")


def _taggable(written: str) -> list[str] | None:
    """A tsquery as PostgreSQL writes it, in tokens (operands, operators, parentheses), where
    the tagged index can answer it and helps: words to intersect, no weights, no word too long to be tagged, no phrase
    under a negation (a phrase is asked as its words, which '!' would turn into fewer hits
    than the phrase's). None where it cannot."""
    found = _TOKEN.findall(written)
    tokens = [t for t in found if not t.isspace()]
    if "".join(found) != written or not tokens:
        return None  # something this does not read
    if not any(t == "&" or t.startswith("<") for t in tokens):
        # No lists to intersect: a common word's newest segments are found faster walking
        # the newest ids (16-19 ms for a word in a sixth of 1M, 28-42 ms in tagged ranges),
        # a rare word's whole list is short.
        return None
    phrases = any(t.startswith("<") for t in tokens)
    for token in tokens:
        if token.startswith("'"):
            flags = token[token.rindex("'") + 1 :]
            if flags not in ("", ":*") or len(_unquoted(token).encode()) > TAG_BYTES:
                return None
        elif token == "!" and phrases:
            return None
    return tokens


def _unquoted(token: str) -> str:
    body = token[1 : token.rindex("'")]
    return re.sub(r"\\(.)|''", lambda m: m.group(1) or "'", body)


def _tagged(tokens: list[str], tag: int) -> str:
    """The tokens as a tsquery of the tagged index's words in range ``tag``: every operand
    tagged, every phrase operator an AND (the segment's own words are checked as well)."""
    out = []
    for token in tokens:
        if token.startswith("'"):
            end = token.rindex("'")
            out.append(_operand(f"{tag}/{_unquoted(token)}") + token[end + 1 :])
        elif token.startswith("<"):
            out.append("&")
        else:
            out.append(token)
    return "(" + " ".join(out) + ")"


# A prefix stands for at most this many words of the index; a shorter one (two letters of a
# large case) stays a prefix.
PREFIX_WORDS = 100


def _whole_words(cur: Any, tsquery: str) -> str:
    """The tsquery as PostgreSQL reads it, each prefix ('склад':*) replaced by the index's
    words that start with it ('склад' | 'склада' | 'складе'), from ``search_words`` (which
    the database keeps: migration 0011). PostgreSQL estimates every prefix at 2 % of the rows
    whatever it is, and planned a word in no segment like a common one (walking all 1M
    segments, newest first: 0.4 s); it estimates whole words from the column's statistics.
    A prefix that starts no word matches nothing, and says so to the planner."""
    cur.execute("SELECT to_tsquery('simple', %s)::text", (tsquery,), prepare=False)
    written = cur.fetchone()[0]
    out, pos = [], 0
    for start, end, prefix in _prefix_operands(written):
        if prefix.endswith(_LAST):
            continue  # no word comes after it to bound the range: it stays a prefix
        cur.execute(
            'SELECT DISTINCT word FROM search_words WHERE word >= %s COLLATE "C" '
            'AND word < %s COLLATE "C" ORDER BY word LIMIT %s',
            (prefix, _past(prefix), PREFIX_WORDS + 1),
            prepare=False,
        )
        found = [_operand(word) for (word,) in cur.fetchall()]
        out.append(written[pos:start])
        if not found:
            out.append(f"({_operand(prefix)} & !{_operand(prefix)})")
        elif len(found) > PREFIX_WORDS:
            out.append(written[start:end])
        else:
            out.append("(" + " | ".join(found) + ")")
        pos = end
    out.append(written[pos:])
    return "".join(out)


def _prefix_operands(written: str) -> Iterator[tuple[int, int, str]]:
    """Where a tsquery's text (as PostgreSQL writes it) has a prefix operand without weights
    ('склад':*, not 'склад':*A), and its word: (start, end, word)."""
    i, n = 0, len(written)
    while i < n:
        if written[i] != "'":
            i += 1
            continue
        start, chars = i, []
        i += 1
        while i < n:
            if written[i] == "\\" and i + 1 < n:
                chars.append(written[i + 1])
                i += 2
            elif written.startswith("''", i):
                chars.append("'")
                i += 2
            elif written[i] == "'":
                break
            else:
                chars.append(written[i])
                i += 1
        i += 1
        if written.startswith(":*", i) and not written[i + 2 : i + 3].isalpha():
            yield start, i + 2, "".join(chars)
            i += 2


def _operand(word: str) -> str:
    """A word as a tsquery operand, quoted as PostgreSQL writes it."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


_LAST = chr(0x10FFFF)


def _past(prefix: str) -> str:
    """The first string, in code point order (PostgreSQL's "C" collation of UTF-8), after
    every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def search_translations(
    case: Case,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    language: str | None = None,
    kind: str | None = None,
    document_id: int | None = None,
) -> list[Hit]:
    """The same query language over the segments' machine translations (the translate
    stage's renderings): every word as a prefix, "quoted words" as a phrase; ``language`` is
    the original's. Portable SQL (the renderings are far fewer than the segments): candidates
    by LIKE on every word, then words checked as prefixes and phrases in Python."""
    from sqlalchemy import text as sql

    phrases = [_WORD.findall(p.lower()) for p in _PHRASE.findall(fold(query))]
    phrases = [p for p in phrases if p]
    words = _WORD.findall(_PHRASE.sub(" ", fold(query)).lower())
    needles = [w for p in phrases for w in p] + words
    if not needles:
        raise OverheardError("the search query has no words in it")
    params: dict[str, Any] = {}
    likes = ["1 = 1"]
    # SQLite's lower() folds ASCII only: other words are checked in Python alone.
    unicode_lower = case.engine.dialect.name == "postgresql"
    for i, needle in enumerate(needles):
        if unicode_lower or needle.isascii():
            params[f"w{i}"] = f"%{needle}%"
            likes.append(f"lower(t.text) LIKE :w{i}")
    where = _filters(params, language, kind, document_id)
    statement = sql(
        f"""
        SELECT s.id, s.document_id, d.title, d.kind, s.idx, s.text AS original, s.language,
               s.speaker, s.start_char, s.end_char, s.start_s, s.end_s, t.text, t.backend,
               t.model
        FROM translations t
        JOIN segments s ON s.id = t.segment_id
        JOIN documents d ON d.id = s.document_id
        WHERE {" AND ".join(likes)}{where}
        ORDER BY s.document_id, s.idx, t.id
        """
    )
    patterns = [re.compile(r"\b" + r"\W+".join(map(re.escape, p)) + r"\w*") for p in phrases]
    patterns += [re.compile(r"\b" + re.escape(w) + r"\w*") for w in words]
    hits: list[Hit] = []
    seen: set[int] = set()
    with case.engine.connect() as c, time_limited(c, query) as conn:
        for row in conn.execute(statement, params):
            if row.id in seen:
                continue  # one hit per segment (the first back-end's rendering that matches)
            folded = fold(row.text).lower()
            found = [list(p.finditer(folded)) for p in patterns]
            if not all(found):
                continue
            seen.add(row.id)
            spans = sorted((m.start(), m.end()) for ms in found for m in ms)
            score = -float(sum(len(ms) for ms in found))  # more matches first would need all
            hit = _hit(SimpleNamespace(**row._mapping, score=score), spans)
            hit.original = row.original
            hit.backend = f"{row.backend}, {row.model}" if row.model else row.backend
            hits.append(hit)
            if len(hits) >= offset + limit:
                break
    return hits[offset:]
