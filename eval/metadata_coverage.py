"""Municipality and title coverage of ``extract_metadata`` on ../shared/corpus.

Every document is read as ingestion reads it and analysed from its text alone (no folder
hint, no ``--municipality``), then compared with ``eval/metadata_gold.tsv`` (which
municipality the text states, checked by reading; reference titles outside steinkjer/)
and ``steinkjer/MANIFEST.tsv`` (titles of the Steinkjer documents).

Figures per split (``eval/annotate.split_of``: *tuned* = train + dev, the rules were
written looking at these; *test* = held out, never looked at while writing them):

* municipality — stated / found right / missed (stated, none found) / wrong (another
  municipality than stated, or one where the text states none);
* title — agrees with the reference (same words up to case and punctuation, or one a
  prefix of the other, or ≥ 60 % shared words) / poor (``extractors.titles.is_poor_title``,
  or none where the reference has one).

    python eval/metadata_coverage.py [--list]

``--list`` prints every miss and wrong one (tuned split only unless ``--all``).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = ROOT / "eval" / "metadata_gold.tsv"
sys.path.insert(0, str(ROOT / "eval"))

from metadata_reference import analysed_meta, manifest_rows, title_agrees  # noqa: E402


@dataclass(frozen=True)
class Outcome:
    file: str
    split: str
    stated: str | None
    found: str | None
    reference_title: str | None
    title: str | None

    @property
    def municipality(self) -> str:
        if self.found == self.stated:
            return "right" if self.stated else "none_right"
        if self.found is None:
            return "missed"
        return "wrong"

    @property
    def title_agrees(self) -> bool:
        return title_agrees(self.title, self.reference_title)

    @property
    def title_poor(self) -> bool:
        from saksfinn.extractors.titles import is_poor_title

        if self.title is None:
            return bool(self.reference_title)
        return is_poor_title(self.title)


def gold() -> dict[str, dict[str, str]]:
    with open(GOLD, encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    return {r["sha256"]: r for r in csv.DictReader(lines, delimiter="\t")}


def outcomes(corpus: Path = CORPUS) -> list[Outcome]:
    import annotate

    manifest = {r["file"]: r["title"] for r in manifest_rows(corpus)}
    out = []
    for sha, row in gold().items():
        path = corpus / row["file"]
        data = path.read_bytes()
        assert hashlib.sha256(data).hexdigest() == sha, f"{row['file']} changed"
        meta = analysed_meta(data, path, document_id=sha)
        reference = manifest[path.name] if row["file"].startswith("steinkjer/") else row["title"]
        out.append(Outcome(row["file"], "test" if annotate.split_of(sha) == "test" else "tuned",
                           row["municipality"] or None, meta.municipality, reference or None, meta.title))
    return out


def summary(results: list[Outcome]) -> dict[str, dict[str, int]]:
    by: dict[str, Counter] = {}
    for r in results:
        c = by.setdefault(r.split, Counter())
        c["documents"] += 1
        c["stated"] += r.stated is not None
        c[r.municipality] += 1
        c["no_municipality"] += r.found is None
        c["title_agrees"] += r.title_agrees
        c["title_poor"] += r.title_poor
    return {k: dict(v) for k, v in sorted(by.items(), reverse=True)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--list", action="store_true", help="print the misses (tuned split)")
    parser.add_argument("--all", action="store_true", help="with --list: the test split too")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"no corpus at {CORPUS}")
        return 1
    results = outcomes()
    for split, c in summary(results).items():
        print(f"{split:5}: {c['documents']} documents, {c.get('no_municipality', 0)} without a municipality; "
              f"municipality stated in {c['stated']}: {c.get('right', 0)} found, {c.get('missed', 0)} missed, "
              f"{c.get('wrong', 0)} wrong | titles: {c['title_agrees']} agree with the reference, {c['title_poor']} poor")
    if args.list:
        for r in results:
            if r.split != "tuned" and not args.all:
                continue
            if r.municipality in ("missed", "wrong"):
                print(f"  municipality {r.municipality}: {r.file} stated {r.stated} found {r.found}")
            if not r.title_agrees or r.title_poor:
                print(f"  title{' (poor)' if r.title_poor else ''}: {r.file}: {r.title!r} vs {r.reference_title!r}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
