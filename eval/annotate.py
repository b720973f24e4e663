"""Labelling helper for prose findings (issue: experiences, goals, projects in prose).

Annotations are stand-off: each record names the document by the sha256 of its bytes and a
half-open character span into ``Document.text`` as saksfinn reads it; the text itself stays
in ../shared/corpus. ``text_sha1`` of the span lets a reader change be detected.

    python eval/annotate.py docs                       # candidate documents, split, units
    python eval/annotate.py units PATH                 # numbered units of one document
    python eval/annotate.py apply PATH LABELS --annotator NAME [--out FILE]
    python eval/annotate.py stats [FILE ...]

LABELS has one line per labelled unit; every unit not named is recorded as ``other``:

    12 experience +          # positive experience (use - for negative, ~ for mixed)
    13 goal
    14 project               # the sentence describes a named project/programme/pilot
    14 mention Serviceportalen   # the project's name, an exact substring of unit 14
    # comments and blank lines are ignored

Split by document: ``split_of(sha256)`` — stable, 60/20/20 train/dev/test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
LABELS = ("experience", "goal", "project", "other")
POLARITY = {"+": "positive", "-": "negative", "~": "mixed"}
DEFAULT_DIR = Path(__file__).resolve().parent / "annotations"


def split_of(sha256: str) -> str:
    bucket = int(sha256[:8], 16) % 10
    return "test" if bucket < 2 else "dev" if bucket < 4 else "train"


def corpus_files() -> list[Path]:
    roots = [CORPUS / "steinkjer", CORPUS / "real" / "text", CORPUS / "real" / "pdf", CORPUS / "seeds" / "txt"]
    return [p for root in roots if root.is_dir() for p in sorted(root.iterdir()) if p.suffix in {".txt", ".pdf"}]


def load(path: Path):
    from saksfinn.extractors.analyse import analyse_document
    from saksfinn.extractors.read import read_document

    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    doc = read_document(data, source=path.name, document_id=sha, ocr="off")
    return sha, analyse_document(doc, path=str(path))


def units_of(path: Path):
    from saksfinn.extractors.nlp import build_nlp
    from saksfinn.extractors.sentences import sentence_units

    sha, doc = load(path)
    return sha, doc, sentence_units(doc, build_nlp())


def rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(CORPUS))
    except ValueError:
        return str(path)


def cmd_docs(_args) -> None:
    for path in corpus_files():
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        print(f"{split_of(sha)}\t{sha[:12]}\t{rel(path)}")


def cmd_units(args) -> None:
    sha, doc, units = units_of(Path(args.path))
    print(f"# {rel(Path(args.path))} sha256={sha} split={split_of(sha)} units={len(units)}")
    heading = object()
    for i, unit in enumerate(units):
        if unit.heading != heading:
            heading = unit.heading
            print(f"## [{heading or '-'}]")
        mark = "•" if unit.is_item else " "
        print(f"{i}\t{mark} {' '.join(unit.text.split())}")


def parse_labels(lines: list[str], units) -> list[dict]:
    out: list[dict] = []
    for n, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 2 or not parts[0].isdigit():
            raise SystemExit(f"line {n}: expected 'INDEX LABEL [POLARITY]' or 'INDEX mention NAME': {raw.strip()}")
        idx, label = int(parts[0]), parts[1]
        if idx >= len(units):
            raise SystemExit(f"line {n}: unit {idx} does not exist ({len(units)} units)")
        unit = units[idx]
        if label == "mention":
            name = parts[2].strip() if len(parts) > 2 else ""
            at = unit.text.find(name) if name else -1
            if at < 0:
                raise SystemExit(f"line {n}: {name!r} is not in unit {idx}: {unit.text[:80]!r}")
            out.append({"unit": idx, "label": "project_mention", "start": unit.start + at, "end": unit.start + at + len(name), "name": name})
            continue
        if label not in LABELS:
            raise SystemExit(f"line {n}: unknown label {label!r}; use {', '.join(LABELS)} or mention")
        polarity = None
        if label == "experience":
            sign = parts[2].strip() if len(parts) > 2 else ""
            if sign not in POLARITY:
                raise SystemExit(f"line {n}: experience needs a polarity + - or ~")
            polarity = POLARITY[sign]
        out.append({"unit": idx, "label": label, "start": unit.start, "end": unit.end, "polarity": polarity})
    return out


def read_records(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def cmd_apply(args) -> None:
    path = Path(args.path)
    sha, doc, units = units_of(path)
    labelled = parse_labels(Path(args.labels).read_text(encoding="utf-8").splitlines(), units)
    named = {r["unit"] for r in labelled if r["label"] != "project_mention"}
    records = []
    for r in labelled:
        records.append(r)
    for i, unit in enumerate(units):
        if i not in named:
            records.append({"unit": i, "label": "other", "start": unit.start, "end": unit.end, "polarity": None})
    text = doc.text
    out_path = Path(args.out) if args.out else DEFAULT_DIR / f"{args.annotator}.jsonl"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    kept = [r for r in read_records(out_path) if r["sha256"] != sha]
    for r in sorted(records, key=lambda r: (r["start"], r["label"])):
        span = text[r["start"] : r["end"]]
        kept.append(
            {
                "sha256": sha,
                "path": rel(path),
                "split": split_of(sha),
                "start": r["start"],
                "end": r["end"],
                "label": r["label"],
                "polarity": r.get("polarity"),
                "name": r.get("name"),
                "text_sha1": hashlib.sha1(span.encode("utf-8")).hexdigest(),
                "annotator": args.annotator,
            }
        )
    out_path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in kept), encoding="utf-8")
    counts: dict[str, int] = {}
    for r in records:
        counts[r["label"]] = counts.get(r["label"], 0) + 1
    print(f"{rel(path)}: {len(units)} units; " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


def cmd_stats(args) -> None:
    files = [Path(f) for f in args.files] or sorted(DEFAULT_DIR.glob("*.jsonl"))
    records = [r for f in files for r in read_records(f)]
    docs = {r["sha256"] for r in records}
    by: dict[tuple[str, str], int] = {}
    for r in records:
        by[(r["split"], r["label"])] = by.get((r["split"], r["label"]), 0) + 1
    print(f"{len(records)} records over {len(docs)} documents")
    for (split, label), n in sorted(by.items()):
        print(f"{split}\t{label}\t{n}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("docs").set_defaults(func=cmd_docs)
    p = sub.add_parser("units")
    p.add_argument("path")
    p.set_defaults(func=cmd_units)
    p = sub.add_parser("apply")
    p.add_argument("path")
    p.add_argument("labels")
    p.add_argument("--annotator", required=True)
    p.add_argument("--out")
    p.set_defaults(func=cmd_apply)
    p = sub.add_parser("stats")
    p.add_argument("files", nargs="*")
    p.set_defaults(func=cmd_stats)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    sys.exit(main())
