"""The store's contract: atomic per-document replace, content ids, runs, sources."""

from __future__ import annotations

import datetime as dt

import pytest

from saksfinn.index.storage.store import OSLO, Store
from saksfinn.models import Change, DocStatus, IngestRun, SourceOutcome
from saksfinn.models.errors import StoreError
from tests.factories import make_chunks, make_document, make_findings


@pytest.fixture()
def store(tmp_path, db_url) -> Store:
    """The store's contract holds on SQLite and on a real PostgreSQL server alike."""
    s = Store(db_url, files_dir=tmp_path / "files")
    yield s
    s.dispose()


def save(store: Store, doc, **kw) -> None:
    store.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=make_findings(doc),
                        chunks=make_chunks(doc), reader_version="r1", findings_version="f1",
                        source_values={"document_id": doc.document_id, "status": "ingested"}, data=b"%PDF-1.4 x", **kw)


def test_round_trip_keeps_pages_sections_and_meta(store):
    doc = make_document()
    save(store, doc)
    loaded = store.load_document(doc.document_id)
    assert loaded.text == doc.text
    assert loaded.sections == doc.sections
    assert loaded.meta == doc.meta
    assert [p.start for p in loaded.pages] == [p.start for p in doc.pages]


def test_round_trip_keeps_what_metadata_reads_beside_the_text(store):
    """A re-derivation (new analysis version) works from the stored Document: the PDF's own
    title and the running lines left out of the text must come back with it."""
    doc = make_document().model_copy(update={"file_title": "Microsoft Word - sak.doc",
                                             "furniture": ("Bø kommune Møtebok", "Side 1 av 2")})
    save(store, doc)
    loaded = store.load_document(doc.document_id)
    assert (loaded.file_title, loaded.furniture) == (doc.file_title, doc.furniture)


def test_saving_twice_does_not_duplicate_derived_rows(store):
    doc = make_document()
    save(store, doc)
    save(store, doc)
    assert len(store.findings(document_id=doc.document_id)) == 2
    assert store.chunk_fingerprint()[0] == len(make_chunks(doc))
    assert len(store.documents()) == 1


def test_finding_ids_are_stable_and_typed(store):
    doc = make_document()
    save(store, doc)
    again = make_findings(doc)
    stored = store.findings(document_id=doc.document_id)
    assert sorted(f.finding_id for f in stored) == sorted(f.finding_id for f in again)
    assert {f.type for f in stored} == {"decision", "experience"}


def test_replace_derived_swaps_findings_without_touching_pages(store):
    doc = make_document()
    save(store, doc)
    store.replace_derived(doc.document_id, sections=doc.sections, findings=make_findings(doc)[:1],
                          chunks=[], findings_version="f2")
    assert [f.type for f in store.findings(document_id=doc.document_id)] == ["decision"]
    assert store.load_document(doc.document_id).text == doc.text
    assert store.stale_documents("f2") == []
    assert store.stale_documents("f3") == [doc.document_id]


def test_kept_file_is_named_by_document_id(store, tmp_path):
    doc = make_document()
    save(store, doc)
    row = store.document_row(doc.document_id)
    assert row["file_path"].endswith(f"{doc.document_id}.pdf")
    assert (tmp_path / "files" / f"{doc.document_id}.pdf").read_bytes() == b"%PDF-1.4 x"


def test_runs_are_stored_newest_first(store):
    for i in range(3):
        started = dt.datetime(2026, 11, 20 + i, 2, 0, tzinfo=OSLO)
        run = IngestRun(run_id=f"r{i}", started=started, finished=started,
                        outcomes=(SourceOutcome(source="a", change=Change.NEW, status=DocStatus.INGESTED),))
        store.save_run(run)
    runs = store.runs(limit=2)
    assert [r.run_id for r in runs] == ["r2", "r1"]
    assert runs[0].counts()["new"] == 1


def test_missing_document_is_a_store_error(store):
    with pytest.raises(StoreError, match="no document"):
        store.load_document("0" * 64)


def test_source_rows_record_status_and_reason(store):
    store.record_source("/x/broken.pdf", status="failed", reason="not a readable PDF", document_id="ab")
    store.record_source("/x/broken.pdf", status="failed", reason="still broken", document_id="ab")
    rows = store.sources()
    assert len(rows) == 1 and rows[0]["reason"] == "still broken"
    assert store.source_counts() == {"failed": 1}
