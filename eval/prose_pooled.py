"""Unit vectors pooled from the passage pass vs units embedded alone, out of fold (docs/prose_models.md).

    .venv/bin/python eval/prose_pooled.py [--tfidf]   # ≈ 15 min on 2 shared cores (passages embedded once, cached)

Same data and folds as ``prose_train.py`` / ``prose_frozen.py`` (train+dev gold units, 5 folds
grouped by document; the test split is never read). Each annotated document is chunked the
way ingest chunks it (``chunk_document``), its passage chunks are embedded with the ingest
embedder (OpenVINO e5-small), and each unit's vector is the mean of the token states of its
span inside the passage holding most of it (``flows/unit_vectors.py``); units no passage
covers fall back to the unit embedded alone (same embedder). Feature sets compared: tf-idf + cues,
per-unit e5 + cues, pooled + cues, pooled + the passage's mean vector + cues; learners LR
(C from 0.3/1/4 by out-of-fold AP, as ``prose_train``) and MLP (128, alpha 1e-2, seed 13).
Prints AP and recall at out-of-fold precision ≥ 0.85 / 0.7 / 0.5 per label.
"""

from __future__ import annotations

import hashlib
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import annotate  # noqa: E402
import prose_data  # noqa: E402
from prose_compare import SEED, e5_vectors, pr_at, threshold_for  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

from saksfinn.extractors import prose_features as pf  # noqa: E402

LABELS = ("experience", "goal", "project")
CACHE = ROOT / ".saksfinn" / "train" / "pooled.npz"


def ingest_embedder():
    """The passage embedder ingest uses (settings from the environment), loaded once."""
    from saksfinn.flows.ingest import shared_embedder
    from saksfinn.settings import Settings

    return shared_embedder(Settings())


def pooled_vectors(data: list, embedder=None, cache: Path = CACHE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(pooled unit vectors, the covering passage's vector, covered?) per example, cached in ``cache``."""
    from saksfinn.flows.unit_vectors import assign, pooled_unit_vectors
    from saksfinn.index.retrieval.chunking import chunk_document

    key = hashlib.sha256(("v2|" + "|".join(f"{e.sha256}:{e.start}:{e.end}" for e in data)).encode()).hexdigest()
    if cache.exists():
        z = np.load(cache)
        if str(z["key"]) == key:
            return z["pooled"], z["passage"], z["covered"]
    embedder = embedder or ingest_embedder()
    documents = prose_data.annotated_paths(data)
    dim = 384
    pooled = np.zeros((len(data), dim), dtype=np.float32)
    passage = np.zeros((len(data), dim), dtype=np.float32)
    covered = np.zeros(len(data), dtype=bool)
    for n, (_, path, rows) in enumerate(documents, 1):
        _, doc = annotate.load(path)
        passages = [c for c in chunk_document(doc) if c.type == "passage"]
        units = [(data[i].start, data[i].end) for i in rows]
        where = assign(units, passages)
        texts = [pf.e5_text(data[i].text) for i in rows]
        vectors, unit_vectors = pooled_unit_vectors(  # an uncovered unit is embedded alone, as ingest does
            embedder, passages, units, lambda missing: embedder.encode_passages([texts[u] for u in missing]))
        for i, hit, v in zip(rows, where, unit_vectors):
            pooled[i] = v
            if hit is not None:
                passage[i], covered[i] = vectors[hit[0]], True
            else:
                passage[i] = v
        print(f"  {n}/{len(documents)} {annotate.rel(path)}: {len(passages)} passages, "
              f"{sum(w is not None for w in where)}/{len(units)} units covered", file=sys.stderr, flush=True)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, key=key, pooled=pooled, passage=passage, covered=covered)
    return pooled, passage, covered


def main() -> None:
    warnings.filterwarnings("ignore")
    t0 = time.perf_counter()
    data = [e for e in prose_data.build() if not e.weak and e.split in ("train", "dev")]
    data.sort(key=lambda e: (e.sha256, e.start))
    groups = np.array([e.sha256 for e in data])
    alone = e5_vectors([pf.e5_text(e.text) for e in data]).astype(np.float32)
    pooled, passage, covered = pooled_vectors(data)
    print(f"{len(data)} units, {covered.sum()} covered by a passage ({covered.mean():.1%}); "
          f"cosine pooled vs alone median {np.median((pooled[covered] * alone[covered]).sum(1)):.3f}; "
          f"{time.perf_counter() - t0:.0f}s", flush=True)
    cues = np.array([pf.cues(e.text, e.heading, e.is_item) for e in data], dtype=np.float32)

    import prose_train

    sets = {
        "pooled+cues": prose_train.folds(data, groups, np.hstack([pooled, cues])),
        "e5+cues": prose_train.folds(data, groups, np.hstack([alone, cues])),
        "pooled+passage+cues": prose_train.folds(data, groups, np.hstack([pooled, passage, cues])),
    }
    if "--tfidf" in sys.argv:  # slow (a vectorizer per fold); 0.362 / 0.331 / 0.247 AP on 2026-12-07
        sets["tfidf+cues"] = prose_train.folds(data, groups)
    learners = {
        "LR": [lambda C=C: LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=SEED)
               for C in (0.3, 1.0, 4.0)],
        "MLP128": [lambda: MLPClassifier((128,), alpha=1e-2, random_state=SEED, max_iter=200)],
    }
    for learner, makers in learners.items():
        for name, split in sets.items():
            if name == "tfidf+cues" and learner != "LR":
                continue
            started, row = time.perf_counter(), []
            for label in LABELS:
                y = np.array([label in e.labels for e in data], dtype=int)
                best = None
                for make in makers:
                    scores = np.zeros(len(y))
                    for fit_rows, score_rows, X in split:
                        scores[score_rows] = make().fit(X[fit_rows], y[fit_rows]).predict_proba(X[score_rows])[:, 1]
                    ap = average_precision_score(y, scores)
                    if best is None or ap > best[0] + 1e-9:
                        best = (ap, scores)
                ap, scores = best
                recalls = [pr_at(y.astype(bool), scores >= threshold_for(y, scores, p))[1] for p in (0.85, 0.7, 0.5)]
                row.append(f"{label[:4]} AP {ap:.3f} R " + "/".join(f"{r:.2f}" for r in recalls))
            print(f"{name:20s} {learner:7s} " + " | ".join(row) + f"  {time.perf_counter() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main()
