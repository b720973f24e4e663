"""What the web app holds for its lifetime: settings, store, searcher, background ingestion."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from fastapi import Request

from saksfinn.index.storage.store import Store
from saksfinn.models import Hit, IngestRun
from saksfinn.settings import Settings
from saksfinn.web.data import OverviewCache

log = logging.getLogger(__name__)

IngestFn = Callable[[list[str], Settings], IngestRun]


class SearcherLike(Protocol):
    """What the app needs of :class:`saksfinn.flows.searching.Searcher` (fakes in tests)."""

    def search(self, query: str, *, top: int = 10, mode: str = "hybrid", **filters: Any) -> list[Hit]: ...


class IngestJob:
    """At most one ingestion at a time, in a daemon thread; remembers the last outcome."""

    def __init__(self, ingest: IngestFn, settings: Settings) -> None:
        self._ingest = ingest
        self._settings = settings
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.last: dict[str, Any] = {"state": "idle"}

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, paths: list[str]) -> bool:
        """Start ingesting ``paths``; False when a run is already going."""
        with self._lock:
            if self.running:
                return False
            self.last = {"state": "running", "sources": list(paths)}
            self._thread = threading.Thread(target=self._run, args=(list(paths),), name="saksfinn-ingest", daemon=True)
            self._thread.start()
            return True

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self, paths: list[str]) -> None:
        try:
            run = self._ingest(paths, self._settings)
            self.last = {"state": "finished", "sources": paths, "run_id": run.run_id, "counts": run.counts()}
        except Exception as exc:  # noqa: BLE001 - a background run must record, not lose, its failure
            log.exception("background ingestion failed")
            self.last = {"state": "failed", "sources": paths, "error": f"{type(exc).__name__}: {exc}"}


def default_ingest(paths: list[str], settings: Settings) -> IngestRun:
    from saksfinn.flows.ingest import run_ingest

    return run_ingest(paths, settings)


@dataclass
class AppState:
    settings: Settings
    store: Store
    searcher: SearcherLike
    ingest: IngestJob
    overview: OverviewCache = field(default_factory=OverviewCache)


def app_state(request: Request) -> AppState:
    return request.app.state.saksfinn
