"""Context-stacked second stage for the prose classifiers, nested out of fold (docs/prose_models.md).

    .venv/bin/python eval/prose_stack.py [--rules] [--cues]   # ≈ 7–8 min on 2 shared cores (pooled vectors cached; then seconds)

Same data and the same 5 document-grouped outer folds as ``prose_pooled.py`` / ``prose_train.py``
(train+dev gold units; the test split is never read). The first stage is the shipped ``pooled``
one (per type LR, C = 4, on the pooled unit vector + cues, goals on tf-idf + cues). For outer
fold k:

* its scored documents get first-stage scores from a first stage fitted on fold k's training
  documents (these are exactly the shipped model's out-of-fold scores, the baseline);
* fold k's training documents get first-stage scores that are themselves out of fold *within*
  those documents (5 inner folds grouped by document), so the second stage is fitted on scores
  of the same kind it is applied to and nothing of the scored documents leaks in;
* the second stage (``eval/prose_context.py`` features of the three types' scores) is
  fitted on the training documents and scores fold k's documents.

Prints per type AP and recall at out-of-fold precision ≥ 0.85 / 0.7 (polarity: share of the
experiences found at ≥ 0.85 whose rule polarity words are right), for the first stage alone
and each second-stage learner, and a paired bootstrap over documents of the AP difference.
``--rules`` adds the rule findings overlapping the unit (the rules' weak labels) as features;
``--cues`` adds the unit's own lexical cues. The nested first-stage scores are cached in
``.saksfinn/train/stack_first.npz`` (``eval/prose_stack_variants.py`` reads them), the scores of
the run in ``stack_oof*.npz``.
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
from prose_compare import SEED, pr_at, threshold_for  # noqa: E402
from scipy.sparse import csr_matrix, hstack  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import prose_context as pc  # noqa: E402
from saksfinn.extractors import prose_features as pf  # noqa: E402
from saksfinn.extractors.experiences import word_polarity  # noqa: E402

LABELS = ("experience", "goal", "project")
FOLDS = 5
FIRST_C = 4.0  # the shipped pooled model's C for every type (prose_model_pooled.json)
FIRST_READS = {"experience": "vectors", "goal": "tfidf", "project": "vectors"}


def gold_units() -> list:
    """The gold (not weak) units of the train and dev documents, sorted by document and start."""
    return sorted((e for e in prose_data.build() if not e.weak and e.split in ("train", "dev")),
                  key=lambda e: (e.sha256, e.start))


def load() -> tuple[list, np.ndarray, np.ndarray, np.ndarray]:
    """(train+dev gold examples sorted by document and start, groups, pooled vectors + cues, cues)."""
    from prose_pooled import pooled_vectors

    data = gold_units()
    groups = np.array([e.sha256 for e in data])
    pooled, _, _ = pooled_vectors(data)
    cues = np.array([pf.cues(e.text, e.heading, e.is_item) for e in data], dtype=np.float32)
    return data, groups, np.hstack([pooled.astype(np.float32), cues]), cues


def first_stage(data, dense: np.ndarray, cues: np.ndarray, fit_rows: np.ndarray, score_rows: np.ndarray,
                reads: dict[str, str] = FIRST_READS, C: float = FIRST_C) -> np.ndarray:
    """Probabilities (rows of ``score_rows`` × types) of the first stage fitted on ``fit_rows`` only
    (a tf-idf vectorizer included, fitted on those rows)."""
    out = np.zeros((len(score_rows), len(LABELS)))
    X_tfidf = None
    if "tfidf" in reads.values():
        texts = [pf.unit_text(e.text, e.heading) for e in data]
        vectorizer = pf.make_tfidf().fit([texts[i] for i in fit_rows])
        rows = np.concatenate([fit_rows, score_rows])
        sub = hstack([vectorizer.transform([texts[i] for i in rows]), csr_matrix(cues[rows])]).tocsr()
        X_tfidf = {"fit": sub[: len(fit_rows)], "score": sub[len(fit_rows):]}
    for t, label in enumerate(LABELS):
        y = np.array([label in data[i].labels for i in fit_rows], dtype=int)
        clf = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=SEED)
        if reads[label] == "tfidf":
            clf.fit(X_tfidf["fit"], y)
            out[:, t] = clf.predict_proba(X_tfidf["score"])[:, 1]
        else:
            clf.fit(dense[fit_rows], y)
            out[:, t] = clf.predict_proba(dense[score_rows])[:, 1]
    return out


def inner_oof(data, groups, dense, cues, rows: np.ndarray, folds: int = FOLDS) -> np.ndarray:
    """First-stage scores of ``rows`` out of fold within ``rows`` (folds grouped by document)."""
    out = np.zeros((len(rows), len(LABELS)))
    for fit, score in GroupKFold(n_splits=folds).split(rows, groups=groups[rows]):
        out[score] = first_stage(data, dense, cues, rows[fit], rows[score])
    return out


def documents(data) -> list[np.ndarray]:
    """Row indices per document (data sorted by document, then start)."""
    out, start = [], 0
    for i in range(1, len(data) + 1):
        if i == len(data) or data[i].sha256 != data[start].sha256:
            out.append(np.arange(start, i))
            start = i
    return out


def stack_features(data, scores: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    """:func:`prose_context.context_features` per document for every row (``scores``: all rows)."""
    X = np.zeros((len(data), len(pc.feature_names())), dtype=np.float32)
    for rows in documents(data):
        X[rows] = pc.context_features(scores[rows], [data[i].text for i in rows], [data[i].heading for i in rows],
                                      [data[i].is_item for i in rows])
    return X if extra is None else np.hstack([X, extra])


LEARNERS = {
    "LR": lambda: make_pipeline(StandardScaler(), LogisticRegression(C=0.3, max_iter=3000, class_weight="balanced",
                                                                     random_state=SEED)),
    "HGB": lambda: HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                                  min_samples_leaf=20, l2_regularization=1.0,
                                                  early_stopping=False, random_state=SEED),
    "HGB-bal": lambda: HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                                      min_samples_leaf=20, l2_regularization=1.0,
                                                      class_weight="balanced", early_stopping=False,
                                                      random_state=SEED),
}


def metrics(y: np.ndarray, s: np.ndarray, polarity_ok: np.ndarray | None = None) -> dict:
    ap = average_precision_score(y, s)
    out = {"ap": ap}
    for p in (0.85, 0.7):
        pred = s >= threshold_for(y, s, p)
        out[f"p{p}"], out[f"r{p}"] = pr_at(y.astype(bool), pred)
        if polarity_ok is not None and p == 0.85:
            hit = pred & y.astype(bool)
            out["polarity"] = float(polarity_ok[hit].mean()) if hit.any() else float("nan")
            out["r_pol"] = float((hit & polarity_ok).sum() / y.sum())
    return out


def bootstrap(y, a, b, docs: list[np.ndarray], n: int = 1000) -> tuple[float, float, float]:
    """Paired bootstrap over documents of AP(b) − AP(a): (2.5 %, 50 %, 97.5 %)."""
    rng = np.random.default_rng(SEED)
    diffs = []
    for _ in range(n):
        rows = np.concatenate([docs[i] for i in rng.integers(0, len(docs), len(docs))])
        if y[rows].sum() == 0:
            continue
        diffs.append(average_precision_score(y[rows], b[rows]) - average_precision_score(y[rows], a[rows]))
    return tuple(float(q) for q in np.percentile(diffs, [2.5, 50, 97.5]))


def fmt(m: dict) -> str:
    s = f"AP {m['ap']:.3f} R@.85 {m['r0.85']:.2f} (P {m['p0.85']:.2f}) R@.7 {m['r0.7']:.2f}"
    if "polarity" in m:
        s += f" pol {m['polarity']:.2f} Rpol {m['r_pol']:.2f}"
    return s


def nested_first_stage(data, groups, dense, cues, cache: Path | None = None, log=print) -> tuple[np.ndarray, np.ndarray]:
    """(first stage out of fold, rows × types; per outer fold k the training rows' first-stage scores
    out of fold within fold k's training documents, folds × rows × types — 0 on fold k's own rows).
    Cached in ``cache`` by the units' keys."""
    import hashlib

    key = hashlib.sha256(("v1|" + "|".join(f"{e.sha256}:{e.start}:{e.end}:{','.join(e.labels)}" for e in data)).encode()
                         ).hexdigest()
    if cache is not None and cache.exists():
        z = np.load(cache)
        if str(z["key"]) == key:
            return z["first"], z["inner"]
    t0 = time.perf_counter()
    n = len(data)
    first = np.zeros((n, len(LABELS)))
    inner = np.zeros((FOLDS, n, len(LABELS)))
    for k, (fit_rows, score_rows) in enumerate(GroupKFold(n_splits=FOLDS).split(data, groups=groups)):
        first[score_rows] = first_stage(data, dense, cues, fit_rows, score_rows)
        inner[k, fit_rows] = inner_oof(data, groups, dense, cues, fit_rows)
        log(f"  outer fold {k + 1}/{FOLDS} {time.perf_counter() - t0:.0f}s")
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, key=key, first=first, inner=inner)
    return first, inner


def second_stage(data, groups, first, inner, make, features=stack_features, extra=None) -> np.ndarray:
    """The second stage's scores (rows × types), nested out of fold: for outer fold k fitted on the
    context features of fold k's training rows (their inner out-of-fold first-stage scores) and
    applied to fold k's rows (their first-stage scores from fold k's training documents)."""
    out = np.zeros_like(first)
    for k, (fit_rows, score_rows) in enumerate(GroupKFold(n_splits=FOLDS).split(data, groups=groups)):
        scores = inner[k].copy()
        scores[score_rows] = first[score_rows]
        X = features(data, scores, extra)
        for t, label in enumerate(LABELS):
            y = np.array([label in data[i].labels for i in fit_rows], dtype=int)
            out[score_rows, t] = make().fit(X[fit_rows], y).predict_proba(X[score_rows])[:, 1]
    return out


def main() -> None:
    warnings.filterwarnings("ignore")
    t0 = time.perf_counter()
    data, groups, dense, cues = load()
    extra = []
    if "--rules" in sys.argv:
        extra.append(np.array([[float(lab in e.rules) for lab in LABELS] for e in data], dtype=np.float32))
    if "--cues" in sys.argv:
        extra.append(cues)
    extra_X = np.hstack(extra) if extra else None
    print(f"{len(data)} units, {len(set(groups))} documents; {time.perf_counter() - t0:.0f}s", flush=True)
    first, inner = nested_first_stage(data, groups, dense, cues, ROOT / ".saksfinn" / "train" / "stack_first.npz",
                                      log=lambda s: print(s, flush=True))
    second = {name: second_stage(data, groups, first, inner, make, extra=extra_X) for name, make in LEARNERS.items()}
    docs = documents(data)
    gold_pol = np.array([e.polarity for e in data], dtype=object)
    rule_pol = np.array([word_polarity(" ".join(e.text.split())) for e in data], dtype=object)
    pol_ok = gold_pol == rule_pol
    for t, label in enumerate(LABELS):
        y = np.array([label in e.labels for e in data], dtype=int)
        po = pol_ok if label == "experience" else None
        print(f"{label} ({y.sum()} positives)")
        print(f"  {'first stage (shipped)':22s} {fmt(metrics(y, first[:, t], po))}")
        for name, s in second.items():
            lo, mid, hi = bootstrap(y, first[:, t], s[:, t], docs)
            print(f"  {'stack ' + name:22s} {fmt(metrics(y, s[:, t], po))}  dAP {mid:+.3f} [{lo:+.3f}, {hi:+.3f}]")
    np.savez(ROOT / ".saksfinn" / "train" / f"stack_oof{'_rules' if '--rules' in sys.argv else ''}"
             f"{'_cues' if '--cues' in sys.argv else ''}.npz", first=first, **second)
    print(f"{time.perf_counter() - t0:.0f}s")


if __name__ == "__main__":
    main()
