"""Events coded with PLOVER types: who did what to whom, where and when, with the evidence span.

A trigger (a verb, or a light verb with its object: "imposed sanctions", "held talks") gives
the type; in English the parse gives actor (subject, or the agent of a passive) and recipient
(object, or the object of with/against/on/to); in Russian and Ukrainian the nearest fitting
mention before and after the trigger in the same sentence does. Places are the GPE/LOC
mentions the sentence puts the event in, time the date expression in the same sentence. The
PLOVER mode is filled where the trigger names it (ACCUSE: disapprove/allege/investigate);
negated and hypothetical events are flagged, not dropped, as the PLOVER manual asks.
"""

from __future__ import annotations

import re
from typing import Any

from overheard.text.records import DateExpression, Event, Mention, Span

EN_TRIGGERS: dict[str, str] = {
    **dict.fromkeys(
        "agree sign ratify settle accept reconcile allow permit offer promise commit".split(),
        "AGREE",
    ),
    **dict.fromkeys(
        "meet visit host consult discuss negotiate confer telephone mediate".split(), "CONSULT"
    ),
    **dict.fromkeys(
        "support praise back endorse welcome commend applaud thank approve "
        "recognize recognise forgive defend".split(),
        "SUPPORT",
    ),
    **dict.fromkeys(
        "concede yield ease release free apologize apologise lift relax pardon shorten".split(),
        "CONCEDE",
    ),
    **dict.fromkeys(
        "cooperate collaborate coordinate ally partner extradite share".split(), "COOPERATE"
    ),
    **dict.fromkeys("aid assist help donate supply deliver grant shelter rescue".split(), "AID"),
    **dict.fromkeys(
        "withdraw retreat evacuate disarm demobilize demobilise surrender resign".split(), "RETREAT"
    ),
    **dict.fromkeys("demand request ask urge appeal seek petition plead".split(), "REQUEST"),
    **dict.fromkeys(
        "accuse blame condemn criticize criticise denounce charge allege "
        "investigate probe deplore complain sue indict inspect".split(),
        "ACCUSE",
    ),
    **dict.fromkeys(
        "reject refuse deny veto rebuff dismiss oppose decline renege violate".split(), "REJECT"
    ),
    **dict.fromkeys("threaten warn".split(), "THREATEN"),
    **dict.fromkeys("protest demonstrate rally march riot picket block".split(), "PROTEST"),
    **dict.fromkeys(
        "sanction embargo expel suspend freeze sever boycott halt prohibit cut reduce "
        "cancel".split(),
        "SANCTION",
    ),
    **dict.fromkeys(
        "mobilize mobilise deploy mass reinforce station conscript strengthen patrol train".split(),
        "MOBILIZE",
    ),
    **dict.fromkeys(
        "arrest detain seize confiscate ban deport raid jail imprison sentence "
        "restrict censor evict outlaw demolish deface hack blockade".split(),
        "COERCE",
    ),
    **dict.fromkeys(
        "attack kill bomb shell fight clash invade assault kidnap abduct torture "
        "wound massacre ambush storm shoot strike hit destroy execute "
        "assassinate capture beat fire abuse retake cleanse".split(),
        "ASSAULT",
    ),
}
# Light verbs whose object carries the event: "held talks", "imposed sanctions".
EN_OBJECT_TRIGGERS: dict[str, str] = {
    "talk": "CONSULT",
    "meeting": "CONSULT",
    "visit": "CONSULT",
    "negotiation": "CONSULT",
    "sanction": "SANCTION",
    "embargo": "SANCTION",
    "ban": "COERCE",
    "curfew": "COERCE",
    "attack": "ASSAULT",
    "offensive": "ASSAULT",
    "assault": "ASSAULT",
    "raid": "ASSAULT",
    "protest": "PROTEST",
    "rally": "PROTEST",
    "demonstration": "PROTEST",
    "aid": "AID",
    "assistance": "AID",
    "weapon": "AID",
    "support": "SUPPORT",
    "warning": "THREATEN",
    "ultimatum": "THREATEN",
    "threat": "THREATEN",
    "demand": "REQUEST",
    "appeal": "REQUEST",
    "request": "REQUEST",
    "call": "REQUEST",
    "treaty": "AGREE",
    "agreement": "AGREE",
    "deal": "AGREE",
    "ceasefire": "AGREE",
    "accusation": "ACCUSE",
    "investigation": "ACCUSE",
    "criticism": "ACCUSE",
    "troop": "MOBILIZE",
    "force": "MOBILIZE",
    "soldier": "MOBILIZE",
    "mediation": "CONSULT",
    "invasion": "ASSAULT",
    "withdrawal": "RETREAT",
    "suspension": "SANCTION",
    "tie": "SUPPORT",
    "relation": "SUPPORT",
    "strike": "PROTEST",
    "concession": "AGREE",
    "consensus": "AGREE",
    "blockade": "COERCE",
    "law": "COERCE",
    "siege": "COERCE",
    "fire": "COERCE",
}
_EN_LIGHT = {
    "hold",
    "impose",
    "launch",
    "stage",
    "provide",
    "send",
    "issue",
    "make",
    "conduct",
    "pay",
    "carry",
    "sign",
    "ratify",
    "reach",
    "offer",
    "give",
    "mount",
    "level",
    "open",
    "renew",
    "resume",
    "undertake",
    "begin",
    "start",
    "establish",
    "upgrade",
    "complete",
    "declare",
    "set",
    "continue",
    "organize",
    "organise",
}
# Light verbs that mean something on their own when their object is not an event noun.
_EN_LIGHT_OWN = {
    "sign": "AGREE",
    "ratify": "AGREE",
    "send": "AID",
    "provide": "AID",
    "give": "AID",
    "offer": "AGREE",
}
# PLOVER codes a stated intention by its sign: a promise of something cooperative is AGREE,
# of something hostile THREATEN; "X must do Y" is a REQUEST; "will not accept" a REJECT.
_HOSTILE = {"ASSAULT", "COERCE", "SANCTION", "MOBILIZE", "PROTEST"}
_COOPERATIVE = {"AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT"}
_INTENT_HEADS = {
    "offer",
    "promise",
    "pledge",
    "agree",
    "vow",
    "plan",
    "intend",
    "threaten",
    "prepare",
    "decide",
    "swear",
}
_INTENT_ADJ = {"willing", "ready", "prepared", "committed", "determined"}
_EN_MODE = {
    "investigate": "investigate",
    "probe": "investigate",
    "investigation": "investigate",
    "allege": "allege",
    "accuse": "allege",
    "charge": "allege",
    "condemn": "disapprove",
    "criticize": "disapprove",
    "criticise": "disapprove",
    "denounce": "disapprove",
    "deplore": "disapprove",
    "complain": "disapprove",
}
_MODALS = {"could", "might", "may", "would", "will", "should", "shall", "plan", "intend"}

_RU_TRIGGERS: list[tuple[str, str]] = [
    (
        r"подписа\w+|ратифицирова\w+|согласи\w+|договорил\w+|підписа\w+|ратифікува\w+|"
        r"погоди\w+|домовил\w+",
        "AGREE",
    ),
    (
        r"встретил\w+|встреча\w+|переговор\w+|провел\w* переговоры|посети\w+|визит\w*|"
        r"обсуди\w+|зустрі\w+|відвіда\w+|обговори\w+",
        "CONSULT",
    ),
    (r"поддержа\w+|поддержива\w+|приветствова\w+|похвали\w+|підтрима\w+|підтриму\w+", "SUPPORT"),
    (r"освободи\w+|отпусти\w+|смягчи\w+|уступи\w+|звільни\w+|пом'якши\w+", "CONCEDE"),
    (r"сотрудничa\w+|сотрудничать|сотрудничает|сотрудничают|співпрацю\w+", "COOPERATE"),
    (
        r"помощь|помощи|передал\w*|поставля\w+|поставил\w*|направил\w* помощь|допомог\w+|"
        r"постача\w+|передав|передала|передали",
        "AID",
    ),
    (
        r"отступи\w+|отступа\w+|отвел\w*|отвёл|вывел\w*|выве\w+ войска|отошл\w+|відступи\w+|"
        r"відступа\w+|вивели|відвели",
        "RETREAT",
    ),
    (
        r"потребова\w+|требует|требуют|призва\w+|призыва\w+|попроси\w+|просит|просят|"
        r"вимага\w+|закликал?\w*|закликає|попроси\w+",
        "REQUEST",
    ),
    (
        r"обвини\w+|обвиня\w+|осуди\w+|осужда\w+|раскритикова\w+|расследова\w+|звинува\w+|"
        r"засуди\w+|розслідува\w+",
        "ACCUSE",
    ),
    (
        r"отверг\w*|отклони\w+|отказа\w+|отказыва\w+|опроверг\w*|відкину\w+|відхили\w+|"
        r"відмови\w+|спростува\w+",
        "REJECT",
    ),
    (r"пригрози\w+|угрожа\w+|предупреди\w+|погрожу\w+|пригрози\w+|попереди\w+", "THREATEN"),
    (r"протест\w*|митинг\w*|демонстрац\w+|мітинг\w*|протесту\w+", "PROTEST"),
    (r"санкци\w+|выслал\w*|высыла\w+|заморози\w+|санкці\w+|вислал\w*", "SANCTION"),
    (
        r"мобилизова\w+|мобилизац\w+|перебросил\w*|переброс\w+|развернул\w*|стягива\w+|"
        r"мобілізува\w+|мобілізац\w+|перекину\w+|перекида\w+",
        "MOBILIZE",
    ),
    (
        r"задержа\w+|арестова\w+|захвати\w+|запрети\w+|депортирова\w+|конфискова\w+|"
        r"затрима\w+|заарештува\w+|заборони\w+",
        "COERCE",
    ),
    (
        r"атакова\w+|атаку\w+|обстреля\w+|обстрелива\w+|удари\w+|нанес\w* удар\w*|убил\w*|"
        r"уничтожи\w+|сбил\w*|штурму\w+|наступа\w+|бомби\w+|обстріля\w+|обстрілю\w+|"
        r"атакува\w+|знищи\w+|вбил\w*|збил\w*|штурмува\w+",
        "ASSAULT",
    ),
]
_RU_TRIGGER = re.compile(
    "|".join(
        f"(?P<{t}{i}>(?<![\\w-])(?:{stem})(?!\\w))" for i, (stem, t) in enumerate(_RU_TRIGGERS)
    ),
    re.IGNORECASE,
)
_ACTOR_LABELS = ("PERSON", "ORG", "GPE", "GROUP", "MIL_UNIT", "NORP")
_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|near|at|outside|around|across|into|on)|(?<!\w)(?:в|во|под|около|у|на|біля|"
    r"поблизу|під))\s+(?:the\s+)?$",
    re.IGNORECASE,
)


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
            and _PLACE_BEFORE.search(text[max(a, m.start - 20) : m.start])
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
    if lemma in _EN_LIGHT:
        for child in tok.children:
            if (
                child.dep_ in ("dobj", "obj", "nsubjpass")
                and child.lemma_.lower() in EN_OBJECT_TRIGGERS
            ):
                return EN_OBJECT_TRIGGERS[child.lemma_.lower()], child.lemma_.lower()
        if lemma in _EN_LIGHT_OWN:
            return _EN_LIGHT_OWN[lemma], lemma
        return None
    if lemma == "call" and any(
        c.dep_ == "prep" and c.lower_ in ("on", "for") for c in tok.children
    ):
        return "REQUEST", lemma
    if lemma in ("pull", "move") and any(c.lower_ in ("out", "back", "away") for c in tok.children):
        return "RETREAT", lemma
    found = EN_TRIGGERS.get(lemma)
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
            and child.lemma_.lower() not in EN_OBJECT_TRIGGERS
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
    if "must" in auxes:
        return "REQUEST"
    intent = (
        bool(auxes & {"will", "would", "shall"})
        or (
            tok.dep_ == "xcomp"
            and (head.lemma_.lower() in _INTENT_HEADS or head.lower_ in _INTENT_ADJ)
        )
        or (tok.dep_ == "xcomp" and any(c.lower_ in _INTENT_ADJ for c in head.children))
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
            hypothetical = any(c.lower_ in _MODALS for c in tok.children if c.dep_ == "aux") or (
                tok.dep_ == "xcomp"
                and tok.head.lemma_.lower()
                in ("threaten", "plan", "intend", "vow", "promise", "want", "hope")
            )
            place = _place(text, mentions, a, b)
            when = _time(dates, a, b)
            out.append(
                Event(
                    type=kind,
                    mode=_EN_MODE.get(lemma),
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
        for m in _RU_TRIGGER.finditer(text, a, b):
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
                    hypothetical=bool(
                        re.search(
                            r"(?<!\w)(?:может|могут|могли|бы|планиру\w+|"
                            r"намерен\w*|може|можуть)(?!\w)",
                            text[a:ta],
                        )
                    ),
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
