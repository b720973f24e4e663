"""Retrieval quality of a :class:`~saksfinn.index.retrieval.search.SearchIndex` on judged queries.

A judgement names a document *file* and a distinctive *phrase*; a hit satisfies it
when the hit's document is that file and the hit's text contains the phrase
(case-insensitive, whitespace-normalised). Judgements therefore survive re-chunking.
Gains are binary and each judgement counts once (the first hit that satisfies it),
so overlapping chunks cannot inflate scores:

* ``recall@k`` — share of a query's judgements satisfied in the top ``k``;
* ``nDCG@k`` — DCG of those first satisfying ranks over the ideal: the fewest
  indexed chunks that satisfy all judgements, at the top ranks. Two judged phrases
  that stand in one passage are one relevant hit, so a perfect ranking scores 1;
* ``nDCG@k per phrase`` (``ndcg_phrase``) — the older ideal of one hit per judgement,
  which two phrases in one passage can never reach (kept for comparison).

Both are averaged over queries, over all of them and over the *hard* ones (Nynorsk or
paraphrase: a row's ``"hard"``, else ``lang == "nn"`` or ``kind == "paraphrase"``).
Queries are JSON lines ``{"id", "query", "lang", "kind", "hard"?, "relevant": [{"file",
"phrase"}, ...]}``. Two faults an adviser sees are counted over every query's top ``k``:

* ``bare`` — hits that are only a title or heading (:func:`is_bare_heading`);
* ``twins`` — pairs of hits from two different documents that are the same content:
  the same judged file (a PDF and its text copy) or near-identical text
  (:func:`near_duplicate_text`);
* ``repeats`` — pairs of hits from one document where one says again what the other says
  (:func:`repeat_pairs`: a proposal and its decision, a decision found twice).
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
from saksfinn.index.retrieval.chunking import is_bare_heading
from saksfinn.index.retrieval.hits import COPY_SHARE, REPEAT_MIN_WORDS, REPEAT_SHARE, TWIN_MIN_WORDS, shingles
from saksfinn.index.retrieval.search import SearchIndex
from saksfinn.index.retrieval.translation import QueryTranslator, translations
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
    hard: bool | None = None

    @property
    def is_hard(self) -> bool:
        """Nynorsk or paraphrase: what the words of the query do not literally match."""
        return self.hard if self.hard is not None else (self.lang == "nn" or self.kind == "paraphrase")


@dataclass(frozen=True)
class Metrics:
    ndcg: float
    recall: float
    per_query: dict[str, tuple[float, float]] = field(default_factory=dict)  # id -> (ndcg, recall)
    ndcg_hard: float = 0.0
    recall_hard: float = 0.0
    ndcg_phrase: float = 0.0  # with one ideal hit per judgement (see module doc)
    bare: int = 0  # title/heading-only hits in all top-k lists
    twins: int = 0  # twin pairs in all top-k lists
    repeats: int = 0  # same-document repeat pairs in all top-k lists


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
                hard=row.get("hard"),
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


def near_duplicate_text(a: str, b: str, threshold: float = 0.7) -> bool:
    """Word-3-shingle Jaccard similarity of ``a`` and ``b`` is at least ``threshold``."""
    sa, sb = shingles(a), shingles(b)
    return bool(sa and sb) and len(sa & sb) / len(sa | sb) >= threshold


def copied(shown: str, later: str, share: float = COPY_SHARE, min_words: int = TWIN_MIN_WORDS) -> bool:
    """``later`` (at least ``min_words`` words) stands almost whole in ``shown``: ``share`` of its
    word-3-shingles are ``shown``'s."""
    sa, sb = shingles(shown), shingles(later)
    return len(sb) >= min_words - 2 and len(sa & sb) >= share * len(sb)


def twin_pairs(hits: Sequence[Hit], files: Mapping[str, str]) -> int:
    """Pairs of hits from different documents that show the same content: near-identical
    texts, or a lower hit whose text stands almost whole in a higher one (:func:`copied`)."""
    count = 0
    for i, a in enumerate(hits):
        for b in hits[i + 1 :]:
            if a.document_id == b.document_id:
                continue
            same_file = files.get(a.document_id) is not None and files.get(a.document_id) == files.get(b.document_id)
            if (same_file and near_duplicate_text(a.text, b.text, 0.5)) or near_duplicate_text(a.text, b.text):
                count += 1
            elif copied(a.text, b.text):
                count += 1
    return count


def repeat_pairs(hits: Sequence[Hit], share: float = REPEAT_SHARE, min_shingles: int = REPEAT_MIN_WORDS - 2) -> int:
    """Pairs of hits of one document where ``share`` of the shorter text's word-3-shingles
    are the other's (the shorter at least ``min_shingles`` shingles)."""
    count = 0
    for i, a in enumerate(hits):
        for b in hits[i + 1 :]:
            if a.document_id != b.document_id:
                continue
            sa, sb = shingles(a.text), shingles(b.text)
            shorter = min(len(sa), len(sb))
            count += shorter >= min_shingles and len(sa & sb) >= share * shorter
    return count


def ideal_hits(judgements: Sequence[Judgement], chunks: Sequence[tuple[str | None, str]]) -> int:
    """How few of the indexed ``chunks`` (judged file, text) satisfy all ``judgements``
    (greedy set cover); a judgement no chunk satisfies needs a hit of its own."""
    phrases = [(j.file, _norm(j.phrase)) for j in judgements]
    covers = []
    for f, t in chunks:
        got = frozenset(i for i, (jf, ph) in enumerate(phrases) if jf == f and ph in t)
        if got:
            covers.append(got)
    left = set(range(len(phrases)))
    needed = 0
    while left:
        best = max(covers, key=lambda c: len(c & left), default=frozenset())
        if not best & left:
            return needed + len(left)
        left -= best
        needed += 1
    return needed


def score_query(ranks: Sequence[int | None], k: int, ideal: int | None = None) -> tuple[float, float]:
    """(nDCG@k, recall@k) from first-satisfying ranks of a query's judgements.

    A rank is a relevant hit (gain 1) when it first satisfies at least one judgement;
    one hit satisfying two judgements counts once for DCG (so nDCG ≤ 1) and twice
    for recall.
    """
    if not ranks:
        return 0.0, 0.0
    found = [r for r in ranks if r is not None and r <= k]
    dcg = sum(1.0 / math.log2(r + 1) for r in set(found))
    best = sum(1.0 / math.log2(i + 1) for i in range(1, min(ideal or len(ranks), k) + 1))
    return min(dcg / best, 1.0), len(found) / len(ranks)


def evaluate(
    queries: Iterable[EvalQuery],
    index: SearchIndex,
    embedder: Embedder | None,
    *,
    files: Mapping[str, str],
    k: int = 10,
    modes: Sequence[str] = MODES,
    translator: QueryTranslator | None = None,
) -> dict[str, Metrics]:
    """nDCG@k and recall@k per search mode. ``files`` maps document_id → judged file name.

    Modes needing vectors are skipped when ``embedder`` is ``None``. With ``translator``
    each query is searched with its translation into the other written standard too (and
    that translation's embedding), as the app searches.
    """
    queries = list(queries)
    gen = index.current()
    indexed = [(files.get(c.document_id), _norm(c.text)) for c in gen.chunks(list(gen.live_rows()))]
    ideals = {q.id: ideal_hits(q.relevant, indexed) for q in queries}
    qvecs = embedder.encode_queries([q.query for q in queries]) if embedder is not None else None
    others = translations(translator, [q.query for q in queries])
    with_other = [i for i, o in enumerate(others) if o is not None]
    ovecs: dict[int, object] = {}
    if embedder is not None and with_other:
        ovecs = dict(zip(with_other, embedder.encode_queries([others[i].text for i in with_other])))  # type: ignore[union-attr]
    results: dict[str, Metrics] = {}
    for mode in modes:
        if mode != "bm25" and qvecs is None:
            continue
        per_query = {}
        phrase_ndcg = []
        bare = twins = repeats = 0
        for i, q in enumerate(queries):
            hits = index.search(q.query, None if qvecs is None else qvecs[i], top=k, filters=SearchFilters(), mode=mode,  # type: ignore[arg-type]
                                other=others[i], other_vec=ovecs.get(i))  # type: ignore[arg-type]
            ranks = satisfied(hits, q.relevant, files)
            per_query[q.id] = score_query(ranks, k, ideals[q.id])
            phrase_ndcg.append(score_query(ranks, k)[0])
            bare += sum(is_bare_heading(h.text) for h in hits)
            twins += twin_pairs(hits, files)
            repeats += repeat_pairs(hits)
        hard = [per_query[q.id] for q in queries if q.is_hard]
        results[mode] = Metrics(
            ndcg=_mean(v[0] for v in per_query.values()),
            recall=_mean(v[1] for v in per_query.values()),
            per_query=per_query,
            ndcg_hard=_mean(v[0] for v in hard),
            recall_hard=_mean(v[1] for v in hard),
            bare=bare,
            twins=twins,
            repeats=repeats,
            ndcg_phrase=_mean(phrase_ndcg),
        )
    return results


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def format_table(results: Mapping[str, Metrics], k: int = 10) -> str:
    lines = [f"{'mode':<28} nDCG@{k:<4} recall@{k}  hard nDCG  hard recall  bare  twins  repeats  nDCG/phrase"]
    for mode, m in results.items():
        lines.append(
            f"{mode:<28} {m.ndcg:8.3f} {m.recall:9.3f} {m.ndcg_hard:10.3f} {m.recall_hard:12.3f}"
            f" {m.bare:5d} {m.twins:6d} {m.repeats:8d} {m.ndcg_phrase:12.3f}"
        )
    return "\n".join(lines)
