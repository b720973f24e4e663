"""The ingestion stages as plain functions over a batch of work items.

Each stage takes the items still alive, calls library code (extractors, index) for
each, and turns any failure into a recorded status on that item — one document's
problem never stops the batch. ``flows/ingest.py`` wraps these as Prefect tasks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from saksfinn.flows.sources import SourceFile
from saksfinn.index.storage.store import Store, now
from saksfinn.models import RETIRED_STATUSES, Change, Chunk, DocStatus, Document, SourceOutcome, sha256_bytes
from saksfinn.models.errors import NeedsOCRError, ReadError, SaksfinnError

log = logging.getLogger(__name__)


@dataclass
class Work:
    """One source on its way through a run (mutable flow state, not a stored record)."""

    file: SourceFile
    document_id: str | None = None
    data: bytes | None = None
    change: Change = Change.NEW
    status: DocStatus | None = None
    reason: str | None = None
    doc: Document | None = None
    findings: list[Any] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    themes: tuple[str, ...] = ()
    seconds: float = 0.0
    done: bool = False  # True once the item needs no further stage
    municipality: str | None = None  # of the stored document, for items not re-read
    reread: bool = False  # a re-derive that reads the bytes again (the reader changed)
    title: str | None = None  # of the stored document, for items not re-read
    previous_document_id: str | None = None  # what a changed source held before
    failing_since: Any = None  # when a source that fails again first failed
    copy_of: Work | None = None  # the item of this run holding the same bytes (see store_items)

    def fail(self, reason: str, status: DocStatus = DocStatus.FAILED) -> None:
        self.status, self.reason, self.done = status, reason, True
        if status == DocStatus.FAILED:
            self.change = Change.FAILED

    def outcome(self) -> SourceOutcome:
        meta = self.doc.meta if self.doc else None
        return SourceOutcome(
            source=self.file.source,
            document_id=self.document_id,
            change=self.change,
            status=self.status,
            reason=self.reason,
            municipality=(meta.municipality if meta else None) or self.municipality
            or source_municipality(self.file.source, self.file.municipality_hint),
            pages=len(self.doc.pages) if self.doc else 0,
            seconds=round(self.seconds, 3),
            title=(meta.title if meta else None) or self.title,
            failing_since=self.failing_since,
            previous_document_id=self.previous_document_id,
        )


def source_municipality(source: str, hint: str | None) -> str | None:
    """The municipality of a source that could not be read: ``--municipality``, else a
    folder of its path named after a municipality (``…/Volda/sak.pdf``)."""
    if hint:
        return hint
    from saksfinn.extractors.metadata import municipality_from_path

    if source.startswith(("http://", "https://")):
        return None
    found = municipality_from_path(source)
    return found.name if found else None


@dataclass(frozen=True)
class Versions:
    reader: str
    findings: str


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, SaksfinnError) else f"{type(exc).__name__}: {text}"


@dataclass
class Batch:
    """A batch of work items and the seconds each stage spent on it."""

    items: list[Work]
    seconds: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, files: list[SourceFile]) -> Batch:
        return cls(items=[Work(file=f) for f in files])

    def run(self, stage: str, fn: Any, *args: Any) -> Batch:
        """Apply one stage function ``fn(items, *args) -> items`` and time it."""
        started = time.perf_counter()
        self.items = fn(self.items, *args)
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started
        return self


def hash_files(items: list[Work]) -> list[Work]:
    """Read each item's file bytes and compute its document id (sha256)."""
    for item in items:
        if item.done:
            continue
        try:
            item.data = _read_bytes(item.file.path)
            item.document_id = sha256_bytes(item.data)
        except OSError as exc:
            item.fail(f"cannot read file: {exc.strerror or exc}")
    return items


def _read_bytes(path: Path, attempts: int = 3) -> bytes:
    """Read a file, retrying transient I/O errors (network mounts) with backoff."""
    for attempt in range(attempts):
        try:
            return path.read_bytes()
        except (FileNotFoundError, PermissionError, IsADirectoryError):
            raise
        except OSError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5 * 2**attempt)
    raise AssertionError("unreachable")


def triage(items: list[Work], store: Store, versions: Versions) -> list[Work]:
    """Decide new / changed / unchanged / duplicate / re-derive / restored / still failing."""
    seen_in_run: dict[str, Work] = {}
    for item in items:
        if item.done or item.document_id is None:
            continue
        prev = store.get_source(item.file.source)
        row = store.document_row(item.document_id)
        first_item = seen_in_run.setdefault(item.document_id, item)
        first_here = first_item.file.source
        if prev and prev["document_id"] and prev["document_id"] != item.document_id:
            item.previous_document_id = prev["document_id"]
        if row is not None and row["status"] in {s.value for s in RETIRED_STATUSES}:
            _mark_restored(item, row, versions)
        elif row is not None and row["source"] != item.file.source and not (prev and prev["document_id"] == item.document_id and prev["status"] != DocStatus.DUPLICATE.value):
            _mark_duplicate(item, row["source"], prev)
        elif row is None and first_here != item.file.source:
            _mark_duplicate(item, first_here, prev)
            item.copy_of = first_item
        elif row is not None:
            _mark_stored(item, row, versions)
        elif prev and prev["document_id"] == item.document_id and prev.get("reason") and prev["status"] == DocStatus.FAILED.value:
            # the same bytes failed before: not read again, but reported as failed in every run
            item.fail(prev["reason"])
            item.failing_since = prev.get("failing_since")
        else:
            item.change = Change.CHANGED if item.previous_document_id else Change.NEW
    return items


def _mark_restored(item: Work, row: dict, versions: Versions) -> None:
    """A withdrawn or superseded version is current again: no re-reading; the lifecycle
    step (``index.lifecycle.settle``) makes it live again after the run's sources are in."""
    _mark_stored(item, row, versions)
    item.status = DocStatus(row["read_status"] or DocStatus.INGESTED.value)
    item.reason = row["reason"]
    if item.done:
        item.change = Change.RESTORED


def _mark_duplicate(item: Work, original: str, prev: dict | None) -> None:
    item.change = Change.UNCHANGED if prev and prev["status"] == DocStatus.DUPLICATE.value else Change.DUPLICATE
    item.status, item.reason, item.done = DocStatus.DUPLICATE, f"same content as {original}", True


def _mark_stored(item: Work, row: dict, versions: Versions) -> None:
    item.status, item.reason, item.municipality = DocStatus(row["status"]), row["reason"], row["municipality"]
    item.title = row["title"]
    read_status = row.get("read_status") or row["status"]
    readable = read_status in (DocStatus.INGESTED.value, DocStatus.PARTIAL.value)
    if readable and row["reader_version"] != versions.reader:
        item.change, item.reread = Change.REDERIVED, True
        return
    if readable and row["findings_version"] != versions.findings:
        item.change = Change.REDERIVED
        return
    item.change, item.done = Change.UNCHANGED, True


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


def extract(items: list[Work], nlp_factory: Callable[[], Any]) -> list[Work]:
    """Findings and themes. The spaCy pipeline is only built when a document needs it."""
    from saksfinn.extractors.findings import extract_findings
    from saksfinn.extractors.themes import document_themes

    pending = _pending(items)
    nlp = nlp_factory() if pending else None
    for item in pending:
        started = time.perf_counter()
        try:
            item.findings = list(extract_findings(item.doc, nlp))
            item.themes = tuple(document_themes(item.doc, item.findings))
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


def store_items(items: list[Work], store: Store, versions: Versions, run_id: str) -> list[Work]:
    """One transaction per document; failures and duplicates are recorded as sources."""
    for item in items:
        if item.copy_of is not None and item.copy_of.status == DocStatus.FAILED:
            # a copy of bytes that could not be read is no duplicate of a document: it fails too
            item.fail(item.copy_of.reason or "could not be read")
        source_values = {
            "document_id": item.document_id,
            "status": (item.status or DocStatus.FAILED).value,
            "reason": item.reason,
            "municipality_hint": item.file.municipality_hint,
            "size": item.file.size,
            "mtime": item.file.mtime,
            "last_run": run_id,
        }
        if item.file.etag or item.file.last_modified:
            source_values.update(etag=item.file.etag, last_modified=item.file.last_modified)
        prev = store.get_source(item.file.source) if item.status == DocStatus.FAILED else None
        if item.document_id is None and prev and prev["document_id"]:
            # the bytes could not be read at all (I/O, permissions): like a server having a
            # bad night, this does not un-ingest the version read before — only reported
            item.failing_since = prev.get("failing_since") or now()
            store.record_source(item.file.source, reason=item.reason, last_run=run_id, failing_since=item.failing_since)
            item.data, item.done = None, True
            continue
        try:
            if item.change == Change.REDERIVED and not item.reread and item.doc is not None:
                store.replace_derived(
                    item.document_id or "", sections=item.doc.sections, findings=item.findings,
                    chunks=item.chunks, findings_version=versions.findings, meta=item.doc.meta, themes=item.themes,
                )
                store.record_source(item.file.source, **source_values)
            elif item.doc is not None and not item.done:
                store.save_document(
                    item.doc, status=item.status or DocStatus.INGESTED, reason=item.reason,
                    findings=item.findings, chunks=item.chunks, reader_version=versions.reader,
                    findings_version=versions.findings, themes=item.themes,
                    source_values=source_values, data=item.data,
                )
            else:
                store.record_source(item.file.source, **source_values)
        except Exception as exc:
            log.exception("storing %s failed", item.file.source)
            item.fail(f"could not store: {one_line(exc)}")
            store.record_source(item.file.source, **{**source_values, "status": "failed", "reason": item.reason})
        if item.status == DocStatus.FAILED:
            item.failing_since = (store.get_source(item.file.source) or {}).get("failing_since")
        item.data = None  # free memory early
        item.done = True
    return items


def record_fetch_failures(failures: list[SourceOutcome], store: Store, run_id: str) -> list[SourceOutcome]:
    """Record sources that could not be fetched. A source ingested before keeps its
    stored status (a server having a bad night does not un-ingest it)."""
    out = []
    for o in failures:
        prev = store.get_source(o.source)
        if prev is None or prev["status"] == DocStatus.FAILED.value:
            store.record_source(o.source, status=DocStatus.FAILED.value, reason=o.reason,
                                municipality_hint=o.municipality, last_run=run_id)
        since = (store.get_source(o.source) or {}).get("failing_since")
        out.append(o.model_copy(update={"failing_since": since}) if since else o)
    return out


def withdraw_missing(
    present: set[str],
    store: Store,
    run_id: str,
    *,
    folders: list[str] = (),  # type: ignore[assignment]
    listings: list[tuple[str | None, str]] = (),  # type: ignore[assignment]
    gone: list[SourceOutcome] = (),  # type: ignore[assignment]
) -> list[SourceOutcome]:
    """Mark withdrawn: sources under ``folders`` (walked completely) that are gone; URL
    sources of a (municipality, host) whose listing no longer links them; ``gone`` URLs
    (404/410). The documents stay in the store; only their source is marked."""
    outcomes = list(gone)
    prefixes = [p.rstrip("/") + "/" for p in folders]
    scopes = set(listings)
    for row in store.sources():
        src = row["source"]
        if src in present or row["status"] == DocStatus.WITHDRAWN.value:
            continue
        in_folder = any(src.startswith(p) for p in prefixes)
        in_listing = src.startswith(("http://", "https://")) and (row["municipality_hint"], urlsplit(src).netloc) in scopes
        if in_folder or in_listing:
            doc = store.document_row(row["document_id"]) if row["document_id"] else None
            outcomes.append(
                SourceOutcome(source=src, document_id=row["document_id"], change=Change.WITHDRAWN,
                              status=DocStatus.WITHDRAWN, reason="removed at the source",
                              municipality=(doc or {}).get("municipality")
                              or source_municipality(src, row["municipality_hint"]),
                              title=(doc or {}).get("title"))
            )
    for o in outcomes:
        store.record_source(o.source, status=DocStatus.WITHDRAWN.value, reason=o.reason, last_run=run_id)
    return outcomes


def _pending(items: list[Work], skip_rederive: bool = False) -> list[Work]:
    out = []
    for item in items:
        if item.done:
            continue
        if skip_rederive and item.change == Change.REDERIVED and not item.reread:
            continue
        if not skip_rederive and item.doc is None:
            continue
        out.append(item)
    return out
