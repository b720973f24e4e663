"""Votes on the web: ``GET /api/votes`` and the pages *Voteringer* (a filtered list), a case
(``/sak``), a person (``/person``) and a party (``/parti``) within one municipality.

Parameters are bounded and validated like the other pages (422 with a message, never a 500);
names and parties are looked up in the store, never used as paths. Counts and facts only.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, ValidationError, field_validator

from saksfinn.index.exports.votes import VoteFilters
from saksfinn.web.pages import TEMPLATES, error_page, page
from saksfinn.web.params import DOCUMENT_ID, FORM, MAX_LIMIT, MAX_YEAR, MIN_YEAR, FormParams, error_text
from saksfinn.web.state import AppState, app_state
from saksfinn.web.vote_views import KIND_LABELS, case_view, party_view, person_view, vote_list

api_router = APIRouter(prefix="/api", tags=["api"])
page_router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]
_TEXT = dict(max_length=100)


class VoteParams(FormParams):
    """``GET /api/votes`` and the *Voteringer* page."""

    municipality: str | None = Field(None, description="Kommune (eksakt navn, uavhengig av store/små bokstaver)", **_TEXT)
    body: str | None = Field(None, description="Utvalg (del av navnet), f.eks. «kommunestyre»", **_TEXT)
    party: str | None = Field(None, description="Parti (forslagsstiller eller en som stemte): AP, Ap, Arbeiderpartiet …", **_TEXT)
    person: str | None = Field(None, description="Person (forslagsstiller eller en som stemte)", **_TEXT)
    year: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="Møteår")
    result: Literal["vedtatt", "falt"] | None = Field(None, description="vedtatt eller falt")
    case_ref: str | None = Field(None, description="Saksnummer som i protokollen, f.eks. «sak 13/2026»", **_TEXT)
    document_id: str | None = Field(None, pattern=DOCUMENT_ID.pattern, description="Dokument-id (sha256)")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000_000)

    @field_validator("municipality", "body", "party", "person", "case_ref")
    @classmethod
    def _tidy(cls, value: str | None) -> str | None:
        return " ".join(value.split()) or None if value is not None else None

    def filters(self) -> VoteFilters:
        return VoteFilters(**self.model_dump(exclude={"limit", "offset"}))


class VoterOut(BaseModel):
    name: str
    party: str | None = None
    vote: str


class AlternativeOut(BaseModel):
    label: str
    count: int | None = None
    voters: list[VoterOut] = []
    proposal_kind: str | None = None
    proposer: str | None = None
    party: str | None = None
    text: str | None = None


class VoteOut(BaseModel):
    """One votering (the ``saksfinn export --type vote`` fields)."""

    type: Literal["vote"] = "vote"
    vote_id: str
    document_id: str
    source: str | None = None
    title: str | None = None
    municipality: str | None = None
    body: str | None = None
    meeting_date: str | None = None
    year: int | None = None
    case_ref: str | None = None
    position: int
    proposal_kind: str
    proposer: str | None = None
    party: str | None = None
    text: str | None = None
    amends: str | None = None
    amends_vote_id: str | None = None
    decision_id: str | None = None
    votes_for: int | None = Field(None, description="None bare når teksten ikke oppgir tall")
    votes_against: int | None = None
    unanimous: bool
    result: str | None = Field(None, description="vedtatt | falt (for forslag 1 ved alternativ votering)")
    casting_vote: bool
    adopted_alternative: str | None = None
    voters: list[VoterOut]
    absent: list[str]
    alternatives: list[AlternativeOut]
    warning: str | None = Field(None, description="satt når navnene ikke stemmer med tallene")
    page: int
    start: int
    end: int
    extractor: str
    vote_text: str


@api_router.get("/votes", response_model=list[VoteOut], summary="Voteringer med filtre")
def api_votes(params: Annotated[VoteParams, Query()], state: State) -> list[dict[str, Any]]:
    """Every votering of the current documents, filtered; ``limit``/``offset`` page through them."""
    rows = vote_list(state.store, params.filters())
    return rows[params.offset : params.offset + params.limit]


# ---- pages ------------------------------------------------------------------------------------

def _state(request: Request) -> AppState:
    return request.app.state.saksfinn


def _link(path: str, **query: str | None) -> str:
    return f"{path}?{urlencode({k: v for k, v in query.items() if v})}"


TEMPLATES.env.globals.update(KIND_LABELS=KIND_LABELS, vote_link=_link)


@page_router.get("/voteringer", response_class=HTMLResponse)
def votes_page(request: Request) -> HTMLResponse:
    """Voteringer of the current documents with filters (kommune, utvalg, parti, person, år, resultat)."""
    query = dict(request.query_params)
    form = {k: query.get(k, "")[:100] for k in ("municipality", "body", "party", "person", "year", "result")}
    try:
        params = VoteParams.model_validate(query, context=FORM)
    except ValidationError as exc:
        return page(request, "votes.html", {"form": form, "rows": [], "error": f"Ugyldig filter: {error_text(exc)}",
                                            "active": "votes"}, 422)
    rows = vote_list(_state(request).store, params.filters())
    return page(request, "votes.html", {"form": form, "rows": rows[:500], "total": len(rows), "error": None,
                                        "active": "votes"})


def _required(request: Request, *names: str) -> dict[str, str] | None:
    values = {n: " ".join(request.query_params.get(n, "").split())[:200] for n in names}
    return values if all(values.values()) else None


@page_router.get("/sak", response_class=HTMLResponse)
def case_page(request: Request) -> HTMLResponse:
    """One case's voteringer in order, amendments next to what they changed, the vedtak, the papers."""
    values = _required(request, "kommune", "sak")
    if values is None:
        return error_page(request, 422, "Mangler sak", "Lenken må oppgi kommune og sak.")
    body = " ".join(request.query_params.get("utvalg", "").split())[:200] or None
    view = case_view(_state(request).store, values["kommune"], values["sak"], body)
    if view is None:
        return error_page(request, 404, "Fant ikke saken", "Ingen voteringer er registrert for denne saken.")
    return page(request, "case.html", {"case": view, "active": "votes"})


@page_router.get("/person", response_class=HTMLResponse)
def person_page(request: Request) -> HTMLResponse:
    """One person's votes and proposals in one municipality."""
    values = _required(request, "kommune", "navn")
    if values is None:
        return error_page(request, 422, "Mangler person", "Lenken må oppgi kommune og navn.")
    view = person_view(_state(request).store, values["kommune"], values["navn"])
    if view is None:
        return error_page(request, 404, "Fant ikke personen", "Ingen voteringer er registrert for denne personen.")
    return page(request, "person.html", {"view": view, "active": "votes"})


@page_router.get("/parti", response_class=HTMLResponse)
def party_page(request: Request) -> HTMLResponse:
    """One party's votes and proposals in one municipality."""
    values = _required(request, "kommune", "parti")
    if values is None:
        return error_page(request, 422, "Mangler parti", "Lenken må oppgi kommune og parti.")
    view = party_view(_state(request).store, values["kommune"], values["parti"])
    if view is None:
        return error_page(request, 404, "Fant ikke partiet", "Ingen voteringer er registrert for dette partiet.")
    return page(request, "party.html", {"view": view, "active": "votes"})
