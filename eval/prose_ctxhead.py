"""Experiment: a trained contextual head over the frozen passage token states (docs/prose_models.md).

    .venv/bin/python eval/prose_ctxhead.py [--variants attn,tx,lin,gru] [--seeds 13] [--tfidf] [--no-baseline]

Same data and folds as ``prose_pooled.py`` / ``prose_train.py`` (train+dev gold units sorted by
(sha256, start), 5 folds grouped by document; the test split is never read). Input per unit: the
last hidden states of its tokens in the passage pass (``eval/prose_states.py``) plus up to
``--context`` tokens either side, marked by a learned span embedding, and the lexical cues.
Heads (``eval/prose_head_torch.py``): ``attn`` attention pooling over the unit's tokens
and over the window, ``tx`` one small transformer layer over the window first, ``gru`` a BiGRU
layer first, ``lin`` per label attention over the raw token states and a linear output; then an MLP to experience / goal / project logits and a polarity softmax for
experiences. Baselines in the same run: the shipped pooled LR (unit's mean token state + cues,
C from 0.3/1/4 by out-of-fold AP) and, with ``--tfidf``, tf-idf + cues (the shipped goal reader).
Prints AP and recall at out-of-fold precision ≥ 0.85 / 0.7 / 0.5 per label, and the polarity
accuracy of the head against the rules' polarity words on the experiences.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

from prose_compare import SEED, pr_at, threshold_for  # noqa: E402
from prose_states import examples, token_states  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

from saksfinn.extractors import prose_features as pf  # noqa: E402
import prose_head_torch as ht  # noqa: E402
from saksfinn.index.embedding.span_pool import token_window  # noqa: E402

LABELS = ("experience", "goal", "project")
POLARITIES = ht.POLARITIES


def windows(z: dict, context: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per unit (token states float16 [w, d], inside mask [w]) as the flow hands them to the extractor."""
    out = []
    states, offsets, starts = z["states"], z["offsets"], z["text_start"]
    for t, span in zip(z["text"], z["span"]):
        a, b = starts[t], starts[t + 1]
        hit = token_window(offsets[a:b], (int(span[0]), int(span[1])), context)
        if hit is None:  # the span lost its tokens to truncation (7 units): a zero token stands in
            out.append((np.zeros((1, states.shape[1]), np.float16), np.ones(1, np.float32)))
            continue
        lo, hi, inside = hit
        out.append((states[a + lo : a + hi], inside))
    return out


def pooled_from(wins) -> np.ndarray:
    rows = []
    for s, m in wins:
        v = (s.astype(np.float32) * m[:, None]).sum(0) / max(m.sum(), 1)
        rows.append(v / max(np.linalg.norm(v), 1e-9))
    return np.stack(rows)


def report(name: str, y: np.ndarray, scores: np.ndarray, seconds: float) -> dict:
    cells, out = [], {}
    for k, label in enumerate(LABELS):
        ap = average_precision_score(y[:, k], scores[:, k])
        recalls = [pr_at(y[:, k].astype(bool), scores[:, k] >= threshold_for(y[:, k], scores[:, k], p))[1]
                   for p in (0.85, 0.7, 0.5)]
        out[label] = (ap, recalls)
        cells.append(f"{label[:4]} AP {ap:.3f} R " + "/".join(f"{r:.2f}" for r in recalls))
    print(f"{name:28s} " + " | ".join(cells) + f"  {seconds:.0f}s", flush=True)
    return out


def lr_oof(X, y, folds) -> np.ndarray:
    out = np.zeros(y.shape)
    for k in range(y.shape[1]):
        best = None
        for C in (0.3, 1.0, 4.0):
            s = np.zeros(len(y))
            for fit, held in folds:
                clf = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=SEED)
                s[held] = clf.fit(X[fit], y[fit, k]).predict_proba(X[held])[:, 1]
            ap = average_precision_score(y[:, k], s)
            if best is None or ap > best[0] + 1e-9:
                best = (ap, s)
        out[:, k] = best[1]
    return out


def main() -> None:
    import torch

    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--variants", default="attn,tx")
    parser.add_argument("--seeds", default=str(SEED))
    parser.add_argument("--context", type=int, default=ht.CONTEXT)
    parser.add_argument("--epochs", type=int, default=ht.EPOCHS)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--tfidf", action="store_true")
    parser.add_argument("--no-baseline", action="store_true", help="skip the pooled LR (deterministic: as in an earlier run)")
    args = parser.parse_args()
    torch.set_num_threads(1)  # 2 threads on 2 shared cores ran 10x slower (spin-waits)
    t0 = time.perf_counter()
    data = examples("train+dev")
    z = token_states(data, "train+dev")
    groups = np.array([e.sha256 for e in data])
    y = np.array([[label in e.labels for label in LABELS] for e in data], dtype=np.float32)
    polarity = np.array([POLARITIES.index(e.polarity) if "experience" in e.labels and e.polarity in POLARITIES
                         else -1 for e in data])
    cues = np.array([pf.cues(e.text, e.heading, e.is_item) for e in data], dtype=np.float32)
    wins = windows(z, args.context)
    folds = list(GroupKFold(n_splits=5).split(data, groups=groups))
    print(f"{len(data)} units, positives {y.sum(0).astype(int).tolist()}, windows of ±{args.context} tokens, "
          f"{time.perf_counter() - t0:.0f}s", flush=True)

    started = time.perf_counter()
    pooled = pooled_from(windows(z, 0))
    if not args.no_baseline:
        report("pooled+cues LR (shipped)", y, lr_oof(np.hstack([pooled, cues]), y, folds), time.perf_counter() - started)
    if args.tfidf:
        import prose_train

        started = time.perf_counter()
        split = prose_train.folds(data, groups)
        tf = np.zeros(y.shape)
        for k in range(3):
            best = None
            for C in (0.3, 1.0, 4.0):
                s = prose_train.out_of_fold(split, y[:, k].astype(int), C)
                ap = average_precision_score(y[:, k], s)
                if best is None or ap > best[0]:
                    best = (ap, s)
            tf[:, k] = best[1]
        report("tfidf+cues LR", y, tf, time.perf_counter() - started)

    from saksfinn.extractors.experiences import word_polarity

    rule_pol = np.array([POLARITIES.index(word_polarity(e.text)) if word_polarity(e.text) in POLARITIES else -2
                         for e in data])
    has = polarity >= 0
    mixed = polarity == POLARITIES.index("mixed")
    print(f"rules' polarity words: accuracy on experiences {((rule_pol == polarity) | mixed)[has].mean():.3f} "
          f"({has.sum()})", flush=True)
    for variant in args.variants.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            started = time.perf_counter()
            scores = np.zeros(y.shape)
            pol = np.zeros(len(data), int)
            for fit, held in folds:
                head = ht.train_head(variant, [wins[i] for i in fit], cues[fit], y[fit], polarity[fit],
                                     seed=seed, epochs=args.epochs, size=args.batch)
                s, p = ht.predict(head, [wins[i] for i in held], cues[held])
                scores[held], pol[held] = s, p.argmax(1)
            report(f"head {variant} seed {seed} b{args.batch} e{args.epochs}", y, scores, time.perf_counter() - started)
            print(f"  polarity accuracy on experiences {((pol == polarity) | mixed)[has].mean():.3f}", flush=True)
            np.save(ROOT / ".saksfinn" / "train" / f"ctxhead_oof_{variant}_{seed}.npy", scores)


if __name__ == "__main__":
    main()
