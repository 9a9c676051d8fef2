"""Sentence spans: exact offsets, and no sentence longer than MAX_SENTENCE_CHARS."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from overheard.text.sentences import MAX_SENTENCE_CHARS, split


def _check(text: str, language: str) -> None:
    spans = split(text, language)
    position = 0
    for span in spans:
        piece = text[span.start : span.end]
        assert span.start >= position, "spans overlap or go backwards"
        assert piece and piece == piece.strip()
        assert len(piece) <= MAX_SENTENCE_CHARS
        assert not text[position : span.start].strip(), "text left out between sentences"
        position = span.end
    assert not text[position:].strip(), "text left out at the end"


def test_a_line_without_boundaries_is_cut_at_words():
    words = " ".join(f"drones{i}" for i in range(20_000))  # ~180,000 characters, no full stop
    spans = split(words, "en")
    assert len(spans) > 80
    assert all(span.end - span.start <= MAX_SENTENCE_CHARS for span in spans)
    assert all(not words[s.start : s.end].startswith(("rones", "ones")) for s in spans)
    _check(words, "en")


def test_a_long_sentence_is_cut_after_a_clause():
    clause = "the ministry said that the convoy had been hit near the border, "
    text = "Officials said " + clause * 60 + "and nothing more."
    spans = split(text, "en")
    assert len(spans) > 1
    assert text[spans[0].start : spans[0].end].endswith(",")
    _check(text, "en")


def test_text_without_any_space_is_cut_hard():
    text = "x" * (MAX_SENTENCE_CHARS * 3 + 5)
    assert [(s.start, s.end) for s in split(text, "ru")] == [
        (0, MAX_SENTENCE_CHARS),
        (MAX_SENTENCE_CHARS, 2 * MAX_SENTENCE_CHARS),
        (2 * MAX_SENTENCE_CHARS, 3 * MAX_SENTENCE_CHARS),
        (3 * MAX_SENTENCE_CHARS, len(text)),
    ]


def test_ordinary_sentences_are_untouched():
    text = "Drones hit Kursk. The ministry denied it.\n\nБатальон отступил."
    assert [text[s.start : s.end] for s in split(text, "en")] == [
        "Drones hit Kursk.",
        "The ministry denied it.",
        "Батальон отступил.",
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["word", "слово", ",", ";", ".", " ", "\n", "  ", "x" * 700, "Mr."]),
        max_size=400,
    ),
    st.sampled_from(["en", "ru", "uk"]),
)
def test_spans_cover_the_text_within_the_limit(parts: list[str], language: str) -> None:
    _check("".join(parts), language)
