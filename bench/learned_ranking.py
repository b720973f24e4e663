"""Learned re-ranking (learning to rank) over the fused pool, measured by query-grouped cross-validation.

Usage: .venv/bin/python bench/learned_ranking.py --home DIR [--depth 20] [--folds 5] [--seeds 0 1 2]
       [--learners NAME ...] [--transfer dev+dev2:tuned ...] [--with-test]

Opens the index ``saksfinn ingest ../shared/corpus`` built in ``DIR`` once, records the
features of every query's first 50 candidates (:func:`candidate_features`, the default
ranking's pool) for the tuned, dev and dev2 sets, labels each candidate with the number of
the query's judgements it satisfies (as :func:`evaluate` matches them), and reports, with
the default ranking scored on the same queries (nDCG@10 / hard nDCG / recall@10, bare/twins):

* cross-validation by query over tuned + dev + dev2 (``--folds`` folds per seed; every
  query scored once per seed by a model that did not see it): mean and spread over seeds,
  and the per-fold difference to the default;
* transfer (``--transfer SRC[+SRC]:DST``): trained on the sets named left, scored on the
  one named right (default: tuned → dev, dev → tuned, dev + dev2 → tuned).

Learners: ``pairwise`` — logistic regression on standardised feature differences of
pairs with different labels (one query's pairs weighted to sum to 1), a linear scorer;
``hgb`` — HistGradientBoostingRegressor on pointwise labels. The untuned test set is
read only with ``--with-test``, and then only as a transfer target, never trained or
cross-validated on (``bench/query_sets.py``).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query_sets import DEV, DEV2, TEST, TUNED  # noqa: E402
from ranking_variants import open_eval_home  # noqa: E402

from saksfinn.index.retrieval.evaluate import EvalQuery, _norm, evaluate, load_queries  # noqa: E402
from saksfinn.index.retrieval.learned import FEATURES, Candidates, FeatureRecorder, LinearReranker, candidate_features  # noqa: E402
from saksfinn.index.retrieval.search import SearchIndex  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class QueryData:
    query: EvalQuery
    features: np.ndarray  # (candidates, len(FEATURES))
    labels: np.ndarray  # judgements each candidate satisfies


def labels_of(q: EvalQuery, chunks, files) -> np.ndarray:  # noqa: ANN001
    out = np.zeros(len(chunks))
    for i, c in enumerate(chunks):
        text, f = _norm(c.text), files.get(c.document_id)
        out[i] = sum(1 for j in q.relevant if j.file == f and _norm(j.phrase) in text)
    return out


def pairs(data: Sequence[QueryData], lam: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature differences of every pair with different labels, both ways round, weighted
    so each query's pairs sum to 1; with ``lam`` a pair weighs what swapping the two
    places of the default order changes in DCG (LambdaRank's |ΔDCG|), so the first
    places count most."""
    xs, ys, ws = [], [], []
    for d in data:
        i, j = np.nonzero(d.labels[:, None] > d.labels[None, :])
        if not len(i):
            continue
        diff = d.features[i] - d.features[j]
        w = np.abs(1 / np.log2(2 + i) - 1 / np.log2(2 + j)) if lam else np.ones(len(i))
        w = w / w.sum() / 2
        xs += [diff, -diff]
        ys += [np.ones(len(i)), np.zeros(len(i))]
        ws += [w, w]
    return np.vstack(xs), np.concatenate(ys), np.concatenate(ws)


def train_pairwise(data: Sequence[QueryData], seed: int, c: float = 1.0, lam: bool = False,
                   depth: int = 50, anchor: float = 1.0) -> LinearReranker:
    """The pairwise learner. ``anchor`` > 1 scales the default's own score (``fused``) up before the L2-penalised
    fit, so its weight is all but free while the others are shrunk: the default order
    plus small corrections."""
    from sklearn.linear_model import LogisticRegression

    allx = np.vstack([d.features for d in data])
    mean, scale = allx.mean(axis=0), allx.std(axis=0)
    scale = np.where(scale > 1e-9, scale, 1.0)
    scale[FEATURES.index("fused")] /= anchor
    x, y, w = pairs(data, lam)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=2000, random_state=seed)
    model.fit(x / scale, y, sample_weight=w * len(data))
    return LinearReranker(tuple(float(v) for v in model.coef_[0]), tuple(float(v) for v in mean),
                          tuple(float(v) for v in scale), depth)


@dataclass(frozen=True)
class ModelReranker:
    """Any scorer of feature rows, re-sorting the first ``depth`` rows as :class:`LinearReranker` does."""

    score: Callable[[np.ndarray], np.ndarray]
    depth: int = 50

    def rerank(self, candidates: Candidates):  # noqa: ANN201
        head = candidates.ranked[: self.depth]
        if len(head) < 2:
            return candidates.ranked
        scores = self.score(candidate_features(candidates, candidates.gen.chunks([r for r, _ in head])))
        keys = candidates.gen.keys
        order = sorted(range(len(head)), key=lambda i: (-scores[i], keys[head[i][0]]))
        return [(head[j][0], head[i][1]) for i, j in enumerate(order)] + candidates.ranked[self.depth :]


def train_hgb(data: Sequence[QueryData], seed: int) -> ModelReranker:
    from sklearn.ensemble import HistGradientBoostingRegressor

    x = np.vstack([d.features for d in data])
    y = np.concatenate([np.minimum(d.labels, 2) for d in data])
    model = HistGradientBoostingRegressor(max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20,
                                          l2_regularization=1.0, random_state=seed)
    model.fit(x, y)
    return ModelReranker(model.predict)


LEARNERS = {"pairwise": train_pairwise, "pairwise C0.1": lambda d, s: train_pairwise(d, s, 0.1),
            "pairwise C0.01": lambda d, s: train_pairwise(d, s, 0.01), "hgb": train_hgb,
            "lambda C0.01": lambda d, s: train_pairwise(d, s, 0.01, True),
            "lambda C0.1": lambda d, s: train_pairwise(d, s, 0.1, True),
            "anchored C0.01": lambda d, s: train_pairwise(d, s, 0.01, anchor=30.0),
            "anchored C0.001": lambda d, s: train_pairwise(d, s, 0.001, anchor=30.0),
            "anchored lambda C0.01": lambda d, s: train_pairwise(d, s, 0.01, True, anchor=30.0)}


@dataclass
class Scores:
    per_query: dict[str, tuple[float, float]]
    hard: set[str]
    bare: int = 0
    twins: int = 0

    def summary(self, ids: Sequence[str] | None = None) -> tuple[float, float, float]:
        ids = list(ids if ids is not None else self.per_query)
        hard = [i for i in ids if i in self.hard]
        return (float(np.mean([self.per_query[i][0] for i in ids])), float(np.mean([self.per_query[i][0] for i in hard])),
                float(np.mean([self.per_query[i][1] for i in ids])))


def run(index: SearchIndex, reranker, queries, embedder, files, translator) -> Scores:  # noqa: ANN001
    index.reranker = reranker
    try:
        m = evaluate(queries, index, embedder, files=files, modes=("hybrid",), translator=translator)["hybrid"]
    finally:
        index.reranker = None
    return Scores(dict(m.per_query), {q.id for q in queries if q.is_hard}, m.bare, m.twins)


def latency_ms(index: SearchIndex, reranker, queries, embedder, translator, repeats: int = 3) -> float:  # noqa: ANN001
    """p50 wall time of one hybrid search (query vectors and translations cached first)."""
    texts = [q.query for q in queries]
    vecs = embedder.encode_queries(texts)
    others = [translator.other_standard(t) for t in texts]
    ovecs = [embedder.encode_queries([o.text])[0] if o is not None else None for o in others]
    index.reranker = reranker
    times = []
    try:
        for _ in range(repeats):
            for t, v, o, ov in zip(texts, vecs, others, ovecs):
                start = time.perf_counter()
                index.search(t, v, top=10, other=o, other_vec=ov)
                times.append(time.perf_counter() - start)
    finally:
        index.reranker = None
    return 1000 * float(np.median(times))


def fmt(t: tuple[float, float, float]) -> str:
    return f"{t[0]:.3f} / {t[1]:.3f} / {t[2]:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--learners", nargs="+", default=["pairwise", "hgb"])
    parser.add_argument("--depth", type=int, default=50, help="candidates per query re-ranked (and trained on)")
    parser.add_argument("--transfer", nargs="+", default=["tuned:dev", "dev:tuned", "dev+dev2:tuned"],
                        help="SRC[+SRC]:DST — train on the sets left of ':', score on the one right of it")
    parser.add_argument("--with-test", action="store_true",
                        help="also load the untuned test set, as a transfer target only (reporting, never deciding)")
    parser.add_argument("--no-cv", action="store_true", help="transfers only")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    files, embedder, index, translator = open_eval_home(args.home, args.corpus)
    sets = {"tuned": load_queries(TUNED), "dev": load_queries(DEV), "dev2": load_queries(DEV2)}
    transfers = [(tuple(src.split("+")), dst) for src, dst in (t.split(":") for t in args.transfer)]
    if args.with_test:
        sets["test"] = load_queries(TEST)
    for src, dst in transfers:
        if "test" in src or any(n not in sets for n in (*src, dst)):
            parser.error(f"transfer {'+'.join(src)}:{dst}: unknown set, or training on the test set")
    queries = sets["tuned"] + sets["dev"] + sets["dev2"]  # what is trained and cross-validated on

    t0 = time.perf_counter()
    recorder = FeatureRecorder(args.depth)
    base = run(index, recorder, queries, embedder, files, translator)
    data = {}
    for q, (query, rows, chunks, feats) in zip(queries, recorder.records):
        assert query == q.query
        data[q.id] = QueryData(q, feats, labels_of(q, chunks, files))
    print(f"features of {len(queries)} queries x <= {args.depth} candidates, {len(FEATURES)} features, "
          f"{sum(int((d.labels > 0).sum()) for d in data.values())} relevant candidates; {time.perf_counter() - t0:.0f} s")
    ids = {name: [q.id for q in qs] for name, qs in sets.items() if name != "test"}
    print("default           " + "   ".join(f"{n} {fmt(base.summary(i))}" for n, i in ids.items())
          + f"   all {fmt(base.summary())}  bare/twins {base.bare}/{base.twins}")
    if "test" in sets:
        test_base = run(index, None, sets["test"], embedder, files, translator)
        print(f"default           test (untuned) {fmt(test_base.summary())}  bare/twins {test_base.bare}/{test_base.twins}")

    for learner in args.learners:
        train = LEARNERS[learner]
        if args.depth != 50:
            def train(d, s, fit=LEARNERS[learner]):  # noqa: ANN001, ANN202
                model = fit(d, s)
                return replace(model, depth=args.depth)
        print(f"\n== {learner}")
        for src, dst in transfers:
            model = train([data[i] for name in src for i in ids[name]], 0)
            s = run(index, model, sets[dst], embedder, files, translator)
            ref = test_base.summary() if dst == "test" else base.summary(ids[dst])
            print(f"train {'+'.join(src):<9} -> {dst:<5}: {fmt(s.summary())}  (default {fmt(ref)})"
                  f"  bare/twins {s.bare}/{s.twins}", flush=True)
        if args.no_cv:
            continue
        seed_rows, deltas = [], []
        for seed in args.seeds:
            order = np.random.default_rng(seed).permutation(len(queries))
            per_query: dict[str, tuple[float, float]] = {}
            bare = twins = 0
            for k in range(args.folds):
                test = [queries[i] for i in order[k :: args.folds]]
                test_ids = {q.id for q in test}
                model = train([d for i, d in data.items() if i not in test_ids], seed)
                s = run(index, model, test, embedder, files, translator)
                per_query.update(s.per_query)
                bare, twins = bare + s.bare, twins + s.twins
                got, ref = s.summary(), base.summary([q.id for q in test])
                deltas.append(tuple(g - r for g, r in zip(got, ref)))
            cv = Scores(per_query, base.hard, bare, twins)
            seed_rows.append((cv.summary(), *(cv.summary(i) for i in ids.values())))
            print(f"cv seed {seed}: all {fmt(cv.summary())}  "
                  + "  ".join(f"{n} {fmt(cv.summary(i))}" for n, i in ids.items()) + f"  bare/twins {bare}/{twins}",
                  flush=True)
        arr = np.array([r[0] for r in seed_rows])
        d = np.array(deltas)
        print(f"cv mean over seeds: {fmt(tuple(arr.mean(axis=0)))}  sd {fmt(tuple(arr.std(axis=0)))}"
              f"  (default {fmt(base.summary())})")
        per_set = np.array([r[1:] for r in seed_rows]).mean(axis=0)
        print("cv mean per set:    " + "  ".join(f"{n} {fmt(tuple(m))} (default {fmt(base.summary(ids[n]))})"
                                                 for n, m in zip(ids, per_set)))
        print(f"per-fold delta vs default: mean {fmt(tuple(d.mean(axis=0)))}  min {fmt(tuple(d.min(axis=0)))}"
              f"  max {fmt(tuple(d.max(axis=0)))}  folds won/lost nDCG {int((d[:, 0] > 0).sum())}/{int((d[:, 0] < 0).sum())}")
        model = train(list(data.values()), 0)
        if isinstance(model, LinearReranker):
            top = sorted(zip(FEATURES, model.weights), key=lambda t: -abs(t[1]))[:10]
            print("weights (all data):", ", ".join(f"{n} {w:+.2f}" for n, w in top))
        print(f"p50 per query, hybrid: default {latency_ms(index, None, queries, embedder, translator):.1f} ms,"
              f" with {learner} {latency_ms(index, model, queries, embedder, translator):.1f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
