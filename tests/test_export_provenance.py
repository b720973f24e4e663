"""Exports carry full provenance (case_ref, vote_text, source_url, status, confidence), typed
columns (dates as dates, numbers as numbers) in XLSX and Parquet, an XLSX an analyst can
filter at once (frozen header, autofilter, widths), PDF/text twins once, and the same
period/polarity/municipality options as ``search``."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil

import pytest
from typer.testing import CliRunner

from saksfinn.cli import app
from saksfinn.flows.ingest import run_ingest
from saksfinn.index.exports.export import COLUMNS, EXTRA_COLUMNS, ExportFilters, finding_rows, render
from saksfinn.index.storage.store import Store
from saksfinn.models import DocStatus
from saksfinn.settings import get_settings
from tests.factories import make_chunks, make_document, make_findings

runner = CliRunner()
PROVENANCE = ("case_ref", "vote_text", "source_url", "status", "confidence", "extractor", "document_id", "page",
              "start", "end")


@pytest.fixture(scope="module")
def sample(tmp_path_factory, sample_corpus):
    base = tmp_path_factory.mktemp("export")
    shutil.copytree(sample_corpus, base / "docs")
    settings = get_settings(home=base / "home", embedder="hash", orchestrator="local")
    run_ingest([str(base / "docs")], settings)
    return settings, Store(settings.db_url, files_dir=settings.files_dir)


@pytest.fixture()
def cli_home(sample, monkeypatch):
    settings, store = sample
    monkeypatch.setenv("SAKSFINN_HOME", str(settings.home))
    monkeypatch.setenv("SAKSFINN_EMBEDDER", "hash")
    return store


def test_rows_carry_provenance_columns(sample):
    _, store = sample
    rows = list(finding_rows(store, ExportFilters()))
    assert rows and all(set(PROVENANCE) <= set(r) for r in rows)
    assert list(rows[0]) == list(COLUMNS + EXTRA_COLUMNS)
    assert {r["status"] for r in rows} <= {"ingested", "partial", "needs_ocr"}
    assert all(r["source_url"] is None for r in rows)  # files, not fetched
    decisions = [r for r in rows if r["type"] == "decision" and r["municipality"] == "Levanger"]
    assert any(r["vote_text"] for r in decisions)


def test_a_protocols_decisions_are_told_apart_by_case_ref(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    doc = make_document("Levanger", source="/srv/protokoll.pdf")
    decision = next(f for f in make_findings(doc) if f.type == "decision")
    cases = [decision.model_copy(update={"case_ref": ref, "start": decision.start + i, "finding_id": "",
                                         "vote_text": f"Innstillingen ble vedtatt med {20 + i} mot {15 - i} stemmer."})
             for i, ref in enumerate(("PS 12/25", "PS 13/25"))]
    cases = [type(c)(**c.model_dump()) for c in cases]  # fresh ids from the new spans
    store.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=cases, chunks=make_chunks(doc),
                        reader_version="r", findings_version="f")
    rows = list(finding_rows(store, ExportFilters(type="decision")))
    assert [(r["case_ref"], r["vote_text"]) for r in rows] == [(c.case_ref, c.vote_text) for c in cases]


def test_fetched_documents_carry_their_url(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    doc = make_document("Levanger", source="https://levanger.kommune.no/politikk/sak-12.pdf")
    store.save_document(doc, status=DocStatus.PARTIAL, reason="pages 2 have no text layer", findings=make_findings(doc),
                        chunks=make_chunks(doc), reader_version="r", findings_version="f")
    rows = list(finding_rows(store, ExportFilters()))
    assert {r["source_url"] for r in rows} == {"https://levanger.kommune.no/politikk/sak-12.pdf"}
    assert {r["status"] for r in rows} == {"partial"}


def test_pdf_and_text_twins_are_exported_once(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    pdf = make_document("Levanger", source="/srv/sak.pdf")
    txt = make_document("Levanger", source="/srv/sak.txt").model_copy(update={"media_type": "text/plain"})
    other = make_document("Steinkjer", source="/srv/annen.pdf")  # same text, another municipality: not a twin
    for doc in (txt, pdf, other):
        store.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=make_findings(doc),
                            chunks=make_chunks(doc), reader_version="r", findings_version="f")
    rows = list(finding_rows(store, ExportFilters()))
    per_doc = {d: sum(r["document_id"] == d for r in rows) for d in (pdf.document_id, txt.document_id, other.document_id)}
    assert per_doc == {pdf.document_id: len(make_findings(pdf)), txt.document_id: 0,
                       other.document_id: len(make_findings(other))}


def test_xlsx_has_typed_cells_frozen_header_autofilter_and_widths(sample):
    from openpyxl import load_workbook

    _, store = sample
    rows = list(finding_rows(store, ExportFilters()))
    wb = load_workbook(io.BytesIO(render(rows, "xlsx")))
    ws = wb["Vedtak"]
    header = [c.value for c in ws[1]]
    assert header == list(COLUMNS + EXTRA_COLUMNS)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
    col = {name: i for i, name in enumerate(header)}
    body = list(ws.iter_rows(min_row=2, values_only=True))
    assert body
    for values in body:
        if values[col["date"]] is not None:
            assert isinstance(values[col["date"]], dt.datetime | dt.date)
        assert isinstance(values[col["page"]], int)
        assert isinstance(values[col["confidence"]], float | int)
    from openpyxl.utils import get_column_letter

    assert ws.column_dimensions[get_column_letter(col["text"] + 1)].width >= 60
    assert 6 <= ws.column_dimensions[get_column_letter(col["page"] + 1)].width <= 12


def test_parquet_has_date_and_number_types(sample):
    import pyarrow as pa
    import pyarrow.parquet as pq

    _, store = sample
    rows = list(finding_rows(store, ExportFilters()))
    table = pq.read_table(io.BytesIO(render(rows, "parquet")))
    assert table.schema.field("date").type == pa.date32()
    assert table.schema.field("meeting_date").type == pa.date32()
    assert table.schema.field("confidence").type == pa.float64()
    assert table.schema.field("page").type == pa.int64()
    assert table.column("date").to_pylist()[0] == dt.date.fromisoformat(rows[0]["date"])


def _jsonl(args: list[str]) -> list[dict]:
    result = runner.invoke(app, ["export", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def _from(r: dict) -> str:
    """The latest day a row could be from: its date, else the end of its year (undated papers)."""
    return r["date"] or (f"{r['year']}-12-31" if r["year"] else "")


def _to(r: dict) -> str:
    return r["date"] or (f"{r['year']}-01-01" if r["year"] else "9999")


@pytest.mark.parametrize(
    ("args", "keep"),
    [
        (["--since", "2025-04-01"], lambda r: _from(r) >= "2025-04-01"),
        (["--since", "2025", "--until", "2025-03-31"], lambda r: _from(r) >= "2025-01-01" and _to(r) <= "2025-03-31"),
        (["--until", "31.03.2025"], lambda r: _to(r) <= "2025-03-31"),
        (["--polarity", "negative"], lambda r: r["polarity"] == "negative"),
        (["-m", "levanger"], lambda r: r["municipality"] == "Levanger"),
        (["--doc-type", "møteprotokoll"], lambda r: r["doc_type"] == "møteprotokoll"),
        (["--polarity", "positive", "-m", "Harstad"], lambda r: r["polarity"] == "positive" and r["municipality"] == "Harstad"),
        (["--polarity", "negative", "--until", "2025"], lambda r: r["polarity"] == "negative" and _to(r) <= "2025-12-31"),
    ],
)
def test_export_has_the_search_options(cli_home, args, keep):
    everything = _jsonl([])
    expected = [r["finding_id"] for r in everything if keep(r)]
    assert expected and len(expected) < len(everything)
    assert [r["finding_id"] for r in _jsonl(args)] == expected
