"""Near-duplicate documents ("twins"): the same case as PDF and as text, or re-published
with small changes. Pure: texts in, signatures and groups out (persistence is in
``index/storage/twins.py``).

A document's signature is a MinHash over its word 5-shingles (lower-cased words of
letters and digits, so line breaks, hyphenation and page furniture barely matter);
candidate pairs come from LSH banding and are kept when the estimated Jaccard
similarity of their shingle sets is at least ``THRESHOLD``. Measured on
../shared/corpus (see docs/operations.md): the five seed PDF / text copies score
0.98–1.00; the most similar different cases (two Steinkjer protocols sharing the
38-name vote list) score 0.61, so the threshold sits in the gap.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

NUM_PERM = 128
SHINGLE = 5
THRESHOLD = 0.8
LSH_THRESHOLD = 0.5  # candidates from banding are checked against THRESHOLD: banding at 0.8 misses pairs just above it
MIN_SHINGLES = 20  # a document shorter than this (a cover page, a failed read) has no twin
SEED = 1
SCHEME = "affine32"  # datasketch 2 default; stored signatures must be read with the same

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """The set of ``size``-word shingles of ``text``'s lower-cased words."""
    words = _WORD.findall(text.lower())
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


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two signatures."""
    if len(a) != len(b) or not a:
        return 0.0
    return sum(1 for x, y in zip(a, b) if x == y) / len(a)


@dataclass(frozen=True)
class Candidate:
    """A document that may have twins: its id, whether it is a PDF, its signature."""

    document_id: str
    is_pdf: bool
    signature: Sequence[int]


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
            if key not in found:
                score = similarity(c.signature, by_id[other].signature)
                if score >= threshold:
                    found[key] = score
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
    (in id order): the pair's best metadata. Only the fields that change are returned."""
    out: dict = {}
    for field in fields:
        if canonical.get(field) is not None:
            continue
        for twin in sorted(twins, key=lambda r: r["document_id"]):
            if twin.get(field) is not None:
                out[field] = twin[field]
                break
    return out
