"""The judged query sets and what each may be used for (issue #14).

* tuned — ``eval/queries.jsonl``: ranking decisions are made here;
* dev (held-out) — ``eval/queries_heldout.jsonl``: written untuned, but its figures have
  since informed ranking decisions, so it is development material now;
* dev2 — ``eval/queries_dev2.jsonl``: a second development set, 40 fresh queries written
  from the documents before any search and pool-judged like the others, so ranking
  decisions rest on more, and more varied, material than the two sets above;
* test (untuned) — ``eval/queries_test.jsonl``: reported, never decided on. Benchmarks
  include it only when asked (``--with-test``), so a tuning run does not show it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

EVAL = Path(__file__).resolve().parents[1] / "eval"
TUNED, DEV, TEST = EVAL / "queries.jsonl", EVAL / "queries_heldout.jsonl", EVAL / "queries_test.jsonl"
DEV2 = EVAL / "queries_dev2.jsonl"
LABELS = {TUNED.name: "tuned", DEV.name: "dev (held-out)", DEV2.name: "dev2", TEST.name: "test (untuned)"}


def label(path: Path) -> str:
    """The set's role ("tuned", "dev (held-out)", "dev2", "test (untuned)"), else its file name."""
    return LABELS.get(Path(path).name, Path(path).name)


def query_sets(paths: list[Path] | None, *, with_test: bool) -> list[Path]:
    """The files to report: ``paths`` or tuned + dev + dev2, plus the test set when ``with_test``."""
    chosen = list(paths) if paths else [TUNED, DEV, DEV2]
    if with_test and TEST.resolve() not in {Path(p).resolve() for p in chosen}:
        chosen.append(TEST)
    return chosen


def text_hash(text: str) -> str:
    """Short id of a passage's whitespace-normalised, lower-cased text (the pool sidecars hold these)."""
    return hashlib.sha256(re.sub(r"\s+", " ", text).strip().lower().encode("utf-8")).hexdigest()[:16]


def pool_sidecar(queries_path: Path) -> dict[str, set[str]] | None:
    """Query id → text hashes of its judged pool (``eval/<set>.pool.json``), or ``None``
    when the set was not pool-judged."""
    path = Path(queries_path).with_suffix(".pool.json")
    if not path.exists():
        return None
    return {qid: set(hashes) for qid, hashes in json.loads(path.read_text(encoding="utf-8")).items()}


def judged_share(hits_by_query: Mapping[str, Sequence[tuple[str, bool]]], pools: Mapping[str, set[str]]) -> float:
    """judged@k: the share of top-k hits that a judge has read — their passage lies in the
    query's judged pool, or satisfies a judgement (``(text hash, satisfies)`` per hit).
    Unjudged hits count as misses, so a low share means the figures are unreliable."""
    seen = judged = 0
    for qid, hits in hits_by_query.items():
        pool = pools.get(qid, set())
        seen += len(hits)
        judged += sum(1 for h, ok in hits if ok or h in pool)
    return judged / seen if seen else 0.0
