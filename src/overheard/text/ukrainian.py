"""Ukrainian names on top of natasha's Russian NER, read with pymorphy3's uk dictionary.

There is no Ukrainian NER model in any registry, so Ukrainian text goes through natasha's
Russian tagger, which knows neither Ukrainian inflection nor its function words: it reads
capitalised pronouns and adverbs at a sentence start as people («Тим часом», «Він»), runs a
country in an oblique case into the name beside it («Великобританії Терези Мей»,
«Німеччини та Португалії»), calls towns people («Львові», «Андалусія») and misses Ukrainian
first names («Андрій», «Ілія»). Each repair here is a class, decided by the word's dictionary
readings (part of speech; Name/Surn/Patr for people; animacy) and the gazetteer:

* a word whose best reading is a function word or a verb is never a name, and a name span
  is split at one («Німеччини та Португалії» → two places);
* a word of a person span whose non-person reading the gazetteer knows as a country, region or
  city (with no reading as a name, or as a big place) is a place of its own;
* what is left of a person span holds a name word (a Name/Surn/Patr reading, or a word the
  dictionary does not know: most foreign surnames), else it is not a person: an inanimate noun
  inside a sentence is a place («Руїни Акрополя»), at a sentence start nothing («Теорія»);
* a "place" whose best reading is a first name the gazetteer does not know is a person;
* a capitalised word outside every mention whose best reading is a first name is a person,
  with the capitalised name words right after it («Андрій Шевчук»); inside a sentence, where
  a capital is evidence of a name, any reading as a first name, patronymic or (no adjective)
  surname will do, and at a sentence start a first name in the nominative whose verb
  agrees with it («Марина купила»);
* a name word of a person the text names is that person wherever it stands.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from overheard.text import lexicon, morph
from overheard.text.records import Mention

_FUNCTION_POS = frozenset(
    {"NPRO", "CONJ", "PREP", "PRCL", "INTJ", "ADVB", "PRED", "NUMR", "COMP", "VERB", "INFN", "GRND"}
)
_CLOSED_POS = frozenset({"NPRO", "CONJ", "PREP", "PRCL", "INTJ", "PRED"})
_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*")
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;\"«»„“”()\[\]—–-]|\n)\s*$")
_BIG_PLACE = 100_000


@lru_cache(maxsize=65536)
def _readings(word: str) -> tuple[Any, ...]:
    return tuple(morph.parses(word, "uk"))


def is_function_word(word: str) -> bool:
    """Pronouns, conjunctions, prepositions, particles (any reading: the dictionary lists
    «Вона» as a surname's case form too), adverbs and verbs (the best reading): never a name."""
    found = _readings(word)
    return bool(found) and (
        found[0].tag.POS in _FUNCTION_POS or any(p.tag.POS in _CLOSED_POS for p in found)
    )


def has_person_reading(word: str) -> bool:
    return any(morph.PERSON_TAGS & set(p.tag.grammemes) for p in _readings(word))


def _first_is_name(word: str) -> bool:
    found = _readings(word)
    return bool(found) and "Name" in found[0].tag.grammemes


def _reads_as_name(word: str) -> bool:
    """A reading as a first name or patronymic, or as a surname where the word is no
    adjective («Ірина», «Романом», «Даманська»; not «Полтавській», also a surname's form):
    pymorphy3's uk dictionary scores every reading alike, so its first reading is no best."""
    tags = [set(p.tag.grammemes) for p in _readings(word)]
    if any(t & {"Name", "Patr"} for t in tags):
        return True
    return any("Surn" in t for t in tags) and not any("ADJF" in t for t in tags)


@lru_cache(maxsize=65536)
def _known(word: str) -> bool:
    return bool(morph.is_cyrillic(word)) and morph.analyzer("uk").word_is_known(word.lower())


def _name_like(word: str) -> bool:
    return has_person_reading(word) or not _known(word)


def _inanimate_noun(word: str) -> bool:
    found = _readings(word)
    return bool(found) and all(p.tag.POS == "NOUN" and "anim" not in p.tag.grammemes for p in found)


@lru_cache(maxsize=65536)
def place_of(word: str) -> Any | None:
    """The gazetteer entry a word names as a place, by its non-person dictionary forms: a
    country, continent or first-level region always; a city when the word has no reading as a
    name or the city is big («Львові» reads also as the surname Львов)."""
    from overheard.text.places import gazetteer

    gaz = gazetteer()
    person = has_person_reading(word)
    # A dictionary form that is also a first name's («Лариса») is a person's here; one that
    # is only a surname's («Лондоні» reads as the surname Лондон) may still be a big place.
    names = {p.normal_form for p in _readings(word) if "Name" in p.tag.grammemes}
    lemmas = [x for x in morph.place_lemmas(word, "uk") if x not in names]
    for name in dict.fromkeys([word, *lemmas] if not person else lemmas):
        for entry in gaz.lookup(name):
            if entry.feature in ("country", "continent", "admin1"):
                return entry
            if entry.feature == "city" and (not person or entry.population >= _BIG_PLACE):
                return entry
    return None


class _Cover:
    """The characters of ``text`` that mentions cover, asked span by span in constant time
    (a text may run to hundreds of thousands of characters and thousands of mentions)."""

    def __init__(self, text: str, found: list[Mention]) -> None:
        self._mask = bytearray(len(text))
        for f in found:
            self.add(f.start, f.end)

    def add(self, start: int, end: int) -> None:
        self._mask[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self._mask.find(1, start, end) != -1

    def covers(self, start: int, end: int) -> bool:
        return self._mask.find(0, start, end) == -1


def _common_reading(word: str) -> bool:
    """A reading that is not a name's: «Люди», «Влада», «Кучер», «Сонце»."""
    return any(not (morph.PERSON_TAGS & set(p.tag.grammemes)) for p in _readings(word))


@lru_cache(maxsize=4)
def _capitalised_inside(text: str) -> frozenset[str]:
    """The capitalised words that ``text`` writes inside a sentence somewhere: a name there
    is a name at a sentence start too."""
    return frozenset(
        m.group() for m in _CAPITALISED.finditer(text) if not sentence_initial(text, m.start())
    )


def _opening_common_word(text: str, start: int, end: int) -> bool:
    """One word at a sentence start that reads as a common word and is never written with a
    capital inside a sentence of the text: no evidence of a name («Люди, стійте!»,
    «Влада вдалася…», «Загалом»)."""
    words = _words(text, start, end)
    if len(words) != 1 or not sentence_initial(text, start):
        return False
    word = words[0][2]
    if place_of(word) is not None or listed_place(word):
        return False
    return _known(word) and _common_reading(word) and word not in _capitalised_inside(text)


@lru_cache(maxsize=65536)
def listed_place(word: str) -> bool:
    """A place of ``lexicons/place_names.uk`` («Криму», «Донбасі»), or a region named by
    its town with -щина («Курщині», «Львівщині»). The latter had waited for the claim linker
    (B-cubed .689 → .671 on the linker of c35f3c3: the region joined statements of another
    claim); on the linker with document topics it changes no claims figure, and NER-uk test
    (first 300) LOC relaxed goes .837 → .849."""
    lemmas = {p.normal_form for p in _readings(word) if p.tag.POS == "NOUN"} or {word.lower()}
    return bool(lemmas & _listed_places()) or any(_REGION_OF_TOWN.fullmatch(w) for w in lemmas)


# A region named by its town, «Курщина», «Львівщина», «Одещина» (in any case form: the
# dictionary gives the -щина lemma, or knows the word not at all).
_REGION_OF_TOWN = re.compile(r"[а-щьюяєіїґ']{3,}щин[аиіуоюе]?|[а-щьюяєіїґ']{3,}щиною")


@lexicon.cached
def _listed_places() -> frozenset[str]:
    return frozenset(row["name"].lower() for row in lexicon.table("place_names.uk"))


def sentence_initial(text: str, start: int) -> bool:
    return bool(_SENTENCE_START.search(text[max(0, start - 40) : start]))


def _words(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [
        (start + m.start(), start + m.end(), m.group()) for m in _WORD.finditer(text[start:end])
    ]


Normaliser = Callable[[str, str], str]


def _mention(text: str, start: int, end: int, label: str, normal: Normaliser) -> Mention:
    surface = text[start:end]
    return Mention(start, end, surface, label, normal(surface, label), "natasha", 0.7)


def _place(text: str, start: int, end: int, entry: Any) -> Mention:
    label = "GPE" if entry.feature in ("country", "admin1", "city") else "LOC"
    return Mention(start, end, text[start:end], label, entry.name, "gazetteer", 0.7)


def _person_pieces(text: str, m: Mention, normal: Normaliser) -> list[Mention]:
    """A natasha person span cut into what it holds: places, people, nothing."""
    out: list[Mention] = []
    run: list[tuple[int, int, str]] = []

    def close() -> None:
        if not run:
            return
        start, end = run[0][0], run[-1][1]
        if _opening_common_word(text, start, end):
            pass
        elif any(_name_like(w) for _, _, w in run):
            out.append(_mention(text, start, end, "PERSON", normal))
        elif (
            len(run) <= 3
            and all(_inanimate_noun(w) for _, _, w in run)
            and not sentence_initial(text, start)
        ):
            out.append(_mention(text, start, end, "LOC", normal))
        run.clear()

    words = _words(text, m.start, m.end)
    for i, (start, end, word) in enumerate(words):
        if not word[0].isupper() or is_function_word(word):
            close()
            continue
        entry = place_of(word)
        if entry is not None and not (run and has_person_reading(word)):
            if not (entry.feature == "city" and _surname_after(words, i)):
                close()
                out.append(_place(text, start, end, entry))
                continue
        run.append((start, end, word))
    close()
    return out


def _surname_after(words: list[tuple[int, int, str]], i: int) -> bool:
    """«Володимир Бондаренко»: a town's name («Володимир») followed by a name word is a
    first name."""
    if i + 1 >= len(words) or words[i + 1][0] != words[i][1] + 1:
        return False
    after = words[i + 1][2]
    return after[0].isupper() and _name_like(after) and place_of(after) is None


_COUNTRY_AFTER = re.compile(r" ([А-ЯІЇЄҐ][а-яіїєґ'’]+)")


def _organisation(text: str, m: Mention, normal: Normaliser) -> list[Mention]:
    """An organisation name neither opens with a function word or verb («Тепер вона»,
    «Пригадуєш приказку») nor holds a finite verb outside quotation marks («Спів мав»); a
    country right after it belongs to it («Академії наук України»)."""
    words = _words(text, m.start, m.end)
    if not words or is_function_word(words[0][2]):
        return []
    if not re.search('[«"“„]', m.text) and any(
        _readings(w) and _readings(w)[0].tag.POS == "VERB" for _, _, w in words
    ):
        return []
    after = _COUNTRY_AFTER.match(text, m.end)
    if after:
        entry = place_of(after.group(1))
        if entry is not None and entry.feature == "country":
            return [_mention(text, m.start, after.end(), "ORG", normal)]
    return [m]


_ABBREVIATION = re.compile(r"(?<![\w-])[А-ЯІЇЄҐ]{2,5}(?:[а-яіїєґ]{1,2})?(?![\w-])")


def abbreviations(text: str, found: list[Mention], normal: Normaliser) -> list[Mention]:
    """Capital-letter abbreviations outside every mention («КДБ», «ОДА», «УДАРу») are
    organisations, unless the gazetteer knows them as a place («США», «РФ»)."""
    from overheard.text.organisations import is_common_abbreviation
    from overheard.text.places import gazetteer

    out: list[Mention] = []
    taken = _Cover(text, found)
    for m in _ABBREVIATION.finditer(text):
        if taken.overlaps(m.start(), m.end()):
            continue
        stem = re.sub("[а-яіїєґ]+$", "", m.group())  # a case ending on an abbreviation
        if len(stem) < 2 or gazetteer().lookup(stem) or _ROMAN.fullmatch(stem):
            continue
        if is_common_abbreviation(m.group()):
            continue  # «ЗМІ», «ПДВ»
        found_readings = _readings(m.group().lower())
        if _known(m.group()) and not any("Abbr" in p.tag.grammemes for p in found_readings):
            continue  # a word set in capitals («ЗА», «ВИСНОВКИ»)
        out.append(_mention(text, m.start(), m.end(), "ORG", normal))
    return out


_ROMAN = re.compile(r"[ІІVХХLСМ]+")


def refine(text: str, mentions: list[Mention], normal: Normaliser) -> list[Mention]:
    """natasha's PERSON/LOC/GPE mentions of a Ukrainian text, repaired (see the module)."""
    out: list[Mention] = []
    for m in mentions:
        if m.source != "natasha" or m.label not in ("PERSON", "LOC", "GPE", "ORG"):
            out.append(m)
            continue
        if m.label == "PERSON":
            out.extend(_person_pieces(text, m, normal))
            continue
        if m.label == "ORG":
            out.extend(_organisation(text, m, normal))
            continue
        words = _words(text, m.start, m.end)
        if len(words) == 1:
            word = words[0][2]
            if is_function_word(word) or _opening_common_word(text, m.start, m.end):
                continue
            if _first_is_name(word) and place_of(word) is None:
                out.append(_mention(text, m.start, m.end, "PERSON", normal))
                continue
        elif any(is_function_word(w) for _, _, w in words):
            out.extend(_place_pieces(text, m, words, normal))
            continue
        out.append(m)
    # A place inside an organisation's name is part of it («суду України», the country
    # joined to natasha's organisation above).
    orgs = _Cover(text, [m for m in out if m.label == "ORG"])
    return [m for m in out if m.label == "ORG" or not orgs.covers(m.start, m.end)]


def _place_pieces(
    text: str, m: Mention, words: list[tuple[int, int, str]], normal: Normaliser
) -> list[Mention]:
    """A natasha place span holding a function word or a verb («Хай куди іде», «Каміння
    він», «Мусиш подорослішати») cut at them; a piece must start with a capital and not be a
    common word opening the sentence."""
    out: list[Mention] = []
    run: list[tuple[int, int, str]] = []
    for word in [*words, None]:
        if word is not None and not is_function_word(word[2]):
            run.append(word)
            continue
        if run and run[0][2][0].isupper():
            start, end = run[0][0], run[-1][1]
            if not _opening_common_word(text, start, end) and not (
                sentence_initial(text, start) and all(_known(w) for _, _, w in run)
            ):
                out.append(_mention(text, start, end, m.label, normal))
        run = []
    return out


_CAPITALISED = re.compile(r"(?<![\w-])[А-ЯІЇЄҐ][а-яіїєґ'’]+(?:-[А-ЯІЇЄҐ][а-яіїєґ'’]+)?(?![\w-])")


_SKIPPED_BEFORE_VERB = frozenset({"ADVB", "PRCL", "UNKN"})


def _names_the_subject(text: str, end: int, word: str) -> bool:
    """A first name in the nominative singular opening a sentence, whose verb (after at most
    two adverbs or particles) agrees with it: past tense in its gender, or present in the
    third person singular («Роман уголос погоджувався», «Марина відчула»). A surname does
    too where the word has no common reading, and a noun the dictionary lacks in either
    gender («Лянґе відчув»)."""
    name_tags = {"Name", "Surn"} if not _common_reading(word) else {"Name"}
    genders = {
        p.tag.gender
        for p in _readings(word)
        if name_tags & p.tag.grammemes and p.tag.case == "nomn" and p.tag.number != "plur"
    }
    if not _known(word) and any(p.tag.POS == "NOUN" for p in _readings(word)):
        genders |= {"masc", "femn"}  # a surname the dictionary lacks («Лянґе», «Габр»)
    if not genders:
        return False
    for skipped, nxt in enumerate(_WORD.finditer(text, end, min(len(text), end + 60))):
        if text[end : nxt.start()].strip():
            return False  # punctuation before the verb
        found = _readings(nxt.group())
        verbs = [p for p in found if p.tag.POS == "VERB"]
        if verbs:
            return any(
                (v.tag.tense == "past" and v.tag.gender in genders)
                or (
                    v.tag.tense in ("pres", "futr")
                    and v.tag.person == "3per"
                    and v.tag.number == "sing"
                )
                for v in verbs
            )
        if skipped >= 2 or not found or not {p.tag.POS for p in found} & _SKIPPED_BEFORE_VERB:
            return False
        end = nxt.end()
    return False


def first_names(text: str, found: list[Mention], normal: Normaliser) -> list[Mention]:
    """People natasha misses: a capitalised word outside every mention whose first reading is
    a first name, or inside a sentence any reading as a name (``_reads_as_name``: «з
    Романом», «Ірина»), with the capitalised name words that follow it («Андрій Шевчук»)."""
    out: list[Mention] = []
    taken = _Cover(text, found)
    matches = list(_CAPITALISED.finditer(text))
    i = 0
    while i < len(matches):
        m = matches[i]
        i += 1
        if taken.overlaps(m.start(), m.end()):
            continue
        inside = not sentence_initial(text, m.start())
        subject = not inside and _names_the_subject(text, m.end(), m.group())
        if not (_first_is_name(m.group()) or (inside and _reads_as_name(m.group())) or subject):
            continue
        if place_of(m.group()) is not None or listed_place(m.group()):
            continue
        if is_function_word(m.group()) or (
            not subject and _opening_common_word(text, m.start(), m.end())
        ):
            continue  # «Тобі», «Ніколи» read as first names too
        end = m.end()
        while i < len(matches):
            nxt = matches[i]
            gap = text[end : nxt.start()]
            if gap != " " or taken.overlaps(nxt.start(), nxt.end()):
                break
            word = nxt.group()
            if is_function_word(word) or place_of(word) is not None or not _name_like(word):
                break
            end = nxt.end()
            i += 1
        out.append(_mention(text, m.start(), end, "PERSON", normal))
        taken.add(m.start(), end)
    return out


def _listed(text: str, start: int, end: int, normal: Normaliser, label: str = "LOC") -> Mention:
    """A place the rules found; one word is named by its dictionary form («Курщині» →
    «Курщина»), as the gazetteer's places are."""
    surface = text[start:end]
    words = _words(text, start, end)
    if len(words) == 1 and _readings(surface):
        name = _readings(surface)[0].normal_form.capitalize()
    elif label == "GPE" and len(words) == 2:
        # «Курської області» → «Курська область», as natasha's places are named
        first, second = morph.nominative([w for _, _, w in words], "uk")
        name = f"{first.capitalize()} {second}"
    else:
        name = normal(surface, "LOC")
    return Mention(start, end, surface, label, name, "gazetteer", 0.7)


def places(text: str, found: list[Mention], normal: Normaliser) -> list[Mention]:
    """Places natasha misses in Ukrainian («Росії», «Києва», «Європи»): a capitalised word
    outside every mention that the gazetteer knows by a non-person dictionary form, not at a
    sentence start unless it is a country (a capitalised common word there is no evidence)."""
    out: list[Mention] = []
    taken = _Cover(text, found)
    for m in _CAPITALISED.finditer(text):
        if taken.overlaps(m.start(), m.end()):
            continue
        word = m.group()
        if is_function_word(word):
            continue
        entry = place_of(word)
        if entry is None:
            if listed_place(word):
                out.append(_listed(text, m.start(), m.end(), normal, "GPE"))
            continue
        if entry.feature != "country" and sentence_initial(text, m.start()):
            continue
        after = _CAPITALISED.match(text, m.end() + 1)
        if entry.feature == "city" and text[m.end() : m.end() + 1] == " " and after:
            following = after.group()
            if _name_like(following) and place_of(following) is None:
                continue  # «Володимир Бондаренко»
        out.append(_place(text, m.start(), m.end(), entry))
    return out


# A street's or a settlement's word before its name: the name is a place whatever its words
# read as («вул. Михайла Гришка», «с. Нова Дофіновка», «у місті Києві»).
_STREET_CUE = re.compile(
    r"(?<![\w-])(?:вул\.|вулиц[яіюею]+|просп\.|проспект[іуом]*|пл\.|площ[аіеюу]+|бульв\.|"
    r"б-р|бульвар[іуом]*|пров\.|провул[ко][кук]+[уомі]*|узвіз|узвоз[іуом]+|шосе)\s+"
    r"(?=[А-ЯІЇЄҐ0-9])"
)
_SETTLEMENT_CUE = re.compile(
    r"(?<![\w-])(?<!кв\. )(?<!\d )(?:м\.|с\.|смт\.?|сел\.|с-ще|міст[аоіу]|місті|сел[аоіу]|селі|селищ[аеіу]|"
    r"хутор[аіу]|хутір|містечк[аоуі])\s+(?=[А-ЯІЇЄҐ])"
)
_NAME_WORDS = re.compile(
    r"(?:[А-ЯІЇЄҐ]\.\s?)?[А-ЯІЇЄҐ][\w'’]*(?:-[\w'’]+)*(?:\s(?:[А-ЯІЇЄҐ][\w'’]*(?:-[\w'’]+)*))*"
)
_HOUSE = re.compile(r",\s\d+[\w/-]*")
_REGION_NOUNS = frozenset({"область", "район", "округ"})


_LIST_NEXT = re.compile(r"(?:,\s|\sі\s|\sта\s)(?=[А-ЯІЇЄҐ])")


def _listed_after(text: str, end: int) -> list[tuple[int, int]]:
    """The other streets of a list after a street's cue («вул. Горького, Якубовського,
    Соборна в м. Фастів», «вулиці Городоцьку, Коперника та Б. Хмельницького»)."""
    out: list[tuple[int, int]] = []
    while len(out) < 30:
        sep = _LIST_NEXT.match(text, end)
        if sep is None:
            break
        name = _NAME_WORDS.match(text, sep.end())
        if name is None or any(
            len(w) > 1 and is_function_word(w) for _, _, w in _words(text, *name.span())
        ):
            break
        end = name.end()
        house = _HOUSE.match(text, end)
        if house:
            end = house.end()
        out.append((name.start(), end))
    return out


def _region_noun_after(text: str, end: int) -> bool:
    after = _WORD.match(text, end + 1)
    return (
        after is not None
        and text[end : end + 1] == " "
        and bool({p.normal_form for p in _readings(after.group())} & _REGION_NOUNS)
    )


def _cued_spans(text: str) -> list[tuple[int, int, str]]:
    """Streets (LOC, with their cue word) and settlements and regions (GPE) named by a cue."""
    spans: list[tuple[int, int, str]] = []
    for cue, with_cue in ((_STREET_CUE, True), (_SETTLEMENT_CUE, False)):
        for m in cue.finditer(text):
            name = _NAME_WORDS.match(text, m.end())
            if name is None:
                continue
            words = _words(text, name.start(), name.end())
            # stop at a word that is not part of the name (a verb, a function word)
            keep: list[tuple[int, int, str]] = []
            for w in words:
                if len(w[2]) > 1 and is_function_word(w[2]):
                    break
                if keep and _region_noun_after(text, w[1]):
                    break  # «с. Нова Дофіновка Одеської області»: the region is its own
                keep.append(w)
            if not keep or (not with_cue and _first_is_name(keep[0][2])):
                continue  # «кв. м. Ігор Яцишин»
            end = keep[-1][1]
            house = _HOUSE.match(text, end) if with_cue else None
            if house:
                end = house.end()
            if with_cue:
                spans.append((m.start(), end, "LOC"))
                spans.extend((a, b, "LOC") for a, b in _listed_after(text, end))
            else:
                spans.append((name.start(), end, "GPE"))
    # «Одеської області», «Широківського району»: a capitalised adjective before a region noun.
    for m in _CAPITALISED.finditer(text):
        after = _WORD.match(text, m.end() + 1)
        if after is None or text[m.end() : m.end() + 1] != " ":
            continue
        if not {p.normal_form for p in _readings(after.group())} & _REGION_NOUNS:
            continue
        if any(p.tag.POS == "ADJF" for p in _readings(m.group())):
            spans.append((m.start(), after.end(), "GPE"))
    return spans


def cued_places(text: str, kept: list[Mention], normal: Normaliser) -> list[Mention]:
    """Streets, settlements and regions named after the word that says what they are: each
    replaces the model's mentions it overlaps («Михайла Гришка» read as a person), never a
    rule's (an organisation's name holds its region: «прокуратури Донецької області»)."""
    spans = sorted(_cued_spans(text))
    taken = _Cover(text, [k for k in kept if k.source not in ("natasha", "gazetteer")])
    out = list(kept)
    for start, end, label in spans:
        if taken.overlaps(start, end):
            continue
        out = [k for k in out if not (k.start < end and start < k.end)]
        out.append(_listed(text, start, end, normal, label))
        taken.add(start, end)
    return out


def _person_keys(word: str) -> frozenset[str]:
    return frozenset(
        {word.lower()}
        | {p.normal_form for p in _readings(word) if morph.PERSON_TAGS & set(p.tag.grammemes)}
    )


def surnames(text: str, found: list[Mention], normal: Normaliser) -> list[Mention]:
    """A name word alone where the text names the person elsewhere («Дмитро Корнієць …
    Корнієць вийшов на волю», «з Івановим», «з Романом … Роман прийшов»), in any case form
    and at a sentence start too: one name, one sense within a text. The person's words that
    count are those that read as names or that the dictionary lacks (foreign surnames)."""
    keys: set[str] = set()
    for f in found:
        if f.label == "PERSON":
            for _, _, word in _words(text, f.start, f.end):
                if len(word) > 1 and (_reads_as_name(word) or not _known(word)):
                    keys |= _person_keys(word)
    if not keys:
        return []
    out: list[Mention] = []
    taken = _Cover(text, found)
    for m in _CAPITALISED.finditer(text):
        word = m.group()
        if taken.overlaps(m.start(), m.end()) or not (_person_keys(word) & keys):
            continue
        if is_function_word(word) or place_of(word) is not None or listed_place(word):
            continue
        out.append(_mention(text, m.start(), m.end(), "PERSON", normal))
    return out


def joined_people(text: str, found: list[Mention], normal: Normaliser) -> list[Mention]:
    """Two people's mentions with only a space between them are one person: a first name
    a rule found beside the surname natasha found («Ірина» + «Плевнік»)."""
    out: list[Mention] = []
    for m in sorted(found, key=lambda k: k.start):
        last = out[-1] if out else None
        if (
            last is not None
            and m.label == last.label == "PERSON"
            and text[last.end : m.start] == " "
        ):
            out[-1] = _mention(text, last.start, m.end, "PERSON", normal)
            continue
        out.append(m)
    return out
