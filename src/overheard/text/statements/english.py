"""English attribution from the spaCy dependency parse that NER already paid for.

A speech verb (speech_cues.en.tsv) or "according to" gives the cue, its subject the speaker,
its clausal complement (one statement per coordinated clause with its own subject: "said one
was killed and four wounded") or object the content; a verb that expresses a noun names the act of
that noun ("voiced concern"). A quotation the parser hangs on a verb outside it is attributed
through that verb.
"""

from __future__ import annotations

from typing import Any

from overheard.text import lexicon
from overheard.text.records import Statement
from overheard.text.statements.dismissal import dismissal_pattern, label_lemmas_en
from overheard.text.statements.draft import draft
from overheard.text.statements.quotes import Quote

# Words the rules below test besides the lexicons: "according to X", "called on/for X"
# (spaCy's lemma of "according" is "accord").
_RULE_LEMMAS = frozenset({"according", "accord", "call"})
# A quotation with no cue of its own is attributed through the verb it hangs on; these are
# the marks as tokens and as spaCy's lemmas of them.
_QUOTE_MARKS = frozenset({'"', "'", "“", "”", "«", "»", "„", "‘", "’"})

_SPEAKER_DEPS = {"nsubj", "nsubjpass"}
_SKIP_RIGHT = {
    "punct",
    "cc",
    "conj",
    "advcl",
    "mark",
    "advmod",
    "npadvmod",
    "aux",
    "neg",
    "auxpass",
    "nsubj",
    "nsubjpass",
    "parataxis",
}


@lexicon.cached
def cues() -> dict[str, str]:
    """Speech verb lemma → act."""
    return {row["lemma"]: row["act"] for row in lexicon.table("speech_cues.en")}


@lexicon.cached
def _needs_clause() -> frozenset[str]:
    """Verbs that are speech only with a clause or quotation after them ("responded that …"),
    not with a plain object ("responded by considering", "maintain loyalty")."""
    rows = lexicon.table("speech_cues.en")
    return frozenset(row["lemma"] for row in rows if row["needs_clause"] == "yes")


@lexicon.cached
def _express_verbs() -> frozenset[str]:
    return frozenset(lexicon.words("speech_express_verbs.en"))


@lexicon.cached
def _expressed_acts() -> dict[str, str]:
    return {row["lemma"]: row["act"] for row in lexicon.table("speech_express_nouns.en")}


@lexicon.cached
def _speech_nouns() -> dict[str, str]:
    """Nouns that report speech with a "that" clause after them ("the claim that …") → act."""
    return {row["lemma"]: row["act"] for row in lexicon.table("speech_nouns.en")}


def parse_lemmas() -> frozenset[str]:
    """The lemmas that make the rules here look at a sentence's parse."""
    return (
        frozenset(cues())
        | label_lemmas_en()
        | _express_verbs()
        | frozenset(_expressed_acts())
        | frozenset(_speech_nouns())
        | _RULE_LEMMAS
        | _QUOTE_MARKS
    )


def _act(tok: Any) -> str | None:
    lemma = tok.lemma_.lower()
    if tok.pos_ not in ("VERB", "AUX") and not (tok.pos_ == "NOUN" and tok.dep_ == "ROOT"):
        return None
    if lemma in _express_verbs():
        for child in tok.children:
            if child.dep_ in ("dobj", "obj"):
                return _expressed_acts().get(child.lemma_.lower())
        return None
    # "called on X to …", "called for X": an appeal; "called on Thursday" is not.
    if lemma == "call" and any(
        c.dep_ == "prep" and c.lower_ in ("on", "for") and c.i == tok.i + 1 for c in tok.children
    ):
        return "urge"
    if lemma in label_lemmas_en():
        # "called the reports a fake": a denial, where a dismissal word follows in the clause.
        rest = tok.doc.text[tok.idx + len(tok.text) : tok.sent.end_char]
        if dismissal_pattern("en").search(rest):
            return "deny"
        # "called half of his supporters “deplorables”", "is calling the candidate fit": a
        # label put on a named object says something of it.
        # Only with a subject of its own: a participle's ("…, calling the reports X") would be
        # found by climbing a parse that may hang it on the wrong clause.
        deps = {c.dep_ for c in tok.children if c.i > tok.i}
        subject = any(c.dep_ in _SPEAKER_DEPS for c in tok.children)
        return "assert" if subject and {"dobj", "oprd"} <= deps else None
    return cues().get(lemma)


def _subject(tok: Any) -> Any | None:
    """The subject of a cue, climbing through xcomp/conj/advcl/participles to find one."""
    seen = 0
    while tok is not None and seen < 4:
        for child in tok.children:
            if child.dep_ == "agent":
                for grand in child.children:
                    if grand.dep_ == "pobj":
                        return grand
        subjects = [c for c in tok.children if c.dep_ in _SPEAKER_DEPS]
        if subjects:
            # Two subjects: a wire's dateline parsed as one ("MOSCOW, March 14 (Baltic Wire)
            # - The governor … said"). The one next to the verb is the speaker.
            before = [c for c in subjects if c.i < tok.i]
            subj = before[-1] if len(subjects) > 1 and before else subjects[0]
            # "soldiers who question …": the relative pronoun stands for the noun it follows.
            if subj.lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
                return tok.head
            return subj
        if (
            tok.dep_ in ("xcomp", "conj", "advcl", "ccomp", "pcomp", "prep", "pobj")
            and tok.head is not tok
        ):
            tok = tok.head
        elif tok.dep_ in ("acl", "relcl") and tok.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return tok.head
        else:
            return None
        seen += 1
    return None


def _np_span(tok: Any) -> tuple[int, int]:
    """The noun phrase of a speaker: left edge to head, plus "of/from …" on the right."""
    start = tok.left_edge.idx
    end = tok.idx + len(tok.text)
    for child in tok.children:
        if (
            child.i > tok.i
            and child.dep_ in ("prep", "compound", "flat", "nummod", "cc", "conj")
            and not any(t.is_punct for t in tok.doc[tok.i + 1 : child.i])
        ):
            right = child.right_edge
            end = max(end, right.idx + len(right.text))
    # Never let a speaker run through a comma-delimited aside ("Another, seemingly …, ").
    for t in tok.doc[tok.left_edge.i : tok.i]:
        if t.text == "," and t.idx >= start:
            start = t.idx + 1
    return start, end


def _clauses(head: Any) -> list[tuple[Any, Any]]:
    """A clause's coordinated parts that have subjects of their own ("one crew member had been
    killed and four wounded", "its forces did not strike … and that the ship hit a mine"):
    each is a proposition of its own, as (first token, last token)."""
    doc = head.doc
    conjs = [
        c
        for c in head.children
        if c.dep_ == "conj"
        and c.i > head.i
        and any(g.dep_ in ("nsubj", "nsubjpass", "expl") for g in c.children)
    ]
    parts = []
    first = head.left_edge
    for c in conjs:
        last = c.left_edge.i - 1
        while last > first.i and (doc[last].dep_ in ("cc", "punct") or doc[last].is_space):
            last -= 1
        parts.append((first, doc[last]))
        first = c.left_edge
    last = head.right_edge
    # "…, but gave no details": the reporter's remark on the attribution, not what was said.
    for c in head.children:
        if (
            c.dep_ == "conj"
            and c.i > head.i + 2
            and c not in conjs
            and doc[c.i - 1].lower_ == "but"
            and doc[c.i - 2].text == ","
        ):
            last = doc[c.i - 3]
            break
    parts.append((first, last))
    return parts


def _content(tok: Any) -> list[tuple[int, int]]:
    """The spans of what a cue says: its clausal complement (one span per coordinated clause
    with a subject of its own), else its object."""
    doc = tok.doc
    clausal = [c for c in tok.children if c.dep_ in ("ccomp",)]
    pieces: list[tuple[Any, Any]]
    if clausal:
        pieces = [part for c in clausal for part in _clauses(c)]
        if len(clausal) > 1:
            pieces = [(min(p[0] for p in pieces), max(p[1] for p in pieces))]
    elif tok.dep_ == "parataxis" and tok.head is not tok and tok.i > tok.head.left_edge.i:
        # "The museum, Mr. Bush said, celebrated …", "…, Graham said, since …": a
        # parenthetical attribution speaks the clause it interrupts, on both sides of it.
        pieces = [(tok.head.left_edge, tok.head.right_edge)]
    else:
        if tok.lemma_.lower() in _needs_clause() and not any(
            c.dep_ == "xcomp" for c in tok.children if c.i > tok.i
        ):
            return []
        # Content ends at the cue's first comma: ", with Seoul condemning …" is another clause.
        commas = [c.i for c in tok.children if c.i > tok.i and c.dep_ == "punct" and c.text == ","]
        stop = commas[0] if commas else len(doc)
        parts = [c for c in tok.children if tok.i < c.i < stop and c.dep_ not in _SKIP_RIGHT]
        if not parts:
            return []
        pieces = [(min(p.left_edge for p in parts), max(p.right_edge for p in parts))]
    if len(pieces) > 1:
        # ", which was sailing …" after the last of several propositions is background.
        last_first, last_end = pieces[-1]
        for t in doc[last_first.i : last_end.i + 1]:
            if t.dep_ == "relcl" and t.i > last_first.i and doc[t.left_edge.i - 1].text == ",":
                pieces[-1] = (last_first, doc[t.left_edge.i - 2])
                break
    out = []
    for start_tok, end_tok in pieces:
        # Drop a leading complementiser and trailing punctuation other than closing quotes.
        tokens = list(doc[start_tok.i : end_tok.i + 1])
        while tokens and (tokens[0].lower_ in ("that", ",", ":", "and") or tokens[0].is_space):
            tokens = tokens[1:]
        # "called on X to …", "warned of X": the preposition belongs to the cue.
        if len(tokens) > 1 and tokens[0].pos_ == "ADP" and tokens[0].head == tok:
            tokens = tokens[1:]
        while tokens and tokens[-1].is_punct and tokens[-1].text not in '”"»’)':
            tokens = tokens[:-1]
        if tokens:
            out.append((tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)))
    return out


# Words before a speech verb that belong to its cue as PolNeAR draws it and as a reader names
# the act ("has said", "is not denying", "also warned"), and particles after it ("pointed
# out", "called for X": the preposition whose object is the content belongs to the cue).
_CUE_LEFT = frozenset({"aux", "auxpass", "neg", "advmod"})
_CUE_PREPS = frozenset({"for", "on", "of", "about", "to", "against"})


def _cue_span(tok: Any, contents: list[tuple[int, int]]) -> tuple[int, int]:
    """The cue's characters: the verb with its auxiliaries, negation and a one-word adverb
    directly before it, and its particle or content-opening preposition directly after."""
    doc = tok.doc
    first = tok.i
    left = {c.i: c for c in tok.children if c.i < tok.i and c.dep_ in _CUE_LEFT}
    while first - 1 in left and not any(True for _ in left[first - 1].children):
        first -= 1
    last = tok.i
    for c in tok.children:
        if c.i != last + 1:
            continue
        if c.dep_ == "prt" or (
            c.dep_ in ("prep", "dative")
            and c.lower_ in _CUE_PREPS
            and any(doc[c.i + 1].idx <= a < c.right_edge.idx + 1 for a, _ in contents)
        ):
            last = c.i
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def _according(text: str, doc: Any) -> list[Statement]:
    """ "According to X, …" and "…, according to X": X speaks the clause the phrase hangs on."""
    out = []
    for tok in doc:
        if tok.lower_ != "according" or tok.i + 1 >= len(doc) or doc[tok.i + 1].lower_ != "to":
            continue
        to = doc[tok.i + 1]
        objects = [c for c in to.children if c.dep_ == "pobj"]
        if not objects:
            continue
        speaker = _np_span(objects[0])
        clause = tok.head if tok.head is not tok else tok
        pp_end = objects[0].right_edge.i + 1
        before = text[: tok.idx].rstrip()
        if not before or before[-1] in '.!?”"»\n':
            first, last = pp_end, max(clause.right_edge.i, pp_end)
        else:
            first, last = clause.left_edge.i, tok.i - 1
        while first <= last and (doc[first].is_punct or doc[first].is_space):
            first += 1
        while (
            last > first
            and (doc[last].is_punct or doc[last].is_space)
            and doc[last].text not in '”"»'
        ):
            last -= 1
        if last < first:
            continue
        content = (doc[first].idx, doc[last].idx + len(doc[last].text))
        cue = (tok.idx, to.idx + len(to.text))
        out.append(draft(text, speaker, cue, "assert", content, False, 0.7))
    return out


def _nominal(text: str, doc: Any) -> list[Statement]:
    """ "Trump's claim that …", "made the announcement that …", "amid reports that …": a speech
    noun (speech_nouns.en, or a speech verb's own noun) with a "that" clause after it; the possessor, the "by" agent or the subject of the
    verb whose object the noun is speaks the clause."""
    out = []
    for tok in doc:
        if tok.pos_ != "NOUN":
            continue
        lemma = tok.lemma_.lower()
        act = _speech_nouns().get(lemma) or cues().get(lemma)
        if act is None:
            continue
        clause = next(
            (
                c
                for c in tok.children
                if c.dep_ in ("acl", "ccomp")
                and c.i > tok.i
                and any(g.dep_ == "mark" and g.lower_ == "that" for g in c.children)
            ),
            None,
        )
        if clause is None:
            continue
        speaker = None
        for c in tok.children:
            if c.dep_ == "poss":
                speaker = c
            elif c.dep_ == "prep" and c.lower_ == "by" and c.i > tok.i:
                speaker = next((g for g in c.children if g.dep_ == "pobj"), speaker)
        if speaker is None and tok.dep_ in ("dobj", "nsubjpass"):
            speaker = _subject(tok.head)
        if speaker is not None and speaker.pos_ == "PRON" and speaker.lower_ in ("it", "its"):
            speaker = None
        for start_tok, end_tok in _clauses(clause):
            tokens = [t for t in doc[start_tok.i : end_tok.i + 1]]
            while tokens and (tokens[0].lower_ in ("that", ",") or tokens[0].is_space):
                tokens = tokens[1:]
            while tokens and tokens[-1].is_punct and tokens[-1].text not in '”"»’)':
                tokens = tokens[:-1]
            if not tokens:
                continue
            content = (tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))
            span = _np_span(speaker) if speaker is not None else None
            cue = (tok.idx, tok.idx + len(tok.text))
            out.append(draft(text, span, cue, act, content, False, 0.6 if span else 0.45))
    return out


def drafts_en(text: str, doc: Any) -> list[Statement]:
    """Statements (speaker, cue, act, content) from the parse, before quotations and pronouns."""
    drafts = _according(text, doc) + _nominal(text, doc)
    for tok in doc:
        act = _act(tok)
        if act is None:
            continue
        # "urged X to respond": the second verb is part of what was urged.
        if tok.dep_ == "xcomp" and _act(tok.head) is not None:
            continue
        # "officials deny …, citing it as …": the citation carries the act of its head.
        if tok.lemma_.lower() == "cite" and tok.dep_ == "advcl":
            act = _act(tok.head) or act
        contents = _content(tok)
        subj = _subject(tok)
        speaker = _np_span(subj) if subj is not None else None
        if speaker is not None and speaker[0] <= tok.idx < speaker[1]:
            continue
        cue = _cue_span(tok, contents)
        for content in contents:
            drafts.append(draft(text, speaker, cue, act, content, False, 0.75 if speaker else 0.5))
    return drafts


def quote_verb(text: str, doc: Any, q: Quote) -> Statement | None:
    """A quotation the parser hung on a verb outside it ("he resigned, “I just went …”",
    "One soldier is heard venting, “Who knows …”"): that verb and its subject attribute it."""
    inside = [t for t in doc if q.start <= t.idx < q.end]
    for t in inside:
        head = t.head
        if head.idx < q.start or head.idx >= q.end:
            if t.dep_ not in ("ccomp", "conj", "dobj", "parataxis", "xcomp") or head.pos_ not in (
                "VERB",
                "AUX",
            ):
                continue
            subj = _subject(head)
            if subj is None or q.start <= subj.idx < q.end:
                continue
            cue_tok = head
            # Prefer a speech word next to the verb ("is heard venting").
            for c in head.children:
                if c.i > head.i and c.idx < q.start and c.lemma_.lower() in cues():
                    cue_tok = c
            act = cues().get(cue_tok.lemma_.lower(), "assert")
            cue = (cue_tok.idx, cue_tok.idx + len(cue_tok.text))
            return draft(text, _np_span(subj), cue, act, (q.start, q.end), True, 0.6)
    return None
