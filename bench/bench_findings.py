"""Finding extraction on ../shared/corpus: rules alone vs rules + each prose model, side by side.

    .venv/bin/python bench/bench_findings.py [--corpus ../shared/corpus] [--limit N]

Documents are read and sectioned once (not timed); then, per document, ``extract_findings``
with ``use_model=False`` and with the model, each timed over the whole corpus, plus the
count of findings each adds. For the ``pooled`` features also the passage pass (which the
index stage needs anyway) with and without pooling the unit vectors from it, and the ``reader`` features on those
vectors (the fine-tuned reader on the gated candidates, no logit cache; skipped without
the weights, ``make reader``). The share of a cold ingest is printed by ``bench/run_all.py``
(stage ``extract``).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}: skipped")
        return 0
    from saksfinn.extractors.analyse import analyse_document
    from saksfinn.extractors.findings import extract_findings
    from saksfinn.extractors.nlp import build_nlp
    from saksfinn.extractors.prose import load_model
    from saksfinn.extractors.read import read_document

    paths = sorted(p for p in args.corpus.rglob("*") if p.suffix.lower() in {".txt", ".pdf"})
    paths = paths[: args.limit] if args.limit else paths
    docs = []
    for path in paths:
        try:
            data = path.read_bytes()
            doc = read_document(data, source=path.name, document_id=hashlib.sha256(data).hexdigest(), ocr="off")
            docs.append(analyse_document(doc, path=str(path)))
        except Exception as exc:  # noqa: BLE001 - a bad file is skipped, not the bench
            print(f"  skipped {path.name}: {exc}", file=sys.stderr)
    nlp = build_nlp()
    load_model()  # loading the artefact once is start-up, not per-document cost
    extract_findings(docs[0], nlp)  # warm caches
    from saksfinn.flows.ingest import sentence_embed
    from saksfinn.settings import Settings

    embed = sentence_embed(Settings(prose_features="e5"))  # the configured passage embedder
    started = time.perf_counter()
    embed(["Modellen lastes før målingen."])  # loading the embedder is start-up, not per-document cost
    print(f"sentence embedder loaded in {time.perf_counter() - started:.1f} s")
    rows = {}
    runs = (("rules", False, "tfidf"), ("rules+model", True, "tfidf"), ("rules+model e5", True, "e5"))
    for label, use_model, features in runs:
        counts: Counter[str] = Counter()
        started = time.perf_counter()
        for doc in docs:
            for f in extract_findings(doc, nlp, use_model=use_model, features=features, embed=embed):
                counts["model" if f.extractor.startswith("prose-model") else f.type] += 1
        rows[label] = (time.perf_counter() - started, counts)
    print(f"{len(docs)} documents, {sum(len(d.text) for d in docs) / 1e6:.1f} M characters")
    print(f"{'extractors':<14}{'seconds':>9}{'ms/doc':>9}  findings")
    for label, (seconds, counts) in rows.items():
        print(f"{label:<14}{seconds:>9.2f}{1000 * seconds / len(docs):>9.1f}  {dict(sorted(counts.items()))}")
    rules, both, e5 = rows["rules"][0], rows["rules+model"][0], rows["rules+model e5"][0]
    print(f"model cost: tf-idf {both - rules:.2f} s ({both / rules:.1f}x the rules alone), "
          f"e5 {e5 - rules:.2f} s ({e5 / rules:.1f}x; sentence vectors included)")
    pooled_bench(docs, nlp, rules)
    return 0


def pooled_bench(docs: list, nlp: object, rules_seconds: float) -> None:
    """``pooled`` features: the passage pass the index needs anyway, alone and with the unit
    vectors pooled from it (no cache), then the extractor given those vectors."""
    from saksfinn.extractors.findings import extract_findings
    from saksfinn.extractors.sentences import sentence_units
    from saksfinn.extractors.textspans import in_boilerplate
    from saksfinn.flows.ingest import shared_embedder
    from saksfinn.flows.unit_vectors import pooled_unit_vectors
    from saksfinn.index.retrieval.chunking import chunk_document
    from saksfinn.settings import Settings

    embedder = shared_embedder(Settings())
    embedder.encode_passages(["Modellen lastes før målingen."])
    passages = {d.document_id: [c for c in chunk_document(d) if c.type == "passage"] for d in docs}
    known: dict[str, dict] = {}

    def plain_pass() -> None:
        for d in docs:
            embedder.encode_passages([c.text for c in passages[d.document_id]])

    def pooled_pass() -> None:
        for d in docs:
            units = [u for u in sentence_units(d, nlp) if not in_boilerplate(d, u.start)]
            spans = [(u.start, u.end) for u in units]
            _, vectors = pooled_unit_vectors(embedder, passages[d.document_id], spans,
                                             lambda missing, units=units: embedder.encode_passages(
                                                 [" ".join(units[i].text.split()) for i in missing]))
            known[d.document_id] = dict(zip(spans, vectors))

    times: dict[str, list[float]] = {"plain": [], "pooled": []}
    for _ in range(2):  # alternated, best of two: shared cores make single runs noisy
        for name, run in (("plain", plain_pass), ("pooled", pooled_pass)):
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    plain, pooled = min(times["plain"]), min(times["pooled"])
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    for d in docs:
        for f in extract_findings(d, nlp, features="pooled", unit_vectors=known[d.document_id]):
            counts["model" if f.extractor.startswith("prose-model") else f.type] += 1
    extract = time.perf_counter() - started
    n = sum(len(p) for p in passages.values())
    print(f"pooled (best of 2): passages alone {plain:.2f} s ({n} passages), with unit vectors pooled "
          f"(+ sentence units, uncovered units embedded alone) {pooled:.2f} s (+{pooled - plain:.2f} s)")
    print(f"{'rules+model pooled':<14}{extract:>9.2f}{1000 * extract / len(docs):>9.1f}  {dict(sorted(counts.items()))}"
          f"  (model cost {extract - rules_seconds:.2f} s, unit vectors given)")
    reader_bench(docs, nlp, known, extract)


def reader_bench(docs: list, nlp: object, known: dict, pooled_seconds: float) -> None:
    """``reader`` features: the pooled first stage, then the fine-tuned reader on the gated
    candidates — without a cache of its logits (a cold ingest reads every candidate)."""
    from saksfinn.extractors.findings import extract_findings
    from saksfinn.extractors.prose import READER_WEIGHTS
    from saksfinn.flows.prose_reader import prose_features
    from saksfinn.index.embedding.prose_reader import open_reader
    from saksfinn.settings import Settings

    settings = Settings(prose_features="reader")
    if prose_features(settings) != "reader":
        print("rules+model reader: skipped (no reader weights of the model's version: make reader)")
        return
    reader = open_reader(READER_WEIGHTS, settings.model_cache, None)
    reader(["Modellen lastes før målingen."])  # start-up (IR conversion on first use), not per-document cost
    units_read = 0

    def read(texts: list[str]):
        nonlocal units_read
        units_read += len(texts)
        return reader(texts)

    counts: Counter[str] = Counter()
    started = time.perf_counter()
    for d in docs:
        for f in extract_findings(d, nlp, features="reader", unit_vectors=known[d.document_id], read=read):
            counts["model" if f.extractor.startswith("prose-model") else f.type] += 1
    extract = time.perf_counter() - started
    print(f"{'rules+model reader':<14}{extract:>9.2f}{1000 * extract / len(docs):>9.1f}  {dict(sorted(counts.items()))}"
          f"  ({units_read} units read, +{extract - pooled_seconds:.2f} s over pooled)")


if __name__ == "__main__":
    sys.exit(main())
