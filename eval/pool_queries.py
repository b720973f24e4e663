"""Pool the passages to judge for a judged-query file (issue #14).

Usage: .venv/bin/python eval/pool_queries.py --home DIR QUERIES.jsonl OUT.json [--depth 20]

For each query, the union of the top ``depth`` hits of BM25 alone, dense alone and
hybrid with the default ranking (what the app shows) on the index ``saksfinn ingest``
built in ``DIR``. Writes ``{query id: [{"file", "chunk_id", "section", "text",
"found_by"}]}`` for a person to read and judge; it decides nothing itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from eval_search import judged_files  # noqa: E402

from saksfinn.index.retrieval.evaluate import load_queries  # noqa: E402
from saksfinn.index.retrieval.search import SearchIndex  # noqa: E402
from saksfinn.models.chunk import SearchFilters  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--depth", type=int, default=20)
    parser.add_argument("queries", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()

    from saksfinn.flows.searching import Searcher
    from saksfinn.settings import Settings

    settings = Settings(home=args.home)
    searcher = Searcher(settings)
    files = judged_files(searcher.store, args.corpus)
    embedder = searcher._get_embedder()  # noqa: SLF001 - the app's query model
    index = SearchIndex.open(settings.index_dir)
    queries = load_queries(args.queries)
    qvecs = embedder.encode_queries([q.query for q in queries])
    pool: dict[str, list[dict]] = {}
    for q, qvec in zip(queries, qvecs):
        seen: dict[str, dict] = {}
        for mode in ("bm25", "dense", "hybrid"):
            for hit in index.search(q.query, qvec, top=args.depth, filters=SearchFilters(), mode=mode):
                row = seen.setdefault(hit.chunk_id, {"file": files.get(hit.document_id, hit.source), "chunk_id": hit.chunk_id,
                                                     "section": hit.section, "text": hit.text, "found_by": []})
                row["found_by"].append(f"{mode}#{hit.rank}")
        pool[q.id] = list(seen.values())
    args.out.write_text(json.dumps(pool, ensure_ascii=False, indent=1), encoding="utf-8")
    sizes = [len(v) for v in pool.values()]
    print(f"{len(queries)} queries, depth {args.depth}: {sum(sizes)} pooled passages ({min(sizes)}–{max(sizes)} per query)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
