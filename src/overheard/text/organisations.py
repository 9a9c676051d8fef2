"""Institutions named by the heads in ``lexicons/organisations.tsv`` (Russian and Ukrainian):
«Міноборони Росії», «Генштаб ЗСУ», «ВМС ЗСУ», «МИД России», «Верховної Ради».

natasha's Russian model reads some of these as people in Ukrainian («Міноборони Росії») and
misses bare abbreviations. A name of the list matches by dictionary forms (pymorphy3 ru and uk),
so every case form counts; it must start with a capital letter; a country or another listed
name right after it joins the span.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from overheard.text import lexicon, morph

_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*")


@lru_cache(maxsize=65536)
def _keys(word: str) -> frozenset[str]:
    """Every form a word of the text may match a listed word by."""
    lower = word.lower().replace("ё", "е")
    if not morph.is_cyrillic(word) or (word.isupper() and len(word) > 1):
        return frozenset({lower})
    return frozenset({lower, morph.lemma(word, "uk"), morph.lemma(word, "ru")}) - {""}


@lexicon.cached
def _names() -> dict[str, list[tuple[str, ...]]]:
    """Listed names as tuples of word keys, by their first word's surface prefix, longest
    first."""
    by_prefix: dict[str, list[tuple[str, ...]]] = {}
    for row in lexicon.table("organisations"):
        words = _WORD.findall(row["name"])
        if not words:
            continue
        key = tuple(
            w.lower()
            if w.isupper() and len(w) > 1
            else morph.lemma(w, row["lang"]).replace("ё", "е")
            for w in words
        )
        bucket = by_prefix.setdefault(words[0][:3].lower().replace("ё", "е"), [])
        if key not in bucket:
            bucket.append(key)
    for bucket in by_prefix.values():
        bucket.sort(key=len, reverse=True)
    return by_prefix


def _is_country(word: str) -> bool:
    from overheard.text.places import gazetteer

    gaz = gazetteer()
    for name in dict.fromkeys(
        (word, morph.lemma(word, "uk").capitalize(), morph.lemma(word, "ru").capitalize())
    ):
        if any(e.feature == "country" for e in gaz.lookup(name)):
            return True
    return False


def find_organisations(text: str) -> list[tuple[int, int]]:
    """(start, end) of each listed institution in ``text``, with its country or listed
    complement attached, in text order, non-overlapping."""
    names = _names()
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]

    def match_at(i: int) -> int:
        """How many words a listed name starting at word i covers (0: none)."""
        word = words[i][2]
        candidates = names.get(word[:3].lower().replace("ё", "е"))
        if not candidates:
            return 0
        for key in candidates:
            if i + len(key) > len(words):
                continue
            if all(
                key[k] in _keys(words[i + k][2])
                and (k == 0 or text[words[i + k - 1][1] : words[i + k][0]].strip() == "")
                for k in range(len(key))
            ):
                return len(key)
        return 0

    out: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        n = match_at(i) if words[i][2][0].isupper() else 0
        if not n:
            i += 1
            continue
        start, j = words[i][0], i + n
        while j < len(words) and text[words[j - 1][1] : words[j][0]].strip() == "":
            more = match_at(j) if words[j][2][0].isupper() else 0
            if more:
                j += more
            elif words[j][2][0].isupper() and _is_country(words[j][2]):
                j += 1
            else:
                break
        out.append((start, words[j - 1][1]))
        i = j
    return out


# --- Ukrainian organisation names by their shape -----------------------------------------------

_ROLES = frozenset({"head", "kind", "legal", "ending", "prefix", "not_prefix", "not_org"})


@lexicon.cached
def _uk_words() -> dict[str, frozenset[str]]:
    """``organisation_words.uk`` by role; abbreviations (legal, not_org) as written, the rest
    lower case."""
    by_role: dict[str, set[str]] = {role: set() for role in _ROLES}
    for row in lexicon.table("organisation_words.uk"):
        role = row["part"]
        if role not in _ROLES:
            raise lexicon.LexiconError(f"organisation_words.uk: unknown part {role!r}")
        by_role[role].add(row["word"] if role in ("legal", "not_org") else row["word"].lower())
    return {role: frozenset(words) for role, words in by_role.items()}


def is_common_abbreviation(word: str) -> bool:
    """«ЗМІ», «ПДВ», «ФОПів»: an abbreviation of a common noun (with a case ending), never an
    organisation."""
    stem = re.sub("[а-яіїєґ]+$", "", word)
    return stem in _uk_words()["not_org"]


@lru_cache(maxsize=65536)
def _uk_readings(word: str) -> tuple[Any, ...]:
    return tuple(morph.parses(word, "uk"))


@lru_cache(maxsize=65536)
def _uk_lemmas(word: str) -> frozenset[str]:
    lower = word.lower()
    return frozenset({lower, *(p.normal_form for p in _uk_readings(word))})


def _is_head(word: str) -> bool:
    """A head of the list, or a compound ending in one («міськради», «райсуду»,
    «райдержадміністрації»)."""
    heads = _uk_words()["head"]
    return any(
        lemma in heads
        or any(lemma.endswith(h) and len(lemma) >= len(h) + 3 for h in _COMPOUND_HEADS)
        for lemma in _uk_lemmas(word)
    )


_COMPOUND_HEADS = ("рада", "суд", "адміністрація", "інспекція", "прокуратура", "партія")


def _introduces_name(word: str) -> bool:
    words = _uk_words()
    return bool(_uk_lemmas(word) & (words["head"] | words["kind"]))


def _has(word: str, *tags: str) -> bool:
    return any(all(t in p.tag for t in tags) for p in _uk_readings(word))


def _best_is(word: str, pos: frozenset[str]) -> bool:
    found = _uk_readings(word)
    return bool(found) and found[0].tag.POS in pos


_NOT_NAME_POS = frozenset(
    {"NPRO", "CONJ", "PREP", "PRCL", "INTJ", "ADVB", "PRED", "VERB", "INFN", "GRND"}
)
_ADJECTIVE = frozenset({"ADJF", "PRTF"})


def _is_adjective(word: str) -> bool:
    return not _best_is(word, _NOT_NAME_POS) and any(
        p.tag.POS in _ADJECTIVE for p in _uk_readings(word)
    )


def _is_genitive(word: str) -> bool:
    return any(
        p.tag.POS in ("NOUN", "ADJF", "PRTF") and "gent" in p.tag for p in _uk_readings(word)
    )


def _person_word(word: str) -> bool:
    return any(morph.PERSON_TAGS & set(p.tag.grammemes) for p in _uk_readings(word))


def _place(word: str) -> bool:
    from overheard.text.ukrainian import place_of

    return place_of(word) is not None


def _compound(word: str) -> bool:
    """«Київради», «райсуду», «Мінприроди», «Держгеокадастру», «Укравтодору»,
    «Харківобленерго»: one capitalised word built on an institution's part."""
    if not word[0].isupper() or word.isupper() or _person_word(word) or _place(word):
        return False
    words = _uk_words()
    for lemma in _uk_lemmas(word):
        if any(lemma.endswith(e) and len(lemma) >= len(e) + 3 for e in words["ending"]):
            return True
        if any(
            lemma.startswith(p) and len(lemma) >= len(p) + 3 for p in words["prefix"]
        ) and not any(lemma.startswith(n) for n in words["not_prefix"] if len(n) > 3):
            return True
    return False


_LATIN = re.compile(r"[A-Za-z]")


def _looks_like_company(name: str) -> bool:
    """A quoted name with no word before it that says what it names is a company's when a word
    of it is not in the dictionary («Ілатанмед»), is Latin («SMIDA»), a compound
    («Барлінек-Інвест», «Укрінстрах») or an abbreviation («УПС»)."""
    for word in _WORD.findall(name):
        if _LATIN.search(word) or "-" in word or (word.isupper() and len(word) > 1):
            return True
        if _compound(word):
            return True
        if morph.is_cyrillic(word) and not morph.analyzer("uk").word_is_known(word.lower()):
            if not _person_word(word) and not _place(word):
                return True
    return False


_QUOTED = re.compile(r"«([^«»\n]{1,80})»")
_PREVIOUS_WORD = re.compile(r"([\w'’]+(?:-[\w'’]+)*)\s*«?\s*$")


def _quoted_key(name: str) -> tuple[str, ...]:
    return tuple(morph.lemma(w, "uk") for w in _WORD.findall(name))


def _quoted_names(text: str) -> list[tuple[int, int]]:
    """Names in «…» that a legal form («ТОВ «Кузь»»), an organisation word («фірми
    «Профіт»») or their own shape mark as a company; and every other «…» of the same name in
    the text (one name, one sense within a text)."""
    words = _uk_words()
    found: list[tuple[int, int, tuple[str, ...] | None]] = []
    named: set[tuple[str, ...]] = set()
    for m in _QUOTED.finditer(text):
        name = m.group(1).strip()
        tokens = _WORD.findall(name)
        if not tokens or not tokens[0][0].isupper() or len(tokens) > 7:
            continue
        if re.search(r"[.!?:;]$", name) or _best_is(tokens[0], _NOT_NAME_POS):
            continue
        if any(_best_is(w, frozenset({"VERB"})) for w in tokens):
            continue
        key = _quoted_key(name)
        window = max(0, m.start() - 60)
        previous = _PREVIOUS_WORD.search(text[window : m.start()])
        before = previous.group(1) if previous else ""
        if previous and before in words["legal"]:
            found.append((window + previous.start(1), m.end(), None))
            named.add(key)
        elif before and _introduces_name(before):
            found.append((m.start(1), m.end(1), None))
            named.add(key)
        elif _looks_like_company(name):
            found.append((m.start(1), m.end(1), None))
            named.add(key)
        else:
            found.append((m.start(1), m.end(1), key))
    return [(a, b) for a, b, key in found if key is None or key in named]


_COMPLEMENT_PREPOSITIONS = frozenset({"у", "в", "при", "з"})
_PLACE_NOUNS = frozenset({"область", "район", "місто", "округ"})


def _institutions(text: str) -> list[tuple[int, int]]:
    """«Рівненська обласна рада», «Вищий господарський суд України», «Партії регіонів»,
    «Державної фінансової інспекції в Луганській області»: a head of the list after its
    adjectives, the first word capitalised, with the genitive complement that follows it."""
    from overheard.text.ukrainian import sentence_initial

    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]

    def joined(i: int) -> bool:
        """Word i follows word i-1 with nothing but a space between."""
        return i > 0 and text[tokens[i - 1][1] : tokens[i][0]] == " "

    out: list[tuple[int, int]] = []
    for i, (_, _, word) in enumerate(tokens):
        if _unknown_abbreviation(word):
            # «ДПІ Деснянського району Києва»: an abbreviation with its complement
            end = _complement(text, tokens, i, joined)
            if end > i:
                out.append((tokens[i][0], tokens[end][1]))
            continue
        if not _is_head(word) or _best_is(word, _NOT_NAME_POS):
            continue
        j = i
        while j > 0 and joined(j) and i - j < 4 and _is_adjective(tokens[j - 1][2]):
            j -= 1
        first = next((k for k in range(j, i + 1) if tokens[k][2][0].isupper()), None)
        if first is None:
            continue
        end = _complement(text, tokens, i, joined)
        if first == i and end == i and sentence_initial(text, tokens[i][0]):
            continue  # «Управління» opening a sentence, with nothing after it
        if first == i and end == i and word.isupper():
            continue  # a bare abbreviation is the abbreviation rule's
        out.append((tokens[first][0], tokens[end][1]))
    return out


_NAMED_AFTER = re.compile(r"\.?\s(?:[А-ЯІЇЄҐ]\.\s?){0,2}[А-ЯІЇЄҐ][\w'’-]+(?:\s[А-ЯІЇЄҐ][\w'’-]+)?")


def _name_follows(text: str, tokens: list[tuple[int, int, str]], k: int) -> bool:
    if k + 1 >= len(tokens) or text[tokens[k][1] : tokens[k + 1][0]] != " ":
        return False
    after = tokens[k + 1][2]
    if not after[0].isupper() or after.isupper() or _place(after):
        return False
    return _person_word(after) or not morph.analyzer("uk").word_is_known(after.lower())


def _unknown_abbreviation(word: str) -> bool:
    """An abbreviation in capitals that is neither a common noun's («ПДВ») nor a place's
    («США»), nor a word of the dictionary set in capitals."""
    if not (2 <= len(word) <= 7 and word.isupper() and morph.is_cyrillic(word)):
        return False
    if is_common_abbreviation(word) or _place(word):
        return False
    found = _uk_readings(word)
    return (
        not found
        or any("Abbr" in p.tag for p in found)
        or not morph.analyzer("uk").word_is_known(word.lower())
    )


def _complement(
    text: str, tokens: list[tuple[int, int, str]], i: int, joined: Callable[[int], bool]
) -> int:
    """The last word of a head's genitive complement («доходів і зборів України», «м. Києва»,
    «в Луганській області»), or ``i`` if it has none."""
    end = i
    k = i + 1
    while k < len(tokens) and k - i <= 8:
        word = tokens[k][2]
        gap = text[tokens[k - 1][1] : tokens[k][0]]
        if gap == ". " and tokens[k - 1][2] == "м" and word[0].isupper():
            end = k  # «суд м. Києва»
            k += 1
            continue
        if word in ("ім", "імені") and gap == " ":
            # «Інституту психології ім. С. Костюка», «університету імені Тараса Шевченка»
            names = _NAMED_AFTER.match(text, tokens[k][1])
            if names is None:
                break
            while k + 1 < len(tokens) and tokens[k + 1][1] <= names.end():
                k += 1
            end = k
            k += 1
            continue
        if gap != " ":
            break
        if word in ("і", "та") and end == k - 1 and end > i:
            # «доходів і зборів»: only a lower-case word joins (not «Генштаб ЗСУ та ВМС»)
            if k + 1 < len(tokens) and tokens[k + 1][2][0].islower():
                k += 1
                continue
            break
        if word.lower() in _COMPLEMENT_PREPOSITIONS and k + 1 < len(tokens):
            # «в Луганській області», «з питань кіно», «в місті Києві»: taken only with what
            # follows.
            nxt = tokens[k + 1][2]
            if word.lower() == "з" and nxt == "питань":
                k += 2
                end = k - 1
                continue
            if (
                nxt in ("місті", "м")
                and k + 2 < len(tokens)
                and tokens[k + 2][2][0].isupper()
                and _place(tokens[k + 2][2])
            ):
                end = k + 2
                k += 3
                continue
            if (
                nxt[0].isupper()
                and k + 2 < len(tokens)
                and _uk_lemmas(tokens[k + 2][2]) & _PLACE_NOUNS
            ):
                end = k + 2
                k += 3
                continue
            break
        if word[0].isupper():
            if _name_follows(text, tokens, k):
                break  # «КМДА Володимир Бондаренко»: the town's name is a first name
            if _place(word) or (
                not _person_word(word) and _is_genitive(word) and not _is_head(word)
            ):
                end = k
                k += 1
                continue
            if word.isupper() and not is_common_abbreviation(word):
                end = k  # «Генштаб ЗСУ»
                k += 1
                continue
            break
        if _best_is(word, _NOT_NAME_POS) or not _is_genitive(word):
            break
        end = k
        k += 1
    return end


def ukrainian_organisations(text: str) -> list[tuple[int, int]]:
    """(start, end) of the organisation names in a Ukrainian ``text`` found by their shape:
    quoted company names, institutions by their head noun, one-word institutions; in text
    order, overlapping finds joined."""
    from overheard.text.ukrainian import sentence_initial

    spans = _quoted_names(text) + _institutions(text)
    for m in _WORD.finditer(text):
        if _compound(m.group()) and not (
            sentence_initial(text, m.start()) and not _best_is(m.group(), frozenset({"NOUN"}))
        ):
            spans.append((m.start(), m.end()))
    return joined(spans)


def joined(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in text order, each overlapping run joined into one."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out
