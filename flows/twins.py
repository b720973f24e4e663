"""After every run: find the live documents that are twins and record which one is searched."""

from __future__ import annotations

import logging

from saksfinn.extractors import twins as detect
from saksfinn.index.storage import twins as stored
from saksfinn.index.storage.store import Store

log = logging.getLogger(__name__)


def settle_twins(store: Store) -> dict[str, str]:
    """Sign the live documents not signed yet (or signed by another version), group the
    twins, apply: ``{twin: canonical}``."""
    rows = stored.candidates(store)
    for row in rows:
        values = detect.stored_values(row["signature"])
        if values is None:
            values = detect.signature(stored.page_text(store, row["document_id"])) or []
            stored.set_signature(store, row["document_id"], detect.stored(values))
        row["values"] = values
    twin_of = detect.groups(
        detect.Candidate(r["document_id"], r["media_type"] == "application/pdf", r["values"], r["case_number"])
        for r in rows
    )
    by_id = {r["document_id"]: r for r in rows}
    members: dict[str, list[dict]] = {}
    for twin, canonical in twin_of.items():
        members.setdefault(canonical, []).append(by_id[twin])
    merged = {c: detect.merged_fields(by_id[c], twins) for c, twins in members.items()}
    changed = stored.apply(store, twin_of, merged)
    if changed:
        log.info("twins: %d alternate formats of %d documents", len(twin_of), len(members))
    return twin_of
