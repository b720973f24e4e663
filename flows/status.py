"""What the store holds, for `saksfinn status` and `saksfinn show`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from saksfinn.flows.reasons import in_norwegian
from saksfinn.index.storage.store import Store
from saksfinn.index.storage.twins import alternates
from saksfinn.models.errors import StoreError
from saksfinn.models.findings import is_model_extractor

TYPE_LABELS = {"decision": "Vedtak og innstillinger", "goal": "Mål", "experience": "Erfaringer", "project": "Prosjekter"}


SOURCE_COLUMNS = ("ingested", "partial", "needs_ocr", "failed", "duplicate", "withdrawn")
STATUS_LABELS = {
    "ingested": "lest", "partial": "delvis lest", "needs_ocr": "trenger OCR", "failed": "feilet",
    "duplicate": "duplikat", "withdrawn": "trukket tilbake", "superseded": "erstattet av nyere versjon",
}


def collect_status(store: Store, home: Path | None = None) -> dict[str, Any]:
    """Counts by status and municipality, the last runs, and every source ever seen.

    ``documents`` (searchable, current documents) is the number ``/api/health`` shows;
    sources are filed under the municipality of their document, else of ``--municipality``
    or their folder (``…/Volda/sak.pdf``), so failed and withdrawn sources are too."""
    from saksfinn.flows.lock import ingest_running
    from saksfinn.flows.stages import source_municipality

    docs = {r["document_id"]: r for r in store.documents(include_retired=True)}
    documents = []
    by_municipality: dict[str, dict[str, int]] = {}
    for row in store.sources():
        doc = docs.get(row["document_id"] or "") or {}
        municipality = doc.get("municipality") or source_municipality(row["source"], row["municipality_hint"]) or "ukjent"
        documents.append({
            "source": row["source"],
            "document_id": row["document_id"],
            "status": row["status"],
            "reason": row["reason"],
            "municipality": municipality,
            "municipality_hint": row["municipality_hint"],
            "last_seen": row["last_seen"],
            "failing_since": row.get("failing_since"),
        })
        counts = by_municipality.setdefault(municipality, {k: 0 for k in SOURCE_COLUMNS})
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    runs = [
        {
            "run_id": r.run_id,
            "started": r.started.isoformat(),
            "finished": r.finished.isoformat() if r.finished else None,
            "counts": r.counts(),
        }
        for r in store.runs(limit=5)
    ]
    pid = ingest_running(home) if home is not None else None
    return {
        "documents": store.live_count(),
        "counts": store.source_counts(),
        "by_municipality": {k: by_municipality[k] for k in sorted(by_municipality)},
        "by_doc_type": store.counts_by("doc_type"),
        "retired": store.counts_by("status", include_retired=True).get("superseded", 0),
        "ingest": {"state": "running", "pid": pid} if pid else {"state": "idle"},
        "runs": runs,
        "failed": [d for d in documents if d["status"] in ("failed", "needs_ocr", "partial")],
        "sources": documents,
    }


def print_table(console: Console, title: str | None, header: list[str], rows: list[list[Any]]) -> None:
    """A rich table on a terminal; on a pipe or file, tab-separated lines (header first) that are
    never wrapped or cut, so cron logs and ``cut -f`` keep whole paths and ids."""
    if console.is_terminal:
        table = Table(*header, title=title)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        console.print(table)
        return
    for row in [header, *rows]:  # rich would expand the tabs: write the lines as they are
        console.file.write("\t".join("" if v is None else " ".join(str(v).split()) for v in row) + "\n")


def render_status(report: dict[str, Any], console: Console) -> None:
    counts = report["counts"]
    total = sum(counts.values())
    if not total:
        console.print("Ingenting er lest inn ennå: kjør `saksfinn ingest MAPPE`.")
        return
    console.print(
        f"[bold]{report['documents']} søkbare dokumenter[/bold] fra {total} kilder: "
        + ", ".join(f"{n} {STATUS_LABELS.get(k, k)}" for k, n in sorted(counts.items())),
        highlight=False,
    )
    if report.get("retired"):
        console.print(f"{report['retired']} eldre versjoner tatt vare på som erstattet (ikke søkbare)", highlight=False)
    if report["ingest"]["state"] == "running":
        console.print(f"[yellow]En innlesing kjører nå (pid {report['ingest']['pid']})[/yellow]")
    if report["by_municipality"]:
        print_table(console, "Kilder per kommune", ["Kommune", *(STATUS_LABELS[k] for k in SOURCE_COLUMNS)],
                    [[name, *(c.get(k, 0) for k in SOURCE_COLUMNS)] for name, c in report["by_municipality"].items()])
    if report["runs"]:
        print_table(console, "Siste kjøringer", ["Kjøring", "Startet", "nye", "endret", "uendret", "feilet", "trukket tilbake"], [
            [r["run_id"], r["started"][:19], *(r["counts"][k] for k in ("new", "changed", "unchanged", "failed", "withdrawn"))]
            for r in report["runs"]])
    for d in report["failed"]:
        since = f" (feiler siden {d['failing_since']:%Y-%m-%d})" if d.get("failing_since") else ""
        console.print(f"[yellow]{STATUS_LABELS.get(d['status'], d['status'])}[/yellow] {escape(d['source'])}: {escape(in_norwegian(d['reason']))}{since}",
                      highlight=False)
    console.print("Klar til søk: saksfinn search \"heltidskultur erfaringer\"")


def resolve_document(store: Store, ref: str) -> str:
    """A document id from an id, a unique id prefix, or a source path."""
    if store.has_document(ref):
        return ref
    row = store.get_source(str(Path(ref).expanduser().resolve())) or store.get_source(ref)
    if row and row["document_id"] and store.has_document(row["document_id"]):
        return row["document_id"]
    matches = store.find_document_ids(ref.lower()) if re.fullmatch(r"[0-9a-fA-F]{1,63}", ref) else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise StoreError(f"«{ref}» er tvetydig: passer til {len(matches)} dokumenter — gi flere tegn av id-en: "
                         + "; ".join(_candidate(store, d) for d in sorted(matches)[:SHOWN_CANDIDATES])
                         + (" …" if len(matches) > SHOWN_CANDIDATES else ""))
    raise StoreError(f"fant ikke noe dokument «{ref}» — se `saksfinn status --json` for id-ene")


SHOWN_CANDIDATES = 8


def _candidate(store: Store, document_id: str) -> str:
    row = store.document_row(document_id) or {}
    about = ", ".join(x for x in (row.get("municipality"), row.get("title")) if x)
    return f"{document_id[:12]}" + (f" ({about[:60]})" if about else "")


def render_document(store: Store, ref: str, console: Console) -> None:
    document_id = resolve_document(store, ref)
    row = store.document_row(document_id) or {}
    meta = row.get("meta") or {}
    console.print(f"[bold]{row.get('title') or '(uten tittel)'}[/bold]")
    for label, value in (
        ("Id", document_id), ("Kilde", row.get("source")), ("Kommune", row.get("municipality")),
        ("Type", row.get("doc_type")), ("Dato", row.get("date")), ("Saksnr", row.get("case_number")),
        ("Saksbehandler", meta.get("saksbehandler")), ("Sider", row.get("pages")),
        ("Status", _status_line(row, full=not console.is_terminal)),
        ("Temaer", ", ".join(row.get("themes") or []) or None),
        ("Søkes som", row.get("twin_of")),
    ):
        if value:
            console.print(f"  {label}: {value}", highlight=False, markup=False)
    for alt in alternates(store, document_id):
        console.print(f"  Annet format: {alt['source']} ({alt['document_id']})", highlight=False, markup=False)
    for m in meta.get("meetings") or []:
        console.print(f"  Møte: {m.get('body')} {m.get('date') or ''} {m.get('case_ref') or ''}", highlight=False)
    findings = store.findings(document_id=document_id)
    for ftype, label in TYPE_LABELS.items():
        items = [f for f in findings if f.type == ftype]
        if not items:
            continue
        console.print(f"\n[bold]{label}[/bold] ({len(items)})")
        for f in items:
            console.print(f"  • {_finding_line(f, cut=console.is_terminal)}", highlight=False, markup=False)


def _status_line(row: dict[str, Any], full: bool = False) -> str | None:
    status = row.get("status")
    if status == "superseded":
        successor = row.get("superseded_by")
        shown = successor if full or not successor else successor[:12]
        return f"erstattet{' av ' + shown if successor else ''} (ikke søkbar)"
    if status == "withdrawn":
        when = row.get("retired_at")
        return f"trukket tilbake ved kilden{f' {when:%d.%m.%Y}' if when else ''} (ikke søkbar)"
    return STATUS_WORDS.get(status, status)


STATUS_WORDS = {"ingested": "lest inn", "partial": "delvis lest", "needs_ocr": "trenger OCR", "failed": "feilet"}


def _finding_line(f: Any, cut: bool = True) -> str:
    prefix = ""
    if f.type == "decision":
        prefix = f"[{f.kind}{', ' + f.body if f.body else ''}] "
    elif f.type == "experience":
        prefix = "[+] " if f.polarity == "positive" else "[−] "
    elif f.type == "project":
        prefix = f"[{f.name}] "
    text = " ".join(f.text.split())
    if cut and len(text) > 300:
        text = text[:297] + "…"
    model = f", modell {round(f.confidence * 100)} %" if is_model_extractor(f.extractor) else ""
    return f"{prefix}{text} (s. {f.page}{model})"


def document_json(store: Store, ref: str) -> dict[str, Any]:
    """One document as ``saksfinn show --json`` prints it: every stored field, its metadata and
    every finding in full (the records as stored, never shortened)."""
    document_id = resolve_document(store, ref)
    row = store.document_row(document_id) or {}
    skip = {"file_path", "signature"}
    out = {k: v for k, v in row.items() if k not in skip}
    out["themes"] = list(row.get("themes") or ())
    out["alternates"] = [a["document_id"] for a in alternates(store, document_id)]
    out["findings"] = [f.model_dump(mode="json") for f in store.findings(document_id=document_id)]
    return out
