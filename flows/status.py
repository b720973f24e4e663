"""What the store holds, for `saksfinn status` and `saksfinn show`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from saksfinn.index.store import Store
from saksfinn.models.errors import StoreError

TYPE_LABELS = {"decision": "Vedtak og innstillinger", "goal": "Mål", "experience": "Erfaringer", "project": "Prosjekter"}


def collect_status(store: Store) -> dict[str, Any]:
    """Counts by status and municipality, the last runs, and every source ever seen."""
    sources = store.sources()
    documents = [
        {
            "source": row["source"],
            "document_id": row["document_id"],
            "status": row["status"],
            "reason": row["reason"],
            "municipality_hint": row["municipality_hint"],
            "last_seen": row["last_seen"],
        }
        for row in sources
    ]
    by_municipality = store.counts_by("municipality")
    runs = [
        {
            "run_id": r.run_id,
            "started": r.started.isoformat(),
            "finished": r.finished.isoformat() if r.finished else None,
            "counts": r.counts(),
        }
        for r in store.runs(limit=5)
    ]
    return {
        "counts": store.source_counts(),
        "by_municipality": by_municipality,
        "by_doc_type": store.counts_by("doc_type"),
        "runs": runs,
        "failed": [d for d in documents if d["status"] in ("failed", "needs_ocr", "partial")],
        "documents": documents,
    }


def render_status(report: dict[str, Any], console: Console) -> None:
    counts = report["counts"]
    total = sum(counts.values())
    console.print(f"[bold]{total} sources[/bold]: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) if total else "Nothing ingested yet: run `saksfinn ingest FOLDER`.")
    if report["by_municipality"]:
        table = Table("Kommune", "Dokumenter", title="Per kommune")
        for name, n in sorted(report["by_municipality"].items()):
            table.add_row(name, str(n))
        console.print(table)
    if report["runs"]:
        table = Table("Run", "Started", "new", "changed", "unchanged", "failed", title="Last runs")
        for r in report["runs"]:
            c = r["counts"]
            table.add_row(r["run_id"], r["started"][:19], str(c["new"]), str(c["changed"]), str(c["unchanged"]), str(c["failed"]))
        console.print(table)
    for d in report["failed"]:
        console.print(f"[yellow]{d['status']}[/yellow] {d['source']}: {d['reason']}", highlight=False)
    if total:
        console.print("Ready to search: saksfinn search \"heltidskultur erfaringer\"")


def resolve_document(store: Store, ref: str) -> str:
    """A document id from an id, a unique id prefix, or a source path."""
    if store.has_document(ref):
        return ref
    row = store.get_source(str(Path(ref).expanduser().resolve())) or store.get_source(ref)
    if row and row["document_id"] and store.has_document(row["document_id"]):
        return row["document_id"]
    matches = store.find_document_ids(ref) if len(ref) >= 6 else []
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise StoreError(f"{ref!r} matches {len(matches)} documents; give more of the id")
    raise StoreError(f"no document {ref!r}; see `saksfinn status --json` for ids")


def render_document(store: Store, ref: str, console: Console) -> None:
    document_id = resolve_document(store, ref)
    row = store.document_row(document_id) or {}
    meta = row.get("meta") or {}
    console.print(f"[bold]{row.get('title') or '(uten tittel)'}[/bold]")
    for label, value in (
        ("Id", document_id), ("Kilde", row.get("source")), ("Kommune", row.get("municipality")),
        ("Type", row.get("doc_type")), ("Dato", row.get("date")), ("Saksnr", row.get("case_number")),
        ("Saksbehandler", meta.get("saksbehandler")), ("Sider", row.get("pages")), ("Status", row.get("status")),
        ("Temaer", ", ".join(row.get("themes") or []) or None),
    ):
        if value:
            console.print(f"  {label}: {value}", highlight=False, markup=False)
    for m in meta.get("meetings") or []:
        console.print(f"  Møte: {m.get('body')} {m.get('date') or ''} {m.get('case_ref') or ''}", highlight=False)
    findings = store.findings(document_id=document_id)
    for ftype, label in TYPE_LABELS.items():
        items = [f for f in findings if f.type == ftype]
        if not items:
            continue
        console.print(f"\n[bold]{label}[/bold] ({len(items)})")
        for f in items:
            console.print(f"  • {_finding_line(f)}", highlight=False, markup=False)


def _finding_line(f: Any) -> str:
    prefix = ""
    if f.type == "decision":
        prefix = f"[{f.kind}{', ' + f.body if f.body else ''}] "
    elif f.type == "experience":
        prefix = "[+] " if f.polarity == "positive" else "[−] "
    elif f.type == "project":
        prefix = f"[{f.name}] "
    text = " ".join(f.text.split())
    if len(text) > 300:
        text = text[:297] + "…"
    return f"{prefix}{text} (s. {f.page})"
