"""Run reports a person reads in the morning: JSON for machines, Markdown for people."""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from pathlib import Path

from saksfinn.models import Change, IngestRun


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
    if run.stage_seconds:
        lines += ["## Tid per steg", "", "| steg | sekunder |", "|---|---|"]
        lines += [f"| {k} | {v:.2f} |" for k, v in run.stage_seconds.items()]
        lines.append("")
    problems = [o for o in run.outcomes if o.reason and o.change in (Change.FAILED,) or (o.status and o.status.value in ("failed", "needs_ocr", "partial"))]
    if problems:
        lines += ["## Feil og mangler", "", "| kilde | status | årsak |", "|---|---|---|"]
        lines += [f"| {o.source} | {o.status.value if o.status else o.change.value} | {o.reason or ''} |" for o in problems]
        lines.append("")
    if run.watch_matches:
        lines += ["## Nye treff på lagrede søk", ""]
        for watch, hits in run.watch_matches.items():
            lines.append(f"- **{watch}**: {len(hits)} nye dokumenter")
        lines.append("")
    if run.error:
        lines += [f"**Problemer med kildene:** {run.error}", ""]
    return "\n".join(lines)


def _per_municipality(run: IngestRun) -> list[str]:
    table: dict[str, Counter] = defaultdict(Counter)
    for o in run.outcomes:
        table[o.municipality or "ukjent"][o.change.value] += 1
    if not table:
        return []
    lines = ["## Per kommune", "", "| kommune | nye | endret | uendret | feilet |", "|---|---|---|---|---|"]
    for name in sorted(table):
        c = table[name]
        lines.append(f"| {name} | {c['new']} | {c['changed']} | {c['unchanged']} | {c['failed']} |")
    return lines + [""]


def write_report(run: IngestRun, reports_dir: Path) -> Path:
    """Write ``<run_id>.json`` and ``<run_id>.md``; ``latest.*`` point at the newest."""
    reports_dir.mkdir(parents=True, exist_ok=True)
    base = reports_dir / run.run_id
    _atomic_write(base.with_suffix(".json"), json.dumps(run.model_dump(mode="json"), ensure_ascii=False, indent=2))
    _atomic_write(base.with_suffix(".md"), render_markdown(run))
    for suffix in (".json", ".md"):
        _atomic_write((reports_dir / "latest").with_suffix(suffix), base.with_suffix(suffix).read_text())
    return base.with_suffix(".json")


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
