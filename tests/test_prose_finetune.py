"""eval/prose_finetune.py: the pure helpers that combine the fine-tuned model's out-of-fold
logits with the shipped model's scores, and the recall-at-precision figure."""

from __future__ import annotations

import numpy as np
import pytest

from tests.eval_modules import load_eval


@pytest.fixture(scope="module")
def ft():
    return load_eval("prose_finetune")


@pytest.mark.parametrize(
    ("logit_a", "prob_b", "expected"),
    [
        (0.0, 0.5, 0.0),  # both undecided
        (2.0, 0.5, 1.0),  # half the fine-tuned logit when the shipped score is undecided
        (np.log(3), 0.75, np.log(3)),  # agreeing scores keep their logit
        (-4.0, 0.9, (-4.0 + np.log(9)) / 2),
    ],
)
def test_mean_logit(ft, logit_a, prob_b, expected):
    assert ft.logit(ft.mean_logit(np.array([logit_a]), np.array([prob_b])))[0] == pytest.approx(expected)


def test_mean_logit_is_a_probability(ft):
    out = ft.mean_logit(np.array([-50.0, 0.0, 50.0]), np.array([0.0, 0.5, 1.0]))
    assert ((0 <= out) & (out <= 1)).all() and out[0] < 0.5 == out[1] < out[2]


def test_logit_is_finite_at_0_and_1(ft):
    out = ft.logit(np.array([0.0, 1.0]))
    assert np.isfinite(out).all() and out[0] < -10 < 10 < out[1]


def _stacked(seed: int = 0):
    rng = np.random.default_rng(seed)
    fold_of = np.repeat(np.arange(4), 50)
    y = (rng.random(200) < 0.3).astype(int)
    X = np.c_[y * 2.0 + rng.normal(size=200), rng.normal(size=200)]
    return X, y, fold_of


def test_crossfit_never_reads_the_labels_of_the_fold_it_scores(ft):
    X, y, fold_of = _stacked()
    base = ft.crossfit(X, y, fold_of)
    flipped = y.copy()
    flipped[fold_of == 2] = 1 - flipped[fold_of == 2]
    again = ft.crossfit(X, flipped, fold_of)
    assert np.allclose(base[fold_of == 2], again[fold_of == 2])  # fold 2 scored without its labels
    assert not np.allclose(base[fold_of != 2], again[fold_of != 2])  # the others were fitted on them


def test_crossfit_ranks_by_the_informative_column(ft):
    from sklearn.metrics import average_precision_score

    X, y, fold_of = _stacked(1)
    assert average_precision_score(y, ft.crossfit(X, y, fold_of)) > 0.8


@pytest.mark.parametrize(
    ("labels", "scores", "precision", "expected"),
    [
        ([1, 1, 0, 1, 0], [0.9, 0.8, 0.7, 0.6, 0.1], 0.85, 2 / 3),  # top two right, third wrong
        ([1, 1, 0, 1, 0], [0.9, 0.8, 0.7, 0.6, 0.1], 0.7, 1.0),  # 3 of the top 4
        ([0, 1, 1], [0.9, 0.5, 0.4], 0.85, 0.0),  # the top score is wrong: no threshold holds 0.85
        ([0, 0, 0], [0.9, 0.5, 0.4], 0.5, 0.0),  # no positives
    ],
)
def test_recall_at(ft, labels, scores, precision, expected):
    assert ft.recall_at(np.array(labels), np.array(scores), precision) == pytest.approx(expected)
