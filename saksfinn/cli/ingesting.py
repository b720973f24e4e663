"""The ingest-side commands: `ingest` (and its run report), `status` and `schedule` (the
nightly Prefect deployment)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import typer

from saksfinn.cli.common import _municipality, _settings, _store, console, err, expected_errors, fail
from saksfinn.models.errors import SaksfinnError


@expected_errors
def ingest(
    paths: list[str] = typer.Argument(
        ..., help="Files or folders (PDF, text, Markdown, HTML), PDF URLs, or a sources .toml file."
    ),
    municipality: Optional[str] = typer.Option(None, "--municipality", "-m", metavar="KOMMUNE",
                                               help="Municipality of all these documents (a known name)."),
    new_municipality: bool = typer.Option(False, "--new-municipality",
                                          help="Accept a --municipality name the gazetteer does not know."),
    wait: float = typer.Option(0.0, metavar="SEKUNDER",
                               help="Seconds to wait if another run is active (default: exit at once)."),
    as_json: bool = typer.Option(False, "--json", help="Print the run report as JSON."),
) -> None:
    """Read, section, extract and index documents; unchanged files are skipped."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from saksfinn.flows.ingest import run_ingest

    settings = _settings()
    if municipality is not None and new_municipality:
        municipality = " ".join(municipality.split()) or None
    elif municipality is not None:
        try:
            municipality = _municipality(_store(settings), municipality)
        except SaksfinnError as exc:
            fail(f"{exc} (en ny kommune: legg til --new-municipality)")
    missing = [p for p in paths if not p.startswith(("http://", "https://")) and not Path(p).expanduser().exists()]
    if missing:
        fail(f"fant ikke filen eller mappen {', '.join(missing)} — sjekk stien")
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=as_json or not err.is_terminal,
    ) as bar:
        task_id = bar.add_task("Leser dokumenter", total=None)

        def progress(_stage: str, done: int, total: int) -> None:
            bar.update(task_id, completed=done, total=total)

        run = run_ingest(list(paths), settings, municipality=municipality, progress=progress, wait_seconds=wait)
    if as_json:
        print(json.dumps(run.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    _print_run(run)


RUN_COUNT_WORDS = (("new", "nye"), ("changed", "endret"), ("unchanged", "uendret"), ("rederived", "utledet på nytt"),
                   ("duplicate", "duplikater"), ("failed", "feilet"), ("withdrawn", "trukket tilbake"))
STATUS_WORDS = {"failed": "feilet", "needs_ocr": "trenger OCR", "partial": "delvis lest"}


def _print_run(run: Any) -> None:
    counts = run.counts()
    secs = (run.finished - run.started).total_seconds() if run.finished else 0.0
    summary = ", ".join(f"{counts[key]} {word}" for key, word in RUN_COUNT_WORDS)
    if counts.get("restored"):
        summary += f", {counts['restored']} gjenopprettet"
    console.print(f"[bold]Innlesing {run.run_id}[/bold] ({secs:.1f} s): {summary}")
    from rich.markup import escape

    from saksfinn.flows.reasons import in_norwegian
    from saksfinn.flows.report import CHANGE_WORDS, listed, new_documents, watch_name, what_happened

    shown = set()
    for o in listed(run):
        shown.add(o.source)
        where = f" [{o.municipality}]" if o.municipality else ""
        note = what_happened(o)
        word = CHANGE_WORDS.get(o.change.value, o.change.value)
        console.print(f"  {word:<16}{where} {o.source}" + (f": {note}" if note else ""), highlight=False, markup=False)
    for o in run.outcomes:
        if o.source not in shown and o.status and o.status.value in STATUS_WORDS:
            console.print(f"  [yellow]{STATUS_WORDS[o.status.value]}[/yellow] {escape(o.source)}: "
                          f"{escape(in_norwegian(o.reason))}", highlight=False)
    if run.error:
        console.print(f"  [yellow]problemer:[/yellow] {escape(in_norwegian(run.error))}")
    for watch_id, document_ids in run.watch_matches.items():
        console.print(f"Lagret søk {watch_name(run, watch_id)}: {new_documents(len(document_ids))}", markup=False)
    if run.index:
        console.print(f"Søkeindeks: {run.index.get('chunks', 0)} tekstbiter"
                      + (f" ({run.index.get('embedded', 0)} nye vektorer)" if run.index.get("rebuilt") else " (oppdatert fra før)"))


@expected_errors
def status(as_json: bool = typer.Option(False, "--json", help="Machine-readable output.")) -> None:
    """Documents by status and municipality, the last runs, and failures with reasons."""
    from saksfinn.flows.status import collect_status

    settings = _settings()
    report = collect_status(_store(settings), settings.home)
    if as_json:
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return
    from saksfinn.flows.status import render_status

    render_status(report, console)



@expected_errors
def schedule(
    sources: list[str] = typer.Argument(..., help="Folders, files, URLs or a sources .toml file"),
    cron: str = typer.Option("0 2 * * *", help="Cron expression in Europe/Oslo time"),
    name: str = typer.Option("nightly", help="Deployment name"),
) -> None:
    """Serve the ingestion flow as a Prefect deployment on a cron schedule."""
    from saksfinn.flows.nightly import serve_schedule

    serve_schedule(sources, cron=cron, name=name)
