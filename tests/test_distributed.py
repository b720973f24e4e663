"""The ingestion flow on a Dask cluster (prefect-dask's DaskTaskRunner), here a LocalCluster."""

from __future__ import annotations

import pytest

from tests.ingest_helpers import make_corpus, require_pipeline, snapshot

pytestmark = pytest.mark.slow


def test_batches_run_on_an_existing_dask_cluster(prefect_harness, home, tmp_path, monkeypatch):
    require_pipeline()
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("prefect_dask")
    from saksfinn.flows.ingest import BATCH, run_ingest
    from saksfinn.settings import get_settings

    corpus = make_corpus(tmp_path / "corpus", None)
    for i in range(BATCH + 4):  # enough files for two batches
        (corpus / "Steinkjer" / f"sak-{i:02d}.txt").write_text(
            f"Steinkjer kommune\nSaksframlegg\nSak {i}/2025 om sykefravær og nærvær i skolene, tiltak {i}.\n",
            encoding="utf-8",
        )
    n_files = sum(1 for p in corpus.rglob("*") if p.is_file())
    # the session's test server (started with a generous timeout): an ephemeral server
    # started inside this test can miss Prefect's start-up deadline on a busy 2-core machine
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
                                   dashboard_address=None) as cluster:
        monkeypatch.setenv("SAKSFINN_ORCHESTRATOR", "prefect")
        monkeypatch.setenv("SAKSFINN_TASK_RUNNER", "dask")
        monkeypatch.setenv("SAKSFINN_DASK_ADDRESS", cluster.scheduler_address)
        run = run_ingest([str(corpus)], get_settings())
        prefixes = set(cluster.scheduler.task_prefixes)

    assert run.counts()["new"] == n_files and run.counts()["failed"] == 0
    assert {"hash_task", "triage_task", "read_task", "section_task", "extract_task", "store_task"} <= prefixes
    got = snapshot(home)
    assert sorted(got["index_chunks"]) == sorted(got["chunks"]) and len(got["documents"]) == n_files
