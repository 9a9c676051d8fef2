"""The text stages of ingest: document language, sentences, sentence languages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from overheard.text import language, sentences


@dataclass(frozen=True)
class SentenceSegment:
    start: int
    end: int
    language: str | None


@dataclass(frozen=True)
class PreparedText:
    language: str | None
    confidence: float
    segments: list[SentenceSegment]


def prepare(text: str, languages: tuple[str, ...]) -> PreparedText:
    doc = language.guess(text, languages)
    spans = sentences.split(text, doc.language)
    per_sentence = language.needs_per_sentence(text, doc)
    segs = [
        SentenceSegment(
            span.start,
            span.end,
            language.sentence_language(text[span.start : span.end], doc, languages)
            if per_sentence
            else doc.language,
        )
        for span in spans
    ]
    return PreparedText(doc.language, doc.confidence, segs)


@cache
def versions() -> dict[str, str]:
    return {
        sentences.COMPONENT: sentences.VERSION,
        language.COMPONENT: language.version(),
    }
