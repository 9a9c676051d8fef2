"""Who said what: direct quotes and reported speech, with speaker, cue, act, content, hedges.

English uses the spaCy dependency parse that NER already paid for: a speech verb (or
"according to") gives the cue, its subject the speaker, its clausal complement or object the
content. Russian and Ukrainian have no parser in the budget (natasha's syntax model costs as
much as its NER), so they use the shape of reporting sentences instead: «X заявил, что …»,
«по словам X, …», «…», — сказал X», «X: «…»». In both, quotations are found first and a cue
whose content falls on a quotation makes that statement direct; a quotation with no cue of its
own continues the nearest speaker before it. Pronoun speakers resolve to the nearest earlier
speaker or mention that fits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from overheard.text.records import Mention, Span, Statement

# --- lexicons: verb lemma → act ---------------------------------------------------------------

EN_CUES: dict[str, str] = {
    **dict.fromkeys(
        "say tell state add note report announce explain insist confirm declare write argue "
        "stress emphasize emphasise reveal suggest believe think acknowledge admit recall "
        "testify estimate predict indicate disclose assert maintain contend observe comment "
        "remark answer reply respond tweet post describe conclude find assess told".split(),
        "assert",
    ),
    **dict.fromkeys("deny reject dismiss refute dispute rebuff disavow rebut".split(), "deny"),
    **dict.fromkeys("claim allege accuse charge".split(), "allege"),
    **dict.fromkeys("warn caution".split(), "warn"),
    **dict.fromkeys("urge demand appeal implore press request ask".split(), "urge"),
    **dict.fromkeys(
        "condemn denounce criticize criticise slam blast decry censure".split(), "condemn"
    ),
    **dict.fromkeys("worry fear".split(), "concern"),
    **dict.fromkeys("threaten".split(), "threaten"),
    **dict.fromkeys("promise pledge vow guarantee".split(), "promise"),
    **dict.fromkeys("consider weigh mull contemplate".split(), "consider"),
    **dict.fromkeys("question doubt wonder".split(), "question"),
    **dict.fromkeys("complain grumble lament gripe vent protest".split(), "complain"),
    "cite": "assert",
}
# Verbs that are speech only with a clause or quotation after them ("responded that …"), not
# with a plain object ("responded by considering", "maintain loyalty", "threatens security").
_EN_NEEDS_CLAUSE = {
    "respond",
    "reply",
    "answer",
    "maintain",
    "find",
    "describe",
    "post",
    "think",
    "believe",
    "reveal",
    "show",
    "indicate",
    "note",
    "add",
    "write",
    "report",
    "threaten",
    "promise",
    "vow",
    "pledge",
    "guarantee",
    "press",
    "ask",
    "charge",
    "conclude",
    "assess",
    "observe",
    "question",
    "doubt",
    "fear",
    "worry",
    "state",
    "tell",
    "vent",
}
# A verb whose object names the act: "voiced grave concern", "expressed alarm".
_EN_EXPRESS = {"voice", "express", "issue", "sound"}
_EN_EXPRESSED_ACT = {
    "concern": "concern",
    "alarm": "concern",
    "worry": "concern",
    "warning": "warn",
    "condemnation": "condemn",
    "denial": "deny",
    "threat": "threaten",
    "appeal": "urge",
    "call": "urge",
    "doubt": "question",
    "complaint": "complain",
}
EN_PRONOUNS = {"he": "PERSON", "she": "PERSON", "they": "PLURAL", "it": "ORG", "we": "PLURAL"}

EN_HEDGES = re.compile(
    r"\b(allegedly|reportedly|purportedly|supposedly|apparently|seemingly|likely|possibly|"
    r"unconfirmed|unverified|so-called|according to|is said to|are said to|"
    r"is believed to|are believed to|claims?|claimed|alleged?|may have|might have)\b",
    re.IGNORECASE,
)
RU_HEDGES = re.compile(
    r"(?<!\w)(якобы|будто бы|по данным|по словам|по информации|по сообщениям|предположительно|"
    r"вероятно|возможно|по неподтвержденным данным|по непроверенным данным|нібито|начебто|"
    r"за даними|за словами|за інформацією|імовірно|ймовірно|можливо|утверждает|утверждают|"
    r"стверджує|стверджують)(?!\w)",
    re.IGNORECASE,
)

# Russian and Ukrainian cue verbs by stem; forms vary by gender, number and tense.
_RU_CUE_STEMS: list[tuple[str, str]] = [
    (r"опроверг\w*|отрица\w+|отверг\w*|заперечу\w+|заперечи\w+|спростува\w+|відкида\w+", "deny"),
    (
        r"утвержда\w+|обвини\w+|обвиня\w+|стверджу\w+|звинува\w+|заявля\w+ об|"
        r"претенду\w+",
        "allege",
    ),
    (r"предупреди\w+|предупрежда\w+|предостерег\w*|попереди\w+|попереджа\w+", "warn"),
    (
        r"призва\w+|призыва\w+|потребова\w+|требу\w+|попроси\w+|закликал?\w*|закликає|"
        r"вимага\w+",
        "urge",
    ),
    (r"осуди\w+|осужда\w+|раскритикова\w+|критику\w+|засуди\w+|засуджу\w+", "condemn"),
    (
        r"выразил\w* (?:обеспокоенность|озабоченность|тревогу)|обеспокоен\w*|"
        r"висловил?\w* (?:стурбованість|занепокоєння)|стурбован\w*",
        "concern",
    ),
    (r"пригрози\w+|угрожа\w+|погрожу\w+|пригрози\w+", "threaten"),
    (r"пообеща\w+|обеща\w+|пообіця\w+|обіця\w+|поклял\w+", "promise"),
    (r"рассматрива\w+|обдумыва\w+|розгляда\w+", "consider"),
    (r"усомни\w+|сомнева\w+|засумніва\w+|сумніва\w+", "question"),
    (r"пожаловал\w+|жалу\w+|возмуща\w+|поскаржи\w+|скарж\w+|ругал\w+|материл\w+", "complain"),
    (
        r"заяви\w+|заявля\w+|сообщи\w+|сообща\w+|отмети\w+|подчеркну\w+|сказа\w+|говори\w+|"
        r"добави\w+|рассказа\w+|уточни\w+|поясни\w+|признал?\w*|написа\w+|указа\w+|"
        r"считает|считают|повідоми\w+|повідомля\w+|сказав|сказала|сказали|зазначи\w+|"
        r"дода\w+|наголоси\w+|розповіл?\w*|заяв(?:ив|ила|или|ляє|ляють)|говорить|кажуть|"
        r"каже|пише|написав",
        "assert",
    ),
]
_RU_CUE = re.compile(
    "|".join(
        f"(?P<{act}{i}>(?<![\\w-])(?:{stem})(?!\\w))" for i, (stem, act) in enumerate(_RU_CUE_STEMS)
    ),
    re.IGNORECASE,
)
_RU_ACCORDING = re.compile(
    r"(?<!\w)(по (?P<pron>его|её|ее|их) словам|за (?P<pron_uk>його|її|їхніми) словами|"
    r"по словам|по данным|по информации|по мнению|по оценкам|по сообщению|"
    r"как (?:сообщил|сообщила|сообщили|заявил|заявила|заявили|пишет|отметил|отметила)|"
    r"за словами|за даними|за інформацією|як (?:повідомив|повідомила|повідомили|заявив|"
    r"заявила|зазначив))(?!\w)",
    re.IGNORECASE,
)
RU_PRONOUNS = {
    "он": "PERSON",
    "она": "PERSON",
    "они": "PLURAL",
    "він": "PERSON",
    "вона": "PERSON",
    "вони": "PLURAL",
    # «по его словам», «за її словами»: the possessive names the speaker too.
    "его": "PERSON",
    "её": "PERSON",
    "ее": "PERSON",
    "их": "PLURAL",
    "його": "PERSON",
    "її": "PERSON",
    "їхніми": "PLURAL",
}

# --- quotations -------------------------------------------------------------------------------

_QUOTE_PAIRS = [
    ("“", "”"),
    ("«", "»"),
    ("„", "“"),
    ('"', '"'),
]


@dataclass(frozen=True)
class Quote:
    start: int  # at the opening mark
    end: int  # after the closing mark

    def words(self, text: str) -> int:
        return len(text[self.start : self.end].split())

    def is_speech(self, text: str) -> bool:
        """Long enough to be speech, or closed by its own punctuation (“We are ready,”);
        otherwise a scare quote or a name ("the so-called “K Battalion”")."""
        return self.words(text) >= 4 or (self.words(text) >= 2 and text[self.end - 2] in ",!?")


def find_quotes(text: str) -> list[Quote]:
    """Outermost quotations, marks included; nested «„…“» counts once; no paragraph breaks."""
    found: list[Quote] = []
    for opening, closing in _QUOTE_PAIRS:
        i = 0
        while True:
            start = text.find(opening, i)
            if start < 0:
                break
            depth, j = 0, start + 1
            end = -1
            while j < len(text):
                ch = text[j]
                if ch == "\n" and text[j : j + 2] == "\n\n":
                    break
                if opening != closing and ch == opening:
                    depth += 1
                elif ch == closing:
                    if depth == 0:
                        end = j + 1
                        break
                    depth -= 1
                j += 1
            if end < 0:
                i = start + 1
                continue
            found.append(Quote(start, end))
            i = end
    # Single quotes only where they cannot be apostrophes: ‘ after a space, ’ before a non-letter.
    for m in re.finditer(r"(?<![\w])‘([^‘’\n]|’(?=\w))+’(?!\w)", text):
        found.append(Quote(m.start(), m.end()))
    found.sort(key=lambda q: (q.start, -q.end))
    outer: list[Quote] = []
    for q in found:
        if outer and q.start < outer[-1].end:
            continue
        outer.append(q)
    return outer


def _is_pronoun(word: str, lang: str) -> str | None:
    table = RU_PRONOUNS if lang in ("ru", "uk") else EN_PRONOUNS
    return table.get(word.casefold())


@dataclass
class _Draft:
    speaker: tuple[int, int] | None
    cue: tuple[int, int] | None
    act: str
    content: tuple[int, int]
    direct: bool
    confidence: float


# --- English -----------------------------------------------------------------------------------

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


def _en_act(tok: Any) -> str | None:
    lemma = tok.lemma_.lower()
    if tok.pos_ not in ("VERB", "AUX") and not (tok.pos_ == "NOUN" and tok.dep_ == "ROOT"):
        return None
    if lemma in _EN_EXPRESS:
        for child in tok.children:
            if child.dep_ in ("dobj", "obj"):
                return _EN_EXPRESSED_ACT.get(child.lemma_.lower())
        return None
    if lemma == "call" and any(
        c.dep_ == "prep" and c.lower_ in ("on", "for") for c in tok.children
    ):
        return "urge"
    return EN_CUES.get(lemma)


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
            subj = subjects[0]
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


def _content_en(tok: Any) -> tuple[int, int] | None:
    doc = tok.doc
    clausal = [c for c in tok.children if c.dep_ in ("ccomp",)]
    if clausal:
        parts = clausal
    else:
        if tok.lemma_.lower() in _EN_NEEDS_CLAUSE and not any(
            c.dep_ == "xcomp" for c in tok.children if c.i > tok.i
        ):
            return None
        # Content ends at the cue's first comma: ", with Seoul condemning …" is another clause.
        commas = [c.i for c in tok.children if c.i > tok.i and c.dep_ == "punct" and c.text == ","]
        stop = commas[0] if commas else len(doc)
        parts = [c for c in tok.children if tok.i < c.i < stop and c.dep_ not in _SKIP_RIGHT]
    if not parts:
        return None
    start_tok = min(p.left_edge for p in parts)
    end_tok = max(p.right_edge for p in parts)
    span = doc[start_tok.i : end_tok.i + 1]
    # Drop a leading complementiser and trailing punctuation other than closing quotes.
    tokens = list(span)
    while tokens and (tokens[0].lower_ in ("that", ",", ":") or tokens[0].is_space):
        tokens = tokens[1:]
    # "called on X to …", "warned of X": the preposition belongs to the cue.
    if len(tokens) > 1 and tokens[0].pos_ == "ADP" and tokens[0].head == tok:
        tokens = tokens[1:]
    while tokens and tokens[-1].is_punct and tokens[-1].text not in '”"»’)':
        tokens = tokens[:-1]
    if not tokens:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _according_en(doc: Any) -> list[_Draft]:
    """ "According to X, …" and "…, according to X": X speaks the clause the phrase hangs on."""
    out = []
    text = doc.text
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
        out.append(_Draft(speaker, cue, "assert", content, False, 0.7))
    return out


def _drafts_en(text: str, doc: Any) -> list[_Draft]:
    drafts = _according_en(doc)
    for tok in doc:
        act = _en_act(tok)
        if act is None:
            continue
        # "urged X to respond": the second verb is part of what was urged.
        if tok.dep_ == "xcomp" and _en_act(tok.head) is not None:
            continue
        # "officials deny …, citing it as …": the citation carries the act of its head.
        if tok.lemma_.lower() == "cite" and tok.dep_ == "advcl":
            act = _en_act(tok.head) or act
        content = _content_en(tok)
        subj = _subject(tok)
        if content is None:
            continue
        speaker = _np_span(subj) if subj is not None else None
        cue = (tok.idx, tok.idx + len(tok.text))
        if speaker is not None and speaker[0] <= cue[0] < speaker[1]:
            continue
        drafts.append(_Draft(speaker, cue, act, content, False, 0.75 if speaker else 0.5))
    return drafts


# --- Russian and Ukrainian -----------------------------------------------------------------------


def _sentences_ru(text: str) -> list[tuple[int, int]]:
    # The record's own sentences: razdel, but a paragraph break or a headline's line end also
    # ends a sentence, so a headline never runs into the dateline below it.
    from overheard.text.sentences import split

    return [(s.start, s.end) for s in split(text, "ru")]


def _clause_before(text: str, sent_start: int, pos: int) -> tuple[int, int] | None:
    """The words between the clause start and ``pos``: the speaker in «X заявил»."""
    chunk = text[sent_start:pos]
    cut = max(
        chunk.rfind(","),
        chunk.rfind("—"),
        chunk.rfind("–"),
        chunk.rfind(":"),
        chunk.rfind("»"),
        chunk.rfind("”"),
        chunk.rfind('"'),
    )
    start = sent_start + cut + 1 if cut >= 0 else sent_start
    while start < pos and not text[start].isalnum():
        start += 1
    end = pos
    while end > start and text[end - 1] in " \t\n":
        end -= 1
    if end <= start or len(text[start:end].split()) > 8:
        return None
    return start, end


def _phrase_after(text: str, pos: int, limit: int) -> tuple[int, int] | None:
    """The words after a cue up to the next punctuation: «— сказал министр обороны»."""
    start = pos
    while start < limit and text[start] in " \t":
        start += 1
    m = re.match(r"[^,.;:!?«»\"“”—–\n]+", text[start:limit])
    if not m or len(m.group().split()) > 8:
        return None
    end = start + len(m.group().rstrip())
    return (start, end) if end > start else None


def _drafts_ru(text: str) -> list[_Draft]:
    drafts: list[_Draft] = []
    for s_start, s_end in _sentences_ru(text):
        sentence = text[s_start:s_end]
        for m in _RU_ACCORDING.finditer(sentence):
            a, b = s_start + m.start(), s_start + m.end()
            comma = text.find(",", b, s_end)
            head_of_sentence = not text[s_start:a].strip(' «"—-')
            according_speaker: tuple[int, int]
            pron = m.group("pron") or m.group("pron_uk")
            if pron:
                # «По его словам, …»: the pronoun is the speaker, resolved like «он сказал».
                p_start = s_start + m.start("pron" if m.group("pron") else "pron_uk")
                according_speaker = (p_start, p_start + len(pron))
                content = (comma + 1, s_end) if head_of_sentence and comma > 0 else (s_start, a)
            elif head_of_sentence and comma > 0:
                according_speaker = (b + 1, comma) if text[b] == " " else (b, comma)
                content = (comma + 1, s_end)
            else:
                speaker_end = s_end
                while speaker_end > b and text[speaker_end - 1] in ".!? ":
                    speaker_end -= 1
                according_speaker = (b + 1, speaker_end)
                content = (s_start, a)
            drafts.append(
                _Draft(according_speaker, (a, b), "assert", _strip(text, *content), False, 0.7)
            )
        for m in _RU_CUE.finditer(sentence):
            act = re.sub(r"\d+$", "", m.lastgroup or "assert")
            a, b = s_start + m.start(), s_start + m.end()
            if any(d.cue and d.cue[0] <= a < d.cue[1] for d in drafts):
                continue
            speaker: tuple[int, int] | None = _clause_before(text, s_start, a)
            after = text[b:s_end]
            if speaker is None or text[a - 2 : a].strip() in ("—", "–"):
                speaker = _phrase_after(text, b, s_end)
            cm = re.match(r"\s*,?\s*(?:что|чтобы|що|щоб)\s+", after)
            if cm:
                content = (b + cm.end(), s_end)
            elif after.lstrip().startswith(":"):
                content = (b + after.index(":") + 1, s_end)
            else:
                phrase = _phrase_after(text, b, s_end)
                content = (phrase[1], s_end) if phrase and speaker == phrase else (b, s_end)
            content = _strip(text, *content)
            if content[1] - content[0] < 3:
                content = (s_start, a)
                content = _strip(text, *content)
            if content[1] - content[0] < 3:
                continue
            drafts.append(_Draft(speaker, (a, b), act, content, False, 0.7 if speaker else 0.45))
    return drafts


def _balance_quotes(text: str, start: int, end: int) -> tuple[int, int]:
    """Take in the closing mark of a quotation the content opens but does not close."""
    for opening, closing in (("“", "”"), ("«", "»"), ("„", "“")):
        chunk = text[start:end]
        if chunk.count(opening) > chunk.count(closing):
            j = text.find(closing, end, end + 3)
            if j >= 0:
                end = j + 1
    return start, end


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n,—–-:":
        start += 1
    while end > start and text[end - 1] in " \t\n,.;—–-:":
        end -= 1
    return start, end


# --- shared: attach quotations, resolve pronouns, hedges ----------------------------------------


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _mention_at(mentions: list[Mention], span: tuple[int, int]) -> Mention | None:
    inside = [
        m
        for m in mentions
        if m.start >= span[0]
        and m.end <= span[1]
        and m.label in ("PERSON", "ORG", "GROUP", "GPE", "MIL_UNIT", "NORP", "LOC")
    ]
    if not inside:
        inside = [
            m
            for m in mentions
            if _overlaps((m.start, m.end), span)
            and m.label in ("PERSON", "ORG", "GROUP", "GPE", "MIL_UNIT")
        ]
    if not inside:
        return None
    order = {"PERSON": 0, "ORG": 1, "MIL_UNIT": 1, "GROUP": 2, "GPE": 3, "NORP": 4, "LOC": 5}
    return sorted(inside, key=lambda m: (order[m.label], -m.end))[0]


def _quote_verb_en(doc: Any, q: Quote) -> _Draft | None:
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
                if c.i > head.i and c.idx < q.start and c.lemma_.lower() in EN_CUES:
                    cue_tok = c
            act = EN_CUES.get(cue_tok.lemma_.lower(), "assert")
            return _Draft(
                _np_span(subj),
                (cue_tok.idx, cue_tok.idx + len(cue_tok.text)),
                act,
                (q.start, q.end),
                True,
                0.6,
            )
    return None


def _attribution_follows(text: str, q: Quote, d: _Draft) -> bool:
    """“…,” he said / «…», — сказал он: the cue after a quotation attributes it, unless the
    quotation closed a sentence and the cue opens a new statement of its own."""
    if d.cue is None or d.content[0] > d.cue[1] and not _overlaps(d.content, (q.start, q.end)):
        return False
    closing = text[q.end - 2] if q.end - q.start >= 2 else ""
    gap = text[q.end : d.cue[0]]
    following = text[q.end : d.cue[1]].strip(" ,—–-")
    return closing not in ".…" or bool(following[:1].islower()) or "—" in gap


def _attach_quotes(
    text: str, drafts: list[_Draft], quotes: list[Quote], doc: Any | None = None
) -> list[_Draft]:
    # Speech reported inside a quotation ("They told us …") belongs to the quoted speaker.
    long_quotes = [q for q in quotes if q.is_speech(text)]
    drafts = [
        d for d in drafts if not (d.cue and any(q.start < d.cue[0] < q.end for q in long_quotes))
    ]
    used: set[Quote] = set()
    for d in drafts:
        for q in quotes:
            if _overlaps(d.content, (q.start, q.end)) and q.is_speech(text):
                covered = d.content[0] >= q.start - 2 and d.content[1] <= q.end + 2
                if covered or (
                    q.start >= d.content[0] - 2
                    and q.end - q.start >= 0.6 * (d.content[1] - d.content[0])
                ):
                    d.content = (q.start, q.end)
                    d.direct = True
                    used.add(q)
                    break
    # A quotation with no cue of its own: a cue just before it (", “…”") or just after it
    # ("“…,” he said") in the same paragraph, else the previous speaker goes on talking.
    for q in quotes:
        if q in used or not q.is_speech(text):
            continue
        nearest = None
        for d in drafts:
            if d.cue is None or d.direct:
                continue
            gap_before = q.start - d.cue[1]
            gap_after = d.cue[0] - q.end
            if (
                0 <= gap_before <= 60
                and "\n" not in text[d.cue[1] : q.start]
                and d.content[0] >= d.cue[1]
                and d.content[0] <= q.end
            ):
                nearest = d
            elif (
                0 <= gap_after <= 30
                and "\n" not in text[q.end : d.cue[0]]
                and _attribution_follows(text, q, d)
            ):
                nearest = d
        if nearest is not None:
            nearest.content = (q.start, q.end)
            nearest.direct = True
            continue
        parsed = _quote_verb_en(doc, q) if doc is not None else None
        if parsed is not None:
            drafts.append(parsed)
            continue
        before = [d for d in drafts if d.cue and d.cue[1] <= q.start and d.speaker]
        speaker = max(before, key=lambda d: d.cue[1]).speaker if before else None  # type: ignore[index]
        drafts.append(
            _Draft(speaker, None, "assert", (q.start, q.end), True, 0.5 if speaker else 0.3)
        )
    return drafts


def _resolve(
    text: str, lang: str, draft: _Draft, earlier: list[Statement], mentions: list[Mention]
) -> tuple[int | None, Span | None]:
    """(entity index, antecedent span) for a speaker, following pronouns back."""
    if draft.speaker is None:
        return None, None
    words = text[draft.speaker[0] : draft.speaker[1]].split()
    kind = _is_pronoun(words[0], lang) if len(words) == 1 else None
    if kind is None:
        m = _mention_at(mentions, draft.speaker)
        return (m.entity if m else None), None
    wanted = {
        "PERSON": ("PERSON",),
        "PLURAL": ("GROUP", "ORG", "GPE", "PERSON"),
        "ORG": ("ORG", "GPE", "GROUP", "MIL_UNIT"),
    }[kind]
    # The nearest earlier speaker that is not itself a pronoun: news text hands "he" to the
    # last person quoted, named ("Zelensky") or described ("Another [soldier]").
    for st in reversed(earlier):
        if st.speaker is None or st.speaker.start >= draft.speaker[0]:
            continue
        target = st.speaker_antecedent or st.speaker
        if _is_pronoun(target.text, lang):
            continue
        m = _mention_at(mentions, (target.start, target.end))
        # A described speaker ("one of the soldiers", «один из солдат») is a person even when
        # the only name inside it is a group's.
        if m is None or (
            kind == "PERSON"
            and m.label != "PERSON"
            and (m.start, m.end) != (target.start, target.end)
        ):
            return None, target
        if m.label in wanted:
            return m.entity, target
        break
    for m in reversed(mentions):
        if m.end <= draft.speaker[0] and m.label in wanted:
            return m.entity, Span(m.start, m.end, m.text)
    return None, None


def extract_statements(
    text: str, lang: str, mentions: list[Mention], doc: Any | None = None
) -> list[Statement]:
    """Statements in text order; ``doc`` is the English spaCy Doc when ``lang`` is English."""
    if lang in ("ru", "uk"):
        drafts = _drafts_ru(text)
        hedges_re = RU_HEDGES
    else:
        if doc is None:
            from overheard.text.entities import parse_en

            doc = parse_en(text)
        drafts = _drafts_en(text, doc)
        hedges_re = EN_HEDGES
    drafts = _attach_quotes(
        text, drafts, find_quotes(text), doc if lang not in ("ru", "uk") else None
    )
    for d in drafts:
        d.content = _balance_quotes(text, *d.content)
    drafts.sort(key=lambda d: (d.content[0], d.cue[0] if d.cue else -1))
    out: list[Statement] = []
    for d in drafts:
        entity, antecedent = _resolve(text, lang, d, out, mentions)
        region_start = min(
            d.content[0],
            d.cue[0] if d.cue else d.content[0],
            d.speaker[0] if d.speaker else d.content[0],
        )
        region_end = max(d.content[1], d.cue[1] if d.cue else 0)
        # Hedges in the attribution and its content ("allegedly", «якобы»), not in the quote.
        scope = (
            text[region_start:region_end]
            if not d.direct
            else text[region_start : d.content[0]] + " " + text[d.content[1] : region_end]
        )
        hedges = sorted({h.group(0).lower() for h in hedges_re.finditer(scope)})
        if d.act == "allege" and d.cue:
            hedges = sorted({*hedges, text[d.cue[0] : d.cue[1]].lower()})
        speaker = (
            Span(d.speaker[0], d.speaker[1], text[d.speaker[0] : d.speaker[1]])
            if d.speaker
            else None
        )
        out.append(
            Statement(
                speaker=speaker,
                speaker_entity=entity,
                speaker_antecedent=antecedent,
                cue=Span(d.cue[0], d.cue[1], text[d.cue[0] : d.cue[1]]) if d.cue else None,
                act=d.act,
                content=Span(d.content[0], d.content[1], text[d.content[0] : d.content[1]]),
                direct=d.direct,
                hedged=bool(hedges),
                hedges=hedges,
                confidence=d.confidence,
            )
        )
    return out
