"""The ingestion flow: discover → hash → skip unchanged → read → section → extract →
chunk → store → index → report.

The same body runs two ways (``Settings.orchestrator``):

* ``prefect`` — as a Prefect 3 flow, each stage a task (retries for transient I/O,
  logs and run history in the Prefect UI). Use with a Prefect server
  (``PREFECT_API_URL``), or pay the ephemeral server's start-up (~5–20 s).
* ``local`` — the task bodies called in-process (``task.fn``): no server, no start-up.
  ``auto`` (default) picks ``prefect`` when ``PREFECT_API_URL`` is set.

Stages work on batches of documents, so Prefect's per-task overhead (~60 ms here)
stays small next to the work.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import uuid
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from prefect import flow, task

from saksfinn.flows import stages
from saksfinn.flows.indexing import ensure_index
from saksfinn.flows.lock import run_lock
from saksfinn.flows.report import write_report
from saksfinn.flows.sources import SourceFile, discover
from saksfinn.index.store import OSLO, Store
from saksfinn.models import IngestRun
from saksfinn.settings import Settings

log = logging.getLogger(__name__)
BATCH = 16
Progress = Callable[[str, int, int], None]


def versions() -> stages.Versions:
    from saksfinn.extractors import READER_VERSION
    from saksfinn.extractors.findings import FINDINGS_VERSION

    return stages.Versions(reader=READER_VERSION, findings=FINDINGS_VERSION)


@lru_cache(maxsize=1)
def shared_nlp() -> Any:
    """The spaCy pipeline, built once per process and passed to extractors."""
    from saksfinn.extractors.nlp import build_nlp

    return build_nlp()


# ---- tasks: thin wrappers over library calls ------------------------------------------
@task(name="discover")
def discover_task(paths: list[str], municipality: str | None) -> tuple[list[SourceFile], list[str]]:
    return discover(paths, municipality)


@task(name="hash", retries=2, retry_delay_seconds=2)
def hash_task(files: list[SourceFile]) -> list[stages.Work]:
    return stages.hash_files(files)


@task(name="triage")
def triage_task(items: list[stages.Work], store: Store, v: stages.Versions) -> list[stages.Work]:
    return stages.load_stored(stages.triage(items, store, v), store)


@task(name="read")
def read_task(items: list[stages.Work], settings: Settings) -> list[stages.Work]:
    return stages.read(items, ocr=settings.ocr, ocr_languages=settings.ocr_languages, max_pages=settings.max_pdf_pages)


@task(name="section")
def section_task(items: list[stages.Work]) -> list[stages.Work]:
    return stages.analyse(items)


@task(name="extract")
def extract_task(items: list[stages.Work]) -> list[stages.Work]:
    return stages.chunk(stages.extract(items, shared_nlp()))


@task(name="store", retries=2, retry_delay_seconds=2)
def store_task(items: list[stages.Work], store: Store, v: stages.Versions, run_id: str) -> list[stages.Work]:
    return stages.store_items(items, store, v, run_id)


@task(name="index")
def index_task(store: Store, settings: Settings) -> Any:
    return ensure_index(store, settings)


STAGE_TASKS = (("hash", hash_task), ("read", read_task), ("section", section_task), ("extract", extract_task))


# ---- the body, shared by both orchestrators -------------------------------------------
def ingest_body(
    paths: list[str],
    settings: Settings,
    municipality: str | None,
    call: Callable[..., Any],
    progress: Progress | None = None,
) -> IngestRun:
    run = IngestRun(run_id=new_run_id(), started=dt.datetime.now(OSLO), sources=tuple(paths))
    store = Store(settings.db_url, files_dir=settings.files_dir)
    timer = _StageTimer()
    v = versions()
    files, problems = timer.time("discover", call, discover_task, paths, municipality)
    outcomes = []
    for start in range(0, len(files), BATCH):
        batch = files[start : start + BATCH]
        items = timer.time("hash", call, hash_task, batch)
        items = timer.time("triage", call, triage_task, items, store, v)
        items = timer.time("read", call, read_task, items, settings)
        items = timer.time("section", call, section_task, items)
        items = timer.time("extract", call, extract_task, items)
        items = timer.time("store", call, store_task, items, store, v, run.run_id)
        outcomes.extend(item.outcome() for item in items)
        if progress:
            progress("documents", min(start + BATCH, len(files)), len(files))
    withdrawn = stages.withdraw_missing(paths, {f.source for f in files}, store, run.run_id)
    index_report = timer.time("index", call, index_task, store, settings)
    run = run.model_copy(
        update={
            "finished": dt.datetime.now(OSLO),
            "outcomes": tuple(outcomes) + tuple(withdrawn),
            "stage_seconds": timer.seconds,
            "error": "; ".join(problems) or None,
            "index": {"rebuilt": index_report.rebuilt, "chunks": index_report.chunks, "embedded": index_report.embedded},
        }
    )
    store.save_run(run)
    write_report(run, settings.reports_dir)
    return run


class _StageTimer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def time(self, name: str, call: Callable[..., Any], fn: Any, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return call(fn, *args)
        finally:
            self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - started, 3)


def new_run_id() -> str:
    return dt.datetime.now(OSLO).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def _call_local(fn: Any, *args: Any) -> Any:
    return fn.fn(*args)


def _call_prefect(fn: Any, *args: Any) -> Any:
    return fn(*args)


@flow(name="saksfinn-ingest", log_prints=True)
def ingest_flow(paths: list[str], municipality: str | None = None) -> dict:
    """Prefect entry point (used by `saksfinn schedule` deployments and Prefect runs)."""
    from saksfinn.settings import get_settings

    settings = get_settings()
    with run_lock(settings.home, wait_seconds=3600):
        run = ingest_body(paths, settings, municipality, _call_prefect)
    return run.model_dump(mode="json")


def run_ingest(
    paths: list[str],
    settings: Settings,
    *,
    municipality: str | None = None,
    progress: Progress | None = None,
    wait_seconds: float = 0.0,
) -> IngestRun:
    """Ingest with the configured orchestrator; raises RunLockedError if a run is active."""
    if _use_prefect(settings):
        result = ingest_flow(paths, municipality)
        return IngestRun.model_validate(result)
    with run_lock(settings.home, wait_seconds=wait_seconds):
        return ingest_body(paths, settings, municipality, _call_local, progress)


def _use_prefect(settings: Settings) -> bool:
    if settings.orchestrator == "prefect":
        return True
    if settings.orchestrator == "local":
        return False
    return bool(os.environ.get("PREFECT_API_URL"))
