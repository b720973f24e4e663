"""eval/agreement.py: the agreement statistics and how stand-off records become units."""


import pytest

from tests.eval_modules import load_eval

agreement = load_eval("agreement")


@pytest.mark.parametrize(
    ("both", "only_a", "only_b", "neither", "kappa"),
    [
        (10, 0, 0, 90, 1.0),  # identical passes
        (0, 10, 10, 80, (0.8 - 0.82) / 0.18),  # positives never shared: below chance
        (20, 5, 5, 70, (0.9 - 0.625) / 0.375),  # p_o 0.9, p_e 0.25*0.25 + 0.75*0.75
        (0, 0, 0, 50, None),  # no positives in either pass: undefined, not 1.0
    ],
)
def test_kappa(both, only_a, only_b, neither, kappa):
    got = agreement.kappa(both, only_a, only_b, neither)
    assert got == pytest.approx(kappa) if kappa is not None else got is None


@pytest.mark.parametrize(
    ("both", "only_a", "only_b", "f1"),
    [(10, 0, 0, 1.0), (5, 5, 0, 2 / 3), (0, 3, 4, 0.0), (0, 0, 0, None)],
)
def test_positive_agreement_is_symmetric_f1(both, only_a, only_b, f1):
    got = agreement.positive_agreement(both, only_a, only_b)
    assert got == pytest.approx(f1) if f1 is not None else got is None
    assert agreement.positive_agreement(both, only_b, only_a) == got


def rec(label, start, end, polarity=None, name=None, annotator="a"):
    return {"sha256": "s" * 64, "path": "x.txt", "start": start, "end": end, "label": label, "polarity": polarity, "name": name, "annotator": annotator}


def test_units_collect_labels_polarity_and_mentions_inside_their_span():
    records = [
        rec("experience", 0, 40, "negative"),
        rec("project", 0, 40),
        rec("project_mention", 10, 24, name="Innherreds\nbyen"),
        rec("other", 41, 80),
        rec("project_mention", 50, 60, name="Heltidskultur"),
    ]
    units = agreement.units_of(records)
    first, second = units[("s" * 64, 0, 40)], units[("s" * 64, 41, 80)]
    assert (first.labels, first.polarity, first.mentions) == ({"experience", "project"}, "negative", {"innherreds byen"})
    assert (second.labels, second.mentions) == (set(), {"heltidskultur"})
    assert agreement.label_set(first) == "exp+proj" and agreement.label_set(second) == "other"


def test_report_counts_only_units_with_the_same_span():
    a = agreement.units_of([rec("goal", 0, 10), rec("experience", 11, 20, "positive"), rec("other", 21, 30)])
    b = agreement.units_of([rec("goal", 0, 10), rec("experience", 11, 20, "mixed"), rec("goal", 21, 29)])
    text = agreement.report(a, b)
    assert "compared: 2" in text and "unmatched spans: second 1, first 1" in text
    assert "polarity on units both call experience: 0/1 agree" in text
