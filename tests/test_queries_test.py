"""The untuned test set of judged queries (eval/queries_test.jsonl, issue #14).

Nobody tunes ranking on it: it is reported beside the tuned and dev sets, never decided on.
Its judgements name files of ../shared/corpus, so the checks skip when that is absent.
"""

from __future__ import annotations

import re
from pathlib import Path

from saksfinn.index.retrieval.evaluate import load_queries

EVAL = Path(__file__).resolve().parents[1] / "eval"
TEST_SET = EVAL / "queries_test.jsonl"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def test_test_set_parses_with_a_relevant_passage_per_query_and_a_third_hard(shared_corpus: Path) -> None:
    queries = load_queries(TEST_SET)
    assert len(queries) >= 45
    assert len({q.id for q in queries}) == len(queries)
    assert sum(q.is_hard for q in queries) * 3 >= len(queries)  # a third Nynorsk or paraphrase
    texts: dict[str, str] = {}
    for q in queries:
        assert q.query.strip() and 1 <= len(q.query.split()) <= 6, q.id  # typed by an adviser, not a sentence
        assert q.relevant, q.id
        for j in q.relevant:
            if j.file not in texts:
                texts[j.file] = _norm((shared_corpus / j.file).read_text(encoding="utf-8", errors="replace"))
            assert _norm(j.phrase) in texts[j.file], (q.id, j)  # a judgement no text satisfies caps the score


def test_test_set_shares_no_query_with_the_tuned_and_dev_sets(shared_corpus: Path) -> None:
    dev = [q for name in ("queries.jsonl", "queries_heldout.jsonl", "queries_dev2.jsonl") for q in load_queries(EVAL / name)]
    test = load_queries(TEST_SET)
    assert not {q.id for q in test} & {q.id for q in dev}
    assert not {_norm(q.query) for q in test} & {_norm(q.query) for q in dev}
