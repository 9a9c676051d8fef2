"""Decode any container/codec PyAV (bundled FFmpeg) can read into 16 kHz float32.

The mono mix feeds VAD and ASR; the per-channel arrays are kept because a call recorded with one
party per channel gives the speakers for free (diarize.py uses them before any clustering).
Every failure is an :class:`InputError` with one line saying what is wrong with the file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np
import numpy.typing as npt

from overheard.errors import InputError

SAMPLE_RATE = 16_000
FloatArray = npt.NDArray[np.float32]

# A stream of only corrupt packets should fail, not loop forever skipping them one by one.
_MAX_BAD_PACKETS = 1000
# Below 10 ms there is nothing a VAD or ASR model can use; treat it like an empty file.
_MIN_SAMPLES = SAMPLE_RATE // 100


@dataclass
class Audio:
    """Decoded audio at 16 kHz. ``channels_16k`` holds one array per source channel (stereo+)."""

    samples: FloatArray
    original_sample_rate: int
    channels: int
    codec: str
    container: str
    channels_16k: tuple[FloatArray, ...] = ()
    skipped_packets: int = 0
    name: str = ""
    sample_rate: int = SAMPLE_RATE
    warnings: list[str] = field(default_factory=list)

    @property
    def duration(self) -> float:
        return len(self.samples) / self.sample_rate

    def slice(self, start_s: float, end_s: float, channel: int | None = None) -> FloatArray:
        """Samples between two times; from one source channel when ``channel`` is given."""
        source = self.samples if channel is None else self.channels_16k[channel]
        lo = max(0, int(round(start_s * self.sample_rate)))
        hi = min(len(source), int(round(end_s * self.sample_rate)))
        return source[lo:hi]


AudioSource = str | Path | bytes | bytearray | memoryview | BinaryIO


def _describe(source: AudioSource) -> str:
    if isinstance(source, str | Path):
        return str(source)
    return getattr(source, "name", None) or "<bytes>"


def _open(source: AudioSource) -> tuple[av.container.InputContainer, str]:
    name = _describe(source)
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.exists():
            raise InputError(f"{path}: file not found")
        if path.is_dir():
            raise InputError(f"{path}: is a folder, not an audio file")
        if path.stat().st_size == 0:
            raise InputError(f"{path}: empty file (0 bytes)")
        target: str | BinaryIO = str(path)
    elif isinstance(source, bytes | bytearray | memoryview):
        if len(source) == 0:
            raise InputError(f"{name}: empty input (0 bytes)")
        target = io.BytesIO(bytes(source))
    else:
        target = source
    try:
        container = av.open(target, mode="r", metadata_errors="ignore")
    except av.error.EOFError as exc:
        raise InputError(
            f"{name}: truncated audio file (ends before the first audio data)"
        ) from exc
    except av.error.InvalidDataError as exc:
        raise InputError(f"{name}: not a recognised audio or video file") from exc
    except av.error.FFmpegError as exc:
        raise InputError(f"{name}: cannot open as audio ({exc.strerror or exc})") from exc
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    return container, name


def load_audio(source: AudioSource) -> Audio:
    """Decode ``source`` (path, bytes or binary file) to 16 kHz mono float32 + channel arrays."""
    container, name = _open(source)
    with container:
        if not container.streams.audio:
            kinds = ", ".join(sorted({s.type for s in container.streams})) or "no streams"
            raise InputError(f"{name}: no audio stream in the file ({kinds})")
        stream = container.streams.audio[0]
        codec_ctx = stream.codec_context
        codec = codec_ctx.name if codec_ctx is not None else "unknown"
        if codec_ctx is None or codec_ctx.codec is None:
            raise InputError(f"{name}: unsupported audio codec ({codec})")
        channels = max(1, int(codec_ctx.channels or 1))
        original_rate = int(codec_ctx.sample_rate or 0)
        # Planar float at the source's own layout: one resampling pass yields every channel.
        layout = "mono" if channels == 1 else ("stereo" if channels == 2 else codec_ctx.layout)
        resampler = av.AudioResampler(format="fltp", layout=layout, rate=SAMPLE_RATE)
        chunks: list[npt.NDArray[np.float32]] = []
        bad = 0
        try:
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.error.InvalidDataError:
                    # One corrupt packet in a long voice note should not lose the rest; the
                    # count is reported so the gap is visible, and a flood of them still fails.
                    bad += 1
                    if bad > _MAX_BAD_PACKETS:
                        raise InputError(f"{name}: audio data is corrupt") from None
                    continue
                for frame in frames:
                    for out in resampler.resample(frame):
                        chunks.append(out.to_ndarray().astype(np.float32, copy=False))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().astype(np.float32, copy=False))
        except av.error.EOFError as exc:
            raise InputError(f"{name}: truncated audio file (unexpected end of data)") from exc
        except av.error.DecoderNotFoundError as exc:
            raise InputError(f"{name}: unsupported audio codec ({codec})") from exc
        except av.error.FFmpegError as exc:
            raise InputError(f"{name}: audio cannot be decoded ({exc.strerror or exc})") from exc
        container_name = container.format.name
    if not chunks:
        if bad:
            raise InputError(f"{name}: audio data is corrupt ({bad} unreadable packets)")
        raise InputError(f"{name}: zero-length audio (no samples decoded)")
    planar = np.concatenate(chunks, axis=1)
    if planar.shape[1] < _MIN_SAMPLES:
        raise InputError(f"{name}: zero-length audio ({planar.shape[1]} samples)")
    np.clip(planar, -1.0, 1.0, out=planar)
    mono = planar.mean(axis=0).astype(np.float32) if planar.shape[0] > 1 else planar[0]
    per_channel = tuple(np.ascontiguousarray(ch) for ch in planar) if planar.shape[0] > 1 else ()
    audio = Audio(
        samples=np.ascontiguousarray(mono),
        original_sample_rate=original_rate,
        channels=planar.shape[0],
        codec=codec,
        container=container_name,
        channels_16k=per_channel,
        skipped_packets=bad,
        name=name,
    )
    if bad:
        audio.warnings.append(f"{bad} corrupt packet(s) skipped while decoding")
    if not np.any(planar):
        audio.warnings.append("digital silence: every sample is zero")
    return audio
