"""The whole analysis in one call: offsets, places, events, provenance."""

from __future__ import annotations

from datetime import datetime

from overheard.text.analyze import analyze, provenance
from overheard.text.events import extract_events, main_event
from overheard.text.places import gazetteer

EN = (
    "Russia's parliament ratified a defence treaty with Pyongyang this week. "
    "President Volodymyr Zelensky warned that troops might be deployed near Kharkiv this "
    "weekend. Ukrainian forces shelled positions in Donetsk on Monday, and officials in Kyiv "
    "did not attack the bridge."
)
RU = (
    "МИД КНДР опроверг сообщения о переброске войск. Вчера в 5 утра российские войска "
    "обстреляли позиции под Авдеевкой. Президент призвал союзников ввести санкции."
)
DOC_DATE = datetime(2024, 10, 24, 12, 0)


def test_every_span_points_at_its_text() -> None:
    for text, lang in ((EN, "en"), (RU, "ru")):
        result = analyze(text, lang, DOC_DATE)
        spans = [(m.start, m.end, m.text) for m in result.mentions]
        for s in result.statements:
            spans += [(x.start, x.end, x.text) for x in (s.speaker, s.cue, s.content) if x]
        for e in result.events:
            spans += [
                (x.start, x.end, x.text)
                for x in (e.trigger, e.actor, e.recipient, e.place, e.time, e.evidence)
                if x
            ]
        spans += [(d.start, d.end, d.text) for d in result.dates]
        assert spans
        for start, end, surface in spans:
            assert text[start:end] == surface


def test_english_events_and_places() -> None:
    result = analyze(EN, "en", DOC_DATE)
    by_trigger = {e.trigger.text: e for e in result.events}
    agree = by_trigger["ratified"]
    assert agree.type == "AGREE"
    assert agree.actor and "parliament" in agree.actor.text
    assert agree.recipient and agree.recipient.text == "Pyongyang"
    assert agree.time_value == datetime(2024, 10, 21) or agree.time is not None
    shelled = by_trigger["shelled"]
    assert shelled.type == "ASSAULT" and shelled.place and shelled.place.text == "Donetsk"
    assert shelled.time_value == datetime(2024, 10, 21)
    assert by_trigger["attack"].negated
    assert by_trigger["deployed"].hypothetical and by_trigger["deployed"].actor is None
    roles = {p.text: p.role for p in result.places}
    assert roles["Pyongyang"] == "government"
    kyiv = next(p for p in result.places if p.text == "Kyiv")
    assert kyiv.role == "place" and kyiv.best and kyiv.best.country == "UA"


def test_russian_events() -> None:
    result = analyze(RU, "ru", DOC_DATE)
    types = {e.trigger.text: e for e in result.events}
    assert types["опроверг"].type == "REJECT"
    assert types["опроверг"].actor and types["опроверг"].actor.text == "МИД КНДР"
    shelled = types["обстреляли"]
    assert shelled.type == "ASSAULT"
    assert shelled.time_value == datetime(2024, 10, 23, 5, 0)
    assert shelled.place and shelled.place.text == "Авдеевкой"


def test_gazetteer_reads_every_script() -> None:
    gaz = gazetteer()
    for name in ("Авдеевка", "Авдіївка", "Avdiivka"):
        assert gaz.resolve(name, {"UA"})[0].name == "Avdiyivka"
    assert gaz.resolve("Артемовск", {"UA"})[0].name == "Bakhmut"
    best = gaz.resolve("Moscow")
    assert best[0].country == "RU" and len(best) > 1 and best[0].score > best[1].score


def test_main_event_is_the_main_verb() -> None:
    text = "Officials said the army attacked the village."
    event = main_event(extract_events(text, "en", [], []))
    assert event is not None and event.type == "ASSAULT"


def test_provenance_names_component_and_models() -> None:
    info = provenance()
    assert info["component"] == "overheard.text" and "natasha" in info["models"]
