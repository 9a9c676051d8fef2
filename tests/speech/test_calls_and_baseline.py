"""The held-out call generator's plan and dialogue, and the plain-Whisper column of the speech
evaluation (no model, no Festival: those run in `python -m overheard.eval.calls`)."""

from __future__ import annotations

import json

from overheard.eval import calls
from overheard.eval.speech import ClipResult, SpeechEval


def test_plan_covers_every_dialogue_and_channel() -> None:
    dialogues = json.loads(calls.DIALOGUE.read_text(encoding="utf-8"))["dialogues"]
    planned = calls.plan(40)
    assert len(planned) == 40
    pairs = {(d["id"], ch.name) for d, ch in planned}
    assert len(pairs) == 40  # no clip repeats a dialogue through the same channel
    assert {d["id"] for d, _ in planned} == {d["id"] for d in dialogues}
    assert {ch.container for _, ch in planned} == {"wav", "ogg", "mp3"}


def test_dialogue_spells_numbers_and_has_the_hard_cases() -> None:
    dialogues = json.loads(calls.DIALOGUE.read_text(encoding="utf-8"))["dialogues"]
    turns = [t for d in dialogues for t in d["turns"]]
    assert not any(ch.isdigit() for t in turns for ch in t["text"])  # references say words
    assert {t["lang"] for t in turns} == {"ru", "en"}
    assert any(len({t["speaker"] for t in d["turns"]}) == 3 for d in dialogues)
    assert any(t.get("pause", 0) >= 3 for t in turns)  # long silences
    assert any("квадрат шестьдесят один тридцать четыре" in t["text"].lower() for t in turns)


def test_baseline_column_beside_the_pipeline() -> None:
    report = SpeechEval(
        clips=[
            ClipResult(
                "call_h01",
                "ru",
                "transcribe",
                "ok",
                words=(4, 10),
                chars=(10, 50),
                base_words=(6, 10),
                base_chars=(20, 50),
            ),  # fmt: skip
            ClipResult(
                "call_h02",
                "ru",
                "transcribe",
                "ok",
                words=(1, 10),
                chars=(5, 50),
                base_words=(2, 10),
                base_chars=(5, 50),
            ),  # fmt: skip
        ]
    )
    md = report.to_markdown("python -m overheard.eval.speech --baseline")
    header = next(line for line in md.splitlines() if line.startswith("| clip"))
    assert "| CER | plain WER | plain CER |" in header
    row = next(line for line in md.splitlines() if line.startswith("| call_h01"))
    assert "| 20.0% | 60.0% | 40.0% |" in row
    assert "CER 15.0% (plain Whisper WER 40.0%, CER 25.0%; 0 of 2 clips more than 3" in md
    assert report.pooled({"ru"}, "call_")["base_cer"] == 0.25
    assert "plain" not in SpeechEval(clips=[ClipResult("x", "ru", "transcribe", "ok")]).to_markdown(
        "c"
    )


def test_rtf_and_clips_worse_than_plain_are_reported() -> None:
    clips = [
        ClipResult("call_h01", "ru", "transcribe", "ok", seconds=3.0, duration=20.0,
                   words=(4, 10), chars=(20, 100), base_words=(4, 10), base_chars=(16, 100),
                   base_seconds=5.0),
        ClipResult("call_h02", "ru", "transcribe", "ok", seconds=1.0, duration=20.0,
                   words=(1, 10), chars=(5, 100), base_words=(2, 10), base_chars=(10, 100),
                   base_seconds=3.0),
    ]  # fmt: skip
    pooled = SpeechEval(clips=clips).pooled({"ru"}, "call_")
    assert pooled["rtf"] == 0.1 and pooled["base_rtf"] == 0.2
    assert pooled["worse_3pt"] == 1  # h01: CER 20 % against plain 16 %
    md = SpeechEval(clips=clips).to_markdown("c")
    assert "1 of 2 clips more than 3 CER points worse than plain), RTF 0.100 (plain 0.200)" in md


def test_numbers_as_digits_on_both_sides() -> None:
    from overheard.eval.speech import _digit_chars, as_digits, normalise

    ref = "Квадрат шестьдесят один тридцать четыре. Сто сорок пять пятьсот, понял."
    assert as_digits(normalise(ref)) == ["квадрат", "61", "34", "145", "500", "понял"]
    # A right figure written as digits costs a separator at most, not the whole number.
    assert _digit_chars("Сто сорок пять пятьсот, понял.", "145500, понял.") == (1, 13)
    assert _digit_chars("Двадцать два ноль ноль", "22 0 0") == (0, 6)
    clip = ClipResult("call_h01", "ru", "transcribe", "ok", words=(1, 4), chars=(30, 40),
                      digit_chars=(1, 13), base_words=(1, 4), base_chars=(2, 40),
                      base_digit_chars=(3, 13))  # fmt: skip
    md = SpeechEval(clips=[clip]).to_markdown("c")
    assert "CER with numbers as digits 7.7% (plain 23.1%)" in md
