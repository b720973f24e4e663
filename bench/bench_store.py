"""Store backends side by side: a cold ingestion of the same corpus on SQLite and on a
real PostgreSQL server (Debian's binaries, a temporary data directory, a Unix socket),
in one run, plus the unchanged re-run. The hash embedder keeps the model out of the
figures, so the difference is the store's.

Usage: .venv/bin/python bench/bench_store.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.postgres import start_server  # noqa: E402  (the same server the tests use)


def ingest(corpus: Path, home: Path, url: str | None) -> tuple[float, str]:
    import os

    env = {**os.environ, "SAKSFINN_HOME": str(home), "SAKSFINN_EMBEDDER": "hash", "SAKSFINN_ORCHESTRATOR": "local"}
    if url:
        env["SAKSFINN_DATABASE_URL"] = url
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "saksfinn.cli", "ingest", str(corpus)], env=env, cwd=REPO,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return time.perf_counter() - started, proc.stdout.splitlines()[0] if proc.stdout else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"skipped: no corpus at {args.corpus}")
        return
    files = sum(1 for p in args.corpus.rglob("*") if p.is_file())
    servers = start_server()
    server = next(servers)
    rows = []
    try:
        for name, url in (("sqlite", None), ("postgresql", server.create_database())):
            home = Path(tempfile.mkdtemp(prefix=f"saksfinn-bench-{name}-"))
            cold, summary = ingest(args.corpus, home, url)
            warm, _ = ingest(args.corpus, home, url)
            rows.append((name, cold, warm, summary))
            shutil.rmtree(home, ignore_errors=True)
    finally:
        servers.close()
    print(f"store backends, cold ingest of {args.corpus} ({files} files), hash embedder")
    print(f"{'store':<12}{'cold s':>9}{'re-run s':>10}{'files/s':>9}")
    for name, cold, warm, _ in rows:
        print(f"{name:<12}{cold:>9.1f}{warm:>10.1f}{files / cold:>9.2f}")
    print(f"postgresql / sqlite cold: {rows[1][1] / rows[0][1]:.2f}x")
    print(rows[0][3])


if __name__ == "__main__":
    main()
