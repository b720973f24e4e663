"""Helpers for whole-run tests: the CLI in process and as a subprocess, and what the
store and the index hold, read straight from their files (not through the code under test)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner

from saksfinn.settings import Settings, get_settings

if TYPE_CHECKING:
    from saksfinn.index.storage.store import Store
    from saksfinn.models import IngestRun

REPO = Path(__file__).resolve().parents[1]
_runner = CliRunner()


# ---- the flow in process (hash embedder, local orchestrator) ----------------------------
def local_settings(home: Path) -> Settings:
    return get_settings(home=home, embedder="hash", orchestrator="local")


def use_home(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """Point the CLI (which reads the environment) at ``home``."""
    monkeypatch.setenv("SAKSFINN_HOME", str(home))
    monkeypatch.setenv("SAKSFINN_EMBEDDER", "hash")
    monkeypatch.setenv("SAKSFINN_ORCHESTRATOR", "local")


def invoke(*args: str) -> str:
    from saksfinn.cli import app

    result = _runner.invoke(app, list(args))
    assert result.exit_code == 0, f"saksfinn {' '.join(args)} failed:\n{result.output}\n{result.exception!r}"
    return result.stdout


def status_json() -> dict[str, Any]:
    return json.loads(invoke("status", "--json"))


def by_source(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["source"]: d for d in report["sources"]}


def outcomes(run: IngestRun) -> dict[str, Any]:
    return {o.source: o for o in run.outcomes}


def store_of(home: Path) -> Store:
    from saksfinn.index.storage.store import Store

    settings = local_settings(home)
    return Store(settings.db_url, files_dir=settings.files_dir)


def copy_sample(sample_corpus: Path, dest: Path) -> Path:
    shutil.copytree(sample_corpus, dest)
    return dest


def sample_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def forbid_reading(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on ``read_document`` records and refuses every call (the flow must not read)."""
    calls: list[str] = []

    def refuse(data: bytes, *, source: str, **_: Any) -> Any:
        calls.append(source)
        raise AssertionError(f"read_document called for {source}")

    monkeypatch.setattr("saksfinn.extractors.read.read_document", refuse)
    return calls


# ---- the CLI as a subprocess, the store and index read from their files ------------------


def require_pipeline() -> None:
    """Skip when the extractors / index the flow needs are not importable yet."""
    try:
        from saksfinn.flows.ingest import versions
        from saksfinn.extractors.themes import document_themes  # noqa: F401

        versions()
    except ImportError as exc:
        pytest.skip(f"ingestion pipeline not complete: {exc}")


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "SAKSFINN_HOME": str(home), "SAKSFINN_EMBEDDER": "hash", "SAKSFINN_ORCHESTRATOR": "local"}
    env.pop("PREFECT_API_URL", None)
    return {**env, **extra}


def cli(*args: str, home: Path, **kwargs: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "saksfinn.cli", *args], env=env_for(home), cwd=REPO,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs,  # type: ignore[call-overload]
    )


def make_corpus(dest: Path, shared: Path | None, n_shared: int = 30) -> Path:
    """The project's sample corpus plus some real Steinkjer texts, copied to ``dest``."""
    shutil.copytree(REPO / "corpus" / "documents", dest)
    if shared is not None and (shared / "steinkjer").is_dir():
        extra = dest / "Steinkjer" / "arkiv"
        extra.mkdir(parents=True, exist_ok=True)
        for path in sorted((shared / "steinkjer").glob("*.txt"))[:n_shared]:
            shutil.copy(path, extra / path.name)
    return dest


def db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "saksfinn.db")


def snapshot(home: Path) -> dict[str, object]:
    """Everything a consistent store + index must agree on."""
    with db(home) as conn:
        q = lambda sql: [r[0] for r in conn.execute(sql)]  # noqa: E731
        documents = q("SELECT document_id FROM documents")
        findings = q("SELECT finding_id FROM findings")
        chunks = q("SELECT chunk_id FROM chunks")
        sources = dict(conn.execute("SELECT source, status FROM sources"))
        orphans = q("SELECT count(*) FROM findings f LEFT JOIN documents d USING(document_id) WHERE d.document_id IS NULL")
    return {
        "documents": documents, "findings": findings, "chunks": chunks, "sources": sources,
        "orphan_findings": orphans[0], "index_chunks": index_chunk_ids(home),
    }


def index_chunk_ids(home: Path) -> list[str]:
    """The live chunk ids of the current index generation, over all its segments (a chunk
    indexed twice would show twice)."""
    from saksfinn.index.retrieval.search import Generation

    current = (home / "index" / "CURRENT").read_text().strip()
    gen = Generation(home / "index" / current, for_update=True)
    try:
        return [str(c) for c in gen.chunk_ids[gen.live_rows()]]
    finally:
        gen.close()
