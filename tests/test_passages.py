"""Passage-level ordering within a document (index/retrieval/passages.py)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings as hsettings, strategies as st

from saksfinn.index.retrieval.expansion import query_words
from saksfinn.index.retrieval.lexical import LexicalIndex
from saksfinn.index.retrieval.passages import (
    PassageWeights, coverage, leads_section, own_text, passage_features, prose_share, rerank_passages,
)
from saksfinn.index.retrieval.ranking import Ranking
from saksfinn.index.retrieval.search import SearchIndex
from saksfinn.models import Chunk

TITLE = "NTE-utbytte - retningslinjer og fordelingsprinsipper bruk av utviklingsfond"
FRONT = ("SAKSFRAMLEGG\nSaksgang\nUtvalg\nFormannskap\nKommunestyre\n\nMøtedato\n\nUtvalgssak\n\n"
         f"Arkivsaksnr: 2025/8293\nSaksbehandler: Øystein Larsen\n\n{TITLE}")
OPENING = ("Saksopplysninger:\nSteinkjer kommune mottar årlig utbytte fra NTE. Fellesnemda i Nye Steinkjer kommune\n"
           "behandlet retningslinjer for bruk av utbyttet i 2019, og de er siden endret to ganger.")
LATER = ("I tilknytning til årets tildelinger fra utviklingsfondet har det kommet innspill om\n"
         "søknadsfrister og om hvem som kan søke om midler fra fondet.")
TABLE = "Tildelt\n\n2023\n\n2024\n\n1 200 000\n\n850 000\n\nSum\n\n2 050 000"


def chunk(doc: str, text: str, section: str | None, start: int, title: str = TITLE, kind: str = "passage") -> Chunk:
    return Chunk(document_id=doc, text=text, title=title, section=section, page=1, start=start, end=start + len(text),
                 type=kind)


@pytest.mark.parametrize(
    ("text", "share"),
    [
        (own_text(chunk("a", FRONT, "SAKSFRAMLEGG", 0)), 0.0),  # form fields: no running text
        (TABLE, 0.0),
        (OPENING, 1.0 - 1 / 27),  # "Saksopplysninger:" is a label line of one word
        (LATER, 1.0),
        ("", 0.0),
    ],
)
def test_prose_share(text, share):
    assert prose_share(text) == pytest.approx(share, abs=0.01)


@pytest.mark.parametrize(
    ("c", "lead"),
    [
        (chunk("a", OPENING, "Saksopplysninger", 100), True),
        (chunk("a", LATER, "Saksopplysninger", 400), False),  # the section's second passage
        (chunk("a", LATER, None, 400), False),  # no section
    ],
)
def test_leads_section(c, lead):
    assert leads_section(c) is lead


def test_own_text_drops_lines_that_repeat_the_title():
    assert TITLE not in own_text(chunk("a", FRONT, "SAKSFRAMLEGG", 0))
    assert own_text(chunk("a", OPENING, "Saksopplysninger", 0)) == OPENING


INDEX = LexicalIndex.build([OPENING, LATER, FRONT, TABLE, "Skolerute for 2027-2028 lik fylkeskommunen."])


@pytest.mark.parametrize(
    ("text", "query", "share"),
    [
        (OPENING, "utbytte retningslinjer", 1.0),
        (LATER, "utbytte retningslinjer", 0.0),
        (OPENING, "utbytte skolerute", None),  # between 0 and 1: one of two words
    ],
)
def test_coverage(text, query, share):
    got = coverage(set(INDEX.analyzer.terms(text)), query_words(INDEX, query, 0.5))
    if share is None:
        assert 0.0 < got < 1.0
    else:
        assert got == pytest.approx(share)


def test_the_opening_prose_passage_leads_its_document():
    # fused order as BM25 gives it: the front matter repeats the title, so it scored best
    chunks = [chunk("a", FRONT, "SAKSFRAMLEGG", 0), chunk("a", TABLE, "Saksopplysninger", 900),
              chunk("b", LATER, "Saksvurderinger", 0, title="Annen sak"), chunk("a", OPENING, "Saksopplysninger", 300)]
    ranked = [(0, 1.30), (1, 1.25), (2, 1.20), (3, 1.10)]
    codes = np.array([0, 0, 1, 0])
    words = query_words(INDEX, "NTE-utbytte retningslinjer", 0.5)
    out = rerank_passages(ranked, chunks, words, INDEX.analyzer, PassageWeights(lead=0.2, prose=0.2),
                          keys=np.arange(4), doc_codes=codes)
    assert [row for row, _ in out] == [3, 0, 2, 1]  # document b keeps its third place
    assert [s for _, s in out] == [s for _, s in ranked]  # places keep their scores
    assert rerank_passages(ranked, chunks, words, INDEX.analyzer, PassageWeights(), keys=np.arange(4),
                           doc_codes=codes) == ranked  # weights 0: unchanged


def test_features_of_front_matter_and_opening():
    feats = passage_features([chunk("a", FRONT, "SAKSFRAMLEGG", 0), chunk("a", OPENING, "Saksopplysninger", 300)],
                             query_words(INDEX, "utbytte", 0.5), INDEX.analyzer)
    assert feats[0].tolist() == [1.0, 0.0, 0.0]  # opens its section, no prose, the query word only in the title
    assert feats[1, 0] == 1.0 and feats[1, 1] > 0.9 and feats[1, 2] == 1.0


@hsettings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from([FRONT, OPENING, LATER, TABLE]), st.booleans()),
                min_size=1, max_size=12), st.integers(0, 12), st.booleans())
def test_reordering_keeps_every_documents_places(rows, depth, within):
    chunks = [chunk(f"d{doc}", text, "Saksopplysninger" if opens else "Vurdering", i * 10) for i, (doc, text, opens) in enumerate(rows)]
    ranked = [(i, 2.0 - i / 10) for i in range(len(rows))]
    codes = np.array([doc for doc, _, _ in rows])
    depth = min(depth, len(rows))
    out = rerank_passages(ranked, chunks[:depth], [], INDEX.analyzer, PassageWeights(lead=0.3, prose=0.2,
                          within_document=within), keys=np.arange(len(rows)), doc_codes=codes)
    assert sorted(out) != [] and sorted(r for r, _ in out) == list(range(len(rows)))  # a permutation
    assert out[depth:] == ranked[depth:]  # rows past the depth keep their order
    if within:
        assert [codes[r] for r, _ in out] == [codes[r] for r, _ in ranked]  # each document keeps its places


def test_search_shows_the_opening_before_the_front_matter(tmp_path):
    chunks = [chunk("a", FRONT, "SAKSFRAMLEGG", 0), chunk("a", OPENING, "Saksopplysninger", 300),
              chunk("a", LATER, "Saksopplysninger", 600)]
    SearchIndex.build(chunks, None, tmp_path)
    off = replace(Ranking(), lead_weight=0.0, prose_weight=0.0, front_matter_demotion=0.0, feedback_docs=0)
    features = replace(off, lead_weight=Ranking().lead_weight, prose_weight=Ranking().prose_weight)
    demotion = replace(off, front_matter_demotion=Ranking().front_matter_demotion)
    for ranking, first in ((off, FRONT), (features, OPENING), (demotion, OPENING)):
        hits = SearchIndex.open(tmp_path, ranking=ranking).search("retningslinjer", None, top=3, mode="bm25")
        assert hits[0].text == first
