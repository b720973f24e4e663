"""Hashing and triage: which sources are new, changed, unchanged, restored or duplicates."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from saksfinn.flows.stages.work import Versions, Work
from saksfinn.index.storage.store import Store
from saksfinn.models import RETIRED_STATUSES, Change, DocStatus, sha256_bytes

log = logging.getLogger(__name__)


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
