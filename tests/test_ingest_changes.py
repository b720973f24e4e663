"""Ingestion re-runs (``flows/ingest.py``): an unchanged folder reads nothing, a changed file is
changed, a removed file is withdrawn; the municipality comes from the folder or the option.

Every test ingests into its own temporary ``SAKSFINN_HOME`` with the hash embedder and
the in-process (``local``) orchestrator; shared helpers are in ``tests/ingest_helpers.py``. The sample corpus
(``corpus/``) is copied into a temporary folder first, so tests can change and delete files.
"""

from __future__ import annotations

import time

from saksfinn.flows.ingest import run_ingest
from tests.badfiles import NORWEGIAN_TEXT
from tests.ingest_helpers import (
    by_source,
    copy_sample,
    forbid_reading,
    invoke,
    local_settings,
    outcomes,
    sample_files,
    status_json,
    store_of,
    use_home,
)


# ---- re-runs: unchanged, changed, withdrawn, re-derived ----------------------------------
def test_rerun_over_unchanged_folder_reads_nothing_and_is_faster(home, tmp_path, sample_corpus, monkeypatch):
    docs = copy_sample(sample_corpus, tmp_path / "docs")
    settings = local_settings(home)
    started = time.perf_counter()
    first = run_ingest([str(docs)], settings)
    first_seconds = time.perf_counter() - started
    assert first.counts()["new"] == len(sample_files(docs))

    reads = forbid_reading(monkeypatch)
    started = time.perf_counter()
    second = run_ingest([str(docs)], settings)
    second_seconds = time.perf_counter() - started
    print(f"\nsample corpus: first run {first_seconds:.2f} s, unchanged re-run {second_seconds:.2f} s; "
          f"stages {second.stage_seconds}")
    assert reads == []
    assert {o.change.value for o in second.outcomes} == {"unchanged"}
    assert len(second.outcomes) == len(first.outcomes)
    per_doc_work = sum(second.stage_seconds.get(s, 0.0) for s in ("read", "section", "extract"))
    assert per_doc_work < 0.5 * sum(first.stage_seconds.get(s, 0.0) for s in ("read", "section", "extract"))
    assert second_seconds < 0.5 * first_seconds


def test_changed_file_is_changed_and_removed_file_is_withdrawn(home, tmp_path, sample_corpus, monkeypatch):
    use_home(monkeypatch, home)
    docs = copy_sample(sample_corpus, tmp_path / "docs")
    settings = local_settings(home)
    first = outcomes(run_ingest([str(docs)], settings))
    changed = (docs / "Steinkjer" / "2025-03-05_saksprotokoll_skjermbruk.txt").resolve()
    removed = (docs / "Harstad" / "2025-06-05_presentasjon_lean.pdf").resolve()
    changed.write_text(changed.read_text(encoding="utf-8") + "\nTillegg: saken ble sendt til høring.\n", encoding="utf-8")
    removed.unlink()

    run = outcomes(run_ingest([str(docs)], settings))
    assert run[str(changed)].change.value == "changed"
    assert run[str(changed)].document_id != first[str(changed)].document_id
    assert run[str(removed)].change.value == "withdrawn"
    others = {s: o.change.value for s, o in run.items() if s not in (str(changed), str(removed))}
    assert set(others.values()) == {"unchanged"}, others

    report = by_source(status_json())
    assert report[str(removed)]["status"] == "withdrawn" and report[str(removed)]["reason"]
    assert report[str(changed)]["status"] == "ingested"
    assert report[str(changed)]["document_id"] == run[str(changed)].document_id
    store = store_of(home)
    assert "sendt til høring" in store.load_document(run[str(changed)].document_id).text
    assert store.has_document(first[str(removed)].document_id), "a withdrawn source keeps its document"


# ---- municipality ----------------------------------------------------------------------
def _neutral_text(n: int) -> str:
    """A text naming no real municipality (Søndre Åsen is fictional)."""
    return f"Sak {n}/25 Budsjettjustering\n\n{NORWEGIAN_TEXT}\nSaken gjelder tiltak nummer {n}.\n"


def test_municipality_from_folder_and_given_option_wins(home, tmp_path, monkeypatch):
    use_home(monkeypatch, home)
    folder = tmp_path / "innboks" / "steinkjer"
    folder.mkdir(parents=True)
    by_folder = folder / "sak1.txt"
    by_folder.write_text(_neutral_text(1), encoding="utf-8")
    settings = local_settings(home)
    run = outcomes(run_ingest([str(tmp_path / "innboks")], settings))
    assert run[str(by_folder.resolve())].municipality == "Steinkjer"

    given = folder / "sak2.txt"
    given.write_text(_neutral_text(2), encoding="utf-8")
    invoke("ingest", str(given), "--municipality", "Levanger")
    store = store_of(home)
    row = store.get_source(str(given.resolve()))
    assert store.document_row(row["document_id"])["municipality"] == "Levanger"
    assert store.document_row(run[str(by_folder.resolve())].document_id)["municipality"] == "Steinkjer"
