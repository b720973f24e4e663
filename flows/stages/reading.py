"""Reading and analysis: text from files, sections and metadata, findings, chunks; failures become statuses."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from collections.abc import Callable
from typing import Any

from saksfinn.flows.stages.work import Work, _pending, one_line
from saksfinn.index.storage.store import Store
from saksfinn.models import Change, DocStatus
from saksfinn.models.errors import NeedsOCRError, ReadError

log = logging.getLogger(__name__)


def read(items: list[Work], *, ocr: str, ocr_languages: str, max_pages: int) -> list[Work]:
    """Bytes → Document with pages (new and changed items only)."""
    from saksfinn.extractors.read import read_document

    for item in _pending(items, skip_rederive=True):
        started = time.perf_counter()
        try:
            item.doc = read_document(
                item.data or b"", source=item.file.source, document_id=item.document_id or "",
                ocr=ocr, ocr_languages=ocr_languages, max_pages=max_pages,
            )
            _status_after_read(item)
        except NeedsOCRError as exc:
            item.fail(one_line(exc), DocStatus.NEEDS_OCR)
        except ReadError as exc:
            item.fail(one_line(exc))
        except Exception as exc:  # a reader bug must not stop the run; keep the trace in the log
            log.exception("reading %s failed", item.file.source)
            item.fail(f"could not read: {one_line(exc)}")
        item.seconds += time.perf_counter() - started
    return items


def _status_after_read(item: Work) -> None:
    doc = item.doc
    assert doc is not None
    missing = doc.needs_ocr_pages
    if missing and len(missing) == len(doc.pages):
        item.status, item.reason = DocStatus.NEEDS_OCR, "no text layer and OCR is unavailable (install tesseract-ocr-nor)"
    elif missing:
        pages = ", ".join(str(p) for p in missing[:10])
        item.status, item.reason = DocStatus.PARTIAL, f"pages {pages} have no text layer and were not OCR'd"
    elif not doc.text.strip():
        item.status, item.reason = DocStatus.PARTIAL, "no text found in the document"
    else:
        item.status, item.reason = DocStatus.INGESTED, None
    if doc.warnings and item.status == DocStatus.INGESTED:
        item.reason = "; ".join(doc.warnings)[:300]


def load_stored(items: list[Work], store: Store) -> list[Work]:
    """For items to re-derive: the stored Document instead of re-reading the file."""
    for item in items:
        if not item.done and item.change == Change.REDERIVED and not item.reread and item.document_id:
            item.doc = store.load_document(item.document_id)
    return items


def analyse(items: list[Work]) -> list[Work]:
    """Sections and metadata."""
    from saksfinn.extractors.analyse import analyse_document

    for item in _pending(items):
        started = time.perf_counter()
        try:
            item.doc = analyse_document(item.doc, municipality=item.file.municipality_hint, path=item.file.source)
        except Exception as exc:
            log.exception("analysing %s failed", item.file.source)
            item.status, item.reason = DocStatus.PARTIAL, f"sectioning failed: {one_line(exc)}"
        item.seconds += time.perf_counter() - started
    return items


@dataclass(frozen=True)
class ProseOptions:
    """How the prose model runs: ``Settings.prose_precision`` / ``prose_features``, and for
    e5 / pooled features the sentence embedder (texts → vectors; for pooled only the units
    the embed stage left without a vector); for ``reader`` also the fine-tuned reader."""

    precision: float = 0.85
    features: str = "tfidf"
    embed: Callable[[list[str]], Any] | None = None
    read: Callable[[list[str]], Any] | None = None


def extract(items: list[Work], nlp_factory: Callable[[], Any], prose: ProseOptions = ProseOptions()) -> list[Work]:
    """Findings and themes. The spaCy pipeline is only built when a document needs it."""
    from saksfinn.extractors.findings import extract_findings
    from saksfinn.extractors.themes import document_themes
    from saksfinn.extractors.voterings import extract_votes, link_decisions

    pending = _pending(items)
    nlp = nlp_factory() if pending else None
    for item in pending:
        started = time.perf_counter()
        try:
            item.findings = list(extract_findings(item.doc, nlp, precision=prose.precision, features=prose.features,
                                                  embed=prose.embed, unit_vectors=item.unit_vectors,
                                                  read=prose.read))
            item.themes = tuple(document_themes(item.doc, item.findings))
            item.votes = link_decisions(item.doc, extract_votes(item.doc, nlp), item.findings)
        except Exception as exc:
            log.exception("extracting findings from %s failed", item.file.source)
            item.status, item.reason = DocStatus.PARTIAL, f"finding extraction failed: {one_line(exc)}"
        item.seconds += time.perf_counter() - started
    return items


def chunk(items: list[Work]) -> list[Work]:
    from saksfinn.extractors.themes import passage_themes
    from saksfinn.index.retrieval.chunking import chunk_document

    for item in _pending(items):
        try:
            item.chunks = chunk_document(item.doc, item.findings, source=item.file.source, themes_of=passage_themes)
        except Exception as exc:
            log.exception("chunking %s failed", item.file.source)
            item.status, item.reason = DocStatus.PARTIAL, f"chunking failed: {one_line(exc)}"
    return items
