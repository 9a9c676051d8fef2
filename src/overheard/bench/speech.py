"""Speed and memory of the speech pipeline on the intercept clips.

    python -m overheard.bench.speech [--data DIR] [--beam-size N] [--write docs/BENCHMARKS.md]

Real-time factor (processing seconds / audio seconds) of the whole pipeline (decode + VAD +
diarization + language ID + ASR, models already loaded and warmed up once) and of each stage,
plus peak resident memory of the process. Model loading is reported separately: it is paid
once per process, not per recording.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from overheard.eval.speech import write_section

_STAGES = ("decode", "vad", "diarize", "lid", "asr", "translate")


def _peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _clips(data: Path) -> list[Path]:
    folder = data / "intercepts"
    if not folder.is_dir():
        # The repository bundles the same clips, so the benchmark runs without ../shared.
        folder = Path(__file__).resolve().parents[3] / "samples" / "intercepts"
    return sorted(p for p in folder.glob("call_*") if p.suffix in {".wav", ".ogg", ".mp3"})


def main(argv: Sequence[str] | None = None) -> int:
    from overheard.eval.speech import _default_data_dir

    parser = argparse.ArgumentParser(prog="python -m overheard.bench.speech")
    parser.add_argument("--data", type=Path, default=_default_data_dir())
    parser.add_argument("--beam-size", type=int, default=None)
    parser.add_argument("--translate", action="store_true")
    parser.add_argument("--repeat", type=int, default=1, help="passes over the clips")
    parser.add_argument("--write", type=Path, default=None)
    args = parser.parse_args(argv)

    from overheard.speech.audio import load_audio
    from overheard.speech.transcribe import Transcriber

    clips = _clips(args.data)
    if not clips:
        print("speech benchmark SKIPPED: no intercept clips found")
        return 0
    base_rss = _peak_rss_mb()
    # Other processes on the same cores inflate every number here: record the load.
    load_before = _load()
    clock = time.perf_counter()
    options: dict[str, object] = {"translate": args.translate}
    if args.beam_size:
        options["beam_size"] = args.beam_size
    transcriber = Transcriber(**options)  # type: ignore[arg-type]
    load_s = time.perf_counter() - clock
    # Warm-up: the first resemblyzer call loads librosa's numba cache (1-15 s), the first
    # CTranslate2 call allocates its buffers. A server pays this once, so it is not per file.
    clock = time.perf_counter()
    transcriber.transcribe(load_audio(clips[0]))
    warm_s = time.perf_counter() - clock

    totals = dict.fromkeys(_STAGES, 0.0)
    audio_s = 0.0
    rows = []
    for _ in range(args.repeat):
        for clip in clips:
            clock = time.perf_counter()
            transcript = transcriber.transcribe(clip)
            wall = time.perf_counter() - clock
            dur = transcript.stats.duration
            audio_s += dur
            for stage, seconds in transcript.stats.stage_seconds.items():
                totals[stage] = totals.get(stage, 0.0) + seconds
            rows.append((clip.name, dur, wall, transcript.stats.stage_seconds))
    whole = sum(r[2] for r in rows)
    params = transcriber.provenance()
    command = (
        "python -m overheard.bench.speech"
        + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
    )
    lines = [
        f"Command: `{command}`",
        "",
        f"Model {params['model']} ({params['compute_type']}, {params['device']}), beam "
        f"{transcriber.options.beam_size}, translate={args.translate}; {len(clips)} clips, "
        f"{audio_s:.1f} s of audio; {_cpu_note()}.",
        "",
        "| clip | audio s | wall s | RTF | "
        + " | ".join(s for s in _STAGES if totals.get(s))
        + " |",
        "|---|---|---|---|" + "---|" * sum(1 for s in _STAGES if totals.get(s)),
    ]
    for name, dur, wall, stages in rows:
        cells = " | ".join(f"{stages.get(s, 0.0) / dur:.3f}" for s in _STAGES if totals.get(s))
        lines.append(f"| {name} | {dur:.1f} | {wall:.2f} | {wall / dur:.3f} | {cells} |")
    cells = " | ".join(f"{totals[s] / audio_s:.3f}" for s in _STAGES if totals.get(s))
    lines.append(f"| **all** | {audio_s:.1f} | {whole:.2f} | **{whole / audio_s:.3f}** | {cells} |")
    speech_rows = [r for r in rows if sum(r[3].get(s, 0.0) for s in ("asr",)) > 0]
    speech_audio = sum(r[1] for r in speech_rows)
    speech_wall = sum(r[2] for r in speech_rows)
    lines += [
        "",
        f"- whole pipeline RTF {whole / audio_s:.3f} (stage columns are RTF per stage); "
        f"clips with speech only: {speech_wall / max(speech_audio, 1e-9):.3f}",
        f"- load average before/after: {load_before} / {_load()}",
        f"- model load {load_s:.2f} s, first-call warm-up {warm_s:.2f} s (once per process)",
        f"- peak RSS {_peak_rss_mb():.0f} MB (process before loading: {base_rss:.0f} MB)",
        f"- per-clip wall times: median {np.median([r[2] for r in rows]):.2f} s",
    ]
    text = "\n".join(lines)
    print(text)
    if args.write:
        write_section(args.write, "Speech", text)
    return 0


def _load() -> str:
    import os

    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _cpu_note() -> str:
    import os

    return (
        f"{os.cpu_count()} CPU cores, no GPU" if _no_gpu() else f"{os.cpu_count()} CPU cores + GPU"
    )


def _no_gpu() -> bool:
    try:
        import ctranslate2

        return ctranslate2.get_cuda_device_count() == 0
    except ImportError:
        return True


if __name__ == "__main__":
    raise SystemExit(main())
