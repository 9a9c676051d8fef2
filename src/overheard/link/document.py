"""One document's entities, keyed for the case: what the analysis writer calls before it finds
or creates the case entities.

Besides each entity's cross-script key (``names.entity_key``), it settles what one name alone
cannot:
- a name the NER cut in two is whole again («МИД» + «Беларуси», ``link.spans``);
- metonymy: a capital acting as a government ("Pyongyang said", «Москва заявила»; the text
  analysis marks the place "government") is that country, not the city, so its mention moves
  to the country's entity;
- a type the NER got wrong and the key corrects (natasha's "person" «України» is the country,
  «Міноборони Росії» the ministry);
- a body named without its country ("the Foreign Ministry", «МИД») is the one the same
  document names with exactly one country («МИД Беларуси»);
- an analyst's split: mentions written as a split-off name go to that name's entity.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from overheard.link import aliases, merges, places, spans
from overheard.link.names import entity_key, known_key, words, words_key
from overheard.text import morph
from overheard.text.records import EntityRef, PlaceCandidate

_PLACE_KEYS = ("geonames:", "place:", "PLACE:")


def document_keys(result: Any, session: Session | None = None) -> list[str]:
    """The case key of each of ``result.entities`` (a ``TextAnalysis``), in order. May add
    entities to ``result`` and re-point its mentions and statements (metonymy, splits).

    Without a session this is a function of the document alone (the analysis stage runs it
    in its worker processes); the analyst's splits, which live in the case, are applied after
    by ``apply_splits``."""
    lang = result.lang
    spans.join_names(result)
    spans.nest_countries(result)
    _governments(result)
    keys = [_key(ref, lang, result.mentions) for ref in result.entities]
    _join_bare_bodies(keys)
    _join_patronymics(result.entities, keys, lang)
    if session is not None:
        _apply_splits(session, result, keys)
    _repoint_speakers(result)
    return keys


def apply_splits(session: Session, result: Any, keys: list[str]) -> None:
    """The analyst's splits recorded in the case, on keys ``document_keys`` made without a
    session (``keys`` and ``result`` change in place). Nothing to do in a case without splits."""
    if merges.decisions(session)[1]:
        _apply_splits(session, result, keys)
        _repoint_speakers(result)


def _key(ref: EntityRef, lang: str, mentions: list[Any]) -> str:
    geonames_id = ref.external_ids.get("geonames")
    if geonames_id or ref.type in ("MIL_UNIT", "EQUIPMENT"):
        key = entity_key(ref.type, ref.name, geonames_id, lang)
    else:
        # The NER's normal form of a Ukrainian or an oddly declined word can be no word at
        # all (natasha: «Одеси» → «Одесь», «Міноборони» → «Міноборонь»); the words as
        # written are tried first, and may be known to the alias lexicon or the gazetteer.
        names = dict.fromkeys([*(mentions[i].text for i in ref.mentions), ref.name])
        known = (known_key(ref.type, n, lang) for n in names)
        key = next(filter(None, known), None) or words_key(ref.type, ref.name, lang)
    if key.startswith(_PLACE_KEYS) and ref.type not in ("GPE", "LOC"):
        ref.type = "GPE"
    elif key.startswith("ORG:") and ref.type == "PERSON":
        ref.type = "ORG"
    return key


def _governments(result: Any) -> None:
    """Capitals acting as governments become their country (mention, place and entity)."""
    for place in result.places:
        if place.role != "government" or place.best is None:
            continue
        iso = places.capital_of(place.best)
        country = places.country(iso) if iso else None
        mention = result.mentions[place.mention]
        if country is None or mention.entity is None:
            continue
        geonameid, name = country
        ref = next(
            (r for r in result.entities if r.external_ids.get("geonames") == str(geonameid)),
            None,
        )
        if ref is None:
            ref = EntityRef("GPE", name, [name], [], {"geonames": str(geonameid)})
            result.entities.append(ref)
        old = result.entities[mention.entity]
        old.mentions = [i for i in old.mentions if i != place.mention]
        mention.entity = result.entities.index(ref)
        ref.mentions = sorted({*ref.mentions, place.mention})
        if mention.normal not in ref.names:
            ref.names.append(mention.normal)
        place.best = _country_candidate(iso or "", geonameid, name, place.best)


def _country_candidate(
    iso: str, geonameid: int, name: str, capital: PlaceCandidate
) -> PlaceCandidate:
    from overheard.text.places import gazetteer

    found = [c for c in gazetteer().resolve(name) if c.geonameid == geonameid]
    if found:
        return found[0]
    return PlaceCandidate(geonameid, name, iso, "country", capital.latitude, capital.longitude,
                          0, capital.score)  # fmt: skip


def _join_bare_bodies(keys: list[str]) -> None:
    """'ORG:foreign-ministry' → 'ORG:foreign-ministry@BY' where the document names that
    body with exactly one country."""
    qualified: dict[str, set[str]] = {}
    for key in keys:
        body = aliases.body(key)
        if body is not None:
            qualified.setdefault(body, set()).add(key)
    for i, key in enumerate(keys):
        found = qualified.get(key, set())
        if len(found) == 1:
            keys[i] = next(iter(found))


def _join_patronymics(refs: list[EntityRef], keys: list[str], lang: str) -> None:
    """«Геннадий Петрович» (name and patronymic, how a Russian speaker is addressed) is the
    one person of the document with that first initial and a surname («Г. П. Широков»)."""
    for i, ref in enumerate(refs):
        parts = words(ref.name)
        if ref.type != "PERSON" or len(parts) != 2 or not morph.is_patronymic(parts[1], lang):
            continue
        initial = keys[i].removeprefix("PERSON:")[:1]
        namesakes = {
            k for j, k in enumerate(keys)
            if j != i and refs[j].type == "PERSON" and k.startswith(f"PERSON:{initial} ")
        }  # fmt: skip
        if len(namesakes) == 1:
            keys[i] = namesakes.pop()


def _apply_splits(session: Session, result: Any, keys: list[str]) -> None:
    if not merges.decisions(session)[1]:
        return  # no analyst has split anything in this case
    for index in range(len(result.entities)):
        target = merges.target_key(session, keys[index])
        names = merges.split_names(session, target)
        if not names:
            continue
        ref = result.entities[index]
        moving: dict[str, list[int]] = {}
        for i in ref.mentions:
            m = result.mentions[i]
            name = m.text if m.text in names else m.normal if m.normal in names else None
            if name is not None:
                moving.setdefault(name, []).append(i)
        if len(moving) == 1 and sum(map(len, moving.values())) == len(ref.mentions):
            keys[index] = names[next(iter(moving))]
            continue
        for name, indices in moving.items():
            split = EntityRef(ref.type, name, [name], indices, dict(ref.external_ids))
            result.entities.append(split)
            keys.append(names[name])
            for i in indices:
                result.mentions[i].entity = len(result.entities) - 1
            ref.mentions = [i for i in ref.mentions if i not in indices]


def _repoint_speakers(result: Any) -> None:
    """A statement's speaker is the entity of the mention at its span (which may have moved)."""
    by_span = {(m.start, m.end): m.entity for m in result.mentions if m.entity is not None}
    for st in result.statements:
        if st.speaker is not None and (st.speaker.start, st.speaker.end) in by_span:
            st.speaker_entity = by_span[(st.speaker.start, st.speaker.end)]
