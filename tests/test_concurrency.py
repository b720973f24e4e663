"""Two runs at once, and searching while a run re-indexes."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saksfinn.cli import app
from tests.ingest_helpers import cli, make_corpus, require_pipeline

HOLD = """
import sys, time
from pathlib import Path
from saksfinn.flows.lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _holder(home: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(home), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


def test_second_ingest_exits_with_a_clear_message(home, tmp_path):
    (tmp_path / "docs").mkdir()
    holder = _holder(home, 60)
    try:
        result = CliRunner().invoke(app, ["ingest", str(tmp_path / "docs")])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert f"another ingestion run (pid {holder.pid})" in result.output and "--wait" in result.output


def test_second_ingest_waits_with_wait(home, tmp_path):
    require_pipeline()
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "sak.txt").write_text("Levanger kommune\nSaksframlegg\nHeltidskultur i helse og omsorg.\n")
    holder = _holder(home, 1.5)
    started = time.monotonic()
    result = CliRunner().invoke(app, ["ingest", str(docs), "--wait", "30", "--json"])
    holder.wait()
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 1.0
    assert '"new"' in result.output or '"change": "new"' in result.output


@pytest.mark.slow
def test_two_real_runs_started_at_once(tmp_path):
    require_pipeline()
    corpus = make_corpus(tmp_path / "corpus", None)
    home = tmp_path / "home"
    first = cli("ingest", str(corpus), home=home)
    lock = home / "ingest.lock"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (lock.exists() and lock.read_text().strip() == str(first.pid)):
        time.sleep(0.05)
    second = cli("ingest", str(corpus), home=home)
    _, err2 = second.communicate(timeout=120)
    _, err1 = first.communicate(timeout=600)
    assert first.returncode == 0, err1[-2000:]
    assert second.returncode == 1 and f"another ingestion run (pid {first.pid})" in err2


def _text_documents(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True)
    topics = ["heltidskultur", "sykefravær", "skolestruktur", "barnehage", "digitalisering", "vikarbruk"]
    for i in range(n):
        topic = topics[i % len(topics)]
        (folder / f"sak-{i:03d}.txt").write_text(
            f"Steinkjer kommune\nSaksframlegg\nSak {i}/2025: {topic} i kommunen\n\n"
            f"Erfaringer med {topic} viser at tiltak nummer {i} ga bedre resultater enn ventet. "
            f"Rådmannen anbefaler å videreføre arbeidet med {topic} i {2025 + i % 3}.\n",
            encoding="utf-8",
        )
    return folder


@pytest.mark.slow
def test_searches_keep_working_while_a_run_reindexes(home, tmp_path):
    require_pipeline()
    from saksfinn.flows.indexing import ensure_index
    from saksfinn.flows.ingest import run_ingest, store_for
    from saksfinn.flows.searching import Searcher
    from saksfinn.settings import get_settings

    settings = get_settings()
    run_ingest([str(make_corpus(tmp_path / "corpus", None))], settings)
    shared = Searcher(settings)
    shared.warm_up()
    current = home / "index" / "CURRENT"
    generations, errors, counts = {current.read_text()}, [], []
    stop = threading.Event()

    def search_loop(searcher: Searcher, query: str) -> None:
        n = 0
        while not stop.is_set():
            try:
                searcher.search(query, top=5)
                generations.add(current.read_text())
                n += 1
            except Exception as exc:  # any error during the swap is the failure this test looks for
                errors.append(repr(exc))
        counts.append(n)

    threads = [threading.Thread(target=search_loop, args=(shared, q)) for q in ("heltidskultur erfaringer", "sykefravær")]
    threads.append(threading.Thread(target=search_loop, args=(Searcher(settings), "skolestruktur")))
    for t in threads:
        t.start()
    try:
        run = run_ingest([str(_text_documents(tmp_path / "more", 40))], settings)
        for _ in range(3):
            ensure_index(store_for(settings), settings, force=True)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)

    assert errors == []
    assert run.counts()["new"] == 40 and run.index["rebuilt"]
    assert len(generations) >= 4  # the searches ran across several index swaps
    assert all(n > 0 for n in counts)
    hits = shared.search("tiltak nummer 39", top=3)  # a long-lived searcher sees the new documents
    assert any("sak-039" in (h.source or "") for h in hits)
