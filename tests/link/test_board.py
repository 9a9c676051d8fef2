"""Board rules that need no case: who counts as one source, what a change of position is."""

from __future__ import annotations

from datetime import datetime

from overheard.link.board import Line, _fold_copies, position_changes


def _line(doc: int, stance: str, speaker: str | None, *, entity: int | None = None,
          day: int = 1, seconds: float | None = None, copy_of: int | None = None) -> Line:  # fmt: skip
    when = datetime(2025, 3, day)
    return Line(
        statement_id=doc * 100 + day, stance=stance, hedged=False, hedges=[], act="assert",
        quote="q", speaker=speaker, speaker_entity_id=entity, document_id=doc,
        document_title=None, source="Outlet", published_at=when, date=when, language="en",
        start_char=None if seconds is not None else 0, end_char=None if seconds else 1,
        start_s=seconds, end_s=seconds, copy_of=copy_of,
    )  # fmt: skip


def test_a_change_of_position_is_between_documents():
    denied, admitted = (
        _line(1, "deny", "Gov", entity=7, day=1),
        _line(2, "assert", "Gov", entity=7, day=3),
    )
    (change,) = position_changes([admitted, denied])
    assert (change.before, change.after, change.from_document, change.to_document) == (
        "deny",
        "assert",
        1,
        2,
    )
    # Within one document (one call's turns) it is no change of position.
    assert (
        position_changes([_line(1, "deny", "Gov", entity=7), _line(1, "assert", "Gov", entity=7)])
        == []
    )


def test_diarized_labels_name_someone_in_one_recording_only():
    a1 = _line(1, "assert", "Speaker A", seconds=1.0)
    a2 = _line(2, "deny", "Speaker A", seconds=2.0, day=2)
    assert a1.source_key != a2.source_key
    assert position_changes([a1, a2]) == []


def test_a_copy_adds_no_source():
    original = _line(1, "assert", "Ministry", entity=3)
    copy = _line(2, "assert", "Ministry", entity=3, copy_of=1)
    other = _line(3, "assert", "Analyst", day=2)
    kept = _fold_copies([copy, original, other])
    assert [ln.document_id for ln in kept] == [1, 3] and kept[0].also_in == [2]
