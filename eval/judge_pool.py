"""Pool-judge a judged-query file (issue #14): show the pool blind, then record the verdicts.

Usage:
  .venv/bin/python eval/judge_pool.py show POOL.json QUERIES.jsonl QID... [--full]
  .venv/bin/python eval/judge_pool.py apply --home DIR POOL.json QUERIES.jsonl VERDICTS.txt [--sidecar OUT.json]

``POOL.json`` is what ``eval/pool_queries.py`` wrote. ``show`` prints each query's pooled
passages with twins (same normalised text) merged and in a per-query shuffled order, without
ranks, systems or scores, so the judge reads them blind; passages an existing judgement already
satisfies are marked ``JUDGED``. The judge writes one line per query, ``qid: 3 7 12`` (the
numbers ``show`` printed for the relevant passages; ``qid:`` alone when none is new); ``h10/18``
names passage 18 of another query's pool, for a relevant passage of a judged document that this
query's pool missed.

``apply`` appends, for every passage judged relevant, a judgement ``{"file", "phrase"}`` whose
phrase is copied from the passage: at least ``MIN_WORDS`` words that, normalised as
:func:`~saksfinn.index.retrieval.evaluate.satisfied` normalises, stand in the judged file and in
no other indexed chunk of the same document. It marks the judged queries ``"pooled": true`` and
writes the sidecar (query id → text hashes of the judged pool) that ``bench/eval_search.py``
reads for its judged@10 diagnostic. Corpus text never enters the repo: only phrases and hashes.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))
from query_sets import text_hash  # noqa: E402  (the hash bench/eval_search.py's judged@10 reads)

MIN_WORDS = 6
HEAD, WINDOW = 280, 85


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()




def blind_groups(qid: str, rows: list[dict]) -> list[list[dict]]:
    """The pool of one query, twins merged, in a shuffled order fixed by the query id."""
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(norm(row["text"]), []).append(row)
    items = list(groups.values())
    random.Random(qid).shuffle(items)
    return items


def _load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _covers(text: str, stems: set[str]) -> bool:
    """Whether ``text`` holds most (over half) of the query's word stems."""
    words = set(re.findall(r"\w+", text.lower()))
    found = sum(1 for s in stems if any(w.startswith(s) for w in words))
    return bool(stems) and 2 * found > len(stems)


def _excerpt(text: str, stems: set[str], full: bool = False) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= HEAD + 2 * WINDOW + 150 or (full and _covers(text, stems)):
        return text
    shown, spans = text[:HEAD], []
    for m in re.finditer(r"\w+", text.lower()):
        if m.start() >= HEAD and any(m.group().startswith(s) for s in stems):
            if not spans or m.start() > spans[-1][1]:
                spans.append((max(HEAD, m.start() - WINDOW), m.end() + WINDOW))
            if len(spans) >= 2:
                break
    return shown + "".join(f" …{text[a:b]}" for a, b in spans) + f" …[{len(text)}c]"


def show(pool: dict, queries: list[dict], ids: list[str], full: bool = False) -> None:
    by_id = {q["id"]: q for q in queries}
    for qid in ids:
        q = by_id[qid]
        stems = {w[: max(4, len(w) - 2)] for w in re.findall(r"\w+", q["query"].lower()) if len(w) >= 4}
        print(f"\n######## {qid}: {q['query']}  [{q.get('lang')}/{q.get('kind')}]")
        for i, group in enumerate(blind_groups(qid, pool[qid])):
            files = sorted({r["file"] for r in group})
            text = norm(group[0]["text"])
            if any(j["file"] in files and norm(j["phrase"]) in text for j in q["relevant"]):
                print(f"[{i}] JUDGED {files[0]} :: {group[0]['text'][:70]}")
            else:
                print(f"[{i}] {files[0]} §{(group[0].get('section') or '')[:40]} :: {_excerpt(group[0]['text'], stems, full)}")


def file_text(corpus: Path, rel: str) -> str:
    path = corpus / rel
    if path.suffix == ".pdf":
        import pypdfium2

        pdf = pypdfium2.PdfDocument(str(path))
        try:
            return norm(" ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
        finally:
            pdf.close()
    return norm(path.read_text(encoding="utf-8", errors="replace"))


def choose_phrase(text: str, whole_file: str, others: list[str], twins: list[list[str]], stems: set[str]) -> str | None:
    """Words copied from ``text`` that ``whole_file`` contains, no other chunk of its document
    (``others``) contains and at most one chunk of each twin document (``twins``: the same file
    ingested twice, e.g. a seed PDF and its text) contains, preferring a window with a query
    word in it, then the earliest; ``None`` when no window is unique."""
    words = text.split()
    best = None
    for size in (MIN_WORDS, 8, 10, 13):
        for start in range(0, max(len(words) - size + 1, 1)):
            window = words[start : start + size]
            if len(window) < MIN_WORDS or not all(re.search(r"\w", w) for w in window):
                continue
            phrase = " ".join(window)
            key = norm(phrase)
            if key not in whole_file or any(key in o for o in others):
                continue
            if any(sum(key in t for t in twin) > 1 for twin in twins):
                continue
            score = (any(norm(w).startswith(s) for w in window for s in stems), -start)
            if best is None or score > best[0]:
                best = (score, phrase)
        if best is not None:
            return best[1]
    return None


def _group(pool: dict, qid: str, token: str) -> list[dict]:
    """A verdict token: ``7`` is passage 7 of ``qid``'s blind pool; ``h10/18`` is passage 18 of
    ``h10``'s pool, a passage of a judged document that ``qid``'s own pool missed."""
    other, _, idx = token.rpartition("/")
    return blind_groups(other or qid, pool[other or qid])[int(idx)]


def apply(args: argparse.Namespace) -> int:
    from eval_search import judged_files

    from saksfinn.flows.searching import Searcher
    from saksfinn.index.retrieval.search import SearchIndex
    from saksfinn.settings import Settings

    settings = Settings(home=args.home)
    files = judged_files(Searcher(settings).store, args.corpus)
    gen = SearchIndex.open(settings.index_dir).current()
    by_doc: dict[str, list[tuple[str, str]]] = {}  # document_id -> [(chunk_id, normalised text)]
    for c in gen.chunks(list(gen.live_rows())):
        by_doc.setdefault(c.document_id, []).append((c.chunk_id, norm(c.text)))
    doc_of = {cid: d for d, chunks in by_doc.items() for cid, _ in chunks}
    pool = json.loads(args.pool.read_text(encoding="utf-8"))
    queries = _load_jsonl(args.queries)
    verdicts = {}
    for line in args.verdicts.read_text(encoding="utf-8").splitlines():
        if line.strip():
            qid, _, rest = line.partition(":")
            verdicts[qid.strip()] = rest.split()
    texts: dict[str, str] = {}
    added = read = 0
    sidecar = json.loads(args.sidecar.read_text(encoding="utf-8")) if args.sidecar and args.sidecar.exists() else {}
    for q in queries:
        if q["id"] not in verdicts:
            continue
        read += len(blind_groups(q["id"], pool[q["id"]]))
        stems = {w[: max(4, len(w) - 2)] for w in re.findall(r"\w+", q["query"].lower()) if len(w) >= 4}
        chosen = [_group(pool, q["id"], token) for token in verdicts[q["id"]]]
        relevant = {norm(group[0]["text"]) for group in chosen}
        for i, group in zip(verdicts[q["id"]], chosen):
            for rel in sorted({r["file"] for r in group}):
                row = next(r for r in group if r["file"] == rel)
                if rel not in texts:
                    texts[rel] = file_text(args.corpus, rel)
                own = norm(row["text"])
                if any(j["file"] == rel and norm(j["phrase"]) in own for j in q["relevant"]):
                    continue
                doc = doc_of.get(row["chunk_id"])
                # a chunk holding the whole passage (a section chunk around it) answers as well
                others = [t for cid, t in by_doc.get(doc, []) if cid != row["chunk_id"] and own not in t]
                twins = [[t for _, t in chunks if own not in t] for d, chunks in by_doc.items()
                         if d != doc and files.get(d) == rel]
                phrase = choose_phrase(row["text"], texts[rel], others, twins, stems)
                if phrase is None:  # overlapping chunks: let it match passages judged relevant too
                    phrase = choose_phrase(row["text"], texts[rel], [t for t in others if t not in relevant],
                                           [[t for t in twin if t not in relevant] for twin in twins], stems)
                if phrase is None:
                    print(f"{q['id']} [{i}] {rel}: no unique phrase", file=sys.stderr)
                    continue
                q["relevant"].append({"file": rel, "phrase": phrase})
                added += 1
        q["pooled"] = True
        sidecar[q["id"]] = sorted({text_hash(r["text"]) for r in pool[q["id"]]})
    args.queries.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queries), encoding="utf-8")
    if args.sidecar:
        args.sidecar.write_text(json.dumps(sidecar, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(verdicts)} queries judged: {read} pooled passages read, {added} judgements added")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("show")
    s.add_argument("pool", type=Path)
    s.add_argument("queries", type=Path)
    s.add_argument("ids", nargs="+")
    s.add_argument("--full", action="store_true", help="print in full every long passage holding most of the query's words")
    a = sub.add_parser("apply")
    a.add_argument("--home", type=Path, required=True)
    a.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    a.add_argument("--sidecar", type=Path)
    a.add_argument("pool", type=Path)
    a.add_argument("queries", type=Path)
    a.add_argument("verdicts", type=Path)
    args = parser.parse_args()
    if args.cmd == "show":
        show(json.loads(args.pool.read_text(encoding="utf-8")), _load_jsonl(args.queries), args.ids, args.full)
        return 0
    return apply(args)


if __name__ == "__main__":
    sys.exit(main())
