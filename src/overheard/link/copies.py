"""Copies of one report: near-duplicates, syndicated rewrites and translations.

A wire story re-published by another outlet with light edits (a paragraph dropped, a
background line added, "said on Wednesday" for "said") is one source, not two. Two tests, both
pure (the ``copies`` stage keeps their state in the case):

- **Same language**: MinHash over word 3-shingles (``datasketch``; words lower-cased, ё = е,
  punctuation dropped, numbers kept with their thousands separators removed) finds the
  candidates through LSH, so a new document is compared only with those; each candidate is
  verified on the exact shingles. On the claims corpus the syndicated copies keep 37–63 % of
  the shorter text's shingles (Jaccard 0.17–0.45), while two reports of one storyline that
  share names, places and figures keep at most 10 % (Jaccard ≤ 0.04): a rewrite repeats whole
  phrases, a report of the same event does not.
- **Another language**: sentence embeddings (multilingual e5). A translation keeps the order of
  its sentences, so the pair is scored by the best monotonic alignment of the shorter text's
  sentences (dynamic programming over the similarity matrix). Raw cosine cannot tell a
  translation from another report of the same event (a storyline's documents sit at 0.92–0.96
  whole-document cosine, translations too), so each similarity is taken relative to the
  sentence's average similarity to the other text (a margin): translations written for the
  tests align at 0.082–0.099 per sentence, a storyline's other reports at ≤ 0.052.

Either way a **changed figure** makes it another report, not a copy: "12 servicemen were
killed" re-published as "15 servicemen were killed" is a different claim (the gold corpus
counts different figures as different claims), so two sentences that match but carry different
numbers (neither set within the other; day-of-month numbers next to a month name don't count)
veto the pair. And two texts of one source are not copies: an outlet's updated story counts as
that outlet once anyway, and what it adds are new statements.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

SHINGLE = 3
NUM_PERM = 256
# LSH bands × rows: with 2 rows a band, a pair at Jaccard 0.17 (the loosest syndicated copy
# seen) is a candidate 97.6 % of the time, one at 0.005 (two unrelated reports) 0.3 %.
BANDS, ROWS = 128, 2
SEED = 1
SCHEME = "affine32"  # datasketch's hash family: signatures kept in a case must say theirs
PARAMS = f"w{SHINGLE}-p{NUM_PERM}-b{BANDS}r{ROWS}-s{SEED}-{SCHEME}"

# Verification thresholds, each in the middle of a wide gap on the claims corpus.
NEAR_CONTAINMENT = 0.25  # copies ≥ 0.37, other reports ≤ 0.10
NEAR_JACCARD = 0.08  # copies ≥ 0.17, other reports ≤ 0.04
MIN_SHARED = 8  # shingles: a shared quotation of a few words is no copy
# Or, for a heavier rewrite: this share of the shorter text's sentences has a sentence with
# the same words in the other (copies ≥ 0.57, other reports ≤ 0.20), at least this many.
NEAR_SENTENCES = 0.45
NEAR_MIN_SENTENCES = 3
TRANSLATION_MARGIN = 0.065  # per aligned sentence: translations ≥ 0.082, other reports ≤ 0.052
TRANSLATION_MIN_SENTENCES = 2
# Sentences that say the same thing: word Jaccard (same language) or mutual best match with a
# positive margin (another language); only those are checked for a changed figure.
SAME_SENTENCE = 0.5
# How many other-language documents nearest by embedding are verified as translations.
NEIGHBOURS = 30

_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})(?:[ ,\u00a0\u202f'](\d{3}))+(?![\d])")
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
# Month names (en) and stems (ru, uk): a number beside one is a date, not a figure.
_MONTH = re.compile(
    r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|январ|феврал|март|апрел|ма[йяе]|июн|"
    r"июл|август|сентябр|октябр|ноябр|декабр|січ|лют|берез|квіт|трав|черв|лип|серп|верес|"
    r"жовт|листопад|груд)"
)
_DAY_JOINERS = {"and", "or", "to", "и", "или", "по", "і", "й", "та", "або"}


# --------------------------------------------------------------------------------- words


def normalise(text: str) -> str:
    """Case, ё/е and compatibility forms folded; "1,500" and «1 500» both read 1500."""
    text = unicodedata.normalize("NFKC", text).lower().replace("ё", "е")

    def join(m: re.Match[str]) -> str:
        return re.sub(r"[ ,\u00a0\u202f']", "", m.group(0))

    return _THOUSANDS.sub(join, text)


def words(text: str) -> list[str]:
    return _WORD.findall(normalise(text))


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    """Word k-grams; a text shorter than k words is one shingle."""
    w = words(text)
    if len(w) < k:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i : i + k]) for i in range(len(w) - k + 1)}


def figures(sentence: str) -> set[str]:
    """The numbers a sentence states, less the days of dates ("March 12", «28 і 29 березня»)."""
    w = words(sentence)
    return {
        token
        for i, token in enumerate(w)
        if _NUMBER.fullmatch(token) and not (len(token) <= 2 and _in_date(w, i))
    }


def _in_date(w: list[str], i: int) -> bool:
    """Whether the number at ``i`` belongs to a run of days that a month name ends or starts."""
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(w) and (_NUMBER.fullmatch(w[j]) or w[j] in _DAY_JOINERS):
            j += step
        if 0 <= j < len(w) and _MONTH.match(w[j]):
            return True
    return False


def _conflict(a: str, b: str) -> tuple[str, str] | None:
    fa, fb = figures(a), figures(b)
    if fa and fb and not fa <= fb and not fb <= fa:
        return ", ".join(sorted(fa - fb)), ", ".join(sorted(fb - fa))
    return None


# -------------------------------------------------------------------------------- sketch


@dataclass(frozen=True)
class Sketch:
    """A text's MinHash signature and how many distinct shingles it had."""

    hashvalues: np.ndarray
    size: int

    def to_bytes(self) -> bytes:
        return self.hashvalues.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, size: int) -> Sketch:
        return cls(np.frombuffer(data, dtype="<u4").astype(np.uint64), size)

    def minhash(self) -> Any:
        """The signature as datasketch's LSH takes it (the lean form: no hash functions)."""
        from datasketch import LeanMinHash

        return LeanMinHash(seed=SEED, hashvalues=self.hashvalues, scheme=SCHEME)


def sketch(text: str) -> Sketch:
    from datasketch import MinHash

    grams = shingles(text)
    m = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    m.update_batch([g.encode("utf-8") for g in sorted(grams)])
    return Sketch(np.asarray(m.hashvalues, dtype=np.uint64), len(grams))


# --------------------------------------------------------------------------------- verify


@dataclass(frozen=True)
class Text:
    """What a comparison needs of a document: its sentences, language and (for translations)
    one embedding per sentence, L2-normalised."""

    sentences: tuple[str, ...]
    language: str | None = None
    vectors: np.ndarray | None = None
    source: int | str | None = None

    @property
    def text(self) -> str:
        return "\n".join(self.sentences)


@dataclass(frozen=True)
class Verdict:
    """Whether ``b`` copies ``a`` (or the other way round), how, and how much of the shorter
    text is copied (``score``, 0–1). ``reason`` says why not, or which figure differs."""

    copy: bool
    kind: str  # near | translation
    score: float
    reason: str | None = None
    detail: dict[str, float] = field(default_factory=dict)


def compare_near(a: Text, b: Text) -> Verdict:
    """Same-language verification: the exact shingles or, for a heavier rewrite, most of
    the shorter text's sentences matched; then a changed figure."""
    sa, sb = shingles(a.text), shingles(b.text)
    if not sa or not sb:
        return Verdict(False, "near", 0.0, "empty text")
    shared = len(sa & sb)
    containment = shared / min(len(sa), len(sb))
    jaccard = shared / len(sa | sb)
    matched, share = _same_sentences(a.sentences, b.sentences)
    detail = {
        "containment": round(containment, 4),
        "jaccard": round(jaccard, 4),
        "sentences": round(share, 4),
    }
    score = max(containment, share)
    phrases = shared >= MIN_SHARED and containment >= NEAR_CONTAINMENT and jaccard >= NEAR_JACCARD
    sentences = len(matched) >= NEAR_MIN_SENTENCES and share >= NEAR_SENTENCES
    if not (phrases or sentences):
        return Verdict(False, "near", score, "too little text in common", detail)
    for x, y in matched:
        conflict = _conflict(x, y)
        if conflict:
            return Verdict(
                False, "near", score, f"figures differ: {conflict[0]} vs {conflict[1]}", detail
            )
    return Verdict(True, "near", score, None, detail)


def _same_sentences(a: Sequence[str], b: Sequence[str]) -> tuple[list[tuple[str, str]], float]:
    """Pairs of sentences with the same words (figures aside), and the share of the shorter
    text's sentences (of four words or more) that have one."""
    bags_a = [(x, set(words(x)) - figures(x)) for x in a]
    bags_b = [(y, set(words(y)) - figures(y)) for y in b]
    bags_a = [(x, bag) for x, bag in bags_a if len(bag) >= 4]
    bags_b = [(y, bag) for y, bag in bags_b if len(bag) >= 4]
    pairs = []
    found_a, found_b = set(), set()
    for i, (x, bag_a) in enumerate(bags_a):
        for j, (y, bag_b) in enumerate(bags_b):
            if len(bag_a & bag_b) / len(bag_a | bag_b) >= SAME_SENTENCE:
                pairs.append((x, y))
                found_a.add(i)
                found_b.add(j)
    if not bags_a or not bags_b:
        return pairs, 0.0
    if len(bags_a) <= len(bags_b):
        return pairs, len(found_a) / len(bags_a)
    return pairs, len(found_b) / len(bags_b)


def compare_translation(a: Text, b: Text) -> Verdict:
    """Another-language verification: margin-scored monotonic sentence alignment, then a
    changed figure between sentences that match."""
    if a.vectors is None or b.vectors is None:
        return Verdict(False, "translation", 0.0, "no embeddings")
    if min(len(a.sentences), len(b.sentences)) < TRANSLATION_MIN_SENTENCES:
        return Verdict(False, "translation", 0.0, "too short")
    short, long_ = (a, b) if len(a.sentences) <= len(b.sentences) else (b, a)
    assert short.vectors is not None and long_.vectors is not None
    sim = short.vectors @ long_.vectors.T
    margin = sim - (sim.mean(axis=1, keepdims=True) + sim.mean(axis=0, keepdims=True)) / 2
    aligned = _monotonic_alignment(np.maximum(margin, 0.0)) / len(short.sentences)
    best_long = sim.argmax(axis=1)
    best_short = sim.argmax(axis=0)
    pairs = [
        (i, int(j)) for i, j in enumerate(best_long) if best_short[j] == i and margin[i, j] > 0
    ]
    coverage = len(pairs) / len(short.sentences)
    detail = {"margin": round(float(aligned), 4), "coverage": round(coverage, 4)}
    if aligned < TRANSLATION_MARGIN:
        return Verdict(False, "translation", coverage, "sentences do not align", detail)
    for i, j in pairs:
        conflict = _conflict(short.sentences[i], long_.sentences[j])
        if conflict:
            reason = f"figures differ: {conflict[0]} vs {conflict[1]}"
            return Verdict(False, "translation", coverage, reason, detail)
    return Verdict(True, "translation", coverage, None, detail)


def _monotonic_alignment(weights: np.ndarray) -> float:
    """The heaviest alignment that keeps both texts' order (no crossing pairs), one row at a
    time: D[i, j] = max(D[i-1, j], D[i, j-1], D[i-1, j-1] + w[i-1, j-1])."""
    row = np.zeros(weights.shape[1] + 1)
    for w in weights:
        step = np.maximum(row[1:], row[:-1] + w)
        row = np.concatenate(([0.0], np.maximum.accumulate(step)))
    return float(row[-1])


def compare(a: Text, b: Text) -> Verdict:
    """The test that fits the pair: shingles within one language, embeddings across two.
    Two texts of one source are never copies: an outlet's updated story is one source
    already, and its new sentences are new statements, not syndication."""
    if a.source is not None and a.source == b.source:
        return Verdict(False, "near", 0.0, "same source")
    if a.language and b.language and a.language != b.language:
        return compare_translation(a, b)
    return compare_near(a, b)


# ---------------------------------------------------------------------------------- index


class CopyIndex:
    """The candidates for a new document: an LSH over the MinHash signatures (same language)
    and the nearest document embeddings in other languages. Ids only: verification reads the
    candidates' texts."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))
        # The embeddings: one row a document, grown by doubling (never copied per document),
        # with its id and a language code per row (-1: removed).
        self._row: dict[int, int] = {}
        self._ids: list[int] = []
        self._vectors = np.zeros((0, 0), dtype=np.float32)
        self._codes = np.zeros(0, dtype=np.int32)
        self._languages: dict[str | None, int] = {}

    def __contains__(self, doc_id: int) -> bool:
        return doc_id in self._lsh

    def ids(self) -> set[int]:
        return set(self._lsh.keys)

    def add(self, doc_id: int, sk: Sketch, language: str | None, vector: np.ndarray | None) -> None:
        self.remove(doc_id)
        self._lsh.insert(doc_id, sk.minhash(), check_duplication=False)
        if vector is None:
            return
        n = len(self._ids)
        if n == len(self._codes):
            size = max(64, 2 * n)
            grown = np.zeros((size, vector.shape[0]), dtype=np.float32)
            codes = np.full(size, -1, dtype=np.int32)
            if n:
                grown[:n], codes[:n] = self._vectors[:n], self._codes[:n]
            self._vectors, self._codes = grown, codes
        self._row[doc_id] = n
        self._vectors[n] = vector
        self._codes[n] = self._languages.setdefault(language, len(self._languages))
        self._ids.append(doc_id)

    def remove(self, doc_id: int) -> None:
        if doc_id in self._lsh:
            self._lsh.remove(doc_id)
        row = self._row.pop(doc_id, None)
        if row is not None:
            self._codes[row] = -1

    def near(self, sk: Sketch) -> list[int]:
        return sorted(self._lsh.query(sk.minhash()))

    def across(self, vector: np.ndarray, language: str | None, k: int = NEIGHBOURS) -> list[int]:
        """The k documents in another language whose embedding is nearest."""
        n = len(self._ids)
        if not n:
            return []
        own = self._languages.get(language, -2)
        codes = self._codes[:n]
        scores = np.where((codes >= 0) & (codes != own), self._vectors[:n] @ vector, -np.inf)
        top = np.argpartition(-scores, k - 1)[:k] if n > k else np.arange(n)
        top = top[np.argsort(-scores[top])]
        return [self._ids[i] for i in top if np.isfinite(scores[i])]


def document_vector(vectors: np.ndarray) -> np.ndarray:
    """One embedding for a document: the normalised mean of its sentences'."""
    mean = vectors.mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return (mean / norm if norm else mean).astype(np.float32)


# --------------------------------------------------------------------------------- groups


def original(members: Iterable[tuple[int, datetime | None]]) -> int:
    """The group's original: the earliest published (undated ones after every dated one),
    then the first ingested."""
    return min(members, key=lambda m: (m[1] is None, m[1] or datetime.min, m[0]))[0]


def pairs(groups: Iterable[Iterable[Any]]) -> set[tuple[Any, Any]]:
    """Every unordered pair within each group, for pairwise scoring."""
    out = set()
    for group in groups:
        members = sorted(set(group))
        out.update((x, y) for i, x in enumerate(members) for y in members[i + 1 :])
    return out
