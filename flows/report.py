"""Run reports a person reads in the morning: JSON for machines, Markdown and HTML for people."""

from __future__ import annotations

import html
import json
import os
from collections import Counter, defaultdict
from pathlib import Path

from saksfinn.flows.reasons import in_norwegian
from saksfinn.models import Change, IngestRun


def new_documents(n: int) -> str:
    """'1 nytt dokument', '2 nye dokumenter' (and '0 nye dokumenter')."""
    return "1 nytt dokument" if n == 1 else f"{n} nye dokumenter"


def watch_name(run: IngestRun, watch_id: str) -> str:
    """A saved search as people know it: its query (and filters), else its id."""
    return run.watch_names.get(watch_id) or watch_id


def render_markdown(run: IngestRun) -> str:
    counts = run.counts()
    lines = [
        f"# Innlesing {run.run_id}",
        "",
        f"Startet {run.started:%d.%m.%Y %H:%M:%S}"
        + (f", ferdig {run.finished:%H:%M:%S} ({(run.finished - run.started).total_seconds():.1f} s)" if run.finished else ""),
        "",
        "| nye | endret | uendret | nye utledninger | duplikater | feilet | trukket tilbake |",
        "|---|---|---|---|---|---|---|",
        "| {new} | {changed} | {unchanged} | {rederived} | {duplicate} | {failed} | {withdrawn} |".format(**counts),
        "",
    ]
    lines += _per_municipality(run)
    items = listed(run)
    if items:
        lines += ["## Dokumenter", "", "| endring | kommune | dokument | kilde | merknad |", "|---|---|---|---|---|"]
        lines += [
            f"| {CHANGE_WORDS[o.change.value]} | {o.municipality or 'ukjent'} | {_md(o.title or '')} | {_md(o.source)} | {_md(what_happened(o))} |"
            for o in items
        ]
        lines.append("")
    if run.stage_seconds:
        lines += ["## Tid per steg", "", "| steg | sekunder |", "|---|---|"]
        lines += [f"| {k} | {v:.2f} |" for k, v in run.stage_seconds.items()]
        lines.append("")
    found = problems(run)
    if found:
        lines += ["## Feil og mangler", "", "| kilde | status | årsak |", "|---|---|---|"]
        lines += [f"| {_md(o.source)} | {o.status.value if o.status else o.change.value} | {_md(what_happened(o))} |" for o in found]
        lines.append("")
    if run.watch_matches:
        lines += ["## Nye treff på lagrede søk", ""]
        sources = sources_by_document(run)
        for watch, document_ids in run.watch_matches.items():
            lines.append(f"- **{_md(watch_name(run, watch))}**: {new_documents(len(document_ids))}")
            lines += [f"  - {sources.get(d, d)}" for d in document_ids]
        lines.append("")
    if run.error:
        lines += [f"**Problemer med kildene:** {run.error}", ""]
    return "\n".join(lines)


LISTED = ("new", "changed", "restored", "withdrawn", "failed")
CHANGE_WORDS = {"new": "ny", "changed": "endret", "restored": "gjenopprettet", "withdrawn": "trukket tilbake",
                "failed": "feilet"}


def listed(run: IngestRun) -> list:
    """Every new, changed, restored, withdrawn and failed source of the run, in that
    order and by municipality: what a person must know about this night."""
    order = {c: i for i, c in enumerate(LISTED)}
    chosen = [o for o in run.outcomes if o.change.value in order]
    return sorted(chosen, key=lambda o: (order[o.change.value], o.municipality or "~", o.source))


def what_happened(o) -> str:  # noqa: ANN001 - a SourceOutcome
    """The note for one listed source: its reason, since when it fails, what it replaced."""
    parts = [in_norwegian(o.reason)]
    if o.failing_since:
        parts.append(f"feiler siden {o.failing_since:%d.%m.%Y %H:%M}")
    if o.change == Change.CHANGED and o.previous_document_id:
        parts.append(f"erstatter {o.previous_document_id[:12]}")
    return "; ".join(p for p in parts if p)


def sources_by_document(run: IngestRun) -> dict[str, str]:
    return {o.document_id: o.source for o in run.outcomes if o.document_id}


def problems(run: IngestRun) -> list:
    """Sources that failed, need OCR or were read only in part, with their reasons."""
    return [
        o for o in run.outcomes
        if o.change == Change.FAILED or (o.status and o.status.value in ("failed", "needs_ocr", "partial"))
    ]


def render_html(run: IngestRun) -> str:
    """A self-contained HTML page (every value escaped) with the same content as the Markdown."""
    counts = run.counts()
    e = html.escape
    secs = f" ({(run.finished - run.started).total_seconds():.1f} s)" if run.finished else ""
    parts = [
        "<!doctype html><html lang=\"no\"><head><meta charset=\"utf-8\">",
        f"<title>Innlesing {e(run.run_id)}</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}</style>",
        f"</head><body><h1>Innlesing {e(run.run_id)}</h1>",
        f"<p>Startet {run.started:%d.%m.%Y %H:%M:%S}{e(secs)}</p>",
        _table(
            ["nye", "endret", "uendret", "nye utledninger", "duplikater", "feilet", "trukket tilbake"],
            [[counts[k] for k in ("new", "changed", "unchanged", "rederived", "duplicate", "failed", "withdrawn")]],
        ),
    ]
    table: dict[str, Counter] = defaultdict(Counter)
    for o in run.outcomes:
        table[o.municipality or "ukjent"][o.change.value] += 1
    if table:
        parts.append("<h2>Per kommune</h2>")
        parts.append(_table(
            ["kommune", "nye", "endret", "uendret", "feilet", "trukket tilbake"],
            [[n, c["new"], c["changed"], c["unchanged"], c["failed"], c["withdrawn"]] for n, c in sorted(table.items())],
        ))
    items = listed(run)
    if items:
        parts.append("<h2>Dokumenter</h2>")
        parts.append(_table(
            ["endring", "kommune", "dokument", "kilde", "merknad"],
            [[CHANGE_WORDS[o.change.value], o.municipality or "ukjent", o.title or "", o.source, what_happened(o)] for o in items],
        ))
    if run.stage_seconds:
        parts.append("<h2>Tid per steg</h2>")
        parts.append(_table(["steg", "sekunder"], [[k, f"{v:.2f}"] for k, v in run.stage_seconds.items()]))
    found = problems(run)
    if found:
        parts.append("<h2>Feil og mangler</h2>")
        parts.append(_table(
            ["kilde", "status", "årsak"],
            [[o.source, o.status.value if o.status else o.change.value, what_happened(o)] for o in found],
        ))
    if run.watch_matches:
        sources = sources_by_document(run)
        parts.append("<h2>Nye treff på lagrede søk</h2><ul>")
        for watch, document_ids in run.watch_matches.items():
            items = "".join(f"<li>{e(sources.get(d, d))}</li>" for d in document_ids)
            parts.append(f"<li><b>{e(watch_name(run, watch))}</b>: {new_documents(len(document_ids))}<ul>{items}</ul></li>")
        parts.append("</ul>")
    if run.error:
        parts.append(f"<p><b>Problemer med kildene:</b> {e(run.error)}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _md(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _table(header: list[str], rows: list[list[object]]) -> str:
    e = html.escape
    head = "".join(f"<th>{e(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{e(str(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def per_municipality(run: IngestRun) -> dict[str, Counter]:
    """Changes counted per municipality (``"ukjent"`` when unknown), names sorted."""
    table: dict[str, Counter] = defaultdict(Counter)
    for o in run.outcomes:
        table[o.municipality or "ukjent"][o.change.value] += 1
    return {name: table[name] for name in sorted(table)}


def _per_municipality(run: IngestRun) -> list[str]:
    table = per_municipality(run)
    if not table:
        return []
    lines = [
        "## Per kommune", "", "| kommune | nye | endret | uendret | feilet | trukket tilbake |", "|---|---|---|---|---|---|"
    ]
    for name in sorted(table):
        c = table[name]
        lines.append(f"| {name} | {c['new']} | {c['changed']} | {c['unchanged']} | {c['failed']} | {c['withdrawn']} |")
    return lines + [""]


def write_report(run: IngestRun, reports_dir: Path) -> Path:
    """Write ``<run_id>.json``, ``.md`` and ``.html``; ``latest.*`` are copies of the newest."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    base = reports_dir / run.run_id
    _atomic_write(base.with_suffix(".json"), json.dumps(run.model_dump(mode="json"), ensure_ascii=False, indent=2))
    _atomic_write(base.with_suffix(".md"), render_markdown(run))
    _atomic_write(base.with_suffix(".html"), render_html(run))
    for suffix in (".json", ".md", ".html"):
        _atomic_write((reports_dir / "latest").with_suffix(suffix), base.with_suffix(suffix).read_text())
    return base.with_suffix(".json")


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
