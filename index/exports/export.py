"""Findings export — the contract other tools rely on.

Every row has exactly the keys in :data:`COLUMNS` (``None`` when unknown), then
extra keys (:data:`EXTRA_COLUMNS`). JSONL and Parquet keep ``themes`` as a list;
CSV and XLSX join it with ``"; "``. CSV is UTF-8 with a byte-order mark so Excel
shows æ, ø and å; XLSX has one sheet per finding type.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from saksfinn.index.storage.store import Store
from saksfinn.models import FINDING_TYPES, DocumentMeta
from saksfinn.models.errors import SaksfinnError

COLUMNS = (
    "finding_id", "type", "text", "kind", "polarity", "resolved_text", "document_id", "source", "title",
    "municipality", "doc_type", "date", "case_number", "page", "section", "themes",
)
EXTRA_COLUMNS = (
    "year", "start", "end", "extractor", "confidence", "body", "meeting_date", "case_ref", "adopted", "votes_for",
    "votes_against", "unanimous", "vote_text", "name", "description", "target", "target_value", "target_unit",
    "source_url", "status",
)
DATE_COLUMNS = ("date", "meeting_date")
INT_COLUMNS = ("year", "page", "start", "end", "votes_for", "votes_against")
FLOAT_COLUMNS = ("confidence", "target_value")
BOOL_COLUMNS = ("adopted", "unanimous")
WIDE_COLUMNS = {"text": 80, "resolved_text": 60, "vote_text": 60, "description": 60, "title": 40, "source": 40,
                "source_url": 40, "section": 30}
FORMATS = ("jsonl", "csv", "xlsx", "parquet")
SHEET_NAMES = {"decision": "Vedtak", "goal": "Mål", "experience": "Erfaringer", "project": "Prosjekter"}


@dataclass(frozen=True)
class ExportFilters:
    type: str | None = None
    municipality: str | None = None
    since: dt.date | None = None
    theme: str | None = None
    document_id: str | None = None
    until: dt.date | None = None  # inclusive, like since
    polarity: str | None = None
    doc_type: str | None = None
    min_confidence: float | None = None  # findings below it are left out; no confidence counts as 1.0 (a rule's)

    @classmethod
    def parse(cls, *, type: str | None = None, municipality: str | None = None, since: str | None = None,
              theme: str | None = None, document_id: str | None = None) -> "ExportFilters":
        if type is not None and type not in FINDING_TYPES:
            raise SaksfinnError(f"unknown finding type {type!r}; use one of {', '.join(FINDING_TYPES)}")
        return cls(type=type, municipality=municipality, since=parse_since(since), theme=theme, document_id=document_id)


def parse_since(since: str | None) -> dt.date | None:
    """``--since`` as a date (``YYYY-MM-DD``); empty or absent is no bound."""
    if not since:
        return None
    try:
        return dt.date.fromisoformat(since)
    except ValueError:
        raise SaksfinnError(f"--since must be YYYY-MM-DD, got {since!r}") from None


def finding_rows(store: Store, filters: ExportFilters) -> Iterator[dict[str, Any]]:
    """Findings joined with their document's metadata, filtered, in a stable order.

    Twins — the PDF and the text export of one paper (same municipality and title) — give
    each finding once: the PDF's row (it links to the page) when both have the same text.
    """
    docs = {row["document_id"]: {**row, "year": row_year(row)} for row in store.documents()}
    findings = [f for f in store.findings(type=filters.type, document_id=filters.document_id) if f.document_id in docs]
    owner: dict[tuple[Any, ...], str] = {}  # the document whose finding a twin's copy defers to
    for f in sorted(findings, key=lambda f: docs[f.document_id].get("media_type") != "application/pdf"):
        owner.setdefault(_twin_key(f, docs[f.document_id]), f.document_id)
    for f in findings:
        doc = docs[f.document_id]
        key = _twin_key(f, doc)
        if key[0] is not None and owner[key] != f.document_id:
            continue
        row = _row(f, doc)
        if _keep(row, filters):
            yield row


def _twin_key(f: Any, doc: dict[str, Any]) -> tuple[Any, ...]:
    """(municipality, title, type, text) that a finding shares with its twin's copy; untitled
    documents have no twins (the key starts with None)."""
    title = " ".join((doc.get("title") or "").split()).casefold()
    if not title:
        return (None, f.finding_id)
    return ((doc.get("municipality") or "").casefold(), title, f.type, " ".join(f.text.split()).casefold())


def _row(f: Any, doc: dict[str, Any]) -> dict[str, Any]:
    data = f.model_dump(mode="json")
    doc_date = doc.get("date")
    row: dict[str, Any] = {
        "finding_id": f.finding_id, "type": f.type, "text": f.text, "kind": data.get("kind"),
        "polarity": data.get("polarity"), "resolved_text": data.get("resolved_text"),
        "document_id": f.document_id, "source": doc.get("source"), "title": doc.get("title"),
        "municipality": doc.get("municipality"), "doc_type": doc.get("doc_type"),
        "date": doc_date.isoformat() if doc_date else None, "case_number": doc.get("case_number"),
        "page": f.page, "section": f.section, "themes": list(f.themes),
    }
    for key in EXTRA_COLUMNS:
        row[key] = data.get(key)
    row["year"] = doc["year"]
    source = doc.get("source") or ""
    row["source_url"] = source if source.startswith(("http://", "https://")) else None
    row["status"] = doc.get("read_status") or doc.get("status")
    return row


def row_year(doc: dict[str, Any]) -> int | None:
    """A stored document row's year (:attr:`DocumentMeta.known_year` of its ``meta``)."""
    return DocumentMeta.model_validate(doc.get("meta") or {}).known_year


def _keep(row: dict[str, Any], filters: ExportFilters) -> bool:
    if filters.municipality and (row["municipality"] or "").casefold() != filters.municipality.casefold():
        return False
    if filters.since and not _since(row, filters.since):
        return False
    if filters.until and not _until(row, filters.until):
        return False
    if filters.theme and filters.theme not in row["themes"]:
        return False
    if filters.polarity and row["polarity"] != filters.polarity:
        return False
    if filters.doc_type and row["doc_type"] != filters.doc_type:
        return False
    if filters.min_confidence is not None and _confidence(row) < filters.min_confidence:
        return False
    return True


def _confidence(row: dict[str, Any]) -> float:
    value = row.get("confidence")
    return 1.0 if value is None else float(value)


def _since(row: dict[str, Any], since: dt.date) -> bool:
    """On or after ``since``; an undated document by its year (kept when its year could be)."""
    if row["date"] is not None:
        return dt.date.fromisoformat(row["date"]) >= since
    return row["year"] is not None and row["year"] >= since.year


def _until(row: dict[str, Any], until: dt.date) -> bool:
    """On or before ``until``; an undated document by its year."""
    if row["date"] is not None:
        return dt.date.fromisoformat(row["date"]) <= until
    return row["year"] is not None and row["year"] <= until.year


def export_findings(store: Store, filters: ExportFilters, fmt: str, out: str | Path) -> int:
    """Write the findings to ``out`` (a path, or ``"-"`` for stdout); return the row count."""
    if fmt not in FORMATS:
        raise SaksfinnError(f"ukjent format «{fmt}» — bruk {', '.join(FORMATS)}")
    rows = list(finding_rows(store, filters))
    data = render(rows, fmt)
    if str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_bytes(data)
    return len(rows)


def render(rows: list[dict[str, Any]], fmt: str) -> bytes:
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")
    if fmt == "csv":
        return _csv(rows)
    if fmt == "xlsx":
        return _xlsx(rows)
    return _parquet(rows)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "themes": "; ".join(row["themes"])}


def _csv(rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS + EXTRA_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for r in rows:
        writer.writerow(_flat(r))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _xlsx(rows: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    columns = COLUMNS + EXTRA_COLUMNS
    wb = Workbook()
    wb.remove(wb.active)
    for ftype in FINDING_TYPES:
        ws = wb.create_sheet(SHEET_NAMES[ftype])
        ws.append(list(columns))
        widths = [len(c) for c in columns]
        for r in rows:
            if r["type"] == ftype:
                flat = _flat(r)
                values = [_cell(_typed(c, flat.get(c))) for c in columns]
                ws.append(values)
                widths = [max(w, len(str(v)) if v is not None else 0) for w, v in zip(widths, values)]
        for i, column in enumerate(columns, 1):
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = WIDE_COLUMNS.get(column, min(max(widths[i - 1], 6) + 2, 40))
            if column in DATE_COLUMNS:
                for cell in ws[letter][1:]:
                    cell.number_format = "yyyy-mm-dd"
        ws.freeze_panes = "A2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 2)}"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _typed(column: str, value: Any) -> Any:
    """Dates as dates, numbers as numbers (rows carry ISO strings for JSON and CSV)."""
    if value is None or value == "":
        return None
    if column in DATE_COLUMNS and isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if column in INT_COLUMNS:
        return int(value)
    if column in FLOAT_COLUMNS:
        return float(value)
    return value


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        # openpyxl rejects control characters; Excel caps a cell at 32,767 characters
        return "".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 32)[:32000]
    return value


def _parquet(rows: list[dict[str, Any]]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = COLUMNS + EXTRA_COLUMNS
    schema = pa.schema(
        [(c, pa.list_(pa.string()) if c == "themes" else _arrow_type(c)) for c in columns]
    )
    table = pa.Table.from_pylist([{c: r.get(c) if c == "themes" else _typed(c, r.get(c)) for c in columns}
                                  for r in rows], schema=schema)
    sink: BinaryIO = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()  # type: ignore[attr-defined]


def _arrow_type(column: str) -> Any:
    import pyarrow as pa

    if column in INT_COLUMNS:
        return pa.int64()
    if column in FLOAT_COLUMNS:
        return pa.float64()
    if column in BOOL_COLUMNS:
        return pa.bool_()
    if column in DATE_COLUMNS:
        return pa.date32()
    return pa.string()
