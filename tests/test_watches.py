"""Saved searches: new matching documents once per watch, in the DB and the per-watch file."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from saksfinn.flows.watches import add_watch, list_watches, match_watches, remove_watch, write_watch_files
from saksfinn.index.storage.store import OSLO, Store
from saksfinn.models import DocStatus, Hit, IngestRun
from saksfinn.models.errors import StoreError
from tests.factories import make_chunks, make_document, make_findings


@pytest.fixture()
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'db.sqlite'}")


def _save(store: Store, source: str, municipality: str = "Levanger") -> str:
    doc = make_document(municipality=municipality, source=source)
    store.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=make_findings(doc),
                        chunks=make_chunks(doc), reader_version="r", findings_version="f")
    return doc.document_id


def _finish_run(store: Store, run_id: str) -> None:
    now = dt.datetime.now(OSLO)
    store.save_run(IngestRun(run_id=run_id, started=now, finished=now))


class FakeSearch:
    """Answers every query with the given documents, first chunk each; records calls."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.ranked: list[tuple[str, float]] = []  # (document id, bm25 score)
        self.calls: list[tuple[str, dict]] = []

    def __call__(self, query: str, *, top: int, **filters) -> list[Hit]:
        self.calls.append((query, filters))
        hits = []
        for rank, (doc_id, bm25) in enumerate(self.ranked[:top], 1):
            chunk = next(c for c in self.store.iter_chunks() if c.document_id == doc_id)
            hits.append(Hit(rank=rank, score=1 / rank, text=chunk.text, document_id=doc_id, page=chunk.page,
                            type="passage", chunk_id=chunk.chunk_id, scores={"bm25": bm25, "dense": 0.5}))
        return hits


def _lines(home, watch_id):
    path = home / "watches" / f"{watch_id}.jsonl"
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def test_add_list_remove(store):
    wid = add_watch(store, "  heltidskultur   erfaringer ", municipality="Bærum")
    assert add_watch(store, "heltidskultur erfaringer", municipality="Bærum") == wid
    assert add_watch(store, "heltidskultur erfaringer") != wid
    rows = list_watches(store)
    assert [(r["query"], r["filters"]) for r in rows] == [
        ("heltidskultur erfaringer", {"municipality": "Bærum"}), ("heltidskultur erfaringer", {})
    ]
    remove_watch(store, wid)
    assert len(list_watches(store)) == 1
    with pytest.raises(StoreError, match="fant ikke noe lagret søk"):
        remove_watch(store, wid)


def test_empty_query_is_refused(store):
    with pytest.raises(StoreError):
        add_watch(store, "   ")


def test_new_matches_are_reported_once_across_runs(store, tmp_path):
    search = FakeSearch(store)
    wid = add_watch(store, "heltidskultur", municipality="Levanger")
    a = _save(store, "/k/a.pdf")
    search.ranked = [(a, 2.0)]

    assert match_watches(store, search, "r1") == {wid: [a]}
    assert write_watch_files(store, tmp_path / "watches") == 1
    _finish_run(store, "r1")

    b = _save(store, "/k/b.pdf")
    search.ranked = [(a, 3.0), (b, 1.0)]
    assert match_watches(store, search, "r2") == {wid: [b]}
    write_watch_files(store, tmp_path / "watches")
    _finish_run(store, "r2")
    assert match_watches(store, search, "r3") == {}

    lines = _lines(tmp_path, wid)
    assert [(x["document_id"], x["run_id"]) for x in lines] == [(a, "r1"), (b, "r2")]
    assert lines[1]["source"] == "/k/b.pdf" and lines[1]["query"] == "heltidskultur" and lines[1]["text"]
    assert search.calls[0] == ("heltidskultur", {"municipality": "Levanger"})


def test_documents_stored_before_the_watch_are_not_new(store):
    search = FakeSearch(store)
    a = _save(store, "/k/a.pdf")
    add_watch(store, "heltidskultur")
    search.ranked = [(a, 2.0)]
    assert match_watches(store, search, "r1") == {}


def test_hits_without_a_query_term_are_not_matches(store):
    search = FakeSearch(store)
    wid = add_watch(store, "heltidskultur")
    a, b = _save(store, "/k/a.pdf"), _save(store, "/k/b.pdf")
    search.ranked = [(a, 0.0), (b, 1.5)]
    assert match_watches(store, search, "r1") == {wid: [b]}


def test_documents_stored_by_a_killed_run_are_checked_by_the_next(store):
    search = FakeSearch(store)
    wid = add_watch(store, "heltidskultur")
    _finish_run(store, "r0")
    a = _save(store, "/k/a.pdf")  # stored by run r1, killed before its saved searches ran
    search.ranked = [(a, 2.0)]
    assert match_watches(store, search, "r2") == {wid: [a]}


def test_file_lines_survive_a_crash_between_file_and_database(store, tmp_path):
    search = FakeSearch(store)
    wid = add_watch(store, "heltidskultur")
    a = _save(store, "/k/a.pdf")
    search.ranked = [(a, 2.0)]
    match_watches(store, search, "r1")  # killed here: rows recorded, file not written
    assert _lines(tmp_path, wid) == []

    assert write_watch_files(store, tmp_path / "watches") == 1
    with store.engine.begin() as conn:  # as if killed after the append, before marking it notified
        conn.exec_driver_sql("UPDATE watch_hits SET notified_at = NULL")
    assert write_watch_files(store, tmp_path / "watches") == 0
    assert [x["document_id"] for x in _lines(tmp_path, wid)] == [a]
