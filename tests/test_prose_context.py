"""eval/prose_context.py: the context features of the prose second-stage experiment
(eval/prose_stack.py) — what a unit's row says about its neighbours, section and heading."""

from __future__ import annotations

import numpy as np
import pytest

from tests.eval_modules import load_eval

# one saksframlegg's units in text order: (text, heading, is_item, first-stage scores exp/goal/project)
UNITS = [
    ("Formålet med saken er å orientere om status for heltidsprosjektet.", "Hva saken gjelder", False, (0.1, 0.4, 0.2)),
    ("Prosjektet har gått i to år.", "Erfaringar frå prosjektperioden", False, (0.3, 0.1, 0.6)),
    ("Fleire tilsette har fått større stillingar.", "Erfaringar frå prosjektperioden", True, (0.9, 0.1, 0.1)),
    ("Sjukefråværet gjekk ned frå 9,1 til 7,4 prosent.", "Erfaringar frå prosjektperioden", True, (0.8, 0.2, 0.1)),
    ("Kommunedirektøren tilrår at arbeidet blir vidareført.", "Forslag til vedtak", False, (0.2, 0.1, 0.1)),
]


def _features():
    pc = load_eval("prose_context")
    texts, headings, items, scores = zip(*UNITS)
    X = pc.context_features(np.array(scores), list(texts), list(headings), list(items))
    return pc, {name: X[:, c] for c, name in enumerate(pc.feature_names())}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("logit_t0", [np.log(0.1 / 0.9), np.log(0.3 / 0.7), np.log(9), np.log(4), np.log(0.25)]),
        ("has_-1", [0, 1, 1, 1, 1]),
        ("same_section_-1", [0, 0, 1, 1, 0]),  # a new heading starts a new section
        ("same_section_+2", [0, 1, 0, 0, 0]),
        ("item_+1", [0, 1, 1, 0, 0]),
        ("logit_t0_+2", [np.log(9), np.log(4), np.log(0.25), 0, 0]),  # past the end: 0
        ("section_share_t0", [0, 1.0, 0.5, 0.5, 0]),  # over the *other* units of the section
        ("section_max_t0", [0, np.log(9), np.log(4), np.log(9), 0]),
        ("section_first", [1, 1, 0, 0, 1]),
        ("section_position", [0, 0, 0.5, 1, 0]),
        ("doc_share_t0", [0.5, 0.5, 0.25, 0.25, 0.5]),
        ("heading_experience", [0, 1, 1, 1, 0]),  # Nynorsk "Erfaringar"
        ("heading_decision", [0, 0, 0, 0, 1]),  # "Forslag til vedtak"
        ("heading_project", [0, 1, 1, 1, 0]),
        ("heading_none", [0, 0, 0, 0, 0]),
        ("is_item", [0, 0, 1, 1, 0]),
        ("doc_position", [0, 0.25, 0.5, 0.75, 1]),
    ],
)
def test_a_units_row_reads_its_neighbours_section_and_heading(name, expected):
    _, got = _features()
    assert np.allclose(got[name], expected, atol=1e-5), (name, got[name])


@pytest.mark.parametrize(
    ("heading", "groups"),
    [
        ("Positive erfaringer fra programperioden", {"experience", "project"}),  # "program…"
        ("Måloppnåing og resultat", {"result", "goal"}),
        ("Bakgrunn for saka", {"background"}),
        ("Kommunedirektørens vurdering", {"assessment"}),
        ("Innstilling", {"decision"}),
        ("Råd for veien videre", {"next"}),
        ("Evaluering av tiltaket", {"evaluation", "measures"}),
        (None, {"none"}),
        ("Vedlegg", set()),
    ],
)
def test_heading_groups_bokmal_and_nynorsk(heading, groups):
    pc = load_eval("prose_context")
    names = [n for n, _ in pc.HEADING_GROUPS] + ["none"]
    assert {n for n, v in zip(names, pc.heading_groups(heading)) if v} == groups


def test_an_empty_document_has_no_rows():
    pc = load_eval("prose_context")
    assert pc.context_features(np.zeros((0, 3)), [], [], []).shape == (0, len(pc.feature_names()))
