"""The web app for advisers: ``create_app(settings)`` → FastAPI.

* ``/`` search page, ``/dokument/{id}`` document page, ``/oversikt`` charts,
  ``/eksport`` CSV/Excel of the current search, ``/files/{id}`` the source file,
  ``/feeds/watch/{id}.atom`` the Atom feed of a saved search;
* ``/api/search``, ``/api/documents/{id}``, ``/api/findings``, ``/api/health``,
  ``POST /api/ingest`` (token); the schema at ``/openapi.json``.

Read-only for anonymous users; everything works offline (no CDN, no Swagger UI
assets from the network). Every response carries ``nosniff``; HTML pages also a
strict Content-Security-Policy (scripts and styles only from ``/static``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from saksfinn.index.storage.store import Store
from saksfinn.models.errors import IndexNotBuiltError, SaksfinnError
from saksfinn.settings import Settings
from saksfinn.web import api, pages, votes
from saksfinn.web.state import AppState, IngestFn, IngestJob, SearcherLike, default_ingest

log = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def create_app(
    settings: Settings,
    *,
    searcher: SearcherLike | None = None,
    store: Store | None = None,
    ingest: IngestFn | None = None,
) -> FastAPI:
    """The app over ``settings``' store and index; ``searcher``/``store``/``ingest`` replace
    the real ones (tests)."""
    store = store or Store(settings.db_url, files_dir=settings.files_dir)
    if searcher is None:
        from saksfinn.flows.searching import Searcher

        searcher = Searcher(settings, store=store)
    app = FastAPI(
        title="saksfinn",
        summary="Søk i kommunale saksdokumenter",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        lifespan=_warm_up_at_start,
    )
    app.state.saksfinn = AppState(settings=settings, store=store, searcher=searcher,
                                  ingest=IngestJob(ingest or default_ingest, settings))
    app.include_router(api.router)
    app.include_router(votes.api_router)
    app.include_router(pages.router)
    app.include_router(votes.page_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _add_handlers(app)
    return app


@asynccontextmanager
async def _warm_up_at_start(app: FastAPI) -> AsyncIterator[None]:
    """Load index and query model in the background as the server starts, so the first
    search is as fast as the rest; ``/api/health`` says ``ready`` once that is done."""
    warm = getattr(app.state.saksfinn.searcher, "warm_up", None)
    if warm is not None:
        threading.Thread(target=_warm, args=(warm,), name="saksfinn-warm-up", daemon=True).start()
    yield


def _warm(warm_up: object) -> None:
    try:
        warm_up()  # type: ignore[operator]
    except IndexNotBuiltError:
        log.info("no search index yet; it is loaded by the first search after `saksfinn ingest`")
    except Exception:  # noqa: BLE001 - a failed warm-up leaves searches to load lazily, and says why
        log.exception("warming up the searcher failed")


def _add_handlers(app: FastAPI) -> None:
    @app.exception_handler(IndexNotBuiltError)
    async def index_missing(request: Request, exc: IndexNotBuiltError) -> JSONResponse:
        return JSONResponse({"detail": "søkeindeksen er ikke bygget ennå; kjør `saksfinn ingest MAPPE`"}, 503)

    @app.exception_handler(SaksfinnError)
    async def bad_request(request: Request, exc: SaksfinnError) -> JSONResponse:
        # same shape as FastAPI's own 422, so clients handle one format
        return JSONResponse({"detail": [{"loc": ["query"], "msg": str(exc), "type": "value_error"}]}, 422)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if response.headers.get("content-type", "").startswith("text/html"):
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response
