"""Pool the passages to judge for a judged-query file (issue #14).

Usage: .venv/bin/python eval/pool_queries.py --home DIR QUERIES.jsonl OUT.json [--depth 20] [--translation]

For each query, the union of the top ``depth`` hits of BM25 alone, dense alone and
hybrid with the ranking the home's settings describe (what the app shows) but query
translation off, on the index ``saksfinn ingest`` built in ``DIR``. With
``--translation`` also the same three systems with the query's Apertium translation into
the other written standard (as the app searches with ``search_translation`` on). Writes
``{query id: [{"file", "chunk_id", "section", "text", "found_by"}]}`` for a person to read
and judge; it decides nothing itself.
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
    parser.add_argument("--translation", action="store_true",
                        help="pool BM25, dense and hybrid with the query's translation too")
    parser.add_argument("queries", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()

    from dataclasses import replace

    from saksfinn.flows.searching import Searcher, ranking_from_settings
    from saksfinn.index.retrieval.translation import translations, translator_from
    from saksfinn.settings import Settings

    settings = Settings(home=args.home)
    searcher = Searcher(settings)
    files = judged_files(searcher.store, args.corpus)
    embedder = searcher._get_embedder()  # noqa: SLF001 - the app's query model
    ranking = ranking_from_settings(settings)
    plain = SearchIndex.open(settings.index_dir, ranking=replace(ranking, translation=False))
    queries = load_queries(args.queries)
    qvecs = embedder.encode_queries([q.query for q in queries])
    if args.translation:
        translated = SearchIndex.open(settings.index_dir, ranking=replace(ranking, translation=True))
        others = translations(translator_from(True, settings.search_translation_timeout), [q.query for q in queries])
    else:
        others = [None] * len(queries)
    pool: dict[str, list[dict]] = {}
    for q, qvec, other in zip(queries, qvecs, others):
        seen: dict[str, dict] = {}
        systems = [(mode, plain, None, None) for mode in ("bm25", "dense", "hybrid")]
        if other is not None:
            ovec = embedder.encode_queries([other.text])[0]
            systems += [(f"{mode}+tr", translated, other, ovec) for mode in ("bm25", "dense", "hybrid")]
        for name, index, o, ovec in systems:
            mode = name.removesuffix("+tr")
            for hit in index.search(q.query, qvec, top=args.depth, filters=SearchFilters(), mode=mode, other=o, other_vec=ovec):
                row = seen.setdefault(hit.chunk_id, {"file": files.get(hit.document_id, hit.source), "chunk_id": hit.chunk_id,
                                                     "section": hit.section, "text": hit.text, "found_by": []})
                row["found_by"].append(f"{name}#{hit.rank}")
        pool[q.id] = list(seen.values())
    args.out.write_text(json.dumps(pool, ensure_ascii=False, indent=1), encoding="utf-8")
    sizes = [len(v) for v in pool.values()]
    print(f"{len(queries)} queries, depth {args.depth}: {sum(sizes)} pooled passages ({min(sizes)}–{max(sizes)} per query)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
