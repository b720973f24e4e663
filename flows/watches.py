"""Saved searches ("watches"): after each run, the new documents that match.

Contract:

* a watch is a query plus filters (municipality, type); its id comes from both, so
  saving the same search twice gives the same id;
* after a run, each watch is searched with the same :class:`Searcher` advisers use;
  a document *matches* when one of its chunks is among the first ``WATCH_TOP`` hits
  and contains a query term (BM25 score > 0) — so a semantic near-miss in a small
  corpus is not an alert;
* only documents stored since the last completed run (and since the watch was saved)
  are candidates, so documents stored by a run that was killed are checked by the
  next one;
* each (watch, document) is reported once: the ``watch_hits`` primary key stops
  repeats across runs, and ``SAKSFINN_HOME/watches/<watch_id>.jsonl`` gets one line
  per match for a mail / Teams hook to send (lines are written for rows not yet
  marked notified, skipping ones already in the file, so a crash between the two
  neither loses nor repeats a line).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update

from saksfinn.index.storage import tables as t
from saksfinn.index.storage.store import LIVE, OSLO, Store
from saksfinn.models import Hit, content_id
from saksfinn.models.errors import StoreError
from saksfinn.settings import Settings

log = logging.getLogger(__name__)
WATCH_TOP = 20
SearchFn = Callable[..., list[Hit]]  # (query, top=, **filters) -> hits


def add_watch(store: Store, query: str, *, municipality: str | None = None, type: str | None = None) -> str:
    """Save a search; returns its id (the same id when it is already saved)."""
    query = " ".join(query.split())
    if not query:
        raise StoreError("et lagret søk trenger en søketekst")
    filters = {k: v for k, v in (("municipality", municipality), ("type", type)) if v}
    watch_id = "w" + content_id(query.lower(), json.dumps(filters, sort_keys=True))[:10]
    with store.engine.begin() as conn:
        if conn.execute(select(t.watches.c.watch_id).where(t.watches.c.watch_id == watch_id)).first() is None:
            conn.execute(insert(t.watches).values(watch_id=watch_id, query=query, filters=filters, created=_now()))
    return watch_id


def list_watches(store: Store) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.watches).order_by(t.watches.c.created)).mappings()
        return [dict(r) for r in rows]


def get_watch(store: Store, watch_id: str) -> dict[str, Any] | None:
    """The saved search with this id, or None."""
    with store.engine.connect() as conn:
        row = conn.execute(select(t.watches).where(t.watches.c.watch_id == watch_id)).mappings().first()
    return dict(row) if row else None


def watch_matches(store: Store, watch_id: str, *, limit: int = 50) -> list[dict[str, Any]]:
    """The documents this saved search has matched, newest first (by when they were stored):
    the fields of a per-watch JSON line plus ``found`` (the document's ``ingested_at``, aware)
    and ``doc_type``. Documents no longer in the store are left out."""
    with store.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(
            select(t.watch_hits, t.watches.c.query, t.documents.c.ingested_at, t.documents.c.doc_type)
            .join(t.watches, t.watches.c.watch_id == t.watch_hits.c.watch_id)
            .join(t.documents, t.documents.c.document_id == t.watch_hits.c.document_id)
            .where(t.watch_hits.c.watch_id == watch_id)
        ).mappings()]
    rows.sort(key=lambda r: (_aware(r["ingested_at"]) or dt.datetime.min.replace(tzinfo=OSLO), r["document_id"]),
              reverse=True)
    return [{**_line(store, r), "found": _aware(r["ingested_at"]) or _aware(r["notified_at"]), "doc_type": r["doc_type"]}
            for r in rows[:limit]]


def match_counts(store: Store) -> dict[str, int]:
    """Watch id → how many documents it has matched so far."""
    from sqlalchemy import func

    with store.engine.connect() as conn:
        rows = conn.execute(select(t.watch_hits.c.watch_id, func.count()).group_by(t.watch_hits.c.watch_id))
        return {wid: n for wid, n in rows}


def watch_label(watch: dict[str, Any]) -> str:
    """«query» and its filters, as a person recognises the saved search."""
    filters = watch.get("filters") or {}
    extra = ", ".join(f"{FILTER_WORDS.get(k, k)} {v}" for k, v in sorted(filters.items()) if v)
    return f"«{watch['query']}»" + (f" ({extra})" if extra else "")


FILTER_WORDS = {"municipality": "kommune", "type": "type"}


def watch_labels(store: Store, watch_ids: Any) -> dict[str, str]:
    """Watch id → :func:`watch_label` for the given ids (those still saved)."""
    wanted = set(watch_ids)
    return {w["watch_id"]: watch_label(w) for w in list_watches(store) if w["watch_id"] in wanted}


def remove_watch(store: Store, watch_id: str) -> None:
    """Delete a saved search and its match history; StoreError if there is none."""
    with store.engine.begin() as conn:
        gone = conn.execute(delete(t.watches).where(t.watches.c.watch_id == watch_id)).rowcount
        conn.execute(delete(t.watch_hits).where(t.watch_hits.c.watch_id == watch_id))
    if not gone:
        raise StoreError(f"fant ikke noe lagret søk «{watch_id}» — se `saksfinn watch list`")


def notify_watches(store: Store, settings: Settings, run_id: str) -> dict[str, list[str]]:
    """Match every watch against the newly stored documents; write the per-watch files.
    Returns watch id → new matching document ids (for the run report)."""
    watches = list_watches(store)
    if not watches:
        return {}
    from saksfinn.flows.searching import Searcher

    searcher = Searcher(settings, store)
    matches = match_watches(store, searcher.search, run_id, watches=watches)
    write_watch_files(store, settings.home / "watches")
    return matches


def match_watches(
    store: Store, search: SearchFn, run_id: str, *, watches: list[dict[str, Any]] | None = None
) -> dict[str, list[str]]:
    """Record new (watch, document) matches in ``watch_hits``; return them per watch."""
    since_run = _last_run_finished(store)
    out: dict[str, list[str]] = {}
    for watch in watches if watches is not None else list_watches(store):
        since = max(x for x in (since_run, _aware(watch["created"])) if x is not None)
        candidates = _stored_since(store, since)
        if not candidates:
            continue
        hits = search(watch["query"], top=WATCH_TOP, **(watch["filters"] or {}))
        best: dict[str, Hit] = {}
        for hit in hits:
            if hit.document_id in candidates and hit.scores.get("bm25", 0.0) > 0:
                best.setdefault(hit.document_id, hit)
        new = _insert_new(store, watch["watch_id"], best, run_id)
        if new:
            out[watch["watch_id"]] = new
    return out


def write_watch_files(store: Store, folder: Path) -> int:
    """Append one JSON line per match not yet notified; mark them notified. Returns lines written."""
    with store.engine.connect() as conn:
        pending = [dict(r) for r in conn.execute(
            select(t.watch_hits, t.watches.c.query)
            .join(t.watches, t.watches.c.watch_id == t.watch_hits.c.watch_id)
            .where(t.watch_hits.c.notified_at.is_(None))
            .order_by(t.watch_hits.c.watch_id, t.watch_hits.c.document_id)
        ).mappings()]
    written = 0
    for row in pending:
        path = folder / f"{row['watch_id']}.jsonl"
        if row["document_id"] not in _documents_in(path):
            folder.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(_line(store, row), ensure_ascii=False, default=str) + "\n")
            written += 1
        with store.engine.begin() as conn:
            conn.execute(
                update(t.watch_hits)
                .where(t.watch_hits.c.watch_id == row["watch_id"], t.watch_hits.c.document_id == row["document_id"])
                .values(notified_at=_now())
            )
    return written


def _line(store: Store, row: dict[str, Any]) -> dict[str, Any]:
    doc = store.document_row(row["document_id"]) or {}
    chunk: dict[str, Any] = {}
    if row["chunk_id"]:
        with store.engine.connect() as conn:
            rec = conn.execute(select(t.chunks.c.record).where(t.chunks.c.chunk_id == row["chunk_id"])).first()
        chunk = rec[0] if rec else {}
    text = " ".join(str(chunk.get("text", "")).split())
    return {
        "watch_id": row["watch_id"],
        "query": row["query"],
        "document_id": row["document_id"],
        "run_id": row["run_id"],
        "title": doc.get("title"),
        "municipality": doc.get("municipality"),
        "date": doc.get("date"),
        "source": doc.get("source"),
        "page": chunk.get("page"),
        "text": text[:400],
    }


def _documents_in(path: Path) -> set[str]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return set()
    out = set()
    for line in lines:
        try:
            out.add(json.loads(line)["document_id"])
        except (ValueError, KeyError, TypeError):
            log.warning("skipping a damaged line in %s", path)
    return out


def _insert_new(store: Store, watch_id: str, best: dict[str, Hit], run_id: str) -> list[str]:
    new = []
    with store.engine.begin() as conn:
        known = {r[0] for r in conn.execute(select(t.watch_hits.c.document_id).where(t.watch_hits.c.watch_id == watch_id))}
        for document_id, hit in best.items():
            if document_id in known:
                continue
            conn.execute(insert(t.watch_hits).values(
                watch_id=watch_id, document_id=document_id, run_id=run_id, chunk_id=hit.chunk_id, notified_at=None
            ))
            new.append(document_id)
    return new


def _stored_since(store: Store, since: dt.datetime) -> set[str]:
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(t.documents.c.document_id, t.documents.c.ingested_at).where(t.documents.c.status.in_(LIVE))
        )
        return {doc_id for doc_id, at in rows if at is not None and _aware(at) >= since}


def _last_run_finished(store: Store) -> dt.datetime | None:
    runs = store.runs(limit=1)
    return _aware(runs[0].finished) if runs and runs[0].finished else None


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=OSLO)


def _now() -> dt.datetime:
    return dt.datetime.now(OSLO)
