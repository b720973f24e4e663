"""Storing a batch, recording fetch failures, withdrawing sources that are gone."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from saksfinn.flows.stages.work import Versions, Work, one_line, source_municipality
from saksfinn.index.storage.store import Store, now
from saksfinn.models import Change, DocStatus, SourceOutcome

log = logging.getLogger(__name__)


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
                    votes=item.votes,
                )
                store.record_source(item.file.source, **source_values)
            elif item.doc is not None and not item.done:
                store.save_document(
                    item.doc, status=item.status or DocStatus.INGESTED, reason=item.reason,
                    findings=item.findings, chunks=item.chunks, reader_version=versions.reader,
                    findings_version=versions.findings, themes=item.themes,
                    source_values=source_values, data=item.data, votes=item.votes,
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
