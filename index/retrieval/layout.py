"""The on-disk layout of an index folder: file and folder names, the format number, which
generation is current, and the chunk table (``meta.sqlite``) every segment carries.

Layout of an index folder::

    CURRENT              name of the live generation (replaced atomically)
    seg-<time>-<rand>/   one immutable run of rows, shared by the generations naming it
        meta.sqlite      chunk records by (global) row + filter columns
        lexical/         BM25 postings of its rows (:class:`LexicalSegment`)
        dense/           faiss index + vectors of its rows (absent without vectors)
        segment.json     first row, row count, dimension, dense kind
    gen-<time>-<rand>/   one generation
        manifest.json    written last: format, live chunks, rows, its segments in order
        dead.npy         tombstones: rows no longer live (withdrawn)
        words.json       live texts per word: the compound-splitting vocabulary
        patch/           term-frequency changes of older rows whose words split anew

Reading it is :mod:`~saksfinn.index.retrieval.generation`; writing a new segment or
generation and making it current is :mod:`~saksfinn.index.retrieval.publishing`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from saksfinn.index.retrieval.chunking import context_text
from saksfinn.models.chunk import Chunk

CURRENT = "CURRENT"
MANIFEST = "manifest.json"
FORMAT = 2  # generations of segments; format 1 (one bm25s index per generation) is rebuilt
SEGMENT_PREFIX = "seg-"
SEGMENT_INFO = "segment.json"
DEAD_FILE = "dead.npy"
WORDS_FILE = "words.json"
PATCH_DIR = "patch"


def lexical_text(chunk: Chunk) -> str:
    """What BM25 indexes for a chunk: "title / heading / text" (:func:`context_text`)."""
    return context_text(chunk)


def read_current(out_dir: Path) -> str | None:
    try:
        return (Path(out_dir) / CURRENT).read_text().strip() or None
    except FileNotFoundError:
        return None


def write_meta(path: Path, chunks: Sequence[Chunk], offset: int = 0, *,
                copy: Sequence[tuple[Path, np.ndarray]] = ()) -> None:
    """The chunk table: ``chunks`` as rows ``offset ..``, after the rows of ``copy``'s
    tables renumbered by their maps (old row → new row, −1: left out)."""
    db = sqlite3.connect(path)
    try:
        # a file in a folder still being built: crash safety comes from renaming the folder
        db.execute("PRAGMA journal_mode=OFF")
        db.execute("PRAGMA synchronous=OFF")
        db.execute(
            "CREATE TABLE chunks (row INTEGER PRIMARY KEY, chunk_id TEXT, document_id TEXT, municipality TEXT,"
            " doc_type TEXT, type TEXT, polarity TEXT, year INTEGER, themes TEXT, record TEXT, confidence REAL)"
        )
        for source, new_row in copy:
            db.execute("ATTACH DATABASE ? AS old", (str(source),))
            db.execute("CREATE TEMP TABLE map (old INTEGER PRIMARY KEY, new INTEGER)")
            moved = np.flatnonzero(new_row >= 0)
            db.executemany("INSERT INTO map VALUES (?, ?)", zip(moved.tolist(), new_row[moved].tolist()))
            db.execute(
                "INSERT INTO chunks SELECT m.new, c.chunk_id, c.document_id, c.municipality, c.doc_type, c.type,"
                " c.polarity, c.year, c.themes, c.record, c.confidence FROM old.chunks c JOIN map m ON m.old = c.row"
            )
            db.commit()
            db.execute("DROP TABLE map")
            db.execute("DETACH DATABASE old")
        db.executemany(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                (
                    row,
                    c.chunk_id,
                    c.document_id,
                    c.municipality,
                    c.doc_type,
                    c.type,
                    c.polarity,
                    c.year if c.year is not None else (c.date.year if c.date else None),
                    json.dumps(list(c.themes), ensure_ascii=False),
                    c.model_dump_json(),
                    c.confidence,
                )
                for row, c in enumerate(chunks, start=offset)
            ),
        )
        db.commit()
    finally:
        db.close()
