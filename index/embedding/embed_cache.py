"""A persistent embedding cache: each distinct chunk text is embedded once per model.

One SQLite file (WAL mode, so readers never block the writer) holding
``(model_id, text_hash) -> float32 bytes``. Vectors of different ``model_id``s live
side by side and never mix; an ``EmbeddingCache`` only sees its own ``model_id``.
Connections are opened per call, so one cache object may be shared by threads and
several processes may write the same file (SQLite serialises them).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import closing
from pathlib import Path

import numpy as np

from saksfinn.index.embedding.embed import Embedder

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS embeddings (
    model_id  TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    dim       INTEGER NOT NULL,
    vector    BLOB NOT NULL,
    PRIMARY KEY (model_id, text_hash)
) WITHOUT ROWID
"""
_MAX_PARAMS = 500  # keep IN (...) lists well under SQLite's variable limit


class EmbeddingCache:
    """Vectors of one ``model_id``, keyed by text hash."""

    def __init__(self, path: Path, model_id: str) -> None:
        self.path = Path(path)
        self.model_id = model_id
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as con, con:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=60.0)
        con.execute("PRAGMA synchronous=NORMAL")
        return con

    def get_many(self, hashes: Iterable[str]) -> dict[str, np.ndarray]:
        """The cached vectors among ``hashes`` (missing ones are simply absent)."""
        wanted = list(dict.fromkeys(hashes))
        found: dict[str, np.ndarray] = {}
        with closing(self._connect()) as con:
            for i in range(0, len(wanted), _MAX_PARAMS):
                part = wanted[i : i + _MAX_PARAMS]
                marks = ",".join("?" * len(part))
                rows = con.execute(
                    "SELECT text_hash, dim, vector FROM embeddings"
                    f" WHERE model_id = ? AND text_hash IN ({marks})",
                    [self.model_id, *part],
                )
                for text_hash, dim, blob in rows:
                    vec = np.frombuffer(blob, dtype="<f4")
                    if vec.shape != (dim,):
                        log.warning("ignoring corrupt cached vector %s", text_hash)
                        continue
                    found[text_hash] = vec.astype(np.float32)
        return found

    def put_many(self, items: Mapping[str, np.ndarray] | Iterable[tuple[str, np.ndarray]]) -> int:
        """Store vectors by text hash; returns how many rows were written."""
        pairs = items.items() if isinstance(items, Mapping) else items
        rows = []
        for text_hash, vec in pairs:
            arr = np.ascontiguousarray(vec, dtype="<f4").reshape(-1)
            rows.append((self.model_id, text_hash, int(arr.shape[0]), arr.tobytes()))
        if not rows:
            return 0
        with closing(self._connect()) as con, con:
            con.executemany(
                "INSERT OR REPLACE INTO embeddings (model_id, text_hash, dim, vector) VALUES (?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def __len__(self) -> int:
        with closing(self._connect()) as con:
            row = con.execute("SELECT COUNT(*) FROM embeddings WHERE model_id = ?", [self.model_id])
            (n,) = row.fetchone()
        return int(n)


def embed_with_cache(
    embedder: Embedder,
    cache: EmbeddingCache,
    texts_by_hash: dict[str, str],
    batch_size: int,
) -> dict[str, np.ndarray]:
    """Passage vectors for every text, embedding only those not yet cached.

    Misses are embedded sorted by length (so each batch holds texts of
    similar length and padding is small) in slices of ``batch_size``, and each slice
    is written to the cache at once, so an interrupted run keeps its progress.
    Returns ``{text_hash: vector}`` for every key of ``texts_by_hash``.
    """
    if cache.model_id != embedder.model_id:
        raise ValueError(f"cache is for {cache.model_id!r} but embedder is {embedder.model_id!r}")
    vectors = cache.get_many(texts_by_hash)
    missing = sorted((h for h in texts_by_hash if h not in vectors), key=lambda h: len(texts_by_hash[h]))
    if missing:
        log.info("embedding %d of %d texts (%d cached)", len(missing), len(texts_by_hash), len(vectors))
    step = max(1, batch_size)
    for i in range(0, len(missing), step):
        part = missing[i : i + step]
        encoded = embedder.encode_passages([texts_by_hash[h] for h in part])
        fresh = dict(zip(part, encoded, strict=True))
        cache.put_many(fresh)
        vectors.update(fresh)
    return {h: vectors[h] for h in texts_by_hash}
