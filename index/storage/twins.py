"""Twins in the store: which live documents are alternate formats of another.

``documents.twin_of`` names the live document a twin is searched as; a document with
``twin_of`` set is live but not searchable (``live.searchable`` leaves it out, so its
chunks, findings and votes are neither indexed nor exported nor counted). The choice is
recomputed from scratch over all live documents after every run (``apply``), so it
holds across runs: a canonical document withdrawn leaves its twin the only one of the
group, and the twin becomes searchable again.

The canonical document takes its twins' municipality, title and date where it has
none (and a twin's title where its own is poor); its chunks carry them too, under new
chunk ids (so the index picks them up).
Detection itself is pure (``extractors/twins.py``); ``flows/twins.py`` joins the two.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select, update

from saksfinn.index.storage import tables as t
from saksfinn.index.storage.live import LIVE
from saksfinn.index.storage.store import Store
from saksfinn.models import Chunk
from saksfinn.models.ids import content_id


def candidates(store: Store) -> list[dict[str, Any]]:
    """Every live document's id, media type, signature (as stored), case number,
    municipality, title, date and twin_of."""
    d = t.documents.c
    query = select(
        d.document_id, d.media_type, d.signature, d.case_number, d.municipality, d.title, d.date, d.twin_of
    ).where(
        d.status.in_(LIVE)
    ).order_by(d.document_id)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]


def page_text(store: Store, document_id: str) -> str:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.pages.c.text).where(t.pages.c.document_id == document_id).order_by(t.pages.c.number)
        )
        return "\n".join(r[0] for r in rows)


def set_signature(store: Store, document_id: str, signature: dict[str, Any]) -> None:
    """Record a document's signature as ``extractors.twins.stored`` gives it (no hash values:
    too short to have twins, not signed again)."""
    with store.engine.begin() as conn:
        conn.execute(update(t.documents).where(t.documents.c.document_id == document_id).values(signature=signature))


def apply(store: Store, twin_of: dict[str, str], merged: dict[str, dict[str, Any]]) -> int:
    """Make ``twin_of`` ({twin: canonical}) the store's, and give each canonical document in
    ``merged`` those metadata fields (on its row, its meta and its chunks). One transaction;
    idempotent. Returns how many documents changed."""
    d = t.documents.c
    changed = 0
    with store.engine.begin() as conn:
        rows = conn.execute(select(d.document_id, d.twin_of).where(d.status.in_(LIVE))).all()
        for document_id, current in rows:
            wanted = twin_of.get(document_id)
            if wanted != current:
                conn.execute(update(t.documents).where(d.document_id == document_id).values(twin_of=wanted))
                changed += 1
        for document_id, fields in merged.items():
            if fields:
                _merge(conn, document_id, fields)
                changed += 1
    return changed


def _merge(conn: Any, document_id: str, fields: dict[str, Any]) -> None:
    d = t.documents.c
    row = conn.execute(select(d.meta, d.municipality, d.title, d.date).where(d.document_id == document_id)).first()
    if row is None:
        return
    before = {"municipality": row[1], "title": row[2], "date": row[3]}
    meta = dict(row[0] or {})
    for key, value in fields.items():
        meta[key] = value.isoformat() if isinstance(value, dt.date) else value
    if "date" in fields and fields["date"] is not None and meta.get("year") is None:
        meta["year"] = fields["date"].year
    conn.execute(update(t.documents).where(d.document_id == document_id).values(meta=meta, **fields))
    records = conn.execute(select(t.chunks.c.chunk_id, t.chunks.c.record).where(t.chunks.c.document_id == document_id)).all()
    for chunk_id, record in records:
        chunk = Chunk.model_validate(record)
        # a chunk carries its document's value: unknown, or the one being replaced (a poor title)
        update_fields = {k: v for k, v in fields.items() if getattr(chunk, k, None) in (None, before.get(k))}
        if "date" in update_fields and chunk.year is None:
            update_fields["year"] = update_fields["date"].year
        if not update_fields:
            continue
        new_id = content_id(chunk_id, "twin", *(f"{k}={v}" for k, v in sorted(update_fields.items())))
        new = chunk.model_copy(update={**update_fields, "chunk_id": new_id})
        conn.execute(
            update(t.chunks).where(t.chunks.c.chunk_id == chunk_id).values(chunk_id=new_id, record=new.model_dump(mode="json"))
        )


def alternates(store: Store, document_id: str) -> list[dict[str, Any]]:
    """The live twins listed as alternate formats of ``document_id``: id, source, media type, title."""
    d = t.documents.c
    query = select(d.document_id, d.source, d.media_type, d.title).where(
        d.twin_of == document_id, d.status.in_(LIVE)
    ).order_by(d.document_id)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(query).mappings()]
