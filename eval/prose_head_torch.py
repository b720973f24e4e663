"""The contextual prose head of ``eval/prose_ctxhead.py`` (an experiment, not shipped): torch modules
and the training loop over the passage pass's token states (docs/prose_models.md, "Contextual head")."""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

POLARITIES = ("positive", "negative", "mixed")
CONTEXT = 24
"""Tokens either side of a unit that the head reads with it (fewer at a passage's edge)."""
EPOCHS = 12
DIM = 384
WIDTH = 128
HIDDEN = 64
N_LABELS = 3


class Head(nn.Module):
    """Token states of a unit's window → 3 label logits + 3 polarity logits.

    ``attn``: input norm, projection + span embedding, attention pooling over the unit's tokens
    and over the whole window; ``tx`` / ``gru``: one transformer / BiGRU layer over the window
    first. The pooled summaries and the cues go through an MLP; the unit's mean token state and
    the cues also reach the logits linearly (the pooled LR as a skip path)."""

    def __init__(self, variant: str, n_cues: int, dim: int = DIM, width: int = WIDTH, hidden: int = HIDDEN):
        super().__init__()
        self.variant = variant
        self.in_norm = nn.LayerNorm(dim, elementwise_affine=False)
        self.proj = nn.Linear(dim, width)
        self.norm = nn.LayerNorm(width)
        self.span = nn.Embedding(2, width)
        if variant == "tx":
            self.enc = nn.TransformerEncoderLayer(width, 4, 2 * width, dropout=0.1, batch_first=True,
                                                  norm_first=True, activation="gelu")
        elif variant == "gru":
            self.enc = nn.GRU(width, width // 2, batch_first=True, bidirectional=True)
        if variant == "lin":  # per label: attention over the unit's raw token states, then linear
            self.att_label = nn.Linear(dim, N_LABELS)
            self.out_label = nn.Parameter(torch.zeros(N_LABELS, dim))
        self.att_unit = nn.Linear(width, 1)
        self.att_window = nn.Linear(width, 1)
        self.drop = nn.Dropout(0.2)
        self.mlp = nn.Sequential(nn.Linear(2 * width + n_cues, hidden), nn.GELU(), nn.Dropout(0.2),
                                 nn.Linear(hidden, N_LABELS + len(POLARITIES)))
        self.skip = nn.Linear(dim + n_cues, N_LABELS + len(POLARITIES))

    @staticmethod
    def _pool(h, att, mask):
        a = att(h).squeeze(-1).masked_fill(~mask, -1e4)
        return (torch.softmax(a, dim=1).unsqueeze(-1) * h).sum(1)

    def forward(self, x, inside, valid, cues):
        unit = (inside > 0) & valid
        mean = (x * unit.unsqueeze(-1)).sum(1) / unit.sum(1, keepdim=True).clamp(min=1)
        mean = mean / mean.norm(dim=1, keepdim=True).clamp(min=1e-9)
        skip = self.skip(torch.cat([mean, cues], 1))
        if self.variant == "lin":
            a = self.att_label(self.in_norm(x)).masked_fill(~unit.unsqueeze(-1), -1e4)  # [B, L, labels]
            pooled = torch.einsum("blk,bld->bkd", torch.softmax(a, dim=1), x)
            pooled = pooled / pooled.norm(dim=2, keepdim=True).clamp(min=1e-9)
            logits = (pooled * self.out_label).sum(2)
            return skip + torch.cat([logits, torch.zeros_like(skip[:, N_LABELS:])], 1)
        h = self.norm(self.proj(self.in_norm(x))) + self.span(inside.long())
        h = self.drop(h)
        if self.variant == "tx":
            h = self.enc(h, src_key_padding_mask=~valid)
        elif self.variant == "gru":
            lengths = valid.sum(1).cpu()
            packed = nn.utils.rnn.pack_padded_sequence(h, lengths, batch_first=True, enforce_sorted=False)
            h, _ = self.enc(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.shape[1])
        summary = torch.cat([self._pool(h, self.att_unit, unit), self._pool(h, self.att_window, valid), cues], 1)
        return self.mlp(self.drop(summary)) + skip


def _batches(windows, idx, size):
    for start in range(0, len(idx), size):
        chunk = idx[start : start + size]
        n = max(len(windows[j][1]) for j in chunk)
        x = np.zeros((len(chunk), n, windows[chunk[0]][0].shape[1]), np.float32)
        inside = np.zeros((len(chunk), n), np.float32)
        valid = np.zeros((len(chunk), n), bool)
        for k, j in enumerate(chunk):
            s, m = windows[j]
            x[k, : len(m)], inside[k, : len(m)], valid[k, : len(m)] = s, m, True
        yield chunk, torch.from_numpy(x), torch.from_numpy(inside), torch.from_numpy(valid)


def train_head(variant: str, windows, cues: np.ndarray, y: np.ndarray, polarity: np.ndarray, *,
               seed: int, epochs: int = EPOCHS, size: int = 32) -> Head:
    """A head fitted on the units given (``polarity``: index into POLARITIES, −1 = not an experience)."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    head = Head(variant, cues.shape[1])
    pos = y.sum(0)
    pos_weight = torch.tensor(np.clip((len(y) - pos) / np.maximum(pos, 1), 1, 20), dtype=torch.float32)
    bce = nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    ce = nn.CrossEntropyLoss(ignore_index=-1)
    opt = torch.optim.AdamW(head.parameters(), lr=2e-3, weight_decay=1e-2)
    steps = max(20, epochs * ((len(y) + size - 1) // size))  # OneCycle needs a few steps to warm up
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps, pct_start=0.1)
    lengths = np.array([len(m) for _, m in windows])
    cues_t, y_t, pol_t = torch.from_numpy(cues), torch.from_numpy(y), torch.from_numpy(polarity.astype(np.int64))
    head.train()
    for _ in range(epochs):
        order = rng.permutation(len(y))
        groups = [order[i : i + size * 8] for i in range(0, len(order), size * 8)]  # length-bucketed
        batches = []
        for g in groups:
            g = g[np.argsort(lengths[g], kind="stable")]
            batches += [g[i : i + size] for i in range(0, len(g), size)]
        for b in rng.permutation(len(batches)):
            chunk, x, inside, valid = next(_batches(windows, list(batches[b]), size))
            out = head(x, inside, valid, cues_t[chunk])
            loss = bce(out[:, :N_LABELS], y_t[chunk]) + 0.5 * ce(out[:, N_LABELS:], pol_t[chunk])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(head.parameters(), 1.0)
            opt.step()
            sched.step()
    head.eval()
    return head


def predict(head: Head, windows, cues: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(label probabilities [n, 3], polarity probabilities [n, 3]) in input order."""
    idx = sorted(range(len(windows)), key=lambda j: len(windows[j][1]))
    scores = np.zeros((len(windows), N_LABELS), np.float32)
    pol = np.zeros((len(windows), len(POLARITIES)), np.float32)
    with torch.inference_mode():
        for chunk, x, inside, valid in _batches(windows, idx, 64):
            out = head(x, inside, valid, torch.from_numpy(cues[chunk]))
            scores[chunk] = torch.sigmoid(out[:, :N_LABELS]).numpy()
            pol[chunk] = torch.softmax(out[:, N_LABELS:], 1).numpy()
    return scores, pol
