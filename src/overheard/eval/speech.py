"""Score the speech pipeline against the reference clips in ../shared/data.

    python -m overheard.eval.speech [--data ../shared/data] [--beam-size N] [--write docs/EVAL.md]

Metrics (all documented in docs/EVAL.md under "## Speech"):

- WER / CER per clip and pooled, after lower-casing, NFC, ё->е, punctuation and hyphens to
  spaces. The "num" variant additionally spells digits out as Russian/English words would not
  be fair either way, so it instead maps both sides' number words and digit strings to a single
  "<num>" token: it shows how much of the error is only the digits-vs-words convention.
- speaker error: a frame-level diarization error rate (10 ms frames, 0.25 s collar around
  reference boundaries, hypothesis labels mapped to reference labels by the best one-to-one
  assignment) = (missed speech + false alarm + speaker confusion) / reference speech.
- language ID: per reference segment, the language of the hypothesis utterances overlapping it
  (weighted by overlap); no overlapping hypothesis counts as wrong.
- broken files must raise InputError; the no-speech clip must give zero segments.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from overheard.errors import InputError, OverheardError

_BASELINE = (
    "intercepts/SOURCE.md: Whisper base int8, beam 5, one language per clip, no VAD, no speakers"
)
_TITLES = {"EVAL": "Evaluation", "BENCHMARKS": "Benchmarks"}
_PUNCT = re.compile(r"[^\w\s]|_")
_RU_NUMBERS = (
    "ноль один одна одно два две три четыре пять шесть семь восемь девять десять одиннадцать "
    "двенадцать тринадцать четырнадцать пятнадцать шестнадцать семнадцать восемнадцать "
    "девятнадцать двадцать тридцать сорок пятьдесят шестьдесят семьдесят восемьдесят "
    "девяносто сто двести триста четыреста пятьсот шестьсот семьсот восемьсот девятьсот тысяча "
    "тысячи тысяч первый первая второй вторая третий третья четвертый пятый шестой седьмой "
    "восьмой девятый десятый двенадцатый нуля двух трех четырех пяти шести семи восьми девяти "
    "десяти двадцати тридцати сорока ста"
)
_EN_NUMBERS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand first second third fourth fifth"
)
_NUMBER_WORDS = frozenset((_RU_NUMBERS + " " + _EN_NUMBERS).split())


def as_digits(tokens: list[str]) -> list[str]:
    """Spelled numbers as digits, the way Whisper writes them: «сто сорок пять пятьсот» ->
    145 500, «шестьдесят один тридцать четыре» -> 61 34 (text.numbers reads a dictated figure).
    Scoring both sides in this form stops a "145500" against «сто сорок пять пятьсот» from
    counting as 20 wrong characters when the figure is right."""
    from overheard.text.numbers import read_numbers

    spans = {start: (end, value) for start, end, value in read_numbers(tokens)}
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if i in spans:
            end, value = spans[i]
            out.append(str(value))
            i = end
        else:
            out.append(tokens[i])
            i += 1
    return out


def normalise(text: str, numbers: bool = False) -> list[str]:
    """Tokens for scoring: lower case, ё->е, punctuation/hyphens removed; optionally numbers
    collapsed so "сорок два" and "42" both become one "<num>"."""
    text = unicodedata.normalize("NFC", text).lower().replace("ё", "е")
    tokens = _PUNCT.sub(" ", text).split()
    if not numbers:
        return tokens
    out: list[str] = []
    for tok in tokens:
        is_num = tok.isdigit() or tok in _NUMBER_WORDS
        if is_num and out and out[-1] == "<num>":
            continue
        out.append("<num>" if is_num else tok)
    return out


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Levenshtein distance over tokens (or characters), one row of memory."""
    if not ref:
        return len(hyp)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        diag, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            cur = min(row[j] + 1, row[j - 1] + 1, diag + (r != h))
            diag, row[j] = row[j], cur
    return row[-1]


@dataclass
class ErrorCount:
    errors: int = 0
    total: int = 0

    def add(self, errors: int, total: int) -> None:
        self.errors += errors
        self.total += total

    @property
    def rate(self) -> float | None:
        return self.errors / self.total if self.total else None


def word_char_errors(ref: str, hyp: str, numbers: bool = False) -> tuple[int, int, int, int]:
    """(word errors, reference words, char errors, reference chars)."""
    r, h = normalise(ref, numbers), normalise(hyp, numbers)
    rc, hc = " ".join(r), " ".join(h)
    return edit_distance(r, h), len(r), edit_distance(rc, hc), len(rc)


def speaker_error(
    ref: Sequence[tuple[float, float, str]],
    hyp: Sequence[tuple[float, float, str]],
    duration: float,
    collar: float = 0.25,
    step: float = 0.01,
) -> tuple[float, float, float, float]:
    """Frame-level DER: (missed, false alarm, confusion, reference speech) in seconds."""
    from scipy.optimize import linear_sum_assignment

    n = int(np.ceil(duration / step)) + 1
    ref_labels = sorted({s for _, _, s in ref})
    hyp_labels = sorted({s for _, _, s in hyp})
    r = np.full(n, -1)
    h = np.full(n, -1)
    scored = np.ones(n, dtype=bool)
    for start, end, spk in ref:
        r[int(start / step) : int(end / step)] = ref_labels.index(spk)
        for edge in (start, end):
            scored[max(0, int((edge - collar) / step)) : int((edge + collar) / step)] = False
    for start, end, spk in hyp:
        h[int(start / step) : int(end / step)] = hyp_labels.index(spk)
    r, h = r[scored], h[scored]
    missed = float(np.sum((r >= 0) & (h < 0))) * step
    false_alarm = float(np.sum((r < 0) & (h >= 0))) * step
    both = (r >= 0) & (h >= 0)
    confusion = 0.0
    if ref_labels and hyp_labels and both.any():
        overlap = np.zeros((len(ref_labels), len(hyp_labels)))
        np.add.at(overlap, (r[both], h[both]), 1)
        rows, cols = linear_sum_assignment(-overlap)
        matched = overlap[rows, cols].sum()
        confusion = float(both.sum() - matched) * step
    return missed, false_alarm, confusion, float(np.sum(r >= 0)) * step


@dataclass
class ClipResult:
    clip: str
    language: str | None
    expect: str
    status: str  # ok | rejected | error | silent | FAIL: ...
    seconds: float = 0.0
    duration: float = 0.0
    words: tuple[int, int] = (0, 0)
    chars: tuple[int, int] = (0, 0)
    words_num: tuple[int, int] = (0, 0)
    der: tuple[float, float, float, float] | None = None
    lid: tuple[int, int] = (0, 0)
    speakers: tuple[int, int] | None = None  # (reference, found)
    segments: int = 0
    dropped: int = 0
    detail: str = ""
    # Plain Whisper on the whole clip, same model, same run (--baseline): (errors, total).
    base_words: tuple[int, int] = (0, 0)
    base_chars: tuple[int, int] = (0, 0)
    base_seconds: float = 0.0
    # Characters wrong / total with numbers as digits on both sides (as_digits).
    digit_chars: tuple[int, int] = (0, 0)
    base_digit_chars: tuple[int, int] = (0, 0)
    hyp: str = ""
    base_hyp: str = ""

    @property
    def wer(self) -> float | None:
        return self.words[0] / self.words[1] if self.words[1] else None

    @property
    def cer(self) -> float | None:
        return self.chars[0] / self.chars[1] if self.chars[1] else None

    @property
    def base_wer(self) -> float | None:
        return self.base_words[0] / self.base_words[1] if self.base_words[1] else None

    @property
    def base_cer(self) -> float | None:
        return self.base_chars[0] / self.base_chars[1] if self.base_chars[1] else None

    @property
    def wer_num(self) -> float | None:
        return self.words_num[0] / self.words_num[1] if self.words_num[1] else None

    @property
    def der_rate(self) -> float | None:
        if self.der is None or self.der[3] == 0:
            return None
        return (self.der[0] + self.der[1] + self.der[2]) / self.der[3]


@dataclass
class SpeechEval:
    clips: list[ClipResult] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None

    def pooled(
        self, languages: set[str] | None, prefix: str | None = None
    ) -> dict[str, float | None]:
        rows = [
            c
            for c in self.clips
            if c.words[1]
            and (languages is None or (c.language or "") in languages)
            and (prefix is None or c.clip.startswith(prefix))
        ]
        w, c, wn = ErrorCount(), ErrorCount(), ErrorCount()
        bw, bc = ErrorCount(), ErrorCount()
        dc, bdc = ErrorCount(), ErrorCount()
        seconds = base_seconds = duration = 0.0
        worse = 0
        der = np.zeros(4)
        lid = ErrorCount()
        for row in rows:
            w.add(*row.words)
            c.add(*row.chars)
            wn.add(*row.words_num)
            bw.add(*row.base_words)
            bc.add(*row.base_chars)
            dc.add(*row.digit_chars)
            bdc.add(*row.base_digit_chars)
            seconds += row.seconds
            base_seconds += row.base_seconds
            duration += row.duration
            if row.base_chars[1] and (row.cer or 0.0) > (row.base_cer or 0.0) + 0.03:
                worse += 1
            lid.add(row.lid[1] - row.lid[0], row.lid[1])
            if row.der:
                der += np.array(row.der)
        return {
            "wer": w.rate,
            "cer": c.rate,
            "wer_num": wn.rate,
            "base_wer": bw.rate,
            "base_cer": bc.rate,
            "der": float(der[:3].sum() / der[3]) if der[3] else None,
            "lid_acc": 1 - lid.rate if lid.rate is not None else None,
            "lid_n": float(lid.total),
            "cer_digits": dc.rate,
            "base_cer_digits": bdc.rate,
            "rtf": seconds / duration if duration else None,
            "base_rtf": base_seconds / duration if duration and base_seconds else None,
            "worse_3pt": float(worse),
            "clips": float(len(rows)),
        }

    def failures(self) -> list[ClipResult]:
        return [c for c in self.clips if c.status.startswith("FAIL")]

    def to_markdown(self, command: str) -> str:
        def pct(v: float | None) -> str:
            return "" if v is None else f"{100 * v:.1f}%"

        lines = [
            f"Command: `{command}`",
            "",
            "Settings: " + ", ".join(f"{k}={v}" for k, v in self.params.items()),
            "",
            "Whole pipeline as shipped: decode, VAD, diarization, per-turn language ID, ASR. "
            "WER/CER after lower-casing, NFC, ё->е, punctuation and hyphens to spaces; "
            '"WER (num)" also collapses number words and digit strings to one token (Whisper '
            "writes 42, the references spell it out). Speaker error: frame-level DER (10 ms, "
            "0.25 s collar, best one-to-one label mapping) = (missed + false alarm + "
            "confusion) / reference speech. LID: reference segments whose overlapping "
            "hypothesis language (by time) is right. speech-en references are faster-whisper's "
            "tiny-model expectations except the JFK line (see its SOURCE.md); the stereo and "
            "multilingual files have no reference times, so no DER. multilingual.mp3 runs with "
            "en+de allowed (German is outside the default ru/uk/en).",
            "",
            f"Baseline ({_BASELINE}): Russian calls pooled WER 38.6 %, CER 17.9 %; "
            "the English broadcast 6 %; no words on static.",
            "",
            "| clip | lang | status | WER | CER | WER (num) | speaker err (DER)"
            " | speakers ref/found | LID right | segments | halluc. dropped |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        baseline = any(c.base_words[1] for c in self.clips)
        if baseline:
            lines[-2] = lines[-2].replace(
                " | WER (num) |", " | plain WER | plain CER | WER (num) |"
            )
            lines[-1] += "---|---|"
            lines.insert(
                -3,
                '"plain": Whisper alone on the whole clip in the same run (same model, beam 5, '
                "language detected, no VAD, no speakers), the SOURCE.md baseline.\n",
            )
        for c in self.clips:
            spk = f"{c.speakers[0]}/{c.speakers[1]}" if c.speakers else ""
            plain = f"{pct(c.base_wer)} | {pct(c.base_cer)} | " if baseline else ""
            lid = f"{c.lid[0]}/{c.lid[1]}" if c.lid[1] else ""
            lines.append(
                f"| {c.clip} | {c.language or '-'} | {c.status} | {pct(c.wer)} | {pct(c.cer)} | "
                f"{plain}{pct(c.wer_num)} | {pct(c.der_rate)} | {spk} | {lid} | {c.segments} "
                f"| {c.dropped} |"
            )
        lines.append("")
        for name, langs, prefix in (
            ("Russian calls pooled (call_01-05)", {"ru"}, "call_"),
            ("intercepts, all speech clips pooled (call_01-07)", None, "call_"),
            ("speech-en pooled", None, "speech-en/"),
            ("everything pooled", None, None),
        ):
            p = self.pooled(langs, prefix)
            plain = (
                f" (plain Whisper WER {pct(p['base_wer'])}, CER {pct(p['base_cer'])}; "
                f"{int(p['worse_3pt'] or 0)} of {int(p['clips'] or 0)} clips more than 3 CER "
                "points worse than plain)"
                if baseline
                else ""
            )
            if p["cer_digits"] is not None:
                plain += f", CER with numbers as digits {pct(p['cer_digits'])}" + (
                    f" (plain {pct(p['base_cer_digits'])})" if baseline else ""
                )
            if p["rtf"] is not None:
                plain += f", RTF {p['rtf']:.3f}" + (
                    f" (plain {p['base_rtf']:.3f})" if p["base_rtf"] is not None else ""
                )
            lines.append(
                f"- {name}: WER {pct(p['wer'])}, CER {pct(p['cer'])}{plain}, "
                f"WER (num) {pct(p['wer_num'])}, "
                f"speaker error {pct(p['der'])}, language ID {pct(p['lid_acc'])} of "
                f"{int(p['lid_n'] or 0)} segments"
            )
        return "\n".join(lines)


def _hyp_lang(utterances: Sequence[Any], start: float, end: float) -> str | None:
    weights: dict[str, float] = {}
    for u in utterances:
        ov = min(end, u.end) - max(start, u.start)
        if ov > 0:
            weights[u.lang] = weights.get(u.lang, 0.0) + ov
    return max(weights, key=lambda k: weights[k]) if weights else None


def plain_whisper(transcriber: Any, path: Path, beam_size: int = 5) -> str:
    """The baseline: the transcriber's Whisper model alone on the whole clip (language
    detected, no VAD, no speakers), as SOURCE.md measured it."""
    from overheard.speech.audio import load_audio

    segments, _info = transcriber._model.transcribe(
        load_audio(path).samples, beam_size=beam_size, vad_filter=False
    )
    return " ".join(seg.text.strip() for seg in segments)


def _digit_chars(ref: str, hyp: str) -> tuple[int, int]:
    r, h = " ".join(as_digits(normalise(ref))), " ".join(as_digits(normalise(hyp)))
    return edit_distance(r, h), len(r)


def score_clip(
    transcriber: Any, path: Path, ref: dict[str, Any], label: str, baseline: bool = False
) -> ClipResult:
    expect = ref.get("expect", "transcribe")
    result = ClipResult(label, ref.get("language"), expect, "ok")
    clock = time.perf_counter()
    try:
        transcript = transcriber.transcribe(path)
    except InputError as exc:
        result.seconds = time.perf_counter() - clock
        result.status = "rejected" if expect == "reject" else "FAIL: rejected"
        result.detail = str(exc)
        return result
    result.seconds = time.perf_counter() - clock
    if expect == "reject":
        result.status = "FAIL: accepted a broken file"
        return result
    utts = transcript.utterances
    result.duration = transcript.stats.duration
    result.segments = len(utts)
    result.dropped = transcript.stats.hallucinations_dropped
    ref_segs = ref.get("segments") or []
    if not ref_segs:
        result.status = "silent" if not utts else f"FAIL: {len(utts)} segments on no speech"
        result.detail = "; ".join(transcript.notes)
        return result
    ref_text = " ".join(s["text"] for s in ref_segs)
    hyp_text = " ".join(u.text for u in utts)
    we, wt, ce, ct = word_char_errors(ref_text, hyp_text)
    result.words, result.chars = (we, wt), (ce, ct)
    wn, wnt, _, _ = word_char_errors(ref_text, hyp_text, numbers=True)
    result.words_num = (wn, wnt)
    result.hyp = hyp_text
    result.digit_chars = _digit_chars(ref_text, hyp_text)
    if baseline:
        clock = time.perf_counter()
        plain = plain_whisper(transcriber, path)
        result.base_seconds = time.perf_counter() - clock
        bwe, bwt, bce, bct = word_char_errors(ref_text, plain)
        result.base_words, result.base_chars = (bwe, bwt), (bce, bct)
        result.base_hyp = plain
        result.base_digit_chars = _digit_chars(ref_text, plain)
    if all("speaker" in s and "start" in s for s in ref_segs):
        result.der = speaker_error(
            [(s["start"], s["end"], s["speaker"]) for s in ref_segs],
            [(u.start, u.end, u.speaker) for u in utts],
            transcript.stats.duration,
        )
        result.speakers = (len({s["speaker"] for s in ref_segs}), len(transcript.speakers))
    if result.speakers is None and ref.get("speakers"):
        result.speakers = (int(ref["speakers"]), len(transcript.speakers))
    found_langs = {u.lang for u in utts}
    right = sum(
        1
        for s in ref_segs
        if "lang" in s
        and (
            _hyp_lang(utts, s["start"], s["end"]) == s["lang"]
            if "start" in s
            else s["lang"] in found_langs  # untimed reference: the language must appear
        )
    )
    result.lid = (right, sum(1 for s in ref_segs if "lang" in s))
    return result


def _intercept_items(folder: Path) -> list[tuple[Path, dict[str, Any], str]]:
    items = []
    for ref_path in sorted(folder.glob("*.json")):
        ref = json.loads(ref_path.read_text(encoding="utf-8"))
        audio = folder / ref.get("file", "")
        if not ref.get("file") or not audio.exists():
            continue
        items.append((audio, ref, audio.name))
    return items


def _speech_en_items(folder: Path) -> list[tuple[Path, dict[str, Any], str]]:
    """References built from faster-whisper's expectations (tiny-model output, see SOURCE.md).
    The JFK line is a true transcript; the stereo file's channels give the speakers."""
    items: list[tuple[Path, dict[str, Any], str]] = []
    jfk = folder / "jfk.flac"
    if jfk.exists():
        items.append(
            (
                jfk,
                {
                    "language": "en",
                    "segments": [
                        {
                            "lang": "en",
                            "start": 0.2,
                            "end": 10.7,
                            "speaker": "A",
                            "text": "And so my fellow Americans, ask not what your country "
                            "can do for you, ask what you can do for your country.",
                        }
                    ],
                },
                "speech-en/jfk.flac",
            )
        )
    stereo = folder / "stereo_diarization.wav"
    expected = folder / "expected_transcripts.json"
    if stereo.exists() and expected.exists():
        data = json.loads(expected.read_text(encoding="utf-8"))
        texts = {
            it["channel"]: it["expected"]["segments"][0]["text"]
            for it in data.get("items", [])
            if it.get("audio") == "stereo_diarization.wav"
        }
        if {"left", "right"} <= texts.keys():
            # No times in the reference: score text and speaker count, not DER.
            items.append(
                (
                    stereo,
                    {
                        "language": "en",
                        "speakers": 2,
                        "segments": [
                            {"lang": "en", "text": texts["left"]},
                            {"lang": "en", "text": texts["right"]},
                        ],
                    },
                    "speech-en/stereo_diarization.wav",
                )
            )
    multi = folder / "multilingual.mp3"
    if multi.exists() and expected.exists():
        data = json.loads(expected.read_text(encoding="utf-8"))
        segs = next(
            (
                it["expected"]["segments"]
                for it in data.get("items", [])
                if it.get("audio") == "multilingual.mp3" and "without_timestamps" in it["mode"]
            ),
            None,
        )
        if segs:
            # English then German from one reader: the per-turn language ID must keep both.
            # German is outside the default ru/uk/en set, so this clip runs with en+de.
            ref = {
                "language": "mixed",
                "languages_allowed": ["en", "de"],
                "segments": [{"lang": s["language"], "text": s["text"]} for s in segs],
            }
            items.append((multi, ref, "speech-en/multilingual.mp3"))
    return items


def evaluate(
    data_dir: Path, transcriber: Any | None = None, baseline: bool = False, **options: Any
) -> SpeechEval:
    """Run the pipeline over intercepts/ and speech-en/ under ``data_dir``."""
    intercepts, speech_en = data_dir / "intercepts", data_dir / "speech-en"
    if not intercepts.is_dir() and not speech_en.is_dir():
        return SpeechEval(skipped=f"no reference data at {data_dir} (intercepts/, speech-en/)")
    if transcriber is None:
        from overheard.speech.transcribe import Transcriber

        transcriber = Transcriber(**options)
    report = SpeechEval(
        params={
            k: v
            for k, v in transcriber.provenance()["params"].items()
            if k in ("beam_size", "languages", "translate")
        }
        | {
            "model": transcriber.model_info.name,
            "vad_threshold": transcriber.options.vad.threshold,
            "loop_guard": transcriber.options.loop_guard,
            "windows": transcriber.options.windows,
        }
    )
    others: dict[tuple[str, ...], Any] = {}
    for path, ref, label in _intercept_items(intercepts) + _speech_en_items(speech_en):
        runner = transcriber
        if ref.get("languages_allowed"):
            langs = tuple(ref["languages_allowed"])
            if langs not in others:
                from overheard.speech.transcribe import Transcriber

                others[langs] = Transcriber(transcriber.options, languages=langs)
            runner = others[langs]
        report.clips.append(score_clip(runner, path, ref, label, baseline))
    return report


def _default_data_dir() -> Path:
    # ../shared/data relative to the repository root (src/overheard/eval/speech.py -> repo).
    return Path(__file__).resolve().parents[3].parent / "shared" / "data"


def write_section(doc: Path, heading: str, body: str) -> None:
    """Replace (or append) one '## heading' section of a Markdown file, leaving others alone."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else ""
    pattern = re.compile(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", re.S | re.M)
    section = f"## {heading}\n\n{body.strip()}\n\n"
    if pattern.search(text):
        text = pattern.sub(lambda _m: section, text, count=1)
    else:
        if not text:
            text = f"# {_TITLES.get(doc.stem, doc.stem)}\n\n"
        text = text.rstrip("\n") + "\n\n" + section
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m overheard.eval.speech", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=_default_data_dir(),
        help="folder holding intercepts/ and speech-en/",
    )
    parser.add_argument("--beam-size", type=int, default=None)
    parser.add_argument("--asr-model", default=None, help="local CTranslate2 Whisper folder")
    parser.add_argument("--vad-threshold", type=float, default=None)
    parser.add_argument(
        "--write", type=Path, default=None, help="Markdown file to put the '## Speech' section in"
    )
    parser.add_argument("--json", action="store_true", help="print per-clip results as JSON")
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="also run plain Whisper (beam 5, whole clip) on each clip in the same run",
    )
    parser.add_argument(
        "--no-loop-guard", action="store_true", help="the pipeline without the loop guard"
    )
    parser.add_argument(
        "--windows",
        choices=("spans", "packed"),
        default=None,
        help="how speech becomes Whisper windows (packed: the pipeline before issue 11)",
    )
    args = parser.parse_args(argv)
    options: dict[str, Any] = {}
    if args.windows is not None:
        options["windows"] = args.windows
    if args.beam_size is not None:
        options["beam_size"] = args.beam_size
    if args.asr_model:
        options["model_path"] = args.asr_model
    if args.no_loop_guard:
        options["loop_guard"] = False
    if args.vad_threshold is not None:
        from overheard.speech.vad import VadSettings

        options["vad"] = VadSettings(threshold=args.vad_threshold)
    try:
        report = evaluate(args.data, baseline=args.baseline, **options)
    except OverheardError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if report.skipped:
        print(f"speech evaluation SKIPPED: {report.skipped}")
        return 0
    command = (
        "python -m overheard.eval.speech"
        + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
    )
    if args.json:
        print(
            json.dumps(
                [
                    c.__dict__ | {"wer": c.wer, "cer": c.cer, "der_rate": c.der_rate}
                    for c in report.clips
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
    table = report.to_markdown(command)
    print(table)
    if args.write:
        write_section(args.write, "Speech", table)
    return 1 if report.failures() else 0


if __name__ == "__main__":
    raise SystemExit(main())
