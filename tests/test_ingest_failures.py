"""Failures and recorded statuses (``flows/ingest.py``): bad files get a status and a reason
without harming stored documents, and every file of the shared corpus gets a recorded status.

Every test ingests into its own temporary ``SAKSFINN_HOME`` with the hash embedder and
the in-process (``local``) orchestrator; shared helpers are in ``tests/ingest_helpers.py``.
The whole-corpus run (``/work/shared/corpus``) is ``slow``.
"""

from __future__ import annotations

import json
import shutil
import time
from collections import Counter
from pathlib import Path

import pytest

from saksfinn.flows.ingest import run_ingest
from saksfinn.models import IngestRun
from tests.badfiles import MANY_PAGES, make_bad_files
from tests.ingest_helpers import by_source, invoke, local_settings, outcomes, status_json, store_of, use_home


# ---- bad input through the whole pipeline -------------------------------------------------
def test_bad_files_get_a_status_and_reason_and_stored_documents_survive(home, tmp_path, monkeypatch, sample_corpus):
    use_home(monkeypatch, home)
    settings = local_settings(home)
    good = tmp_path / "good"
    good.mkdir()
    for name in ("Steinkjer/2025-03-05_saksprotokoll_skjermbruk.txt", "Volda/2025-04-24_saksframlegg_skulestruktur.pdf"):
        (good / name).parent.mkdir(exist_ok=True)
        shutil.copy(sample_corpus / name, good / name)
    first = run_ingest([str(good)], settings)
    assert [o.status.value for o in first.outcomes] == ["ingested", "ingested"]
    findings_before = sorted(f.finding_id for f in store_of(home).findings())
    assert findings_before, "the good documents gave no findings"

    bad = make_bad_files(tmp_path / "bad")
    run = run_ingest([str(tmp_path / "bad")], settings)
    got = outcomes(run)
    src = {name: str(path.resolve()) for name, path in bad.items()}

    # folder discovery does not pick up a .docx
    assert src["random_docx"] not in got
    expected_status = {
        "valid": "ingested", "text_as_pdf": "ingested", "cp1252_txt": "ingested", "many_pages": "ingested",
        "duplicate": "duplicate", "empty": "failed", "truncated": "failed", "corrupt": "failed", "encrypted": "failed",
    }
    report = by_source(status_json())
    for name, status in expected_status.items():
        assert got[src[name]].status.value == status, (name, got[src[name]])
        row = report[src[name]]
        assert row["status"] == status, (name, row)
        assert row["document_id"] == got[src[name]].document_id
        if status != "ingested":
            assert row["reason"] and "\n" not in row["reason"] and len(row["reason"]) < 300, (name, row["reason"])

    reasons = {name: report[src[name]]["reason"].casefold() for name in ("empty", "encrypted", "duplicate")}
    assert "empty" in reasons["empty"] or "0 bytes" in reasons["empty"]
    assert "password" in reasons["encrypted"] or "passord" in reasons["encrypted"]
    assert src["valid"].casefold() in reasons["duplicate"], "the duplicate's reason must name the first copy"
    assert got[src["duplicate"]].document_id == got[src["valid"]].document_id

    store = store_of(home)
    text_doc = store.load_document(got[src["text_as_pdf"]].document_id)
    assert "Møteprotokoll for formannskapet" in text_doc.text
    cp_doc = store.load_document(got[src["cp1252_txt"]].document_id)
    assert "Særlige tiltak for økt nærvær" in cp_doc.text, "cp1252 text decoded wrongly"
    assert got[src["many_pages"]].pages == MANY_PAGES
    assert store.document_row(got[src["many_pages"]].document_id)["pages"] == MANY_PAGES
    assert "side 300 av 300" in store.load_document(got[src["many_pages"]].document_id).text

    scanned = got[src["scanned"]]
    if _has_norwegian_ocr():
        assert scanned.status.value in ("ingested", "partial"), scanned
        assert "sykefrav" in store.load_document(scanned.document_id).text.casefold()
    else:
        assert scanned.status.value == "needs_ocr" and scanned.reason, scanned

    # the good documents from the first run are untouched
    for o in first.outcomes:
        assert report[o.source]["status"] == "ingested"
        assert store.has_document(o.document_id)
    assert set(findings_before) <= {f.finding_id for f in store.findings()}

    # a .docx given explicitly is failed with a reason
    run = run_ingest([str(bad["random_docx"])], settings)
    (docx,) = run.outcomes
    assert docx.status.value == "failed" and docx.reason and "\n" not in docx.reason
    assert by_source(status_json())[src["random_docx"]]["status"] == "failed"


def _has_norwegian_ocr() -> bool:
    import subprocess

    if not shutil.which("tesseract"):
        return False
    langs = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    return "nor" in (langs.stdout + langs.stderr).split()


# ---- the shared corpus ---------------------------------------------------------------------
def _expected_sources(root: Path) -> set[str]:
    from saksfinn.flows.sources import IGNORED_NAMES, SUPPORTED_SUFFIXES

    return {
        str(p.resolve()) for p in root.rglob("*")
        if p.is_file() and not p.name.startswith(".") and p.name not in IGNORED_NAMES
        and p.suffix.lower() in SUPPORTED_SUFFIXES
    }


@pytest.mark.slow
@pytest.mark.corpus
def test_shared_corpus_ingests_everything_and_reruns_fast(shared_corpus, home, monkeypatch):
    use_home(monkeypatch, home)
    started = time.perf_counter()
    first = IngestRun.model_validate(json.loads(invoke("ingest", str(shared_corpus), "--json")))
    first_seconds = time.perf_counter() - started
    started = time.perf_counter()
    second = IngestRun.model_validate(json.loads(invoke("ingest", str(shared_corpus), "--json")))
    second_seconds = time.perf_counter() - started

    expected = _expected_sources(shared_corpus)
    report = by_source(status_json())
    statuses = Counter(report[s]["status"] for s in expected if s in report)
    pages = sum(o.pages for o in first.outcomes)
    print(f"\nshared corpus: {len(expected)} files, {pages} pages; statuses {dict(statuses)}")
    print(f"  first run  {first_seconds:7.2f} s  ({len(expected) / first_seconds:.1f} docs/s, "
          f"{pages / first_seconds:.1f} pages/s)  stages {first.stage_seconds}")
    print(f"  re-run     {second_seconds:7.2f} s  ({100 * second_seconds / first_seconds:.1f} % of the first)  "
          f"stages {second.stage_seconds}")
    for s in sorted(expected):
        if s in report and report[s]["status"] != "ingested":
            print(f"  {report[s]['status']:<9} {Path(s).relative_to(shared_corpus)}: {report[s]['reason']}")

    assert expected - set(report) == set(), "files without a recorded status"
    for s in expected:
        row = report[s]
        assert row["status"] in ("ingested", "partial", "needs_ocr", "failed", "duplicate"), row
        if row["status"] != "ingested":
            assert row["reason"] and "\n" not in row["reason"], row
    assert statuses["ingested"] >= 0.9 * len(expected)
    assert {o.change.value for o in second.outcomes} == {"unchanged"}
    assert second_seconds < 0.25 * first_seconds, (first_seconds, second_seconds)
