"""Unit vectors pooled from the passage pass (``pooled`` prose features): span pooling,
which passage lends a unit its vector, the fallback for embedders without token states, and
the ingest path (passage vectors land in the index cache, re-derivation embeds nothing)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saksfinn.extractors import prose
from saksfinn.flows.unit_vectors import assign, pooled_unit_vectors
from saksfinn.index.embedding.embed import HashEmbedder
from saksfinn.index.embedding.span_pool import encode_with_spans, pool_spans
from saksfinn.models.chunk import Chunk
from tests.finding_docs import nlp  # noqa: F401 - fixture
from tests.test_prose import PAPER, _MODEL, fitted_e5_model

# "passage: Målet er nådd. Fraværet gikk ned." tokenised: <s>, prompt pieces, words, </s>
OFFSETS = [(0, 0), (0, 7), (7, 8), (9, 14), (15, 17), (18, 23), (24, 32), (33, 37), (38, 41), (41, 42), (0, 0)]
SHIFT = 9  # len("passage: ")


def _hidden(n: int, dim: int = 4) -> np.ndarray:
    rng = np.random.default_rng(7)
    return rng.normal(size=(n, dim)).astype(np.float32)


@pytest.mark.parametrize(
    ("span", "rows"),
    [
        ((0, 14), [3, 4, 5]),  # "Målet er nådd." — the prompt and <s> never count
        ((15, 33), [6, 7, 8, 9]),  # "Fraværet gikk ned."
        ((0, 33), [3, 4, 5, 6, 7, 8, 9]),
        ((2, 3), [3]),  # a span inside one token takes that token
    ],
)
def test_a_span_is_the_mean_of_the_tokens_inside_it(span, rows):
    hidden = _hidden(len(OFFSETS))
    got = pool_spans(hidden, OFFSETS, [span], SHIFT)[0]
    want = hidden[rows].mean(axis=0)
    assert np.allclose(got, want / np.linalg.norm(want), atol=1e-6)


def test_a_span_beyond_the_kept_tokens_has_no_vector():
    assert pool_spans(_hidden(len(OFFSETS)), OFFSETS, [(40, 60), (33, 34)], SHIFT) == [None, None]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 6), min_size=1, max_size=12), st.data())
def test_pooled_span_vectors_are_unit_length_and_cover_only_their_tokens(lengths, data):
    """Property: every token of a span's vector lies inside the span, and vectors have norm 1."""
    ends = np.cumsum([n + 1 for n in lengths])
    offsets = [(0, 0)] + [(int(e - n - 1), int(e - 1)) for e, n in zip(ends, lengths)] + [(0, 0)]
    hidden = np.eye(len(offsets), dtype=np.float32)  # one-hot rows: the vector names its tokens
    s = data.draw(st.integers(0, int(ends[-1]) - 1))
    e = data.draw(st.integers(s + 1, int(ends[-1])))
    (vec,) = pool_spans(hidden, offsets, [(s, e)])
    if vec is None:
        assert all(not (a < e and b > s) for a, b in offsets[1:-1])
        return
    assert abs(float(np.linalg.norm(vec)) - 1) < 1e-5
    for row in np.flatnonzero(vec):
        a, b = offsets[row]
        assert b > a and a < e and b > s


def _passage(start: int, end: int) -> Chunk:
    return Chunk(document_id="d", type="passage", text="x" * (end - start), page=1, start=start, end=end)


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ((10, 20), (0, (10, 20))),  # inside the first passage only
        ((85, 95), (0, (85, 95))),  # in the overlap, whole in both: the earlier passage
        ((95, 130), (1, (15, 50))),  # most of it in the second
        ((195, 260), None),  # only 5 of 65 characters in a passage
        ((300, 320), None),  # outside every passage (a skipped section)
    ],
)
def test_a_unit_takes_its_vector_from_the_passage_holding_most_of_it(unit, expected):
    assert assign([unit], [_passage(0, 100), _passage(80, 200)]) == [expected]


def test_embedders_without_token_states_embed_each_span_alone():
    embedder = HashEmbedder(64)
    texts = ["Målet er nådd. Fraværet gikk ned.", "Brukerne er godt fornøyd."]
    vectors, spans = encode_with_spans(embedder, texts, [[(0, 14), (15, 33)], []])
    assert np.allclose(vectors, embedder.encode_passages(texts))
    assert np.allclose(spans[0][1], embedder.encode_passages(["Fraværet gikk ned."])[0])
    assert spans[1] == []


def test_uncovered_units_are_embedded_alone():
    embedder = HashEmbedder(64)
    passages = [Chunk(document_id="d", type="passage", text="Målet er nådd.", page=1, start=0, end=14)]
    _, vectors = pooled_unit_vectors(embedder, passages, [(0, 14), (40, 60)],
                                     lambda missing: np.ones((len(missing), 64), dtype=np.float32))
    assert np.allclose(vectors[0], embedder.encode_passages(["Målet er nådd."])[0])
    assert np.allclose(vectors[1], 1.0)


_POOLED_MODEL = fitted_e5_model()
_POOLED_MODEL.version, _POOLED_MODEL.features = "pooled-t-1", "pooled+cues"


def test_ingest_with_pooled_features_embeds_passages_once(tmp_path, monkeypatch):
    from saksfinn.flows.ingest import run_ingest, versions  # noqa: PLC0415
    from saksfinn.index.storage.store import Store  # noqa: PLC0415
    from saksfinn.settings import get_settings  # noqa: PLC0415

    monkeypatch.setattr(prose, "load_model",
                        lambda path=prose.MODEL_PATH: _POOLED_MODEL if path == prose.FEATURE_SETS["pooled"][0] else _MODEL)
    encoded: list[list[str]] = []
    original = HashEmbedder.encode_passages
    monkeypatch.setattr(HashEmbedder, "encode_passages", lambda self, texts: encoded.append(list(texts)) or original(self, texts))
    docs = tmp_path / "innboks" / "Steinkjer"
    docs.mkdir(parents=True)
    (docs / "saksframlegg.txt").write_text(PAPER, encoding="utf-8")
    settings = get_settings(home=tmp_path / "home", embedder="hash", orchestrator="local", prose_features="pooled")
    assert versions(settings).findings != versions(get_settings(home=tmp_path / "home", prose_features="tfidf")).findings
    run = run_ingest([str(tmp_path / "innboks")], settings)
    assert "embed" in run.stage_seconds
    store = Store(settings.db_url, files_dir=settings.files_dir)
    assert {f.extractor for f in store.findings() if f.extractor.startswith("prose-model")} == {"prose-model@pooled-t-1.1"}
    passages = {c.text for c in store.iter_chunks() if c.type == "passage"}
    embedded = [t for batch in encoded for t in batch]
    assert passages and all(embedded.count(t) == 1 for t in passages)  # the index stage found them in the cache

    encoded.clear()  # a re-derivation (another operating point) needs no model at all
    again = run_ingest([str(tmp_path / "innboks")], settings.model_copy(update={"prose_precision": 0.5}))
    assert [(o.change.value, o.status.value) for o in again.outcomes] == [("rederived", "ingested")]
    assert [t for batch in encoded for t in batch if t in passages] == []


def test_each_label_of_the_committed_pooled_model_reads_what_training_chose():
    import json  # noqa: PLC0415

    from tests.test_prose import EXPERIENCES, GOALS  # noqa: PLC0415

    path, meta_path = prose.FEATURE_SETS["pooled"]
    model = prose.load_model(path)
    reads = {label: row["reads"] for label, row in json.loads(meta_path.read_text(encoding="utf-8"))["labels"].items()}
    texts = GOALS[:3] + EXPERIENCES[:3]
    rng = np.random.default_rng(3)
    a, b = (model.scores(texts, [None] * 6, [False] * 6, rng.normal(size=(6, 384)).astype(np.float32)) for _ in range(2))
    for label in prose.LABELS:
        assert model.reads(label) == reads[label]
        assert np.allclose(a[label], b[label]) == (reads[label] == "tfidf"), label


def test_vectors_of_another_width_give_no_prose_findings_and_say_so(nlp, caplog):  # noqa: F811
    from tests.finding_docs import make_doc  # noqa: PLC0415

    assert _POOLED_MODEL.vector_dim == 384
    with caplog.at_level("WARNING"):
        found = prose.extract_prose(make_doc(PAPER), nlp, _POOLED_MODEL,
                                    embed=lambda texts: HashEmbedder(256).encode_passages(texts))
    assert found == [] and "another embedding model" in caplog.text
    assert prose.extract_prose(make_doc(PAPER), nlp, _POOLED_MODEL,
                               embed=lambda texts: HashEmbedder(384).encode_passages(texts))
