"""What the pages and the API show, read from the store: finding rows under the web
filters, one document with its findings, and the counts behind the overview charts.

Finding rows are the export contract (:data:`saksfinn.index.exports.export.COLUMNS`), so the
API, the export buttons and ``saksfinn export`` agree on every field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel

from saksfinn import vocabulary as vocab
from saksfinn.index.exports.export import ExportFilters, finding_rows, row_year
from saksfinn.index.storage.store import Store
from saksfinn.models import Hit
from saksfinn.web.params import FindingParams

UNKNOWN = "ukjent"
P = TypeVar("P", bound=BaseModel)


def checked(store: Store, params: P) -> P:
    """``params`` with its municipality spelled as the gazetteer (or the archive) spells it;
    an unknown municipality raises InvalidValueError ("mente du Steinkjer?") — a 422."""
    name = getattr(params, "municipality", None)
    if name is None:
        return params
    known = vocab.municipality(name, extra=store.counts_by("municipality", include_retired=True))
    return params.model_copy(update={"municipality": known})


def filtered_rows(store: Store, params: FindingParams) -> Iterator[dict[str, Any]]:
    """Finding rows (export contract) matching every filter in ``params``, in store order."""
    since = f"{params.year_from:04d}-01-01" if params.year_from else None
    filters = dataclasses.replace(ExportFilters.parse(
        type=params.type, municipality=params.municipality, since=since, theme=params.theme,
        document_id=params.document_id,
    ), min_confidence=params.min_confidence)
    for row in finding_rows(store, filters):
        if params.polarity and row["polarity"] != params.polarity:
            continue
        if params.doc_type and row["doc_type"] != params.doc_type:
            continue
        if params.year_to and (row["year"] is None or row["year"] > params.year_to):
            continue
        yield row


def page_of(rows: Iterable[dict[str, Any]], offset: int, limit: int) -> list[dict[str, Any]]:
    out = []
    for i, row in enumerate(rows):
        if i >= offset + limit:
            break
        if i >= offset:
            out.append(row)
    return out


def rows_for_hits(store: Store, hits: list[Hit], params: FindingParams) -> list[dict[str, Any]]:
    """Finding rows for the hits that are findings, in hit order (passages have no row)."""
    wanted = [h.finding_id for h in hits if h.finding_id]
    if not wanted:
        return []
    by_id = {row["finding_id"]: row for row in filtered_rows(store, params.model_copy(update={"type": None}))}
    return [by_id[f] for f in dict.fromkeys(wanted) if f in by_id]


# ---- one document -------------------------------------------------------------------------

FINDING_GROUPS: tuple[tuple[str, str], ...] = (
    ("decision", "Vedtak og innstillinger"),
    ("goal", "Mål"),
    ("experience_positive", "Positive erfaringer"),
    ("experience_negative", "Negative erfaringer"),
    ("project", "Prosjekter"),
)


@dataclass(frozen=True)
class DocumentView:
    row: dict[str, Any]
    meta: dict[str, Any]
    findings: list[Any]
    groups: list[tuple[str, str, list[Any]]]  # (key, Norwegian label, findings)
    sections: list[Any] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)  # versions of the same source, oldest first
    alternates: list[dict[str, Any]] = field(default_factory=list)  # twins: the same case in another format


def document_view(store: Store, document_id: str) -> DocumentView | None:
    """The stored document's row, metadata, findings grouped for display, and sections."""
    row = store.document_row(document_id)
    if row is None:
        return None
    findings = store.findings(document_id=document_id)
    grouped: dict[str, list[Any]] = {key: [] for key, _ in FINDING_GROUPS}
    for f in findings:
        key = f"experience_{f.polarity}" if f.type == "experience" else f.type
        grouped.setdefault(key, []).append(f)
    groups = [(key, label, grouped[key]) for key, label in FINDING_GROUPS]
    try:
        sections = list(store.load_document(document_id).sections)
    except (ValueError, KeyError):  # a stored record this version cannot read: show the rest
        sections = []
    from saksfinn.index.storage.lifecycle import history
    from saksfinn.index.storage.twins import alternates

    return DocumentView(row=row, meta=row.get("meta") or {}, findings=findings, groups=groups, sections=sections,
                        history=history(store, document_id), alternates=alternates(store, document_id))


# ---- overview -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Overview:
    documents: int
    findings: int
    by_type: dict[str, int]
    theme_municipality: dict[tuple[str, str], int]  # (theme, municipality) -> findings
    theme_year: dict[tuple[str, int], int]  # (theme, year) -> findings
    experiences: dict[tuple[str, str], int]  # (theme, polarity) -> experiences
    municipalities: list[str]
    years: list[int]
    themes: list[str]


def overview(rows: Iterable[dict[str, Any]], documents: int) -> Overview:
    """Counts per theme by municipality and year, and experiences by polarity (a finding with
    several themes counts once for each)."""
    by_type: Counter[str] = Counter()
    theme_mun: Counter[tuple[str, str]] = Counter()
    theme_year: Counter[tuple[str, int]] = Counter()
    experiences: Counter[tuple[str, str]] = Counter()
    n = 0
    for row in rows:
        n += 1
        by_type[row["type"]] += 1
        year = row.get("year")
        for theme in row["themes"]:
            theme_mun[(theme, row["municipality"] or UNKNOWN)] += 1
            if year is not None:
                theme_year[(theme, year)] += 1
            if row["type"] == "experience" and row["polarity"]:
                experiences[(theme, row["polarity"])] += 1
    themes = sorted({t for t, _ in theme_mun})
    municipalities = sorted({m for _, m in theme_mun}, key=lambda m: (m == UNKNOWN, m))
    years = sorted({y for _, y in theme_year})
    return Overview(
        documents=documents, findings=n, by_type=dict(by_type), theme_municipality=dict(theme_mun),
        theme_year=dict(theme_year), experiences=dict(experiences), municipalities=municipalities,
        years=years, themes=themes,
    )


class OverviewCache:
    """The overview, recomputed only when the store's documents change."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._value: Overview | None = None

    def get(self, store: Store) -> Overview:
        docs = store.documents()
        # the live set itself: a withdrawal and a restore in one run leave count and dates alike
        key = frozenset((d["document_id"], str(d.get("ingested_at")), str(d.get("findings_version"))) for d in docs)
        with self._lock:
            if self._value is not None and self._key == key:
                return self._value
        value = overview(finding_rows(store, ExportFilters()), len(docs))
        with self._lock:
            self._key, self._value = key, value
        return value


def year_span(store: Store) -> tuple[int, int]:
    """First and last year among documents with a known year (this year twice when none)."""
    years = [y for y in map(row_year, store.documents()) if y is not None]
    this = dt.date.today().year
    return (min(years), max(years)) if years else (this, this)
