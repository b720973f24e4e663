"""Votes in the store: per document, replaced with it, only current documents' votes visible,
linked to the vedtak they produced; an old database gets the table on open."""

from __future__ import annotations

import sqlite3

from saksfinn.flows.ingest import run_ingest
from saksfinn.index.storage.store import Store
from tests.ingest_helpers import local_settings, store_of, use_home
from tests.vote_docs import write_protocols


def test_votes_follow_the_current_version_of_each_source(home, tmp_path, monkeypatch):
    use_home(monkeypatch, home)
    paths = write_protocols(tmp_path / "docs")
    settings = local_settings(home)
    run_ingest([str(tmp_path / "docs")], settings)
    store = store_of(home)
    votes = store.votes()
    assert [(row["municipality"], v.case_ref, v.proposal_kind, v.votes_for, v.votes_against) for v, row in votes] == [
        ("Levanger", "sak 13/2026", "tilleggsforslag", 2, 3),
        ("Levanger", "sak 13/2026", "innstilling", 4, 1),
        ("Steinkjer", "sak 17/2026", "innstilling", 3, 0),
    ]
    decisions = {f.finding_id: f for f in store.findings(type="decision")}
    assert all(v.decision_id in decisions and decisions[v.decision_id].kind == "vedtak" for v, _ in votes)

    # a corrected protocol: the new count replaces the old, nothing of the old version shows
    levanger = paths["Levanger"]
    levanger.write_text(levanger.read_text(encoding="utf-8").replace("Imot forslaget stemte 1: Siv Gjertrud Skjerve (SV).",
                        "Imot forslaget stemte 2: Siv Gjertrud Skjerve (SV), Jostein Trøite (SV)."), encoding="utf-8")
    run_ingest([str(tmp_path / "docs")], settings)
    store = store_of(home)
    assert [(v.votes_for, v.votes_against) for v, row in store.votes() if row["municipality"] == "Levanger"] == [(2, 3), (4, 2)]

    paths["Steinkjer"].unlink()  # withdrawn: its votes leave with it
    run_ingest([str(tmp_path / "docs")], settings)
    assert {row["municipality"] for _, row in store_of(home).votes()} == {"Levanger"}


def test_old_database_gets_the_votes_table_on_open(home, tmp_path, monkeypatch):
    use_home(monkeypatch, home)
    write_protocols(tmp_path / "docs")
    settings = local_settings(home)
    run_ingest([str(tmp_path / "docs")], settings)
    with sqlite3.connect(home / "saksfinn.db") as conn:  # as written before votes existed
        conn.execute("DROP TABLE votes")
        conn.execute("UPDATE documents SET findings_version = replace(findings_version, '+voterings@1', '')")
    store = Store(settings.db_url, files_dir=settings.files_dir)
    assert store.votes() == []
    run = run_ingest([str(tmp_path / "docs")], settings)  # the new extractor re-derives from stored pages
    assert {o.change.value for o in run.outcomes} == {"rederived"}
    assert len(Store(settings.db_url, files_dir=settings.files_dir).votes()) == 3
