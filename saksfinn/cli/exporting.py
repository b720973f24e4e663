"""The `export` command: findings (or, with ``--type vote``, votes) with provenance as
JSONL, CSV, XLSX or Parquet."""

from __future__ import annotations

from typing import Optional

import typer

from saksfinn import vocabulary as vocab
from saksfinn.cli.common import (
    MIN_CONFIDENCE_HELP, SINCE_HELP, UNTIL_HELP, _choices, _municipality, _settings, _store, err, expected_errors,
)


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

