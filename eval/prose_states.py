"""Cache the passage pass's token states for every annotated unit (the contextual prose head's input).

    .venv/bin/python eval/prose_states.py [--split train+dev|test]   # ≈ 2–4 min on 2 shared cores

Each annotated document is chunked as ingest chunks it (``chunk_document``), its passage chunks
are run through the ingest embedder (OpenVINO e5-small) once, and the last hidden states of
every passage are kept (float16, special and prompt tokens dropped) with their character
offsets (``encode_passages_with_states``). A unit points at the passage holding most of it
(``flows/unit_vectors.assign``) and its token rows there; a unit no passage covers is embedded
alone, as ingest does, and points at its own states. Written to
``.saksfinn/train/states_<split>.npz``; the order of units is ``prose_data``'s sorted by
(sha256, start), as in ``prose_pooled.py``.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import annotate  # noqa: E402
import prose_data  # noqa: E402

from saksfinn.extractors import prose_features as pf  # noqa: E402

CACHE_DIR = ROOT / ".saksfinn" / "train"


def examples(split: str) -> list:
    splits = ("train", "dev") if split == "train+dev" else (split,)
    data = [e for e in prose_data.build() if not e.weak and e.split in splits]
    data.sort(key=lambda e: (e.sha256, e.start))
    return data


def token_states(data: list, split: str, embedder=None) -> dict[str, np.ndarray]:
    """``states`` (all texts' token rows, float16), ``text_start`` (row where each text begins,
    plus the end), ``offsets`` (per row), per unit ``text`` (which text) and ``span`` (offsets into
    that text), ``covered`` (a passage, not the unit alone). Cached by the units' keys."""
    from prose_pooled import ingest_embedder

    from saksfinn.flows.unit_vectors import assign
    from saksfinn.index.retrieval.chunking import chunk_document

    cache = CACHE_DIR / f"states_{split}.npz"
    key = hashlib.sha256(("v1|" + "|".join(f"{e.sha256}:{e.start}:{e.end}" for e in data)).encode()).hexdigest()
    if cache.exists():
        z = np.load(cache)
        if str(z["key"]) == key:
            return {k: z[k] for k in z.files}
    embedder = embedder or ingest_embedder()
    documents = prose_data.annotated_paths(data)
    chunks_states, chunks_offsets, text_start = [], [], [0]
    unit_text = np.zeros(len(data), np.int32)
    unit_span = np.zeros((len(data), 2), np.int32)
    covered = np.zeros(len(data), bool)
    t0 = time.perf_counter()
    for n, (_, path, rows) in enumerate(documents, 1):
        _, doc = annotate.load(path)
        passages = [c for c in chunk_document(doc) if c.type == "passage"]
        where = assign([(data[i].start, data[i].end) for i in rows], passages)
        lonely = [i for i, hit in zip(rows, where) if hit is None]
        texts = [p.text for p in passages] + [pf.e5_text(data[i].text) for i in lonely]
        _, states = embedder.encode_passages_with_states(texts)
        base = len(text_start) - 1
        for hidden, offsets in states:
            chunks_states.append(hidden)
            chunks_offsets.append(offsets)
            text_start.append(text_start[-1] + len(hidden))
        for i, hit in zip(rows, where):
            if hit is not None:
                unit_text[i], unit_span[i], covered[i] = base + hit[0], hit[1], True
        for k, i in enumerate(lonely):
            unit_text[i], unit_span[i] = base + len(passages) + k, (0, len(texts[len(passages) + k]))
        print(f"  {n}/{len(documents)} {annotate.rel(path)}: {len(passages)} passages, {len(lonely)} alone, "
              f"{time.perf_counter() - t0:.0f}s", file=sys.stderr, flush=True)
    out = {"key": np.array(key), "states": np.concatenate(chunks_states).astype(np.float16),
           "offsets": np.concatenate(chunks_offsets).astype(np.int32), "text_start": np.array(text_start, np.int64),
           "text": unit_text, "span": unit_span, "covered": covered}
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, **out)
    return out


if __name__ == "__main__":
    split = sys.argv[sys.argv.index("--split") + 1] if "--split" in sys.argv else "train+dev"
    z = token_states(examples(split), split)
    print(f"{len(z['text'])} units, {len(z['text_start']) - 1} texts, {len(z['states'])} token rows, "
          f"covered {z['covered'].mean():.1%}")
