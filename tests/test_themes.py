"""Theme classification (Bokmål and Nynorsk) and the shared nlp pipeline."""

from __future__ import annotations

import time

import pytest

from saksfinn.extractors.themes import THEMES, classify_themes
from tests.finding_docs import nlp  # noqa: F401 - fixture


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("Høyt sykefravær, mange vikarer med ulikt kompetansenivå", "sykefravaer"),
        ("Sjukefråværet har gått ned i heimetenesta", "sykefravaer"),
        ("Etablere ein heiltidskultur og redusere ufrivillig deltid", "heltid"),
        ("Retningslinjer for heltidskultur i Steinkjer kommune vedtas.", "heltid"),
        ("Rekruttering av kvalifisert personell", "kompetanse"),
        ("Styrke kommunenes omdømme gjennom synliggjøring", "omdomme"),
        ("Programmet skal fremme innovasjon og nyskaping", "innovasjon"),
        ("Styringsgruppens oppfølging av handlingsplanen for digitalisering", "digitalisering"),
        ("Lean kontinuerlig forbedring som virksomhetsstrategi", "lean"),
        ("Læringslean fase 2", "lean"),
        ("et netto driftsresultat på minimum 205 millioner kroner", "okonomi"),
        ("Vedlikehold i kommunale bygg og rekneskapen for 2025", "okonomi"),
        ("Fremtidens helsetjenester for hjemmeboende", "helse_omsorg"),
        ("Plass på sjukeheimen", "helse_omsorg"),
        ("Barnehagekapasitet sentrum og Steinkjersannan barnehage", "oppvekst"),
        ("Skulebruksplan for ungdomsskulane", "oppvekst"),
        ("Endring av reguleringsplan for Breisås syd", "plan_areal"),
        ("Kommuneplanens arealdel 2024-2037", "plan_areal"),
    ],
)
def test_theme(text, theme):
    assert theme in classify_themes(text)


@pytest.mark.parametrize("text", ["", "Møtet ble hevet kl. 15.30.", "Valget godkjennes", "Spørsmål fra Oddgeir Hagen"])
def test_no_theme(text):
    assert classify_themes(text) == ()


def test_vocabulary():
    assert set(THEMES) == {
        "heltid", "sykefravaer", "kompetanse", "omdomme", "innovasjon", "digitalisering", "lean", "okonomi",
        "helse_omsorg", "oppvekst", "plan_areal",
    }
    found = classify_themes("sykefravær, heltid/deltid, kompetanse og rekruttering og omdømme")
    assert found == ("heltid", "kompetanse", "omdomme", "sykefravaer")


@pytest.mark.slow
def test_nlp_pipeline(nlp):
    doc = nlp("Jf. sak 10/2026 ble bl.a. behandlet. Kommunane har f.eks. betre resultat. Sykefraværet gikk ned.")
    assert [s.text for s in doc.sents][0] == "Jf. sak 10/2026 ble bl.a. behandlet."
    assert len(list(doc.sents)) == 3
    assert "bl.a." in [t.text for t in doc] and "f.eks." in [t.text for t in doc]
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["Sykefraværet"] == "sykefravær" and lemmas["behandlet"] == "behandle"
    assert next(t for t in doc if t.text == "Kommunane")._.stem == "kommun"  # Nynorsk "Kommunane" stems like Bokmål "kommunene"


@pytest.mark.slow
def test_nlp_builds_fast_with_warm_cache(nlp):
    from saksfinn.extractors.nlp import build_nlp  # noqa: PLC0415

    started = time.perf_counter()
    build_nlp()
    assert time.perf_counter() - started < 2.0


def test_document_themes_from_findings_title_and_frequent_roots():
    from saksfinn.extractors.experiences import extract_experiences  # noqa: PLC0415
    from saksfinn.extractors.themes import document_themes, theme_counts  # noqa: PLC0415
    from tests.finding_docs import make_doc  # noqa: PLC0415

    text = (
        "Negative erfaringer\n\n- Høyt sykefravær i hjemmetjenesten.\n\n"
        "Barnehagen fikk ny leder. Budsjettet for 2026 er stramt, budsjettet må justeres og budsjettrammen holder ikke.\n"
    )
    doc = make_doc(text, sections=False)
    themes = document_themes(doc, extract_experiences(doc))
    assert {"sykefravaer", "helse_omsorg", "okonomi"} <= set(themes)
    assert "oppvekst" not in themes  # one mention of "barnehagen" is not enough
    assert theme_counts("budsjett og budsjettet, regnskap")["okonomi"] == 3


@pytest.mark.parametrize(
    ("text", "themes"),
    [
        ("Målet er å redusere sykefraværet. Tiltak for økt nærvær skal evalueres.", ("sykefravaer",)),
        ("Kommunen har fokus på heltidskultur. Fleire tilsette skal jobbe heiltid.", ("heltid",)),
        # one passing mention is not what a passage is about
        ("Saken har ingen konsekvenser for budsjettet. Søknaden gjelder en flytebrygge i strandsonen.", ()),
    ],
)
def test_passage_themes_need_two_mentions(text, themes):
    from saksfinn.extractors.themes import passage_themes

    assert passage_themes(text) == themes
