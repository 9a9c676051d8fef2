"""Lexicons as data: every package file loads, a case's overrides add and remove entries, the
fingerprint follows every file, a bad row is named by file and line."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from overheard.text import lexicon
from overheard.text.entities import extract_mentions, link_mentions, parse_en
from overheard.text.lexicon import LexiconError
from overheard.text.records import Statement
from overheard.text.statements import extract_statements

NAMES = sorted(p.name.removesuffix(".tsv") for p in lexicon.PACKAGE_DIR.glob("*.tsv"))


@pytest.fixture(autouse=True)
def _no_overrides(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # Asks for monkeypatch so that a test's patches are undone after the configure(None) below.
    lexicon.configure(None)
    yield
    lexicon.configure(None)


def _keep_gazetteer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the loaded gazetteer (seconds to rebuild) for the other tests."""
    kept = [entry for entry in lexicon._on_change if entry[1] is None]
    monkeypatch.setattr(lexicon, "_on_change", kept)


def _statements(text: str, lang: str = "en") -> list[Statement]:
    doc = parse_en(text) if lang == "en" else None
    mentions = extract_mentions(text, lang, doc)
    link_mentions(mentions)
    return extract_statements(text, lang, mentions, doc)


def _override(folder: Path, name: str, *rows: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}.tsv"
    path.write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", NAMES)
def test_package_lexicon_loads_and_says_what_it_is(name: str) -> None:
    lines = (lexicon.PACKAGE_DIR / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# "), "a file starts with what it is for"
    columns = next(line for line in lines if not line.startswith("#")).split("\t")
    header = "\n".join(line for line in lines if line.startswith("#"))
    for column in columns:
        assert re.search(rf"\b{column}\b", header), f"the header explains the column {column}"
    rows = lexicon.table(name)
    assert rows and all(list(row) == columns for row in rows)


def test_expected_lexicons_exist() -> None:
    for name in (
        "speech_cues.en",
        "speech_cues.ru",
        "hedges.en",
        "hedges.ru",
        "pronouns.en",
        "pronouns.ru",
        "event_triggers.en",
        "event_object_triggers.en",
        "event_triggers.ru",
        "units.en",
        "equipment.ru",
        "groups.en",
        "countries",
        "us_states",
    ):
        assert name in NAMES


def test_override_adds_an_english_speech_verb(tmp_path: Path) -> None:
    text = "The minister insinuated that the army had fled the city."
    assert not any(s.cue and s.cue.text == "insinuated" for s in _statements(text))
    _override(tmp_path, "speech_cues.en", "lemma\tact\tneeds_clause", "insinuate\tallege\tyes")
    lexicon.configure(tmp_path)
    found = [s for s in _statements(text) if s.cue and s.cue.text == "insinuated"]
    assert found, "the added verb is a cue"
    assert found[0].act == "allege"
    assert found[0].speaker and found[0].speaker.text == "The minister"
    assert found[0].content.text == "the army had fled the city"
    from overheard.text.statements import EN_CUES

    assert EN_CUES["insinuate"] == "allege"
    assert "insinuate" in lexicon.en_parse_lemmas()
    lexicon.configure(None)
    assert not any(s.cue and s.cue.text == "insinuated" for s in _statements(text))


def test_override_removes_an_entry(tmp_path: Path) -> None:
    text = "Rebel commanders claim the airport is under their control."
    assert any(s.act == "allege" for s in _statements(text))
    _override(tmp_path, "speech_cues.en", "-claim")  # the column-name row is optional
    lexicon.configure(tmp_path)
    assert not any(s.cue and s.cue.text == "claim" for s in _statements(text))
    assert "claim" not in lexicon.en_parse_lemmas()


def test_override_of_a_russian_pattern(tmp_path: Path) -> None:
    text = "МИД опроверг сообщения о переброске войск."
    assert [s.act for s in _statements(text, "ru")] == ["deny"]
    _override(tmp_path, "speech_cues.ru", "-опроверг\\w*\tdeny")  # only the row with this act
    lexicon.configure(tmp_path)
    assert _statements(text, "ru") == []
    _override(tmp_path, "speech_cues.ru", "-опроверг\\w*", "опроверг\\w*\tallege")
    lexicon.configure(tmp_path)
    assert [s.act for s in _statements(text, "ru")] == ["allege"]


def test_override_reaches_the_gazetteer_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from overheard.text import places

    _keep_gazetteer(monkeypatch)
    assert "Ruritania" not in places._country_names()["RU"]
    _override(tmp_path, "countries", "RU\tRuritania")
    lexicon.configure(tmp_path)
    assert "Ruritania" in places._country_names()["RU"]


def test_a_dear_cache_is_dropped_only_when_its_tables_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _keep_gazetteer(monkeypatch)
    calls: list[str] = []
    lexicon.on_change(lambda: calls.append("cleared"), ["countries"])
    _override(tmp_path, "hedges.en", "ostensibly")
    lexicon.configure(tmp_path)
    assert calls == []
    _override(tmp_path, "countries", "RU\tRuritania")
    lexicon.configure(tmp_path)
    lexicon.configure(tmp_path)  # nothing changed since
    assert calls == ["cleared"]


def test_fingerprint_follows_every_file(tmp_path: Path) -> None:
    plain = lexicon.fingerprint()
    assert len(plain) == 16 and plain == lexicon.fingerprint()
    lexicon.configure(tmp_path / "missing")  # a case without overrides
    assert lexicon.fingerprint() == plain
    path = _override(tmp_path / "lexicons", "hedges.en", "phrase", "ostensibly")
    lexicon.configure(tmp_path / "lexicons")
    first = lexicon.fingerprint()
    assert first != plain
    path.write_text("phrase\nostensibly\npurportedly so\n", encoding="utf-8")
    assert lexicon.fingerprint() != first
    lexicon.configure(None)
    assert lexicon.fingerprint() == plain


def test_hedge_override_is_collected(tmp_path: Path) -> None:
    text = "The general ostensibly ordered the retreat, officials said."
    assert not any(s.hedged for s in _statements(text))
    _override(tmp_path, "hedges.en", "phrase", "ostensibly")
    lexicon.configure(tmp_path)
    assert any("ostensibly" in s.hedges for s in _statements(text))


def test_event_trigger_override(tmp_path: Path) -> None:
    from overheard.text.events import extract_events

    text = "The militia besieged the town."
    doc = parse_en(text)
    before = extract_events(text, "en", extract_mentions(text, "en", doc), [], doc)
    assert not any(e.trigger.text == "besieged" for e in before)
    _override(tmp_path, "event_triggers.en", "besiege\tCOERCE\t-")
    lexicon.configure(tmp_path)
    after = extract_events(text, "en", extract_mentions(text, "en", doc), [], doc)
    assert [e.type for e in after if e.trigger.text == "besieged"] == ["COERCE"]


@pytest.mark.parametrize(
    ("name", "rows", "message"),
    [
        ("speech_cues.en", ["insinuate\tallege"], "speech_cues.en.tsv:1: 2 cell(s), expected 3"),
        ("speech_cues.en", ["lemma\tact\tneeds_clause", "x\tgossip\tno"], ":2: unknown act"),
        ("event_triggers.en", ["besiege\tSIEGE\t-"], ":1: unknown type 'SIEGE'"),
        ("event_triggers.en", ["besiege\t-\t-"], ":1: type is empty"),
        ("units.en", ["Cohorts?\tbattalion"], ":1: unknown role 'battalion'"),
        ("speech_cues.ru", ["намек(\tallege"], ":1: bad regular expression"),
        ("speech_cues.en", ["-gossip"], ":1: '-gossip' removes nothing"),
        ("speech_cue.en", ["insinuate\tallege\tyes"], "no package lexicon of that name"),
    ],
)
def test_malformed_override_names_file_and_line(
    tmp_path: Path, name: str, rows: list[str], message: str
) -> None:
    _override(tmp_path, name, *rows)
    with pytest.raises(LexiconError, match=re.escape(message)) as raised:
        lexicon.configure(tmp_path)
    assert str(tmp_path) in str(raised.value)
    assert isinstance(raised.value, ValueError)
    # A failed configure leaves the tables as they were.
    assert "insinuate" not in lexicon.en_parse_lemmas()


def test_unknown_table() -> None:
    with pytest.raises(LexiconError, match="no lexicon named"):
        lexicon.table("nonsense.en")


def test_other_files_in_the_override_folder_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    lexicon.configure(tmp_path)
    assert lexicon.table("hedges.en") == lexicon.table("hedges.en")


SEED_LIKE = (
    "A recently obtained intercept reveals Russian soldiers frustrated by the arrival of North "
    "Korean troops. One soldier is heard venting, “Who knows what we’re supposed to do with "
    "them.” Another soldier resigned, “I just went out for a smoke.” According to military "
    "intelligence, the brigade lost two tanks. South Korea voiced grave concern over the pact. "
    "Zelensky called on allies to respond. Seoul held talks with Washington and imposed "
    "sanctions on Pyongyang. The troops pulled back from the river. Moscow sent tanks."
)


def test_parse_lemmas_cover_every_statement_and_event() -> None:
    """Each sentence that yields a statement or an event holds a lemma of en_parse_lemmas():
    parsing only those sentences loses nothing here."""
    from overheard.text.events import extract_events

    lemmas = lexicon.en_parse_lemmas()
    doc = parse_en(SEED_LIKE)
    mentions = extract_mentions(SEED_LIKE, "en", doc)
    statements = extract_statements(SEED_LIKE, "en", mentions, doc)
    events = extract_events(SEED_LIKE, "en", mentions, [], doc)
    assert len(statements) >= 5 and len(events) >= 5
    anchors = [s.cue.start if s.cue else s.content.start for s in statements]
    anchors += [e.trigger.start for e in events]
    for start in anchors:
        sentence = next(s for s in doc.sents if s.start_char <= start < s.end_char)
        assert any(t.lemma_.lower() in lemmas or t.text in lemmas for t in sentence), sentence
