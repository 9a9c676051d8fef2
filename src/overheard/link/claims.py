"""Which statements are about the same proposition, and whether each asserts or denies it.

Similarity is not stance, and not sameness either: "12 soldiers were killed at the depot" and
"12 soldiers were wounded at the depot" have a cosine of 0.98 in multilingual-e5, yet they are
two claims; «двенадцать погибших» is the first one in Russian at 0.90. So a statement joins a
claim when its embedding is close to a member's **and** nothing in it contradicts the claim:

- its figures (digits or number words, dates and unit names left out) must meet the claim's,
  when both give figures;
- its predicate concepts (killed / wounded / unharmed; missile / mine; destroyed / damaged —
  the ``claim_concepts`` lexicon) must meet the claim's in every family both name.

Shared entities and figures add a little to the similarity; statements in two languages get a
little back for what translation costs e5 (cross-lingual cosines run ~0.03 lower).

The stance is read off the act and the content, never off similarity: a statement denies its
claim when its act is a denial ("denied", "dismissed … as fabrication") or its content is
negated («никаких иностранных военных там нет»); otherwise it asserts it. A proposition is
kept in its positive form: the claim's label is one of its asserting statements.

Everything here is pure (no database): ``ClaimIndex`` holds the members of a case's claims in
memory, and ``link`` answers, for one new statement, which claim it joins (or none: a new one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from overheard.text import lexicon

# A statement joins a claim when its adjusted similarity to a member reaches this.
THRESHOLD = 0.875
# Added when the two statements are in different languages (e5 scores translations lower).
CROSS_LINGUAL = 0.03
SHARED_ENTITY = 0.01
SHARED_NUMBER = 0.02
MAX_BONUS = 0.04
# How many nearest members are examined for one statement.
NEIGHBOURS = 40

DENIAL_ACTS = frozenset({"deny", "reject"})
_WORD = re.compile(r"[\w'’-]+", re.UNICODE)
_TOKEN = re.compile(
    r"(?P<digits>(?<![\w.,])(?:\d{1,3}(?:[ ,\u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?)(?!\w))"
    r"|(?P<word>[^\W\d][\w'’-]*)",
    re.UNICODE,
)


@dataclass(frozen=True)
class Features:
    """What linking compares, besides the embedding."""

    numbers: tuple[float, ...] = ()
    concepts: tuple[tuple[str, str], ...] = ()  # (family, concept)
    entities: tuple[int, ...] = ()
    negated: bool = False
    lang: str = "en"

    def as_dict(self) -> dict[str, Any]:
        return {
            "numbers": list(self.numbers),
            "concepts": [list(c) for c in self.concepts],
            "entities": list(self.entities),
            "negated": self.negated,
            "lang": self.lang,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Features:
        data = data or {}
        return cls(
            tuple(data.get("numbers", ())),
            tuple((f, c) for f, c in data.get("concepts", ())),
            tuple(data.get("entities", ())),
            bool(data.get("negated")),
            data.get("lang", "en"),
        )


def _fold(text: str) -> str:
    return text.lower().replace("ё", "е").replace("’", "'")


@lexicon.cached
def _concept_patterns() -> list[tuple[re.Pattern[str], str, str]]:
    return [
        (re.compile(row["pattern"]), row["family"], row["concept"])
        for row in lexicon.table("claim_concepts")
    ]


@lexicon.cached
def _number_words() -> list[tuple[re.Pattern[str], float, bool]]:
    return [
        (re.compile(row["pattern"]), float(row["value"]), row["use"] == "multiplier")
        for row in lexicon.table("number_words")
    ]


@lexicon.cached
def _negation() -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    rows = lexicon.table("negation")
    negators = frozenset(r["phrase"] for r in rows if r["use"] == "negator")
    exceptions = tuple(tuple(r["phrase"].split()) for r in rows if r["use"] == "except")
    return negators, exceptions


def numbers(text: str) -> tuple[float, ...]:
    """The figures a text gives, in digits or words ("1,500", "12", «дванадцять», «полторы
    тысячи», «1,5 тыс.»); years and other dates should be cut out by the caller."""
    found: list[float] = []
    patterns = _number_words()
    previous: float | None = None  # the number just before, which a multiplier scales
    for m in _TOKEN.finditer(text):
        digits, word = m.group("digits"), m.group("word")
        if digits:
            raw = re.sub(r"[ ,\u00a0\u202f](?=\d{3}\b)", "", digits).replace(",", ".")
            try:
                previous = float(raw)
            except ValueError:
                previous = None
                continue
            found.append(previous)
            continue
        folded = _fold(word)
        for pattern, value, multiplier in patterns:
            if pattern.fullmatch(folded):
                if multiplier and previous is not None:
                    found.remove(previous)
                    found.append(previous * value)
                    previous = None
                elif not multiplier:
                    found.append(value)
                    previous = value
                break
        else:
            previous = None
    return tuple(sorted(set(found)))


def concepts(text: str, lang: str) -> tuple[tuple[str, str], ...]:
    words = [_fold(w) for w in _WORD.findall(text)]
    found = set()
    for pattern, family, concept in _concept_patterns():
        if any(pattern.fullmatch(w) for w in words):
            found.add((family, concept))
    return tuple(sorted(found))


def negated(text: str) -> bool:
    """Does the content negate what it says? ("no foreign troops", «никаких … нет»)."""
    words = [_fold(w) for w in _WORD.findall(text)]
    negators, exceptions = _negation()
    for i, word in enumerate(words):
        if word in negators or word.endswith("n't"):
            if any(tuple(words[i : i + len(e)]) == e for e in exceptions):
                continue
            return True
    return False


def proposition_text(text: str) -> str:
    """What is embedded for linking: the content without its negators, so "there are no
    Belarusian troops there" sits next to "Belarusian troops are there" (the stance keeps the
    negation; measured on the claims corpus: B-cubed +0.02)."""
    negators, exceptions = _negation()
    words = [m for m in _WORD.finditer(text)]
    drop = []
    folded = [_fold(m.group()) for m in words]
    for i, word in enumerate(folded):
        if (word in negators or word.endswith("n't")) and not any(
            tuple(folded[i : i + len(e)]) == e for e in exceptions
        ):
            drop.append(words[i].span())
    out, last = [], 0
    for a, b in drop:
        out.append(text[last:a])
        last = b
    out.append(text[last:])
    return " ".join("".join(out).split())


def features(
    text: str, lang: str, *, skip: Iterable[tuple[int, int]] = (), entities: Iterable[int] = ()
) -> Features:
    """A statement's features; ``skip`` spans (dates, unit names: offsets into ``text``)
    hold numbers that are not figures of the claim."""
    kept = list(text)
    for a, b in skip:
        for i in range(max(a, 0), min(b, len(kept))):
            kept[i] = " "
    figures_text = "".join(kept)
    return Features(
        numbers=numbers(figures_text),
        concepts=concepts(text, lang),
        entities=tuple(sorted(set(entities))),
        negated=negated(text),
        lang=lang,
    )


def stance(act: str, feats: Features) -> str:
    """assert or deny, relative to the proposition in its positive form. A denial whose
    content is negated too («опровергло: никаких … нет») is emphatic, not double."""
    return "deny" if act in DENIAL_ACTS or feats.negated else "assert"


def conflict(a: Features, b: Features) -> str | None:
    """Why two statements cannot be about one proposition, or None."""
    if a.numbers and b.numbers and not set(a.numbers) & set(b.numbers):
        return "different figures"
    families_a: dict[str, set[str]] = {}
    for family, concept in a.concepts:
        families_a.setdefault(family, set()).add(concept)
    families_b: dict[str, set[str]] = {}
    for family, concept in b.concepts:
        families_b.setdefault(family, set()).add(concept)
    for family in families_a.keys() & families_b.keys():
        if not families_a[family] & families_b[family]:
            return f"different {family}"
    return None


def adjusted(similarity: float, a: Features, b: Features) -> float:
    bonus = SHARED_ENTITY * len(set(a.entities) & set(b.entities))
    bonus += SHARED_NUMBER * bool(set(a.numbers) & set(b.numbers))
    if a.lang != b.lang:
        bonus += CROSS_LINGUAL
    return similarity + min(bonus, MAX_BONUS)


@dataclass
class Member:
    statement_id: int
    claim_id: int
    features: Features


@dataclass
class ClaimIndex:
    """The members of a case's claims: their embeddings as one matrix (nearest neighbours by
    one matrix product: about 10 ms against 100k statements) and their features."""

    dim: int = 384
    members: list[Member] = field(default_factory=list)
    seeds: dict[int, Features] = field(default_factory=dict)  # claim id → its first member
    _matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 384), np.float32))
    _pending: list[np.ndarray] = field(default_factory=list)

    def add(self, member: Member, vector: np.ndarray) -> None:
        self.members.append(member)
        self._pending.append(np.asarray(vector, np.float32).reshape(1, -1))
        self.seeds.setdefault(member.claim_id, member.features)

    def remove(self, statement_ids: Iterable[int]) -> None:
        gone = set(statement_ids)
        if not gone:
            return
        matrix = self.matrix()
        keep = [i for i, m in enumerate(self.members) if m.statement_id not in gone]
        self.members = [self.members[i] for i in keep]
        self._matrix = matrix[keep]
        claims = {m.claim_id for m in self.members}
        self.seeds = {c: f for c, f in self.seeds.items() if c in claims}

    def matrix(self) -> np.ndarray:
        if self._pending:
            self._matrix = np.vstack([self._matrix, *self._pending])
            self._pending = []
        return self._matrix

    def __len__(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class Link:
    claim_id: int | None  # None: no claim fits, a new one
    similarity: float | None


def link(index: ClaimIndex, vector: np.ndarray, feats: Features) -> Link:
    """The claim this statement joins: the best claim among its nearest members that nothing
    contradicts, if close enough."""
    if not len(index):
        return Link(None, None)
    sims = index.matrix() @ np.asarray(vector, np.float32)
    k = min(NEIGHBOURS, len(sims))
    nearest = np.argpartition(-sims, k - 1)[:k]
    best: dict[int, float] = {}
    for i in nearest:
        member = index.members[int(i)]
        claim = member.claim_id
        seed = index.seeds.get(claim)
        if conflict(feats, member.features) or (seed is not None and conflict(feats, seed)):
            continue
        score = adjusted(float(sims[i]), feats, member.features)
        if score > best.get(claim, -1.0):
            best[claim] = score
    if not best:
        return Link(None, None)
    claim, score = max(best.items(), key=lambda kv: kv[1])
    return Link(claim, score) if score >= THRESHOLD else Link(None, score)


def label(candidates: Sequence[tuple[str, str, str]]) -> str | None:
    """The claim's readable label from (content, stance, lang) of its members: an asserting
    statement, in English where there is one, of moderate length."""
    asserting = [c for c in candidates if c[1] == "assert"] or list(candidates)
    if not asserting:
        return None

    def rank(c: tuple[str, str, str]) -> tuple[int, int]:
        words = len(c[0].split())
        return (c[2] != "en", abs(words - 14))

    return " ".join(min(asserting, key=rank)[0].split())
