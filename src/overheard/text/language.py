"""Language identification of documents and sentences with lingua, restricted to a set.

Restricting the set matters twice: lingua with all 75 languages needs 1.3 GB and confuses
close languages that will never occur in a case; ru/uk/en/ko loads in under half a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from overheard.errors import OverheardError

COMPONENT = "lingua"
# Sentences shorter than this (in letters) inherit the document language: lingua is unreliable
# on a word or two («ок», "Da").
MIN_LETTERS = 20
# Enough text for a confident document-level guess; longer texts only cost time.
DOC_SAMPLE_CHARS = 1000
# Where a document switches script, it usually does so early (a quote, a dateline).
MIXED_SAMPLE_CHARS = 5000
_LETTER = re.compile(r"[^\W\d_]")
_LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
_CYRILLIC = re.compile(r"[\u0400-\u052F]")
_HANGUL = re.compile(r"[\uAC00-\uD7AF\u1100-\u11FF]")


@dataclass(frozen=True)
class LanguageGuess:
    language: str | None  # ISO 639-1, None when no letters at all
    confidence: float


def version() -> str:
    from importlib.metadata import version as pkg_version

    return pkg_version("lingua-language-detector")


@lru_cache(maxsize=8)
def detector(languages: tuple[str, ...]) -> LanguageDetector:
    chosen = []
    for code in languages:
        try:
            iso = getattr(IsoCode639_1, code.upper())
        except AttributeError:
            raise OverheardError(
                f"unknown language code {code!r} in the language set (use ISO 639-1, e.g. ru,uk,en)"
            ) from None
        chosen.append(Language.from_iso_code_639_1(iso))
    if len(chosen) < 2:
        # lingua needs two candidates; a one-language case still gets a real confidence value.
        chosen.append(Language.ENGLISH if Language.ENGLISH not in chosen else Language.RUSSIAN)
    return LanguageDetectorBuilder.from_languages(*chosen).with_preloaded_language_models().build()


def _letters(text: str) -> int:
    return len(_LETTER.findall(text))


def guess(text: str, languages: tuple[str, ...]) -> LanguageGuess:
    sample = text[:DOC_SAMPLE_CHARS]
    if _letters(sample) == 0:
        return LanguageGuess(None, 0.0)
    values = detector(languages).compute_language_confidence_values(sample)
    if not values:
        return LanguageGuess(None, 0.0)
    top = values[0]
    code = top.language.iso_code_639_1.name.lower()
    if code not in languages:
        return LanguageGuess(None, 0.0)
    return LanguageGuess(code, round(top.value, 4))


def scripts_mixed(text: str) -> bool:
    """True when a text has both Latin and Cyrillic (or Hangul) letters in real amounts."""
    latin = len(_LATIN.findall(text))
    cyrillic = len(_CYRILLIC.findall(text))
    hangul = len(_HANGUL.findall(text))
    total = latin + cyrillic + hangul
    if total == 0:
        return False
    shares = sorted((latin / total, cyrillic / total, hangul / total), reverse=True)
    return shares[1] >= 0.1


def needs_per_sentence(text: str, doc: LanguageGuess) -> bool:
    """Per-sentence detection only where a document may switch languages: it costs 10x more."""
    return doc.language is None or doc.confidence < 0.8 or scripts_mixed(text[:MIXED_SAMPLE_CHARS])


def sentence_language(sentence: str, doc: LanguageGuess, languages: tuple[str, ...]) -> str | None:
    if _letters(sentence) < MIN_LETTERS:
        return doc.language
    return guess(sentence, languages).language or doc.language
