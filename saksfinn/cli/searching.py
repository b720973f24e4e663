"""The reading commands: `search`, `show` (one document) and `watch add|list|remove`
(saved searches)."""

from __future__ import annotations

import json
from typing import Optional

import typer

from saksfinn import vocabulary as vocab
from saksfinn.cli.common import (
    MIN_CONFIDENCE_HELP, SINCE_HELP, UNTIL_HELP, _choices, _municipality, _settings, _store, console, expected_errors,
)


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


@expected_errors
def watch_remove(watch_id: str) -> None:
    """Remove a saved search."""
    from saksfinn.flows.watches import remove_watch

    remove_watch(_store(_settings()), watch_id)
    console.print(f"Fjernet det lagrede søket {watch_id}", markup=False, highlight=False)

