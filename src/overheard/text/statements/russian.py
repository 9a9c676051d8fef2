"""Russian and Ukrainian attribution from the shape of reporting sentences.

There is no parser in the budget (natasha's syntax model costs as much as its NER), so the
rules read «X заявил, что …», «по словам X, …», «…», — сказал X» and «X: «…»» off the text:
a cue verb (speech_cues.ru.tsv) or an attributing phrase (speech_according.ru.tsv) per
sentence, the words before it (or after it, behind a dash) the speaker, the clause after
«что»/«:» or the rest of the sentence the content. A labelling verb (speech_labels.ru.tsv)
with a dismissal word after it («назвал «выдумкой» сообщения») is a denial.
"""

from __future__ import annotations

import re

from overheard.text import lexicon
from overheard.text.records import Statement
from overheard.text.statements.dismissal import dismissal_pattern, label_pattern_ru
from overheard.text.statements.draft import anaphors, draft, fold


@lexicon.cached
def _cue_pattern() -> re.Pattern[str]:
    """One group per act, named act + index; the act listed first in the file wins a tie."""
    return re.compile(
        "|".join(
            f"(?P<{act}{i}>(?<![\\w-])(?:{'|'.join(stems)})(?!\\w))"
            for i, (act, stems) in enumerate(lexicon.grouped("speech_cues.ru", "act"))
        ),
        re.IGNORECASE,
    )


@lexicon.cached
def _according_pattern() -> re.Pattern[str]:
    # Longest phrase first, so a longer phrase wins over one it starts with.
    phrases = sorted(lexicon.words("speech_according.ru"), key=len, reverse=True)
    return re.compile(
        r"(?<!\w)(по (?P<pron>его|её|ее|их) словам|за (?P<pron_uk>його|її|їхніми) словами|"
        + "|".join(re.escape(p) for p in phrases)
        + r")(?!\w)",
        re.IGNORECASE,
    )


def _sentences(text: str) -> list[tuple[int, int]]:
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


_FUNCTION_TAGS = frozenset({"PRCL", "ADVB", "CONJ", "INFN"})


def _first_person_verb(words: str) -> bool:
    """«Хочу», «Хотел бы ещё раз», «Можу»: the words before a cue are the speaker's own
    verb in the first person (the speaker is whoever writes), not a name."""
    from overheard.text import morph

    tokens = re.findall(r"[^\W\d_]+", words)
    if not tokens or len(tokens) > 4:
        return False
    conditional = any(t.casefold() in ("бы", "б") for t in tokens)  # «Хотел бы …»
    first = False
    for token in tokens:
        readings = morph.parses(token)[:3]
        if not readings:
            return False
        if any(
            p.tag.POS == "VERB" and ("1per" in p.tag or (conditional and "past" in p.tag))
            for p in readings
        ):
            first = True
        elif not any(p.tag.POS in _FUNCTION_TAGS for p in readings):
            return False
    return first


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


def _anaphoric_object(
    text: str, s_start: int, before: tuple[int, int] | None
) -> tuple[tuple[int, int] | None, tuple[int, int]] | None:
    """(speaker, content) where the words right before a cue are its object pointing back
    («это», «эту информацию», «ці звинувачення»: ``claim_anaphors``) and a subject stands
    before them; None otherwise."""
    if before is None:
        return None
    words = fold(text[before[0] : before[1]]).lower().split()
    pronouns, determiners = anaphors("ru")
    if not (
        (len(words) == 1 and words[0] in pronouns) or (len(words) == 2 and words[0] in determiners)
    ):
        return None
    speaker = _strip(text, s_start, before[0])
    if speaker[1] <= speaker[0] or len(text[speaker[0] : speaker[1]].split()) > 12:
        return None
    return speaker, before


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n,—–-:":
        start += 1
    while end > start and text[end - 1] in " \t\n,.;—–-:":
        end -= 1
    return start, end


def drafts_ru(text: str) -> list[Statement]:
    """Statements (speaker, cue, act, content) per sentence, before quotations and pronouns."""
    drafts: list[Statement] = []
    according_re, cue_re = _according_pattern(), _cue_pattern()
    for s_start, s_end in _sentences(text):
        sentence = text[s_start:s_end]
        for m in according_re.finditer(sentence):
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
            if according_speaker[1] <= according_speaker[0]:
                continue  # «по словам» with no source after it attributes nothing
            drafts.append(
                draft(
                    text,
                    according_speaker,
                    (a, b),
                    "assert",
                    _strip(text, *content),
                    False,
                    0.7,
                )
            )
        for m in cue_re.finditer(sentence):
            act = re.sub(r"\d+$", "", m.lastgroup or "assert")
            a, b = s_start + m.start(), s_start + m.end()
            if any(d.cue and d.cue.start <= a < d.cue.end for d in drafts):
                continue
            speaker: tuple[int, int] | None = _clause_before(text, s_start, a)
            if speaker is not None and _first_person_verb(text[speaker[0] : speaker[1]]):
                speaker = None  # «Хочу подчеркнуть: …»: the writer speaks; no name here
            anaphor = _anaphoric_object(text, s_start, speaker)
            if anaphor is not None:
                # «Владелец судна, греческая компания …, эту информацию отрицает»: what stands
                # before the verb is its object, pointing back; the speaker comes before it.
                speaker, content = anaphor
                drafts.append(draft(text, speaker, (a, b), act, content, False, 0.7))
                continue
            after = text[b:s_end]
            if speaker is None or text[a - 2 : a].strip() in ("—", "–"):
                speaker = _phrase_after(text, b, s_end)
            cm = re.match(r"\s*,?\s*(?:что|чтобы|що|щоб)\s+", after)
            if text[s_start:a].rstrip().endswith(("—", "–")) and re.search(
                r"[»“\"],?\s*[—–]$", text[s_start:a].rstrip()
            ):
                # «…», — заявил Мельник «Новинам»: the quotation before the dash is what he said.
                content = (s_start, a)
            elif cm:
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
            drafts.append(
                draft(text, speaker, (a, b), act, content, False, 0.7 if speaker else 0.45)
            )
        drafts.extend(_labels(text, s_start, s_end, drafts))
    return drafts


def _labels(text: str, s_start: int, s_end: int, drafts: list[Statement]) -> list[Statement]:
    """«X назвал «выдумкой» сообщения о …»: a labelling verb with a dismissal word after it in
    its sentence is a denial of what it labels; without one it is no statement."""
    out = []
    folded = fold(text[s_start:s_end])
    for m in label_pattern_ru().finditer(folded):
        a, b = s_start + m.start(), s_start + m.end()
        if any(d.cue and d.cue.start <= a < d.cue.end for d in drafts):
            continue
        if not dismissal_pattern("ru").search(folded, m.end()):
            continue
        content = _strip(text, b, s_end)
        if content[1] - content[0] < 3:
            continue
        speaker = _clause_before(text, s_start, a)
        out.append(draft(text, speaker, (a, b), "deny", content, False, 0.7 if speaker else 0.45))
    return out


# «погиб один член экипажа, ещё четверо получили ранения»: another figure after «ещё»/«ще»
# opens a proposition of its own.
_ANOTHER = re.compile(r",\s+(?:а\s+|и\s+|і\s+|й\s+)?(?:ещё|еще|ще)\s+", re.IGNORECASE)


@lexicon.cached
def _number_word() -> re.Pattern[str]:
    words = [row["pattern"] for row in lexicon.table("number_words") if row["use"] == "number"]
    return re.compile(rf"(?:\d|(?<!\w)(?:{'|'.join(words)})(?!\w))", re.IGNORECASE)


def split_figures(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of a content span that each give a figure of their own: «загинув один член
    екіпажу» | «ще четверо моряків дістали поранення»."""
    parts, pos = [], start
    for m in _ANOTHER.finditer(text, start, end):
        if _number_word().match(fold(text[m.end() : end]).lower()) and pos < m.start():
            parts.append((pos, m.start()))
            pos = m.end()
    parts.append((pos, end))
    return parts
