"""Who speaks when: stereo channels first, then voice embeddings + clustering for mono.

A call recorded with one party per channel is answered from the channels alone: no model can
beat knowing which wire a voice came in on. Mono audio gets a resemblyzer d-vector per VAD
region and agglomerative clustering with a distance threshold, so the number of speakers is
found, not given. Labels are A, B, C... in order of first appearance, so the first voice heard
is always A within a recording.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from overheard.errors import NotAvailable
from overheard.speech.audio import Audio
from overheard.speech.vad import Region

# Chosen on the intercept clips (docs/SPEECH.md): two voices from one TTS speaker pitch-shifted
# apart sit at cosine distance ~0.25-0.45, the same voice across regions at 0.05-0.2.
DEFAULT_DISTANCE_THRESHOLD = 0.3
# Under ~0.8 s resemblyzer has one padded 1.6 s partial: too little voice to trust on its own.
_MIN_EMBED_S = 0.8
_SMALL_CLUSTER_S = 4.0
_SMALL_CLUSTER_SHARE = 0.12
_MERGE_MAX_DISTANCE = 0.6
# Leakage of the far party into the near channel (echo, crosstalk) is 10-30 dB down.
_LEAK_RATIO = 0.25


def channel_label(index: int) -> str:
    letters = string.ascii_uppercase
    return letters[index] if index < len(letters) else f"S{index + 1}"


def split_channels(audio: Audio) -> bool:
    """True when stereo channels carry different signals (one party each), not a dual-mono copy."""
    if audio.channels != 2 or len(audio.channels_16k) != 2:
        return False
    left, right = audio.channels_16k
    le, re_ = float(np.dot(left, left)), float(np.dot(right, right))
    if le == 0.0 or re_ == 0.0:
        return False
    corr = float(np.dot(left, right)) / float(np.sqrt(le * re_))
    # Dual mono and panned mixes correlate near 1; two phones on two wires barely correlate.
    return corr < 0.8


def drop_leakage(audio: Audio, regions: list[Region]) -> list[Region]:
    """Remove a channel's region when the same stretch is much louder on the other channel."""
    kept = []
    for region in regions:
        if region.channel is None:
            kept.append(region)
            continue
        own = audio.slice(region.start, region.end, region.channel)
        other = audio.slice(region.start, region.end, 1 - region.channel)
        own_e = float(np.mean(own**2)) if len(own) else 0.0
        other_e = float(np.mean(other**2)) if len(other) else 0.0
        if own_e >= _LEAK_RATIO * other_e:
            kept.append(region)
    return kept


@dataclass
class Diarization:
    speakers: list[str]  # one label per region, same order
    method: str  # "channels", "embeddings", "single"
    distance_threshold: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "distance_threshold": self.distance_threshold}


def _relabel(raw: list[int]) -> list[str]:
    """Map arbitrary cluster ids to A, B, ... by first appearance."""
    order: dict[int, int] = {}
    for cid in raw:
        order.setdefault(cid, len(order))
    return [channel_label(order[cid]) for cid in raw]


def by_channel(regions: list[Region]) -> Diarization:
    return Diarization(_relabel([r.channel or 0 for r in regions]), "channels")


class SpeakerEmbedder:
    """resemblyzer's VoiceEncoder, loaded once per Transcriber (17 MB, ~0.3 s)."""

    def __init__(self) -> None:
        try:
            from resemblyzer import VoiceEncoder
        except ImportError as exc:
            raise NotAvailable(
                "speaker diarization needs resemblyzer: pip install 'overheard[speech]'"
            ) from exc
        self._encoder = VoiceEncoder("cpu", verbose=False)

    def embed(self, samples: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        # resemblyzer was trained on volume-normalised speech (-30 dBFS); quiet far-end voices
        # would otherwise land closer to each other than to themselves.
        rms = float(np.sqrt(np.mean(samples.astype(np.float64) ** 2)))
        wav = samples * (10 ** (-30 / 20) / rms) if rms > 0 else samples
        import torch

        # One thread: the LSTM is small, and a second torch thread pool fighting CTranslate2's
        # for two cores made embedding 10x slower in the benchmark.
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            vector = self._encoder.embed_utterance(wav.astype(np.float32))
        finally:
            torch.set_num_threads(threads)
        return np.asarray(vector, dtype=np.float32)


def cluster(
    embeddings: npt.NDArray[np.float32], distance_threshold: float = DEFAULT_DISTANCE_THRESHOLD
) -> list[int]:
    """Agglomerative clustering, average linkage on cosine distance; count found by threshold."""
    if len(embeddings) == 0:
        return []
    if len(embeddings) == 1:
        return [0]
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None,
        distance_threshold=distance_threshold,
        metric="cosine",
        linkage="average",
    )
    return [int(x) for x in model.fit_predict(embeddings)]


def _absorb_small(
    ids: list[int], vectors: npt.NDArray[np.float32], durations: list[float]
) -> list[int]:
    """Fold clusters holding little speech into the nearest large one.

    On noisy phone audio one voice scatters: a shouted phrase or a codec dropout makes a
    region's embedding drift, and the threshold then opens a new "speaker" for 1-2 s of
    speech. A real extra party in a call speaks more than that; a cluster under 12 % of the
    speech (and under 4 s) is merged unless it is far from every large cluster."""
    total = sum(durations)
    weight: dict[int, float] = {}
    for cid, dur in zip(ids, durations, strict=True):
        weight[cid] = weight.get(cid, 0.0) + dur
    big = [c for c, w in weight.items() if w >= min(_SMALL_CLUSTER_S, _SMALL_CLUSTER_SHARE * total)]
    if not big or len(big) == len(weight):
        return ids
    centroid = {}
    for cid in weight:
        members = vectors[[i for i, c in enumerate(ids) if c == cid]]
        mean = members.mean(axis=0)
        centroid[cid] = mean / (np.linalg.norm(mean) or 1.0)
    remap = {}
    for cid in weight:
        if cid in big:
            continue
        dists = {b: 1.0 - float(centroid[cid] @ centroid[b]) for b in big}
        nearest = min(dists, key=lambda b: dists[b])
        if dists[nearest] < _MERGE_MAX_DISTANCE:
            remap[cid] = nearest
    return [remap.get(c, c) for c in ids]


def by_embeddings(
    audio: Audio,
    regions: list[Region],
    embedder: SpeakerEmbedder,
    distance_threshold: float = DEFAULT_DISTANCE_THRESHOLD,
) -> Diarization:
    if not regions:
        return Diarization([], "single")
    long_idx = [i for i, r in enumerate(regions) if r.duration >= _MIN_EMBED_S]
    if not long_idx:
        return Diarization(["A"] * len(regions), "single")
    vectors = np.stack(
        [embedder.embed(audio.slice(regions[i].start, regions[i].end)) for i in long_idx]
    )
    ids = _absorb_small(
        cluster(vectors, distance_threshold), vectors, [regions[i].duration for i in long_idx]
    )
    assigned: dict[int, int] = dict(zip(long_idx, ids, strict=True))
    # Short regions (a "да", a cough) take the label of the nearest long region in time: a
    # one-word reply is usually the other party, but guessing that is worse than continuity.
    centres = np.array([(regions[i].start + regions[i].end) / 2 for i in long_idx])
    raw = []
    for i, region in enumerate(regions):
        if i in assigned:
            raw.append(assigned[i])
        else:
            mid = (region.start + region.end) / 2
            raw.append(assigned[long_idx[int(np.argmin(np.abs(centres - mid)))]])
    method = "embeddings" if len(set(raw)) > 1 else "single"
    return Diarization(_relabel(raw), method, distance_threshold)
