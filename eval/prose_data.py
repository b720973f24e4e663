"""Training and evaluation data for the prose classifiers, from the stand-off annotations.

One example per annotated unit: its text (looked up in ../shared/corpus by sha256 and
span), the split of its document, the labels (``experience``/``goal``/``project``, a
unit may have several), the experience polarity and the project mentions inside it.

*Weak* examples come from the rule extractors on train-split documents nobody labelled:
a unit overlapping a rule finding gets that finding's type (and polarity); the other
units of those documents are ``other``. They are never used for dev or test.

Documents are read once and the examples cached in ``.saksfinn/train/examples.json``
(keyed by the annotation files' content and the corpus paths), so re-runs are quick.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import annotate  # noqa: E402

SAMPLE = ROOT / "corpus" / "documents"  # the generated sample corpus: weak examples only
CACHE = ROOT / ".saksfinn" / "train" / "examples.json"
POSITIVE = ("experience", "goal", "project")


@dataclass
class Example:
    sha256: str
    split: str
    start: int
    end: int
    text: str
    labels: list[str] = field(default_factory=list)
    polarity: str | None = None
    mentions: list[tuple[int, int, str]] = field(default_factory=list)  # offsets within text
    weak: bool = False
    rules: list[str] = field(default_factory=list)  # types of rule findings overlapping the unit
    rule_polarity: str | None = None
    heading: str | None = None
    is_item: bool = False


def _squash(text: str) -> str:
    return " ".join(text.split())


def _annotations() -> tuple[dict[str, list[dict]], str]:
    files = sorted(annotate.DEFAULT_DIR.glob("*.jsonl"))
    digest = hashlib.sha256()
    by_doc: dict[str, list[dict]] = {}
    for f in files:
        data = f.read_bytes()
        digest.update(data)
        for r in annotate.read_records(f):
            by_doc.setdefault(r["sha256"], []).append(r)
    return by_doc, digest.hexdigest()


def _gold(sha: str, records: list[dict], doc, units) -> list[Example]:
    by_span = {(u.start, u.end): u for u in units}
    out: dict[tuple[int, int], Example] = {}
    # two annotators may have labelled the same document: the later file wins per document
    last = max(r["annotator"] for r in records)
    records = [r for r in records if r["annotator"] == last]
    for r in records:
        if r["label"] == "project_mention":
            continue
        key = (r["start"], r["end"])
        unit = by_span.get(key)
        ex = out.get(key)
        if ex is None:
            ex = out[key] = Example(
                sha, r["split"], r["start"], r["end"], doc.text[r["start"] : r["end"]],
                heading=unit.heading if unit else None, is_item=unit.is_item if unit else False,
            )
        if r["label"] in POSITIVE and r["label"] not in ex.labels:
            ex.labels.append(r["label"])
        if r["label"] == "experience":
            ex.polarity = r["polarity"]
    for r in records:
        if r["label"] != "project_mention":
            continue
        for (s, e), ex in out.items():
            if s <= r["start"] and r["end"] <= e:
                ex.mentions.append((r["start"] - s, r["end"] - s, r["name"]))
    return sorted(out.values(), key=lambda x: x.start)


def _rule_findings(doc, nlp) -> list:
    from saksfinn.extractors.findings import extract_findings

    return [f for f in extract_findings(doc, nlp, use_model=False) if f.type in POSITIVE]


def _mark_rules(examples: list[Example], findings: list) -> None:
    for ex in examples:
        for f in findings:
            if f.start < ex.end and ex.start < f.end and f.type not in ex.rules:
                ex.rules.append(f.type)
                if f.type == "experience":
                    ex.rule_polarity = f.polarity


def _weak(sha: str, doc, units, findings) -> list[Example]:
    out = []
    for u in units:
        ex = Example(sha, "train", u.start, u.end, u.text, weak=True, heading=u.heading, is_item=u.is_item)
        _mark_rules([ex], findings)
        ex.labels, ex.polarity = list(ex.rules), ex.rule_polarity
        for f in findings:
            if f.type == "project" and f.start < u.end and u.start < f.end:
                at = u.text.find(f.name)
                if at >= 0:
                    ex.mentions.append((at, at + len(f.name), f.name))
        out.append(ex)
    return out


def source_files() -> list[Path]:
    """Every document examples can come from: ../shared/corpus (``annotate.corpus_files``), then the sample corpus."""
    return annotate.corpus_files() + sorted(p for p in SAMPLE.rglob("*") if p.suffix in {".txt", ".pdf"})


def annotated_paths(data: list[Example], files: list[Path] | None = None) -> list[tuple[str, Path, list[int]]]:
    """``(sha256, path, rows)`` per document of ``data``, in sha256 order: the file holding the
    document (the first of ``files``, default :func:`source_files`, with those bytes) and the
    indices of its examples in ``data``, in their order there. A document no file holds raises
    ``KeyError``."""
    paths: dict[str, Path] = {}
    for path in source_files() if files is None else files:
        paths.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    rows_of: dict[str, list[int]] = {}
    for i, e in enumerate(data):
        rows_of.setdefault(e.sha256, []).append(i)
    return [(sha, paths[sha], rows) for sha, rows in sorted(rows_of.items())]


def build(refresh: bool = False) -> list[Example]:
    """Gold examples of every annotated document plus weak examples of unlabelled train documents."""
    by_doc, digest = _annotations()
    paths = source_files()
    key = hashlib.sha256((digest + "|".join(map(str, paths))).encode()).hexdigest()
    if CACHE.exists() and not refresh:
        cached = json.loads(CACHE.read_text(encoding="utf-8"))
        if cached.get("key") == key:
            return [Example(**{**e, "mentions": [tuple(m) for m in e["mentions"]]}) for e in cached["examples"]]
    from saksfinn.extractors.nlp import build_nlp
    from saksfinn.extractors.sentences import sentence_units

    nlp = build_nlp()
    examples: list[Example] = []
    for path in paths:
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        if sha not in by_doc and annotate.split_of(sha) != "train":
            continue
        _, doc = annotate.load(path)
        units = sentence_units(doc, nlp)
        findings = _rule_findings(doc, nlp)
        if sha in by_doc:
            gold = _gold(sha, by_doc[sha], doc, units)
            _mark_rules(gold, findings)
            examples.extend(gold)
        else:
            examples.extend(_weak(sha, doc, units, findings))
        print(f"  {annotate.rel(path)}", file=sys.stderr)
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps({"key": key, "examples": [asdict(e) for e in examples]}, ensure_ascii=False),
                     encoding="utf-8")
    return examples


if __name__ == "__main__":
    data = build(refresh="--refresh" in sys.argv)
    from collections import Counter

    c = Counter((e.split, e.weak, lab) for e in data for lab in (e.labels or ["other"]))
    for k, v in sorted(c.items()):
        print(k, v)
