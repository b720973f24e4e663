"""Near-duplicate documents ("twins"): the same case as PDF and as text, or re-published
with small changes. Pure: texts in, signatures and groups out (persistence is in
``index/storage/twins.py``).

A document's signature is a MinHash over its word 5-shingles (lower-cased words of
letters and digits, so line breaks, hyphenation and page furniture barely matter).
Roll-call name lists ("Gunnar Thorsen (AP), Hilde Grevskott (AP), …") are left out
first: every protocol of one council repeats the same 38 names, and two short protocols
would otherwise look alike. Candidate pairs come from LSH banding and are kept when the
estimated Jaccard similarity of their shingle sets is at least ``THRESHOLD`` and their
archive case numbers, when both have one, agree (two cases are never one document).
Measured on ../shared/corpus (see docs/operations.md): the five seed PDF / text copies
score 0.98–1.00, the real PDFs against their raw text layer 0.88–1.00; the most similar
different cases score 0.57 (two "Rapporteringsskjema" forms), so ``THRESHOLD`` 0.75
leaves a margin of 0.18 (the estimate's noise at 128 permutations is ~0.04); replacing
5 % of a document's words in one place keeps it a twin in 104 of 111 documents, 10 % in
88 (0.8 would keep 98 and 56). ``eval/twins_threshold.py`` prints these figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NUM_PERM = 128
SHINGLE = 5
THRESHOLD = 0.75
LSH_THRESHOLD = 0.5  # candidates from banding are checked against THRESHOLD: banding at it misses pairs just above it
MIN_SHINGLES = 20  # a document shorter than this (a cover page, a failed read) has no twin
SEED = 1
SCHEME = "affine32"  # datasketch 2 default; stored signatures must be read with the same
VERSION = "twins@2"  # bump when shingling or hashing changes: stored signatures are then made again

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# one voter of a roll call: up to five capitalised name words, then the party in brackets
_VOTER = re.compile(
    r"[A-ZÆØÅ][\w.'-]*(?:\s+[A-ZÆØÅ][\w.'-]*){0,4}\s*\((?:[A-ZÆØÅ][A-ZÆØÅa-zæøå]{0,9})\)[,.]?"
)


def content_text(text: str) -> str:
    """``text`` without roll-call name lists (what says which case it is stays)."""
    return _VOTER.sub(" ", text)


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """The set of ``size``-word shingles of ``text``'s lower-cased words (name lists left out)."""
    words = _WORD.findall(content_text(text).lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def signature(text: str) -> list[int] | None:
    """The MinHash hash values of ``text`` (``NUM_PERM`` ints); ``None`` when it is too short."""
    from datasketch import MinHash

    grams = shingles(text)
    if len(grams) < MIN_SHINGLES:
        return None
    mh = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
    mh.update_batch([g.encode("utf-8") for g in grams])
    return [int(v) for v in mh.hashvalues]


def stored(values: Sequence[int] | None) -> dict | None:
    """A signature as stored (``documents.signature``): versioned, ``[]`` when too short."""
    return {"version": VERSION, "values": list(values or [])}


def stored_values(record: object) -> list[int] | None:
    """The hash values of a stored signature; ``None`` when absent or of another version
    (the document is then signed again)."""
    if isinstance(record, dict) and record.get("version") == VERSION:
        return list(record.get("values") or [])
    return None


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures."""
    if len(a) != len(b) or not a:
        return 0.0
    return sum(1 for x, y in zip(a, b) if x == y) / len(a)


@dataclass(frozen=True)
class Candidate:
    """A document that may have twins: its id, whether it is a PDF, its signature and its
    archive case number (``None``: unknown)."""

    document_id: str
    is_pdf: bool
    signature: Sequence[int]
    case_number: str | None = None


def are_twins(a: Candidate, b: Candidate, threshold: float = THRESHOLD) -> bool:
    """Whether ``a`` and ``b`` are the same document: similar enough, and not two cases."""
    if a.case_number and b.case_number and _case_key(a.case_number) != _case_key(b.case_number):
        return False
    return bool(a.signature) and similarity(a.signature, b.signature) >= threshold


def _case_key(case_number: str) -> str:
    """The case of an archive number: '2025/9205-3' and '2025/9205' are one case."""
    return case_number.split("-")[0].strip().lower() if re.match(r"^\d", case_number) else case_number.strip().lower()


def _minhash(values: Sequence[int]):  # noqa: ANN202 - datasketch's type
    import numpy as np
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashvalues=np.array(values, dtype=np.uint64))


def pairs(candidates: Iterable[Candidate], threshold: float = THRESHOLD) -> list[tuple[str, str, float]]:
    """Twin pairs ``(a, b, similarity)`` with ``a < b``, sorted."""
    from datasketch import MinHashLSH

    cands = sorted({c.document_id: c for c in candidates if c.signature}.values(), key=lambda c: c.document_id)
    if len(cands) < 2:
        return []
    lsh = MinHashLSH(threshold=min(LSH_THRESHOLD, threshold), num_perm=NUM_PERM)
    for c in cands:
        lsh.insert(c.document_id, _minhash(c.signature))
    by_id = {c.document_id: c for c in cands}
    found: dict[tuple[str, str], float] = {}
    for c in cands:
        mh = _minhash(c.signature)
        for other in lsh.query(mh):
            if other == c.document_id:
                continue
            key = (min(other, c.document_id), max(other, c.document_id))
            if key not in found and are_twins(c, by_id[other], threshold):
                found[key] = similarity(c.signature, by_id[other].signature)
    return sorted((a, b, s) for (a, b), s in found.items())


def groups(candidates: Iterable[Candidate], threshold: float = THRESHOLD) -> dict[str, str]:
    """``{twin id: canonical id}`` for every document that is another's twin.

    Twins group transitively (union-find over the pairs). The canonical document of a
    group is deterministic: a PDF before a text (its pages are citable), then the
    smallest content-hash id."""
    cands = {c.document_id: c for c in candidates}
    parent = {k: k for k in cands}

    def root(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a, b, _ in pairs(cands.values(), threshold):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = {}
    for k in cands:
        members.setdefault(root(k), []).append(k)
    out: dict[str, str] = {}
    for group in members.values():
        if len(group) < 2:
            continue
        canonical = min(group, key=lambda k: (not cands[k].is_pdf, k))
        out.update({k: canonical for k in group if k != canonical})
    return out


def merged_fields(canonical: dict, twins: Sequence[dict], fields: Sequence[str] = ("municipality", "title", "date")) -> dict:
    """The canonical document's ``fields`` with each unknown one taken from its twins
    (in id order), and a poor title (``extractors.titles.is_poor_title``: "7. Vedlegg 1. …",
    a coordinate list) replaced by a twin's good one: the pair's best metadata. Only the
    fields that change are returned."""
    from saksfinn.extractors.titles import is_poor_title

    def usable(field: str, value: object) -> bool:
        return value is not None and not (field == "title" and is_poor_title(str(value)))

    out: dict = {}
    for field in fields:
        if usable(field, canonical.get(field)):
            continue
        for twin in sorted(twins, key=lambda r: r["document_id"]):
            if usable(field, twin.get(field)):
                out[field] = twin[field]
                break
    return out
