"""Pool judging of the tuned and dev sets (issue #14): phrase choice, judged@10, the sidecars."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.eval_modules import load_eval

from saksfinn.index.retrieval.evaluate import load_queries

REPO = Path(__file__).resolve().parents[1]
judge_pool = load_eval("judge_pool")  # puts bench/ on sys.path for query_sets
blind_groups, choose_phrase, norm = judge_pool.blind_groups, judge_pool.choose_phrase, judge_pool.norm
from query_sets import DEV2, TEST, judged_share, label, pool_sidecar, query_sets, text_hash  # noqa: E402

PASSAGE = ("Saksopplysninger: Om klagen: Idar Iversen, eier av eiendommen 228/3 i Kvam har påklaget "
           "kommunestyrets vedtak om oppheving av reguleringsplan Øren landsted.")
NEIGHBOUR = "Saksopplysninger: Om klagen: Ole Johan Haugseth har påklaget kommunestyrets vedtak om oppheving."


def test_a_phrase_is_copied_from_the_passage_and_matches_no_other_chunk_of_its_document() -> None:
    whole = norm(PASSAGE + " " + NEIGHBOUR)
    phrase = choose_phrase(PASSAGE, whole, [norm(NEIGHBOUR)], [], {"oppheving", "klage"})
    assert phrase is not None and len(phrase.split()) >= 6
    assert phrase in PASSAGE  # copied, not paraphrased
    assert norm(phrase) not in norm(NEIGHBOUR)


def test_no_phrase_when_every_window_is_shared_or_absent_from_the_file() -> None:
    assert choose_phrase(NEIGHBOUR, norm(NEIGHBOUR), [norm(NEIGHBOUR)], [], set()) is None
    assert choose_phrase(PASSAGE, "", [], [], set()) is None


def test_a_twin_document_may_hold_the_phrase_once_but_not_twice() -> None:
    whole = norm(PASSAGE)
    assert choose_phrase(PASSAGE, whole, [], [[norm(PASSAGE)]], set()) is not None
    assert choose_phrase(PASSAGE, whole, [], [[norm(PASSAGE), norm(PASSAGE) + " igjen"]], set()) is None


def test_the_blind_order_is_fixed_by_the_query_and_merges_twins() -> None:
    rows = [{"text": t, "file": f} for t, f in [("a  b", "x"), ("A b", "y"), ("c", "x"), ("d", "x")]]
    assert blind_groups("q1", rows) == blind_groups("q1", list(rows))
    assert sorted(len(g) for g in blind_groups("q1", rows)) == [1, 1, 2]


@pytest.mark.parametrize(
    ("hits", "pool", "share"),
    [
        ({"q": [("h1", False), ("h2", True)]}, {"q": {"h1"}}, 1.0),  # pooled, or satisfies a judgement
        ({"q": [("h1", False), ("h3", False)]}, {"q": {"h1"}}, 0.5),  # h3 never read
        ({"q": [("h1", False)]}, {}, 0.0),  # a query without a pool
        ({}, {}, 0.0),
    ],
)
def test_judged_share_counts_hits_a_judge_has_read(hits, pool, share) -> None:  # noqa: ANN001
    assert judged_share(hits, pool) == share


def test_text_hash_ignores_case_and_whitespace() -> None:
    assert text_hash("Om  klagen\n") == text_hash("om klagen")
    assert text_hash("om klagen") != text_hash("om klagene")


@pytest.mark.parametrize("name", ["queries.jsonl", "queries_heldout.jsonl", "queries_dev2.jsonl", "queries_test.jsonl"])
def test_every_pooled_query_has_its_pool_in_the_sidecar(name: str) -> None:
    path = REPO / "eval" / name
    pools = pool_sidecar(path)
    assert pools is not None
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pooled = {r["id"] for r in rows if r.get("pooled")}
    assert pooled == set(pools)  # each pool-judged query, and only those
    assert all(len(pools[q]) >= 20 for q in pooled)  # at least a top-20 was read
    assert len(load_queries(path)) == len(rows)  # the loader tolerates the extra field


def test_with_test_adds_the_test_set_once_however_its_path_is_written(monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.chdir(REPO)
    assert query_sets([Path("eval/queries_test.jsonl")], with_test=True) == [Path("eval/queries_test.jsonl")]
    assert query_sets(None, with_test=True)[-1] == TEST
    assert TEST not in query_sets(None, with_test=False)


def test_dev2_is_a_dev_set_reported_by_default() -> None:
    assert DEV2 in query_sets(None, with_test=False)
    assert label(DEV2) == "dev2" and "test" not in label(DEV2)
