"""Event triggers checked against their arguments (event_senses.tsv): a word used in another
sense gives no event, or the event of that sense; confidence comes from the parse.

The sentences are written here in the patterns of the seed report's false events ("the
recordings, released by ..., capture the grumbling of soldiers"; 'he resigned, "..."'), beside
the true events of the same words that must stay."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from overheard.text import lexicon
from overheard.text.entities import extract_mentions, parse_en
from overheard.text.events import extract_events, main_event
from overheard.text.records import Event


@pytest.fixture(autouse=True)
def _no_overrides() -> Iterator[None]:
    lexicon.configure(None)
    yield
    lexicon.configure(None)


def _events(text: str, lang: str = "en") -> list[Event]:
    doc = parse_en(text) if lang == "en" else None
    return extract_events(text, lang, extract_mentions(text, lang, doc), [], doc)


def _by_trigger(text: str, lang: str = "en") -> dict[str, str]:
    return {e.trigger.text: e.type for e in _events(text, lang)}


@pytest.mark.parametrize(
    ("text", "word"),
    [
        # media and statements are captured and released in another sense
        (
            "The tape, released by the border guards on Friday, captures two officers arguing.",
            "released",
        ),
        (
            "The tape, released by the border guards on Friday, captures two officers arguing.",
            "captures",
        ),
        (
            "A video published on Tuesday appears to capture a commander shouting at his men.",
            "capture",
        ),
        ("The intercepts capture the quiet despair of the conscripts in the trenches.", "capture"),
        ("The ministry released a statement on the shelling of the port.", "released"),
        ("Police released the names of the two drivers late on Sunday.", "released"),
        ("The photographer captured the mood of the crowd.", "captured"),
        ("The governor shared a video of the damaged school.", "shared"),
        # a verb that introduces a quotation is speech, not the act it names elsewhere
        ("Tired and cold, the sergeant resigned, “We will just wait for the trucks.”", "resigned"),
        # a participle that describes a noun tells what it is, not an act
        ("The garrison is made up of poorly trained conscripts.", "trained"),
        ("Officials moved the relatives of deployed marines to another town.", "deployed"),
        # a threat to a state of affairs is no threat by anyone
        ("The shelling of the plant threatens regional stability.", "threatens"),
        # a course of action that "helps" something is no aid by anyone
        ("They oppose any cooperation that helps prolong the siege.", "helps"),
        # a warning of what happened, or of what might, is no threat
        ("The mayor warned that rockets had hit the power station.", "warned"),
        ("The president warned that foreign troops might be sent to the front.", "warned"),
    ],
)
def test_a_trigger_in_another_sense_gives_no_event(text: str, word: str) -> None:
    assert word not in _by_trigger(text)


@pytest.mark.parametrize(
    ("text", "word", "kind"),
    [
        ("Russian forces captured the village of Pisky on Monday.", "captured", "ASSAULT"),
        ("The rebels released twelve hostages after the talks.", "released", "CONCEDE"),
        ("Kyiv freed forty prisoners of war on Friday.", "freed", "CONCEDE"),
        ("The defence minister resigned on Friday.", "resigned", "RETREAT"),
        ("The army deployed two brigades to the border.", "deployed", "MOBILIZE"),
        ("Moscow threatened Kyiv with new strikes.", "threatened", "THREATEN"),
        ("The general warned that his troops will not tolerate the raids.", "warned", "THREATEN"),
        ("Drones hit two armoured vehicles near the village overnight.", "hit", "ASSAULT"),
        ("The two governments shared intelligence on the smugglers.", "shared", "COOPERATE"),
        ("Volunteers helped the residents of the flooded village.", "helped", "AID"),
        ("The cabinet suspended the aid programme for the region.", "suspended", "SANCTION"),
        # the sense of the word with this object is another event
        ("The two leaders struck a deal on grain exports.", "struck", "AGREE"),
        ("The government cancelled the curfew in the capital.", "cancelled", "CONCEDE"),
        ("Belarus offered its troops to guard the border.", "offered", "AGREE"),
        # an event noun carried by a light verb's object or, with no object, its subject
        ("The bishop launched a mediation effort between the two towns.", "launched", "CONSULT"),
        ("Riots against the new tax are continuing in the north.", "continuing", "PROTEST"),
    ],
)
def test_a_trigger_in_its_sense_stays(text: str, word: str, kind: str) -> None:
    assert _by_trigger(text).get(word) == kind


@pytest.mark.parametrize(
    ("text", "lang", "word"),
    [
        ("Разведка передала журналистам запись разговора двух военных.", "ru", "передала"),
        ("Камера захватила момент взрыва на складе.", "ru", "захватила"),
        ("Утром ударили морозы.", "ru", "ударили"),
        ("Розвідка передала журналістам запис розмови.", "uk", "передала"),
        ("Командир предупредил, что ночью дроны ударили по складу.", "ru", "предупредил"),
    ],
)
def test_russian_and_ukrainian_triggers_in_another_sense(text: str, lang: str, word: str) -> None:
    assert word not in _by_trigger(text, lang)


@pytest.mark.parametrize(
    ("text", "lang", "word", "kind"),
    [
        ("Военные передали продовольствие батальону.", "ru", "передали", "AID"),
        ("Войска захватили мост через реку.", "ru", "захватили", "COERCE"),
        ("Боевики освободили заложников.", "ru", "освободили", "CONCEDE"),
        ("Дроны ударили по складу в Судже.", "ru", "ударили", "ASSAULT"),
        # a settlement taken back is an assault, people set free a concession
        ("Войска освободили село после боёв.", "ru", "освободили", "ASSAULT"),
        ("Росія звільнила полонених.", "uk", "звільнила", "CONCEDE"),
        ("Командир предупредил, что завтра они ударят по мосту.", "ru", "предупредил", "THREATEN"),
        ("Сили оборони звільнили село.", "uk", "звільнили", "ASSAULT"),
    ],
)
def test_russian_and_ukrainian_triggers_in_their_sense(
    text: str, lang: str, word: str, kind: str
) -> None:
    assert _by_trigger(text, lang).get(word) == kind


def _confidence(text: str, word: str) -> float:
    return next(e.confidence for e in _events(text) if e.trigger.text == word)


def test_confidence_follows_the_parse() -> None:
    full = _confidence("Russian forces shelled the bridge.", "shelled")
    assert 0 < full <= 1
    assert _confidence("The bridge was shelled.", "shelled") < full, "no actor"
    assert _confidence("Russian forces did not shell the bridge.", "shell") < full, "negated"
    buried = _confidence("Officials said that reports suggested forces had shelled it.", "shelled")
    assert buried < full, "deep in the parse"


def test_a_checked_sense_is_surer_than_an_unchecked_one() -> None:
    checked = _confidence("The rebels released the hostages.", "released")
    unchecked = _confidence("The rebels released on Friday.", "released")
    assert unchecked < checked


def test_main_event_is_the_highest_in_the_parse() -> None:
    text = "The government refused to deploy peacekeepers in the region."
    doc = parse_en(text)
    events = extract_events(text, "en", extract_mentions(text, "en", doc), [], doc)
    event = main_event(events, doc)
    assert event is not None and event.trigger.text == "refused"


def test_a_sense_added_by_an_override(tmp_path: Path) -> None:
    assert _by_trigger("The singer stormed the charts.").get("stormed") == "ASSAULT"
    (tmp_path / "event_senses.tsv").write_text("storm\ten\tobject\tstate\tnone\n", encoding="utf-8")
    (tmp_path / "event_noun_classes.tsv").write_text("chart\ten\tstate\n", encoding="utf-8")
    lexicon.configure(tmp_path)
    assert "stormed" not in _by_trigger("The singer stormed the charts.")
    assert _by_trigger("Troops stormed the town hall.").get("stormed") == "ASSAULT"


def test_a_sense_that_becomes_no_type_is_refused(tmp_path: Path) -> None:
    (tmp_path / "event_senses.tsv").write_text(
        "storm\ten\tobject\tstate\tSIEGE\n", encoding="utf-8"
    )
    lexicon.configure(tmp_path)
    with pytest.raises(lexicon.LexiconError, match="SIEGE"):
        _events("Troops stormed the town hall.")


@pytest.mark.parametrize(
    ("text", "word", "kind"),
    [
        # a form spaCy lemmatizes wrongly ("staged" → "stag") is read as the verb it inflects
        ("Farmers staged a protest outside the ministry on Monday.", "staged", "PROTEST"),
        # what one party says another must do is a demand, whatever the act
        ("The ministry said the contractor must repay the advance.", "repay", "REQUEST"),
        # an intention coded by its sign; on an "unless" condition, a threat
        ("The monitors are willing to withdraw from the valley.", "withdraw", "AGREE"),
        (
            "The mayor said he will close the market unless the traders pay the fee.",
            "close",
            None,
        ),
        (
            "The army said it will withdraw its units unless the rebels disarm.",
            "withdraw",
            "THREATEN",
        ),
        ("The two parties failed to reach an agreement on the budget.", "reach", "REJECT"),
        # light verbs of announcing, placing and ordering carry their object's event
        ("The cabinet announced a boycott of the games.", "announced", "SANCTION"),
        ("The mayor was put under investigation for fraud.", "put", "ACCUSE"),
        ("The governor ordered patrols along the river.", "ordered", "MOBILIZE"),
        ("The court ordered the minister to testify in person.", "ordered", "REQUEST"),
        # ending an event is its own kind of event
        ("The union called off the strike after the vote.", "called", "CONCEDE"),
        ("The envoy broke off talks with the rebels.", "broke", "SANCTION"),
        ("The army halted the offensive near the river.", "halted", "RETREAT"),
        # holding people is detaining them; a count is what it counts
        ("The militia is holding dozens of villagers in a school.", "holding", "COERCE"),
        # accepting a demand is a concession; allowing one too
        ("The council accepted the demands of the strikers.", "accepted", "CONCEDE"),
        ("The police allowed the marchers to enter the square.", "allowed", "CONCEDE"),
        # the gerund of a trigger is an event noun
        ("Insurgents carried out a bombing near the station.", "carried", "ASSAULT"),
    ],
)
def test_plover_coding_rules(text: str, word: str, kind: str | None) -> None:
    assert _by_trigger(text).get(word) == kind


def test_an_event_noun_modifying_an_agent_noun_is_no_event() -> None:
    # the monitors watch a truce; carrying them is no agreement
    assert "carrying" not in _by_trigger("A helicopter carrying truce monitors landed.")


def test_a_demand_is_the_speaker_s() -> None:
    text = "The ministry said the contractor must repay the advance."
    event = next(e for e in _events(text) if e.trigger.text == "repay")
    assert event.actor is not None and event.actor.text == "The ministry"
    assert event.recipient is not None and event.recipient.text == "the contractor"
