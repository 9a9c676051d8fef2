"""What a reader takes from a text: a denied act is not the act, "nobody" is no speaker, a
known place is not a person."""

from __future__ import annotations

from overheard.text.analyze import analyze


def test_an_event_inside_a_denial_is_negated() -> None:
    text = (
        "The Kremlin denied that any foreign units were fighting in the Kursk region. "
        "Ukrainian forces attacked a depot near Belgorod."
    )
    result = analyze(text, "en")
    assert any(s.act == "deny" for s in result.statements)
    fighting = [e for e in result.events if e.trigger.text == "fighting"]
    assert fighting and all(e.negated for e in fighting)
    attacked = [e for e in result.events if e.trigger.text == "attacked"]
    assert attacked and not any(e.negated for e in attacked)


def test_a_quantifier_is_not_a_speaker() -> None:
    for text, lang in (
        ("Soldiers complained that nobody told them how to work with the new troops.", "en"),
        ("Nobody denied that the convoy had left.", "en"),
        ("Никто не заявил, что колонна ушла.", "ru"),
        ("Ніхто не заявив, що колона пішла.", "uk"),
    ):
        speakers = [s.speaker.text.lower() for s in analyze(text, lang).statements if s.speaker]
        assert not {"nobody", "никто", "ніхто"} & set(speakers), (text, speakers)


def test_known_places_are_not_people() -> None:
    text = (
        "Air defence units shot down 31 drones over the Sumy and Kharkiv regions. "
        "Officials in Sumy said a school was damaged."
    )
    labels = {(m.text, m.label) for m in analyze(text, "en").mentions}
    assert ("Sumy", "GPE") in labels and ("Kharkiv", "GPE") in labels
    assert not any(
        label in ("PERSON", "ORG") for name, label in labels if name in ("Sumy", "Kharkiv")
    )
