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

A claim is scored as a whole, not by its one nearest member: half the similarity to its
nearest member, half the mean similarity to all its members (the claim's summed vector, so
one dot product), and the statement must not contradict the figures and concepts of *any*
member (the claim's profile). Nearest-member linking alone chains: a denial close to one
member of a claim drew in the next claim's statements, until one claim held four
propositions of a storyline and denials from another storyline (B-cubed 0.53 on the claims
corpus; 0.61 scored as a whole; see docs/EVAL.md).

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

# A statement joins a claim when its score (``ClaimIndex.score``) reaches this.
THRESHOLD = 0.87
# The weight of the nearest member in a claim's score; the rest is the mean over its members.
NEAREST_WEIGHT = 0.5
# Added when the two statements are in different languages (e5 scores translations lower).
CROSS_LINGUAL = 0.03
SHARED_ENTITY = 0.01
SHARED_NUMBER = 0.02
MAX_BONUS = 0.04
# How many nearest members are examined for one statement.
NEIGHBOURS = 40
# A statement that shares nothing checkable with a claim (no entity, figure or predicate
# concept of any member) joins it only as a near-paraphrase: generic lines ("There can be no
# silence in the face of this", «Понял, поскольку он там будет») sit around 0.85-0.9 from
# each other in e5 and otherwise gathered into claims that look contested. Measured on the
# claims corpus (replaying its statements): B-cubed .613 → .625 at 0.92, and .618 even when
# no unanchored link is allowed, so its own claims share what they are about.
ANCHORLESS = 0.92
# Added to a claim's score when the statement gives one of its figures (and nothing
# contradicts: the figures and concepts agree, the documents share a subject): a denial of
# "1,500 soldiers" is worded unlike the claim, yet the figure says which claim it denies.
# On the claims corpus, replaying its statements at thresholds 0.855-0.885: B-cubed mean
# .641 → .664 / .672 / .690 / .694 for 0.01 / 0.02 / 0.03 / 0.04; 0.03 taken.
FIGURE_AGREES = 0.03
# Likewise for one of its predicate concepts ("killed", «ракета»: ``claim_concepts``): mean
# .690 → .699 / .717 / .723 for 0.01 / 0.02 / 0.03 in the same replay; 0.02 taken. (A shared
# entity was tried the same way and lowered it: .677 / .672 / .653; a storyline's statements
# all name its places.)
CONCEPT_AGREES = 0.02

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
    # Says something a claim can be about (``is_proposition``); if not, the statement is a
    # claim of its own that nothing joins ("the cause", «следующее»).
    proposition: bool = True
    # The stems of its capitalised words in Latin letters (``name_stems``): Kursk, «Курской»
    # and «Курщині» all give "kursk". An anchor where the entity recogniser missed a name.
    names: tuple[str, ...] = ()
    # What its document is about: the entities it names, countries left out (``topic``). A
    # statement joins no claim whose documents name none of them: "three employees were
    # killed" at a depot and "one crew member was killed" on a ship are two claims however
    # alike their words (they had made one on the claims corpus).
    topic: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "numbers": list(self.numbers),
            "concepts": [list(c) for c in self.concepts],
            "entities": list(self.entities),
            "negated": self.negated,
            "lang": self.lang,
            "proposition": self.proposition,
            "names": list(self.names),
            "topic": list(self.topic),
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
            bool(data.get("proposition", True)),
            tuple(data.get("names", ())),
            tuple(data.get("topic", ())),
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


@dataclass(frozen=True)
class _Negation:
    negators: frozenset[str]
    exceptions: tuple[tuple[str, ...], ...]
    # A word joining a contrast just before the negator (", а не X", ", but not X").
    before: frozenset[str]
    # What opens the next sentence or dash clause of a contrast ("not X. This is Y").
    after: tuple[tuple[str, ...], ...]
    # Relative pronouns: ", кого не можуть приховати" says something of a noun.
    relative: frozenset[str] = frozenset()
    # "about" after a negator and before a quotation: «не про «цивільне підприємство»».
    about: frozenset[str] = frozenset()
    # What sets an alternative aside without negating: "rather than", «вместо».
    instead: tuple[str, ...] = ()


@lexicon.cached
def _negation() -> _Negation:
    rows = lexicon.table("negation")

    def phrases(use: str) -> list[str]:
        return [r["phrase"] for r in rows if r["use"] == use]

    return _Negation(
        frozenset(phrases("negator")),
        tuple(tuple(p.split()) for p in phrases("except")),
        frozenset(phrases("contrast-before")),
        tuple(tuple(p.split()) for p in phrases("contrast-after")),
        frozenset(phrases("relative")),
        frozenset(phrases("about")),
        tuple(phrases("instead")),
    )


# A quotation mark after spaces: what a negator + "about" puts in quotes is a label.
_QUOTE_NEXT = re.compile(r"\s*[«\"“„'‘]")


# The start of the next sentence or dash clause after a negator, and its first words.
_NEXT_CLAUSE = re.compile(r"(?:[.;:!?]\s+|\s[—–]\s*)((?:[^\W\d][\w'’-]*\s*){1,2})", re.UNICODE)


def _contrast_follows(text: str, start: int, end: int, lex: _Negation) -> bool:
    """ "These are not volunteers. This is a regular battalion", «Это не учения — это война»:
    the negator's sentence opens as the next clause does (a demonstrative saying what
    something is), and the next clause names the alternative rather than dismissing what was
    said ("This is not true. This is a fabrication" denies)."""
    clause = _NEXT_CLAUSE.search(text, end, min(len(text), end + 120))
    if clause is None:
        return False
    opening = tuple(_fold(w) for w in _WORD.findall(clause.group(1)))
    if not any(opening[: len(a)] == a for a in lex.after):
        return False
    sentence = re.split(r"[.;:!?]\s+|\s[—–]\s*", text[:start])[-1]
    first = _fold(next(iter(_WORD.findall(sentence)), ""))
    if first not in {a[0] for a in lex.after}:
        return False
    from overheard.text.statements.dismissal import dismissal_pattern
    from overheard.text.statements.draft import fold

    rest = re.split(r"[.;!?]\s+", text[clause.start(1) :])[0]
    return not any(dismissal_pattern(lang).search(fold(rest)) for lang in ("en", "ru"))


_CLAUSE_END = re.compile(r"[,.;:!?—–()]|\s-\s")


def contrasted(
    text: str, negators: Sequence[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Spans naming what a content sets aside rather than says: the alternative after a
    negator that only contrasts (", not farm machinery", «, а не …», "These are not
    volunteers.") and after "rather than", «вместо» (``negation`` use instead), each to the
    end of its clause. ``negators``: those contrasting negators, where the caller has them
    (``_negators``)."""
    spans: list[tuple[int, int]] = []
    if negators is None:
        _negators(text, spans)
    else:
        spans.extend(negators)
    lex = _negation()
    folded = _fold(text)
    for phrase in lex.instead:
        for m in re.finditer(rf"(?<![\w'’-]){re.escape(phrase)}(?![\w'’-])", folded):
            spans.append((m.start(), m.end()))
    out = []
    for a, b in spans:
        stop = _CLAUSE_END.search(text, b)
        out.append((a, stop.start() if stop else len(text)))
    return out


def _negators(text: str, contrasts: list[tuple[int, int]] | None = None) -> list[tuple[int, int]]:
    """The spans of the words that negate what ``text`` says. Not a negator in one of its
    fixed phrases ("not only", «не менее»), nor one that only contrasts: "armoured
    personnel carriers, not farm machinery", «по контракту, а не …», "These are not
    volunteers. This is a regular battalion" all assert what they say; those negators'
    spans go to ``contrasts`` where given."""
    lex = _negation()
    words = list(_WORD.finditer(text))
    folded = [_fold(m.group()) for m in words]
    found = []
    for i, word in enumerate(folded):
        if not (word in lex.negators or word.endswith("n't")):
            continue
        if any(tuple(folded[i : i + len(e)]) == e for e in lex.exceptions):
            continue
        start, end = words[i].span()
        before = text[:start].rstrip()
        if (
            before.endswith((",", "—", "–"))  # ", not X"
            or (  # ", а не X", ", but not X"
                i
                and folded[i - 1] in lex.before
                and text[: words[i - 1].start()].rstrip().endswith(",")
            )
            or _contrast_follows(text, start, end, lex)  # "These are not X. This is Y"
        ):
            if contrasts is not None:
                contrasts.append((start, end))
            continue
        if _in_relative_clause(text, words, folded, i, lex):
            continue  # "…, кого не можуть приховати"
        if (
            i + 1 < len(words)
            and folded[i + 1] in lex.about
            and _QUOTE_NEXT.match(text, words[i + 1].end())
        ):
            continue  # «йдеться зовсім не про «цивільне підприємство»: …» rejects a label
        found.append((start, end))
    return found


def _in_relative_clause(
    text: str, words: list[re.Match[str]], folded: list[str], i: int, lex: _Negation
) -> bool:
    """Whether the negator ``words[i]`` stands in a relative clause: a relative pronoun after a
    comma opens it, at most four words before the negator, with no clause mark between."""
    for j in range(i - 1, max(-1, i - 5), -1):
        between = text[words[j].end() : words[j + 1].start()]
        if any(mark in between for mark in '.;:!?—–«»"“”'):
            return False
        if folded[j] in lex.relative:
            return text[: words[j].start()].rstrip().endswith(",")
        if "," in between:
            return False
    return False


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


def concepts(
    text: str, lang: str, aside: Sequence[tuple[int, int]] | None = None
) -> tuple[tuple[str, str], ...]:
    """The predicate concepts a content names (``claim_concepts``), not counting what it sets
    aside ("armoured personnel carriers, not farm machinery": military only; "individuals
    … rather than members of a Belarusian unit": individuals only; ``contrasted``, unless
    the caller has those spans: ``aside``)."""
    kept = list(text)
    for a, b in contrasted(text) if aside is None else aside:
        kept[a:b] = " " * (b - a)
    words = [_fold(w) for w in _WORD.findall("".join(kept))]
    found = set()
    for pattern, family, concept in _concept_patterns():
        if any(pattern.fullmatch(w) for w in words):
            found.add((family, concept))
    return tuple(sorted(found))


def negated(text: str) -> bool:
    """Does the content negate what it says? ("no foreign troops", «никаких … нет»)."""
    return bool(_negators(text))


_LETTERS = re.compile(r"[^\W\d_]+", re.UNICODE)


def is_proposition(text: str, figures: Sequence[float] = ()) -> bool:
    """Whether a statement's content can state a proposition: at least three words, or a
    figure. What a speaker "declined to comment on" ("the cause"), a "said the following"
    whose following the extractor did not take («следующее»), a bare "them" cannot, and a
    claim made of such would gather every other one."""
    return len(_LETTERS.findall(text)) >= 3 or bool(figures)


def proposition_text(text: str, lang: str = "en") -> str:
    """What is embedded for linking: the content without its negators, so "there are no
    Belarusian troops there" sits next to "Belarusian troops are there" (the stance keeps the
    negation; measured on the claims corpus: B-cubed +0.02); without the report frame before
    the proposition ("Ukrainian reports that …", «сообщения разведки о …»: ``claim_frames``)
    and without the words that dismiss it ("as a lie", «выдумкой»: ``speech_dismissals``)."""
    from overheard.text.statements.dismissal import dismissal_pattern
    from overheard.text.statements.draft import fold

    cut = list(_negators(text))
    frame = _frame(lang).match(fold(text))
    if frame is not None and len(_LETTERS.findall(text[frame.end() :])) >= 3:
        cut.append((0, frame.end()))
    cut.extend(m.span() for m in dismissal_pattern(lang).finditer(fold(text)))
    out, last = [], 0
    for a, b in sorted(cut):
        if a >= last:
            out.append(text[last:a])
        last = max(last, b)
    out.append(text[last:])
    return " ".join(" ".join(out).split())


def refers_back(text: str, lang: str = "en") -> bool:
    """Whether a content only points back at what was said before ("this", "these reports",
    «эту информацию», «ці звинувачення»: ``claim_anaphors`` and ``claim_frames``): the
    statement is then about the claim of the statement before it."""
    from overheard.text.statements.draft import anaphors, fold

    words = _WORD.findall(fold(text).lower())
    pronouns, determiners = anaphors(lang)
    if len(words) == 1:
        return words[0] in pronouns
    if len(words) != 2 or words[0] not in determiners:
        return False
    key = "en" if lang == "en" else "ru"
    nouns = [row["noun"] for row in lexicon.table("claim_frames") if row["lang"] == key]
    return any(re.fullmatch(noun, words[1]) for noun in nouns)


_CONNECTORS = {
    "en": r"(?:that|of|about)",
    "ru": r"(?:о том, что|про те, що|о|об|про|что|що)",
}


@lexicon.cached
def _frame(lang: str) -> re.Pattern[str]:
    """The report frame opening a content: anything, a frame noun, at most 40 characters
    of the same clause, a connector (``claim_frames``)."""
    key = "en" if lang == "en" else "ru"
    nouns = [row["noun"] for row in lexicon.table("claim_frames") if row["lang"] == key]
    if not nouns:
        return re.compile(r"(?!)")
    return re.compile(
        rf"^[^.;:!?]*?(?<![\w-])(?:{'|'.join(nouns)})(?![\w-])[^.;:!?]{{0,40}}?"
        rf"(?<![\w-]){_CONNECTORS[key]}\s+"
    )


def features(
    text: str,
    lang: str,
    *,
    skip: Iterable[tuple[int, int]] = (),
    entities: Iterable[int] = (),
    topic: Iterable[int] = (),
) -> Features:
    """A statement's features; ``skip`` spans (dates, unit names: offsets into ``text``)
    hold numbers that are not figures of the claim; ``topic``: the entities its document
    names (``Features.topic``)."""
    kept = list(text)
    for a, b in skip:
        for i in range(max(a, 0), min(b, len(kept))):
            kept[i] = " "
    figures_text = "".join(kept)
    figures = numbers(figures_text)
    contrasting: list[tuple[int, int]] = []
    negating = _negators(text, contrasting)
    return Features(
        numbers=figures,
        concepts=concepts(text, lang, contrasted(text, contrasting)),
        entities=tuple(sorted(set(entities))),
        negated=bool(negating),
        lang=lang,
        proposition=is_proposition(text, figures),
        names=name_stems(text),
        topic=tuple(sorted(set(topic))),
    )


_CAPITALISED = re.compile(r"(?<![\w'’-])[^\W\d_a-zа-яёіїєґ][\w'’-]{2,}", re.UNICODE)
_NAME_STEM = 5


def name_stems(text: str) -> tuple[str, ...]:
    """The first letters of its capitalised words, romanised (anyascii) and lower-cased: a
    name's stem across scripts and cases («Курской», «Курщині», Kursk → "kursk"). Words the
    lexicon ``not_names`` lists (The, This, «Однако», weekdays…) are left out. A common noun
    that starts a sentence ("Troops …") may pass: at worst two statements that begin alike
    are compared on similarity alone, as before there were anchors."""
    from anyascii import anyascii

    skip = _not_names()
    out = set()
    for m in _CAPITALISED.finditer(text):
        word = m.group()
        if _fold(word) in skip:
            continue
        stem = anyascii(word).lower()
        stem = re.sub(r"[^a-z]", "", stem)[:_NAME_STEM]
        if len(stem) >= 3:
            out.add(stem)
    return tuple(sorted(out))


@lexicon.cached
def _not_names() -> frozenset[str]:
    return frozenset(_fold(word) for word in lexicon.words("not_names"))


def stance(act: str, feats: Features) -> str:
    """assert or deny, relative to the proposition in its positive form. A denial whose
    content is negated too («опровергло: никаких … нет») is emphatic, not double."""
    return "deny" if act in DENIAL_ACTS or feats.negated else "assert"


def entailed_stance(act: str, relation: str, label_negated: bool) -> str | None:
    """The stance an entailment verdict gives a statement on a claim, or None (unrelated: the
    rules' stance stands). ``relation``: how the statement's content stands to the claim's
    label (supports / contradicts); ``label_negated``: whether the label's own content is the
    proposition's negative form. As in ``stance``, a denial act denies whatever it says."""
    if relation not in ("supports", "contradicts"):
        return None
    content_negative = label_negated if relation == "supports" else not label_negated
    return "deny" if act in DENIAL_ACTS or content_negative else "assert"


def conflict(a: Features, b: Features) -> str | None:
    """Why two statements cannot be about one proposition, or None."""
    if a.numbers and b.numbers and not set(a.numbers) & set(b.numbers):
        return "different figures"
    families_a, families_b = families(a.concepts), families(b.concepts)
    for family in families_a.keys() & families_b.keys():
        if clash(families_a[family], families_b[family]):
            return f"different {family}"
    return None


def families(found: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """Concepts by family: (("casualty", "killed"),) → {"casualty": {"killed"}}."""
    out: dict[str, set[str]] = {}
    for family, concept in found:
        out.setdefault(family, set()).add(concept)
    return {family: frozenset(concepts) for family, concepts in out.items()}


def clash(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two statements' concepts of one family make them different claims: none in
    common, and no pair of contraries (those are one claim, opposite sides: ``opposed``)."""
    if a & b:
        return False
    pairs = _opposites()
    return not any((x, y) in pairs for x in a for y in b)


@lexicon.cached
def _opposites() -> frozenset[tuple[str, str]]:
    pairs = set()
    for row in lexicon.table("claim_opposites"):
        pairs.add((row["concept"], row["opposite"]))
        pairs.add((row["opposite"], row["concept"]))
    return frozenset(pairs)


def opposed(statement: Features, seed: Features | None) -> bool:
    """Whether a statement says the contrary of its claim's first statement (``seed``): one
    of its concepts is the opposite of one of the seed's, and it does not say that one too.
    Its stance is then the other side of what its act and negation alone would make it."""
    if seed is None:
        return False
    mine = {c for _, c in statement.concepts}
    theirs = {c for _, c in seed.concepts}
    pairs = _opposites()
    return any((x, y) in pairs and y not in mine and x not in theirs for x in mine for y in theirs)


def flip(stance: str) -> str:
    return "assert" if stance == "deny" else "deny"


def adjusted(
    similarity: float, a: Features, b: Features, other_language: float | None = None
) -> float:
    """The similarity of two statements (or of a statement and a claim's profile) with what
    they share added; ``other_language``: the share of a claim's members in another language
    than ``a`` (default: whether ``b`` is)."""
    bonus = SHARED_ENTITY * len(set(a.entities) & set(b.entities))
    bonus += SHARED_NUMBER * bool(set(a.numbers) & set(b.numbers))
    if other_language is None:
        other_language = float(a.lang != b.lang)
    return similarity + min(bonus + CROSS_LINGUAL * other_language, MAX_BONUS)


@dataclass
class Member:
    statement_id: int
    claim_id: int
    features: Features


@dataclass
class Profile:
    """What a claim's members say together: their summed embedding (the mean similarity to
    them all is one dot product), how many there are and in which languages, and the union
    of their figures, concepts and entities."""

    total: np.ndarray
    count: int = 0
    languages: dict[str, int] = field(default_factory=dict)
    numbers: set[float] = field(default_factory=set)
    concepts: set[tuple[str, str]] = field(default_factory=set)
    entities: set[int] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    # What its members' documents are about (``Features.topic``).
    topics: set[int] = field(default_factory=set)
    # Each member's concepts of each family, as distinct sets: a statement must agree with
    # every member's, not only with their union ("individuals under contract" joins no claim
    # of "a formed battalion" because one member spoke of both).
    family_sets: dict[str, set[frozenset[str]]] = field(default_factory=dict)
    # The first member's features: the side the claim is stated from (``opposed``).
    seed: Features | None = None
    _features: Features | None = None

    def add(self, vector: np.ndarray | None, feats: Features) -> None:
        """One more member (``vector`` None: its vector is already in ``total``)."""
        if vector is not None:
            self.total = self.total + vector
        self.count += 1
        if self.seed is None:
            self.seed = feats
        self.languages[feats.lang] = self.languages.get(feats.lang, 0) + 1
        self.numbers.update(feats.numbers)
        self.concepts.update(feats.concepts)
        self.entities.update(feats.entities)
        self.names.update(feats.names)
        self.topics.update(feats.topic)
        for family, concepts in families(feats.concepts).items():
            self.family_sets.setdefault(family, set()).add(concepts)
        self._features = None

    def contradicted_by(self, feats: Features) -> bool:
        """Whether the statement's concepts clash with some member's (``clash``)."""
        for family, concepts in families(feats.concepts).items():
            if any(clash(concepts, theirs) for theirs in self.family_sets.get(family, ())):
                return True
        return False

    @property
    def features(self) -> Features:
        if self._features is None:
            self._features = Features(
                numbers=tuple(sorted(self.numbers)),
                concepts=tuple(sorted(self.concepts)),
                entities=tuple(sorted(self.entities)),
                lang="*",
            )
        return self._features


@dataclass
class ClaimIndex:
    """The members of a case's claims: their embeddings as one matrix (nearest neighbours by
    one matrix product: about 10 ms against 100k statements), their features, and each
    claim's profile."""

    dim: int = 384
    members: list[Member] = field(default_factory=list)
    profiles: dict[int, Profile] = field(default_factory=dict)
    _matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 384), np.float32))
    _pending: list[np.ndarray] = field(default_factory=list)

    @classmethod
    def of(cls, members: list[Member], matrix: np.ndarray) -> ClaimIndex:
        """An index of many members at once (a case's board, loaded): the claims' summed
        vectors in one pass over the matrix rather than one addition per member."""
        index = cls(members=list(members))
        if len(index.members):
            index._matrix = np.asarray(matrix, np.float32).reshape(len(index.members), -1)
            index.dim = index._matrix.shape[1]
        index._profile_rows(list(range(len(index.members))))
        return index

    def _profile_rows(self, rows: list[int]) -> None:
        """Profiles made anew for the claims of these rows (all of each claim's rows)."""
        if not rows:
            return
        claims = np.array([self.members[r].claim_id for r in rows])
        order = np.argsort(claims, kind="stable")
        ids, starts = np.unique(claims[order], return_index=True)
        totals = np.add.reduceat(self._matrix[np.asarray(rows)[order]], starts, axis=0)
        for i, claim in enumerate(ids.tolist()):
            self.profiles[claim] = Profile(totals[i])
        for r in rows:
            m = self.members[r]
            self.profiles[m.claim_id].add(None, m.features)

    def add(self, member: Member, vector: np.ndarray) -> None:
        vector = np.asarray(vector, np.float32).reshape(-1)
        self.members.append(member)
        self._pending.append(vector.reshape(1, -1))
        profile = self.profiles.get(member.claim_id)
        if profile is None:
            profile = self.profiles[member.claim_id] = Profile(np.zeros_like(vector))
        profile.add(vector, member.features)

    def remove(self, statement_ids: Iterable[int]) -> None:
        gone = set(statement_ids)
        if not gone:
            return
        matrix = self.matrix()
        touched = {m.claim_id for m in self.members if m.statement_id in gone}
        keep = [i for i, m in enumerate(self.members) if m.statement_id not in gone]
        self.members = [self.members[i] for i in keep]
        self._matrix = matrix[keep]
        for claim in touched:  # made anew from the members left
            self.profiles.pop(claim, None)
        self._profile_rows([r for r, m in enumerate(self.members) if m.claim_id in touched])

    def score(
        self, claim_id: int, vector: np.ndarray, feats: Features, nearest: float
    ) -> float | None:
        """A statement's score for a claim whose nearest member scored ``nearest`` (adjusted):
        None where the statement contradicts the figures or concepts of any member, where its
        document names none of the entities their documents name (``Features.topic``), or
        where it shares none of them (nor an entity) and is no near-paraphrase
        (``ANCHORLESS``)."""
        profile = self.profiles[claim_id]
        if conflict(feats, profile.features) or profile.contradicted_by(feats):
            return None
        if feats.topic and profile.topics and profile.topics.isdisjoint(feats.topic):
            return None  # its document and theirs share no subject: another event
        mean = float(np.dot(profile.total, vector)) / profile.count
        other = 1.0 - profile.languages.get(feats.lang, 0) / profile.count
        mean = adjusted(mean, feats, profile.features, other_language=other)
        score = NEAREST_WEIGHT * nearest + (1.0 - NEAREST_WEIGHT) * mean
        if not profile.numbers.isdisjoint(feats.numbers):
            score += FIGURE_AGREES
        if not profile.concepts.isdisjoint(feats.concepts):
            score += CONCEPT_AGREES
        anchored = (
            not set(feats.entities).isdisjoint(profile.entities)
            or not set(feats.numbers).isdisjoint(profile.numbers)
            or not set(feats.concepts).isdisjoint(profile.concepts)
            or not set(feats.names).isdisjoint(profile.names)
        )
        return score if anchored or score >= ANCHORLESS else None

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
    """The claim this statement joins: of the claims of its nearest members, the best scored
    as a whole (``ClaimIndex.score``) that nothing contradicts, if close enough."""
    if not len(index) or not feats.proposition:
        return Link(None, None)
    vector = np.asarray(vector, np.float32).reshape(-1)
    sims = index.matrix() @ vector
    k = min(NEIGHBOURS, len(sims))
    nearest = np.argpartition(-sims, k - 1)[:k]
    closest: dict[int, float] = {}
    for i in nearest:
        member = index.members[int(i)]
        if not member.features.proposition or conflict(feats, member.features):
            continue
        score = adjusted(float(sims[i]), feats, member.features)
        if score > closest.get(member.claim_id, -1.0):
            closest[member.claim_id] = score
    best: dict[int, float] = {}
    for claim, score in closest.items():
        whole = index.score(claim, vector, feats, score)
        if whole is not None:
            best[claim] = whole
    if not best:
        return Link(None, None)
    claim, score = max(best.items(), key=lambda kv: kv[1])
    return Link(claim, score) if score >= THRESHOLD else Link(None, score)


def label(candidates: Sequence[tuple[str, str, str]]) -> str | None:
    """The claim's readable label from (content, stance, lang) of its members: an asserting
    statement that states a proposition, in English where there is one, of moderate length."""
    asserting = [c for c in candidates if c[1] == "assert"] or list(candidates)
    if not asserting:
        return None

    def rank(c: tuple[str, str, str]) -> tuple[bool, bool, int]:
        words = len(c[0].split())
        return (not is_proposition(c[0]), c[2] != "en", abs(words - 14))

    return " ".join(min(asserting, key=rank)[0].split())
