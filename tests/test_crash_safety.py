"""SIGKILL a real `saksfinn ingest` at several points, run it again, and compare the
store and the index with a run that was never interrupted."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SHARED_CORPUS
from tests.ingest_helpers import cli, db, make_corpus, require_pipeline, snapshot

pytestmark = pytest.mark.slow


def _documents_stored(home: Path) -> int:
    try:
        with db(home) as conn:
            return conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    except Exception:  # the database may not exist yet, or be mid-creation
        return 0


def _started(home: Path) -> bool:
    return (home / "saksfinn.db").exists()


def _indexing(home: Path) -> bool:
    index = home / "index"
    return index.is_dir() and (any(index.glob(".building-*")) or (index / "embeddings.sqlite").exists())


def _kill_when(home: Path, corpus: Path, condition: Callable[[], bool], delay: float = 0.0) -> bool:
    """Start a run, SIGKILL it once ``condition`` holds (+ delay); True if it was still running."""
    proc = cli("ingest", str(corpus), home=home)
    deadline = time.monotonic() + 300
    while proc.poll() is None and not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay)
    alive = proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL) if alive else None
    proc.communicate()
    return alive


def _complete(home: Path, corpus: Path) -> str:
    proc = cli("ingest", str(corpus), "--json", home=home)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-2000:]
    return out


def test_killed_runs_leave_store_and_index_consistent(tmp_path):
    require_pipeline()
    shared = SHARED_CORPUS if SHARED_CORPUS.is_dir() else None
    corpus = make_corpus(tmp_path / "corpus", shared)
    reference, home = tmp_path / "reference", tmp_path / "home"
    _complete(reference, corpus)
    expected = snapshot(reference)
    assert expected["documents"] and expected["findings"] and expected["chunks"]

    points = [
        ("starting", lambda: _started(home), 0.2),
        ("first documents stored", lambda: _documents_stored(home) >= 1, 0.0),
        ("later batch", lambda: _documents_stored(home) >= 17, 0.05),
        ("indexing", lambda: _indexing(home), 0.0),
        ("indexing, later", lambda: _indexing(home), 0.3),
    ]
    killed = [name for name, condition, delay in points if _kill_when(home, corpus, condition, delay)]
    assert len(killed) >= 3, f"runs ended before they could be killed: only {killed}"

    _complete(home, corpus)
    got = snapshot(home)

    assert sorted(got["documents"]) == sorted(expected["documents"])  # each document exactly once
    assert len(got["findings"]) == len(set(got["findings"])) and sorted(got["findings"]) == sorted(expected["findings"])
    assert sorted(got["chunks"]) == sorted(expected["chunks"])
    assert sorted(got["index_chunks"]) == sorted(got["chunks"])  # the index holds exactly the stored chunks
    assert got["orphan_findings"] == 0
    assert got["sources"] == expected["sources"]  # every file ingested, with the same status
    assert all(status != "failed" for status in got["sources"].values())
