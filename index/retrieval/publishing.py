"""Publishing index generations: writing a new segment or generation, making it current
atomically, and pruning what no generation needs any more (the layout is
:mod:`~saksfinn.index.retrieval.layout`).

Every folder is written under ``.building-<name>`` and renamed when complete; then
``CURRENT.tmp`` is written and ``os.replace``-d onto ``CURRENT``. A reader therefore sees
the old or the new generation, never a half-written one, and a run killed at any point
leaves the previous generation current. Generations that are neither current nor the
one before, and older than :data:`PRUNE_GRACE_SECONDS`, are deleted after a build, then
segments no remaining generation names (a reader that already loaded one keeps
working: its data is in memory or held by open file handles).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from saksfinn.index.retrieval.analysis import WordCounts
from saksfinn.index.retrieval.dense import DenseIndex
from saksfinn.index.retrieval.layout import (
    CURRENT, DEAD_FILE, FORMAT, MANIFEST, PATCH_DIR, SEGMENT_INFO, SEGMENT_PREFIX, WORDS_FILE, read_current, write_meta,
)
from saksfinn.index.retrieval.postings import LexicalSegment, TermPatch
from saksfinn.models.chunk import Chunk

if TYPE_CHECKING:
    from saksfinn.index.retrieval.generation import Segment

log = logging.getLogger(__name__)

PRUNE_GRACE_SECONDS = 60.0


def stamp() -> str:
    return f"{dt.datetime.now(dt.timezone.utc).strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(3)}"


@contextmanager
def building_segment(out_dir: Path) -> Iterator[tuple[str, Path]]:
    """A new segment's name and the temporary folder to fill; renamed to the name when the
    block completes, deleted when it fails, so a segment folder is always complete."""
    name = f"{SEGMENT_PREFIX}{stamp()}"
    tmp = out_dir / f".building-{name}"
    tmp.mkdir()
    try:
        yield name, tmp
        os.replace(tmp, out_dir / name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def segment_record(tmp: Path, name: str, offset: int, rows: int, dense: DenseIndex | None) -> dict:
    """Write the segment's ``segment.json`` into ``tmp`` and return it."""
    info = {"name": name, "offset": offset, "rows": rows,
            "dim": dense.dim if dense else None, "dense_kind": dense.kind if dense else None}
    (tmp / SEGMENT_INFO).write_text(json.dumps(info))
    return info


def write_segment(
    out_dir: Path, chunks: Sequence[Chunk], analysed: Sequence[tuple[list[str], list[str]]], vectors: np.ndarray | None,
    offset: int,
) -> dict:
    """Write rows ``offset ..`` as a new segment folder (complete before it gets its name)."""
    with building_segment(out_dir) as (name, tmp):
        write_meta(tmp / "meta.sqlite", chunks, offset)
        LexicalSegment.build([a[0] for a in analysed], [a[1] for a in analysed]).save(tmp / "lexical")
        dense = None
        if vectors is not None:
            matrix = np.asarray(vectors, dtype=np.float32)
            matrix = matrix if matrix.ndim == 2 else matrix.reshape(len(chunks), -1)
            dense = DenseIndex.build(matrix, np.arange(offset, offset + len(chunks), dtype=np.int64))
            dense.save(tmp / "dense")
        info = segment_record(tmp, name, offset, len(chunks), dense)
    return info


def write_generation(out_dir: Path, segments: Sequence[dict], dead: np.ndarray, words: WordCounts, count: int,
                      patch: TermPatch | None = None) -> Path:
    """Write a generation naming ``segments`` (in row order), make it current, prune."""
    folder = out_dir / f"gen-{stamp()}"
    tmp = out_dir / f".building-{folder.name}"
    tmp.mkdir()
    try:
        np.save(tmp / DEAD_FILE, np.asarray(dead, dtype=np.int64))
        words.save(tmp / WORDS_FILE)
        if patch is not None and (len(patch) or len(patch.len_rows)):
            patch.save(tmp / PATCH_DIR)
        manifest = {
            "format": FORMAT,
            "chunks": count,
            "rows": sum(s["rows"] for s in segments),
            "segments": [s["name"] for s in segments],
            "dim": segments[0]["dim"],
            "dense_kind": segments[0]["dense_kind"],
            "created": dt.datetime.now(dt.timezone.utc).isoformat(),
        }
        (tmp / MANIFEST).write_text(json.dumps(manifest))
        os.replace(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    previous = read_current(out_dir)
    pointer = out_dir / f"{CURRENT}.tmp-{secrets.token_hex(3)}"
    pointer.write_text(folder.name)
    os.replace(pointer, out_dir / CURRENT)
    log.info("index generation %s: %d chunks in %d segment(s), %d tombstones", folder.name, count, len(segments), len(dead))
    prune(out_dir, keep=(folder.name, previous))
    return folder


def segment_info(seg: Segment) -> dict:
    return json.loads((seg.folder / SEGMENT_INFO).read_text())


def prune(out_dir: Path, *, keep: Sequence[str | None] = (), grace_seconds: float = PRUNE_GRACE_SECONDS) -> list[str]:
    """Delete generations other than CURRENT and ``keep`` older than ``grace_seconds``,
    then segments no remaining generation names (as old). Returns the generations removed."""
    out_dir = Path(out_dir)
    keep_names = {k for k in keep if k} | {read_current(out_dir)}
    removed = []
    now = time.time()
    for path in out_dir.glob("gen-*"):
        if path.name in keep_names or now - path.stat().st_mtime < grace_seconds:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    used: set[str] = set()
    for path in out_dir.glob("gen-*"):
        try:
            used.update(json.loads((path / MANIFEST).read_text()).get("segments", []))
        except (OSError, ValueError):
            continue
    for path in out_dir.glob(f"{SEGMENT_PREFIX}*"):
        if path.name not in used and now - path.stat().st_mtime >= grace_seconds:
            shutil.rmtree(path, ignore_errors=True)
    return removed
