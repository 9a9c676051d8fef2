"""Who said what, in every language: the entry point, speaker resolution and hedges.

The language's cue finder (:mod:`.english` or :mod:`.russian`) drafts the statements,
:mod:`.quotes` attaches the quotations, :mod:`.voice` adds what the document says in its own
voice, and this module resolves each speaker to a mention
(pronouns to the nearest earlier speaker or mention that fits; pronouns.*.tsv) and collects
the hedges of the attribution (hedges.*.tsv).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from typing import Any

from overheard.text import lexicon
from overheard.text.records import Mention, Span, Statement
from overheard.text.sentences import title_line
from overheard.text.statements.dismissal import dismisses
from overheard.text.statements.draft import bounds, fold, lexicon_lang, overlaps, span
from overheard.text.statements.quotes import attach_quotes, balance_quotes, find_quotes
from overheard.text.statements.voice import own_voice


@lexicon.cached
def pronouns(lang: str) -> dict[str, str]:
    """Pronoun → kind (PERSON, PLURAL, ORG) for a language."""
    return {row["word"]: row["kind"] for row in lexicon.table(f"pronouns.{lang}")}


@lexicon.cached
def hedges_pattern(lang: str) -> re.Pattern[str]:
    """Match it on ``fold(text)`` (the lexicons write е for ё)."""
    # Longest phrase first, so "may have" is not cut short by a shorter entry it starts with.
    phrases = sorted((fold(p) for p in lexicon.words(f"hedges.{lang}")), key=len, reverse=True)
    words = "|".join(re.escape(p) for p in phrases)
    if lang == "en":
        return re.compile(rf"\b({words})\b", re.IGNORECASE)
    return re.compile(rf"(?<!\w)({words})(?!\w)", re.IGNORECASE)


@lexicon.cached
def content_hedges(lang: str) -> frozenset[str]:
    """Hedges that qualify the reported content («якобы»): not the denial's own."""
    return frozenset(fold(p).casefold() for p in lexicon.words(f"hedges_content.{lang}"))


# A reporter's remark after a dash at the end of reported content («…, погибли трое
# сотрудников — официально это пока никто не подтвердил»): a hedge on the statement, not part
# of what was said (its negation must not turn the statement into a denial).
_REMARK = re.compile(r"\s[—–]\s[^—–]*$")


def _is_pronoun(word: str, lang: str) -> str | None:
    return pronouns(lexicon_lang(lang)).get(word.casefold())


def _mention_at(mentions: list[Mention], where: tuple[int, int]) -> Mention | None:
    inside = [
        m
        for m in mentions
        if m.start >= where[0]
        and m.end <= where[1]
        and m.label in ("PERSON", "ORG", "GROUP", "GPE", "MIL_UNIT", "NORP", "LOC")
    ]
    if not inside:
        inside = [
            m
            for m in mentions
            if overlaps((m.start, m.end), where)
            and m.label in ("PERSON", "ORG", "GROUP", "GPE", "MIL_UNIT")
        ]
    if not inside:
        return None
    order = {"PERSON": 0, "ORG": 1, "MIL_UNIT": 1, "GROUP": 2, "GPE": 3, "NORP": 4, "LOC": 5}
    return sorted(inside, key=lambda m: (order[m.label], -m.end))[0]


_DETERMINERS = frozenset({"the", "a", "an", "one", "another"})
_HEAD_END = frozenset({"of", "in", "at", "for", "from", "on", "with", "to", "who", "said"})
_ROLE_WORD = re.compile(r"[a-z][a-z-]{2,}")


def _described(speaker: str, lang: str) -> str | None:
    """The head noun of a speaker described rather than named, in English: "The governor of
    Russia's Kursk region" → governor, "A senior Russian diplomat" → diplomat, "The ship's
    Piraeus-based operator" → operator; None for a name ("Governor Viktor Lagutin")."""
    if lang != "en":
        return None
    words = re.findall(r"[\w'’-]+", speaker)
    if len(words) < 2 or words[0].casefold() not in _DETERMINERS:
        return None
    head = None
    for word in words[1:]:
        if word.casefold() in _HEAD_END:
            break
        head = word
    if head is None or not _ROLE_WORD.fullmatch(head):
        return None  # a capitalised head is a name ("the Kremlin", "the Stryboh unit" ends in unit)
    return head


def _named_with_role(
    text: str, mentions: list[Mention], role: str, where: tuple[int, int]
) -> Mention | None:
    """The nearest person, body or unit the text names with ``role`` next to it: in a title
    before the name ("Governor Viktor Lagutin", "The unit, known as Stryboh") or in an
    apposition after it ("Viktor Lagutin, the governor")."""
    stem = role.casefold()[:5]

    def holds(words: str) -> bool:
        return any(w.casefold().startswith(stem) for w in re.findall(r"[\w-]+", words))

    found = []
    for m in mentions:
        if m.label not in ("PERSON", "ORG", "MIL_UNIT") or overlaps((m.start, m.end), where):
            continue
        before = re.split(r"[.;:!?\n]", text[max(0, m.start - 60) : m.start])[-1]
        after = re.split(r"[.;:!?\n]", text[m.end : m.end + 60])[0]
        if holds(" ".join(before.split()[-4:])) or (
            after.startswith(",") and holds(" ".join(after.split()[:6]))
        ):
            found.append((min(abs(m.start - where[1]), abs(where[0] - m.end)), m))
    return min(found, key=lambda f: f[0])[1] if found else None


def _resolve(
    text: str, lang: str, draft: Statement, earlier: list[Statement], mentions: list[Mention]
) -> tuple[int | None, Span | None]:
    """(entity index, antecedent span) for a speaker, following pronouns back."""
    if draft.speaker is None:
        return None, None
    words = draft.speaker.text.split()
    kind = _is_pronoun(words[0], lang) if len(words) == 1 else None
    if kind is None:
        m = _mention_at(mentions, bounds(draft.speaker))
        role = _described(draft.speaker.text, lang)
        if role is not None and (m is None or m.label not in ("PERSON", "ORG", "MIL_UNIT")):
            # "The governor of Russia's Kursk region", "A Ukrainian drone unit": the one the
            # document names with that role ("Governor Viktor Lagutin", "The unit, known as
            # Stryboh"), never the country inside the description.
            named = _named_with_role(text, mentions, role, bounds(draft.speaker))
            if named is not None:
                return named.entity, Span(named.start, named.end, named.text)
            return None, None
        return (m.entity if m else None), None
    wanted = {
        "PERSON": ("PERSON",),
        "PLURAL": ("GROUP", "ORG", "GPE", "PERSON"),
        "ORG": ("ORG", "GPE", "GROUP", "MIL_UNIT"),
    }[kind]
    # The nearest earlier speaker that is not itself a pronoun: news text hands "he" to the
    # last person quoted, named ("Zelensky") or described ("Another [soldier]").
    for st in reversed(earlier):
        if st.speaker is None or st.speaker.start >= draft.speaker.start:
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
        if m.end <= draft.speaker.start and m.label in wanted:
            return m.entity, Span(m.start, m.end, m.text)
    return None, None


@lexicon.cached
def _not_speakers() -> frozenset[str]:
    return frozenset(fold(row["word"]).lower() for row in lexicon.table("not_speakers"))


def extract_statements(
    text: str,
    lang: str,
    mentions: list[Mention],
    doc: Any | None = None,
    source: str | None = None,
) -> list[Statement]:
    """Statements in text order; ``doc`` is the English spaCy Doc when ``lang`` is English;
    ``source`` is who published the text (an outlet, a body, a channel), the speaker of what
    it says in its own voice (:mod:`.voice`)."""
    quotes = find_quotes(text)
    if lang in ("ru", "uk"):
        from overheard.text.statements.russian import drafts_ru

        drafts = attach_quotes(text, drafts_ru(text), quotes)
    else:
        from overheard.text.statements.english import drafts_en, quote_verb

        if doc is None:
            from overheard.text.entities import parse_en

            doc = parse_en(text)
        drafts = attach_quotes(text, drafts_en(text, doc), quotes, partial(quote_verb, text, doc))
    # One clause split in two around a quotation ("said “…” and …") meets itself again.
    seen: set[tuple[Any, ...]] = set()
    unique = []
    for d in drafts:
        key = (d.speaker and bounds(d.speaker), d.cue and bounds(d.cue), bounds(d.content))
        if key not in seen:
            seen.add(key)
            unique.append(d)
    drafts = own_voice(text, lang, mentions, unique, quotes, source, doc)
    if lang in ("ru", "uk"):
        from overheard.text.statements.russian import split_figures

        drafts = [
            replace(d, content=span(text, *part))
            for d in drafts
            for part in split_figures(text, d.content.start, d.content.end)
        ]
    hedges_re = hedges_pattern(lexicon_lang(lang))
    qualifiers = content_hedges(lexicon_lang(lang))
    folded = fold(text)
    for d in drafts:
        d.content = span(text, *balance_quotes(text, d.content.start, d.content.end))
    drafts.sort(key=lambda d: (d.content.start, d.cue.start if d.cue else -1))
    out: list[Statement] = []
    title = title_line(text)
    for d in drafts:
        if d.speaker is not None and fold(d.speaker.text).lower().strip(" ,.") in _not_speakers():
            continue  # "Nobody denied…", «никто не подтвердил»: no one spoke
        if title is not None and d.content.start < title[1]:
            continue  # the headline is the outlet's, not a statement
        if not d.own_voice:
            d.speaker_entity, d.speaker_antecedent = _resolve(text, lang, d, out, mentions)
        # "That figure is invented", «расцениваем как вброс»: said as a dismissal, a denial.
        if d.act == "assert" and dismisses(d.content.text, lang):
            d.act = "deny"
        region_start = min(
            d.content.start,
            d.cue.start if d.cue else d.content.start,
            d.speaker.start if d.speaker else d.content.start,
        )
        region_end = max(d.content.end, d.cue.end if d.cue else 0)
        # Hedges in the attribution and its content ("allegedly", «якобы»), not in a quote:
        # a quotation's own words are not the reporter's hedge. A document's own voice hedges
        # in its own words.
        quoted = d.direct and not d.own_voice
        scope = [(region_start, region_end)]
        if quoted:
            scope = [(region_start, d.content.start), (d.content.end, region_end)]
        hedges = set()
        for a, b in scope:
            for h in hedges_re.finditer(folded, a, b):
                inside = d.content.start <= h.start() < d.content.end
                # «фейк о якобы уничтоженной нефтебазе»: the «якобы» is the denied claim's.
                if d.act == "deny" and inside and h.group(0).casefold() in qualifiers:
                    continue
                hedges.add(text[h.start() : h.end()].lower())
        if d.act == "allege" and d.cue:
            hedges.add(d.cue.text.lower())
        remark = _REMARK.search(d.content.text) if not quoted else None
        if remark is not None and hedges_re.search(fold(remark.group())):
            cut = d.content.start + remark.start()
            if len(text[d.content.start : cut].split()) >= 3:
                d.content = span(text, d.content.start, cut)
        d.hedges = sorted(hedges)
        d.hedged = bool(hedges)
        out.append(d)
    return out
