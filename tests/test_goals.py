"""Goals and their numeric targets (Bokmål and Nynorsk)."""

from __future__ import annotations

import pytest

from saksfinn.extractors.goals import EXTRACTOR, extract_goals, parse_target
from tests.finding_docs import corpus_doc, make_doc


@pytest.mark.parametrize(
    ("text", "goal", "kind", "target", "value", "unit"),
    [
        ("Det er vanskelig å vise sammenhengen med målet om et netto driftsresultat på minimum 205 millioner kroner.",
         "et netto driftsresultat på minimum 205 millioner kroner", "mål", "minimum 205 millioner kroner", 205e6,
         "kroner"),
        ("Hovedmål: Redusere sykefraværet til 7 % innen 2027.\n", "Redusere sykefraværet til 7 % innen 2027",
         "hovedmål", "til 7 %", 7.0, "%"),
        ("Programmets mål innenfor tema heltid/deltid: Etablere en heltidskultur og prøve ut tiltak. Neste tema.",
         "Etablere en heltidskultur og prøve ut tiltak", "mål", None, None, None),
        ("Målet er å auke talet på heiltidsstillingar med 50 stillingar.",
         "å auke talet på heiltidsstillingar med 50 stillingar", "mål", "50 stillingar", 50.0, "stillingar"),
        ("Effektmål:\n90 prosent av brukerne er fornøyde med tjenesten\n\nResultatmål", 
         "90 prosent av brukerne er fornøyde med tjenesten", "effektmål", "90 prosent", 90.0, "%"),
        ("Målsetningen med prosjektet er at alle ansatte skal få tilbud om hel stilling.",
         "at alle ansatte skal få tilbud om hel stilling", "målsetting", None, None, None),
        ("Tiltaket ble satt i gang med mål om å redusere ventetiden til 14 dager.",
         "å redusere ventetiden til 14 dager", "mål", "til 14 dager", 14.0, "dager"),
        ("Delmål 2: Andelen heltidsansatte skal økes til 60 %.\n", "Andelen heltidsansatte skal økes til 60 %",
         "delmål", "til 60 %", 60.0, "%"),
        # a booklet's page number at the end of the page is not part of the goal
        ("Programmets mål innenfor tema omdømme: Styrke kommunenes omdømme og synliggjøre lokale prosjekter 10\n\nNeste",
         "Styrke kommunenes omdømme og synliggjøre lokale prosjekter", "mål", None, None, None),
        ("Målet er å auke talet på lærlingar til 12\n\nNeste side", "å auke talet på lærlingar til 12", "mål", None,
         None, None),
    ],
)
def test_goals(text, goal, kind, target, value, unit):
    goals = extract_goals(make_doc(text, sections=False))
    assert len(goals) == 1
    g = goals[0]
    assert (g.text, g.kind, g.target, g.target_value, g.target_unit) == (goal, kind, target, value, unit)
    assert g.extractor == EXTRACTOR


@pytest.mark.parametrize(
    "text",
    [
        "FO 4/26 Spørsmål fra Oddgeir Hagen (V) - status bylivsgate\n",
        "Få om noen nye prosjekter har eksplisitt hatt besparing som mål.",
        "Spørsmål:\nKan ordfører gi en orientering?\n",
    ],
)
def test_not_goals(text):
    assert extract_goals(make_doc(text, sections=False)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("minimum 205 millioner kroner", ("minimum 205 millioner kroner", 205e6, "kroner")),
        ("1,5 mrd. kr", ("1,5 mrd. kr", 1.5e9, "kroner")),
        ("inntil kr 1 000 000", (None, None, None)),
        ("1 000 000 kroner", ("1 000 000 kroner", 1e6, "kroner")),
        ("redusere sykefraværet til 7,5 prosent", ("til 7,5 prosent", 7.5, "%")),
        ("en bedre hverdag", (None, None, None)),
    ],
)
def test_parse_target(text, expected):
    assert parse_target(text) == expected


def test_seed_000_goal(shared_corpus):
    goals = extract_goals(corpus_doc(next((shared_corpus / "seeds" / "txt").glob("000_*.txt"))))
    assert [(g.target_value, g.target_unit) for g in goals] == [(205e6, "kroner")]


def test_seed_002_programme_goals(shared_corpus):
    goals = extract_goals(corpus_doc(next((shared_corpus / "seeds" / "txt").glob("002_*.txt"))))
    texts = [g.text for g in goals]
    # the booklet states one "Programmets mål innenfor tema ..." per theme: sykefravær, heltid/deltid,
    # kompetanse og rekruttering, omdømme
    assert sum(t.startswith(("Etablere en nærværskultur", "Etablere en heltidskultur", "Styrke")) for t in texts) == 4
    assert {"sykefravaer", "heltid", "omdomme"} <= {theme for g in goals for theme in g.themes}
