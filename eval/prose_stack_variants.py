"""Second-stage variants over the cached nested first-stage scores of ``prose_stack.py`` (tuned material).

    .venv/bin/python eval/prose_stack_variants.py   # seconds once prose_stack.py has filled the cache

Each variant is a column subset of :func:`prose_context.context_features` (per type: that type's
columns and the shared ones, or all three types') and a learner; scores are nested out of fold
exactly as in ``prose_stack.py``. Prints the same metrics against the first stage alone.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import prose_stack as ps  # noqa: E402
from prose_compare import SEED  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

import prose_context as pc  # noqa: E402
from saksfinn.extractors.experiences import word_polarity  # noqa: E402

NAMES = pc.feature_names()


def columns(t: int, groups: tuple[str, ...], all_types: bool) -> list[int]:
    """Column indices of ``groups`` (name prefixes) for type ``t`` (``all_types``: every type's)."""
    out = []
    for c, name in enumerate(NAMES):
        if not any(name.startswith(g) for g in groups):
            continue
        typed = "_t" in name
        if typed and not all_types and f"_t{t}" not in name:
            continue
        out.append(c)
    return out


OWN = ("logit_t",)
NEIGHBOURS = ("logit_t",)  # the neighbour logits share the prefix; filtered by OFFSET suffix below
SECTION = ("section_", "doc_")
HEADING = ("heading_",)
SHAPE = ("is_item", "doc_position", "length", "has_", "same_section_", "item_")


def scaled_lr(C: float, own_scale: float):
    """LR over standardised features whose own-logit columns are multiplied by ``own_scale`` after
    scaling (so the penalty hardly binds them: the stack starts from the first stage)."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    def make(own_cols):
        def boost(X):
            X = X.copy()
            X[:, own_cols] *= own_scale
            return X
        return make_pipeline(StandardScaler(), FunctionTransformer(boost),
                             LogisticRegression(C=C, max_iter=5000, class_weight="balanced", random_state=SEED))
    return make


def run(data, groups, first, inner, cols_of, make_of, extra_of=None) -> np.ndarray:
    out = np.zeros_like(first)
    for k, (fit_rows, score_rows) in enumerate(GroupKFold(n_splits=ps.FOLDS).split(data, groups=groups)):
        scores = inner[k].copy()
        scores[score_rows] = first[score_rows]
        X = ps.stack_features(data, scores)
        for t, label in enumerate(ps.LABELS):
            cols = cols_of(t)
            Xt = X[:, cols]
            y = np.array([label in data[i].labels for i in fit_rows], dtype=int)
            model = make_of(t, cols)
            out[score_rows, t] = model.fit(Xt[fit_rows], y).predict_proba(Xt[score_rows])[:, 1]
    return out


def main() -> None:
    warnings.filterwarnings("ignore")
    data, groups, dense, cues = ps.load()
    first, inner = ps.nested_first_stage(data, groups, dense, cues, ROOT / ".saksfinn" / "train" / "stack_first.npz")
    own = lambda t: [NAMES.index(f"logit_t{t}")]  # noqa: E731
    def typed(groups_, all_types=False, neighbours=True):
        def f(t):
            cols = columns(t, groups_, all_types)
            if not neighbours:
                cols = [c for c in cols if not NAMES[c].startswith("logit_") or NAMES[c].count("_") == 1]
            return sorted(set(cols + own(t)))
        return f
    lr = lambda C: (lambda t, cols: ps.LEARNERS["LR"]().set_params(logisticregression__C=C))  # noqa: E731
    def res(C, scale=10.0):
        return lambda t, cols: scaled_lr(C, scale)([cols.index(own(t)[0])])
    hgb = lambda t, cols: HistGradientBoostingClassifier(  # noqa: E731
        max_iter=100, learning_rate=0.05, max_depth=3, min_samples_leaf=50, l2_regularization=5.0,
        early_stopping=False, random_state=SEED,
        monotonic_cst=[1 if c == own(t)[0] else 0 for c in cols])
    variants = {
        "own logit only (LR)": (own, lr(1.0)),
        "own + heading": (typed(HEADING), lr(0.3)),
        "own + neighbours (same type)": (typed(("logit_", "has_", "same_section_")), lr(0.3)),
        "own + neigh + heading": (typed(("logit_", "has_", "same_section_") + HEADING), lr(0.3)),
        "own + neigh + heading + section": (typed(("logit_", "has_", "same_section_") + HEADING + SECTION), lr(0.3)),
        "same-type all (LR .3)": (typed(("logit_",) + SECTION + HEADING + SHAPE), lr(0.3)),
        "same-type all (LR .03)": (typed(("logit_",) + SECTION + HEADING + SHAPE), lr(0.03)),
        "all types all (LR .03)": (lambda t: list(range(len(NAMES))), lr(0.03)),
        "residual same-type all C.03": (typed(("logit_",) + SECTION + HEADING + SHAPE), res(0.03)),
        "residual same-type all C.01": (typed(("logit_",) + SECTION + HEADING + SHAPE), res(0.01)),
        "residual all types C.01": (lambda t: list(range(len(NAMES))), res(0.01)),
        "residual neigh+heading C.01": (typed(("logit_", "has_", "same_section_") + HEADING), res(0.01)),
        "HGB shallow monotone same-type": (typed(("logit_",) + SECTION + HEADING + SHAPE), hgb),
    }
    docs = ps.documents(data)
    pol_ok = np.array([e.polarity for e in data], dtype=object) == np.array(
        [word_polarity(" ".join(e.text.split())) for e in data], dtype=object)
    results = {name: run(data, groups, first, inner, c, m) for name, (c, m) in variants.items()}
    # diagnostic: the second stage fitted on the outer out-of-fold scores of the other folds' documents
    # (those came from first stages that saw the scored documents: leaky, but of exactly the kind applied)
    leaky = np.stack([first] * ps.FOLDS)
    for name in ("LR", "HGB"):
        results[f"leaky: all, {name} (as prose_stack)"] = ps.second_stage(data, groups, first, leaky, ps.LEARNERS[name])
    for t, label in enumerate(ps.LABELS):
        y = np.array([label in e.labels for e in data], dtype=int)
        po = pol_ok if label == "experience" else None
        print(f"{label} ({y.sum()} positives)")
        print(f"  {'first stage (shipped)':34s} {ps.fmt(ps.metrics(y, first[:, t], po))}")
        for name, s in results.items():
            lo, mid, hi = ps.bootstrap(y, first[:, t], s[:, t], docs, n=300)
            print(f"  {name:34s} {ps.fmt(ps.metrics(y, s[:, t], po))}  dAP {mid:+.3f} [{lo:+.3f}, {hi:+.3f}]",
                  flush=True)


if __name__ == "__main__":
    main()
