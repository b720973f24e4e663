"""Export contract: exact keys, formats readable by analysts' tools, filters."""

from __future__ import annotations

import csv
import io
import json

import pytest

from saksfinn.index.exports.export import COLUMNS, ExportFilters, finding_rows, render
from saksfinn.index.storage.store import Store
from saksfinn.models import DocStatus
from saksfinn.models.errors import SaksfinnError
from tests.factories import make_chunks, make_document, make_findings


@pytest.fixture()
def store(tmp_path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    for municipality, source in (("Levanger", "/a.pdf"), ("Bø", "/b.pdf")):
        doc = make_document(municipality=municipality, source=source)
        s.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=make_findings(doc),
                        chunks=make_chunks(doc), reader_version="r", findings_version="f")
    return s


def test_jsonl_rows_have_the_contract_keys(store):
    rows = list(finding_rows(store, ExportFilters()))
    lines = render(rows, "jsonl").decode("utf-8").splitlines()
    assert len(lines) == 4
    first = json.loads(lines[0])
    assert list(first)[: len(COLUMNS)] == list(COLUMNS)
    assert first["source"] in ("/a.pdf", "/b.pdf")
    assert first["date"] == "2026-03-17"
    assert isinstance(first["themes"], list)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (dict(type="experience"), 2),
        (dict(municipality="bø"), 2),
        (dict(since="2026-03-18"), 0),
        (dict(since="2026-01-01", type="decision"), 2),
        (dict(theme="heltid"), 4),
        (dict(theme="okonomi"), 0),
    ],
)
def test_filters(store, filters, expected):
    assert len(list(finding_rows(store, ExportFilters.parse(**filters)))) == expected


def test_csv_keeps_norwegian_letters_for_excel(store):
    data = render(list(finding_rows(store, ExportFilters())), "csv")
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {r["municipality"] for r in rows} == {"Levanger", "Bø"}
    assert any("større stillinger" in r["text"] for r in rows)


def test_xlsx_has_one_sheet_per_type(store):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render(list(finding_rows(store, ExportFilters())), "xlsx")))
    assert wb.sheetnames == ["Vedtak", "Mål", "Erfaringer", "Prosjekter"]
    erfaringer = list(wb["Erfaringer"].values)
    assert erfaringer[0][: len(COLUMNS)] == COLUMNS
    assert len(erfaringer) == 3


def test_parquet_round_trip(store):
    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(render(list(finding_rows(store, ExportFilters())), "parquet")))
    assert table.num_rows == 4
    assert table.column("themes").to_pylist()[0] == ["heltid"]


@pytest.mark.parametrize("bad", [dict(type="vedtak"), dict(since="17.03.2026")])
def test_bad_filters_are_clear_errors(bad):
    with pytest.raises(SaksfinnError):
        ExportFilters.parse(**bad)


def test_rows_carry_extractor_and_confidence(store):
    """Provenance all the way out: every row names the extractor (name@version) and its confidence."""
    rows = list(finding_rows(store, ExportFilters()))
    assert rows and all("@" in r["extractor"] for r in rows)
    assert all(r["confidence"] == 1.0 for r in rows)  # the factories' findings are rule findings
    data = render(rows, "csv")
    parsed = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {float(r["confidence"]) for r in parsed} == {1.0}
