"""The ingestion flow: discover (local folders, fetched URLs) → per batch: hash → skip
unchanged → read → section → [embed passages] → extract → chunk → store; then mark withdrawn sources and
settle which version of every source is current (``index/storage/lifecycle.py``) → index →
saved searches → report.

The same body runs two ways (``Settings.orchestrator``):

* ``prefect`` — as a Prefect 3 flow, each stage a task (retries for transient I/O,
  logs and run history in the Prefect UI). Use with a Prefect server
  (``PREFECT_API_URL``), or pay the ephemeral server's start-up (~5–20 s).
* ``local`` — the task bodies called in-process (``task.fn``): no server, no start-up.
  ``auto`` (default) picks ``prefect`` when ``PREFECT_API_URL`` is set.

Stages work on batches of documents, so Prefect's per-task overhead (~60 ms here)
stays small next to the work. With ``task_runner = "dask"`` the batches are submitted
to a Dask cluster and run in parallel; tasks receive ``Settings`` (never a live
connection) and open the store on the worker.

Crash safety: each document is stored in one transaction; the index is rebuilt from
the store whenever their fingerprints differ; saved-search matches are keyed by
(watch, document). So a run killed at any point is completed by the next one.
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
import os
import time
import uuid
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from saksfinn.flows import stages
from saksfinn.flows.indexing import ensure_index
from saksfinn.flows.lock import run_lock
from saksfinn.flows.report import write_report
from saksfinn.flows.fetch import Fetched, gather_sources
from saksfinn.flows.prose_reader import prose_features, prose_read
from saksfinn.flows.twins import settle_twins
from saksfinn.index.storage.lifecycle import settle
from saksfinn.index.storage.store import OSLO, Store
from saksfinn.models import IngestRun, SourceOutcome
from saksfinn.settings import Settings

log = logging.getLogger(__name__)
BATCH = 16
Progress = Callable[[str, int, int], None]
Call = Callable[..., Any]


def versions(settings: Settings | None = None) -> stages.Versions:
    """What stored documents were derived with; ``settings`` picks the prose model's operating point."""
    from saksfinn.extractors import ANALYSIS_VERSION, READER_VERSION
    from saksfinn.extractors.findings import findings_version

    FINDINGS_VERSION = (  # noqa: N806
        findings_version(settings.prose_precision, prose_features(settings)) if settings else findings_version()
    )
    from saksfinn.extractors.voterings import EXTRACTOR as VOTES_VERSION
    from saksfinn.index.retrieval.chunking import CHUNKER_VERSION

    # sections, metadata and chunks are derived with the findings: a new version of any
    # of them re-derives stored documents from their pages, without reading the files
    return stages.Versions(reader=READER_VERSION, findings=f"{ANALYSIS_VERSION}+{FINDINGS_VERSION}+{VOTES_VERSION}+{CHUNKER_VERSION}")


@lru_cache(maxsize=1)
def shared_nlp() -> Any:
    """The spaCy pipeline, built once per process and passed to extractors."""
    from saksfinn.extractors.nlp import build_nlp

    return build_nlp()


def store_for(settings: Settings) -> Store:
    """One Store per process and database (tasks may run on other machines: they get
    the settings, not a connection)."""
    return _store(settings.db_url, str(settings.files_dir))


@lru_cache(maxsize=4)
def _store(url: str, files_dir: str) -> Store:
    return Store(url, files_dir=Path(files_dir))


# ---- tasks: thin wrappers over library calls ------------------------------------------
@task(name="discover", cache_policy=NO_CACHE)
def discover_task(paths: list[str], municipality: str | None, settings: Settings) -> Fetched:
    return gather_sources(paths, municipality, store_for(settings), settings.home / "downloads")


@task(name="hash", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def hash_task(batch: stages.Batch) -> stages.Batch:
    return batch.run("hash", stages.hash_files)


@task(name="triage", cache_policy=NO_CACHE)
def triage_task(batch: stages.Batch, settings: Settings, v: stages.Versions) -> stages.Batch:
    store = store_for(settings)
    return batch.run("triage", lambda items: stages.load_stored(stages.triage(items, store, v), store))


@task(name="read", cache_policy=NO_CACHE)
def read_task(batch: stages.Batch, settings: Settings) -> stages.Batch:
    return batch.run(
        "read",
        lambda items: stages.read(
            items, ocr=settings.ocr, ocr_languages=settings.ocr_languages, max_pages=settings.max_pdf_pages
        ),
    )


@task(name="section", cache_policy=NO_CACHE)
def section_task(batch: stages.Batch) -> stages.Batch:
    return batch.run("section", stages.analyse)


_SENTENCE_EMBEDDERS: dict[tuple, Any] = {}


def sentence_embed(settings: Settings) -> Any:
    """texts → passage vectors for the e5 / pooled prose model (the index's embedder, loaded
    once per process and configuration); ``None`` when the prose model needs no vectors."""
    if settings.prose_features not in ("e5", "pooled", "reader"):
        return None
    from saksfinn.index.embedding.embed_cache import EmbeddingCache, embed_with_cache

    embedder = shared_embedder(settings)

    def embed(texts: list[str]) -> Any:
        import hashlib

        import numpy as np

        # cached by text hash beside the passage cache: a re-derivation embeds nothing again
        cache = EmbeddingCache(settings.index_dir / "sentence_vectors.sqlite", embedder.model_id)
        hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        vectors = embed_with_cache(embedder, cache, dict(zip(hashes, texts)), settings.embedding_batch_size)
        return np.stack([vectors[h] for h in hashes]) if hashes else np.zeros((0, 0), dtype=np.float32)

    return embed


def shared_embedder(settings: Settings) -> Any:
    """The index's passage embedder, loaded once per process and configuration."""
    from saksfinn.flows.indexing import embedder_from_settings

    key = (settings.embedder, settings.embedding_model, str(settings.model_cache), settings.embedding_quantize,
           settings.embedding_backend)
    if key not in _SENTENCE_EMBEDDERS:
        _SENTENCE_EMBEDDERS[key] = embedder_from_settings(settings)
    return _SENTENCE_EMBEDDERS[key]


@task(name="embed", cache_policy=NO_CACHE)
def embed_task(batch: stages.Batch, settings: Settings) -> stages.Batch:
    """Passage vectors (into the index's cache) and pooled unit vectors, for ``pooled`` prose features."""
    options = stages.EmbedOptions(shared_embedder(settings), settings.index_dir, settings.embedding_batch_size)
    return batch.run("embed", stages.embed_passages, shared_nlp, options)


@task(name="extract", cache_policy=NO_CACHE)
def extract_task(batch: stages.Batch, settings: Settings) -> stages.Batch:
    prose = stages.ProseOptions(settings.prose_precision, prose_features(settings), sentence_embed(settings),
                                prose_read(settings))
    return batch.run("extract", lambda items: stages.chunk(stages.extract(items, shared_nlp, prose)))


@task(name="store", retries=2, retry_delay_seconds=2, cache_policy=NO_CACHE)
def store_task(batch: stages.Batch, settings: Settings, v: stages.Versions, run_id: str) -> stages.Batch:
    return batch.run("store", stages.store_items, store_for(settings), v, run_id)


@task(name="withdraw", cache_policy=NO_CACHE)
def withdraw_task(found: Fetched, settings: Settings, run_id: str) -> list[SourceOutcome]:
    store = store_for(settings)
    failed = stages.record_fetch_failures(found.failures, store, run_id)
    withdrawn = stages.withdraw_missing(
        found.present, store, run_id, folders=found.folders, listings=found.listings, gone=found.gone
    )
    settle(store)  # one current version per source: supersede, withdraw, promote, restore
    settle_twins(store)  # one searched document per content: the others are its alternate formats
    return failed + withdrawn


@task(name="index", cache_policy=NO_CACHE)
def index_task(settings: Settings) -> Any:
    return ensure_index(store_for(settings), settings)


@task(name="watches", cache_policy=NO_CACHE)
def watches_task(settings: Settings, run_id: str) -> dict[str, list[str]]:
    from saksfinn.flows.watches import notify_watches

    return notify_watches(store_for(settings), settings, run_id)


def process_batch(batch: stages.Batch, settings: Settings, v: stages.Versions, run_id: str, call: Call) -> Any:
    """hash → triage → read → section → [embed] → extract (+ chunk) → store, for one batch."""
    batch = call(hash_task, batch)
    batch = call(triage_task, batch, settings, v)
    batch = call(read_task, batch, settings)
    batch = call(section_task, batch)
    if settings.prose_features in ("pooled", "reader"):
        batch = call(embed_task, batch, settings)
    batch = call(extract_task, batch, settings)
    return call(store_task, batch, settings, v, run_id)


# ---- the body, shared by both orchestrators -------------------------------------------
def ingest_body(
    paths: list[str],
    settings: Settings,
    municipality: str | None,
    runner: Runner,
    progress: Progress | None = None,
) -> IngestRun:
    run = IngestRun(run_id=new_run_id(), started=dt.datetime.now(OSLO), sources=tuple(paths))
    timer = _StageTimer()
    v = versions(settings)
    found = timer.time("discover", runner.call, discover_task, paths, municipality, settings)
    outcomes = []
    batches = [stages.Batch.of(found.files[i : i + BATCH]) for i in range(0, len(found.files), BATCH)]
    for batch in runner.process(batches, settings, v, run.run_id):
        timer.add(batch.seconds)
        outcomes.extend(item.outcome() for item in batch.items)
        if progress:
            progress("documents", len(outcomes), len(found.files))
    settled = timer.time("withdraw", runner.call, withdraw_task, found, settings, run.run_id)
    index_report = timer.time("index", runner.call, index_task, settings)
    matches, watch_problem = timer.time("watches", _watches_safely, runner, settings, run.run_id)
    run = run.model_copy(
        update={
            "finished": dt.datetime.now(OSLO),
            "outcomes": tuple(outcomes) + tuple(settled),
            "stage_seconds": timer.seconds,
            "watch_matches": matches,
            "watch_names": _watch_names(settings, matches),
            "error": "; ".join(found.problems + watch_problem) or None,
            "index": {"rebuilt": index_report.rebuilt, "chunks": index_report.chunks, "embedded": index_report.embedded},
        }
    )
    store_for(settings).save_run(run)
    write_report(run, settings.reports_dir)
    return run


def _watch_names(settings: Settings, matches: dict[str, list[str]]) -> dict[str, str]:
    if not matches:
        return {}
    from saksfinn.flows.watches import watch_labels

    return watch_labels(store_for(settings), matches)


def _watches_safely(runner: Runner, settings: Settings, run_id: str) -> tuple[dict[str, list[str]], list[str]]:
    """Saved searches never fail a run whose documents are stored and indexed."""
    try:
        return runner.call(watches_task, settings, run_id), []
    except Exception as exc:  # reported in the run's error line; the trace goes to the log
        log.exception("saved searches failed")
        return {}, [f"saved searches failed: {stages.one_line(exc)}"]


class Runner:
    """How the body calls tasks: ``local`` (in-process, ``task.fn``), ``prefect`` (task
    runs, one after another) or ``submit`` (each batch's task chain submitted to the
    task runner named by settings — e.g. a Dask cluster — so batches run in parallel).

    The submit runner is entered inside the flow, so a deployment run loaded from its
    entrypoint gets the same runner as a direct call."""

    def __init__(self, mode: str, settings: Settings | None = None) -> None:
        self.mode = mode
        self.settings = settings

    def call(self, fn: Any, *args: Any) -> Any:
        return fn.fn(*args) if self.mode == "local" else fn(*args)

    def process(
        self, batches: list[stages.Batch], settings: Settings, v: stages.Versions, run_id: str
    ) -> Iterator[stages.Batch]:
        if self.mode != "submit":
            for batch in batches:
                yield process_batch(batch, settings, v, run_id, self.call)
            return
        with make_task_runner(settings) as task_runner:

            def submit(fn: Any, *args: Any) -> Any:
                names = list(inspect.signature(fn.fn).parameters)
                return task_runner.submit(fn, parameters=dict(zip(names, args)))

            futures = [process_batch(batch, settings, v, run_id, submit) for batch in batches]
            for future in futures:
                yield future.result()


class _StageTimer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def time(self, name: str, call: Callable[..., Any], fn: Any, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return call(fn, *args)
        finally:
            self.add({name: time.perf_counter() - started})

    def add(self, seconds: dict[str, float]) -> None:
        for name, value in seconds.items():
            self.seconds[name] = round(self.seconds.get(name, 0.0) + value, 3)


def new_run_id() -> str:
    return dt.datetime.now(OSLO).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]


def make_task_runner(settings: Settings) -> Any:
    """The Prefect task runner named by settings: threads, or Dask (an existing cluster
    at ``dask_address``, else a temporary local one)."""
    if settings.task_runner == "dask":
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=settings.dask_address) if settings.dask_address else DaskTaskRunner()
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=settings.max_workers)


@flow(name="saksfinn-ingest", log_prints=True)
def ingest_flow(paths: list[str], municipality: str | None = None, wait_seconds: float = 3600.0) -> dict:
    """Prefect entry point (used by `saksfinn schedule` deployments and Prefect runs).
    A run that finds another one active waits up to ``wait_seconds`` for it."""
    from saksfinn.settings import get_settings

    settings = get_settings()
    runner = Runner("submit" if settings.task_runner == "dask" else "prefect")
    with run_lock(settings.home, wait_seconds=wait_seconds):
        run = ingest_body(paths, settings, municipality, runner)
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
        result = ingest_flow(paths, municipality, wait_seconds)
        return IngestRun.model_validate(result)
    with run_lock(settings.home, wait_seconds=wait_seconds):
        return ingest_body(paths, settings, municipality, Runner("local"), progress)


def _use_prefect(settings: Settings) -> bool:
    if settings.orchestrator == "prefect":
        return True
    if settings.orchestrator == "local":
        return False
    return bool(os.environ.get("PREFECT_API_URL")) or settings.task_runner == "dask"
