"""Language identification of documents and sentences with lingua, restricted to a set.

Restricting the set matters twice: lingua with all 75 languages needs 1.3 GB and confuses
close languages that will never occur in a case; ru/uk/en/ko loads in under half a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from overheard.errors import OverheardError

COMPONENT = "lingua"
# Sentences shorter than this (in letters) inherit the document language: lingua is unreliable
# on a word or two («ок», "Da").
MIN_LETTERS = 20
# Enough text for a confident document-level guess; longer texts only cost time.
DOC_SAMPLE_CHARS = 3000


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
    return sum(1 for ch in text if ch.isalpha())


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
    latin = cyrillic = hangul = 0
    for ch in text:
        if not ch.isalpha():
            continue
        o = ord(ch)
        if o < 0x250:
            latin += 1
        elif 0x400 <= o < 0x530:
            cyrillic += 1
        elif 0xAC00 <= o < 0xD7B0 or 0x1100 <= o < 0x1200:
            hangul += 1
    total = latin + cyrillic + hangul
    if total == 0:
        return False
    shares = sorted((latin / total, cyrillic / total, hangul / total), reverse=True)
    return shares[1] >= 0.1


def needs_per_sentence(text: str, doc: LanguageGuess) -> bool:
    """Per-sentence detection only where a document may switch languages: it costs 10x more."""
    return doc.language is None or doc.confidence < 0.8 or scripts_mixed(text[:DOC_SAMPLE_CHARS])


def sentence_language(sentence: str, doc: LanguageGuess, languages: tuple[str, ...]) -> str | None:
    if _letters(sentence) < MIN_LETTERS:
        return doc.language
    return guess(sentence, languages).language or doc.language
