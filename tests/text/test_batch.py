"""Batch analysis: the same results as one text at a time, the partial English parse the same
statements and events as spaCy's whole pipeline, datelines, thread limits, the gazetteer cache."""

from __future__ import annotations

import os
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import pytest

from overheard.text import english_parse, models
from overheard.text.analyze import AnalysisInput, analyze, analyze_batch
from overheard.text.entities import extract_mentions, natasha_spans, natasha_spans_many
from overheard.text.events import extract_events
from overheard.text.statements import extract_statements

EN = [
    "KYIV, March 4, 2025 — Ukrainian President Volodymyr Zelensky said on Monday that Russian "
    "forces had shelled Kharkiv overnight. The city is large and old. According to the mayor, "
    'three people were killed. "We will rebuild everything," he told reporters. Officials in '
    "Kyiv did not attack the bridge. The weather was cold yesterday.",
    "North Korea denied sending troops to Russia, citing its sovereignty. South Korea's spy "
    "agency claimed on Tuesday that 1,500 soldiers had been deployed near Vladivostok. The "
    "United States voiced grave concern and urged Pyongyang to withdraw. Analysts doubt the "
    "figures. There is no sign of them.",
    "One soldier is heard venting, “Who knows how long we are gonna stay here? We ain’t got "
    "food.” Another soldier complained about supplies. Russia's parliament ratified a defence "
    "treaty with Pyongyang this week, and Moscow held talks with Beijing.",
    "",
    "Short line without anything in it",
]
RU = [
    "4 марта 2025 года. МИД КНДР опроверг сообщения о переброске войск. Вчера в 5 утра "
    "российские войска обстреляли позиции под Авдеевкой. «Мы не отступим», — сказал командир "
    "батальона Андрей Юсов. Президент призвал союзников ввести санкции.",
    "По словам Дмитрия Пескова, переговоры в Стамбуле продолжатся в пятницу.",
]
UK = [
    "4 березня 2025 року. Президент України Володимир Зеленський заявив, що вчора російські "
    "війська атакували Харків. За його словами, загинули троє людей.",
]
DOC_DATE = datetime(2025, 3, 4, 12, 0)


def _items() -> list[AnalysisInput]:
    """Every language, with and without a document date, with and without a dateline."""
    texts = [(t, "en") for t in EN] + [(t, "ru") for t in RU] + [(t, "uk") for t in UK]
    return [
        AnalysisInput(text, lang, DOC_DATE if i % 2 else None, find_dateline=bool(i % 3))
        for i, (text, lang) in enumerate(texts)
    ]


def test_batch_equals_one_at_a_time() -> None:
    items = _items()
    batch = analyze_batch(items)
    single = [analyze(i.text, i.lang, i.doc_date, find_dateline=i.find_dateline) for i in items]
    assert len(batch) == len(items)
    for b, s in zip(batch, single, strict=True):
        assert asdict(b) == asdict(s)
    # Mixed languages stay in order and the texts are analysed, not just returned.
    assert [r.lang for r in batch] == [i.lang for i in items]
    assert batch[0].statements and batch[0].events and batch[0].mentions and batch[0].dates


@pytest.mark.parametrize("text", EN[:3])
def test_partial_parse_gives_what_the_full_parse_gives(text: str) -> None:
    partial = english_parse.parse(text)
    full = english_parse.full_parse(text)
    assert [(e.start_char, e.end_char, e.label_) for e in partial.ents] == [
        (e.start_char, e.end_char, e.label_) for e in full.ents
    ]
    found = []
    for doc in (partial, full):
        mentions = extract_mentions(text, "en", doc)
        statements = extract_statements(text, "en", mentions, doc)
        events = extract_events(text, "en", mentions, [], doc)
        found.append(([asdict(m) for m in mentions], statements, events))
    assert found[0] == found[1]
    assert found[0][1] and found[0][2]


def test_sentences_without_a_rule_word_are_left_unparsed() -> None:
    doc = english_parse.parse(EN[0])
    sents = {s.text: s for s in doc.sents}
    flat = sents["The city is large and old."]
    assert [t.dep_ for t in flat] == ["ROOT"] + ["dep"] * (len(flat) - 1)
    said = next(s for s in doc.sents if "said" in s.text)
    assert {t.dep_ for t in said} & {"nsubj", "ccomp"}
    # Tags and lemmas are there throughout: the gazetteer rule and the next sentence need them.
    assert [t.pos_ for t in flat][:2] == ["DET", "NOUN"] and flat[2].lemma_ == "be"


def test_memoised_ruler_and_lemmatizer_match_spacys() -> None:
    from spacy.attrs import DEP, LEMMA, MORPH, POS, TAG
    from spacy.tokens import Doc

    nlp = models.spacy_en()
    ruler = nlp.get_pipe("attribute_ruler")
    lemmatizer = nlp.get_pipe("lemmatizer")
    memo_ruler = english_parse._MemoRuler(ruler)
    memo_lemmatizer = english_parse._MemoLemmatizer(lemmatizer)
    columns = [POS, MORPH, LEMMA, TAG, DEP]
    texts = [*EN, "Y'all gonna see, ain't it? Let's go. There were two. C'mon!\n\n It's  fine."]
    for parsed in (False, True):
        with nlp.select_pipes(enable=["tok2vec", "tagger", "parser"][: 3 if parsed else 2]):
            docs = list(nlp.pipe(texts))
        for doc in docs:
            copy = Doc(nlp.vocab).from_bytes(doc.to_bytes())
            lemmatizer(ruler(doc))
            memo_lemmatizer(memo_ruler(copy))
            assert (doc.to_array(columns) == copy.to_array(columns)).all(), doc.text


def test_natasha_in_batches_equals_one_at_a_time() -> None:
    texts = [*RU, *UK, "", "   ", RU[0] * 3, "Москва"]
    assert natasha_spans_many(texts) == [natasha_spans(t) for t in texts]
    assert natasha_spans_many(texts)[3:5] == [[], []]


def test_dateline_anchors_relative_dates() -> None:
    text = EN[0]
    found = analyze(text, "en", find_dateline=True)
    assert found.anchor == datetime(2025, 3, 4)
    yesterday = next(d for d in found.dates if d.text == "yesterday")
    assert yesterday.value == datetime(2025, 3, 3)
    # A document date wins; without either, relative dates get no value.
    dated = analyze(text, "en", datetime(2025, 5, 1), find_dateline=True)
    assert dated.anchor == datetime(2025, 5, 1)
    plain = analyze(text, "en")
    assert plain.anchor is None
    assert next(d for d in plain.dates if d.text == "yesterday").value is None
    ru = analyze(RU[0], "ru", find_dateline=True)
    assert ru.anchor == datetime(2025, 3, 4)
    assert any(d.value == datetime(2025, 3, 3, 5, 0) for d in ru.dates)


def test_limit_threads_holds_loaded_libraries_to_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy  # noqa: F401 - loaded before the limit, as in a worker that imported spaCy

    threadpoolctl = pytest.importorskip("threadpoolctl")
    for name in models._THREAD_VARIABLES:
        monkeypatch.setenv(name, "")  # restored after the test, as the limits below are
    with threadpoolctl.threadpool_limits(limits=None):
        counts = models.limit_threads(1)
    assert any("openblas" in name for name in counts)
    assert counts and all(n == 1 for n in counts.values())
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"


def test_gazetteer_cache_round_trip(tmp_path: Path) -> None:
    from overheard.text import places

    gaz = places.Gazetteer.__new__(places.Gazetteer)
    kyiv = places._Entry(703448, "Kyiv", "UA", "city", 50.45, 30.52, 2_797_553, "UA", "12")
    kentucky = places._Entry(6254925, "Kentucky", "US", "admin1", 37.5, -85.0, 4_000_000, None)
    gaz.index = {"kyiv": [kyiv], "киев": [kyiv], "kentucky": [kentucky]}
    gaz.abbreviations = {"Ky.": kentucky}
    gaz.country_centre = {"UA": (50.45, 30.52)}
    ukraine = places._Entry(690791, "Ukraine", "UA", "country", 49.0, 32.0, 44_000_000, None)
    gaz.demonyms = {"ukrainian": [ukraine]}
    path = tmp_path / "5000-test.sqlite"
    places._write(path, gaz)
    back = places._open(path)
    for name in ("Kyiv", "Киев", "Ky.", "Kentucky", "the Kyiv", "Nowhere"):
        assert back.lookup(name) == gaz.lookup(name)
    assert back.lookup("Киев")[0] is back.lookup("kyiv")[0]
    assert back.country_centre == gaz.country_centre
    assert back.demonym("Ukrainian") == gaz.demonym("Ukrainian") == [ukraine]
    assert back.resolve("Kyiv") == gaz.resolve("Kyiv")
