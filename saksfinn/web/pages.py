"""The HTML pages (Norwegian Bokmål), the source files by document id, and exports.

Pages parse their query string leniently (empty form fields mean "any") and answer
bad input with the page and a message, status 422, never a 500. Files are looked up
by document id in the store; the path on disk comes only from the store's own row and
must lie inside ``settings.files_dir``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from pydantic import ValidationError

from saksfinn.extractors.themes import THEMES
from saksfinn.index.exports.export import render
from saksfinn.models import DocType
from saksfinn.models.chunk import MARK_END, MARK_START
from saksfinn.models.errors import IndexNotBuiltError, SaksfinnError
from saksfinn.models.findings import is_model_extractor
from saksfinn.web import charts
from saksfinn.web.data import checked, document_view, filtered_rows, rows_for_hits, year_span
from saksfinn.web.params import FORM, ExportParams, SearchParams, error_text, form_values, is_document_id
from saksfinn.web.state import AppState

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

TYPE_LABELS = {
    "passage": "Tekstutdrag", "decision": "Vedtak/innstilling", "goal": "Mål", "experience": "Erfaring",
    "project": "Prosjekt",
}
POLARITY_LABELS = {"positive": "positiv", "negative": "negativ"}
DOC_TYPE_LABELS = {
    "saksfremlegg": "Saksfremlegg", "møteprotokoll": "Møteprotokoll", "rapport": "Rapport",
    "presentasjon": "Presentasjon", "annet": "Annet",
}
MONTHS = ("januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober",
          "november", "desember")
SNIPPET_CHARS = 600
INDEX_MISSING = ("Søkeindeksen er ikke bygget ennå. Be en administrator kjøre "
                 "«saksfinn ingest MAPPE», og prøv igjen etterpå.")
_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")


# ---- template helpers -------------------------------------------------------------------

def marked(text: str | None, limit: int = SNIPPET_CHARS) -> Markup:
    """Escape ``text``, then show ⟪…⟫ (matched words from the index) as <mark>…</mark>."""
    text = " ".join((text or "").split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return Markup(_MARKED.sub(r"<mark>\1</mark>", str(escape(text))))


def norwegian_date(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.date):
        return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"
    return ""


def percent(value: Any) -> str:
    """A confidence in [0, 1] as Norwegian writes a percentage: 0.724 → "72 %"."""
    try:
        return f"{round(float(value) * 100)}\u00a0%"
    except (TypeError, ValueError):
        return ""


CONFIDENCE_CHOICES = (("0.5", "minst 50 %"), ("0.7", "minst 70 %"), ("0.85", "minst 85 %"),
                      ("1", "bare regelfunn (100 %)"))
"""The search form's *Sikkerhet* choices (any value in 0–1 works in the address)."""

TEMPLATES.env.filters["marked"] = marked
TEMPLATES.env.filters["dato"] = norwegian_date
TEMPLATES.env.filters["prosent"] = percent
TEMPLATES.env.globals.update(
    TYPE_LABELS=TYPE_LABELS, POLARITY_LABELS=POLARITY_LABELS, DOC_TYPE_LABELS=DOC_TYPE_LABELS, THEMES=THEMES,
    is_model=is_model_extractor, CONFIDENCE_CHOICES=CONFIDENCE_CHOICES,
)


def _state(request: Request) -> AppState:
    return request.app.state.saksfinn


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, context, status_code=status)


def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
    return page(request, "error.html", {"title": title, "message": message}, status)


def _filter_choices(state: AppState) -> dict[str, Any]:
    first, last = year_span(state.store)
    municipalities = sorted(m for m in state.store.counts_by("municipality") if m != "ukjent")
    return {
        "municipalities": municipalities,
        "years": list(range(last, first - 1, -1)),
        "doc_types": [d.value for d in DocType],
        "themes": THEMES,
    }


def _query(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items()}


# ---- pages ------------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def search_page(request: Request) -> HTMLResponse:
    """The search box, filters and results."""
    state = _state(request)
    query = _query(request)
    context: dict[str, Any] = {"form": form_values(query), **_filter_choices(state), "hits": None, "error": None}
    status = 200
    if query.get("q", "").strip():
        try:
            params = checked(state.store, SearchParams.model_validate(query, context=FORM))
            context["hits"] = state.searcher.search(params.q, **params.search_kwargs())
            context["export_query"] = request.url.query
        except ValidationError as exc:
            context["error"], status = f"Ugyldig søk: {error_text(exc)}", 422
        except IndexNotBuiltError:
            context["error"], status = INDEX_MISSING, 503
        except SaksfinnError as exc:
            context["error"], status = f"Ugyldig søk: {exc}", 422
    else:
        context["documents"] = state.store.live_count()
    return page(request, "search.html", context, status)


@router.get("/dokument/{document_id}", response_class=HTMLResponse)
def document_page(request: Request, document_id: str) -> HTMLResponse:
    """Metadata, findings grouped by kind, and sections of one document."""
    if not is_document_id(document_id):
        return error_page(request, 404, "Fant ikke dokumentet", "Lenken peker ikke på et dokument.")
    view = document_view(_state(request).store, document_id)
    if view is None:
        return error_page(request, 404, "Fant ikke dokumentet", "Dokumentet finnes ikke i arkivet.")
    return page(request, "document.html", {"doc": view})


@router.get("/oversikt", response_class=HTMLResponse)
def overview_page(request: Request) -> HTMLResponse:
    """Charts: findings per theme by municipality and by year; experiences by polarity."""
    state = _state(request)
    ov = state.overview.get(state.store)
    names = {t: THEMES.get(t, t) for t in ov.themes}
    themes = sorted(ov.themes, key=lambda t: names[t])
    context = {
        "ov": ov,
        "by_municipality": charts.heatmap(themes, ov.municipalities, ov.theme_municipality, row_label=names),
        "by_year": charts.stacked_columns(ov.years, themes, ov.theme_year, series_label=names),
        "experiences": charts.diverging_bars(
            [t for t in themes if ov.experiences.get((t, "positive")) or ov.experiences.get((t, "negative"))],
            {t: ov.experiences.get((t, "negative"), 0) for t in themes},
            {t: ov.experiences.get((t, "positive"), 0) for t in themes},
            row_label=names,
        ),
    }
    return page(request, "overview.html", context)


RUN_ID = re.compile(r"^[\w-]{1,64}$")  # looked up in the store, never a path
CHANGE_LABELS = {
    "new": "nye", "changed": "endret", "unchanged": "uendret", "rederived": "nye utledninger",
    "duplicate": "duplikater", "failed": "feilet", "withdrawn": "trukket tilbake", "restored": "gjenopprettet",
}


@router.get("/innlesinger", response_class=HTMLResponse)
def runs_page(request: Request) -> HTMLResponse:
    """The latest ingestion runs: when, how long, and what changed."""
    runs = _state(request).store.runs(limit=30)
    return page(request, "runs.html", {"runs": runs, "labels": CHANGE_LABELS, "active": "runs"})


@router.get("/innlesinger/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str) -> HTMLResponse:
    """One run's report: counts, per municipality, time per stage, every problem with its reason."""
    from saksfinn.flows.report import (
        CHANGE_WORDS, listed, new_documents, per_municipality, problems, sources_by_document, watch_name, what_happened,
    )

    run = _state(request).store.get_run(run_id) if RUN_ID.match(run_id) else None
    if run is None:
        return error_page(request, 404, "Fant ikke innlesingen", "Lenken peker ikke på en innlesing.")
    context = {
        "run": run, "labels": CHANGE_LABELS, "counts": run.counts(), "per_municipality": per_municipality(run),
        "problems": problems(run), "sources": sources_by_document(run), "active": "runs",
        "listed": listed(run), "change_words": CHANGE_WORDS, "what_happened": what_happened,
        "watch_name": watch_name, "new_documents": new_documents,
    }
    return page(request, "run.html", context)


@router.get("/eksport")
def export(request: Request) -> Response:
    """Findings of the current search (or filter) as CSV or Excel, in the export format."""
    state = _state(request)
    try:
        params = checked(state.store, ExportParams.model_validate(_query(request), context=FORM))
        search = params.search_params()
        if search is not None:
            hits = state.searcher.search(search.q, **search.search_kwargs())
            rows = rows_for_hits(state.store, hits, params.finding_params())
        else:
            rows = list(filtered_rows(state.store, params.finding_params()))
    except ValidationError as exc:
        return error_page(request, 422, "Ugyldig eksport", error_text(exc))
    except IndexNotBuiltError:
        return error_page(request, 503, "Søket er ikke klart", INDEX_MISSING)
    except SaksfinnError as exc:
        return error_page(request, 422, "Ugyldig eksport", str(exc))
    media = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[params.format]
    stamp = dt.date.today().isoformat()
    return Response(render(rows, params.format), media_type=media, headers={
        "Content-Disposition": f'attachment; filename="saksfinn-funn-{stamp}.{params.format}"'})


WATCH_ID = re.compile(r"^w[0-9a-f]{10}$")  # as flows.watches.add_watch makes them
WATCH_MISSING = "Det finnes ikke noe lagret søk med denne id-en. Se «saksfinn watch list» for id-ene."


@router.get("/lagrede-sok", response_class=HTMLResponse)
def watches_page(request: Request) -> HTMLResponse:
    """The saved searches, each with its page, its search and its Atom feed."""
    from saksfinn.flows.watches import list_watches, match_counts, watch_label

    store = _state(request).store
    watches = [{**w, "label": watch_label(w)} for w in list_watches(store)]
    return page(request, "watches.html", {"watches": watches, "counts": match_counts(store), "active": "watches",
                                          "search_query": _watch_search_query})


@router.get("/lagrede-sok/{watch_id}", response_class=HTMLResponse)
def watch_page(request: Request, watch_id: str) -> HTMLResponse:
    """One saved search: what it looks for, its latest matches, and its Atom feed."""
    from saksfinn.flows.watches import get_watch, watch_label, watch_matches

    store = _state(request).store
    watch = get_watch(store, watch_id) if WATCH_ID.match(watch_id) else None
    if watch is None:
        return error_page(request, 404, "Fant ikke det lagrede søket", WATCH_MISSING)
    context = {"watch": watch, "label": watch_label(watch), "matches": watch_matches(store, watch_id, limit=50),
               "search_query": _watch_search_query, "active": "watches"}
    return page(request, "watch.html", context)


def _watch_search_query(watch: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode({"q": watch["query"], **(watch.get("filters") or {})})


@router.get("/feeds/watch/{watch_id}.atom")
def watch_feed(request: Request, watch_id: str) -> Response:
    """Atom feed of a saved search: the documents it matched, newest first."""
    from saksfinn.flows.watches import get_watch, watch_matches
    from saksfinn.web.feeds import FEED_ENTRIES, MEDIA_TYPE
    from saksfinn.web.feeds import watch_feed as atom

    store = _state(request).store
    watch = get_watch(store, watch_id) if WATCH_ID.match(watch_id) else None
    if watch is None:
        return error_page(request, 404, "Fant ikke det lagrede søket", WATCH_MISSING)
    body = atom(watch, watch_matches(store, watch_id, limit=FEED_ENTRIES), base_url=str(request.base_url),
                date_text=norwegian_date, type_label=DOC_TYPE_LABELS)
    return Response(body, media_type=MEDIA_TYPE)


FAVICON = Path(__file__).parent / "static" / "favicon.ico"


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    """The tab icon browsers ask for on their own (a magnifier in the app's colour)."""
    return FileResponse(FAVICON, media_type="image/x-icon", headers={"Cache-Control": "public, max-age=604800"})


@router.get("/files/{document_id}")
def source_file(request: Request, document_id: str) -> Response:
    """The stored copy of a document's source file, looked up by id only.

    PDFs open inline (``#page=N`` in the link makes the viewer jump); HTML is shown as
    HTML after :func:`sanitised_page` has removed everything that could run, under a
    sandboxing Content-Security-Policy; any other format is sent as plain text.
    """
    state = _state(request)
    if not is_document_id(document_id):
        return error_page(request, 404, "Fant ikke filen", "Lenken peker ikke på et dokument.")
    row = state.store.document_row(document_id)
    path = _stored_file(row, state.settings.files_dir) if row else None
    if path is None:
        return error_page(request, 404, "Fant ikke filen", "Originalfilen er ikke lagret for dette dokumentet.")
    if row.get("media_type") == "application/pdf":
        return FileResponse(path, media_type="application/pdf", content_disposition_type="inline",
                            filename=f"{document_id[:12]}.pdf")
    if row.get("media_type") == "text/html":
        try:
            from saksfinn.web.source_html import SOURCE_CSP, sanitised_page  # nh3: loaded when first needed

            html = sanitised_page(path.read_bytes(), title=row.get("title"))
        except ImportError as exc:  # an install without nh3 (a declared dependency): text is still safe
            log.warning("HTML sources are served as text: %s", exc)
        except SaksfinnError as exc:  # stored bytes this version cannot decode: fall back to text
            log.warning("stored HTML of %s not shown as HTML: %s", document_id, exc)
        else:
            return HTMLResponse(html, headers={
                "Content-Security-Policy": SOURCE_CSP,
                "Content-Disposition": f'inline; filename="{document_id[:12]}.html"'})
    suffix = ".md" if row.get("media_type") == "text/markdown" else ".txt"
    return FileResponse(path, media_type="text/plain; charset=utf-8", content_disposition_type="inline",
                        filename=f"{document_id[:12]}{suffix}")


def _stored_file(row: dict[str, Any], files_dir: Path) -> Path | None:
    """The row's stored copy, if it exists and lies inside ``files_dir``. The store keeps
    the name relative to ``files_dir`` (an old absolute path counts by its name), so a
    home that was moved or restored elsewhere still finds its files."""
    stored = row.get("file_path")
    if not stored:
        return None
    root = files_dir.resolve()
    path = (root / Path(stored).name).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        log.warning("stored file for %s is outside %s or missing", row.get("document_id"), root)
        return None
    return path
