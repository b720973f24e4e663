"""Dense query in both written standards: the query vector averaged with that of the query
written in the other standard (each word replaced by its counterpart when the index holds
the counterpart in more passages). Dev sets only unless --with-test (reporting).

    .venv/bin/python bench/dense_standards.py --home DIR [--with-test]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_search import judged_files  # noqa: E402
from query_sets import DEV, TUNED, label, query_sets  # noqa: E402
from ranking_variants import CachedQueries  # noqa: E402

from saksfinn.index.retrieval.evaluate import evaluate, load_queries  # noqa: E402
from saksfinn.index.retrieval.search import SearchIndex  # noqa: E402
from saksfinn.index.retrieval.analysis import spelling_variants  # noqa: E402
from saksfinn.index.retrieval.written_standards import counterparts  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
_WORD = re.compile(r"\w+")


def other_standard(query: str, lexical) -> str:  # noqa: ANN001
    def df(word: str) -> int:
        terms = lexical.analyzer.terms_of_word(word, query=True)
        return max((len(lexical.postings(t)[0]) for t in terms), default=0)

    def swap(m: re.Match) -> str:
        word = m.group().lower()
        best, best_df = m.group(), df(word)
        for c in dict.fromkeys([*counterparts(word), *spelling_variants(word)]):
            n = df(c)
            if n > 2 * best_df + 2:
                best, best_df = c, n
        return best

    return _WORD.sub(swap, query)


class BothStandards:
    def __init__(self, inner, lexical, weight: float) -> None:  # noqa: ANN001
        self.inner, self.lexical, self.weight = inner, lexical, weight
        self.changed: dict[str, str] = {}

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        others = [other_standard(t, self.lexical) for t in texts]
        a = self.inner.encode_queries(texts)
        b = self.inner.encode_queries(others)
        for t, o in zip(texts, others):
            if o != t:
                self.changed[t] = o
        v = a + self.weight * b * np.array([[o != t] for t, o in zip(texts, others)], dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--with-test", action="store_true")
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    from saksfinn.flows.searching import Searcher
    from saksfinn.settings import Settings

    searcher = Searcher(Settings(home=args.home))
    files = judged_files(searcher.store, REPO.parent / "shared" / "corpus")
    base = CachedQueries(searcher._get_embedder())  # noqa: SLF001
    index = SearchIndex.open(Settings(home=args.home).index_dir)
    lexical = index.current().lexical
    sets = {p.name: load_queries(p) for p in query_sets([TUNED, DEV], with_test=args.with_test)}
    for weight in (0.0, 0.5, 1.0):
        emb = BothStandards(base, lexical, weight) if weight else base
        cells = []
        for name, queries in sets.items():
            for mode in ("hybrid", "dense"):
                m = evaluate(queries, index, emb, files=files, modes=(mode,))[mode]
                cells.append(f"{label(Path(name))[:10]} {mode[:3]} {m.ndcg:.3f}/{m.ndcg_hard:.3f}")
        print(f"weight {weight}: " + " | ".join(cells), flush=True)
        if args.show and weight:
            for t, o in emb.changed.items():
                print("   ", t, "→", o)


if __name__ == "__main__":
    main()
