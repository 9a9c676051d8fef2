from __future__ import annotations

import io
from pathlib import Path

import av
import numpy as np
import pytest

from overheard.errors import InputError
from overheard.speech.audio import SAMPLE_RATE, load_audio


def _encode(fmt: str, codec: str, rate: int, channels: np.ndarray) -> bytes:
    """Encode float channels (shape [ch, n]) with PyAV into an in-memory file."""
    buf = io.BytesIO()
    layout = "mono" if channels.shape[0] == 1 else "stereo"
    with av.open(buf, "w", format=fmt) as out:
        stream = out.add_stream(codec, rate=rate, layout=layout)
        pcm = (channels * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm.T.reshape(1, -1).copy(), format="s16", layout=layout)
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return buf.getvalue()


def _tone(freq: float, seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize(
    ("fmt", "codec"),
    [
        ("wav", "pcm_s16le"),
        ("flac", "flac"),
        ("ogg", "libopus"),
        ("mp3", "libmp3lame"),
        ("mp4", "aac"),  # M4A / the audio track of an MP4 video
        ("matroska", "libopus"),
    ],
)
def test_common_codecs_decode_to_16k(fmt: str, codec: str) -> None:
    rate = 48000 if codec == "libopus" else 44100
    data = _encode(fmt, codec, rate, _tone(440, 2.0, rate)[None, :])
    audio = load_audio(data)
    assert audio.sample_rate == SAMPLE_RATE
    assert audio.original_sample_rate == rate
    assert audio.samples.dtype == np.float32
    assert abs(audio.duration - 2.0) < 0.1
    assert 0.1 < float(np.max(np.abs(audio.samples))) <= 1.0


def test_stereo_keeps_channels() -> None:
    rate = 22050
    left, right = _tone(300, 1.0, rate), _tone(1200, 1.0, rate) * 0.5
    audio = load_audio(_encode("wav", "pcm_s16le", rate, np.stack([left, right])))
    assert audio.channels == 2 and len(audio.channels_16k) == 2
    l16, r16 = audio.channels_16k
    assert len(l16) == len(r16) == len(audio.samples)
    # The mono mix is the mean of the channels, and the channels stay distinct.
    assert np.allclose(audio.samples, (l16 + r16) / 2, atol=1e-5)
    assert np.max(np.abs(l16)) > 1.5 * np.max(np.abs(r16))


def test_bundled_clips_decode(samples: Path) -> None:
    audio = load_audio(samples / "call_02.ogg")
    assert audio.codec == "opus" and abs(audio.duration - 29.54) < 0.05
    assert load_audio(samples / "call_04.mp3").duration > 30


@pytest.mark.parametrize(
    ("name", "fragment"),
    [("bad_truncated.ogg", "truncated"), ("bad_not_audio.wav", "not a recognised audio")],
)
def test_broken_samples_rejected(samples: Path, name: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment) as info:
        load_audio(samples / name)
    assert "\n" not in str(info.value)


def test_text_named_wav(tmp_path: Path) -> None:
    fake = tmp_path / "call.wav"
    fake.write_text("this is not audio at all\n" * 20)
    with pytest.raises(InputError, match="not a recognised"):
        load_audio(fake)


def test_empty_and_missing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.ogg"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        load_audio(empty)
    with pytest.raises(InputError, match="not found"):
        load_audio(tmp_path / "nope.wav")
    with pytest.raises(InputError, match="empty"):
        load_audio(b"")


def test_zero_length_wav(tmp_path: Path) -> None:
    import wave

    path = tmp_path / "nothing.wav"
    with wave.open(str(path), "wb") as out:  # a valid header with no samples
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
    with pytest.raises(InputError, match="zero-length"):
        load_audio(path)


def test_video_without_audio_rejected(tmp_path: Path) -> None:
    path = tmp_path / "silent.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=10)
        stream.width, stream.height, stream.pix_fmt = 32, 32, "yuv420p"
        for _ in range(5):
            frame = av.VideoFrame.from_ndarray(np.zeros((32, 32, 3), np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    with pytest.raises(InputError, match="no audio stream"):
        load_audio(path)


def test_truncated_midstream_is_not_silent_success(samples: Path) -> None:
    data = (samples / "call_01.wav").read_bytes()
    # A WAV cut in half still decodes what is there (header length is advisory): the result
    # must be the part that exists, not an empty array.
    audio = load_audio(data[: len(data) // 2])
    assert 20 < audio.duration < 25


def test_unsupported_codec() -> None:
    import struct

    # A well-formed WAV whose format tag (0x5555) no decoder knows.
    data = b"\x00\x01" * 16000
    fmt = struct.pack("<HHIIHH", 0x5555, 1, 16000, 32000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", len(data)) + data
    with pytest.raises(InputError, match="unsupported audio codec"):
        load_audio(b"RIFF" + struct.pack("<I", len(body)) + body)
