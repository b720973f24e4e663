"""Cue features of the prose classifiers on real Norwegian sentences."""

from __future__ import annotations

from saksfinn.extractors.prose_features import CUES, HEADING_CUES, cues, unit_text

NAMES = [n for n, _ in CUES] + [n for n, _ in HEADING_CUES] + ["is_item", "long"]


def _on(text: str, heading: str | None = None, is_item: bool = False) -> set[str]:
    return {n for n, v in zip(NAMES, cues(text, heading, is_item)) if v}


def test_goal_sentence_has_goal_cues():
    on = _on("Målbildet er å tilrettelegge for tydelige, samordnede og effektive tilbud til innbyggerne")
    assert "goal_word" in on and "experience_word" not in on


def test_experience_sentences_have_outcome_cues_bokmal_and_nynorsk():
    assert "satisfaction" in _on("I all hovedsak er brukere godt fornøyd med service og tilgjengelighet")
    assert "problem" in _on("Det har vore vanskeleg å rekruttere sjukepleiarar.")
    assert {"percent", "number"} <= _on("Sjukefråværet gjekk ned frå 9,1 til 7,4 prosent etter prosjektet.")


def test_heading_and_item_cues():
    on = _on("Stabil arbeidsgruppe", heading="Positive erfaringer fra programperioden", is_item=True)
    assert {"heading_experience", "is_item"} <= on
    assert len(cues("x", None, False)) == len(NAMES)
    assert unit_text("Ein  setning\nher", None) == " || Ein setning her"
