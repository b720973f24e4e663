"""Train the prose classifiers and write the committed artefact (``make train``).

    python eval/prose_train.py                 # writes extractors/data/prose_model.{joblib,json}
    python eval/prose_train.py --features e5   # writes extractors/data/prose_model_e5.{joblib,json}
    python eval/prose_train.py --features pooled   # writes extractors/data/prose_model_pooled.{joblib,json}

Data: the gold units of the train and dev documents (``eval/prose_data.py``; the test
split is never read here). Features: tf-idf word/char n-grams + lexical cues
(:mod:`saksfinn.extractors.prose_features`), the set chosen in docs/prose_models.md.

Per label (experience, goal, project):

1. out-of-fold scores over train+dev, 5 folds grouped by document (a document's units are
   never scored by a model that saw it), C chosen from a small grid by out-of-fold AP;
2. the threshold: lowest raw score from which the out-of-fold precision stays ≥ 0.85
   (``prose_compare.threshold_for``); the calibrator: isotonic regression of the labels
   on those out-of-fold scores;
3. the final classifier refitted on all of train+dev.

Seeded and deterministic: the same annotations give the same version and thresholds.
The version is ``<schema>-<first 8 hex of sha256(annotations + settings)>``.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import prose_data  # noqa: E402
from prose_compare import SEED, TARGET_PRECISION, pr_at, threshold_for  # noqa: E402
from scipy.sparse import csr_matrix, hstack  # noqa: E402
from sklearn.isotonic import IsotonicRegression  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from saksfinn.extractors import prose_features as pf  # noqa: E402
from saksfinn.extractors.prose import FEATURE_SETS, LABELS, PRECISION_LEVELS, ProseModel  # noqa: E402

SCHEMA = 1
FOLDS = 5
C_GRID = (0.3, 1.0, 4.0)


def features(vectorizer, examples) -> csr_matrix:
    tfidf = vectorizer.transform([pf.unit_text(e.text, e.heading) for e in examples])
    cues = np.array([pf.cues(e.text, e.heading, e.is_item) for e in examples], dtype=np.float32)
    return hstack([tfidf, csr_matrix(cues)]).tocsr()


def classifier(C: float) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=SEED)


def e5_features(examples) -> np.ndarray:
    from prose_compare import e5_vectors

    vectors = e5_vectors([pf.e5_text(e.text) for e in examples])
    cues = np.array([pf.cues(e.text, e.heading, e.is_item) for e in examples], dtype=np.float32)
    return np.hstack([vectors.astype(np.float32), cues])


def pooled_features(examples) -> np.ndarray:
    """Unit vectors pooled from the passage pass as ingest builds them (``eval/prose_pooled.py``) + cues."""
    from prose_pooled import pooled_vectors

    pooled, _, _ = pooled_vectors(examples)
    cues = np.array([pf.cues(e.text, e.heading, e.is_item) for e in examples], dtype=np.float32)
    return np.hstack([pooled.astype(np.float32), cues])


def folds(examples, groups: np.ndarray, dense: np.ndarray | None = None) -> list[tuple[np.ndarray, np.ndarray, object]]:
    """(fit rows, scored rows, features) per fold; a vectorizer is fitted on the fit rows only
    (``dense``: fixed e5 + cue features instead)."""
    out = []
    for fit_rows, score_rows in GroupKFold(n_splits=FOLDS).split(examples, groups=groups):
        if dense is not None:
            out.append((fit_rows, score_rows, dense))
            continue
        vectorizer = pf.make_tfidf().fit([pf.unit_text(examples[i].text, examples[i].heading) for i in fit_rows])
        out.append((fit_rows, score_rows, features(vectorizer, examples)))
    return out


def out_of_fold(split, y: np.ndarray, C: float) -> np.ndarray:
    """Scores of every example by a model (vectorizer included) fitted without its document."""
    scores = np.zeros(len(y))
    for fit_rows, score_rows, X in split:
        model = classifier(C).fit(X[fit_rows], y[fit_rows])
        scores[score_rows] = model.predict_proba(X[score_rows])[:, 1]
    return scores


def annotations_digest() -> str:
    digest = hashlib.sha256()
    for f in sorted((ROOT / "eval" / "annotations").glob("*.jsonl")):
        digest.update(f.read_bytes())
    digest.update(json.dumps({"folds": FOLDS, "C": C_GRID, "seed": SEED, "target": TARGET_PRECISION,
                              "levels": PRECISION_LEVELS}).encode())
    return digest.hexdigest()


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--features", choices=sorted(FEATURE_SETS), default="tfidf")
    args = parser.parse_args()
    model_path, meta_path = FEATURE_SETS[args.features]
    t0 = time.perf_counter()
    data = [e for e in prose_data.build() if not e.weak and e.split in ("train", "dev")]
    data.sort(key=lambda e: (e.sha256, e.start))
    groups = np.array([e.sha256 for e in data])
    print(f"{len(data)} units of {len(set(groups))} documents (train+dev)", file=sys.stderr)

    info: dict = {"units": len(data), "documents": len(set(groups)), "labels": {}}
    thresholds, calibrators, chosen_C, levels = {}, {}, {}, {}
    dense = {"e5": e5_features, "pooled": pooled_features}.get(args.features, lambda _: None)(data)
    # pooled: each label reads the unit vector or tf-idf, whichever has the better out-of-fold AP
    # (both free at ingest; goals measured better on tf-idf, docs/prose_models.md)
    splits = {"vectors": folds(data, groups, dense)} if dense is not None else {"tfidf": folds(data, groups)}
    if args.features == "pooled":
        splits["tfidf"] = folds(data, groups)
    reads: dict[str, str] = {}
    for label in LABELS:
        y = np.array([label in e.labels for e in data], dtype=int)
        best = None
        for kind, split in splits.items():
            for C in C_GRID:
                oof = out_of_fold(split, y, C)
                ap = average_precision_score(y, oof)
                if best is None or ap > best[0] + 1e-9:
                    best = (ap, C, oof, kind)
        ap, C, oof, reads[label] = best
        thr = threshold_for(y, oof)
        precision, recall = pr_at(y.astype(bool), oof >= thr)
        calibrators[label] = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(oof, y)
        thresholds[label], chosen_C[label] = float(thr), C
        levels[label] = {str(level): float(threshold_for(y, oof, level)) for level in PRECISION_LEVELS}
        at_level = {k: pr_at(y.astype(bool), oof >= v) for k, v in levels[label].items()}
        info["labels"][label] = {
            "positives": int(y.sum()), "C": C, "reads": reads[label], "oof_ap": round(float(ap), 3), "threshold": round(float(thr), 4),
            "oof_precision": round(precision, 3), "oof_recall": round(recall, 3),
            "levels": {k: {"threshold": round(levels[label][k], 4), "oof_precision": round(p, 3), "oof_recall": round(r, 3)}
                       for k, (p, r) in at_level.items()},
        }
        print(label, json.dumps(info["labels"][label]), f"{time.perf_counter() - t0:.0f}s", file=sys.stderr)

    vectorizer, X = None, {"vectors": dense}
    if "tfidf" in reads.values():
        vectorizer = pf.make_tfidf().fit([pf.unit_text(e.text, e.heading) for e in data])
        X["tfidf"] = features(vectorizer, data)
    classifiers = {
        label: classifier(chosen_C[label]).fit(X[reads[label]], np.array([label in e.labels for e in data], dtype=int))
        for label in LABELS
    }
    prefix = "" if args.features == "tfidf" else f"{args.features}-"
    version = f"{prefix}{SCHEMA}-{annotations_digest()[:8]}"
    feature_name = f"{args.features}+cues"
    label_features = reads if args.features == "pooled" else {}
    model = ProseModel(version, vectorizer, classifiers, calibrators, thresholds, info, levels, feature_name,
                       label_features)

    import joblib

    model_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = model_path.with_suffix(".tmp")
    joblib.dump(model, tmp, compress=("xz", 6))
    tmp.replace(model_path)
    meta = {"version": version, "features": feature_name, "target_precision": TARGET_PRECISION,
            "thresholds": {k: round(v, 6) for k, v in thresholds.items()},
            "levels": {k: {p: round(t, 6) for p, t in v.items()} for k, v in levels.items()}, **info}
    meta_path.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    size = model_path.stat().st_size / 1e6
    print(f"wrote {model_path.relative_to(ROOT)} ({size:.1f} MB), version {version}, "
          f"{time.perf_counter() - t0:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()
