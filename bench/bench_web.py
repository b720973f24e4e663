"""Latency of the web app over the shared corpus, model warm: ``/`` (search page, HTML)
and ``/api/search``, p50/p95 per endpoint, in-process (TestClient) and over loopback HTTP
(uvicorn on 127.0.0.1, httpx keep-alive client).

Usage: .venv/bin/python bench/bench_web.py [--home DIR] [--corpus ../shared/corpus] [--rounds 5]

``--home`` (or ``SAKSFINN_HOME``) must hold an ingested corpus; without one the corpus is
ingested into a temporary home first with the configured embedder (that time is
reported, not counted). One warm-up request loads the index and the query model.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

QUERIES = [
    {"q": "erfaringer med heltidskultur"},
    {"q": "sykefravær tiltak", "municipality": "Steinkjer"},
    {"q": "velferdsteknologi i hjemmetjenesten"},
    {"q": "budsjett økonomiplan", "year_from": "2025", "year_to": "2026"},
    {"q": "negative erfaringer lean", "type": "experience"},
    {"q": "rekruttering av sykepleiere"},
    {"q": "vedtak om nytt sykehjem", "type": "decision"},
    {"q": "forbedringsprogram resultater"},
]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(get, path: str, rounds: int) -> list[float]:  # noqa: ANN001
    times = []
    for _ in range(rounds):
        for params in QUERIES:
            t0 = time.perf_counter()
            r = get(path, params=params)
            times.append((time.perf_counter() - t0) * 1000)
            if r.status_code != 200:
                raise SystemExit(f"{path} {params}: HTTP {r.status_code}: {r.text[:200]}")
    return times


def report(label: str, times: list[float]) -> None:
    print(f"  {label:<28} n={len(times):>3}  p50 {statistics.median(times):7.1f} ms  "
          f"p95 {percentile(times, 95):7.1f} ms  max {max(times):7.1f} ms")


def ensure_home(home: Path | None, corpus: Path) -> Path:
    if home and (home / "index" / "CURRENT").exists():
        return home
    home = home or Path(tempfile.mkdtemp(prefix="saksfinn-bench-web-"))
    print(f"ingesting {corpus} into {home} …", flush=True)
    t0 = time.perf_counter()
    env = {**os.environ, "SAKSFINN_HOME": str(home), "PREFECT_HOME": str(home / "prefect")}
    subprocess.run([str(REPO / ".venv" / "bin" / "saksfinn"), "ingest", str(corpus)], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    print(f"  ingested in {time.perf_counter() - t0:.1f} s (not counted)")
    return home


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=Path(os.environ["SAKSFINN_HOME"]) if os.environ.get("SAKSFINN_HOME") else None)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import httpx
    from fastapi.testclient import TestClient

    from saksfinn.settings import Settings
    from saksfinn.web.app import create_app
    from screenshots import serve_in_thread

    home = ensure_home(args.home, args.corpus)
    settings = Settings(home=home)
    print(f"home {home}, embedder {settings.embedder} ({settings.embedding_model}), {os.cpu_count()} CPUs")
    client = TestClient(create_app(settings))
    t0 = time.perf_counter()
    client.get("/api/search", params={"q": "oppvarming"})
    print(f"  warm-up (index + model load): {(time.perf_counter() - t0) * 1000:.0f} ms")
    print("in-process (TestClient):")
    report("GET / (search page)", measure(client.get, "/", args.rounds))
    report("GET /api/search", measure(client.get, "/api/search", args.rounds))
    t0 = time.perf_counter()
    client.get("/oversikt")
    print(f"  GET /oversikt first (cold cache): {(time.perf_counter() - t0) * 1000:.0f} ms")
    report("GET /oversikt (cached)", [_timed(client.get, "/oversikt") for _ in range(10)])

    server, base = serve_in_thread(settings)
    try:
        with httpx.Client(base_url=base, timeout=30) as http:
            http.get("/api/search", params={"q": "oppvarming"})
            print("over loopback HTTP (uvicorn, 1 worker):")
            report("GET / (search page)", measure(http.get, "/", args.rounds))
            report("GET /api/search", measure(http.get, "/api/search", args.rounds))
    finally:
        server.should_exit = True


def _timed(get, path: str) -> float:  # noqa: ANN001
    t0 = time.perf_counter()
    get(path)
    return (time.perf_counter() - t0) * 1000


if __name__ == "__main__":
    main()
