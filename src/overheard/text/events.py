"""Events coded with PLOVER types: who did what to whom, where and when, with the evidence span.

A trigger (a verb, or a light verb with its object: "imposed sanctions", "held talks") gives
the type; in English the parse gives actor (subject, or the agent of a passive) and recipient
(object, or the object of with/against/on/to); in Russian and Ukrainian the nearest fitting
mention before and after the trigger in the same sentence does. Places are the GPE/LOC
mentions the sentence puts the event in, time the date expression in the same sentence. The
PLOVER mode is filled where the trigger names it (ACCUSE: disapprove/allege/investigate);
negated and hypothetical events are flagged, not dropped, as the PLOVER manual asks. The word
lists are data: ``text/lexicons/event_*.tsv`` and ``place_cues.*.tsv``.
"""

from __future__ import annotations

import re
from typing import Any

from overheard.text import lexicon
from overheard.text.records import DateExpression, Event, Mention, Span

# Words the rules below test besides the lexicons: "called on/for X", "pulled out/back".
_RULE_LEMMAS = frozenset({"call", "pull", "move"})
# PLOVER codes a stated intention by its sign: a promise of something cooperative is AGREE,
# of something hostile THREATEN; "X must do Y" is a REQUEST; "will not accept" a REJECT.
_HOSTILE = {"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "PROTEST"}
_COOPERATIVE = {"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"}


@lexicon.cached
def _en_triggers() -> dict[str, str]:
    """Verb lemma → PLOVER type (event_triggers.en.tsv)."""
    return {row["lemma"]: row["type"] for row in lexicon.table("event_triggers.en")}


@lexicon.cached
def _en_object_triggers() -> dict[str, str]:
    """Event noun → PLOVER type, for the object of a light verb: "held talks", "imposed
    sanctions" (event_object_triggers.en.tsv)."""
    return {row["lemma"]: row["type"] for row in lexicon.table("event_object_triggers.en")}


@lexicon.cached
def _en_modes() -> dict[str, str]:
    """Trigger lemma → the PLOVER mode it names (ACCUSE: investigate, allege, disapprove)."""
    rows = lexicon.table("event_object_triggers.en") + lexicon.table("event_triggers.en")
    return {row["lemma"]: row["mode"] for row in rows if row["mode"]}


@lexicon.cached
def _en_light() -> dict[str, str]:
    """Light verb → the type it has by itself when its object is no event noun, or ""."""
    return {row["lemma"]: row["own_type"] for row in lexicon.table("event_light_verbs.en")}


@lexicon.cached
def _en_modality(role: str) -> frozenset[str]:
    return frozenset(lexicon.words("event_modality.en", role))


def parse_lemmas() -> frozenset[str]:
    """The lemmas that make the English rules here look at a sentence's parse."""
    return (
        frozenset(_en_triggers())
        | frozenset(_en_object_triggers())
        | frozenset(_en_light())
        | _RULE_LEMMAS
    )


def __getattr__(name: str) -> Any:
    # EN_TRIGGERS and EN_OBJECT_TRIGGERS (lemma → PLOVER type) are read from the lexicons when
    # asked for, so that they follow lexicon.configure().
    if name == "EN_TRIGGERS":
        return _en_triggers()
    if name == "EN_OBJECT_TRIGGERS":
        return _en_object_triggers()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lexicon.cached
def _ru_trigger() -> re.Pattern[str]:
    """One group per type, named type + index; the type listed first in the file wins a tie."""
    return re.compile(
        "|".join(
            f"(?P<{t}{i}>(?<![\\w-])(?:{'|'.join(stems)})(?!\\w))"
            for i, (t, stems) in enumerate(lexicon.grouped("event_triggers.ru", "type"))
        ),
        re.IGNORECASE,
    )


@lexicon.cached
def _ru_hypothetical() -> re.Pattern[str]:
    words = "|".join(lexicon.words("event_modality.ru", "hypothetical"))
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)")


@lexicon.cached
def _place_before() -> re.Pattern[str]:
    """A preposition that puts an event at the place named after it (place_cues.*.tsv)."""
    en = lexicon.alternation("place_cues.en", "event_place")
    ru = lexicon.alternation("place_cues.ru", "event_place")
    return re.compile(rf"(?:\b{en}|(?<!\w){ru})\s+(?:the\s+)?$", re.IGNORECASE)


_ACTOR_LABELS = ("PERSON", "ORG", "GPE", "GROUP", "MIL_UNIT", "NORP")


def _span(text: str, a: int, b: int) -> Span:
    return Span(a, b, text[a:b])


def _mention_in(mentions: list[Mention], a: int, b: int, labels: tuple[str, ...]) -> Mention | None:
    inside = [m for m in mentions if a <= m.start and m.end <= b and m.label in labels]
    return inside[-1] if inside else None


def _actor_before(text: str, mentions: list[Mention], a: int, b: int) -> tuple[int, int] | None:
    """The last name before the trigger, joined with names right before it («МИД КНДР»)."""
    chain = [m for m in mentions if a <= m.start and m.end <= b and m.label in _ACTOR_LABELS]
    if not chain:
        return None
    last = chain[-1]
    start = last.start
    for m in reversed(chain[:-1]):
        if not text[m.end : start].strip():
            start = m.start
        else:
            break
    return start, last.end


def _place(text: str, mentions: list[Mention], a: int, b: int) -> Mention | None:
    for m in mentions:
        if (
            a <= m.start
            and m.end <= b
            and m.label in ("GPE", "LOC")
            and _place_before().search(text[max(a, m.start - 20) : m.start])
        ):
            return m
    return None


def _time(dates: list[DateExpression], a: int, b: int) -> DateExpression | None:
    inside = [d for d in dates if a <= d.start and d.end <= b]
    return inside[0] if inside else None


def _np(tok: Any) -> tuple[int, int]:
    start = tok.left_edge.idx
    end = tok.idx + len(tok.text)
    for child in tok.children:
        if child.i > tok.i and child.dep_ in ("compound", "flat", "cc", "conj"):
            end = max(end, child.right_edge.idx + len(child.right_edge.text))
    return start, end


def _en_type(tok: Any) -> tuple[str, str] | None:
    """(type, trigger lemma) for a token, looking through light verbs to their object."""
    lemma = tok.lemma_.lower()
    if tok.pos_ not in ("VERB",):
        return None
    light = _en_light()
    if lemma in light:
        objects = _en_object_triggers()
        for child in tok.children:
            if child.dep_ in ("dobj", "obj", "nsubjpass") and child.lemma_.lower() in objects:
                return objects[child.lemma_.lower()], child.lemma_.lower()
        if light[lemma]:
            return light[lemma], lemma
        return None
    if lemma == "call" and any(
        c.dep_ == "prep" and c.lower_ in ("on", "for") for c in tok.children
    ):
        return "REQUEST", lemma
    if lemma in ("pull", "move") and any(c.lower_ in ("out", "back", "away") for c in tok.children):
        return "RETREAT", lemma
    found = _en_triggers().get(lemma)
    return (found, lemma) if found else None


def _en_subject(tok: Any) -> Any | None:
    for _ in range(4):
        for child in tok.children:
            if child.dep_ == "agent":
                objs = [g for g in child.children if g.dep_ == "pobj"]
                if objs:
                    return objs[0]
        subj = [c for c in tok.children if c.dep_ in ("nsubj",)]
        if subj:
            if subj[0].lower_ in ("who", "which", "that") and tok.dep_ == "relcl":
                return tok.head
            return subj[0]
        # A passive without "by …" names no actor: do not borrow the governing verb's subject.
        if any(c.dep_ == "nsubjpass" for c in tok.children):
            return None
        if tok.dep_ in ("xcomp", "conj", "advcl", "pcomp") and tok.head is not tok:
            tok = tok.head
            continue
        return None
    return None


def _en_recipient(tok: Any) -> Any | None:
    for child in tok.children:
        if (
            child.dep_ in ("dobj", "obj", "dative", "nsubjpass")
            and child.lemma_.lower() not in _en_object_triggers()
        ):
            return child
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in (
            "with",
            "against",
            "on",
            "to",
            "toward",
            "towards",
            "from",
        ):
            objs = [g for g in child.children if g.dep_ == "pobj"]
            if objs:
                return objs[0]
    # "signed a treaty with Pyongyang": the partner hangs on the event noun.
    for child in tok.children:
        if child.dep_ in ("dobj", "obj"):
            for grand in child.children:
                if grand.dep_ == "prep" and grand.lower_ in ("with", "against", "on", "to"):
                    objs = [g for g in grand.children if g.dep_ == "pobj"]
                    if objs:
                        return objs[0]
    return None


def _by_intent(tok: Any, kind: str, negated: bool) -> str:
    auxes = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
    head = tok.head
    ready = _en_modality("ready")
    if "must" in auxes:
        return "REQUEST"
    intent = (
        bool(auxes & {"will", "would", "shall"})
        or (
            tok.dep_ == "xcomp"
            and (head.lemma_.lower() in _en_modality("intent") or head.lower_ in ready)
        )
        or (tok.dep_ == "xcomp" and any(c.lower_ in ready for c in head.children))
    )
    if not intent:
        return kind
    if negated and kind in _COOPERATIVE:
        return "REJECT"
    if kind in _HOSTILE:
        return "THREATEN"
    if kind in _COOPERATIVE and kind != "RETREAT" and not negated:
        return "AGREE"
    return kind


def _depth(tok: Any) -> int:
    depth = 0
    while tok.head is not tok and depth < 50:
        tok = tok.head
        depth += 1
    return depth


def _events_en(
    text: str, doc: Any, mentions: list[Mention], dates: list[DateExpression]
) -> list[Event]:
    out = []
    for sent in doc.sents:
        a, b = sent.start_char, sent.end_char
        for tok in sent:
            found = _en_type(tok)
            if found is None:
                continue
            kind, lemma = found
            subj = _en_subject(tok)
            obj = _en_recipient(tok)
            actor = _span(text, *_np(subj)) if subj is not None else None
            recipient = _span(text, *_np(obj)) if obj is not None else None
            negated = any(c.dep_ == "neg" for c in tok.children)
            kind = _by_intent(tok, kind, negated)
            hypothetical = any(
                c.lower_ in _en_modality("modal") for c in tok.children if c.dep_ == "aux"
            ) or (tok.dep_ == "xcomp" and tok.head.lemma_.lower() in _en_modality("hypothetical"))
            place = _place(text, mentions, a, b)
            when = _time(dates, a, b)
            out.append(
                Event(
                    type=kind,
                    mode=_en_modes().get(lemma),
                    negated=negated,
                    hypothetical=hypothetical,
                    trigger=_span(text, tok.idx, tok.idx + len(tok.text)),
                    actor=actor,
                    recipient=recipient,
                    place=_span(text, place.start, place.end) if place else None,
                    time=_span(text, when.start, when.end) if when else None,
                    time_value=when.value if when else None,
                    evidence=_span(text, a, len(text[:b].rstrip())),
                    confidence=round(0.8 - 0.05 * min(_depth(tok), 6), 2),
                )
            )
    return out


def _events_ru(text: str, mentions: list[Mention], dates: list[DateExpression]) -> list[Event]:
    from razdel import sentenize

    out = []
    for s in sentenize(text):
        a, b = s.start, s.stop
        for m in _ru_trigger().finditer(text, a, b):
            kind = re.sub(r"\d+$", "", m.lastgroup or "")
            ta, tb = m.start(), m.end()
            actor_span = _actor_before(text, mentions, a, ta)
            after = [
                x
                for x in mentions
                if tb <= x.start and x.end <= b and x.label in _ACTOR_LABELS + ("LOC",)
            ]
            recipient = after[0] if after else None
            place = _place(text, mentions, a, b)
            if recipient is not None and place is not None and recipient is place:
                recipient = after[1] if len(after) > 1 else None
            when = _time(dates, a, b)
            negated = bool(re.search(r"(?<!\w)(?:не|ні)\s+$", text[max(a, ta - 4) : ta]))
            out.append(
                Event(
                    type=kind,
                    mode=None,
                    negated=negated,
                    hypothetical=bool(_ru_hypothetical().search(text[a:ta])),
                    trigger=_span(text, ta, tb),
                    actor=_span(text, *actor_span) if actor_span else None,
                    recipient=_span(text, recipient.start, recipient.end) if recipient else None,
                    place=_span(text, place.start, place.end) if place else None,
                    time=_span(text, when.start, when.end) if when else None,
                    time_value=when.value if when else None,
                    evidence=_span(text, a, b),
                    confidence=0.6,
                )
            )
    return out


def extract_events(
    text: str,
    lang: str,
    mentions: list[Mention],
    dates: list[DateExpression],
    doc: Any | None = None,
) -> list[Event]:
    if lang in ("ru", "uk"):
        return _events_ru(text, mentions, dates)
    if doc is None:
        from overheard.text.entities import parse_en

        doc = parse_en(text)
    return _events_en(text, doc, mentions, dates)


def main_event(events: list[Event]) -> Event | None:
    """The event a sentence is about: the one highest in the parse (highest confidence)."""
    return max(events, key=lambda e: (e.confidence, -e.trigger.start)) if events else None
