"""One current version per source, as the secretariat meets it: a corrected case paper,
a withdrawn one, a duplicate whose original goes, a home moved elsewhere — and the rules
of ``index/storage/lifecycle.py`` as a table."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from saksfinn.flows.ingest import run_ingest
from saksfinn.flows.searching import Searcher
from saksfinn.flows.status import collect_status
from saksfinn.index.exports.export import ExportFilters, finding_rows
from saksfinn.index.storage.lifecycle import Transition, plan
from saksfinn.index.storage.store import Store
from saksfinn.web.app import create_app
from tests.ingest_helpers import copy_sample, invoke, local_settings, outcomes, store_of, use_home

# ---- the rules, table-driven --------------------------------------------------------------

D, E = "d" * 64, "e" * 64


def doc(document_id: str, source: str, status: str = "ingested", read_status: str | None = "ingested") -> dict:
    return {"document_id": document_id, "source": source, "status": status, "read_status": read_status, "reason": None}


def src(source: str, document_id: str | None, status: str) -> dict:
    return {"source": source, "document_id": document_id, "status": status}


PLAN_CASES = [
    # (what happened, documents, sources, expected transitions, expected source fixes)
    ("unchanged stays", [doc(D, "a")], [src("a", D, "ingested")], [], []),
    ("changed source supersedes", [doc(D, "a"), doc(E, "a")], [src("a", E, "ingested")],
     [Transition(D, "ingested", "superseded", "a", E)], []),
    ("withdrawn source withdraws", [doc(D, "a")], [src("a", D, "withdrawn")],
     [Transition(D, "ingested", "withdrawn", "a")], []),
    ("unreadable new version supersedes", [doc(D, "a")], [src("a", E, "failed")],
     [Transition(D, "ingested", "superseded", "a", E)], []),
    ("copy promoted when original goes", [doc(D, "a")], [src("a", D, "withdrawn"), src("b", D, "duplicate")],
     [Transition(D, "ingested", "ingested", "b", promoted=True)], [("b", "ingested")]),
    ("restored file is live again", [doc(D, "a", status="withdrawn")], [src("a", D, "ingested")],
     [Transition(D, "withdrawn", "ingested", "a")], []),
    ("change undone restores the old version", [doc(D, "a", status="superseded"), doc(E, "a")],
     [src("a", D, "ingested")],
     [Transition(D, "superseded", "ingested", "a"), Transition(E, "ingested", "superseded", "a", D)], []),
    ("renamed back under a new name", [doc(D, "a", status="withdrawn", read_status="partial")],
     [src("a", D, "withdrawn"), src("c", D, "duplicate")],
     [Transition(D, "withdrawn", "partial", "c", promoted=True)], [("c", "partial")]),
    ("two present copies: one source, one duplicate", [doc(D, "a", status="withdrawn")],
     [src("b", D, "ingested"), src("c", D, "ingested")],
     [Transition(D, "withdrawn", "ingested", "b", promoted=True)], [("c", "duplicate")]),
    ("retired stays retired", [doc(D, "a", status="superseded")], [src("a", E, "ingested")], [], []),
]


@pytest.mark.parametrize("case, documents, sources, transitions, fixes", PLAN_CASES, ids=[c[0] for c in PLAN_CASES])
def test_plan(case, documents, sources, transitions, fixes):
    result = plan(documents, sources)
    assert list(result.transitions) == transitions
    assert [(f.source, f.status) for f in result.source_fixes] == fixes


# ---- the scenario, end to end ---------------------------------------------------------------

OLD_LINE = "Elevene på 1.–4. trinn skal ha maksimalt én\ntime skjermtid per skoledag"
NEW_LINE = "Elevene på 1.–4. trinn skal ha maksimalt to\ntimer skjermtid per skoledag"


def test_change_withdraw_duplicate_and_moved_home_show_only_current_content(home, tmp_path, sample_corpus, monkeypatch):
    use_home(monkeypatch, home)
    docs = copy_sample(sample_corpus, tmp_path / "docs")
    changed = (docs / "Steinkjer" / "2025-03-05_saksprotokoll_skjermbruk.txt").resolve()
    withdrawn = (docs / "Harstad" / "2025-06-05_presentasjon_lean.pdf").resolve()
    original = (docs / "Volda" / "2025-04-24_saksframlegg_skulestruktur.pdf").resolve()
    copy = (docs / "Volda" / "kopi" / "skulestruktur.pdf").resolve()
    copy.parent.mkdir()
    shutil.copy(original, copy)
    settings = local_settings(home)
    first = outcomes(run_ingest([str(docs)], settings))
    assert first[str(copy)].status.value == "duplicate"
    old_id, gone_id, dup_id = (first[str(p)].document_id for p in (changed, withdrawn, original))

    assert OLD_LINE in changed.read_text(encoding="utf-8")
    changed.write_text(changed.read_text(encoding="utf-8").replace(OLD_LINE, NEW_LINE), encoding="utf-8")
    withdrawn.unlink()
    original.unlink()
    run = run_ingest([str(docs)], settings)
    second = outcomes(run)
    new_id = second[str(changed)].document_id
    assert second[str(changed)].change.value == "changed" and second[str(changed)].previous_document_id == old_id
    assert {second[str(withdrawn)].change.value, second[str(original)].change.value} == {"withdrawn"}

    store = store_of(home)
    live = {r["document_id"] for r in store.documents()}
    assert old_id not in live and gone_id not in live and new_id in live
    assert dup_id in live, "the remaining copy of a duplicate is the live source now"
    assert store.document_row(dup_id)["source"] == str(copy)
    assert store.get_source(str(copy))["status"] == "ingested"
    old_row = store.document_row(old_id)
    assert old_row["status"] == "superseded" and old_row["superseded_by"] == new_id, "history is kept"
    assert store.document_row(gone_id)["status"] == "withdrawn" and store.document_row(gone_id)["retired_at"]

    searcher = Searcher(settings, store)
    hit_ids = {h.document_id for h in searcher.search("skjermtid skoledag", top=50, mode="bm25")}
    assert new_id in hit_ids and old_id not in hit_ids
    assert any(h.document_id == dup_id for h in searcher.search("skulestruktur", top=20, mode="bm25"))
    lean_hits = searcher.search("lean", top=50, mode="bm25")
    assert gone_id not in {h.document_id for h in lean_hits}
    exported = {r["document_id"] for r in finding_rows(store, ExportFilters())}
    assert exported <= live and old_id not in exported and gone_id not in exported

    status = collect_status(store, home)
    assert status["documents"] == len(live)
    assert status["by_municipality"]["Harstad"]["withdrawn"] == 1, "a withdrawn source keeps its municipality"
    assert "ukjent" not in status["by_municipality"]
    shown = invoke("show", old_id)
    assert "erstattet av" in shown and new_id[:12] in shown and "(ikke søkbar)" in shown

    report = (home / "reports" / f"{run.run_id}.md").read_text(encoding="utf-8")
    for line_start, path in (("| endret | Steinkjer", changed), ("| trukket tilbake | Harstad", withdrawn)):
        assert any(line.startswith(line_start) and str(path) in line for line in report.splitlines()), report

    client = TestClient(create_app(settings))
    assert client.get("/api/health").json()["documents"] == status["documents"]
    page = client.get(f"/dokument/{old_id}").text
    assert "erstattet" in page and f"/dokument/{new_id}" in page
    assert "trukket tilbake" in client.get(f"/dokument/{gone_id}").text
    assert "Dokumenter" in client.get(f"/innlesinger/{run.run_id}").text

    # the home, moved elsewhere (a restore from backup): links and re-runs work unchanged
    store.dispose()
    moved = tmp_path / "restored-home"
    shutil.move(str(home), str(moved))
    use_home(monkeypatch, moved)
    moved_settings = local_settings(moved)
    client = TestClient(create_app(moved_settings))
    response = client.get(f"/files/{new_id}")
    assert response.status_code == 200 and "skjermtid" in response.text
    rerun = run_ingest([str(docs)], moved_settings)
    counts = rerun.counts()
    assert counts["new"] == counts["changed"] == counts["withdrawn"] == 0 and rerun.index["rebuilt"] is False


def test_restored_file_comes_back_without_reading(home, tmp_path, sample_corpus, monkeypatch):
    use_home(monkeypatch, home)
    docs = copy_sample(sample_corpus, tmp_path / "docs")
    path = (docs / "Bærum" / "2025-02-04_saksfremlegg_heltidskultur.pdf").resolve()
    backup = tmp_path / "backup.pdf"
    shutil.copy(path, backup)
    settings = local_settings(home)
    document_id = outcomes(run_ingest([str(docs)], settings))[str(path)].document_id
    path.unlink()
    run_ingest([str(docs)], settings)
    shutil.copy(backup, path)
    run = run_ingest([str(docs)], settings)
    outcome = outcomes(run)[str(path)]
    assert outcome.change.value == "restored"
    assert outcome.seconds == 0.0 and outcome.pages == 0, "a restored version is not read again"
    store = store_of(home)
    assert store.document_row(document_id)["status"] == "ingested"
    assert document_id in {h.document_id for h in Searcher(settings, store).search("heltidskultur", top=20, mode="bm25")}


def test_still_failing_source_counts_as_failed_with_failing_since(home, tmp_path, monkeypatch):
    use_home(monkeypatch, home)
    docs = tmp_path / "docs" / "Volda"
    docs.mkdir(parents=True)
    (docs / "tom.pdf").write_bytes(b"%PDF-1.4\n%%EOF truncated")
    settings = local_settings(home)
    first = run_ingest([str(docs.parent)], settings)
    second = run_ingest([str(docs.parent)], settings)
    o1, o2 = first.outcomes[0], second.outcomes[0]
    assert first.counts()["failed"] == second.counts()["failed"] == 1
    assert o2.change.value == "failed" and o2.failing_since == o1.failing_since is not None
    assert o2.municipality == "Volda"
    report = json.loads((home / "reports" / f"{second.run_id}.json").read_text())
    assert report["outcomes"][0]["failing_since"]
    assert "feiler siden" in (home / "reports" / f"{second.run_id}.md").read_text(encoding="utf-8")


def test_old_home_is_migrated_on_first_open(tmp_path, sample_corpus, monkeypatch):
    """A store written before lifecycle columns and relative paths: absolute file paths and
    no read_status. Opening it migrates in place; links work from a moved home."""
    home = tmp_path / "home"
    use_home(monkeypatch, home)
    settings = local_settings(home)
    run_ingest([str(copy_sample(sample_corpus, tmp_path / "docs"))], settings)
    with sqlite3.connect(home / "saksfinn.db") as conn:
        conn.execute("UPDATE documents SET file_path = '/srv/old-home/files/' || file_path")
        conn.execute("ALTER TABLE documents DROP COLUMN read_status")
        conn.execute("ALTER TABLE sources DROP COLUMN failing_since")
    store = Store(settings.db_url, files_dir=settings.files_dir)
    rows = store.documents()
    assert rows and all(r["read_status"] == r["status"] and "/" not in r["file_path"] for r in rows)
    assert all(store.file_for(r["document_id"]) is not None for r in rows)
    Store(settings.db_url, files_dir=settings.files_dir)  # idempotent
