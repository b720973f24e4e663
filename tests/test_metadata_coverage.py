"""Municipality and title coverage on ../shared/corpus, against eval/metadata_gold.tsv
(which municipality each document states, checked by reading) — the figures
README/docs quote, as floors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.eval_modules import load_eval

coverage = load_eval("metadata_coverage")


@pytest.mark.corpus
@pytest.mark.slow
def test_municipality_and_title_coverage(shared_corpus: Path) -> None:
    results = coverage.outcomes(shared_corpus)
    figures = coverage.summary(results)
    print(figures)
    for split, c in figures.items():
        assert c.get("wrong", 0) == 0, f"{split}: a municipality the text does not state"
    tuned, test = figures["tuned"], figures["test"]
    assert tuned.get("missed", 0) <= 2 and test.get("missed", 0) <= 3
    assert tuned["title_poor"] == 0 and test["title_poor"] == 0
    assert tuned["title_agrees"] >= 94 and test["title_agrees"] >= 26


def test_gold_is_well_formed() -> None:
    gold = coverage.gold()
    assert len(gold) == 126
    assert all(len(sha) == 64 and row["file"] for sha, row in gold.items())
