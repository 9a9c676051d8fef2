"""Vocabularies as data: the word lists the text rules are built from, one TSV file per
language and purpose in ``text/lexicons/``, extended per case by an override folder.

A file starts with ``#`` lines that say what it is for and what each column means, then a
column-name row, then one entry a row, cells separated by tabs (``-`` is an empty optional
cell). A case's override folder (``CASE/lexicons/``) holds files of the same names: their rows
are added after the package's, and a row whose first cell is ``-X`` removes the rows whose first
cell is ``X`` (only those that also match its other cells, where it fills them in).

Tables are read once per process. :func:`configure` switches the override folder and drops
everything built from the old tables (regular expressions, dictionaries, the gazetteer), so the
modules that use a table build what they need from it through :func:`cached`.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ParamSpec, TypeVar

from overheard.errors import OverheardError
from overheard.text.records import ACTS, PLOVER_TYPES

PACKAGE_DIR = Path(__file__).with_name("lexicons")
SUFFIX = ".tsv"

P = ParamSpec("P")
T = TypeVar("T")


class LexiconError(OverheardError, ValueError):
    """A lexicon file that cannot be used; the message names the file and line."""


# What a column may hold, by column name; a column not listed takes any non-empty text.
_VALUES: dict[str, frozenset[str]] = {
    "act": frozenset(ACTS),
    "type": frozenset(PLOVER_TYPES),
    "own_type": frozenset(PLOVER_TYPES),
    "needs_clause": frozenset({"yes", "no"}),
    "kind": frozenset({"PERSON", "PLURAL", "ORG"}),
}
_SHAPES: dict[str, re.Pattern[str]] = {
    "iso": re.compile(r"[A-Z]{2}"),
    "code": re.compile(r"[A-Z]{2}"),
    "mode": re.compile(r"[a-z]+"),
}
# Columns that may be empty ("-"): a light verb with no event of its own, a trigger with no mode.
_OPTIONAL = frozenset({"own_type", "mode"})
_PLACE_ROLES = frozenset({"event_place", "locative", "government_before", "government_after"})
# The values each file's ``role`` column may take: what the code builds from each group.
_ROLES: dict[str, frozenset[str]] = {
    "event_modality.en": frozenset({"intent", "ready", "modal", "hypothetical"}),
    "event_modality.ru": frozenset({"hypothetical"}),
    "units.en": frozenset({"noun", "named_noun", "modifier", "not_name"}),
    "units.ru": frozenset({"noun", "complement"}),
    "equipment.en": frozenset({"class", "family", "not_designator"}),
    "equipment.ru": frozenset({"class", "family"}),
    "groups.en": frozenset({"noun", "modifier", "not_head"}),
    "groups.ru": frozenset({"plural", "collective"}),
    "region_words.en": frozenset({"suffix", "generic"}),
    "place_parts.en": frozenset({"qualifier", "facility"}),
    "place_cues.en": _PLACE_ROLES,
    "place_cues.ru": _PLACE_ROLES,
    "claim_anaphors": frozenset({"pronoun", "determiner"}),
}

_override_dir: Path | None = None
_override_digests: dict[str, str] = {}  # what each override file held when configure() looked
_tables: dict[str, list[dict[str, str]]] = {}
# Caches built from the tables: (clear, the tables it reads, or None for any).
_on_change: list[tuple[Callable[[], None], frozenset[str] | None]] = []


def configure(override_dir: Path | None) -> None:
    """Use ``override_dir`` (a case's ``lexicons/`` folder; it need not exist) for this
    process, or no overrides with None. Checks every override file now, so a bad row fails
    before any document is analysed; drops what was built from the old tables if they change.
    """
    global _override_dir, _override_digests
    files = _override_files(override_dir)
    merged = {name: _merge(name, path) for name, path in files.items()}
    digests = {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in files.items()}
    changed = {
        name
        for name in digests.keys() | _override_digests.keys()
        if digests.get(name) != _override_digests.get(name)
    }
    _override_dir, _override_digests = override_dir, digests
    if changed:
        _tables.clear()
        for clear, tables in _on_change:
            if tables is None or tables & changed:
                clear()
    _tables.update(merged)


def table(name: str) -> list[dict[str, str]]:
    """The rows of ``lexicons/NAME.tsv`` with the override folder's merged in, as
    column → cell (an empty optional cell is ""), in file order, the override's rows last."""
    if name not in _tables:
        path = _override_files(_override_dir).get(name)
        _tables[name] = _merge(name, path)
    return [dict(row) for row in _tables[name]]


def fingerprint() -> str:
    """A short sha256 over every package lexicon file and every override file (by name and
    bytes): any change to a lexicon changes it, and with it the analysis stage's version."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.glob("*" + SUFFIX)):
        digest.update(b"package/" + path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for name, path in sorted(_override_files(_override_dir).items()):
        digest.update(b"override/" + name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def cached(fn: Callable[P, T]) -> Callable[P, T]:
    """Memoise something built from the tables, until :func:`configure` changes them."""
    memo = functools.cache(fn)
    _on_change.append((memo.cache_clear, None))
    return memo  # type: ignore[return-value]


def on_change(clear: Callable[[], None], tables: Iterable[str]) -> None:
    """Call ``clear`` whenever :func:`configure` changes one of ``tables`` (for a cache that is
    too dear to drop on every change, such as the gazetteer)."""
    _on_change.append((clear, frozenset(tables)))


def words(name: str, role: str | None = None) -> list[str]:
    """The first cells of a table's rows (of one ``role``), in file order."""
    return [next(iter(row.values())) for row in table(name) if role is None or row["role"] == role]


def alternation(name: str, role: str | None = None) -> str:
    """``(?:a|b|c)``: a table's patterns (of one ``role``) as one regular expression group,
    in file order (the order decides which alternative matches first)."""
    return "(?:" + "|".join(words(name, role)) + ")"


def grouped(name: str, by: str) -> list[tuple[str, list[str]]]:
    """A table's first cells grouped by the value of column ``by``: groups in the order they
    first appear, cells in file order (an override's rows join the end of their group)."""
    groups: dict[str, list[str]] = {}
    for row in table(name):
        groups.setdefault(row[by], []).append(next(iter(row.values())))
    return list(groups.items())


@cached
def en_parse_lemmas() -> frozenset[str]:
    """Every English lemma (as spaCy gives it) whose presence in a sentence means the English
    statement or event extractors need that sentence's dependency parse: speech cues, the
    expressing verbs and nouns, "according", event triggers and their nouns, light verbs…, and
    the quotation marks (a quotation with no cue is attributed through the verb it hangs on).
    """
    from overheard.text import events
    from overheard.text.statements import english

    return english.parse_lemmas() | events.parse_lemmas()


# --- reading -----------------------------------------------------------------------------------


def _override_files(folder: Path | None) -> dict[str, Path]:
    """The override folder's lexicon files by name; other files (a README) are ignored."""
    if folder is None or not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.glob("*" + SUFFIX)):
        if path.name.startswith("."):
            continue
        name = path.name[: -len(SUFFIX)]
        if not (PACKAGE_DIR / path.name).is_file():
            known = ", ".join(sorted(p.name for p in PACKAGE_DIR.glob("*" + SUFFIX)))
            raise LexiconError(f"{path}: no package lexicon of that name (known: {known})")
        found[name] = path
    return found


def _lines(path: Path) -> list[tuple[int, list[str]]]:
    """(line number, cells) of the rows that are not blank or comments."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: cannot read: {exc}") from exc
    return [
        (number, [cell.strip(" ") for cell in line.split("\t")])
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.startswith("#")
    ]


def _merge(name: str, override: Path | None) -> list[dict[str, str]]:
    path = PACKAGE_DIR / (name + SUFFIX)
    if not path.is_file():
        raise LexiconError(f"no lexicon named {name!r} in {PACKAGE_DIR}")
    lines = _lines(path)
    if not lines:
        raise LexiconError(f"{path}: no column-name row")
    columns = lines[0][1]
    rows = [_row(name, path, number, columns, cells) for number, cells in lines[1:]]
    if override is None:
        return rows
    extra = _lines(override)
    if extra and extra[0][1] == columns:  # the column-name row is optional in an override
        extra = extra[1:]
    for number, cells in extra:
        if not cells[0].startswith("-"):
            rows.append(_row(name, override, number, columns, cells))
            continue
        key = cells[0][1:].strip(" ")
        if len(cells) == 1:
            wanted = {columns[0]: key}
        else:
            wanted = _row(name, override, number, columns, [key, *cells[1:]])
        kept = [r for r in rows if any(r[c] != v for c, v in wanted.items())]
        if len(kept) == len(rows):
            raise LexiconError(f"{override}:{number}: {cells[0]!r} removes nothing from {name}")
        rows = kept
    return rows


def _row(
    name: str, path: Path, number: int, columns: list[str], cells: list[str]
) -> dict[str, str]:
    where = f"{path}:{number}"
    if len(cells) != len(columns):
        raise LexiconError(
            f"{where}: {len(cells)} cell(s), expected {len(columns)} "
            f"({', '.join(columns)}), separated by tabs"
        )
    row = {}
    for column, cell in zip(columns, cells, strict=True):
        value = "" if cell == "-" else cell
        if not value:
            if column not in _OPTIONAL:
                raise LexiconError(f"{where}: {column} is empty")
        elif column in _VALUES and value not in _VALUES[column]:
            allowed = ", ".join(sorted(_VALUES[column]))
            raise LexiconError(f"{where}: unknown {column} {value!r} (one of: {allowed})")
        elif column in _SHAPES and not _SHAPES[column].fullmatch(value):
            raise LexiconError(f"{where}: {column} {value!r} is not {_SHAPES[column].pattern}")
        elif column == "role" and value not in _ROLES.get(name, frozenset()):
            allowed = ", ".join(sorted(_ROLES.get(name, frozenset())))
            raise LexiconError(f"{where}: unknown role {value!r} (one of: {allowed})")
        elif column == "pattern":
            try:
                re.compile(value)
            except re.error as exc:
                raise LexiconError(f"{where}: bad regular expression {value!r}: {exc}") from exc
        row[column] = value
    return row
