"""A learned re-ranking stage (learning to rank) over the fused candidate pool.

:meth:`SearchIndex.search` hands a :class:`Reranker` the :class:`Candidates` it has
ranked (channels, fusion, document lift, passage order) just before diversification;
the reranker returns the pool in a new order. :func:`candidate_features` is the pure
function from what the search holds to one feature row per candidate among the first
``depth``: channel scores and ranks (BM25 split into the query's own terms, its
written-standard counterparts and its machine translation's terms; dense cosine to the
query's and to the translation's vector), fused score and rank, the document lift,
the passage features (:mod:`~saksfinn.index.retrieval.passages`), the front-matter share
(:mod:`~saksfinn.index.retrieval.frontmatter`), length, kind, query
term coverage of text / title / heading context, the document's best candidate, the
passage's place in its document, and query features (length, standard, unknown words).

:class:`LinearReranker` scores ``features @ weights`` over standardised features (a
pairwise logistic regression on feature differences learns the weights;
``bench/learned_ranking.py``) and re-sorts the first ``depth`` rows; the rest follow
unchanged. :class:`FeatureRecorder` keeps each query's features and returns the pool as
it is (for training). Measured and not shipped: no reranker is on by default (README
"Search", "Learned re-ranking": +0.03 nDCG@10 in cross-validation over tuned + dev, but
under +0.02 on the tuned ↔ dev transfers, with tuned hard queries and recall losing).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from saksfinn.index.retrieval.expansion import WordWeights, merged, query_words
from saksfinn.index.retrieval.frontmatter import front_matter_share
from saksfinn.index.retrieval.generation import Generation
from saksfinn.index.retrieval.lexical import weighted_scores
from saksfinn.index.retrieval.passages import coverage, leads_section, own_text, prose_share
from saksfinn.models.chunk import Chunk

Ranked = list[tuple[int, float]]

FEATURES = (
    "fused", "fused_rank", "fused_raw", "lift", "bm25", "bm25_rank", "bm25_own", "bm25_counterpart",
    "bm25_translation", "dense", "dense_rank", "dense_query", "dense_other", "lead", "prose", "coverage", "front_matter",
    "title_coverage", "context_coverage", "length", "finding", "doc_best", "doc_place", "doc_candidates",
    "page", "query_words", "query_nn", "query_unknown", "nn_dense", "unknown_dense",
)
"""Names of :func:`candidate_features`' columns, in order (see each in the function)."""


@dataclass(frozen=True)
class Candidates:
    """What a search has ranked before diversification. ``words``: the query's own words
    (with counterparts) then its translation's (``own_words`` of them are the query's);
    ``channels``: each channel's pool (row, raw score) best first; ``fused``: after fusion
    only; ``ranked``: after the document lift and the passage order (what is re-ranked);
    ``qvec`` / ``other_vec``: the query's and its translation's vectors (or ``None``);
    ``source``: the standard the query was judged to be in (``nn`` / ``nb``; ``None``
    without a translation)."""

    gen: Generation
    query: str
    words: Sequence[WordWeights]
    own_words: int
    channels: dict[str, Ranked]
    fused: Ranked
    ranked: Ranked
    qvec: np.ndarray | None = None
    other_vec: np.ndarray | None = None
    source: str | None = None
    counterpart_weight: float = 0.5
    part_weight: float = 1.0
    k1: float = 1.5
    b: float = 0.75


class Reranker(Protocol):
    """Re-orders a search's candidate pool (rows and scores, best first)."""

    def rerank(self, candidates: Candidates) -> Ranked: ...


def _ranks(items: Ranked) -> dict[int, tuple[int, float]]:
    return {row: (rank, score) for rank, (row, score) in enumerate(items, start=1)}


def row_vectors(gen: Generation, rows: Sequence[int]) -> np.ndarray | None:
    """The stored vectors of ``rows`` (float64), or ``None`` for an index without vectors."""
    if not gen.dense or not len(rows):
        return None
    wanted = np.asarray(rows, dtype=np.int64)
    where = np.searchsorted(gen.offsets, wanted, side="right") - 1
    out = np.zeros((len(wanted), gen.dim), dtype=np.float64)
    for s in np.unique(where):
        seg = gen.segments[int(s)]
        pick = where == s
        out[pick] = np.asarray(seg.dense_vectors()[wanted[pick] - seg.offset], dtype=np.float64)
    return out


def _terms_of(analyzer, text: str | None) -> set[str]:  # noqa: ANN001
    return set(analyzer.terms(text)) if text else set()


def candidate_features(c: Candidates, chunks: Sequence[Chunk]) -> np.ndarray:
    """One row of :data:`FEATURES` per candidate: the first ``len(chunks)`` rows of
    ``c.ranked`` (``chunks`` are theirs, in order). Scores are divided by the pool's best
    (so queries compare), ranks are ``log2(1 + rank)`` (absent from a channel: its pool
    size + 1), shares are 0..1."""
    gen, n = c.gen, len(chunks)
    rows = [row for row, _ in c.ranked[:n]]
    out = np.zeros((n, len(FEATURES)), dtype=np.float64)
    if not n:
        return out
    col = {name: i for i, name in enumerate(FEATURES)}
    analyzer = gen.lexical.analyzer
    best = max(c.ranked[0][1], 1e-12)
    fused = _ranks(c.fused)
    fused_best = max(c.fused[0][1], 1e-12) if c.fused else 1.0
    for i, (row, score) in enumerate(c.ranked[:n]):
        out[i, col["fused"]] = score / best
        out[i, col["fused_rank"]] = math.log2(1 + i + 1)
        raw = fused.get(row, (0, 0.0))[1]
        out[i, col["fused_raw"]] = raw / fused_best
        out[i, col["lift"]] = (score - raw) / best
    for name in ("bm25", "dense"):
        items = c.channels.get(name, [])
        ranks = _ranks(items)
        top = max((s for _, s in items[:1]), default=1.0) or 1.0
        for i, row in enumerate(rows):
            rank, s = ranks.get(row, (len(items) + 1, 0.0))
            out[i, col[name]] = s / top if name == "bm25" else s
            out[i, col[f"{name}_rank"]] = math.log2(1 + rank)
    # BM25 split by where the terms come from: the query's own, its counterparts', its translation's
    own_list = query_words(gen.lexical, c.query, 0.0, c.part_weight)
    own = merged(own_list)
    all_own = merged(c.words[: c.own_words])
    parts = {"bm25_own": own, "bm25_counterpart": {t: w for t, w in all_own.items() if t not in own},
             "bm25_translation": merged(c.words[c.own_words :])}
    index = np.asarray(rows, dtype=np.int64)
    for name, weights in parts.items():
        if weights:
            scores = weighted_scores(gen.lexical, weights, k1=c.k1, b=c.b)
            out[:, col[name]] = scores[index] / max(float(np.max(scores)), 1e-12)
    vecs = row_vectors(gen, rows)
    if vecs is not None:
        if c.qvec is not None:
            out[:, col["dense_query"]] = vecs @ np.asarray(c.qvec, dtype=np.float64).reshape(-1)
        if c.other_vec is not None:
            out[:, col["dense_other"]] = vecs @ np.asarray(c.other_vec, dtype=np.float64).reshape(-1)
        else:
            out[:, col["dense_other"]] = out[:, col["dense_query"]]
    words = list(c.words)
    doc_best: dict[int, float] = {}
    doc_count: dict[int, int] = {}
    place = np.zeros(n)
    for i, (row, score) in enumerate(c.ranked[:n]):
        doc = int(gen.doc_codes[row])
        place[i] = doc_count.get(doc, 0)
        doc_count[doc] = doc_count.get(doc, 0) + 1
        doc_best.setdefault(doc, score)
    unknown = sum(1 for w in own_list if not any(gen.lexical.knows(t) for t in analyzer.terms_of_word(w.word, query=True)))
    unknown /= max(len(own_list), 1)
    for i, chunk in enumerate(chunks):
        text = own_text(chunk)
        doc = int(gen.doc_codes[rows[i]])
        out[i, col["lead"]] = leads_section(chunk)
        out[i, col["prose"]] = prose_share(text)
        out[i, col["front_matter"]] = front_matter_share(chunk.text, chunk.title)
        out[i, col["coverage"]] = coverage(_terms_of(analyzer, text), words)
        out[i, col["title_coverage"]] = coverage(_terms_of(analyzer, chunk.title), words)
        out[i, col["context_coverage"]] = coverage(_terms_of(analyzer, " ".join(filter(None, (chunk.section, chunk.context)))), words)
        out[i, col["length"]] = math.log2(1 + len(text.split()))
        out[i, col["finding"]] = chunk.type != "passage"
        out[i, col["doc_best"]] = doc_best[doc] / best
        out[i, col["doc_place"]] = math.log2(1 + place[i])
        out[i, col["doc_candidates"]] = math.log2(1 + doc_count[doc])
        out[i, col["page"]] = math.log2(chunk.page)
    out[:, col["query_words"]] = math.log2(1 + len(own_list))
    out[:, col["query_nn"]] = c.source == "nn"
    out[:, col["query_unknown"]] = unknown
    out[:, col["nn_dense"]] = out[:, col["query_nn"]] * out[:, col["dense"]]
    out[:, col["unknown_dense"]] = out[:, col["query_unknown"]] * out[:, col["dense"]]
    return out


DEPTH = 50  # the fused rows a reranker revisits (as the passage order does)


@dataclass
class FeatureRecorder:
    """A :class:`Reranker` that changes nothing and keeps each search's candidates'
    features and chunks (``records``: query, rows, chunks, features), for training."""

    depth: int = DEPTH
    records: list[tuple[str, list[int], list[Chunk], np.ndarray]] = field(default_factory=list)

    def rerank(self, candidates: Candidates) -> Ranked:
        head = candidates.ranked[: self.depth]
        chunks = candidates.gen.chunks([row for row, _ in head])
        self.records.append((candidates.query, [row for row, _ in head], chunks, candidate_features(candidates, chunks)))
        return candidates.ranked


@dataclass(frozen=True)
class LinearReranker:
    """``score = ((features − mean) / scale) @ weights`` over the first ``depth`` rows,
    re-sorted by it (ties by chunk-id order); the rows after them follow. The first row's
    score becomes the head's best fused score, so hits keep a comparable scale."""

    weights: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    depth: int = DEPTH
    features: tuple[str, ...] = FEATURES

    def __post_init__(self) -> None:
        if self.features != FEATURES or not (len(self.weights) == len(self.mean) == len(self.scale) == len(FEATURES)):
            raise ValueError("the model's features are not this version's (retrain it: bench/learned_ranking.py)")

    def score(self, feats: np.ndarray) -> np.ndarray:
        return ((feats - np.asarray(self.mean)) / np.asarray(self.scale)) @ np.asarray(self.weights)

    def rerank(self, candidates: Candidates) -> Ranked:
        head = candidates.ranked[: self.depth]
        if len(head) < 2:
            return candidates.ranked
        chunks = candidates.gen.chunks([row for row, _ in head])
        scores = self.score(candidate_features(candidates, chunks))
        keys = candidates.gen.keys
        order = sorted(range(len(head)), key=lambda i: (-scores[i], keys[head[i][0]]))
        # keep the head's scores in place (best first), the rows take their new order
        return [(head[j][0], head[i][1]) for i, j in enumerate(order)] + candidates.ranked[self.depth :]

    def to_json(self) -> str:
        return json.dumps({"features": list(self.features), "weights": list(self.weights), "mean": list(self.mean),
                           "scale": list(self.scale), "depth": self.depth}, indent=1)

    @classmethod
    def load(cls, path: Path) -> LinearReranker:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(tuple(data["weights"]), tuple(data["mean"]), tuple(data["scale"]), data.get("depth", DEPTH),
                   tuple(data["features"]))
