"""What re-indexing costs, by part, and what nightly runs cost (issue #11).

Usage: .venv/bin/python bench/bench_reindex.py [--sizes 10000] [--base 100000] [--docs 1000]
                                               [--nights 10] [--full-every 1] [--corpus ../shared/corpus]

1. Parts of a full build at each ``--sizes`` (chunk metadata, BM25 with compound
   splitting, FAISS, and the whole ``SearchIndex.build``: segment, generation, atomic
   swap), with peak memory.
2. ``--nights`` nightly runs, side by side in one process: a ``--base``-chunk index gets
   ``--docs`` new documents (10 chunks each) and loses 10 withdrawn ones each night;
   each night is timed as ``SearchIndex.update`` (delta segment, tombstones, tiered
   merges) and as a full rebuild of the same live chunks, with the ratio; the amortised
   ratio is the updates' total time over the rebuilds' (target ≤ 1/10). Base and new
   chunks are drawn from different halves of the corpus files, so the new documents
   bring words the index has not seen and older chunks whose compounds now split
   differently are indexed again, as in a real run. A run that compacts (tombstones past
   the fraction) is timed once on the final index. Then the final index and its full
   rebuild are compared on the judged queries (``eval/queries*.jsonl``): BM25 top-10
   (must be identical), dense and hybrid top-10 overlap (HNSW segments: approximate in
   both), and hybrid query latency.

Synthetic chunks of real Norwegian case-paper text (each ~220 words drawn from the shared
corpus's paragraphs) with embedding-like 384-d vectors from a fake embedder (a lookup:
embedding costs the same in both ways, since the cache only embeds new texts).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.bench_search import CLUSTERS, DIM, LATENT, random_unit  # noqa: E402
from saksfinn.index.retrieval import search as search_mod  # noqa: E402
from saksfinn.index.retrieval import generation as generation_mod  # noqa: E402
from saksfinn.index.retrieval.dense import DenseIndex  # noqa: E402
from saksfinn.index.retrieval.lexical import LexicalIndex  # noqa: E402
from saksfinn.models.chunk import Chunk, SearchFilters  # noqa: E402


def real_words(corpus: Path, part: slice = slice(None)) -> list[str]:
    words: list[str] = []
    for path in sorted(corpus.rglob("*.txt"))[part]:
        words += path.read_text(encoding="utf-8", errors="replace").split()
    return words


def chunks(n: int, words: list[str], rng: np.random.Generator, *, first: int = 0, per_doc: int = 12) -> list[Chunk]:
    out = []
    starts = rng.integers(0, max(1, len(words) - 230), n)
    for j, s in enumerate(starts):
        i, doc = first + j, (first + j) // per_doc
        text = " ".join(words[s : s + 220])
        out.append(Chunk(document_id=f"{doc:064x}", text=text, title=f"Sak {doc}",
                         section="Saksopplysninger", municipality=("Steinkjer", "Levanger", "Volda")[doc % 3],
                         doc_type="saksframlegg", year=2020 + doc % 6, page=1 + i % 9, start=i, end=i + 1))
    return out


def judged_queries() -> list[str]:
    out: list[str] = []
    for path in sorted((REPO / "eval").glob("queries*.jsonl")):
        out += [json.loads(line)["query"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


def timed(label: str, fn, times: dict[str, float]):  # noqa: ANN001, ANN201
    t = time.perf_counter()
    result = fn()
    times[label] = time.perf_counter() - t
    return result


def parts(sizes: list[int], words: list[str], rng: np.random.Generator, basis: np.ndarray, centres: np.ndarray) -> None:
    print(f"{'chunks':>8} {'meta s':>7} {'bm25 s':>7} {'faiss s':>8} {'full build s':>13} {'peak RSS MB':>12}")
    for n in sizes:
        cs = chunks(n, words, rng)
        vectors = random_unit(n, rng, basis, centres)
        times: dict[str, float] = {}
        with tempfile.TemporaryDirectory() as tmp:
            timed("meta", lambda: generation_mod.write_meta(Path(tmp) / "m.sqlite", cs), times)
            timed("bm25", lambda: LexicalIndex.build([generation_mod.lexical_text(c) for c in cs]).save(Path(tmp) / "l"),
                  times)
            timed("faiss", lambda: DenseIndex.build(vectors).save(Path(tmp) / "d"), times)
            timed("full", lambda: search_mod.SearchIndex.build(cs, vectors, Path(tmp) / "index"), times)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{n:>8} {times['meta']:>7.1f} {times['bm25']:>7.1f} {times['faiss']:>8.1f} {times['full']:>13.1f}"
              f" {rss:>12.0f}", flush=True)


def nightly(base_n: int, docs: int, nights: int, corpus: Path, rng: np.random.Generator, basis: np.ndarray,
            centres: np.ndarray, *, full_every: int = 1, compaction: bool = True) -> float:
    """``nights`` runs of ``docs`` new documents and 10 withdrawn on a ``base_n``-chunk
    index, each timed as ``SearchIndex.update`` and (every ``full_every`` nights, the last
    always) as a full rebuild of the same live chunks. Returns the amortised ratio:
    the updates' total time over the rebuilds' for the nights measured both ways."""
    SearchIndex = search_mod.SearchIndex
    old_words, new_words = real_words(corpus, slice(0, None, 2)), real_words(corpus, slice(1, None, 2))
    base = chunks(base_n, old_words, rng, per_doc=10)
    batches = [chunks(docs * 10, new_words, rng, first=base_n + k * docs * 10, per_doc=10) for k in range(nights)]
    known = {w.lower() for w in old_words}
    every = base + [c for batch in batches for c in batch]
    matrix = random_unit(len(every), rng, basis, centres)
    by_id = {c.chunk_id: matrix[i] for i, c in enumerate(every)}

    def embed(cs):  # noqa: ANN001, ANN202 - the fake embedder: a lookup
        return np.stack([by_id[c.chunk_id] for c in cs]) if cs else np.zeros((0, matrix.shape[1]), np.float32)

    live = {c.chunk_id: c for c in base}
    rows: list[tuple[int, float, float | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        inc_dir, full_dir = Path(tmp) / "inc", Path(tmp) / "full"
        t = time.perf_counter()
        SearchIndex.build(base, embed(base), inc_dir)
        print(f"base index: {base_n} chunks built in {time.perf_counter() - t:.1f} s; each night +{docs} documents "
              f"({docs * 10} chunks from other corpus files than the base's), −10 withdrawn (100 chunks)")
        print(f"{'night':>5} {'live':>7} {'rows':>7} {'segs':>4} {'merged':>6} {'patched':>7} {'unseen':>6} "
              f"{'update s':>8} {'full s':>7} {'ratio':>6}")
        for night, batch in enumerate(batches, start=1):
            withdrawn = [c.chunk_id for c in base[(night - 1) * 100 : night * 100]]
            unseen = len({w.lower() for c in batch for w in c.text.split()} - known)
            known |= {w.lower() for c in batch for w in c.text.split()}
            t = time.perf_counter()
            update = SearchIndex.update(inc_dir, batch, withdrawn, embed)
            inc_s = time.perf_counter() - t
            for cid in withdrawn:
                live.pop(cid)
            live.update({c.chunk_id: c for c in batch})
            full_s = None
            if night % full_every == 0 or night == nights:
                shutil.rmtree(full_dir, ignore_errors=True)
                ordered = sorted(live.values(), key=lambda c: c.chunk_id)
                t = time.perf_counter()
                SearchIndex.build(ordered, embed(ordered), full_dir)
                full_s = time.perf_counter() - t
            rows.append((night, inc_s, full_s))
            manifest = json.loads((update.folder / "manifest.json").read_text())
            action = "compact" if update.compacted else f"{update.merged:>6}"
            print(f"{night:>5} {len(live):>7} {manifest['rows']:>7} {update.segments:>4} {action:>6} "
                  f"{update.patched:>7} {unseen:>6} {inc_s:>8.2f} "
                  + (f"{full_s:>7.1f} {inc_s / full_s:>6.3f}" if full_s else f"{'':>7} {'':>6}"), flush=True)
        both = [(i, f) for _, i, f in rows if f]
        amortised = sum(i for i, _ in both) / sum(f for _, f in both)
        worst = max(i / f for i, f in both)
        print(f"amortised: updates {sum(i for i, _ in both):.1f} s / full rebuilds {sum(f for _, f in both):.1f} s "
              f"= {amortised:.3f} (1/{1 / amortised:.0f}; target ≤ 1/10: {'met' if amortised <= 0.1 else 'NOT met'}); "
              f"mean of nightly ratios {np.mean([i / f for i, f in both]):.3f}, worst night {worst:.3f}; "
              f"all {nights} updates {sum(i for _, i, _ in rows):.1f} s", flush=True)
        if compaction:  # the rare run whose tombstones pass the fraction: every segment rewritten as one
            merged_dir = Path(tmp) / "merged"
            shutil.copytree(inc_dir, merged_dir)
            t = time.perf_counter()
            merged = SearchIndex.update(merged_dir, [], [c.chunk_id for c in base[nights * 100 : nights * 100 + 100]],
                                        embed, compact_fraction=0.0)
            merge_s = time.perf_counter() - t
            assert merged.compacted
            shutil.rmtree(merged_dir)
            print(f"a run that compacts (tombstones > {search_mod.COMPACT_FRACTION:.0%} of rows: segments merged into "
                  f"one, rows renumbered, vector index built again): {merge_s:.1f} s = "
                  f"{merge_s / both[-1][1]:.2f} of the last full rebuild", flush=True)
        compare(SearchIndex.open(inc_dir), SearchIndex.open(full_dir), by_id, basis, rng, centres)
    return amortised


def compare(inc, full, by_id, basis, rng, centres) -> None:  # noqa: ANN001
    queries = judged_queries()
    gi, gf = inc.current(), full.current()
    print(f"searches compared on {len(queries)} judged queries; incremental: {len(gi.segments)} segments, "
          f"{gi.size - gi.count} tombstones")
    qvecs = random_unit(len(queries), rng, basis, centres)
    same = {"bm25": 0, "dense": 0.0, "hybrid": 0.0}
    lat: dict[str, list[float]] = {"inc": [], "full": []}
    for q, v in zip(queries, qvecs):
        a = [h.chunk_id for h in inc.search(q, v, mode="bm25")]
        b = [h.chunk_id for h in full.search(q, v, mode="bm25")]
        same["bm25"] += a == b
        for mode in ("dense", "hybrid"):
            a = {h.chunk_id for h in inc.search(q, v, mode=mode)}
            b = {h.chunk_id for h in full.search(q, v, mode=mode)}
            same[mode] += len(a & b) / max(1, len(b))
        for name, index in (("inc", inc), ("full", full)):
            t = time.perf_counter()
            index.search(q, v, mode="hybrid", filters=SearchFilters())
            lat[name].append((time.perf_counter() - t) * 1000)
    n = max(1, len(queries))
    print(f"BM25 top-10 identical to the full rebuild: {same['bm25']}/{len(queries)}; "
          f"top-10 overlap dense {same['dense'] / n:.3f}, hybrid {same['hybrid'] / n:.3f}")
    print(f"hybrid query p50/p95 ms: incremental {np.percentile(lat['inc'], 50):.0f}/{np.percentile(lat['inc'], 95):.0f}, "
          f"full {np.percentile(lat['full'], 50):.0f}/{np.percentile(lat['full'], 95):.0f}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000])
    ap.add_argument("--base", type=int, default=100_000)
    ap.add_argument("--docs", type=int, default=1_000)
    ap.add_argument("--nights", type=int, default=10)
    ap.add_argument("--full-every", type=int, default=1, help="time a full rebuild every N nights (and the last)")
    ap.add_argument("--no-compaction", action="store_true", help="skip timing a run that compacts")
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
    if args.sizes:
        parts(args.sizes, words, rng, basis, centres)
    if args.base:
        nightly(args.base, args.docs, args.nights, args.corpus, rng, basis, centres, full_every=args.full_every,
                compaction=not args.no_compaction)
    return 0


if __name__ == "__main__":
    sys.exit(main())
