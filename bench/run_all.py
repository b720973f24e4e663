"""Run every benchmark in bench/, then benchmark ingestion itself (``make bench``).

Usage: .venv/bin/python bench/run_all.py [--timeout 900] [--only NAME ...] [--skip NAME ...]
                                         [--corpus ../shared/corpus] [--no-scripts] [--no-ingest]

1. Each other ``bench/*.py`` script that exists (bench_read.py, bench_embed.py,
   bench_search.py, eval_search.py, …) runs as its own subprocess with its default
   arguments and a timeout; its output is printed under a heading. A script that fails
   or times out is reported as such and the rest still run.
2. Ingestion: a cold ``saksfinn ingest <corpus>`` (a fresh process and a fresh
   ``SAKSFINN_HOME``, so start-up, spaCy loading and index building count) and the
   unchanged re-run, with documents/s and pages/s side by side — for the hash embedder
   and, when it can be loaded offline, the real sentence-transformers embedder. The real
   model is converted/loaded once in a scratch home first and its ``models/`` folder
   copied into the benchmark home, so the cold run measures ingestion, not the one-off
   model conversion (reported separately).

Exit status is 0 when everything ran, 1 when any part failed or timed out.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
EMBEDDERS = ("hash", "sentence-transformers")
NOT_BENCHMARKS = {"run_all.py", "screenshots.py"}  # screenshots.py writes the README's pictures


@dataclass
class Outcome:
    name: str
    ok: bool
    seconds: float
    note: str = ""


@dataclass
class IngestTiming:
    label: str
    seconds: float
    sources: int = 0
    pages: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    stages: dict[str, float] = field(default_factory=dict)
    error: str | None = None


def heading(title: str) -> None:
    print(f"\n{'=' * 78}\n== {title}\n{'=' * 78}", flush=True)


def bench_scripts(only: list[str], skip: list[str]) -> list[Path]:
    """The other bench scripts present, in name order (``run_all.py`` and ``_*`` excluded)."""
    scripts = sorted(p for p in BENCH.glob("*.py") if p.name not in NOT_BENCHMARKS and not p.name.startswith("_"))
    if only:
        scripts = [p for p in scripts if p.stem in only or p.name in only]
    return [p for p in scripts if p.stem not in skip and p.name not in skip]


def base_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.setdefault("TRANSFORMERS_OFFLINE", "1")
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def run_script(script: Path, timeout: float) -> Outcome:
    """Run one bench script as a subprocess; print its output under a heading."""
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(script)], cwd=REPO, env=base_env(), capture_output=True, text=True, timeout=timeout,
        )
    except subprocess.TimeoutExpired as exc:
        seconds = time.perf_counter() - started
        heading(f"{script.name}: TIMED OUT after {timeout:.0f} s")
        print(_text(exc.stdout) + _text(exc.stderr))
        return Outcome(script.name, False, seconds, f"timed out after {timeout:.0f} s")
    seconds = time.perf_counter() - started
    status = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
    heading(f"{script.name}: {status}, {seconds:.1f} s")
    print(proc.stdout.rstrip())
    if proc.returncode != 0:
        print("--- stderr (last 40 lines) ---")
        print("\n".join(proc.stderr.rstrip().splitlines()[-40:]))
    return Outcome(script.name, proc.returncode == 0, seconds, "" if proc.returncode == 0 else status)


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


# ---- ingestion ---------------------------------------------------------------------------
def saksfinn(args: list[str], home: Path, embedder: str, timeout: float) -> tuple[float, subprocess.CompletedProcess]:
    env = base_env(SAKSFINN_HOME=str(home), SAKSFINN_EMBEDDER=embedder, SAKSFINN_ORCHESTRATOR="local")
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "saksfinn.cli", *args], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=timeout,
    )
    return time.perf_counter() - started, proc


def timed_ingest(label: str, corpus: Path, home: Path, embedder: str, timeout: float) -> IngestTiming:
    try:
        seconds, proc = saksfinn(["ingest", str(corpus), "--json"], home, embedder, timeout)
    except subprocess.TimeoutExpired:
        return IngestTiming(label, timeout, error=f"timed out after {timeout:.0f} s")
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
        return IngestTiming(label, seconds, error=f"exit {proc.returncode}: {tail}")
    run = json.loads(proc.stdout)
    outcomes = run["outcomes"]
    counts: dict[str, int] = {}
    for o in outcomes:
        counts[o["change"]] = counts.get(o["change"], 0) + 1
    return IngestTiming(
        label, seconds, sources=len(outcomes), pages=sum(o.get("pages") or 0 for o in outcomes),
        counts=counts, stages=run.get("stage_seconds") or {},
    )


def prepare_real_embedder(scratch: Path, timeout: float) -> tuple[float, str | None]:
    """Convert/load the real model once in ``scratch`` (a one-document ingest).
    Returns (seconds, problem or None); the model ends up in ``scratch/home/models``."""
    docs = scratch / "docs"
    docs.mkdir(parents=True)
    (docs / "prove.txt").write_text("Kommunestyret vedtok å innføre heltidskultur i helse og omsorg.\n", encoding="utf-8")
    try:
        seconds, proc = saksfinn(["ingest", str(docs), "--json"], scratch / "home", "sentence-transformers", timeout)
    except subprocess.TimeoutExpired:
        return timeout, f"timed out after {timeout:.0f} s"
    if proc.returncode != 0:
        return seconds, (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
    run = json.loads(proc.stdout)
    if not run.get("index", {}).get("chunks"):
        return seconds, "no chunks were embedded"
    return seconds, None


def ingest_benchmark(corpus: Path, timeout: float, embedders: list[str]) -> list[Outcome]:
    heading(f"ingestion: saksfinn ingest {corpus} (cold process and store, then unchanged re-run)")
    results: list[tuple[str, IngestTiming, IngestTiming | None]] = []
    outcomes: list[Outcome] = []
    root = Path(tempfile.mkdtemp(prefix="saksfinn-bench-"))
    try:
        for embedder in embedders:
            home = root / embedder / "home"
            if embedder != "hash":
                seconds, problem = prepare_real_embedder(root / embedder / "scratch", timeout)
                if problem:
                    print(f"{embedder}: skipped, the model could not be used offline: {problem}")
                    outcomes.append(Outcome(f"ingest[{embedder}]", True, seconds, f"skipped: {problem}"))
                    continue
                print(f"{embedder}: model converted/loaded once in {seconds:.1f} s (not counted below)")
                models = root / embedder / "scratch" / "home" / "models"
                if models.is_dir():
                    shutil.copytree(models, home / "models")
            cold = timed_ingest("cold", corpus, home, embedder, timeout)
            warm = timed_ingest("unchanged", corpus, home, embedder, timeout) if cold.error is None else None
            results.append((embedder, cold, warm))
            failed = cold.error or (warm.error if warm else None)
            outcomes.append(Outcome(f"ingest[{embedder}]", not failed, cold.seconds + (warm.seconds if warm else 0),
                                    failed or ""))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print_ingest_table(results)
    return outcomes


def print_ingest_table(results: list[tuple[str, IngestTiming, IngestTiming | None]]) -> None:
    print(f"\n{'embedder':<22}{'run':<11}{'seconds':>9}{'docs':>6}{'pages':>7}{'docs/s':>9}{'pages/s':>9}"
          f"{'vs cold':>9}  changes")
    for embedder, cold, warm in results:
        for t in (cold, warm):
            if t is None:
                continue
            if t.error:
                print(f"{embedder:<22}{t.label:<11}{t.seconds:>9.1f}  ERROR {t.error}")
                continue
            pages = cold.pages  # the unchanged run reads no pages: rate it on the work it confirmed
            ratio = f"{100 * t.seconds / cold.seconds:.0f} %" if cold.seconds else "-"
            changes = ", ".join(f"{n} {k}" for k, n in sorted(t.counts.items()))
            print(f"{embedder:<22}{t.label:<11}{t.seconds:>9.1f}{t.sources:>6}{pages:>7}"
                  f"{t.sources / t.seconds:>9.1f}{pages / t.seconds:>9.1f}{ratio:>9}  {changes}")
    for embedder, cold, warm in results:
        extract = cold.stages.get("extract") if not cold.error else None
        if extract is not None and cold.seconds:
            print(f"  findings [{embedder}]: stage extract (rules + prose model + votes + chunking) {extract:.1f} s"
                  f" = {100 * extract / cold.seconds:.0f} % of the cold ingest (target <= 25 %)")
            embed = cold.stages.get("embed")
            if embed is not None:  # pooled prose features: the index's passage embedding, done before extraction
                index = cold.stages.get("index", 0.0)
                print(f"  passages [{embedder}]: stage embed {embed:.1f} s + index {index:.1f} s"
                      f" = {100 * (embed + index) / cold.seconds:.0f} % (passage embedding moved before extract)")
    for embedder, cold, warm in results:
        for t in (cold, warm):
            if t is not None and t.stages:
                stages = ", ".join(f"{k} {v:.1f}" for k, v in t.stages.items())
                print(f"  stages [{embedder}, {t.label}] s: {stages}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per bench script / ingest run")
    parser.add_argument("--only", nargs="*", default=[], help="run only these scripts (names or stems)")
    parser.add_argument("--skip", nargs="*", default=[], help="skip these scripts")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--embedders", nargs="*", default=list(EMBEDDERS), choices=EMBEDDERS)
    parser.add_argument("--no-scripts", action="store_true", help="only the ingestion benchmark")
    parser.add_argument("--no-ingest", action="store_true", help="only the bench scripts")
    args = parser.parse_args(argv)

    outcomes: list[Outcome] = []
    if not args.no_scripts:
        scripts = bench_scripts(args.only, args.skip)
        print(f"bench scripts: {', '.join(p.name for p in scripts) or '(none)'}")
        outcomes += [run_script(script, args.timeout) for script in scripts]
    if not args.no_ingest:
        if args.corpus.is_dir():
            outcomes += ingest_benchmark(args.corpus, args.timeout, args.embedders)
        else:
            print(f"\ningestion benchmark skipped: no corpus at {args.corpus}")

    heading("summary")
    for o in outcomes:
        print(f"  {'ok    ' if o.ok else 'FAILED'} {o.name:<28} {o.seconds:8.1f} s  {o.note}")
    return 0 if all(o.ok for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
