"""The judged query sets and what each may be used for (issue #14).

* tuned — ``eval/queries.jsonl``: ranking decisions are made here;
* dev (held-out) — ``eval/queries_heldout.jsonl``: written untuned, but its figures have
  since informed ranking decisions, so it is development material now;
* test (untuned) — ``eval/queries_test.jsonl``: reported, never decided on. Benchmarks
  include it only when asked (``--with-test``), so a tuning run does not show it.
"""

from __future__ import annotations

from pathlib import Path

EVAL = Path(__file__).resolve().parents[1] / "eval"
TUNED, DEV, TEST = EVAL / "queries.jsonl", EVAL / "queries_heldout.jsonl", EVAL / "queries_test.jsonl"
LABELS = {TUNED.name: "tuned", DEV.name: "dev (held-out)", TEST.name: "test (untuned)"}


def label(path: Path) -> str:
    """The set's role ("tuned", "dev (held-out)", "test (untuned)"), else its file name."""
    return LABELS.get(Path(path).name, Path(path).name)


def query_sets(paths: list[Path] | None, *, with_test: bool) -> list[Path]:
    """The files to report: ``paths`` or tuned + dev, plus the test set when ``with_test``."""
    chosen = list(paths) if paths else [TUNED, DEV]
    if with_test and TEST not in chosen:
        chosen.append(TEST)
    return chosen
