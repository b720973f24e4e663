"""One current version per source: which stored documents are live after a run.

The ``sources`` table says what every source holds now (its ``document_id`` and
status); ``settle`` derives from it, for every stored document:

* a document held by at least one present source (status not ``withdrawn`` or
  ``failed``) is **live** with the status it was read with; its ``source`` is one of
  those holders — when the source it was read from has gone, a remaining copy (until
  now a ``duplicate``) is promoted, and the other holders are its duplicates;
* a live document held by no source leaves: ``superseded`` (with ``superseded_by``)
  when the source it came from now holds another version, else ``withdrawn``; the
  record, pages and findings stay for history, ``retired_at`` says when;
* a retired document held again (a restored file, a change undone) is live again,
  without reading it again.

``plan`` is pure (rows in, updates out) so the rules are tested directly; ``settle``
applies a plan in one transaction and is idempotent, so a run killed before it is put
right by the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update

from saksfinn.index.storage import tables as t
from saksfinn.index.storage.store import Store, now
from saksfinn.models import LIVE_STATUSES, DocStatus

_LIVE = {s.value for s in LIVE_STATUSES}
_NOT_HOLDING = {DocStatus.WITHDRAWN.value, DocStatus.FAILED.value}


@dataclass(frozen=True)
class Transition:
    """One document whose lifecycle state changes."""

    document_id: str
    before: str
    after: str
    source: str  # the document's (new) primary source
    superseded_by: str | None = None
    promoted: bool = False  # a former duplicate became the document's source


@dataclass(frozen=True)
class SourceFix:
    source: str
    status: str
    reason: str | None


@dataclass(frozen=True)
class Plan:
    transitions: tuple[Transition, ...]
    source_fixes: tuple[SourceFix, ...]


def plan(documents: list[dict[str, Any]], sources: list[dict[str, Any]]) -> Plan:
    """The changes that make ``documents`` agree with what ``sources`` hold now."""
    by_source = {s["source"]: s for s in sources}
    holders: dict[str, list[dict[str, Any]]] = {}
    for s in sorted(sources, key=lambda s: s["source"]):
        if s["document_id"] and s["status"] not in _NOT_HOLDING:
            holders.setdefault(s["document_id"], []).append(s)
    transitions: list[Transition] = []
    fixes: list[SourceFix] = []
    for doc in documents:
        held = holders.get(doc["document_id"], [])
        read_status = doc.get("read_status") or (doc["status"] if doc["status"] in _LIVE else None)
        if held and read_status:
            primary = _primary(doc, held)
            if doc["status"] != read_status or primary["source"] != doc["source"]:
                transitions.append(
                    Transition(doc["document_id"], doc["status"], read_status, primary["source"],
                               promoted=primary["source"] != doc["source"])
                )
            if primary["status"] != read_status:
                fixes.append(SourceFix(primary["source"], read_status, doc.get("reason")))
            for other in held:
                if other is not primary and other["status"] != DocStatus.DUPLICATE.value:
                    fixes.append(SourceFix(other["source"], DocStatus.DUPLICATE.value, f"same content as {primary['source']}"))
        elif doc["status"] in _LIVE:
            origin = by_source.get(doc["source"])
            successor = origin["document_id"] if origin and origin["status"] != DocStatus.WITHDRAWN.value else None
            if successor and successor != doc["document_id"]:
                transitions.append(
                    Transition(doc["document_id"], doc["status"], DocStatus.SUPERSEDED.value, doc["source"], successor)
                )
            else:
                transitions.append(Transition(doc["document_id"], doc["status"], DocStatus.WITHDRAWN.value, doc["source"]))
    return Plan(tuple(transitions), tuple(fixes))


def _primary(doc: dict[str, Any], held: list[dict[str, Any]]) -> dict[str, Any]:
    """The holder that stays (or becomes) the document's source: the one it has, else
    a holder that was read as this document, else the first by name."""
    for s in held:
        if s["source"] == doc["source"]:
            return s
    for s in held:
        if s["status"] != DocStatus.DUPLICATE.value:
            return s
    return held[0]


def settle(store: Store) -> Plan:
    """Compute and apply the plan for the whole store, in one transaction."""
    d, s = t.documents.c, t.sources.c
    with store.engine.begin() as conn:
        documents = [dict(r) for r in conn.execute(
            select(d.document_id, d.source, d.status, d.read_status, d.reason)
        ).mappings()]
        sources = [dict(r) for r in conn.execute(select(s.source, s.document_id, s.status)).mappings()]
        result = plan(documents, sources)
        stamp = now()
        for tr in result.transitions:
            values: dict[str, Any] = {"status": tr.after, "source": tr.source}
            if tr.after in _LIVE:
                values.update(superseded_by=None, retired_at=None)
            else:
                values.update(superseded_by=tr.superseded_by, retired_at=stamp)
            conn.execute(update(t.documents).where(d.document_id == tr.document_id).values(**values))
        for fix in result.source_fixes:
            conn.execute(update(t.sources).where(s.source == fix.source).values(status=fix.status, reason=fix.reason))
    return result


def history(store: Store, document_id: str) -> list[dict[str, Any]]:
    """The versions linked to ``document_id`` by ``superseded_by``, oldest first: the
    case's history as the document page shows it."""
    d = t.documents.c
    with store.engine.connect() as conn:
        rows = {r["document_id"]: dict(r) for r in conn.execute(
            select(d.document_id, d.source, d.status, d.superseded_by, d.retired_at, d.ingested_at, d.title)
        ).mappings()}
    chain = [document_id] if document_id in rows else []
    previous = {r["superseded_by"]: k for k, r in rows.items() if r["superseded_by"]}
    while chain and chain[0] in previous and previous[chain[0]] not in chain:
        chain.insert(0, previous[chain[0]])
    while chain and rows.get(chain[-1], {}).get("superseded_by") in rows and rows[chain[-1]]["superseded_by"] not in chain:
        chain.append(rows[chain[-1]]["superseded_by"])
    return [rows[k] for k in chain] if len(chain) > 1 else []
