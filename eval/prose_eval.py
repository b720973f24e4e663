"""Measure the committed prose model and the whole finding stage on one split.

    python eval/prose_eval.py --split test [--json eval/prose_test.json]

Two views, on the gold units of the split's documents:

* **model**: the prose classifiers alone, per unit — average precision, and precision /
  recall at the committed thresholds of each operating point (0.85, 0.7, 0.5);
* **product**: ``extract_findings`` (rules + model, as ingest runs it) on each document.
  A gold unit of a type is *found* when a finding of that type overlaps it; a finding is
  *right* when it overlaps a gold unit of its type. Experiences also count polarity
  (a *mixed* gold unit accepts either); projects also count the name (the finding's name
  overlaps or equals a gold project mention).

Confusions: for wrong model findings, the gold label of the unit; for missed units, the
rules' and the model's view. Report on ``test`` only once, after decisions are made on
train/dev (docs/prose_models.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import annotate  # noqa: E402
import prose_data  # noqa: E402
from sklearn.metrics import average_precision_score  # noqa: E402

from saksfinn.extractors import prose_features as pf  # noqa: E402
from saksfinn.extractors.prose import FEATURE_SETS, LABELS, PRECISION_LEVELS, load_model  # noqa: E402


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def _key(name: str) -> str:
    return "".join(name.lower().split()).strip(".,:;«»\"")


def model_view(model, examples, precision: float, embed=None, vectors=None, read=None) -> dict:
    if model.needs_vectors and vectors is None:
        vectors = embed([pf.e5_text(e.text) for e in examples])
    scores = model.scores([e.text for e in examples], [e.heading for e in examples], [e.is_item for e in examples],
                          vectors, read)
    out = {}
    for label in LABELS:
        y = np.array([label in e.labels for e in examples])
        hit = scores[label] >= model.threshold(label, precision)
        tp = int((y & hit).sum())
        confusions = Counter(
            (examples[i].labels or ["other"])[0] for i in np.flatnonzero(hit & ~y)
        )
        out[label] = {
            "positives": int(y.sum()),
            "ap": round(float(average_precision_score(y, scores[label])), 3) if y.any() else None,
            "predicted": int(hit.sum()),
            "precision": round(tp / hit.sum(), 3) if hit.sum() else None,
            "recall": round(tp / y.sum(), 3) if y.sum() else None,
            "false_positives_by_gold_label": dict(confusions),
        }
    return out


def _pooled_units(doc, nlp) -> dict:
    """Unit span → vector pooled from the document's passages, as the ingest embed stage builds them."""
    from prose_pooled import ingest_embedder

    from saksfinn.extractors.sentences import sentence_units
    from saksfinn.extractors.textspans import in_boilerplate
    from saksfinn.flows.unit_vectors import pooled_unit_vectors
    from saksfinn.index.retrieval.chunking import chunk_document

    embedder = ingest_embedder()
    units = [u for u in sentence_units(doc, nlp) if not in_boilerplate(doc, u.start)]
    passages = [c for c in chunk_document(doc) if c.type == "passage"]
    spans = [(u.start, u.end) for u in units]
    _, vectors = pooled_unit_vectors(embedder, passages, spans, lambda missing: embedder.encode_passages(
        [pf.e5_text(units[i].text) for i in missing]))
    return dict(zip(spans, vectors))


def product_view(examples, paths: dict[str, Path], precision: float, features: str = "tfidf", embed=None,
                 read=None) -> dict:
    from saksfinn.extractors.findings import extract_findings
    from saksfinn.extractors.nlp import build_nlp

    nlp = build_nlp()
    by_doc: dict[str, list] = {}
    for e in examples:
        by_doc.setdefault(e.sha256, []).append(e)
    tally = {label: Counter() for label in LABELS}
    for sha, units in sorted(by_doc.items()):
        _, doc = annotate.load(paths[sha])
        known = _pooled_units(doc, nlp) if features in ("pooled", "reader") else None
        findings = [f for f in extract_findings(doc, nlp, precision=precision, features=features, embed=embed,
                                                unit_vectors=known, read=read)
                    if f.type in LABELS]
        for label in LABELS:
            gold = [u for u in units if label in u.labels]
            mine = [f for f in findings if f.type == label]
            source = lambda f: "model" if f.extractor.startswith("prose-model") else "rule"  # noqa: E731
            for f in mine:
                right = any(_overlaps(f.start, f.end, u.start, u.end) for u in gold)
                tally[label][f"findings_{source(f)}"] += 1
                tally[label][f"right_{source(f)}"] += right
            for u in gold:
                hits = [f for f in mine if _overlaps(f.start, f.end, u.start, u.end)]
                tally[label]["gold"] += 1
                if not hits:
                    continue
                tally[label]["found"] += 1
                tally[label]["found_by_" + ("rule" if any(source(f) == "rule" for f in hits) else "model")] += 1
                if label == "experience" and (u.polarity == "mixed" or any(f.polarity == u.polarity for f in hits)):
                    tally[label]["found_right_polarity"] += 1
                if label == "project":
                    names = {_key(n) for _, _, n in u.mentions}
                    if not names or any(_key(f.name) in names or any(n in _key(f.name) or _key(f.name) in n
                                                                    for n in names) for f in hits):
                        tally[label]["found_right_name"] += 1
    out = {}
    for label, t in tally.items():
        findings = t["findings_rule"] + t["findings_model"]
        right = t["right_rule"] + t["right_model"]
        row = {
            "gold": t["gold"],
            "recall": round(t["found"] / t["gold"], 3) if t["gold"] else None,
            "precision": round(right / findings, 3) if findings else None,
            "found_by_rule": t["found_by_rule"], "found_by_model_only": t["found_by_model"],
            "rule_findings": t["findings_rule"], "rule_precision": round(t["right_rule"] / t["findings_rule"], 3) if t["findings_rule"] else None,
            "model_findings": t["findings_model"], "model_precision": round(t["right_model"] / t["findings_model"], 3) if t["findings_model"] else None,
        }
        if label == "experience":
            row["recall_right_polarity"] = round(t["found_right_polarity"] / t["gold"], 3) if t["gold"] else None
        if label == "project":
            row["recall_right_name"] = round(t["found_right_name"] / t["gold"], 3) if t["gold"] else None
        out[label] = row
    return out


def committed_reader():
    """The committed fine-tuned reader behind a cache of its logits (``.saksfinn/train``), as ingest opens it."""
    from saksfinn.extractors.prose import READER_WEIGHTS
    from saksfinn.index.embedding.prose_reader import open_reader
    from saksfinn.settings import Settings

    return open_reader(READER_WEIGHTS, Settings().model_cache, ROOT / ".saksfinn" / "train" / "prose_reads.sqlite")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("dev", "test", "train"), default="dev")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--features", choices=sorted(FEATURE_SETS), default="tfidf")
    args = parser.parse_args()
    model = load_model(FEATURE_SETS[args.features][0])
    embed = None
    if model is not None and model.needs_vectors:
        from prose_compare import e5_vectors

        embed = e5_vectors
    if model is None:
        sys.exit("no prose model: run make train")
    examples = [e for e in prose_data.build() if not e.weak and e.split == args.split]
    vectors = read = None
    if model.needs_reader:
        read = committed_reader()
    if args.features in ("pooled", "reader"):
        from prose_pooled import pooled_vectors

        examples.sort(key=lambda e: (e.sha256, e.start))
        vectors = pooled_vectors(examples, cache=ROOT / ".saksfinn" / "train" / f"pooled_{args.split}.npz")[0]
    files = prose_data.source_files()
    paths = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in files}
    result = {
        "split": args.split, "model_version": model.version,
        "documents": len({e.sha256 for e in examples}), "units": len(examples),
        "operating_points": {
            str(p): {"model": model_view(model, examples, p, embed, vectors, read),
                     "product": product_view(examples, paths, p, args.features, embed, read)}
            for p in sorted(PRECISION_LEVELS, reverse=True)
        },
    }
    text = json.dumps(result, indent=1, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
