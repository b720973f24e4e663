"""Ranking variants side by side on one ingested index: nDCG@10 / hard / recall per query set.

Usage: .venv/bin/python bench/ranking_variants.py --home DIR [--queries A.jsonl B.jsonl] [--only NAME ...] [--with-test]

Opens the index ``saksfinn ingest ../shared/corpus`` built in ``DIR`` once, encodes each
query once, and evaluates every :class:`Ranking` variant of :data:`VARIANTS` (or the
named ones) with :func:`evaluate` — the pipeline as shipped except for the ranking knobs.
Both dev sets (tuned, held-out) since the second round of issue #14: keep a change only
when it wins on both. ``--with-test`` adds the untuned test set as a last column: for a
final report of a decided default, never for choosing between variants (``bench/query_sets.py``).
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_search import judged_files  # noqa: E402
from query_sets import TUNED, label, query_sets  # noqa: E402

from saksfinn.index.retrieval.evaluate import evaluate, load_queries  # noqa: E402
from saksfinn.index.retrieval.ranking import Fusion, Ranking  # noqa: E402
from saksfinn.index.retrieval.search import SearchIndex  # noqa: E402
from saksfinn.index.retrieval.translation import ApertiumTranslator, QueryTranslator  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BASE = Ranking()
# before this round: the other standard only for unknown words, 4 per document, no feedback, no lift,
# dense min-max scaled over its whole pool
OLD = replace(BASE, counterpart_weight=0.0, max_per_document=4, feedback_docs=0, doc_weight=0.0,
              fusion=replace(BASE.fusion, dense_floor_rank=BASE.pool), front_matter_demotion=0.0)


def _variants() -> dict[str, Ranking]:
    v: dict[str, Ranking] = {"default": BASE, "before": OLD,
                             "before + counterparts 0.5": replace(OLD, counterpart_weight=0.5),
                             "... + 6 per document": replace(OLD, counterpart_weight=0.5, max_per_document=6),
                             "... + document lift 0.2": replace(OLD, counterpart_weight=0.5, max_per_document=6,
                                                                doc_weight=0.2),
                             "... + feedback 3 docs": replace(BASE, fusion=replace(BASE.fusion, dense_floor_rank=BASE.pool)),
                             "... + dense scaled from its 50th best (default)": BASE}
    for w in (0.0, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0):
        v[f"counterparts {w}"] = replace(BASE, counterpart_weight=w)
    for pw in (0.5,):
        v[f"parts {pw}"] = replace(BASE, part_weight=pw)
    for dw in (0.3, 0.5):
        v[f"weighted dense {dw}"] = replace(BASE, fusion=replace(BASE.fusion, dense_weight=dw))
    for floor in (20, 30, 40, 60, 100):
        v[f"dense scaled from its {floor}th best"] = replace(BASE, fusion=replace(BASE.fusion, dense_floor_rank=floor))
    for k in (10, 60):
        v[f"rrf k={k}"] = replace(BASE, fusion=Fusion("rrf", rrf_k=k))
    for k1 in (0.9, 1.2, 2.0):
        v[f"k1 {k1}"] = replace(BASE, k1=k1)
    for b in (0.4, 0.6, 0.9):
        v[f"b {b}"] = replace(BASE, b=b)
    for docs, terms, w in ((0, 10, 0.1), (3, 10, 0.2), (3, 20, 0.1), (5, 10, 0.1), (5, 10, 0.3), (10, 20, 0.2)):
        v[f"feedback {docs} docs {terms} terms w{w}"] = replace(BASE, feedback_docs=docs, feedback_terms=terms, feedback_weight=w)
    for dw, depth in ((0.0, 2), (0.1, 2), (0.3, 2), (0.2, 1), (0.2, 3)):
        v[f"doc lift {dw} depth {depth}"] = replace(BASE, doc_weight=dw, doc_depth=depth)
    for pool in (50, 200, 400):
        v[f"pool {pool}"] = replace(BASE, pool=pool)
    for cap in (3, 4, 5, 8, 10):
        v[f"per document {cap}"] = replace(BASE, max_per_document=cap)
    v["no passage features"] = replace(BASE, lead_weight=0.0, prose_weight=0.0)
    v["opens its section 0.15 only"] = replace(BASE, prose_weight=0.0)
    for w in (0.1, 0.25):
        v[f"passage features {w}"] = replace(BASE, lead_weight=w, prose_weight=w)
    for w in (0.1, 0.3):
        v[f"passage coverage {w}"] = replace(BASE, coverage_weight=w)
    v["passage features over all rows"] = replace(BASE, passage_within_document=False)
    # front matter (a case paper's form) demoted across documents (issue #14, front-matter round)
    for w in (0.0, 0.1, 0.3, 0.5, 0.7, 1.0):
        v[f"front-matter demotion {w}"] = replace(BASE, front_matter_demotion=w)
    # the query machine-translated into the other written standard (Apertium; issue #14, round 3)
    on = replace(BASE, translation=True)
    v["translation (settings' weights)"] = on
    for w in (0.3, 0.5, 0.7, 1.0):
        v[f"translation bm25 {w}"] = replace(on, translation_weight=w, translation_dense="off")
        v[f"translation bm25 {w}, no tables"] = replace(on, translation_weight=w, translation_dense="off", counterpart_weight=0.0)
    for w in (0.3, 0.5, 1.0):
        v[f"translation dense mean {w}"] = replace(on, translation_weight=0.0, translation_dense="mean", translation_dense_weight=w)
    v["translation dense max"] = replace(on, translation_weight=0.0, translation_dense="max")
    for w in (0.3, 0.5, 1.0):
        v[f"translation dense channel {w}"] = replace(on, translation_weight=0.0, translation_dense="channel",
                                                      translation_dense_weight=w)
    return v


VARIANTS = _variants()


def parse_variant(spec: str) -> Ranking:
    """A variant named in :data:`VARIANTS`, or ``key=value,...`` over the default
    (``rrf_k=10`` / ``dense_weight=0.5`` set the fusion)."""
    if spec in VARIANTS:
        return VARIANTS[spec]
    ranking = BASE
    for item in spec.split(","):
        key, value = item.split("=")
        if key == "rrf_k":
            ranking = replace(ranking, fusion=Fusion("rrf", rrf_k=int(value)))
        elif key in ("dense_weight", "dense_floor_rank"):
            ranking = replace(ranking, fusion=replace(ranking.fusion, method="weighted", **{key: type(getattr(ranking.fusion, key))(value)}))
        else:
            kind = type(getattr(ranking, key))
            parsed = value == "True" if kind is bool else tuple(value.split("+")) if kind is tuple else kind(value)
            ranking = replace(ranking, **{key: parsed})
    return ranking


class CachedQueries:
    """The home's query embedder, each query encoded once."""

    def __init__(self, embedder) -> None:  # noqa: ANN001
        self.embedder, self.cache = embedder, {}

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in texts if t not in self.cache]
        if todo:
            self.cache.update(zip(todo, self.embedder.encode_queries(todo)))
        return np.stack([self.cache[t] for t in texts])


def open_eval_home(home: Path, corpus: Path, *, translation: bool = True):  # noqa: ANN201
    """What an evaluation over ``home`` needs: judged file names per document, the app's query
    model (each query encoded once), the index, and the Apertium translator (or ``None``)."""
    from saksfinn.flows.searching import Searcher
    from saksfinn.settings import Settings

    searcher = Searcher(Settings(home=home))
    files = judged_files(searcher.store, corpus)
    embedder = CachedQueries(searcher._get_embedder())  # noqa: SLF001 - the app's query model
    index = SearchIndex.open(Settings(home=home).index_dir)
    return files, embedder, index, QueryTranslator(ApertiumTranslator()) if translation else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--queries", type=Path, nargs="+", default=[TUNED])
    parser.add_argument("--with-test", action="store_true", help="add the untuned test set as a last column (reporting only)")
    parser.add_argument("--only", nargs="*", help="variant names (default: all)")
    parser.add_argument("--per-query", action="store_true", help="per-query nDCG of each variant (tuned set only!)")
    parser.add_argument("--no-translation", action="store_true",
                        help="do not start Apertium (variants with translation=True then search without it)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    files, embedder, index, translator = open_eval_home(args.home, args.corpus, translation=not args.no_translation)
    sets = {p.name: load_queries(p) for p in query_sets(args.queries, with_test=args.with_test)}
    names = args.only or list(VARIANTS)
    header = "  ".join(f"{label(Path(n))[:26]:>26}" for n in sets)
    print(f"{'variant':<36} {header}")
    print(f"{'':<36} " + "  ".join(f"{'nDCG  hard  rec b/t/r':>26}" for _ in sets))
    for name in names:
        index.ranking = parse_variant(name)
        cells = []
        for set_name, queries in sets.items():
            m = evaluate(queries, index, embedder, files=files, modes=("hybrid",), translator=translator)["hybrid"]
            cells.append(f"{m.ndcg:.3f} {m.ndcg_hard:.3f} {m.recall:.3f} {m.bare}/{m.twins}/{m.repeats}".rjust(26))
            if args.per_query and set_name == "queries.jsonl":
                print("   ", " ".join(f"{q}={v[0]:.2f}" for q, v in m.per_query.items()))
        print(f"{name:<36} " + "  ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
