"""The ingestion flow under Prefect gives the same outcome as the in-process (``local``)
orchestrator. Runs ``ingest_flow`` under a temporary Prefect server; ``slow``."""

from __future__ import annotations

import pytest

from saksfinn.flows.ingest import run_ingest
from saksfinn.models import IngestRun
from tests.ingest_helpers import copy_sample, local_settings, store_of, use_home


# ---- the Prefect path ----------------------------------------------------------------------
@pytest.mark.slow
def test_prefect_flow_gives_the_same_outcome_as_local(prefect_harness, tmp_path, sample_corpus, monkeypatch):
    from saksfinn.flows.ingest import ingest_flow

    docs = copy_sample(sample_corpus, tmp_path / "docs")
    local_home, flow_home = tmp_path / "local", tmp_path / "prefect"
    local = run_ingest([str(docs)], local_settings(local_home))

    use_home(monkeypatch, flow_home)
    monkeypatch.setenv("SAKSFINN_ORCHESTRATOR", "prefect")
    result = IngestRun.model_validate(ingest_flow([str(docs)]))

    def key(run: IngestRun) -> list[tuple]:
        return sorted((o.source, o.change.value, o.status.value, o.document_id, o.municipality, o.pages) for o in run.outcomes)

    assert key(result) == key(local)
    local_ids = sorted(f.finding_id for f in store_of(local_home).findings())
    assert sorted(f.finding_id for f in store_of(flow_home).findings()) == local_ids
    assert result.index["chunks"] == local.index["chunks"] > 0
    assert {o.change.value for o in IngestRun.model_validate(ingest_flow([str(docs)])).outcomes} == {"unchanged"}
