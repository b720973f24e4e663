"""Retrieval quality of a :class:`~saksfinn.index.retrieval.search.SearchIndex` on judged queries.

A judgement names a document *file* and a distinctive *phrase*; a hit satisfies it
when the hit's document is that file and the hit's text contains the phrase
(case-insensitive, whitespace-normalised). Judgements therefore survive re-chunking.
Gains are binary and each judgement counts once (the first hit that satisfies it),
so overlapping chunks cannot inflate scores:

* ``recall@k`` — share of a query's judgements satisfied in the top ``k``;
* ``nDCG@k`` — DCG of those first satisfying ranks over the ideal
  (all judgements at the top ranks).

Both are averaged over queries. Queries are JSON lines
``{"id", "query", "lang", "kind", "relevant": [{"file", "phrase"}, ...]}``.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from saksfinn.index.embedding.embed import Embedder
from saksfinn.index.retrieval.search import SearchIndex
from saksfinn.models.chunk import Hit, SearchFilters

log = logging.getLogger(__name__)
MODES = ("bm25", "dense", "hybrid")


@dataclass(frozen=True)
class Judgement:
    file: str
    phrase: str


@dataclass(frozen=True)
class EvalQuery:
    id: str
    query: str
    relevant: tuple[Judgement, ...]
    lang: str = "nb"
    kind: str = "keyword"


@dataclass(frozen=True)
class Metrics:
    ndcg: float
    recall: float
    per_query: dict[str, tuple[float, float]] = field(default_factory=dict)  # id -> (ndcg, recall)


def load_queries(path: Path) -> list[EvalQuery]:
    out = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        out.append(
            EvalQuery(
                id=row["id"],
                query=row["query"],
                relevant=tuple(Judgement(j["file"], j["phrase"]) for j in row["relevant"]),
                lang=row.get("lang", "nb"),
                kind=row.get("kind", "keyword"),
            )
        )
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def satisfied(hits: Sequence[Hit], judgements: Sequence[Judgement], files: Mapping[str, str]) -> list[int | None]:
    """For each judgement, the 1-based rank of the first hit satisfying it (or None)."""
    texts = [(files.get(h.document_id), _norm(h.text)) for h in hits]
    ranks: list[int | None] = []
    for j in judgements:
        phrase = _norm(j.phrase)
        ranks.append(next((i for i, (f, t) in enumerate(texts, start=1) if f == j.file and phrase in t), None))
    return ranks


def score_query(ranks: Sequence[int | None], k: int) -> tuple[float, float]:
    """(nDCG@k, recall@k) from first-satisfying ranks of a query's judgements.

    A rank is a relevant hit (gain 1) when it first satisfies at least one judgement;
    one hit satisfying two judgements counts once for DCG (so nDCG ≤ 1) and twice
    for recall.
    """
    if not ranks:
        return 0.0, 0.0
    found = [r for r in ranks if r is not None and r <= k]
    dcg = sum(1.0 / math.log2(r + 1) for r in set(found))
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(ranks), k) + 1))
    return dcg / ideal, len(found) / len(ranks)


def evaluate(
    queries: Iterable[EvalQuery],
    index: SearchIndex,
    embedder: Embedder | None,
    *,
    files: Mapping[str, str],
    k: int = 10,
    modes: Sequence[str] = MODES,
) -> dict[str, Metrics]:
    """nDCG@k and recall@k per search mode. ``files`` maps document_id → judged file name.

    Modes needing vectors are skipped when ``embedder`` is ``None``.
    """
    queries = list(queries)
    qvecs = embedder.encode_queries([q.query for q in queries]) if embedder is not None else None
    results: dict[str, Metrics] = {}
    for mode in modes:
        if mode != "bm25" and qvecs is None:
            continue
        per_query = {}
        for i, q in enumerate(queries):
            hits = index.search(q.query, None if qvecs is None else qvecs[i], top=k, filters=SearchFilters(), mode=mode)  # type: ignore[arg-type]
            per_query[q.id] = score_query(satisfied(hits, q.relevant, files), k)
        n = max(len(per_query), 1)
        results[mode] = Metrics(
            ndcg=sum(v[0] for v in per_query.values()) / n,
            recall=sum(v[1] for v in per_query.values()) / n,
            per_query=per_query,
        )
    return results


def format_table(results: Mapping[str, Metrics], k: int = 10) -> str:
    lines = [f"{'mode':<24} nDCG@{k:<4} recall@{k}"]
    for mode, m in results.items():
        lines.append(f"{mode:<24} {m.ndcg:8.3f} {m.recall:9.3f}")
    return "\n".join(lines)
