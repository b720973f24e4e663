"""What re-indexing costs today, by part: the baseline for a nightly run (issue #11).

Usage: .venv/bin/python bench/bench_reindex.py [--sizes 10000 100000] [--corpus ../shared/corpus]

Builds a complete index generation (``SearchIndex.build``: chunk metadata, BM25 with
compound splitting, FAISS, manifest, atomic swap) over synthetic chunks made of real
Norwegian case-paper text (each chunk ~220 words drawn from the shared corpus's
paragraphs) with embedding-like 384-d vectors, and times each part. Embedding is not
included: the cache makes it proportional to new text already. A nightly run that adds
1 000 documents (~13 000 chunks at the shared corpus's 12.4 chunks per document) to a
100k-chunk index today pays a full build at 113k.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bench_search import CLUSTERS, DIM, LATENT, random_unit  # noqa: E402
from saksfinn.index.retrieval import search as search_mod  # noqa: E402
from saksfinn.index.retrieval.dense import DenseIndex  # noqa: E402
from saksfinn.index.retrieval.lexical import LexicalIndex  # noqa: E402
from saksfinn.models.chunk import Chunk  # noqa: E402


def real_words(corpus: Path) -> list[str]:
    words: list[str] = []
    for path in sorted(corpus.rglob("*.txt")):
        words += path.read_text(encoding="utf-8", errors="replace").split()
    return words


def chunks(n: int, words: list[str], rng: np.random.Generator) -> list[Chunk]:
    out = []
    starts = rng.integers(0, max(1, len(words) - 230), n)
    for i, s in enumerate(starts):
        out.append(Chunk(document_id=f"{i // 12:064x}", text=" ".join(words[s : s + 220]), title=f"Sak {i // 12}",
                         section="Saksopplysninger", municipality=("Steinkjer", "Levanger", "Volda")[i % 3],
                         doc_type="saksframlegg", year=2020 + i % 6, page=1 + i % 9, start=0, end=1))
    return out


def timed(label: str, fn, times: dict[str, float]):  # noqa: ANN001, ANN201
    t = time.perf_counter()
    result = fn()
    times[label] = time.perf_counter() - t
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}; skipping")
        return 0
    words = real_words(args.corpus)
    rng = np.random.default_rng(0)
    basis = rng.standard_normal((LATENT, DIM), dtype=np.float32) / np.sqrt(LATENT)
    centres = rng.standard_normal((CLUSTERS, LATENT), dtype=np.float32)
    print(f"{len(words)} real words to draw chunks from; shared CPU — compare parts within a row")
    print(f"{'chunks':>8} {'meta s':>7} {'bm25 s':>7} {'faiss s':>8} {'full build s':>13} {'peak RSS MB':>12}")
    for n in args.sizes:
        cs = chunks(n, words, rng)
        vectors = random_unit(n, rng, basis, centres)
        times: dict[str, float] = {}
        with tempfile.TemporaryDirectory() as tmp:
            timed("meta", lambda: search_mod._write_meta(Path(tmp) / "m.sqlite", cs), times)  # noqa: SLF001
            timed("bm25", lambda: LexicalIndex.build([search_mod.lexical_text(c) for c in cs]).save(Path(tmp) / "l"),
                  times)
            timed("faiss", lambda: DenseIndex.build(vectors).save(Path(tmp) / "d"), times)
            timed("full", lambda: search_mod.SearchIndex.build(cs, vectors, Path(tmp) / "index"), times)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{n:>8} {times['meta']:>7.1f} {times['bm25']:>7.1f} {times['faiss']:>8.1f} {times['full']:>13.1f}"
              f" {rss:>12.0f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
