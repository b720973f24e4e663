"""Compare prose sentence classifiers on the dev split (train on train, measure on dev).

    python eval/prose_compare.py            # all candidates, dev figures, JSON to eval/prose_compare.json

Candidates per label (experience, goal, project), each a binary logistic regression:

* ``tfidf``     — word 1–2-grams + character 2–5-grams (tf-idf), LR
* ``tfidf+cues``— the same plus hand-written lexical cues (:mod:`saksfinn.extractors.prose_features`)
* ``e5``        — multilingual-e5-small passage vectors, LR
* ``e5+cues``   — e5 vectors plus the cues
* ``e5+tfidf+cues`` — all three concatenated
* each also ``+weak``: trained with the weak examples (rule findings on unlabelled train docs)

Reported: average precision on dev, and recall at the lowest threshold whose dev precision
(from there up) is ≥ 0.85. Polarity: accuracy on dev experiences (mixed accepts either).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import prose_data  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402

from saksfinn.extractors import prose_features as pf  # noqa: E402

LABELS = ("experience", "goal", "project")
TARGET_PRECISION = 0.85
SEED = 13


def e5_vectors(texts: list[str]) -> np.ndarray:
    """Passage vectors (cached in .saksfinn/train/vectors.sqlite, computed once per text)."""
    import hashlib

    from saksfinn.index.embedding.embed_cache import EmbeddingCache, embed_with_cache
    from saksfinn.index.embedding.st_embedder import make_embedder
    from saksfinn.settings import Settings

    settings = Settings()
    embedder = make_embedder("st", settings.embedding_model, settings.model_cache, 32)
    cache = EmbeddingCache(ROOT / ".saksfinn" / "train" / "vectors.sqlite", embedder.model_id)
    by_hash = {hashlib.sha256(t.encode()).hexdigest(): t for t in texts}
    vectors = embed_with_cache(embedder, cache, by_hash, 32)
    return np.stack([vectors[hashlib.sha256(t.encode()).hexdigest()] for t in texts])


def threshold_for(y: np.ndarray, p: np.ndarray, target: float = TARGET_PRECISION) -> float:
    """Lowest threshold t such that precision of ``p >= s`` is ≥ target for every s ≥ t
    among the observed scores (1.01 when none)."""
    order = np.argsort(-p)
    best = 1.01
    tp = 0
    for rank, i in enumerate(order, 1):
        tp += y[i]
        if tp / rank >= target and y[i]:
            best = p[i]
    # stability: walk back up until every prefix from here holds the target
    ok = 1.01
    tp = 0
    for rank, i in enumerate(order, 1):
        tp += y[i]
        if p[i] < best:
            break
        if tp / rank >= target:
            ok = p[i]
    return float(min(best, ok) if ok <= 1 else best)


def pr_at(y: np.ndarray, pred: np.ndarray) -> tuple[float, float]:
    tp = int((y & pred).sum())
    return (tp / pred.sum() if pred.sum() else 0.0), (tp / y.sum() if y.sum() else 0.0)


def fit(X, y, C: float = 1.0):
    model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced", random_state=SEED)
    model.fit(X, y)
    return model


def main() -> None:
    t0 = time.perf_counter()
    data = prose_data.build()
    train = [e for e in data if e.split == "train" and not e.weak]
    weak = [e for e in data if e.weak]
    dev = [e for e in data if e.split == "dev"]
    print(f"train {len(train)} (+{len(weak)} weak) dev {len(dev)}; building features", file=sys.stderr)
    every = train + weak + dev
    texts = [pf.unit_text(e.text, e.heading) for e in every]
    vec = e5_vectors([pf.e5_text(e.text) for e in every])
    cues = np.array([pf.cues(e.text, e.heading, e.is_item) for e in every], dtype=np.float32)
    n_tr, n_wk = len(train), len(weak)
    idx = {"train": np.arange(n_tr), "weak": np.arange(n_tr, n_tr + n_wk), "dev": np.arange(n_tr + n_wk, len(every))}
    print(f"features in {time.perf_counter() - t0:.0f}s", file=sys.stderr)

    results = {}
    for use_weak in (False, True):
        fit_rows = np.concatenate([idx["train"], idx["weak"]]) if use_weak else idx["train"]
        tfidf = pf.make_tfidf().fit([texts[i] for i in fit_rows])
        T = tfidf.transform(texts)
        from scipy.sparse import csr_matrix, hstack

        feats = {
            "tfidf": T,
            "tfidf+cues": hstack([T, csr_matrix(cues)]).tocsr(),
            "e5": vec,
            "e5+cues": np.hstack([vec, cues]),
            "e5+tfidf+cues": hstack([csr_matrix(vec), T, csr_matrix(cues)]).tocsr(),
        }
        for name, X in feats.items():
            key = name + ("+weak" if use_weak else "")
            results[key] = {}
            for label in LABELS:
                y = np.array([label in e.labels for e in every], dtype=bool)
                best = None
                for C in (0.3, 1.0, 4.0):
                    model = fit(X[fit_rows], y[fit_rows], C)
                    p = model.predict_proba(X[idx["dev"]])[:, 1]
                    ap = average_precision_score(y[idx["dev"]], p)
                    if best is None or ap > best[0]:
                        best = (ap, C, p)
                ap, C, p = best
                yd = y[idx["dev"]]
                thr = threshold_for(yd.astype(int), p)
                prec, rec = pr_at(yd, p >= thr)
                prec5, rec5 = pr_at(yd, p >= 0.5)
                results[key][label] = {"ap": round(ap, 3), "C": C, "threshold": round(thr, 3),
                                       "precision": round(prec, 3), "recall": round(rec, 3),
                                       "p@0.5": round(prec5, 3), "r@0.5": round(rec5, 3), "positives": int(yd.sum())}
            # polarity among experiences
            pos_rows = [i for i in fit_rows if "experience" in every[i].labels and every[i].polarity in ("positive", "negative")]
            ypol = np.array([every[i].polarity == "positive" for i in range(len(every))])
            model = fit(X[pos_rows], ypol[pos_rows], 1.0)
            dev_exp = [i for i in idx["dev"] if "experience" in every[i].labels]
            guess = model.predict_proba(X[dev_exp])[:, 1] >= 0.5
            right = [every[i].polarity == "mixed" or (g == (every[i].polarity == "positive")) for i, g in zip(dev_exp, guess)]
            results[key]["polarity_accuracy"] = round(float(np.mean(right)), 3)
            print(key, json.dumps(results[key]), file=sys.stderr)
    # the rules' own polarity words, for comparison
    from saksfinn.extractors.experiences import word_polarity

    dev_exp = [e for e in dev if "experience" in e.labels]
    right = [e.polarity == "mixed" or word_polarity(e.text) == e.polarity for e in dev_exp]
    results["rule_word_polarity"] = {"polarity_accuracy": round(float(np.mean(right)), 3)}
    (ROOT / "eval" / "prose_compare.json").write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(f"done in {time.perf_counter() - t0:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
