"""The document's own voice: statements with no speech verb, whose speaker is the document.

A ministry's press release, a channel's post, an analyst's byline text and a speaker's turn in
a briefing transcript assert and deny in their own words, with no "said" to find. Which
documents (or parts) speak so is read off signals the text itself shows, never its topic:

- **Transcript**: at least two paragraphs open with a speaker label ("MELNYK:", «Г. П.
  Широков:», "QUESTION (Baltic Wire):", "Q:"), one of them a question, host or answer label
  (``speech_voice.*`` uses ``*_label``) or one label used twice. Each answer turn speaks for
  its label's speaker (an "A:" turn for the document's source); questions and a host's turns
  state nothing, and what the parser took for speech there is dropped.
- **Self-published** (no wire dateline "KYIV, March 12 (Agency) -"): the narrator speaks of
  itself outside quotations at least twice (we, our, «мы», «наш»), a byline opens the text
  ("By X", «Автор: X»), a header or signature line names the source or a press office, the
  text reads as a channel's post (an @handle, "subscribe"), or a sentence opens with the source
  as the subject of a present-tense verb («Министерство обороны … напоминает», «ГУР продовжує»).
  The speaker is the byline's or signature's person or body, else the source.
- **Otherwise** (a news report) the narrator's background is no statement, with two
  exceptions that make the outlet the speaker: a sentence that dismisses a report as untrue
  («распространяют очередной фейк о …»), and one that opens by relaying unnamed sources
  («По неподтверждённым данным, …»).

Inside a voice every sentence that no reported-speech statement already covers becomes a
direct statement, except questions, exclamations, greetings, thanks, appeals and asides
(``skip``), imperatives, and sentences about the source itself; a sentence of at most
:data:`SHORT` words continues the statement before it in its paragraph ("… не поїдуть. Мінус
дванадцять.") or opens the one after it ("That figure is simply invented. Most of …").
Reported speech inside a voice whose speaker is unnamed or first person («мы расцениваем»,
"two sources tell us", «по словам местных») is the voice's too. A sentence that dismisses what
it speaks of is a denial (:mod:`.dismissal`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from overheard.text import lexicon
from overheard.text.records import Mention, Span, Statement
from overheard.text.sentences import (
    CLOSING,
    LINE_WORDS,
    PARAGRAPH_BREAK,
    opening,
    title_line,
)
from overheard.text.sentences import closed as _closed
from overheard.text.sentences import trim as _trim
from overheard.text.sentences import word_count as _words
from overheard.text.statements.dismissal import dismisses
from overheard.text.statements.draft import draft, fold, lexicon_lang, overlaps, span
from overheard.text.statements.quotes import Quote

USES = frozenset(
    {
        "first_person",
        "byline",
        "press_office",
        "channel",
        "question_label",
        "host_label",
        "answer_label",
        "skip",
        "relay",
    }
)
# A sentence of at most this many words joins a neighbour in its paragraph rather than
# standing alone: alone it is an aside, a slogan or the tail of the sentence before it.
SHORT = 6
# The narrator must speak of itself this often (outside quotations) for first person alone to
# make a text its own voice: a news report quotes others' "we" but rarely says it.
FIRST_PERSON = 2

# Mentions that make a speaker named (a third party), not one of the voice's unnamed sources.
_NAMED = ("PERSON", "ORG", "GPE", "MIL_UNIT", "GROUP", "NORP")
# What a press office can speak for.
_BODIES = ("ORG", "MIL_UNIT", "GROUP")
_UP = "A-ZА-ЯЁІЇЄҐ"
# "KYIV/MOSCOW, March 12 (Baltic Wire) - ", «МОСКВА, 7 апреля — »: a wire report's dateline.
_DATELINE = re.compile(rf"\s*[{_UP}]{{2,}}(?:[ /.-]+[{_UP}]{{2,}})*,[ \t][^\n]{{0,60}}?\s[-–—]\s")
_HANDLE = re.compile(r"(?<![\w.@])@[A-Za-z0-9_]{4,}")
# A speaker label opening a paragraph: up to five words (initials allowed), an optional
# parenthesis ("QUESTION (Baltic Wire)"), a colon, and not a quotation (that is «X: «…»»).
_LABEL = re.compile(
    r"(?m)^[ \t]*(?P<label>[^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){0,4})"
    r"(?:[ \t]*\([^()\n]{1,80}\))?[ \t]*:[ \t]+(?![«\"“„'‘])(?=\S)"
)
_WORD = re.compile(r"[^\W_][\w'’-]*")
_PRESENT_RU = re.compile(
    r"\w+(?:ет|ит|ат|ят|ют|ут|ется|ится|ются|ятся|є|ує|ає|яє|ить|ать|ять|ують|ають|ють)",
    re.IGNORECASE,
)
_PRESENT_EN = re.compile(r"[a-z]+s")
_NOT_PRESENT_EN = frozenset({"has", "is", "was", "does", "this", "its", "us", "as", "his"})
_IMPERATIVE_RU = re.compile(r"\w+(?:ите|йте|ьте|іть|їть|ійте)(?:сь|ся)?", re.IGNORECASE)
# Any quotation mark, paired or not (''NYT style'', a stray “): such a sentence may be quoting.
_QUOTE_MARK = re.compile(r"[\"“”«»„]|''|(?<!\w)‘")


@dataclass(frozen=True)
class Voice:
    """A stretch of text in which one speaker speaks in its own words."""

    start: int
    end: int
    speaker: Span | None  # the label, byline or signature that names them; None: the source
    entity: int | None


@lexicon.cached
def _uses(lang: str) -> dict[str, re.Pattern[str]]:
    name = f"speech_voice.{lang}"
    grouped: dict[str, list[str]] = {}
    for row in lexicon.table(name):
        if row["use"] not in USES:
            raise lexicon.LexiconError(
                f"{name}: unknown use {row['use']!r} (one of: {', '.join(sorted(USES))})"
            )
        grouped.setdefault(row["use"], []).append(fold(row["pattern"]))
    return {
        use: re.compile(rf"(?<![\w@])(?:{'|'.join(patterns)})(?!\w)", re.IGNORECASE)
        for use, patterns in grouped.items()
    }


def _pattern(lang: str, use: str) -> re.Pattern[str] | None:
    return _uses(lexicon_lang(lang)).get(use)


def _search(lang: str, use: str, text: str) -> re.Match[str] | None:
    pattern = _pattern(lang, use)
    return pattern.search(fold(text)) if pattern else None


def _is(lang: str, use: str, text: str) -> bool:
    pattern = _pattern(lang, use)
    return bool(pattern and pattern.fullmatch(fold(text.strip())))


def _heads(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The header lines a text opens with: its title and a byline or masthead line ("By
    Helena Brandt, head of analysis, …", "Open Sky Analytics | Imagery note"), at most two,
    each short and unpunctuated (the title may ask), leaving at least one paragraph."""
    title = title_line(text)
    heads: list[tuple[int, int]] = []
    for a, b in paragraphs[: min(2, len(paragraphs) - 1)]:
        line = text[a:b]
        is_title = title is not None and a <= title[0] and b <= title[1]
        if not is_title and (_closed(line) or _words(line) > LINE_WORDS):
            break
        heads.append((a, b))
    return heads


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for m in [*PARAGRAPH_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        a, b = _trim(text, pos, end)
        if b > a:
            out.append((a, b))
        pos = m.end() if m else len(text)
    return out


def _source_names(source: str | None) -> list[str]:
    """«Курск не спит (@kursk_ne_spit)» → the name and the handle."""
    if not source:
        return []
    return [p.strip() for p in re.split(r"[()]", source) if len(p.strip()) >= 2]


def _stems(text: str) -> set[str]:
    return {w.casefold()[:5] for w in re.findall(r"[^\W\d_]{4,}", fold(text))}


def _names_source(chunk: str, source: str | None) -> bool:
    """Does ``chunk`` name the source: literally, or by most of its words in any case form
    («Пресс-служба Министерства обороны» for «Министерство обороны»)?"""
    for name in _source_names(source):
        if name.casefold() in chunk.casefold():
            return True
        stems = _stems(name)
        if len(stems) >= 2 and len(stems & _stems(chunk)) >= max(2, -(-2 * len(stems) // 3)):
            return True
    return False


def _acronym(source: str | None) -> str:
    """«Головне управління розвідки Міністерства оборони України» → «ГУРМОУ»."""
    names = _source_names(source)
    words = re.findall(r"[^\W\d_]+", fold(names[0])) if names else []
    return "".join(w[0] for w in words).upper()


def _opens_with_source(
    sentence: str, lang: str, source: str | None, *, describing: bool = False
) -> bool:
    """Does the sentence open with the source as the subject of a present-tense verb
    («ГУР продовжує», «Министерство обороны … напоминает», "The Ministry reminds")? A
    report's "Baltic Wire could not verify" is the outlet's past, not its own release; with
    ``describing``, "X is …" and "X has …" count too (the source describing itself)."""
    words = list(_WORD.finditer(sentence))
    if len(words) < 2 or not source:
        return False
    first = words[0].group()
    acronym = _acronym(source)
    if first.isupper() and 3 <= len(first) <= len(acronym) and acronym.startswith(fold(first)):
        return _present(words[1].group(), lang, describing)
    limit = min(len(words) - 1, len(_source_names(source)[0].split()) + 2)
    return any(
        _present(words[k].group(), lang, describing)
        and _names_source(sentence[: words[k - 1].end()], source)
        for k in range(1, limit + 1)
    )


def _present(word: str, lang: str, describing: bool) -> bool:
    if lang == "en":
        if describing and word in ("is", "has"):
            return True
        return bool(_PRESENT_EN.fullmatch(word)) and word not in _NOT_PRESENT_EN
    return bool(_PRESENT_RU.fullmatch(word))


def _mention_in(mentions: Sequence[Mention], start: int, end: int, labels: Sequence[str]) -> Any:
    for m in mentions:
        if m.label in labels and overlaps((m.start, m.end), (start, end)):
            return m
    return None


def _entity_for_label(text: str, label: tuple[int, int], mentions: Sequence[Mention]) -> int | None:
    """The person a label names ("MELNYK" → Taras Melnyk, named in the header): a mention on
    the label, else a person whose name has the label's last word in some case form."""
    m = _mention_in(mentions, *label, ("PERSON", "ORG"))
    if m is not None:
        return m.entity
    words = re.findall(r"[^\W\d_]{3,}", fold(text[label[0] : label[1]]))
    if not words:
        return None
    key = words[-1].casefold()
    for m in mentions:
        if m.label != "PERSON" or m.entity is None:
            continue
        for w in re.findall(r"[^\W\d_]+", fold(m.text)):
            w = w.casefold()
            common = _common_prefix(key, w)
            if common >= 4 and common >= min(len(key), len(w)) - 2:
                return m.entity
    return None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def _labels(text: str, lang: str) -> list[tuple[re.Match[str], str | None]]:
    """A transcript's speaker labels with their roles (question, host, answer; None: a name),
    in order; nothing for a text that is not a transcript."""
    labels = []
    for m in _LABEL.finditer(text):
        label = m.group("label")
        role = next(
            (r for r in ("question_label", "host_label", "answer_label") if _is(lang, r, label)),
            None,
        )
        if role is None and not all(w[0].isupper() for w in label.split()):
            continue
        turn_end = text.find("\n\n", m.end())
        if role is None and _words(text[m.end() : turn_end if turn_end >= 0 else len(text)]) < 3:
            continue  # "Фото: Reuters", "Source: …": a caption, not a turn
        labels.append((m, role))
    names = [fold(m.group("label")).casefold() for m, role in labels if role is None]
    if len(labels) < 2 or not (any(role for _, role in labels) or len(set(names)) < len(names)):
        return []
    return labels


def _transcript(
    text: str, lang: str, mentions: Sequence[Mention], source: str | None
) -> tuple[list[Voice], list[tuple[int, int]]]:
    """(answer turns, question and host turns) of a transcript; nothing for other texts."""
    labels = _labels(text, lang)
    voices, silent = [], []
    for i, (m, role) in enumerate(labels):
        end = labels[i + 1][0].start() if i + 1 < len(labels) else len(text)
        if role in ("question_label", "host_label"):
            silent.append((m.start(), end))
        elif role == "answer_label":
            voices.append(Voice(m.end(), end, None, _source_entity(text, mentions, source)[1]))
        else:
            where = (m.start("label"), m.end("label"))
            voices.append(
                Voice(m.end(), end, span(text, *where), _entity_for_label(text, where, mentions))
            )
    return voices, silent


def _source_entity(
    text: str,
    mentions: Sequence[Mention],
    source: str | None,
    where: tuple[int, int] | None = None,
) -> tuple[Span | None, int | None]:
    """Where the text (or a part of it) names its source literally ("@stryboh_uav", «Окопная
    правда»), and the entity of a mention there."""
    start, end = where or (0, len(text))
    for name in _source_names(source):
        found = re.compile(re.escape(name), re.IGNORECASE).search(text, start, end)
        if found is None:
            found = _inflected(name).search(text, start, end)
        if found is not None:
            m = _mention_in(mentions, found.start(), found.end(), _NAMED)
            return span(text, found.start(), found.end()), m.entity if m is not None else None
    return None, None


def _inflected(name: str) -> re.Pattern[str]:
    """The source's name in any case form: each word of three or more letters by its first
    letters, the ending free (source «Головне управління розвідки Міністерства оборони
    України» in «За даними Головного управління розвідки …»)."""
    words = re.findall(r"[^\W\d_]+|\S", name)
    if len(words) < 2:
        return re.compile(r"(?!)")
    parts = [
        re.escape(w[: max(3, len(w) - 3)]) + r"[^\W\d_]{0,5}" if len(w) >= 4 else re.escape(w)
        for w in words
    ]
    return re.compile(r"(?<![\w-])" + r"\s+".join(parts) + r"(?![\w-])", re.IGNORECASE)


def _signed_by(
    text: str, line: tuple[int, int], lang: str, mentions: Sequence[Mention], source: str | None
) -> tuple[Span | None, int | None]:
    """Who a signature line names: the source as written ("@stryboh_uav"), a press office as
    written («Прес-служба Військово-морських сил …»), a person by full name («Губернатор
    Курской области Виктор Лагутин»), else the line itself."""
    office = _search(lang, "press_office", text[line[0] : line[1]])
    named, entity = _source_entity(text, mentions, source, line)
    if office is None:
        if named is not None:
            return named, entity
        for m in mentions:
            if line[0] <= m.start and m.end <= line[1] and m.label == "PERSON":
                if len(m.text.split()) >= 2:
                    return span(text, m.start, m.end), m.entity
        return span(text, *line), None
    # A press office speaks for the body it names («Пресс-служба Министерства обороны
    # Российской Федерации» → the ministry), not for itself; the line is its signature.
    after = line[0] + office.end()
    for m in mentions:
        if after <= m.start and m.end <= line[1] and m.label in _BODIES and m.entity is not None:
            return span(text, *line), m.entity
    return span(text, *line), entity


def _published(
    text: str,
    lang: str,
    source: str | None,
    mentions: Sequence[Mention],
    quotes: Sequence[Quote],
    sentences: Sequence[tuple[int, int]],
    drafts: Sequence[Statement],
) -> Voice | None:
    """The whole text as its source's own voice, if it reads as self-published."""
    if _DATELINE.match(text, opening(text)):
        return None
    paragraphs = _paragraphs(text)
    if not paragraphs:
        return None
    start, end = paragraphs[0][0], paragraphs[-1][1]
    speaker: Span | None = None
    entity: int | None = None
    signals = 0
    for a, b in _heads(text, paragraphs):
        head = text[a:b]
        byline = _search(lang, "byline", head)
        if byline is not None and byline.start() == 0:
            m = _mention_in(mentions, a, b, ("PERSON",))
            if m is not None and speaker is None:
                speaker, entity = span(text, m.start, m.end), m.entity
            signals += 1
        elif _names_source(head, source):
            signals += 1
        # a header line is no statement either way
        start = next((p[0] for p in paragraphs if p[0] > a), start)
    last = text[paragraphs[-1][0] : paragraphs[-1][1]]
    if len(paragraphs) > 1 and not _closed(last) and _words(last) <= LINE_WORDS:
        if _search(lang, "press_office", last) or _names_source(last, source):
            signals += 1
            end = paragraphs[-1][0]
            if speaker is None:
                speaker, entity = _signed_by(text, paragraphs[-1], lang, mentions, source)
    # First person counts only in the narrator's plain sentences: in a paragraph that quotes
    # nobody (a quotation may run over sentences, its marks mispaired), reporting nobody.
    pattern = _pattern(lang, "first_person")
    first_person = sum(
        len(pattern.findall(fold(text[a:b])))
        for a, b in sentences
        if pattern is not None
        and not any(_quoting(text, *p, quotes) for p in paragraphs if p[0] <= a < p[1])
        and _covered(a, b, drafts, ()) is None
    )
    if first_person >= FIRST_PERSON:
        signals += 1
    # A channel's own post: the source is a handle, or the text asks to subscribe. An @handle
    # in the text is no sign: news quotes tweets and ends with its author's.
    if any(_HANDLE.fullmatch(name) for name in _source_names(source)):
        signals += 1
    if _search(lang, "channel", text):
        signals += 1
    if any(_opens_with_source(text[a:b], lang, source) for a, b in sentences):
        signals += 1
    if not signals:
        return None
    if speaker is None:
        speaker, entity = _source_entity(text, mentions, source)
    return Voice(start, end, speaker, entity)


def _quoting(text: str, start: int, end: int, quotes: Sequence[Quote]) -> bool:
    """Does [start, end) quote anyone: a quotation that reads as speech, or a quotation mark
    left unpaired? A scare quote («Зубр», the 'weapons in the hold' story) does not count."""
    plain = list(text[start:end])
    for q in quotes:
        if start <= q.start and q.end <= end and not q.is_speech(text):
            plain[q.start - start : q.end - start] = " " * (q.end - q.start)
        elif q.start < end and start < q.end:
            return True
    return _QUOTE_MARK.search("".join(plain)) is not None


def _first_person(lang: str, words: str) -> bool:
    return _search(lang, "first_person", words) is not None


def _unnamed(text: str, lang: str, d: Statement, mentions: Sequence[Mention]) -> bool:
    """Is the speaker of reported speech inside a voice the voice itself or its unnamed
    sources («мы расцениваем», "two sources tell us", «по словам местных»), not a third
    party ("Governor Lagutin", "he", "the operator")?"""
    if d.speaker is None or _first_person(lang, d.speaker.text):
        return True
    from overheard.text.statements.attribution import pronouns

    first = d.speaker.text.split()[0].casefold() if d.speaker.text.split() else ""
    if first in pronouns(lexicon_lang(lang)) or first in ("the", "this", "that"):
        return False
    return _mention_in(mentions, d.speaker.start, d.speaker.end, _NAMED) is None


def _imperative(text: str, lang: str, start: int, end: int, tokens: dict[int, Any]) -> bool:
    word = _WORD.search(text, start, end)
    if word is None:
        return True
    if lang == "en":
        tok = tokens.get(word.start())
        return tok is not None and tok.tag_ == "VB" and word.group() not in ("Do", "Let")
    return bool(_IMPERATIVE_RU.fullmatch(word.group()))


def _headline(sentence: str) -> bool:
    """ "Clinton Plan for Taxes Is Expansive but Complex.": most words capitalised."""
    words = [w for w in _WORD.findall(sentence) if len(w) >= 4]
    capital = sum(w[0].isupper() for w in words)
    return len(words) >= 3 and capital >= 0.7 * len(words)


def _says_nothing(
    text: str, lang: str, start: int, end: int, source: str | None, tokens: dict[int, Any]
) -> bool:
    """Questions, exclamations, greetings and thanks, appeals, asides, and the source's words
    about itself ("Open Sky Analytics is an independent research group") are no statements."""
    sentence = text[start:end]
    a, b = _trim(sentence, 0, len(sentence))
    tail = sentence[a:b].rstrip(CLOSING[4:])
    if not tail or tail[-1] in "?!":
        return True
    if _search(lang, "skip", sentence):
        return True
    if not _closed(sentence) and _words(sentence) <= 4:
        return True  # a caption or a tag line ("Відео влучань — нижче 👇")
    if _headline(sentence):
        return True
    if _imperative(text, lang, start, end, tokens):
        return True
    return _opens_with_source(sentence, lang, source, describing=True)


def _own(text: str, lang: str, where: tuple[int, int], voice: Voice, direct: bool) -> Statement:
    act = "deny" if dismisses(text[where[0] : where[1]], lang) else "assert"
    st = draft(text, None, None, act, where, direct, 0.6)
    st.own_voice = True
    st.speaker_antecedent = voice.speaker
    st.speaker_entity = voice.entity
    return st


def _same_paragraph(text: str, a: int, b: int) -> bool:
    return "\n\n" not in text[a:b] and not text[a:b].strip(' \t\n.,;:!?…»"”’)—–-')


def own_voice(
    text: str,
    lang: str,
    mentions: Sequence[Mention],
    drafts: list[Statement],
    quotes: Sequence[Quote],
    source: str | None = None,
    doc: Any | None = None,
) -> list[Statement]:
    """``drafts`` (the reported speech found so far) with the document's own voice added:
    drafts in a question's turn gone, those of the voice's unnamed or first-person speakers
    adopted by it, and a statement for each sentence the voice says that no draft covers."""
    from overheard.text.sentences import split

    sentences = [(s.start, s.end) for s in split(text, lang)]
    voices, silent = _transcript(text, lang, mentions, source)
    if not voices and not silent:
        published = _published(text, lang, source, mentions, quotes, sentences, drafts)
        voices = [published] if published else []
    # A transcript's header ("Remarks by X and questions from reporters") says nothing itself.
    header = min((r[0] for r in [*((v.start, v.end) for v in voices), *silent]), default=0)
    kept = []
    for d in drafts:
        at = d.cue.start if d.cue else d.content.start
        if any(a <= at < b for a, b in silent) or (at < header and d.speaker is None):
            continue  # a question is no statement, nor what the parser made of its words
        voice = next((v for v in voices if v.start <= at < v.end), None)
        if voice is not None and _unnamed(text, lang, d, mentions):
            d.own_voice = True
            d.speaker_antecedent = voice.speaker
            d.speaker_entity = voice.entity
            d.direct = d.direct or d.speaker is None or _first_person(lang, d.speaker.text)
        kept.append(d)
    tokens = {t.idx: t for t in doc} if doc is not None and lang == "en" else {}
    speech = [(q.start, q.end) for q in quotes if q.is_speech(text)]
    added: list[Statement] = []
    for voice in voices:
        added.extend(_voice_sentences(text, lang, voice, sentences, kept, speech, source, tokens))
    outside = [(v.start, v.end) for v in voices] + list(silent)
    for a, b in sentences:
        if any(overlaps((a, b), r) for r in outside):
            continue
        a, b = _trim(text, a, b)
        if b - a < 2 or _covered(a, b, kept, speech) is not None:
            continue
        sentence = text[a:b]
        relay = _search(lang, "relay", sentence)
        narrator = Voice(a, b, None, None)
        if relay is not None and relay.start() <= 2 and not sentence.rstrip().endswith("?"):
            added.append(_own(text, lang, _strip_end(text, a, b), narrator, False))
        elif (
            dismisses(sentence, lang, labels_only=True)
            and _words(sentence) >= 5
            and "?" not in sentence[-3:]
            and not _quoting(text, a, b, quotes)
        ):
            added.append(_own(text, lang, _strip_end(text, a, b), narrator, True))
    return kept + added


def _covered(
    a: int, b: int, drafts: Sequence[Statement], speech: Sequence[tuple[int, int]]
) -> Statement | bool | None:
    """The draft that already says something in [a, b), True inside a quotation, else None."""
    for d in drafts:
        if overlaps((d.content.start, d.content.end), (a, b)) or (
            d.cue is not None and overlaps((d.cue.start, d.cue.end), (a, b))
        ):
            return d
    if any(q[0] <= a and b <= q[1] + 1 for q in speech):
        return True
    return None


def _strip_end(text: str, a: int, b: int) -> tuple[int, int]:
    while b > a and text[b - 1] in " \t\n.;":
        b -= 1
    return a, b


def _voice_sentences(
    text: str,
    lang: str,
    voice: Voice,
    sentences: Sequence[tuple[int, int]],
    drafts: Sequence[Statement],
    speech: Sequence[tuple[int, int]],
    source: str | None,
    tokens: dict[int, Any],
) -> list[Statement]:
    out: list[Statement] = []
    prev: Statement | None = None  # the statement the sentence before made or continued
    pending: tuple[int, int] | None = None  # a short sentence opening the next statement
    for s_start, s_end in sentences:
        a, b = _trim(text, max(s_start, voice.start), min(s_end, voice.end))
        if b - a < 2:
            continue
        if prev is not None and not _same_paragraph(text, prev.content.end, a):
            prev = None
        if pending is not None and "\n\n" in text[pending[1] : a]:
            pending = None
        covering = _covered(a, b, drafts, speech)
        if covering is not None:
            prev = covering if isinstance(covering, Statement) and covering.own_voice else None
            pending = None
            continue
        if _says_nothing(text, lang, a, b, source, tokens):
            prev, pending = None, None
            continue
        short = _words(text[a:b]) <= SHORT
        if short and prev is not None:
            prev.content = span(text, prev.content.start, _strip_end(text, a, b)[1])
            if dismisses(prev.content.text, lang) and prev.act == "assert":
                prev.act = "deny"
            continue
        if short and pending is None:
            pending = (a, b)
            continue
        where = _strip_end(text, pending[0] if pending else a, b)
        prev, pending = _own(text, lang, where, voice, True), None
        out.append(prev)
    return out


_AUTHOR = re.compile(
    rf"[:\s]*(?P<name>[{_UP}][^\W\d_]*[\w'’-]*(?:[ \t]+[{_UP}][\w'’.-]*){{1,3}})(?=[ \t]*(?:[,\n(|–—-]|$))"
)


def byline_author(text: str, lang: str, mentions: Sequence[Mention]) -> list[Mention]:
    """``mentions`` with a byline's author as a person: "Commentary by Marta Zielińska, senior
    fellow, …", "By Helena Brandt, head of analysis, …", «Автор: Ирина Ковальчук». A
    model trained on running text reads a header line badly ("Marta" and "Zielińska" as two
    places, "Helena Brandt" as an organisation), and the author is the speaker of the whole
    text. Mentions overlapping the name give way to it."""
    for a, b in _heads(text, _paragraphs(text)):
        head = text[a:b]
        cue = _search(lang, "byline", head)
        name = _AUTHOR.match(head, cue.end()) if cue is not None and cue.start() == 0 else None
        if name is not None:
            start, end = a + name.start("name"), a + name.end("name")
            break
    else:
        return list(mentions)
    if any(m.label == "PERSON" and (m.start, m.end) == (start, end) for m in mentions):
        return list(mentions)
    kept = [m for m in mentions if not overlaps((m.start, m.end), (start, end))]
    author = Mention(start, end, text[start:end], "PERSON", text[start:end], "frame", 0.9)
    return sorted([*kept, author], key=lambda m: (m.start, m.end))


def frame_mentions(
    text: str, lang: str, mentions: Sequence[Mention], source: str | None
) -> list[Mention]:
    """Names in a text's frame rather than its sentences, which the NER models (trained on
    running text) miss: the places of a wire dateline ("KYIV/MOSCOW, March 12 (Baltic
    Wire) -"), a transcript's speaker labels ("MELNYK:", «Г. П. Широков:»), and the publishing
    source's own name and handle where the text gives them ("@kursk_ne_spit", «Курск не
    спит»). Each new mention overlaps none of ``mentions``; the source's name and handle
    share one normal form, so they make one entity."""
    taken = [(m.start, m.end) for m in mentions]
    found: list[Mention] = []

    def add(start: int, end: int, label: str, normal: str, confidence: float) -> None:
        if start >= end or any(overlaps((start, end), t) for t in taken):
            return
        taken.append((start, end))
        found.append(Mention(start, end, text[start:end], label, normal, "frame", confidence))

    dateline = _DATELINE.match(text, opening(text))
    if dateline is not None:
        from overheard.text.places import gazetteer

        head = text[dateline.start() : text.index(",", dateline.start())]
        for part in re.finditer(rf"[{_UP}][{_UP}'’. -]*[{_UP}]", head):
            name = " ".join(w.capitalize() for w in part.group().split())
            if gazetteer().lookup(name):
                at = dateline.start() + part.start()
                add(at, at + len(part.group()), "GPE", name, 0.9)
    for m, role in _labels(text, lang):
        label = m.group("label")
        if role is not None or len(label.split()) > 3:
            continue
        normal = " ".join(w.capitalize() for w in label.split()) if label.isupper() else label
        add(m.start("label"), m.end("label"), "PERSON", normal, 0.8)
    names = _source_names(source)
    if names:
        normal = next((n for n in names if not _HANDLE.fullmatch(n)), names[0])
        for name in names:
            pattern = re.compile(rf"(?<![\w@]){re.escape(name)}(?!\w)", re.IGNORECASE)
            for hit in pattern.finditer(text):
                add(hit.start(), hit.end(), "ORG", normal, 0.9)
    return found
