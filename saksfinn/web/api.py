"""The JSON API: search, documents, findings, health, and the one token-guarded write
(start an ingestion of the sources recorded in the store).

Errors are JSON ``{"detail": ...}``: 422 for bad parameters (the same list shape
FastAPI uses), 404 for unknown documents, 503 when the index is not built yet.
"""

from __future__ import annotations

import datetime as dt
import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query
from pydantic import BaseModel, Field

from saksfinn.index.storage.twins import alternates
from saksfinn.models import AnyFinding, DocumentMeta, Hit
from saksfinn.web.data import checked, filtered_rows, page_of
from saksfinn.web.params import DOCUMENT_ID, FindingParams, SearchParams
from saksfinn.web.state import AppState, app_state

router = APIRouter(prefix="/api", tags=["api"])
State = Annotated[AppState, Depends(app_state)]


class ErrorOut(BaseModel):
    detail: str


class HealthOut(BaseModel):
    status: str
    documents: int = Field(description="searchable (current) documents — the number `saksfinn status` shows")
    index_ready: bool
    ready: bool = Field(description="true when a search answers at once: index and query model are loaded")
    ingest: str = Field(description="idle | running | finished | failed; running when any process ingests into this home")
    ingest_pid: int | None = None


class DocumentOut(BaseModel):
    document_id: str
    source: str
    media_type: str | None
    file_url: str
    title: str | None
    municipality: str | None
    doc_type: str | None
    date: dt.date | None
    case_number: str | None
    language: str | None
    pages: int
    status: str
    reason: str | None
    superseded_by: str | None = None
    retired_at: dt.datetime | None = None
    themes: list[str]
    meta: DocumentMeta
    findings: list[AnyFinding]
    twin_of: str | None = Field(None, description="dokumentet som søkes i stedet for dette (samme sak i et annet format)")
    alternates: list[str] = Field(default_factory=list, description="andre formater av samme sak (dokument-id)")


class FindingRow(BaseModel):
    """One finding with its document's metadata (the ``saksfinn export`` columns)."""

    finding_id: str
    type: str
    text: str
    kind: str | None = None
    polarity: str | None = None
    resolved_text: str | None = None
    document_id: str
    source: str | None = None
    source_url: str | None = None  # the address a fetched document came from
    status: str | None = None  # how reading went: ingested, partial, needs_ocr
    title: str | None = None
    municipality: str | None = None
    doc_type: str | None = None
    date: str | None = None
    year: int | None = None  # the document's year, also when it has no date (from its case number)
    case_number: str | None = None
    page: int
    section: str | None = None
    themes: list[str] = []
    start: int | None = None
    end: int | None = None
    extractor: str | None = None
    confidence: float | None = None  # 1.0 for rules; a learned extractor's calibrated probability
    body: str | None = None
    meeting_date: str | None = None
    case_ref: str | None = None
    adopted: bool | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    unanimous: bool | None = None
    vote_text: str | None = None
    name: str | None = None
    description: str | None = None
    target: str | None = None
    target_value: float | None = None
    target_unit: str | None = None


class IngestOut(BaseModel):
    state: str
    sources: list[str] = Field(default_factory=list)


NOT_FOUND = {404: {"model": ErrorOut, "description": "Ukjent dokument"}}
BAD_VALUE = {422: {"description": "Ugyldig parameter: ukjent verdi (kommune, type, tema …) eller år fra etter år til"}}
NO_INDEX = {503: {"model": ErrorOut, "description": "Søkeindeksen er ikke bygget ennå"}}


@router.get("/search", response_model=list[Hit], responses={**NO_INDEX, **BAD_VALUE}, summary="Søk i saksdokumenter")
def api_search(params: Annotated[SearchParams, Query()], state: State) -> list[Hit]:
    """Passages and findings ranked for ``q``; the fields of ``saksfinn search --json``."""
    params = checked(state.store, params)
    return state.searcher.search(params.q, **params.search_kwargs())


@router.get("/documents/{document_id}", response_model=DocumentOut, responses=NOT_FOUND, summary="Ett dokument")
def api_document(
    document_id: Annotated[str, Path(pattern=DOCUMENT_ID.pattern, description="sha256 av filen")], state: State
) -> dict[str, Any]:
    row = state.store.document_row(document_id)
    if row is None:
        raise HTTPException(404, "ukjent dokument")
    return {
        **{k: row.get(k) for k in ("document_id", "source", "media_type", "title", "municipality", "doc_type",
                                    "date", "case_number", "language", "status", "reason", "superseded_by",
                                    "retired_at")},
        "pages": row.get("pages") or 0,
        "themes": list(row.get("themes") or ()),
        "meta": row.get("meta") or {},
        "file_url": f"/files/{document_id}",
        "findings": state.store.findings(document_id=document_id),
        "twin_of": row.get("twin_of"),
        "alternates": [a["document_id"] for a in alternates(state.store, document_id)],
    }


@router.get("/findings", response_model=list[FindingRow], responses=BAD_VALUE, summary="Funn med filtre")
def api_findings(params: Annotated[FindingParams, Query()], state: State) -> list[dict[str, Any]]:
    """Findings with provenance, filtered; ``limit``/``offset`` page through them."""
    return page_of(filtered_rows(state.store, checked(state.store, params)), params.offset, params.limit)


@router.get("/health", response_model=HealthOut, summary="Helsesjekk")
def api_health(state: State) -> HealthOut:
    from saksfinn.flows.lock import ingest_running

    pid = ingest_running(state.settings.home)
    index_ready = (state.settings.index_dir / "CURRENT").exists()
    return HealthOut(
        status="ok",
        documents=state.store.live_count(),
        index_ready=index_ready,
        ready=index_ready and bool(getattr(state.searcher, "ready", True)),
        ingest="running" if state.ingest.running or pid else state.ingest.last.get("state", "idle"),
        ingest_pid=pid,
    )


@router.post(
    "/ingest", response_model=IngestOut, status_code=202, summary="Start innlesing (krever token)",
    responses={
        403: {"model": ErrorOut, "description": "Mangler eller feil token"},
        409: {"model": ErrorOut, "description": "En innlesing kjører allerede, eller ingen kilder er registrert"},
        503: {"model": ErrorOut, "description": "Ingen token er konfigurert (SAKSFINN_API_TOKEN)"},
    },
)
def api_ingest(state: State, authorization: Annotated[str | None, Header()] = None) -> IngestOut:
    """Re-ingest the sources given to the last run (new, changed and withdrawn files are picked up).

    Requires ``Authorization: Bearer <SAKSFINN_API_TOKEN>``. No paths are accepted from the request.
    """
    require_token(state, authorization)
    runs = state.store.runs(limit=1)
    paths = list(runs[0].sources) if runs else []
    if not paths:
        raise HTTPException(409, "ingen kilder er registrert; kjør `saksfinn ingest MAPPE` først")
    if not state.ingest.start(paths):
        raise HTTPException(409, "en innlesing kjører allerede")
    return IngestOut(state="started", sources=paths)


def require_token(state: AppState, authorization: str | None) -> None:
    """403 unless the bearer token equals the configured one (503 when none is configured)."""
    expected = state.settings.api_token
    if not expected:
        raise HTTPException(503, "skriving er slått av: ingen SAKSFINN_API_TOKEN er konfigurert")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
        raise HTTPException(403, "mangler eller feil token")
