"""Make harder synthetic intercepted calls, the way ../shared/data/intercepts/SOURCE.md made its
clips, from the dialogue in calls.json, with an exact reference JSON per clip.

    python -m overheard.eval.calls OUT [--count 40] [--seed 11]
    python -m overheard.eval.speech --data OUT --baseline

Writes OUT/intercepts/call_hNN.{wav,ogg,mp3} and call_hNN.json (the intercepts' reference
schema: segments with speaker, start, end, lang, text). Deterministic for a seed. Needs the
Debian tools the originals used: ``apt-get install festival festvox-ru festvox-us-slt-hts sox
libsox-fmt-all ffmpeg`` (Festival voices msu_ru_nsh_clunits and cmu_us_slt_arctic_hts; sox with
AMR-NB). Audio is generated at evaluation time into a folder you choose; only this script and
the dialogue are kept in the repository.

Each clip is one dialogue through one channel chain (``CHANNELS``): phone band + AMR-NB with
packet loss, radio with squelch bursts, key-up clicks and fading hiss, hard clipping, stored as
WAV, Ogg/Opus or MP3. Dialogues carry grid squares, frequencies, times and counts, call signs,
English turns inside Russian calls, three speakers (two of them Russian voices changed by sox,
or the English voice), overlapping turns (a negative ``pause``) and long silences.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SR = 16000
DIALOGUE = Path(__file__).with_name("calls.json")
TOOLS = ("text2wave", "sox", "ffmpeg")
VOICES = {"ru": "voice_msu_ru_nsh_clunits", "en": "voice_cmu_us_slt_arctic_hts"}
# Speaker B: the Russian voice made distinct (SOURCE.md: pitch up, narrower far-end handset).
_B_CHAIN = ["pitch", "350", "speed", "1.08", "tempo", "0.95", "sinc", "500-2700"]
_B_CHAIN += ["equalizer", "1500", "0.7q", "+5"]
# Speaker D: a third Russian voice, pitched down, slower, a wider and darker handset.
_D_CHAIN = ["pitch", "-280", "speed", "0.96", "sinc", "250-3200", "equalizer", "700", "0.8q", "+4"]
_CHAINS = {"B": _B_CHAIN, "D": _D_CHAIN}


@dataclass(frozen=True)
class Channel:
    name: str
    container: str  # wav | ogg | mp3
    band: str  # phone | radio
    amr: bool
    snr_db: float
    clip_share: float  # share of samples hard-clipped
    packet_loss: int  # 60-120 ms mutes
    squelch: bool


CHANNELS = (
    Channel("phone+amr", "wav", "phone", True, 17.0, 0.005, 0, False),
    Channel("phone+amr, packet loss", "ogg", "phone", True, 14.0, 0.008, 6, False),
    Channel("radio, squelch and clicks", "mp3", "radio", False, 15.0, 0.01, 0, True),
    Channel("radio, heavy clipping, packet loss", "ogg", "radio", False, 12.0, 0.02, 4, True),
)
_PHONE = ["sinc", "300-3400", "compand", "0.01,0.15", "6:-70,-70,-40,-24,-12,-9,0,-5", "-2"]
_RADIO = ["sinc", "300-3000", "compand", "0.005,0.10", "6:-70,-70,-45,-20,-15,-8,0,-4", "-2"]


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


def _run(cmd: Sequence[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def _read_wav(path: Path) -> np.ndarray:
    raw = subprocess.run(
        ["sox", str(path), "-t", "raw", "-e", "float", "-b", "32", "-c", "1", "-r", str(SR), "-"],
        check=True,
        capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.float32).copy()


def _write_wav(path: Path, samples: np.ndarray, rate: int = SR) -> None:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    _run_in(["sox", "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", str(rate), "-",
             str(path)], pcm)  # fmt: skip


def _run_in(cmd: Sequence[str], data: bytes) -> None:
    subprocess.run(cmd, input=data, check=True, capture_output=True)


def speak(text: str, lang: str, speaker: str, work: Path, n: int) -> np.ndarray:
    """One turn: Festival, trimmed at -40 dB, 16 kHz; speaker B through its own chain."""
    txt, raw, out = work / f"t{n}.txt", work / f"t{n}.wav", work / f"t{n}_16k.wav"
    txt.write_text(text, encoding="utf-8")
    _run(["text2wave", "-eval", f"({VOICES[lang]})", str(txt), "-o", str(raw)])
    chain = ["silence", "1", "0.02", "-40d", "reverse", "silence", "1", "0.02", "-40d", "reverse"]
    chain += _CHAINS.get(speaker, [])
    _run(["sox", "-R", str(raw), "-r", str(SR), "-c", "1", str(out), *chain, "rate", "-v", str(SR)])
    audio = _read_wav(out)
    peak = float(np.max(np.abs(audio))) or 1.0
    level = 0.5 if speaker == "A" else 0.5 * 10 ** (-3 / 20)  # B, C and D ~3 dB quieter
    return (audio / peak * level).astype(np.float32)


def _channel(clean: np.ndarray, ch: Channel, rng: np.random.Generator, work: Path) -> np.ndarray:
    src, band, amr, back = work / "clean.wav", work / "band.wav", work / "x.amr", work / "amr.wav"
    _write_wav(src, clean)
    chain = _PHONE if ch.band == "phone" else _RADIO
    _run(["sox", "-R", str(src), "-r", "8000", str(band), *chain, "-70", "0"])
    if ch.amr:
        _run(["sox", "-R", str(band), "-t", "amr-nb", "-C", "7", str(amr)])
        _run(["sox", "-R", str(amr), "-r", "8000", str(back)])
        band = back
    up = work / "up.wav"
    _run(["sox", "-R", str(band), "-r", str(SR), str(up), "rate", "-v", str(SR)])
    x = _read_wav(up)
    x = np.pad(x, (0, max(0, clean.size - x.size)))[: clean.size]
    speech_rms = float(np.sqrt(np.mean(clean[np.abs(clean) > 0.01] ** 2))) if clean.any() else 0.1
    noise_rms = speech_rms / 10 ** (ch.snr_db / 20)
    if ch.band == "phone":
        pink = np.cumsum(rng.normal(size=x.size)).astype(np.float32)
        pink -= np.convolve(pink, np.ones(200) / 200, mode="same")
        noise = pink / (np.std(pink) or 1.0)
        t = np.arange(x.size) / SR
        buzz = np.sin(2 * np.pi * 217 * t) * (np.sin(2 * np.pi * 0.3 * t) > 0.6)
        noise = noise + 0.5 * buzz
    else:
        fade = 0.6 + 0.4 * np.sin(2 * np.pi * 0.1 * np.arange(x.size) / SR + rng.uniform(0, 6))
        noise = rng.normal(size=x.size) * fade
    x = x + noise_rms * noise.astype(np.float32) / (np.std(noise) or 1.0)
    crackle = rng.random(x.size) < 0.0005
    x[crackle] += rng.normal(0, 0.3, int(crackle.sum()))
    for _ in range(ch.packet_loss):
        start = int(rng.integers(0, max(1, x.size - SR)))
        x[start : start + int(rng.uniform(0.06, 0.12) * SR)] = 0.0
    if ch.clip_share > 0:
        limit = float(np.quantile(np.abs(x), 1 - ch.clip_share))
        x = np.clip(x, -limit, limit) * (0.7 / max(limit, 1e-6))
    return x.astype(np.float32)


def _store(x: np.ndarray, ch: Channel, path: Path, work: Path) -> None:
    wav = work / "final.wav"
    _write_wav(wav, x)
    if ch.container == "wav":
        shutil.copyfile(wav, path)
        return
    codec = (
        ["-c:a", "libopus", "-b:a", "16k", "-application", "voip"]
        if ch.container == "ogg"
        else ["-c:a", "libmp3lame", "-b:a", "32k"]
    )
    _run(["ffmpeg", "-y", "-loglevel", "error", "-i", str(wav), *codec, "-fflags", "+bitexact",
          "-flags:a", "+bitexact", str(path)])  # fmt: skip


def make_call(
    dialogue: dict[str, Any], ch: Channel, name: str, out: Path, seed: int
) -> dict[str, Any]:
    """One clip and its reference; returns the reference written next to it."""
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory(prefix="overheard-call-") as tmp:
        work = Path(tmp)
        # Voices are placed on one timeline and summed: a negative pause overlaps two turns.
        placed: list[tuple[int, np.ndarray]] = []
        cursor = int(rng.uniform(0.6, 1.2) * SR)
        segments, events = [], []
        last_speaker = None
        for n, turn in enumerate(dialogue["turns"]):
            gap = turn.get("pause") or (
                rng.uniform(0.35, 0.6) if turn["speaker"] == last_speaker else rng.uniform(0.3, 1.0)
            )
            if n:
                cursor = max(placed[-1][0], cursor + int(gap * SR))
            voice = speak(turn.get("say", turn["text"]), turn["lang"], turn["speaker"], work, n)
            start = cursor
            if ch.squelch:
                click = np.zeros(int(0.05 * SR), np.float32)
                click[:40] = rng.normal(0, 0.4, 40)
                events.append({"kind": "key-up click", "start": round(cursor / SR, 4)})
                voice_start = cursor + click.size
                speech_len = voice.size
                burst = (rng.normal(0, 0.15, int(rng.uniform(0.15, 0.3) * SR))).astype(np.float32)
                events.append(
                    {"kind": "squelch burst", "start": round((voice_start + speech_len) / SR, 4)}
                )
                voice = np.concatenate([click, voice, burst])
            else:
                voice_start = cursor
                speech_len = voice.size
            cursor = start + voice.size
            segments.append(
                {
                    "speaker": turn["speaker"],
                    "start": round(voice_start / SR, 4),
                    "end": round((voice_start + speech_len) / SR, 4),
                    "lang": turn["lang"],
                    "text": turn["text"],
                }
            )
            placed.append((start, voice))
            last_speaker = turn["speaker"]
        end = max(at + v.size for at, v in placed)
        clean = np.zeros(end + int(rng.uniform(0.5, 1.0) * SR), np.float32)
        for at, v in placed:
            clean[at : at + v.size] += v
        degraded = _channel(clean, ch, rng, work)
        path = out / f"{name}.{ch.container}"
        _store(degraded, ch, path, work)
    langs = sorted({s["lang"] for s in segments})
    ref = {
        "file": path.name,
        "expect": "transcribe",
        "language": langs[0] if len(langs) == 1 else "mixed",
        "languages": langs,
        "speakers": len({s["speaker"] for s in segments}),
        "duration": round(clean.size / SR, 4),
        "segments": segments,
        "channel": ch.__dict__,
        "degradation": ch.name,
        "nonspeech_events": events,
        "dialogue": dialogue["id"],
        "seed": seed,
        "notes": "synthetic: Festival voices reading dialogue from overheard/eval/calls.json",
    }
    (out / f"{name}.json").write_text(json.dumps(ref, ensure_ascii=False, indent=1), "utf-8")
    return ref


def plan(count: int) -> list[tuple[dict[str, Any], Channel]]:
    """Clip i is dialogue i mod D through channel (i + i // D) mod C: every dialogue meets every
    channel before any pair repeats."""
    dialogues = json.loads(DIALOGUE.read_text(encoding="utf-8"))["dialogues"]
    d = len(dialogues)
    return [(dialogues[i % d], CHANNELS[(i + i // d) % len(CHANNELS)]) for i in range(count)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m overheard.eval.calls", description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write intercepts/ into")
    parser.add_argument("--count", type=int, default=40)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    missing = missing_tools()
    if missing:
        print(
            f"error: needs {', '.join(missing)}: apt-get install festival festvox-ru "
            "festvox-us-slt-hts sox libsox-fmt-all ffmpeg",
            file=sys.stderr,
        )
        return 2
    folder = args.out / "intercepts"
    folder.mkdir(parents=True, exist_ok=True)
    for i, (dialogue, ch) in enumerate(plan(args.count)):
        ref = make_call(dialogue, ch, f"call_h{i + 1:02d}", folder, args.seed * 1000 + i)
        print(f"{ref['file']}\t{ref['duration']:.1f} s\t{dialogue['id']}\t{ch.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
