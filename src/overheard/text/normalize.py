"""Normal forms of names: the nominative singular of a Russian phrase, the bare English name.

natasha's own span normaliser needs the morphology tagger (and the syntax parser for
multi-word names), which together cost twice the NER. Names are short and their grammar is
simple, so a dictionary look-up per word (pymorphy2 through natasha's MorphVocab) and the
head-noun rule below give the same answer at a fraction of the cost:
- a person's name: every word agrees, so pick the case all words share and put each word in
  the nominative;
- any other name: the words up to the first noun agree with it (ordinal, adjectives, head
  noun) and go to the nominative; what follows is a genitive complement and stays as is
  («155-й отдельной бригады морской пехоты» → «155-я отдельная бригада морской пехоты»).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+(?:-[^\W\d_]+)?|\S")
_ORDINAL = re.compile(r"^(\d+)(?:-?([^\W\d_]+))?$")
_INFLECTABLE = {"NOUN", "PROPN", "ADJ"}
# Ties between readings go to the commoner case in news text.
_CASE_ORDER = ["Nom", "Gen", "Dat", "Acc", "Ins", "Loc"]


def normal_en(text: str) -> str:
    """'the K Battalion' → 'K Battalion', "North Korea’s" → 'North Korea'."""
    out = re.sub(r"\s+", " ", text).strip()
    out = re.sub(r"(?:['’]s|['’])$", "", out)
    out = re.sub(r"^(?:the|The)\s+", "", out)
    return out


def _shape(word: str, like: str) -> str:
    """Copy the letter case of ``like`` onto ``word``, part by part across hyphens."""
    parts, like_parts = word.split("-"), like.split("-")
    if len(parts) != len(like_parts):
        like_parts = [like] * len(parts)
    out = []
    for part, model in zip(parts, like_parts, strict=True):
        if model.isupper() and len(model) > 1:
            out.append(part.upper())
        elif model[:1].isupper():
            out.append(part[:1].upper() + part[1:])
        else:
            out.append(part)
    return "-".join(out)


def _forms(vocab: Any, word: str) -> list[Any]:
    return [f for f in vocab(word.lower()) if f.pos in _INFLECTABLE or f.pos == "NUM"]


def _to_nominative(form: Any, word: str) -> str:
    if form.feats.get("Case") == "Nom":
        return word
    inflected = form.inflect({"Nom"})
    if inflected is None:
        return word
    return _shape(
        inflected.word.replace("ё", "е") if "ё" not in word.lower() else inflected.word, word
    )


def _ordinal_nominative(word: str, gender: str | None, number: str | None) -> str:
    m = _ORDINAL.match(word)
    if not m:
        return word
    if number == "Plur":
        suffix = "е"
    else:
        suffix = {"Fem": "я", "Neut": "е"}.get(gender or "", "й")
    return f"{m.group(1)}-{suffix}"


def normal_ru(text: str, label: str, vocab: Any) -> str:
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    words = [t for t in tokens if t[2][:1].isalpha()]
    if not words:
        return text
    replaced: dict[int, str] = {}
    if label == "PERSON":
        # Names written with initials or in Latin script are left alone.
        analysable = [w for w in words if len(w[2]) > 1 and re.match(r"[А-ЯЁа-яё]", w[2])]
        options = {w[0]: _forms(vocab, w[2]) for w in analysable}
        # The words of a name share case and gender: «Андрея Юсова» is Gen Masc throughout,
        # though «Юсова» alone could also be a woman's surname in the nominative.
        counts: Counter[tuple[str, str | None]] = Counter()
        for forms in options.values():
            readings = {
                (f.feats.get("Case"), f.feats.get("Gender"))
                for f in forms
                if f.feats.get("Case") and f.feats.get("Number") != "Plur"
            }
            genders = {g for _, g in readings if g}
            for case, gender in readings:
                for g in [gender] if gender else list(genders) or ["Masc", "Fem"]:
                    counts[(case, g)] += 1
        if not counts:
            return text
        top = max(counts.values())
        best = sorted(
            (k for k, v in counts.items() if v == top),
            key=lambda k: (_CASE_ORDER.index(k[0]) if k[0] in _CASE_ORDER else 9, k[1] != "Masc"),
        )[0]
        for start, _, word in analysable:
            form = next(
                (
                    f
                    for f in options[start]
                    if f.feats.get("Case") == best[0] and f.feats.get("Gender") in (best[1], None)
                ),
                None,
            )
            if form is not None:
                replaced[start] = _to_nominative(form, word)
            elif best == ("Gen", "Masc") or best == ("Acc", "Masc"):
                # A surname the dictionary does not know: «Юсова» after «Андрея» is Юсов.
                m = re.match(r"^(.*(?:ов|ев|ёв|ин|ын))а$", word)
                if m:
                    replaced[start] = m.group(1)
    else:
        head_index = None
        head_form = None
        for i, (_, _, word) in enumerate(tokens):
            if not word[:1].isalpha():
                if word in '«"“„(':
                    break  # a quoted name follows the head: nothing before it was a noun
                continue
            forms = _forms(vocab, word)
            noun = next((f for f in forms if f.pos in ("NOUN", "PROPN")), None)
            if noun is not None and not (
                word[:1].isupper()
                and i + 1 < len(tokens)
                and any(f.pos == "ADJ" for f in forms[:1])
            ):
                head_index, head_form = i, noun
                break
        if head_index is None:
            # «российских военных»: substantivised adjectives, the last word is the head.
            head_index = max(i for i, t in enumerate(tokens) if t[2][:1].isalpha())
            forms = _forms(vocab, tokens[head_index][2])
            head_form = forms[0] if forms else None
        if head_form is None:
            return text
        # Prefer the reading of the head that the words before it agree with.
        head_word = tokens[head_index][2]
        before = [t for t in tokens[:head_index] if t[2][:1].isalpha()]
        head_options = [f for f in _forms(vocab, head_word) if f.pos == head_form.pos]
        if before and head_options:
            first_adj = _forms(vocab, before[-1][2])
            shared = [
                f
                for f in head_options
                if any(
                    a.feats.get("Case") == f.feats.get("Case")
                    and a.feats.get("Number") == f.feats.get("Number")
                    for a in first_adj
                )
            ]
            if shared:
                head_form = shared[0]
        case = head_form.feats.get("Case")
        number = head_form.feats.get("Number")
        gender = head_form.feats.get("Gender")
        replaced[tokens[head_index][0]] = _to_nominative(head_form, head_word)
        for start, _, word in tokens[:head_index]:
            if _ORDINAL.match(word):
                replaced[start] = _ordinal_nominative(word, gender, number)
                continue
            if not word[:1].isalpha():
                continue
            form = next(
                (
                    f
                    for f in _forms(vocab, word)
                    if f.pos == "ADJ"
                    and f.feats.get("Case") == case
                    and f.feats.get("Number") == number
                ),
                None,
            )
            if form is not None:
                replaced[start] = _to_nominative(form, word)
    out = []
    last = 0
    for start, end, word in tokens:
        out.append(text[last:start])
        out.append(replaced.get(start, word))
        last = end
    out.append(text[last:])
    return re.sub(r"\s+", " ", "".join(out)).strip()
