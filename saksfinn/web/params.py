"""Request parameters of the web app, validated once for the HTML pages and the API.

Every bound is here: query length, ``top``, ``limit``, years, and the closed
vocabularies (hit type, document type, polarity, theme). The same models serve the
API (strict, as the OpenAPI schema says) and the pages, which validate with
``context=FORM`` so that an empty form field means "any". Anything invalid is a 422.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from saksfinn import vocabulary as vocab
from saksfinn.flows.searching import MAX_QUERY_CHARS

MAX_TOP = 100
MAX_LIMIT = 1000
MIN_YEAR, MAX_YEAR = vocab.MIN_YEAR, vocab.MAX_YEAR
DOCUMENT_ID = re.compile(r"^[0-9a-f]{64}$")

# the closed vocabularies (saksfinn.vocabulary), as the OpenAPI schema's enums
HitType = Literal[vocab.HIT_TYPES]  # type: ignore[valid-type]
FindingType = Literal[vocab.FINDING_TYPES]  # type: ignore[valid-type]
DocTypeName = Literal[vocab.DOC_TYPES]  # type: ignore[valid-type]
ThemeId = Literal[vocab.THEME_IDS]  # type: ignore[valid-type]
Polarity = Literal[vocab.POLARITIES]  # type: ignore[valid-type]
Mode = Literal[vocab.SEARCH_MODES]  # type: ignore[valid-type]


FORM = {"form": True}


def is_document_id(value: str) -> bool:
    """True for a full sha256 hex id (the only way files and documents are addressed)."""
    return bool(DOCUMENT_ID.fullmatch(value))


class FormParams(BaseModel):
    """Query parameters that may also come from an HTML form: frozen, unknown names ignored, and
    from a form (``context={"form": True}``) an empty field means "any"."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _empty_is_missing(cls, data: Any, info: ValidationInfo) -> Any:
        if isinstance(data, dict) and (info.context or {}).get("form"):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data


class _Filters(FormParams):
    municipality: str | None = Field(
        None, max_length=100, json_schema_extra={"enum": vocab.known_municipalities()},
        description="Kommune (navn fra kommuneregisteret eller i arkivet, uavhengig av store/små bokstaver); "
                    "ukjent kommune gir 422",
    )
    doc_type: DocTypeName | None = Field(None, description="Dokumenttype")
    polarity: Polarity | None = Field(None, description="Erfaringer: positive eller negative")
    theme: ThemeId | None = Field(None, description="Tema-id")
    year_from: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="Fra og med år")
    year_to: int | None = Field(None, ge=MIN_YEAR, le=MAX_YEAR, description="Til og med år")
    min_confidence: float | None = Field(
        None, ge=0.0, le=1.0, allow_inf_nan=False,
        description="Minste sikkerhet for funn, 0–1 (regler gir 1,0; modellfunn sin kalibrerte sannsynlighet); "
                    "tekstutdrag tas alltid med",
    )

    @field_validator("municipality")
    @classmethod
    def _tidy(cls, value: str | None) -> str | None:
        return " ".join(value.split()) or None if value is not None else None

    @model_validator(mode="after")
    def _years_in_order(self) -> "_Filters":
        """A reversed range (2026–2020) is a mistake to point out, not a range to guess."""
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise ValueError(f"år fra ({self.year_from}) er etter år til ({self.year_to}) — bytt om på dem")
        return self


class SearchParams(_Filters):
    """``GET /api/search`` and the search page."""

    # one character that is not white space in Python's sense either (str.split also splits on
    # \x1c-\x1f and \x85, which a JSON-schema \S accepts): the schema then promises what _not_blank checks
    q: str = Field(min_length=1, max_length=MAX_QUERY_CHARS, pattern=r"[^\s\x1c-\x1f\x85]",
                   description="Søketekst på norsk")
    type: HitType | None = Field(None, description="passage eller en funntype")
    top: int = Field(10, ge=1, le=MAX_TOP, description="Antall treff")
    mode: Mode = Field("hybrid", description="hybrid, bm25 eller dense")

    @field_validator("q")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise ValueError("søketeksten er tom")
        return value

    def search_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``Searcher.search``."""
        return {
            "top": self.top, "mode": self.mode, "municipality": self.municipality, "type": self.type,
            "doc_type": self.doc_type, "polarity": self.polarity, "theme": self.theme,
            "year_from": self.year_from, "year_to": self.year_to, "min_confidence": self.min_confidence,
        }


class FindingParams(_Filters):
    """``GET /api/findings`` and the export of a filter without a query."""

    type: FindingType | None = Field(None, description="Funntype")
    document_id: str | None = Field(None, pattern=DOCUMENT_ID.pattern, description="Dokument-id (sha256)")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=10_000_000)


class ExportParams(_Filters):
    """The export buttons: the current search (``q``) or filter, as CSV or Excel."""

    format: Literal["csv", "xlsx"] = "csv"
    q: str | None = Field(None, max_length=MAX_QUERY_CHARS)
    type: HitType | None = None
    document_id: str | None = Field(None, pattern=DOCUMENT_ID.pattern)

    def finding_params(self) -> FindingParams:
        ftype = None if self.type in (None, "passage") else self.type
        return FindingParams(**self.model_dump(exclude={"format", "q", "type"}, exclude_none=True), type=ftype,
                             limit=MAX_LIMIT)

    def search_params(self) -> SearchParams | None:
        if not self.q or not self.q.strip():
            return None
        return SearchParams(**self.model_dump(exclude={"format", "document_id"}, exclude_none=True), top=MAX_TOP)


def form_values(query: dict[str, str]) -> dict[str, str]:
    """The query string as given, for refilling the search form (never trusted beyond that)."""
    keys = ("q", "municipality", "doc_type", "type", "polarity", "theme", "year_from", "year_to", "min_confidence")
    return {k: query.get(k, "")[:MAX_QUERY_CHARS] for k in keys}


def error_text(exc: Exception) -> str:
    """One line for a person from a pydantic ValidationError (or any error)."""
    errors = getattr(exc, "errors", None)
    if callable(errors):
        parts = []
        for e in errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path"))
            parts.append(f"{where}: {e.get('msg')}" if where else str(e.get("msg")))
        return "; ".join(parts)
    return str(exc)
