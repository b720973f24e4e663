"""Metadata against a reference: one document read and analysed as ingestion does it, and the
rule by which a title agrees with a reference title. Shared by ``eval/metadata_coverage.py``
(gold of ../shared/corpus) and ``tests/test_metadata.py`` (Steinkjer MANIFEST agreement), so the
report and the test measure the same thing.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from saksfinn.extractors.analyse import analyse_document
from saksfinn.extractors.read import read_document
from saksfinn.models import DocumentMeta

MANIFEST = Path("steinkjer") / "MANIFEST.tsv"
"""The Steinkjer documents' reference rows (file, municipality, document_type, title, date, …),
relative to the corpus folder."""


def manifest_rows(corpus: Path) -> list[dict[str, str]]:
    """The rows of ``steinkjer/MANIFEST.tsv`` under ``corpus``, in file order."""
    with open(corpus / MANIFEST, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def analysed_meta(data: bytes, path: Path, *, document_id: str, with_path: bool = False) -> DocumentMeta:
    """The metadata ingestion finds in ``data`` (read without OCR): from the text alone, or with
    ``path`` as the folder hint when ``with_path``."""
    doc = read_document(data, source=path.name, document_id=document_id, ocr="off")
    return analyse_document(doc, path=str(path) if with_path else None).meta


def _norm(t: str) -> str:
    return re.sub(r"[\s\-–—:,.()]+", " ", t.casefold()).strip()


def title_agrees(ours: str | None, theirs: str | None) -> bool:
    """Same title up to case and punctuation, a prefix of it, or ≥ 60 % shared words; no
    reference title: agrees when we have none either."""
    if not theirs:
        return ours is None
    a, b = _norm(ours or ""), _norm(theirs)
    if not a:
        return False
    if a == b or b.startswith(a) or a.startswith(b):
        return True
    ta, tb = set(a.split()), set(b.split())
    return len(ta & tb) / len(ta | tb) >= 0.6
