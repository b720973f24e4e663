"""Frozen e5 vectors with other learners and with context, out of fold (docs/prose_models.md).

    .venv/bin/python eval/prose_frozen.py        # ≈ 3 min on 2 cores once the vectors are cached

Same data and folds as ``prose_train.py`` (train+dev gold units, 5 folds grouped by document;
the test split is never read). Feature sets: the unit's e5 vector + cues; + the mean of its
neighbours' vectors and its heading's vector (``ctx``); + the unit minus each (``diffctx``).
Learners: logistic regression (C 1 and 0.3) and a one-layer MLP (256, early stopping).
Prints AP and recall at out-of-fold precision ≥ 0.85 / 0.7 / 0.5 per label.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import prose_data  # noqa: E402
from prose_compare import SEED, e5_vectors, pr_at, threshold_for  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

from saksfinn.extractors import prose_features as pf  # noqa: E402

LABELS = ("experience", "goal", "project")


def feature_sets() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    data = [e for e in prose_data.build() if not e.weak and e.split in ("train", "dev")]
    data.sort(key=lambda e: (e.sha256, e.start))
    groups = np.array([e.sha256 for e in data])
    vectors = e5_vectors([pf.e5_text(e.text) for e in data]).astype(np.float32)
    cues = np.array([pf.cues(e.text, e.heading, e.is_item) for e in data], dtype=np.float32)
    cues = cues / (np.abs(cues).max(0) + 1e-6)
    headings = sorted({e.heading or "" for e in data})
    heading_vectors = e5_vectors([pf.e5_text(h) if h else "ingen overskrift" for h in headings]).astype(np.float32)
    row_of = {h: i for i, h in enumerate(headings)}
    heading = heading_vectors[[row_of[e.heading or ""] for e in data]]
    prev, nxt = np.zeros_like(vectors), np.zeros_like(vectors)
    for i in range(len(data)):
        if i > 0 and groups[i - 1] == groups[i]:
            prev[i] = vectors[i - 1]
        if i + 1 < len(data) and groups[i + 1] == groups[i]:
            nxt[i] = vectors[i + 1]
    around = (prev + nxt) / 2
    sets = {
        "e5+cues": np.hstack([vectors, cues]),
        "e5+ctx+cues": np.hstack([vectors, around, heading, cues]),
        "e5+diffctx+cues": np.hstack([vectors, vectors - around, vectors - heading, cues]),
    }
    labels = np.array([[label in e.labels for label in LABELS] for e in data], dtype=int)
    return sets, labels, groups


def main() -> None:
    warnings.filterwarnings("ignore")
    sets, labels, groups = feature_sets()
    folds = list(GroupKFold(n_splits=5).split(labels, groups=groups))
    learners = {
        "lr C=1": lambda: LogisticRegression(C=1.0, max_iter=3000, class_weight="balanced", random_state=SEED),
        "lr C=0.3": lambda: LogisticRegression(C=0.3, max_iter=3000, class_weight="balanced", random_state=SEED),
        "mlp a=1e-3": lambda: MLPClassifier((256,), alpha=1e-3, early_stopping=True, random_state=SEED),
        "mlp a=0.1": lambda: MLPClassifier((256,), alpha=0.1, early_stopping=True, random_state=SEED),
    }
    for name, X in sets.items():
        for learner, make in learners.items():
            started, row = time.perf_counter(), []
            for j, label in enumerate(LABELS):
                y = labels[:, j]
                scores = np.zeros(len(y))
                for fit, scored in folds:
                    scores[scored] = make().fit(X[fit], y[fit]).predict_proba(X[scored])[:, 1]
                recalls = [pr_at(y.astype(bool), scores >= threshold_for(y, scores, p))[1] for p in (0.85, 0.7, 0.5)]
                row.append(f"{label[:4]} AP {average_precision_score(y, scores):.3f} R "
                           + "/".join(f"{r:.2f}" for r in recalls))
            print(f"{name:16s} {learner:11s} " + " | ".join(row) + f"  {time.perf_counter() - started:.0f}s", flush=True)


if __name__ == "__main__":
    main()
