"""English spaCy analysis as the extractors need it: entities everywhere, the parse where it counts.

Mentions, dates and the gazetteer rule read spaCy's entities and part-of-speech tags over the
whole text; the statement and event rules read the dependency parse, but only of sentences
that hold one of the words they look for (``lexicon.en_parse_lemmas()``: cues, triggers,
light verbs and their nouns, quotation marks). So every text goes through the tokenizer,
tok2vec, tagger and NER, and the parser runs only on runs of consecutive sentences (the
record's own, ``sentences.split``) that need it, fed the tok2vec rows the full pipeline would
have given it. A sentence the parser skips becomes a flat tree (its first token the root,
every other token a ``dep`` of it), so the extractors see an ordinary ``Doc``. NER runs last,
as in spaCy's pipeline, so no entity crosses a sentence boundary. On the 89 VOA stories,
mentions, statements, events, places and dates come out identical to those from spaCy's whole
pipeline (86 % of their sentences hold such a word and are parsed).

spaCy's attribute ruler (a Matcher with 179 patterns) and rule lemmatizer cost as much as the
parser per token; both are pure functions of a few token attributes, so they are memoised
here with results identical to the components themselves (tested on the VOA stories).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from overheard.text import lexicon, models
from overheard.text.sentences import split

# The components of en_core_web_sm this module runs by hand, in pipeline order.
_EXPECTED_PIPES = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner")
# Texts run through spaCy together. Its parser and NER precompute a layer for every token of a
# batch, so many long articles at once thrash the cache (VOA, 89 stories: 17.1 s in batches of
# 8, 19.0 s in batches of 64, 19.9 s one at a time); short texts (a call's utterances) go many
# to a batch.
_BATCH_CHARS = 40_000
_BATCH_TEXTS = 256


def parse_many(texts: Sequence[str]) -> list[Any]:
    """One spaCy ``Doc`` per text: entities and tags throughout, the dependency parse on the
    sentences the extractors read (the rest are flat trees)."""
    pipeline = _pipeline()
    out: list[Any] = []
    for batch in _batches(texts):
        if pipeline is None:
            out.extend(models.spacy_en().pipe(batch, batch_size=len(batch)))
        else:
            out.extend(pipeline.run(batch))
    return out


def _batches(texts: Sequence[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and (size + len(text) > _BATCH_CHARS or len(batch) >= _BATCH_TEXTS):
            yield batch
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield batch


def parse(text: str) -> Any:
    return parse_many([text])[0]


def full_parse(text: str) -> Any:
    """spaCy's whole pipeline on the whole text (the reference the tests compare against)."""
    return models.spacy_en()(text)


def clear_memos() -> None:
    """Forget the memoised attribute ruler's and lemmatizer's results (benchmarks)."""
    _pipeline.cache_clear()


@lru_cache(maxsize=1)
def _pipeline() -> _Pipeline | None:
    nlp = models.spacy_en()
    if tuple(nlp.pipe_names) != _EXPECTED_PIPES:
        return None  # another model: run it whole rather than guess at its components
    return _Pipeline(nlp)


@lru_cache(maxsize=4)
def _lemma_hashes(lemmas: frozenset[str]) -> Any:
    from spacy.strings import StringStore

    return np.array(sorted(StringStore().add(w) for w in lemmas), dtype="uint64")


class _Pipeline:
    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp
        self.vocab = nlp.vocab
        self.tok2vec = nlp.get_pipe("tok2vec")
        self.tagger = nlp.get_pipe("tagger")
        self.parser = nlp.get_pipe("parser")
        self.ner = nlp.get_pipe("ner")
        self.ruler = _MemoRuler(nlp.get_pipe("attribute_ruler"))
        self.lemmatizer = _MemoLemmatizer(nlp.get_pipe("lemmatizer"))
        self.root = self.vocab.strings.add("ROOT")
        self.dep = self.vocab.strings.add("dep")

    def run(self, texts: Sequence[str]) -> list[Any]:
        docs = [self.nlp.make_doc(text) for text in texts]
        chunks = [_chunks(text, doc) for text, doc in zip(texts, docs, strict=True)]
        docs = list(self.tok2vec.pipe(docs, batch_size=len(docs)))
        docs = list(self.tagger.pipe(docs, batch_size=len(docs)))
        for doc in docs:
            self.ruler(doc)
            self.lemmatizer(doc)
        wanted = _lemma_hashes(lexicon.en_parse_lemmas())
        runs = [self._runs(doc, starts, wanted) for doc, starts in zip(docs, chunks, strict=True)]
        parsed = self._parse_runs(docs, runs)
        for i, doc in enumerate(docs):
            self._assemble(doc, chunks[i], runs[i], parsed[i])
        # NER last, as in spaCy's pipeline: no entity crosses a sentence boundary, which is
        # the parser's where it ran and the record's elsewhere.
        return list(self.ner.pipe(docs, batch_size=len(docs)))

    def _runs(self, doc: Any, chunks: list[tuple[int, int]], wanted: Any) -> list[tuple[int, int]]:
        """Token ranges of consecutive sentences holding a lemma the extractors look at.

        Parsing the sentence on either side of each as well (so that the parser, not the
        record, draws the boundary there, as in the full pipeline) was measured and dropped:
        PolNeAR's statements came closer to the full pipeline's (1 of 84 dev articles
        different instead of 16: a timestamp line or a headline the full parser reads into
        the next sentence), but EVAL.md's PolNeAR figures fell by up to .003, and 99 % of
        VOA's sentences went through the parser instead of 86 %."""
        from spacy.attrs import LEMMA

        if not len(doc):
            return []
        hits = np.isin(doc.to_array([LEMMA]), wanted)
        counts = np.concatenate(([0], np.cumsum(hits)))
        runs: list[tuple[int, int]] = []
        for a, b in chunks:
            if counts[b] == counts[a]:
                continue
            if runs and runs[-1][1] == a:
                runs[-1] = (runs[-1][0], b)
            else:
                runs.append((a, b))
        return runs

    def _parse_runs(self, docs: list[Any], runs: list[list[tuple[int, int]]]) -> list[list[Any]]:
        """Parse each run as a document of its own, on the tok2vec rows of its tokens."""
        from spacy.attrs import ORTH, SPACY, TAG
        from spacy.tokens import Doc

        strings = self.vocab.strings
        subs = []
        for doc, doc_runs in zip(docs, runs, strict=True):
            if not doc_runs:
                continue
            rows = doc.to_array([ORTH, SPACY, TAG])
            starts = _forced_starts(doc)
            for a, b in doc_runs:
                words = [strings[orth] for orth in rows[a:b, 0].tolist()]
                sub = Doc(self.vocab, words=words, spaces=rows[a:b, 1].astype(bool).tolist())
                sub.from_array([TAG], rows[a:b, 2:3])
                sub.tensor = doc.tensor[a:b]
                for i in starts:
                    if a < i < b:
                        sub[i - a].is_sent_start = True
                subs.append(sub)
        subs = list(self.parser.pipe(subs, batch_size=max(1, len(subs))))
        for sub in subs:
            self.ruler(sub)
            self.lemmatizer(sub)
        it = iter(subs)
        return [[next(it) for _ in doc_runs] for doc_runs in runs]

    def _assemble(
        self, doc: Any, chunks: list[tuple[int, int]], runs: list[tuple[int, int]], subs: list[Any]
    ) -> None:
        """Parsed runs get their heads and labels, and the parts of speech, morphology and
        lemmas that follow from them; other sentences flat trees."""
        from spacy.attrs import DEP, HEAD, LEMMA, MORPH, POS

        if not len(doc):
            return
        columns = [HEAD, DEP, POS, MORPH, LEMMA]
        arr = doc.to_array(columns)
        parsed = np.zeros(len(doc), dtype=bool)
        for (a, b), sub in zip(runs, subs, strict=True):
            arr[a:b] = sub.to_array(columns)
            parsed[a:b] = True
        for a, b in chunks:
            if parsed[a]:
                continue
            # Relative heads are stored as uint64: -k wraps around.
            arr[a:b, 0] = (a - np.arange(a, b)).astype("int64").astype("uint64")
            arr[a:b, 1] = self.dep
            arr[a, 1] = self.root
        doc.from_array(columns, arr)


_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def _forced_starts(doc: Any) -> list[int]:
    """Tokens that begin a sentence whatever the parser makes of them: the first after a
    title line ("Statement on the reported deployment of foreign troops\nThe Ministry notes
    …" was one sentence, the title read into its subject) and the first of each paragraph."""
    from overheard.text.sentences import title_line

    text = doc.text
    at = [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    title = title_line(text)
    if title is not None:
        rest = len(text) - len(text[title[1] :].lstrip())
        at.append(rest)
    if not at:
        return []
    by_char = {t.idx: t.i for t in doc if not t.is_space}
    return sorted({by_char[c] for c in at if c in by_char})


def _chunks(text: str, doc: Any) -> list[tuple[int, int]]:
    """Token ranges of the record's sentences, covering the whole doc (whitespace between two
    sentences goes with the first)."""
    if not len(doc):
        return []
    from spacy.attrs import IDX

    idx = doc.to_array([IDX]).reshape(-1)
    starts = np.searchsorted(idx, [s.start for s in split(text, "en")])
    bounds = sorted({0, *(int(s) for s in starts if s < len(doc))})
    return list(zip(bounds, [*bounds[1:], len(doc)], strict=True))


_RULER_ATTRS = frozenset({"TAG", "LOWER", "DEP", "IS_SPACE"})


class _MemoRuler:
    """spaCy's AttributeRuler, memoised on what its patterns read (tag, lower-case form, label,
    is-space). A token that a pattern of several tokens might touch (one within reach of a
    word that such a pattern names) is memoised on its window of neighbours instead. Patterns
    of any other kind make it run the component itself."""

    def __init__(self, ruler: Any) -> None:
        self.ruler = ruler
        self.vocab = ruler.vocab
        strings = self.vocab.strings
        self.width = 1
        self.exact = True
        named: set[str] = set()
        self.regexes: list[re.Pattern[str]] = []
        anchor_lowers: set[int] = set()
        anchor_deps: set[int] = set()
        for entry in ruler.patterns:
            for pattern in entry["patterns"]:
                self.width = max(self.width, len(pattern))
                anchors: list[tuple[int, str, set[str]]] = []
                for spec in pattern:
                    if not set(spec) <= _RULER_ATTRS:
                        self.exact = False
                    for attr in ("LOWER", "DEP"):
                        value = spec.get(attr)
                        if isinstance(value, str):
                            value = {"IN": [value]}
                        if isinstance(value, dict) and set(value) == {"IN"}:
                            anchors.append((len(value["IN"]), attr, set(value["IN"])))
                            if attr == "LOWER":
                                named.update(value["IN"])
                        elif (
                            attr == "LOWER" and isinstance(value, dict) and set(value) == {"REGEX"}
                        ):
                            self.regexes.append(re.compile(value["REGEX"]))
                        elif attr == "LOWER" and value is not None:
                            self.exact = False  # a test on words the key could not tell apart
                if len(pattern) > 1:
                    if not anchors:
                        self.exact = False
                        continue
                    # Find the pattern by its rarest named value (a label before a word).
                    _, attr, values = min(anchors, key=lambda x: (x[0], x[1] != "DEP"))
                    target = anchor_lowers if attr == "LOWER" else anchor_deps
                    target.update(strings.add(v) for v in values)
        self.named = {strings.add(w) for w in named}
        self.anchor_lowers = np.array(sorted(anchor_lowers), dtype="uint64")
        self.anchor_deps = np.array(sorted(anchor_deps), dtype="uint64")
        self.memo: dict[Any, tuple[tuple[int, int], ...]] = {}
        self.lower_keys: dict[int, int] = {}

    def __call__(self, doc: Any) -> Any:
        from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, POS, TAG

        n = len(doc)
        if not self.exact:
            return self.ruler(doc)
        if not n:
            return doc
        keys = doc.to_array([TAG, LOWER, DEP, IS_SPACE])
        lowers = keys[:, 1].copy()
        forms, where = np.unique(lowers, return_inverse=True)
        keys[:, 1] = np.array([self._lower_key(f) for f in forms.tolist()], dtype="uint64")[
            where.reshape(-1)
        ]
        columns = [POS, MORPH, LEMMA, TAG, DEP]
        before = doc.to_array(columns)
        rows, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
        values = np.zeros((len(rows), len(columns)), dtype="uint64")
        changed = np.zeros((len(rows), len(columns)), dtype=bool)
        for k, row in enumerate(rows.tolist()):
            key = tuple(row)
            changes = self.memo.get(key)
            if changes is None:
                changes = self.memo[key] = self._window(doc, int(first[k]), 0)
            for column, value in changes:
                values[k, column] = value
                changed[k, column] = True
        inverse = inverse.reshape(-1)
        after = np.where(changed[inverse], values[inverse], before)
        reach = self.width - 1
        if reach:
            anchors = np.flatnonzero(
                np.isin(lowers, self.anchor_lowers) | np.isin(keys[:, 2], self.anchor_deps)
            )
            near = sorted({j for a in anchors.tolist() for j in range(a - reach, a + reach + 1)})
            for i in near:
                if not 0 <= i < n:
                    continue
                a, b = max(0, i - reach), min(n, i + reach + 1)
                key = (tuple(map(tuple, keys[a:b].tolist())), i - a)
                changes = self.memo.get(key)
                if changes is None:
                    changes = self.memo[key] = self._window(doc, i, reach)
                after[i] = before[i]
                for column, value in changes:
                    after[i, column] = value
        doc.from_array(columns, after)
        return doc

    def _lower_key(self, lower: int) -> int:
        """The lower-case form if a pattern names it, else 0: all other words act alike."""
        key = self.lower_keys.get(lower)
        if key is None:
            text = self.vocab.strings[lower]
            named = lower in self.named or any(rx.search(text) for rx in self.regexes)
            key = self.lower_keys[lower] = lower if named else 0
        return key

    def _window(self, doc: Any, i: int, reach: int) -> tuple[tuple[int, int], ...]:
        """What the real component changes on token ``i``, run on a small Doc copied from ``i``
        and its neighbours within ``reach``."""
        from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
        from spacy.tokens import Doc

        a, b = max(0, i - reach), min(len(doc), i + reach + 1)
        tokens = doc[a:b]
        parsed = any(t.dep for t in tokens)
        window = Doc(
            self.vocab,
            words=[t.text for t in tokens],
            spaces=[bool(t.whitespace_) for t in tokens],
            tags=[t.tag_ for t in tokens],
            heads=[0] * len(tokens) if parsed else None,
            deps=[t.dep_ or "dep" for t in tokens] if parsed else None,
        )
        columns = [POS, MORPH, LEMMA, TAG, DEP]
        old = window.to_array(columns)[i - a].tolist()
        self.ruler(window)
        new = window.to_array(columns)[i - a].tolist()
        return tuple((c, x) for c, (y, x) in enumerate(zip(old, new, strict=True)) if x != y)


class _MemoLemmatizer:
    """spaCy's rule lemmatizer, memoised on (form, part of speech, morphology), the only
    inputs its rules read; like the component, it fills only tokens without a lemma."""

    def __init__(self, lemmatizer: Any) -> None:
        self.lemmatizer = lemmatizer
        self.memo: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Any) -> Any:
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        if self.lemmatizer.mode != "rule" or self.lemmatizer.overwrite:
            return self.lemmatizer(doc)
        rows = doc.to_array([ORTH, POS, MORPH, LEMMA]).reshape(len(doc), 4)
        todo = np.flatnonzero(rows[:, 3] == 0)
        if not todo.size:
            return doc
        keys, first, inverse = np.unique(
            rows[todo, :3], axis=0, return_index=True, return_inverse=True
        )
        strings = doc.vocab.strings
        lemmas = np.empty(len(keys), dtype="uint64")
        for k, key in enumerate(map(tuple, keys.tolist())):
            value = self.memo.get(key)
            if value is None:
                token = doc[int(todo[first[k]])]
                value = self.memo[key] = strings.add(self.lemmatizer.lemmatize(token)[0])
            lemmas[k] = value
        rows[todo, 3] = lemmas[inverse.reshape(-1)]
        doc.from_array([LEMMA], rows[:, 3:4])
        return doc
