from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from overheard.pipeline.text import prepare
from overheard.text import language
from overheard.text.sentences import split

LANGS = ("ru", "uk", "en", "ko")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_segments_are_exact_slices_of_any_text(text):
    for lang in ("en", "ru", None):
        spans = split(text, lang)
        last = 0
        for s in spans:
            piece = text[s.start : s.end]
            assert piece and piece == piece.strip()
            assert s.start >= last
            last = s.end


sentence_parts = st.lists(
    st.sampled_from(
        [
            "Mr. Smith met Gen. Petraeus.",
            "The U.S. Army said so.",
            "«Мы не отступим», — сказал он.",
            "Т.е. всё.",
            "В г. Курске тихо.",
            "Він сказав: «Ні».",
            "HEADLINE",
            "\n\n",
            "\n",
            " ",
            "“We will not retreat,” he said.",
            "Dr. Kim arrived at 5 p.m. Monday.",
            "3.5 million.",
        ]
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(sentence_parts)
def test_prepared_segments_slice_exactly(parts):
    text = " ".join(parts)
    prepared = prepare(text, LANGS)
    for seg in prepared.segments:
        assert text[seg.start : seg.end].strip() == text[seg.start : seg.end]


def test_english_abbreviations_do_not_split():
    text = (
        "Mr. Smith met Gen. Petraeus in Washington on Jan. 5 and left. "
        '"We will not retreat," he said. Dr. Kim arrived at 5 p.m. Monday. She left.'
    )
    got = [text[s.start : s.end] for s in split(text, "en")]
    assert got == [
        "Mr. Smith met Gen. Petraeus in Washington on Jan. 5 and left.",
        '"We will not retreat," he said.',
        "Dr. Kim arrived at 5 p.m. Monday.",
        "She left.",
    ]


def test_russian_sentences_and_headline_lines():
    text = "Перехват под Курском\n4 марта. «Пайки пришли», — говорит он. В г. Курске тихо, т.е. спокойно."
    got = [text[s.start : s.end] for s in split(text, "ru")]
    assert got == [
        "Перехват под Курском",
        "4 марта.",
        "«Пайки пришли», — говорит он.",
        "В г. Курске тихо, т.е. спокойно.",
    ]


def test_language_guess_and_mixed_documents():
    assert language.guess("Командир бригады заявил, что позиции удержаны.", LANGS).language == "ru"
    assert (
        language.guess("Генеральний штаб повідомив про 112 бойових зіткнень.", LANGS).language
        == "uk"
    )
    assert language.guess("", LANGS).language is None
    mixed = (
        "Командир бригады заявил, что позиции удержаны и отступать никто не будет. "
        "The Kremlin spokesman said the recordings were fabricated by foreign agents."
    )
    prepared = prepare(mixed, LANGS)
    assert [s.language for s in prepared.segments] == ["ru", "en"]


def test_unknown_language_code_is_a_clear_error():
    import pytest

    from overheard.errors import OverheardError

    with pytest.raises(OverheardError, match="unknown language code 'xx'"):
        language.detector(("en", "xx"))
