"""Events coded with PLOVER types: who did what to whom, where and when, with the evidence span.

A trigger (a verb, or a light verb with its object: "imposed sanctions", "held talks") gives
the type; in English the parse gives actor (subject, or the agent of a passive) and recipient
(object, or the object of with/against/on/to); in Russian and Ukrainian the nearest fitting
mention before and after the trigger in the same sentence does. Places are the GPE/LOC
mentions the sentence puts the event in, time the date expression in the same sentence. The
PLOVER mode is filled where the trigger names it (ACCUSE: disapprove/allege/investigate);
negated and hypothetical events are flagged, not dropped, as the PLOVER manual asks. The word
lists are data: ``text/lexicons/event_*.tsv`` and ``place_cues.*.tsv``.

A trigger word is checked against its arguments before it counts (``event_senses.tsv``, with
the noun classes of ``event_noun_classes.tsv``): "the recording captures soldiers complaining"
and "released a statement" use "capture" and "release" in another sense than "captured the
town" and "released prisoners", so they give no event; "struck a deal" is an AGREE, not an
ASSAULT. The confidence comes from the parse: how high the trigger stands in it, whether an
actor and an object were found, whether the sense could be checked, negation and modality.
"""

from __future__ import annotations

import re
from typing import Any

from overheard.text import lexicon
from overheard.text.records import PLOVER_TYPES, DateExpression, Event, Mention, Span

# Words the rules below test besides the lexicons: "called on/for X".
_RULE_LEMMAS = frozenset({"call"})
# PLOVER codes a stated intention by its sign: a promise of something cooperative is AGREE,
# of something hostile THREATEN; "X must do Y" is a REQUEST; "will not accept" a REJECT.
_HOSTILE = {"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "PROTEST"}
# Auxiliaries that make what another party is to do a demand: "said Sudan must return it".
_OBLIGATION = frozenset({"must"})
# Verbs whose "to" clause did not happen: "failed to reach agreement".
_FAILED = frozenset({"fail"})
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
def _en_ending() -> frozenset[str]:
    """Verbs (with their particle: "break off") that end the event their object names."""
    return frozenset(row["lemma"] for row in lexicon.table("event_ending_verbs.en"))


# What ending an event is, by the event's type (PLOVER manual): ending an exchange, talks or
# aid reduces relations (SANCTION, the default); ending fighting or a deployment is a
# RETREAT; ending a protest, a sanction, a restriction or a demand is a CONCEDE.
_ENDING = {
    "ASSAULT": "RETREAT",
    "MOBILIZE": "RETREAT",
    "PROTEST": "CONCEDE",
    "SANCTION": "CONCEDE",
    "COERCE": "CONCEDE",
    "REQUEST": "CONCEDE",
    "THREATEN": "CONCEDE",
    "ACCUSE": "CONCEDE",
}


@lexicon.cached
def _noun_classes() -> dict[tuple[str, str], frozenset[str]]:
    """(lang, noun lemma) → its classes (event_noun_classes.tsv)."""
    found: dict[tuple[str, str], set[str]] = {}
    for row in lexicon.table("event_noun_classes"):
        found.setdefault((row["lang"], row["word"].lower()), set()).add(row["class"])
    return {key: frozenset(value) for key, value in found.items()}


@lexicon.cached
def _senses() -> dict[tuple[str, str], list[tuple[str, frozenset[str], str | None]]]:
    """(lang, trigger lemma) → [(role, classes, what it becomes: a type, or None for no event)]
    (event_senses.tsv), in file order: the first row that applies wins."""
    found: dict[tuple[str, str], list[tuple[str, frozenset[str], str | None]]] = {}
    for row in lexicon.table("event_senses"):
        becomes = row["becomes"].upper()
        if becomes != "NONE" and becomes not in PLOVER_TYPES:
            raise lexicon.LexiconError(
                f"event_senses: {row['lemma']}: becomes {row['becomes']!r}: none or a PLOVER type"
            )
        classes = frozenset(c.strip() for c in row["classes"].split(",") if c.strip())
        found.setdefault((row["lang"], row["lemma"].lower()), []).append(
            (row["argument"], classes, None if becomes == "NONE" else becomes)
        )
    return found


# What an argument's named-entity tag says about it, for the sense checks.
_ENT_CLASSES = {
    "PERSON": "person",
    "NORP": "person",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "ORG": "org",
}
# Prepositions that give the means or medium of an act: "captured on audio", "shot on video".
_MEANS_PREPS = frozenset({"on", "in", "by", "with", "via"})


def _sense_check(
    lang: str, lemma: str, kind: str, fillers: dict[str, frozenset[str] | None]
) -> tuple[str | None, bool]:
    """(the type the trigger has with these arguments, or None for no event; whether the
    trigger's senses could be told apart). ``fillers``: role → the classes of the argument in
    that role, None where the parse gave no such argument."""
    rows = _senses().get((lang, lemma))
    if not rows:
        return kind, True
    checked = False
    for role, classes, becomes in rows:
        found = fillers.get(role)
        if found is None:
            continue
        checked = True
        if found & classes:
            return becomes, True
    return kind, checked


@lexicon.cached
def _en_modality(role: str) -> frozenset[str]:
    return frozenset(lexicon.words("event_modality.en", role))


def parse_lemmas() -> frozenset[str]:
    """The lemmas that make the English rules here look at a sentence's parse."""
    return _verb_lemmas() | frozenset(_en_object_triggers())


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


# Inflections undone when spaCy's lemma is no word the lexicons know ("staged" → "stag"):
# (ending, what replaces it), the first candidate the lexicons know wins.
_INFLECTIONS = (("ied", "y"), ("ies", "y"), ("ed", "e"), ("ed", ""), ("ing", "e"), ("ing", ""))


def _verb_lemmas() -> frozenset[str]:
    """The verbs the English rules look for (a phrasal verb by its verb: "blow" of "blow up")."""
    phrases = frozenset(_en_triggers()) | _en_ending()
    return (
        frozenset(phrase.split()[0] for phrase in phrases) | frozenset(_en_light()) | _RULE_LEMMAS
    )


def _lemma(tok: Any) -> str:
    """The token's lemma, or for a verb whose lemma the lexicons do not know, the trigger its
    form is an inflection of (spaCy's rule lemmatizer gives "stag" for "staged")."""
    lemma: str = tok.lemma_.lower()
    if tok.pos_ != "VERB" or lemma in _verb_lemmas():
        return lemma
    form = tok.lower_
    known = _verb_lemmas()
    for ending, stem_end in _INFLECTIONS:
        if form.endswith(ending) and len(form) > len(ending) + 2:
            stem = form[: -len(ending)] + stem_end
            if stem in known:
                return stem
            if stem_end == "" and len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in known:
                return stem[:-1]
    return lemma


def _noun_event(tok: Any) -> tuple[str, str] | None:
    """(type, lemma) of an event noun: an object trigger ("talks"), or the gerund of a trigger
    verb ("carried out a bombing", "the shooting continued")."""
    lemma = tok.lemma_.lower()
    found = _en_object_triggers().get(lemma)
    if found:
        return found, lemma
    form = tok.lower_
    if tok.pos_ == "NOUN" and form.endswith("ing") and len(form) > 6:
        for stem in (form[:-3], form[:-3] + "e", form[:-4]):
            verb = _en_triggers().get(stem)
            if verb and (stem != form[:-4] or form[-4] == form[-5]):
                return verb, stem
    return None


def _object_event(tok: Any) -> tuple[str, str] | None:
    """(type, lemma) of the event noun the verb's object is, or frames ("a mediation
    effort"), or None."""
    for child in tok.children:
        if child.dep_ not in ("dobj", "obj", "nsubjpass"):
            continue
        found = _noun_event(child)
        if found:
            return found
        if "frame" in _en_classes(child):
            for grand in child.children:
                if grand.dep_ == "compound" and (found := _noun_event(grand)):
                    return found
    return None


def _ended(tok: Any, lemma: str) -> tuple[str, str] | None:
    """An ending verb with an event noun for object: the type of ending that event
    (event_ending_verbs.en.tsv): "broke off talks" SANCTION, "called off the strike" CONCEDE,
    "halted the offensive" RETREAT."""
    particles = [c.lower_ for c in tok.children if c.dep_ == "prt"]
    ending = _en_ending()
    if not any(f"{lemma} {p}" in ending for p in particles) and lemma not in ending:
        return None
    found = _object_event(tok)
    if found is None:
        return None
    return _ENDING.get(found[0], "SANCTION"), lemma


def _en_type(tok: Any) -> tuple[str, str] | None:
    """(type, trigger lemma) for a token, looking through light verbs to their object."""
    lemma = _lemma(tok)
    if tok.pos_ not in ("VERB",):
        return None
    ended = _ended(tok, lemma)
    if ended is not None:
        return ended
    light = _en_light()
    if lemma in light:
        # An offer or a signature is a commitment whatever it commits to: "offered its troops",
        # "offered talks" are AGREE, as PLOVER codes offers and promises.
        if light[lemma] == "AGREE":
            return "AGREE", lemma
        # An order is a request (PLOVER REQUEST: "requests, demands, and orders"): "ordered
        # the troops to withdraw" is about what the troops are to do, not the troops. With
        # no "to" clause the order's object says what is ordered ("ordered patrols").
        if light[lemma] == "REQUEST":
            if any(c.dep_ == "xcomp" for c in tok.children):
                return "REQUEST", lemma
            return _object_event(tok)
        # "held talks", or "launched a mediation effort": the event noun modifies a noun
        # that says nothing of its own (not "carrying truce monitors").
        found = _object_event(tok)
        if found is not None:
            return found
        # "was put under investigation", "placed under arrest": the state it puts its object in.
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "under":
                for grand in child.children:
                    if grand.dep_ == "pobj" and (found := _noun_event(grand)):
                        return found
        # "Talks resumed", "riots are continuing": with no object, an event noun as subject.
        if not any(c.dep_ in ("dobj", "obj") for c in tok.children):
            for child in tok.children:
                if child.dep_ == "nsubj" and (found := _noun_event(child)):
                    return found
        # "holding civilians as human shields": what the verb does to its object by itself
        # (event_senses.tsv: holding people is detaining them).
        if ("en", lemma) in _senses():
            sensed, _ = _sense_check("en", lemma, "", _en_fillers(tok, _en_subject(tok)))
            if sensed:
                return sensed, lemma
        if light[lemma]:
            return light[lemma], lemma
        return None
    if lemma == "call" and any(
        c.dep_ == "prep" and c.lower_ in ("on", "for") for c in tok.children
    ):
        return "REQUEST", lemma
    # A phrasal verb is its own trigger ("pulled back", "pulled out").
    for child in tok.children:
        if child.dep_ in ("prt", "advmod", "prep"):
            phrase = f"{lemma} {child.lower_}"
            if phrase in _en_triggers():
                return _en_triggers()[phrase], phrase
    verb = _en_triggers().get(lemma)
    if verb:
        return verb, lemma
    # "Russia said Sudan must return the helicopter": what one party says another must do is
    # a demand, whatever the act (PLOVER REQUEST); "we must hold out" is no demand of anyone.
    if _obliged(tok):
        return "REQUEST", lemma
    return None


def _obligee(tok: Any) -> Any | None:
    subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
    return subj[0] if subj else None


def _obliged(tok: Any) -> bool:
    """The verb's clause says what someone other than the speaker must do."""
    if not any(c.dep_ == "aux" and c.lower_ in _OBLIGATION for c in tok.children):
        return False
    subj = _obligee(tok)
    return subj is not None and subj.lower_ not in ("i", "we")


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


def _en_recipient(tok: Any, kind: str) -> Any | None:
    # A light verb's event noun is the event, not who it is done to ("held talks with Kyiv"),
    # and so is an object naming the event's own kind ("deployed troops to Kursk").
    light = _lemma(tok) in _en_light()
    objects = _en_object_triggers()
    for child in tok.children:
        noun = objects.get(child.lemma_.lower())
        if child.dep_ in ("dobj", "obj", "dative", "nsubjpass") and not (
            noun is not None and (light or noun == kind)
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


# Nouns that count what follows them: "thousands of refugees" are refugees.
_QUANTITIES = frozenset(
    {"hundred", "thousand", "million", "dozen", "score", "number", "lot", "group", "batch"}
)


def _en_classes(tok: Any) -> frozenset[str]:
    """The classes of the noun ``tok`` heads: its lemma's, a compound's ("audio recording"),
    its named-entity tag's; through a count ("thousands of refugees"), the counted noun's."""
    if tok.lemma_.lower() in _QUANTITIES or tok.pos_ == "NUM":
        for child in tok.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                counted = [g for g in child.children if g.dep_ == "pobj"]
                if counted:
                    return _en_classes(counted[0])
    classes = set(_noun_classes().get(("en", tok.lemma_.lower()), ()))
    if tok.ent_type_ in _ENT_CLASSES:
        classes.add(_ENT_CLASSES[tok.ent_type_])
    for child in tok.children:
        if child.dep_ == "compound":
            classes |= _noun_classes().get(("en", child.lemma_.lower()), frozenset())
    return frozenset(classes)


def _en_object(tok: Any) -> Any | None:
    """What the act is done to: the direct object, the subject of a passive, or the noun a
    participle describes ("the recordings, released by ...", "deployed soldiers")."""
    for child in tok.children:
        if child.dep_ in ("dobj", "obj", "nsubjpass"):
            return child
    if tok.dep_ in ("acl", "amod") and tok.tag_ == "VBN" and tok.head.i != tok.i:
        return tok.head
    return None


def _quoted_complement(tok: Any) -> bool:
    """The verb introduces a direct quotation: 'he resigned, "I just went out for a smoke"'."""
    doc = tok.doc
    i = tok.i + 1
    while i < len(doc) and doc[i].is_punct and not doc[i].is_quote and doc[i].text in ",:":
        i += 1
    if i < len(doc) and doc[i].is_quote:
        return True
    for child in tok.children:
        if child.dep_ in ("ccomp", "parataxis"):
            left = child.left_edge
            if left.is_quote or (left.i > 0 and doc[left.i - 1].is_quote):
                return True
    return False


def _en_complement(tok: Any) -> frozenset[str]:
    """What the verb's clause says of its content: "quote" (a direct quotation), "past" (it
    happened: "warned that drones had hit the depot"), "possibility" ("might be deployed")."""
    classes = set()
    if _quoted_complement(tok):
        classes.add("quote")
    for child in tok.children:
        if child.dep_ != "ccomp":
            continue
        auxes = {c.lower_ for c in child.children if c.dep_ in ("aux", "auxpass")}
        if auxes & _en_modality("modal") - {"will", "would", "shall", "must", "should"}:
            classes.add("possibility")
        elif child.tag_ == "VBD" or (child.tag_ == "VBN" and auxes & {"had", "has", "have"}):
            classes.add("past")
    return frozenset(classes)


def _en_fillers(tok: Any, subj: Any | None) -> dict[str, frozenset[str] | None]:
    """The classes of the arguments the sense checks look at, None where there is none."""
    obj = _en_object(tok)
    means: frozenset[str] | None = None
    for child in tok.children:
        if child.dep_ == "prep" and child.lower_ in _MEANS_PREPS:
            for grand in child.children:
                if grand.dep_ == "pobj":
                    means = (means or frozenset()) | _en_classes(grand)
    return {
        "subject": _en_classes(subj) if subj is not None else None,
        "object": _en_classes(obj) if obj is not None else None,
        "means": means,
        "complement": _en_complement(tok),
    }


def _confidence(
    depth: int, actor: bool, target: bool, checked: bool, negated: bool, hypothetical: bool
) -> float:
    """How sure the coding is, from the parse: a trigger high in its sentence with an actor and
    an object whose sense was checked is surer than a buried one with neither."""
    score = 0.8 - 0.05 * min(depth, 6)
    score += 0.05 if actor else -0.1
    score += 0.05 if target else -0.05
    if not checked:
        score -= 0.1
    if negated:
        score -= 0.1
    if hypothetical:
        score -= 0.05
    return round(min(max(score, 0.05), 0.95), 2)


def _infinitive(tok: Any) -> bool:
    """The verb is the "to" clause of the verb above it: "vowed to fight" (the parser makes
    some of these an adverbial clause: "have sworn to fight until ...")."""
    if tok.dep_ == "xcomp":
        return True
    return tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _by_intent(tok: Any, kind: str, negated: bool) -> str:
    auxes = {c.lower_ for c in tok.children if c.dep_ in ("aux", "auxpass")}
    head = tok.head
    ready = _en_modality("ready")
    if auxes & _OBLIGATION:
        return "REQUEST"
    intent = (
        bool(auxes & {"will", "would", "shall"})
        or (
            _infinitive(tok)
            and (head.lemma_.lower() in _en_modality("intent") or head.lower_ in ready)
        )
        or (_infinitive(tok) and any(c.lower_ in ready for c in head.children))
    )
    if not intent:
        return kind
    # "will withdraw its force unless a ceasefire is arranged": a promise on a condition the
    # other side must meet is a threat, whatever its act.
    if any(
        c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in c.children)
        for c in tok.children
    ):
        return "THREATEN"
    if negated and kind in _COOPERATIVE:
        return "REJECT"
    if kind in _HOSTILE:
        return "THREATEN"
    if kind in _COOPERATIVE and not negated:
        return "AGREE"
    return kind


def _depth(tok: Any) -> int:
    depth = 0
    # spaCy makes a new Token object on every access: compare positions, not identity.
    while tok.head.i != tok.i and depth < 50:
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
            # "deployed soldiers", "highly trained units": a participle that describes a noun
            # tells what the noun is, not an act the sentence reports.
            if tok.dep_ == "amod":
                continue
            found = _en_type(tok)
            if found is None:
                continue
            kind, lemma = found
            subj = _en_subject(tok)
            sensed: str | None = kind
            checked = True
            if ("en", lemma) in _senses():
                sensed, checked = _sense_check("en", lemma, kind, _en_fillers(tok, subj))
            if sensed is None:
                continue
            kind = sensed
            obj = _en_recipient(tok, kind)
            # "Russia said Sudan must return it": the demand is Russia's, made of Sudan.
            if _obliged(tok) and tok.dep_ == "ccomp":
                speaker = _en_subject(tok.head)
                if speaker is not None:
                    subj, obj = speaker, _obligee(tok)
            actor = _span(text, *_np(subj)) if subj is not None else None
            recipient = _span(text, *_np(obj)) if obj is not None else None
            negated = any(c.dep_ == "neg" for c in tok.children)
            kind = _by_intent(tok, kind, negated)
            # "failed to reach agreement": a cooperative act that did not come about is
            # coded as its refusal (PLOVER REJECT), as "refused to" is.
            if _infinitive(tok) and tok.head.lemma_.lower() in _FAILED and kind in _COOPERATIVE:
                kind, negated = "REJECT", True
            hypothetical = any(
                c.lower_ in _en_modality("modal") for c in tok.children if c.dep_ == "aux"
            ) or (_infinitive(tok) and tok.head.lemma_.lower() in _en_modality("hypothetical"))
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
                    confidence=_confidence(
                        _depth(tok),
                        actor is not None,
                        obj is not None
                        or _en_object(tok) is not None
                        # "refused to deploy": the act refused is the verb's object
                        or any(c.dep_ in ("xcomp", "ccomp") for c in tok.children),
                        checked,
                        negated,
                        hypothetical,
                    ),
                )
            )
    return out


_WORD = re.compile(r"[\w'’-]+|[^\w\s]")
_MENTION_CLASSES = {"PER": "person", "PERSON": "person", "LOC": "place", "GPE": "place"}


def _ru_noun(
    words: list[re.Match[str]], lang: str, mentions: list[Mention], case: str
) -> frozenset[str] | None:
    """The classes of the first noun in ``case`` among ``words`` (up to a punctuation mark),
    None if there is none."""
    from overheard.text import morph

    for word in words:
        if not word.group()[0].isalnum():
            return None
        for m in mentions:
            if m.start <= word.start() < m.end and m.label in _MENTION_CLASSES:
                # The NER types some towns as people («Суджа»); the dictionary knows better.
                if morph.has_geo_reading(word.group(), lang):
                    return frozenset({"place"})
                return frozenset({_MENTION_CLASSES[m.label]})
        for reading in morph.parses(word.group(), lang):
            if reading.tag.POS == "NOUN" and reading.tag.case == case:
                where = morph.language(word.group(), lang)
                return _noun_classes().get((where, reading.normal_form), frozenset())
    return None


def _ru_sense(
    text: str, lang: str, kind: str, a: int, b: int, ta: int, tb: int, mentions: list[Mention]
) -> tuple[str | None, bool]:
    """The sense check of a Russian or Ukrainian trigger, whose arguments are told by case: the
    first accusative noun after it is its object («передали журналистам запись»), the nearest
    nominative one before it, else after it, its subject («ударили морозы»)."""
    from overheard.text import morph

    first = _WORD.match(text, ta)
    if first is None:
        return kind, True
    lemma = morph.lemma(first.group(), lang)
    where = morph.language(first.group(), lang)
    if (where, lemma) not in _senses():
        return kind, True
    after = list(_WORD.finditer(text, tb, b))[:4]
    before = list(_WORD.finditer(text, a, ta))[-3:][::-1]
    subject = _ru_noun(before, lang, mentions, "nomn")
    fillers = {
        "object": _ru_noun(after, lang, mentions, "accs"),
        "subject": subject if subject is not None else _ru_noun(after, lang, mentions, "nomn"),
        "complement": _ru_complement(text, lang, tb, b),
    }
    return _sense_check(where, lemma, kind, fillers)


_THAT = re.compile(r"\s*,?\s*(?:что|що)(?!\w)", re.IGNORECASE)


def _ru_complement(text: str, lang: str, tb: int, b: int) -> frozenset[str]:
    """ "past" when the trigger's «что»/«що» clause tells what happened («предупредил, что
    дроны ударили по складу»): its first verb is in the past tense."""
    from overheard.text import morph

    that = _THAT.match(text, tb, b)
    if that is None:
        return frozenset()
    for word in list(_WORD.finditer(text, that.end(), b))[:8]:
        readings = morph.parses(word.group(), lang)
        if readings and readings[0].tag.POS == "VERB":
            return frozenset({"past"}) if readings[0].tag.tense == "past" else frozenset()
    return frozenset()


def _events_ru(
    text: str, mentions: list[Mention], dates: list[DateExpression], lang: str = "ru"
) -> list[Event]:
    from razdel import sentenize

    out = []
    for s in sentenize(text):
        a, b = s.start, s.stop
        for m in _ru_trigger().finditer(text, a, b):
            kind = re.sub(r"\d+$", "", m.lastgroup or "")
            ta, tb = m.start(), m.end()
            sensed, checked = _ru_sense(text, lang, kind, a, b, ta, tb, mentions)
            if sensed is None:
                continue
            kind = sensed
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
            hypothetical = bool(_ru_hypothetical().search(text[a:ta]))
            out.append(
                Event(
                    type=kind,
                    mode=None,
                    negated=negated,
                    hypothetical=hypothetical,
                    trigger=_span(text, ta, tb),
                    actor=_span(text, *actor_span) if actor_span else None,
                    recipient=_span(text, recipient.start, recipient.end) if recipient else None,
                    place=_span(text, place.start, place.end) if place else None,
                    time=_span(text, when.start, when.end) if when else None,
                    time_value=when.value if when else None,
                    evidence=_span(text, a, b),
                    # No parse here: the nearest names stand in for it, so less sure than English.
                    confidence=_confidence(
                        3,
                        actor_span is not None,
                        recipient is not None,
                        checked,
                        negated,
                        hypothetical,
                    ),
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
        return _events_ru(text, mentions, dates, lang)
    if doc is None:
        from overheard.text.entities import parse_en

        doc = parse_en(text)
    return _events_en(text, doc, mentions, dates)


def main_event(events: list[Event], doc: Any | None = None) -> Event | None:
    """The event a sentence is about: the one whose trigger stands highest in ``doc``'s parse
    (the first of those), or without a parse the surest one. The confidence also weighs the
    arguments found, which says how sure an event is, not whether the sentence is about it."""
    if not events:
        return None
    if doc is None:
        return max(events, key=lambda e: (e.confidence, -e.trigger.start))

    def height(event: Event) -> tuple[int, int]:
        tok = doc.char_span(event.trigger.start, event.trigger.end, alignment_mode="expand")
        return (-_depth(tok.root) if tok is not None else -99, -event.trigger.start)

    return max(events, key=height)
