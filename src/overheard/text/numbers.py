"""Numbers as spoken and as digits, both ways, in Russian, Ukrainian and English.

Whisper writes «42»; references, reports and people say «сорок два». Search uses
:func:`alternatives` to let either form find the other (store/search.py expands the query;
the index is left as it is). Word forms come from the cardinal names below plus the inflected
forms of ``text/lexicons/number_words.tsv`` (the claims linker's table: «двух», «трьох»,
«п'ятеро»…), so a form added there is understood here too.

A run of number words is read the way a dictated figure is: «шестьдесят один тридцать
четыре» is 61 then 34 (a grid square), not 95: a new number starts when a word cannot extend
the one being built (a ten after units, a unit after a unit, a hundred after a ten).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from overheard.text import lexicon

# value: (ru, uk, en) nominative, the form a digit is spelled as.
_NAMES: dict[int, tuple[str, str, str]] = {
    0: ("ноль", "нуль", "zero"),
    1: ("один", "один", "one"),
    2: ("два", "два", "two"),
    3: ("три", "три", "three"),
    4: ("четыре", "чотири", "four"),
    5: ("пять", "п'ять", "five"),
    6: ("шесть", "шість", "six"),
    7: ("семь", "сім", "seven"),
    8: ("восемь", "вісім", "eight"),
    9: ("девять", "дев'ять", "nine"),
    10: ("десять", "десять", "ten"),
    11: ("одиннадцать", "одинадцять", "eleven"),
    12: ("двенадцать", "дванадцять", "twelve"),
    13: ("тринадцать", "тринадцять", "thirteen"),
    14: ("четырнадцать", "чотирнадцять", "fourteen"),
    15: ("пятнадцать", "п'ятнадцять", "fifteen"),
    16: ("шестнадцать", "шістнадцять", "sixteen"),
    17: ("семнадцать", "сімнадцять", "seventeen"),
    18: ("восемнадцать", "вісімнадцять", "eighteen"),
    19: ("девятнадцать", "дев'ятнадцять", "nineteen"),
    20: ("двадцать", "двадцять", "twenty"),
    30: ("тридцать", "тридцять", "thirty"),
    40: ("сорок", "сорок", "forty"),
    50: ("пятьдесят", "п'ятдесят", "fifty"),
    60: ("шестьдесят", "шістдесят", "sixty"),
    70: ("семьдесят", "сімдесят", "seventy"),
    80: ("восемьдесят", "вісімдесят", "eighty"),
    90: ("девяносто", "дев'яносто", "ninety"),
    100: ("сто", "сто", "one hundred"),
    200: ("двести", "двісті", "two hundred"),
    300: ("триста", "триста", "three hundred"),
    400: ("четыреста", "чотириста", "four hundred"),
    500: ("пятьсот", "п'ятсот", "five hundred"),
    600: ("шестьсот", "шістсот", "six hundred"),
    700: ("семьсот", "сімсот", "seven hundred"),
    800: ("восемьсот", "вісімсот", "eight hundred"),
    900: ("девятьсот", "дев'ятсот", "nine hundred"),
}
LANGUAGES = ("ru", "uk", "en")
# Other forms read as the same value (gender, the English "hundred" after a unit).
_EXTRA = {"одна": 1, "одно": 1, "одне": 1, "две": 2, "дві": 2, "hundred": 100}
_THOUSAND = {"тысяча", "тысячи", "тысяч", "тисяча", "тисячі", "тисяч", "thousand"}
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "ё": "е"})
_TOKEN = re.compile(r"[\w'’ʼ]+", re.UNICODE)


def _fold(word: str) -> str:
    return word.lower().translate(_APOSTROPHES)


def _words() -> dict[str, int]:
    table = {
        _fold(name): value for value, names in _NAMES.items() for name in names if " " not in name
    }
    table.update(_EXTRA)
    return table


_WORDS = _words()


@lexicon.cached
def _inflected() -> list[tuple[re.Pattern[str], int]]:
    """Whole-number rows of number_words.tsv (inflected forms), as patterns."""
    out = []
    for row in lexicon.table("number_words"):
        value = float(row["value"])
        if row["use"] == "number" and value.is_integer():
            out.append((re.compile(row["pattern"]), int(value)))
    return out


def word_value(word: str) -> int | None:
    """The value of one number word in any of the three languages, or None."""
    folded = _fold(word)
    if folded in _WORDS:
        return _WORDS[folded]
    for pattern, value in _inflected():
        if pattern.fullmatch(folded):
            return value
    return None


def _place(value: int) -> int:
    return 100 if value >= 100 else 10 if value >= 20 else 1


def read_numbers(words: list[str]) -> list[tuple[int, int, int]]:
    """(first word, word after the last, value) for each number spelled in ``words``.
    Digits are not numbers here; thousands multiply what precedes them."""
    out: list[tuple[int, int, int]] = []
    i = 0
    while i < len(words):
        value = word_value(words[i])
        if value is None:
            i += 1
            continue
        start, total, last = i, value, _place(value)
        i += 1
        while i < len(words):
            folded = _fold(words[i])
            if folded in _THOUSAND:
                total, last = total * 1000, 1000
                i += 1
                continue
            nxt = word_value(words[i])
            # "hundred" after a unit multiplies it ("two hundred")
            if nxt == 100 and folded == "hundred" and 0 < total % 100 < 10 and last == 1:
                total, last = total - total % 100 + (total % 100) * 100, 100
                i += 1
                continue
            if nxt is None or _place(nxt) >= last or (last == 10 and nxt >= 10):
                break
            if last == 10 and total % 10:  # a unit already follows the ten
                break
            total, last = total + nxt, _place(nxt)
            i += 1
        out.append((start, i, total))
    return out


def spell(value: int, lang: str) -> str:
    """A whole number 0..999,999 in words (nominative), e.g. 42, 'uk' -> «сорок два»."""
    col = LANGUAGES.index(lang)
    if value < 0 or value >= 1_000_000:
        raise ValueError(f"cannot spell {value}")
    if value == 0:
        return _NAMES[0][col]
    parts: list[str] = []
    thousands, rest = divmod(value, 1000)
    if thousands:
        if lang == "en":
            parts += [spell(thousands, lang), "thousand"]
        else:
            head = spell(thousands, lang) if thousands > 1 else ""
            last = thousands % 10 if thousands % 100 not in range(11, 20) else 0
            if lang == "ru":
                head = re.sub(r"(^| )один$", r"\1одна", re.sub(r"(^| )два$", r"\1две", head))
                noun = "тысяча" if last == 1 else "тысячи" if last in (2, 3, 4) else "тысяч"
            else:
                head = re.sub(r"(^| )один$", r"\1одна", re.sub(r"(^| )два$", r"\1дві", head))
                noun = "тисяча" if last == 1 else "тисячі" if last in (2, 3, 4) else "тисяч"
            parts += [p for p in (head, noun) if p]
    for unit in (100, 10, 1):
        if rest >= 20 and unit == 10 or unit == 100 and rest >= 100:
            part = rest - rest % unit
        elif unit == 1 and rest:
            part = rest
        else:
            continue
        parts.append(_NAMES[part][col])
        rest -= part
    return " ".join(parts)


def alternatives(text: str) -> Iterator[tuple[str, list[str]]]:
    """For each number in ``text``: (its form in the text, the other forms to search for).
    Digits give their words in ru, uk and en; words give their digits."""
    words = _TOKEN.findall(text)
    spelled = {start: (end, value) for start, end, value in read_numbers(words)}
    i = 0
    while i < len(words):
        word = words[i]
        if _ascii_digits(word):
            forms = {spell(int(word), lang) for lang in LANGUAGES}
            yield word, sorted(forms)
            i += 1
        elif i in spelled:
            end, value = spelled[i]
            yield " ".join(words[i:end]), [str(value)]
            i = end
        else:
            i += 1


def search_alternatives(words: list[str]) -> dict[int, tuple[int, list[list[str]]]]:
    """Numbers in a query's words: {first word: (word after the last, other forms as word
    lists)}. Digits (up to 6) give their ru/uk/en words; spelled numbers give their digits."""
    out: dict[int, tuple[int, list[list[str]]]] = {}
    for start, end, value in read_numbers(words):
        out[start] = (end, [[str(value)]])
    for i, word in enumerate(words):
        if _ascii_digits(word):
            forms = sorted({spell(int(word), lang) for lang in LANGUAGES})
            out[i] = (i + 1, [_TOKEN_WORD.findall(form) for form in forms])
    return out


def _ascii_digits(word: str) -> bool:
    """0-9 only, at most six: str.isdigit() also holds for «²» or «٣», which int() refuses."""
    return word.isascii() and word.isdigit() and len(word) <= 6


# Search tokens split at apostrophes as FTS5's unicode61 and PostgreSQL's parser do.
_TOKEN_WORD = re.compile(r"\w+", re.UNICODE)
