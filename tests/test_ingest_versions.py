"""Re-derivation (``flows/ingest.py``): a new extractor version re-derives findings without
reading, a new reader version reads stored documents again, and an index built with another
embedder is searched by BM25 until it is re-embedded.

Every test ingests into its own temporary ``SAKSFINN_HOME`` with the hash embedder and
the in-process (``local``) orchestrator; shared helpers are in ``tests/ingest_helpers.py``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from saksfinn.flows.ingest import run_ingest
from saksfinn.index.storage.store import Store
from saksfinn.models import IngestRun
from saksfinn.settings import Settings, get_settings
from tests.ingest_helpers import copy_sample, forbid_reading, local_settings, store_of


def ingest_copy_of_sample(home: Path, tmp_path: Path, sample_corpus: Path) -> tuple[Path, Settings, IngestRun, Store, Counter]:
    """A copy of the sample corpus ingested into ``home``: (folder, settings, run, store, findings per type)."""
    docs = copy_sample(sample_corpus, tmp_path / "docs")
    settings = local_settings(home)
    first = run_ingest([str(docs)], settings)
    store = store_of(home)
    return docs, settings, first, store, Counter(f.type for f in store.findings())


def test_new_extractor_version_rederives_without_reading(home, tmp_path, sample_corpus, monkeypatch):
    from saksfinn.extractors import findings as findings_module

    docs, settings, first, store, before = ingest_copy_of_sample(home, tmp_path, sample_corpus)

    original = findings_module.findings_version
    monkeypatch.setattr(findings_module, "findings_version", lambda *a, **k: f"{original(*a, **k)}+test")
    from saksfinn.flows.ingest import prose_features

    new_version = f"{original(settings.prose_precision, prose_features(settings))}+test"
    reads = forbid_reading(monkeypatch)
    second = run_ingest([str(docs)], settings)
    assert reads == []
    readable = {o.source for o in first.outcomes if o.status.value in ("ingested", "partial")}
    assert {o.source for o in second.outcomes if o.change.value == "rederived"} == readable
    from saksfinn.flows.ingest import versions

    assert new_version in versions(settings).findings
    assert all(row["findings_version"] == versions(settings).findings for row in store.documents() if row["source"] in readable)
    assert Counter(f.type for f in store.findings()) == before, "same extractors, same findings"

    third = run_ingest([str(docs)], settings)
    assert {o.change.value for o in third.outcomes} == {"unchanged"}


def test_new_reader_version_reads_stored_documents_again(home, tmp_path, sample_corpus, monkeypatch):
    import saksfinn.extractors
    import saksfinn.extractors.read as read_module

    docs, settings, first, store, before = ingest_copy_of_sample(home, tmp_path, sample_corpus)
    readable = {o.source for o in first.outcomes if o.status.value in ("ingested", "partial")}

    monkeypatch.setattr(saksfinn.extractors, "READER_VERSION", "read@test")
    real_read, reads = read_module.read_document, []
    monkeypatch.setattr(read_module, "read_document", lambda data, **kw: reads.append(kw["source"]) or real_read(data, **kw))
    second = run_ingest([str(docs)], settings)
    assert set(reads) == readable, "every stored document is read again from its bytes"
    assert {o.source for o in second.outcomes if o.change.value == "rederived"} == readable
    assert all(row["reader_version"] == "read@test" for row in store.documents() if row["source"] in readable)
    assert Counter(f.type for f in store.findings()) == before, "same reader output, same findings"
    assert {o.change.value for o in run_ingest([str(docs)], settings).outcomes} == {"unchanged"}


def test_search_with_another_embedder_than_the_index_falls_back_to_bm25(home, sample_corpus, caplog):
    """Query vectors of one model against an index of another are noise, even at the same
    dimension: search says so once and ranks by BM25 until `saksfinn ingest` re-embeds."""
    from saksfinn.flows.searching import Searcher
    from saksfinn.models.errors import SaksfinnError

    run_ingest([str(sample_corpus)], local_settings(home))
    other = get_settings(home=home, embedder="hash", embedding_model="intfloat/multilingual-e5-base", orchestrator="local")
    hits = Searcher(other).search("heltidskultur erfaringer", top=5)
    assert hits and all(set(h.scores) == {"bm25"} for h in hits)
    assert "using BM25 only" in caplog.text
    with pytest.raises(SaksfinnError, match="another model"):
        Searcher(other).search("heltidskultur", mode="dense")
    same = Searcher(local_settings(home)).search("heltidskultur erfaringer", top=5)
    assert any("dense" in h.scores for h in same)
