"""Inter-annotator agreement of the prose labels (issue #12 diagnosis).

Compares a second, blind labelling pass (default ``eval/agreement/second.jsonl``) with the
labels training reads (``eval/annotations/*.jsonl``) on the *same units*: a unit is the
key ``(sha256, start, end)`` of a non-mention record, so a unit whose span moved between
the two passes (reader change) is reported as unmatched, not compared.

Per label (``experience``, ``goal``, ``project``; a unit may carry several) it prints the
2x2 counts, Cohen's kappa and the positive agreement (F1 of one pass against the other,
``2·both / (2·both + only_a + only_b)``; symmetric, so it does not matter which pass is
called the reference), with a 95 % interval from resampling *documents*. Then polarity
agreement on units both passes call experience, agreement on project mentions (unit +
name, case and whitespace folded), a confusion table of label sets, and the split by the
first pass's annotator and by document.

    python eval/agreement.py [--second FILE] [--examples N]

``--examples N`` prints up to N disagreeing units per label with their text (read from
../shared/corpus); use it on train/dev documents only.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "eval"))

import annotate  # noqa: E402

LABELS = ("experience", "goal", "project")
SECOND = ROOT / "eval" / "agreement" / "second.jsonl"

Key = tuple[str, int, int]  # (sha256, start, end) of a unit


@dataclass
class Unit:
    """One unit as one pass labelled it."""

    labels: set[str] = field(default_factory=set)  # subset of LABELS; empty = other
    polarity: str | None = None
    mentions: set[str] = field(default_factory=set)  # folded project names
    annotator: str = ""
    path: str = ""


def fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def units_of(records: list[dict]) -> dict[Key, Unit]:
    """Units of one pass; mention records attach to the unit whose span contains them."""
    units: dict[Key, Unit] = {}
    by_doc: dict[str, list[Key]] = defaultdict(list)
    for r in records:
        if r["label"] == "project_mention":
            continue
        key = (r["sha256"], r["start"], r["end"])
        if key not in units:
            units[key] = Unit(annotator=r.get("annotator", ""), path=r.get("path", ""))
            by_doc[r["sha256"]].append(key)
        if r["label"] in LABELS:
            units[key].labels.add(r["label"])
            if r["label"] == "experience":
                units[key].polarity = r.get("polarity")
    for r in records:
        if r["label"] != "project_mention":
            continue
        for key in by_doc.get(r["sha256"], ()):
            if key[1] <= r["start"] and r["end"] <= key[2]:
                units[key].mentions.add(fold(r.get("name") or ""))
                break
    return units


def kappa(both: int, only_a: int, only_b: int, neither: int) -> float | None:
    """Cohen's kappa of a 2x2 table; None when chance agreement is 1 (one class only)."""
    n = both + only_a + only_b + neither
    if n == 0:
        return None
    observed = (both + neither) / n
    pa, pb = (both + only_a) / n, (both + only_b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return None if expected == 1 else (observed - expected) / (1 - expected)


def positive_agreement(both: int, only_a: int, only_b: int) -> float | None:
    """F1 of one pass against the other; None when neither pass has a positive."""
    denom = 2 * both + only_a + only_b
    return None if denom == 0 else 2 * both / denom


def table(pairs: list[tuple[Unit, Unit]], label: str) -> tuple[int, int, int, int]:
    both = only_a = only_b = neither = 0
    for a, b in pairs:
        x, y = label in a.labels, label in b.labels
        both += x and y
        only_a += x and not y
        only_b += y and not x
        neither += not x and not y
    return both, only_a, only_b, neither


def interval(pairs_by_doc: dict[str, list[tuple[Unit, Unit]]], stat, rounds: int = 2000) -> tuple[float, float] | None:
    """95 % percentile interval of ``stat(pairs)`` over documents resampled with replacement."""
    docs = sorted(pairs_by_doc)
    rng = random.Random(12)
    values = []
    for _ in range(rounds):
        sample = [p for d in rng.choices(docs, k=len(docs)) for p in pairs_by_doc[d]]
        v = stat(sample)
        if v is not None:
            values.append(v)
    if len(values) < rounds // 2:
        return None
    values.sort()
    return values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]


SHORT = {"experience": "exp", "goal": "goal", "project": "proj"}


def label_set(u: Unit) -> str:
    return "+".join(SHORT[x] for x in sorted(u.labels)) or "other"


def fmt(v: float | None) -> str:
    return "  n/a" if v is None else f"{v:5.2f}"


def unit_text(key: Key, unit: Unit, cache: dict[str, str]) -> str:
    sha = key[0]
    if sha not in cache:
        p = Path(unit.path)
        path = p if p.is_absolute() else annotate.CORPUS / p
        cache[sha] = annotate.load(path)[1].text if path.exists() else ""
    return " ".join(cache[sha][key[1] : key[2]].split())


def report(second: dict[Key, Unit], first: dict[Key, Unit], examples: int = 0) -> str:
    out: list[str] = []
    docs2 = {k[0] for k in second}
    shared = [k for k in second if k in first]
    unmatched = [k for k in second if k not in first]
    first_in_docs = [k for k in first if k[0] in docs2]
    pairs_by_doc: dict[str, list[tuple[Unit, Unit]]] = defaultdict(list)
    for k in shared:
        pairs_by_doc[k[0]].append((second[k], first[k]))
    pairs = [p for d in sorted(pairs_by_doc) for p in pairs_by_doc[d]]
    out.append(
        f"documents: {len(docs2)}  units (second pass): {len(second)}  compared: {len(shared)}  "
        f"unmatched spans: second {len(unmatched)}, first {len(set(first_in_docs) - set(shared))}"
    )
    out.append("")
    out.append("label        both  only2  only1  neither   n2   n1   kappa [95% doc-CI]     pos.agr [95% doc-CI]")
    for label in LABELS:
        t = table(pairs, label)
        k_ci = interval(pairs_by_doc, lambda ps, lb=label: kappa(*table(ps, lb)))
        f_ci = interval(pairs_by_doc, lambda ps, lb=label: positive_agreement(*table(ps, lb)[:3]))
        ci = lambda c: "[  n/a      ]" if c is None else f"[{c[0]:4.2f}, {c[1]:4.2f}]"  # noqa: E731
        out.append(
            f"{label:<11} {t[0]:5d} {t[1]:6d} {t[2]:6d} {t[3]:8d} {t[0] + t[1]:4d} {t[0] + t[2]:4d}"
            f"   {fmt(kappa(*t))} {ci(k_ci)}   {fmt(positive_agreement(*t[:3]))} {ci(f_ci)}"
        )
    any_pos = [(frozenset(a.labels) != frozenset(), frozenset(b.labels) != frozenset()) for a, b in pairs]
    t_any = (
        sum(x and y for x, y in any_pos),
        sum(x and not y for x, y in any_pos),
        sum(y and not x for x, y in any_pos),
        sum(not x and not y for x, y in any_pos),
    )
    out.append(
        f"{'any (¬other)':<11} {t_any[0]:5d} {t_any[1]:6d} {t_any[2]:6d} {t_any[3]:8d} {t_any[0] + t_any[1]:4d} "
        f"{t_any[0] + t_any[2]:4d}   {fmt(kappa(*t_any))}                 {fmt(positive_agreement(*t_any[:3]))}"
    )
    out.append("(2 = second pass, 1 = existing labels; n2/n1 = positives in each pass)")

    exp = [(a.polarity, b.polarity) for a, b in pairs if "experience" in a.labels and "experience" in b.labels]
    out.append("")
    same = sum(x == y for x, y in exp)
    out.append(f"polarity on units both call experience: {same}/{len(exp)} agree" + (f" ({same / len(exp):.0%})" if exp else ""))
    pol = ("positive", "negative", "mixed")
    out.append("  second \\ first " + "".join(f"{p:>10}" for p in pol))
    for p2 in pol:
        out.append(f"  {p2:<15}" + "".join(f"{sum(1 for x, y in exp if x == p2 and y == p1):10d}" for p1 in pol))

    m2 = {(k, m) for k in shared for m in second[k].mentions}
    m1 = {(k, m) for k in shared for m in first[k].mentions}
    mb = len(m2 & m1)
    out.append("")
    out.append(
        f"project mentions (unit + folded name): both {mb}, only second {len(m2 - m1)}, only first {len(m1 - m2)}; "
        f"pos.agr {fmt(positive_agreement(mb, len(m2 - m1), len(m1 - m2))).strip()}"
    )
    n2 = {m for _, m in m2}
    n1 = {m for _, m in m1}
    out.append(f"  distinct names: second {sorted(n2)}")
    out.append(f"                  first  {sorted(n1)}")

    sets = sorted({label_set(a) for a, _ in pairs} | {label_set(b) for _, b in pairs}, key=lambda s: (s != "other", s))
    cm = Counter((label_set(a), label_set(b)) for a, b in pairs)
    out.append("")
    out.append("label sets, rows = second pass, columns = existing labels")
    w = max(len(s) for s in sets) + 1
    cw = max(len(s) for s in sets) + 2
    out.append(" " * w + "".join(f"{s:>{cw}}" for s in sets))
    for s2 in sets:
        out.append(f"{s2:<{w}}" + "".join(f"{cm[(s2, s1)]:{cw}d}" for s1 in sets))

    out.append("")
    out.append("by document (first-pass annotator): compared units; positives second/first per label; disagreements")
    for sha in sorted(pairs_by_doc, key=lambda s: first[next(k for k in shared if k[0] == s)].annotator):
        ps = pairs_by_doc[sha]
        ann = {first[k].annotator for k in shared if k[0] == sha}
        cells = []
        for label in LABELS:
            t = table(ps, label)
            cells.append(f"{label[:3]} {t[0] + t[1]}/{t[0] + t[2]}")
        dis = sum(label_set(a) != label_set(b) for a, b in ps)
        path = second[next(k for k in shared if k[0] == sha)].path
        out.append(f"  {sha[:10]} {','.join(sorted(ann)):<7} {len(ps):4d}  " + "  ".join(cells) + f"  dis {dis:3d}  {Path(path).name}")

    if examples:
        cache: dict[str, str] = {}
        for label in LABELS:
            for direction, want in (("only second", (True, False)), ("only first", (False, True))):
                keys = [k for k in shared if ((label in second[k].labels), (label in first[k].labels)) == want]
                out.append("")
                out.append(f"-- {label}: {direction} ({len(keys)})")
                for k in keys[:examples]:
                    out.append(
                        f"  [{k[0][:6]}] 2={label_set(second[k])} 1={label_set(first[k])}: {unit_text(k, second[k], cache)[:220]}"
                    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--second", default=str(SECOND))
    parser.add_argument("--examples", type=int, default=0)
    args = parser.parse_args(argv)
    second_records = annotate.read_records(Path(args.second))
    second_shas = {r["sha256"] for r in second_records}
    if any(annotate.split_of(s) == "test" for s in second_shas):
        raise SystemExit("the second pass labels a test-split document; agreement is measured on train/dev only")
    first_records = [
        r
        for f in sorted(annotate.DEFAULT_DIR.glob("*.jsonl"))
        for r in annotate.read_records(f)
        if r["sha256"] in second_shas and r.get("annotator") != "second"
    ]
    print(report(units_of(second_records), units_of(first_records), examples=args.examples))


if __name__ == "__main__":
    main()
