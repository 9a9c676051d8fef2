"""An analyst's merges and splits of entities, recorded with who and when, and kept when the
documents are analysed again.

A merge moves every mention, statement and event of one entity onto another, unions their
names and external ids, deletes the emptied entity and records, for each key that entity
stood for, that the key now resolves to the kept one. A split gives the mentions with one
surface form an entity of their own (key ``<entity key>|<name>``) and records it. The analysis
writer asks :func:`resolve` for every key and :func:`split_names` for every entity, so a
re-analysis lands each mention where the analyst put it.

    from overheard.link import merges
    merges.merge(case, keep_id=12, other_id=40, actor="anna", note="same spokesman")
    merges.split(case, entity_id=12, name="Мельник", actor="anna")
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from overheard.errors import OverheardError
from overheard.link.names import neutral
from overheard.store.case import Case
from overheard.store.schema import Entity, EntityMerge, Event, Mention, Statement

MERGE = "merge"
SPLIT = "split"
_EVENT_ROLES = ("actor", "recipient", "place")


class MergeError(OverheardError):
    """A merge or split that cannot be done: the message says why."""


@dataclass(frozen=True)
class Decision:
    """What a merge or split did, for the CLI and the API."""

    action: str
    entity_id: int  # the kept entity (merge) or the new one (split)
    other_id: int  # the deleted entity (merge) or the one split from
    keys: tuple[str, ...]
    moved: int  # mentions re-pointed

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "keys": list(self.keys)}


def _entity(s: Session, entity_id: int) -> Entity:
    entity = s.get(Entity, entity_id)
    if entity is None:
        raise MergeError(f"no entity {entity_id} in this case (see 'overheard entities list')")
    return entity


def _repoint(s: Session, old: int, new: int) -> int:
    """Every row that points at entity ``old`` points at ``new``; the number of mentions."""
    moved = s.scalar(select(func.count()).where(Mention.entity_id == old))
    s.execute(update(Mention).where(Mention.entity_id == old).values(entity_id=new))
    s.execute(
        update(Statement).where(Statement.speaker_entity_id == old).values(speaker_entity_id=new)
    )
    for role in _EVENT_ROLES:
        column = getattr(Event, f"{role}_entity_id")
        s.execute(update(Event).where(column == old).values({column: new}))
    return int(moved or 0)


def merge(
    case: Case, keep_id: int, other_id: int, actor: str | None, note: str | None = None
) -> Decision:
    """Merge entity ``other_id`` into ``keep_id``; returns a :class:`Decision`."""
    if keep_id == other_id:
        raise MergeError(f"cannot merge entity {keep_id} with itself")
    with case.session() as s:
        keep, other = _entity(s, keep_id), _entity(s, other_id)
        # The keys the other entity stands for: its own, and those merged into it before.
        earlier = s.scalars(
            select(EntityMerge.key).where(
                EntityMerge.action == MERGE, EntityMerge.entity_id == other.id
            )
        ).all()
        # An entity made by hand may have no key: its id stands for one.
        keys = tuple(dict.fromkeys(k for k in [other.key or f"entity:{other.id}", *earlier] if k))
        moved = _repoint(s, other.id, keep.id)
        known = {n.get("name") for n in keep.names or []}
        extra = [n for n in other.names or [] if n.get("name") not in known]
        if other.name not in known | {n.get("name") for n in extra}:
            extra.append({"name": other.name})
        keep.names = [*(keep.names or []), *extra]
        keep.external_ids = {**(other.external_ids or {}), **(keep.external_ids or {})}
        for key in keys:
            s.info.pop(_DECISIONS, None)
            s.add(EntityMerge(action=MERGE, key=key, entity_id=keep.id, name=other.name,
                              actor=actor, note=note))  # fmt: skip
        s.delete(other)
        return Decision(MERGE, keep.id, other_id, keys, moved)


def split(
    case: Case, entity_id: int, name: str, actor: str | None, note: str | None = None
) -> Decision:
    """Give the mentions of ``entity_id`` written (or normalised) as ``name`` a new entity."""
    with case.session() as s:
        entity = _entity(s, entity_id)
        names = [n.get("name") for n in entity.names or []]
        mentions = s.scalars(
            select(Mention).where(
                Mention.entity_id == entity.id, or_(Mention.text == name, Mention.normal == name)
            )
        ).all()
        if not mentions and name not in names:
            listed = ", ".join(repr(n) for n in names) or "none"
            raise MergeError(f"entity {entity_id} has no name {name!r} (its names: {listed})")
        total = s.scalar(
            select(Mention.id).where(Mention.entity_id == entity.id, Mention.id.not_in(
                [m.id for m in mentions])).limit(1)
        )  # fmt: skip
        if mentions and total is None:
            raise MergeError(
                f"every mention of entity {entity_id} is {name!r}: nothing would be left to split"
            )
        key = split_key(entity.key or f"entity:{entity.id}", name)
        new = Entity(type=entity.type, name=name, key=key, names=[{"name": name}],
                     external_ids={}, run_id=entity.run_id)  # fmt: skip
        s.add(new)
        s.flush()
        spans = {(m.document_id, m.start_char, m.end_char) for m in mentions}
        for m in mentions:
            m.entity_id = new.id
        for st in s.scalars(select(Statement).where(Statement.speaker_entity_id == entity.id)):
            if (st.document_id, st.speaker_start, st.speaker_end) in spans or (
                st.speaker_text == name
            ):
                st.speaker_entity_id = new.id
        for ev in s.scalars(
            select(Event).where(
                or_(*(getattr(Event, f"{r}_entity_id") == entity.id for r in _EVENT_ROLES))
            )
        ):
            for role in _EVENT_ROLES:
                if (
                    getattr(ev, f"{role}_entity_id") == entity.id
                    and getattr(ev, f"{role}_text") == name
                ):
                    setattr(ev, f"{role}_entity_id", new.id)
        entity.names = [n for n in entity.names or [] if n.get("name") != name]
        s.info.pop(_DECISIONS, None)
        s.add(EntityMerge(action=SPLIT, key=entity.key or f"entity:{entity.id}",
                          entity_id=new.id, name=name,
                          actor=actor, note=note))  # fmt: skip
        return Decision(SPLIT, new.id, entity.id, (key,), len(mentions))


_DECISIONS = "overheard.entity_merges"


def split_key(key: str, name: str) -> str:
    return f"{key}|{name}"


def resolve(s: Session, key: str) -> int | None:
    """The case entity a key resolves to: the analyst's latest merge of that key, else the
    entity with that key, else (for a bare surname) the one person with that surname.

    A full name found where only its bare surname has an entity so far takes that entity,
    which then keys by the full name: «Мельник» seen first, "Taras Melnyk" later, one person.
    (``Entity.key`` is "PERSON:t melnik"; a bare surname keys "PERSON:melnik".)
    """
    found = known(s, [key]).get(key)
    return found.id if found is not None else namesake(s, key)


def known(s: Session, keys: Iterable[str]) -> dict[str, Entity]:
    """``resolve``'s first two steps for many keys at once (the analysis writer, a whole
    document's entities): each key's entity by the analyst's latest merge, else by its key.
    Keys neither finds are left out."""
    keys = set(keys)
    merged = {k: i for k, i in decisions(s)[0].items() if k in keys}
    out: dict[str, Entity] = {}
    if merged:
        by_id = {e.id: e for e in s.scalars(select(Entity).where(Entity.id.in_(merged.values())))}
        out = {k: by_id[i] for k, i in merged.items() if i in by_id}
    rest = keys - out.keys()
    if rest:
        for e in s.scalars(select(Entity).where(Entity.key.in_(rest))):
            out.setdefault(e.key or "", e)
    return out


def is_person_key(key: str) -> bool:
    return _PERSON_KEY.fullmatch(key) is not None


_PERSON_KEY = re.compile(r"PERSON:(?:(\w) )?([a-z0-9]+)")


def namesake(s: Session, key: str) -> int | None:
    """``resolve``'s last step, for a key no merge and no entity has: the one person a bare
    surname names, or the bare surname's entity a full name takes over."""
    person = _PERSON_KEY.fullmatch(key)
    if person is None:
        return None
    initial, surname = person.groups()
    if initial is None:
        # A bare surname: the one person of the case with it, in either gender.
        namesakes = _namesakes(s, surname)
        return namesakes[0].id if len(namesakes) == 1 else None
    stem = neutral(surname)
    bare = s.scalars(select(Entity).where(Entity.key == f"PERSON:{stem}").limit(1)).first()
    if bare is None or _namesakes(s, stem):
        return None
    bare.key = key
    return bare.id


def _namesakes(s: Session, stem: str) -> list[Entity]:
    """Entities of people named with an initial and this surname (his or hers)."""
    return list(
        s.scalars(
            select(Entity)
            .where(or_(Entity.key.like(f"PERSON:_ {stem}"), Entity.key.like(f"PERSON:_ {stem}a")))
            .limit(2)
        )
    )


def target_key(s: Session, key: str) -> str:
    """The key of the entity a key resolves to (the key itself where none exists yet)."""
    found = resolve(s, key)
    entity = s.get(Entity, found) if found is not None else None
    return entity.key if entity is not None and entity.key else key


def split_names(s: Session, key: str) -> dict[str, str]:
    """The surface forms split off the entity with this key: name → the split entity's key."""
    return {name: split_key(key, name) for name in decisions(s)[1].get(key, [])}


def decisions(s: Session) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Every recorded decision, read once per session (the analysis writer asks for each
    entity of each document; the table is small and usually empty): the latest merge of each
    key → its entity, and each key's split-off names."""
    cached = s.info.get(_DECISIONS)
    if cached is None:
        merged: dict[str, int] = {}
        splits: dict[str, list[str]] = {}
        for row in s.scalars(select(EntityMerge).order_by(EntityMerge.id)):
            if row.action == MERGE and row.entity_id is not None:
                merged[row.key] = row.entity_id
            elif row.action == SPLIT and row.name:
                splits.setdefault(row.key, []).append(row.name)
        cached = s.info[_DECISIONS] = (merged, splits)
    return cached


def history(case: Case, entity_id: int | None = None) -> list[dict[str, Any]]:
    """The recorded decisions, newest first (for one entity: those that name it)."""
    with case.reader() as s:
        query = select(EntityMerge).order_by(EntityMerge.id.desc())
        if entity_id is not None:
            query = query.where(EntityMerge.entity_id == entity_id)
        return [
            {"id": r.id, "action": r.action, "key": r.key, "entity_id": r.entity_id,
             "name": r.name, "actor": r.actor, "note": r.note,
             "created_at": r.created_at.isoformat() if r.created_at else None}
            for r in s.scalars(query)
        ]  # fmt: skip


def list_entities(case: Case, entity_type: str | None = None) -> list[dict[str, Any]]:
    """The case's entities with their names, key and how many mentions name them."""
    with case.reader() as s:
        counts = dict(
            s.execute(
                select(Mention.entity_id, func.count())
                .where(Mention.entity_id.is_not(None))
                .group_by(Mention.entity_id)
            ).all()  # type: ignore[arg-type]
        )
        query = select(Entity).order_by(Entity.type, Entity.name, Entity.id)
        if entity_type:
            query = query.where(Entity.type == entity_type.upper())
        return [
            {"id": e.id, "type": e.type, "name": e.name, "key": e.key,
             "names": [n.get("name") for n in e.names or []],
             "external_ids": e.external_ids or {}, "mentions": counts.get(e.id, 0)}
            for e in s.scalars(query)
        ]  # fmt: skip
