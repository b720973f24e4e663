"""The `saksfinn` command: a thin shell over the library. Expected errors print one
line and exit 1; nothing heavy is imported until a command needs it."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, Optional

import typer
import typer.core
from rich.console import Console

from saksfinn import vocabulary as vocab
from saksfinn.models.errors import IndexNotBuiltError, SaksfinnError
from saksfinn.settings import Settings, get_settings

log = logging.getLogger(__name__)

try:  # typer vendors click from 0.26 on
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors
# click's Abort (Ctrl-C, EOF at a prompt) is typer's own class since typer vendors click
Abort = getattr(click_errors, "Abort", None) or typer.Abort


class _OneLineErrors(typer.core.TyperGroup):
    """Usage errors (a bad number, an unknown option) as one line and exit 1, not a framed box."""

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click_errors.ClickException as exc:
            where = f" (se `{exc.ctx.command_path} --help`)" if getattr(exc, "ctx", None) else ""
            err.print(f"[red]Feil:[/red] {exc.format_message()}{where}", highlight=False, soft_wrap=True)
            sys.exit(1)
        except Abort:
            err.print("Avbrutt.")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


def _type_column(self: Any, ctx: Any) -> str | None:
    """Help shows a metavar where one is given (TYPE, ÅR|DATO) and nothing for flags, instead of
    typer's ``<str>``/``<bool>``; the allowed values are in the help text."""
    return None if getattr(self, "is_flag", False) else self.metavar if isinstance(self, typer.core.TyperOption) else None


typer.core.TyperOption.display_type_rich = _type_column  # type: ignore[method-assign]
typer.core.TyperArgument.display_type_rich = _type_column  # type: ignore[method-assign]

app = typer.Typer(
    cls=_OneLineErrors,
    help="saksfinn: find and reuse what Norwegian municipalities wrote in their council papers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
watch_app = typer.Typer(help="Saved searches: get told about new documents that match.", no_args_is_help=True)
app.add_typer(watch_app, name="watch")
console = Console()
err = Console(stderr=True)


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details to stderr.")) -> None:
    """saksfinn: find and reuse what Norwegian municipalities wrote in their council papers."""
    import logging

    for out in (console, err):  # to a pipe or file: whole lines, never wrapped at 80 columns
        out.soft_wrap = not out.is_terminal
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("saksfinn").setLevel(level)
    for noisy in ("httpx", "sentence_transformers", "transformers", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def fail(message: str) -> None:
    err.print(f"[red]Feil:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


INDEX_MISSING = "søkeindeksen er ikke bygget ennå — kjør `saksfinn ingest MAPPE` først"


def expected_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn SaksfinnError (and a missing file) into one line and exit code 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except IndexNotBuiltError as exc:
            log.debug("%s", exc)
            fail(INDEX_MISSING)
        except SaksfinnError as exc:
            fail(str(exc))
        except FileNotFoundError as exc:
            fail(f"fant ikke filen eller mappen {exc.filename} — sjekk stien")
        except PermissionError as exc:
            fail(f"mangler tilgang til {exc.filename} — sjekk rettighetene")
        except KeyboardInterrupt:
            fail("avbrutt")

    return wrapper


def _settings() -> Settings:
    return get_settings()


def _store(settings: Settings):  # noqa: ANN202
    from saksfinn.index.storage.store import Store

    return Store(settings.db_url, files_dir=settings.files_dir)


# ---- ingest ----------------------------------------------------------------------------
@app.command()
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


# ---- status ----------------------------------------------------------------------------
@app.command()
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


# ---- search ----------------------------------------------------------------------------
SINCE_HELP = "From this year or date: 2025, 2025-03-01 or 01.03.2025"
UNTIL_HELP = "Up to and including this year or date"
MIN_CONFIDENCE_HELP = "Leave out findings less certain than this, 0–1 (rules are 1.0; model findings their probability)"


def _choices(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def _municipality(store: Any, value: str | None) -> str | None:
    """A known municipality (gazetteer or already in the archive), canonically spelled."""
    if value is None:
        return None
    return vocab.municipality(value, extra=store.counts_by("municipality", include_retired=True))


@app.command()
@expected_errors
def search(
    query: str = typer.Argument(..., help="What to look for, in Norwegian."),
    top: int = typer.Option(10, "--top", "-n", metavar="N", help="How many hits, 1–100"),
    municipality: Optional[str] = typer.Option(None, "--municipality", "-m", metavar="KOMMUNE",
                                               help="A municipality name (Steinkjer, Bærum, …)"),
    type: Optional[str] = typer.Option(None, "--type", "-t", metavar="TYPE", help=_choices(vocab.HIT_TYPES)),
    doc_type: Optional[str] = typer.Option(None, "--doc-type", metavar="DOKTYPE", help=_choices(vocab.DOC_TYPES)),
    polarity: Optional[str] = typer.Option(None, metavar="POLARITET",
                                           help=f"{_choices(vocab.POLARITIES)} (experiences)"),
    theme: Optional[str] = typer.Option(None, metavar="TEMA", help=_choices(vocab.THEME_IDS)),
    since: Optional[str] = typer.Option(None, metavar="ÅR|DATO", help=SINCE_HELP),
    until: Optional[str] = typer.Option(None, metavar="ÅR|DATO", help=UNTIL_HELP),
    mode: str = typer.Option("hybrid", metavar="MODUS", help=_choices(vocab.SEARCH_MODES)),
    min_confidence: Optional[float] = typer.Option(None, "--min-confidence", metavar="0–1", help=MIN_CONFIDENCE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Search passages and findings across municipalities."""
    from saksfinn.flows.searching import Searcher, render_hits

    settings = _settings()
    vocab.positive(top, "--top", most=100)
    filters = {
        "type": vocab.hit_type(type), "doc_type": vocab.doc_type(doc_type), "polarity": vocab.polarity(polarity),
        "theme": vocab.theme(theme), "min_confidence": vocab.fraction(min_confidence, "--min-confidence"),
    }
    when = vocab.period(since, until)
    searcher = Searcher(settings)
    filters["municipality"] = _municipality(searcher.store, municipality)
    hits = searcher.search(query, top=top, mode=vocab.search_mode(mode), period=when, **filters)
    if as_json:
        print(json.dumps([h.model_dump(mode="json") for h in hits], ensure_ascii=False, indent=2))
        return
    render_hits(hits, console)


# ---- export / show ---------------------------------------------------------------------
@app.command()
@expected_errors
def export(
    format: str = typer.Option("jsonl", "--format", "-f", metavar="FORMAT", help="jsonl, csv, xlsx or parquet"),
    out: str = typer.Option("-", "--out", "-o", metavar="FIL", help="File to write, or - for standard output"),
    type: Optional[str] = typer.Option(None, "--type", "-t", metavar="TYPE",
                                       help=_choices((*vocab.FINDING_TYPES, "vote"))),
    municipality: Optional[str] = typer.Option(None, "--municipality", "-m", metavar="KOMMUNE",
                                               help="A municipality name (Steinkjer, Bærum, …)"),
    since: Optional[str] = typer.Option(None, metavar="ÅR|DATO", help=SINCE_HELP),
    until: Optional[str] = typer.Option(None, metavar="ÅR|DATO", help=UNTIL_HELP),
    polarity: Optional[str] = typer.Option(None, metavar="POLARITET",
                                           help=f"{_choices(vocab.POLARITIES)} (experiences)"),
    doc_type: Optional[str] = typer.Option(None, "--doc-type", metavar="DOKTYPE", help=_choices(vocab.DOC_TYPES)),
    theme: Optional[str] = typer.Option(None, metavar="TEMA", help=_choices(vocab.THEME_IDS)),
    min_confidence: Optional[float] = typer.Option(None, "--min-confidence", metavar="0–1", help=MIN_CONFIDENCE_HELP),
) -> None:
    """Export findings with provenance for analysts (``--type vote``: one row per votering)."""
    from saksfinn.index.exports.export import ExportFilters, export_findings

    store = _store(_settings())
    when = vocab.period(since, until)
    municipality = _municipality(store, municipality)
    type = vocab.choose("funntype", type, (*vocab.FINDING_TYPES, "vote"))
    if type == "vote":
        from saksfinn.index.exports.votes import VoteFilters, export_votes

        vote_filters = VoteFilters.parse(municipality=municipality, since=when.start.isoformat() if when.start else None)
        n = export_votes(store, vote_filters, format, out)
        if out != "-":
            err.print(f"Skrev {n} voteringer til {out}", highlight=False, markup=False)
        return

    filters = ExportFilters(type=type, municipality=municipality, since=when.start, until=when.end,
                            theme=vocab.theme(theme), polarity=vocab.polarity(polarity),
                            doc_type=vocab.doc_type(doc_type),
                            min_confidence=vocab.fraction(min_confidence, "--min-confidence"))
    n = export_findings(store, filters, format, out)
    if out != "-":
        err.print(f"Skrev {n} funn til {out}", highlight=False, markup=False)


@app.command()
@expected_errors
def show(
    document: str = typer.Argument(..., help="Document id (or a unique prefix) or source path"),
    as_json: bool = typer.Option(False, "--json", help="The document and all its findings, in full, as JSON."),
) -> None:
    """One document's metadata and findings, grouped by type."""
    from saksfinn.flows.status import document_json, render_document

    if as_json:
        print(json.dumps(document_json(_store(_settings()), document), ensure_ascii=False, indent=2, default=str))
        return
    render_document(_store(_settings()), document, console)


# ---- serve / schedule ------------------------------------------------------------------
@app.command()
@expected_errors
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to bind (loopback by default)"),
    port: int = typer.Option(8000),
) -> None:
    """Serve the web page and JSON API for advisers."""
    import uvicorn

    from saksfinn.web.app import create_app

    uvicorn.run(create_app(_settings()), host=host, port=port, log_level="info")


@app.command()
@expected_errors
def schedule(
    sources: list[str] = typer.Argument(..., help="Folders, files, URLs or a sources .toml file"),
    cron: str = typer.Option("0 2 * * *", help="Cron expression in Europe/Oslo time"),
    name: str = typer.Option("nightly", help="Deployment name"),
) -> None:
    """Serve the ingestion flow as a Prefect deployment on a cron schedule."""
    from saksfinn.flows.nightly import serve_schedule

    serve_schedule(sources, cron=cron, name=name)


# ---- watch -----------------------------------------------------------------------------
@watch_app.command("add")
@expected_errors
def watch_add(
    query: str = typer.Argument(..., help="What to look for, in Norwegian."),
    municipality: Optional[str] = typer.Option(None, "--municipality", "-m", metavar="KOMMUNE",
                                               help="A municipality name (Steinkjer, Bærum, …)"),
    type: Optional[str] = typer.Option(None, "--type", "-t", metavar="TYPE", help=_choices(vocab.HIT_TYPES)),
) -> None:
    """Save a search; new matching documents are listed after each run."""
    from saksfinn.flows.watches import add_watch

    store = _store(_settings())
    watch_id = add_watch(store, query, municipality=_municipality(store, municipality), type=vocab.hit_type(type))
    console.print(f"Lagret søk {watch_id}: {query}\nAtom-feed (når `saksfinn serve` kjører): /feeds/watch/{watch_id}.atom",
                  markup=False, highlight=False)


@watch_app.command("list")
@expected_errors
def watch_list(as_json: bool = typer.Option(False, "--json")) -> None:
    """List saved searches."""
    from saksfinn.flows.watches import list_watches

    rows = list_watches(_store(_settings()))
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    if not rows:
        console.print("Ingen lagrede søk. Lagre ett med `saksfinn watch add \"heltidskultur\"`.")
        return
    from saksfinn.flows.status import print_table

    print_table(console, "Lagrede søk", ["Id", "Søk", "Kommune", "Type", "Lagret"], [
        [r["watch_id"], r["query"], (r["filters"] or {}).get("municipality"), (r["filters"] or {}).get("type"),
         f"{r['created']:%Y-%m-%d %H:%M}" if r.get("created") else None] for r in rows])


@watch_app.command("remove")
@expected_errors
def watch_remove(watch_id: str) -> None:
    """Remove a saved search."""
    from saksfinn.flows.watches import remove_watch

    remove_watch(_store(_settings()), watch_id)
    console.print(f"Fjernet det lagrede søket {watch_id}", markup=False, highlight=False)


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
