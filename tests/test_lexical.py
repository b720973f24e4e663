from __future__ import annotations

import numpy as np
import pytest

from saksfinn.index.retrieval.analysis import Analyzer, corpus_vocabulary
from saksfinn.index.retrieval.lexical import LexicalIndex

VOCAB = corpus_vocabulary(
    [
        "heltid kultur barn hage plass sykefravær arbeid tiltak utvikling fond "
        "kommune styre elg jakt avløp anlegg nærvær"
    ]
)


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("heltidskultur", ("heltid", "kultur")),  # linking -s-
        ("barnehage", ("barn", "hage")),  # linking -e-
        ("barnehageplass", ("barn", "hage", "plass")),  # three parts
        ("sykefraværsarbeid", ("sykefravær", "arbeid")),
        ("utviklingsfond", ("utvikling", "fond")),
        ("kommunestyre", ("kommune", "styre")),
        ("avløpsanlegg", ("avløp", "anlegg")),
        ("elgjakt", ()),  # "elg" is shorter than the minimum part
        ("heltid", ()),  # a known word is not split
        ("kulturhus", ()),  # "hus" is not in the vocabulary
    ],
)
def test_compound_splitting(word, parts):
    assert Analyzer(VOCAB).split(word) == parts


TEXTS = [
    "Retningslinjer for heltidskultur i Steinkjer kommune ble vedtatt i 2019.",
    "Sykefraværet økte i 2025, og tiltak for økt nærvær er satt i gang.",
    "Kommunen vil bygge ny barnehage i sentrum for å øke kapasiteten.",
    "Økonomien i kommunen er stram, og budsjettet må justeres.",
    "Alle ansatte skal få tilbud om å jobbe heltid, og kulturen for deltid må endres.",
]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    return LexicalIndex.build(TEXTS)


def best(index: LexicalIndex, query: str) -> int:
    scores = index.scores(query)
    assert scores.max() > 0, query
    return int(np.argmax(scores))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("heltidskultur", 0),  # exact compound
        ("retningslinjene", 0),  # stemming: definite plural
        ("sykefraværsarbeid", 1),  # query compound, text has only the head word
        ("barnehager", 2),
        ("økonomi", 3),  # æøå kept
    ],
)
def test_query_finds_expected_text(index, query, expected):
    assert best(index, query) == expected


def test_compound_parts_match_separate_words(index):
    scores = index.scores("heltid")
    # both the text with the compound and the one with the bare word match
    assert scores[0] > 0 and scores[4] > 0
    assert index.scores("kultur")[0] > 0


def test_no_folding_of_norwegian_letters(index):
    assert index.scores("okonomi").max() == 0


def test_stop_words_and_unknown_words_score_zero(index):
    assert index.scores("og i for").max() == 0
    assert index.scores("fotballstadion").max() == 0


def test_save_and_load_round_trip(index, tmp_path):
    index.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    for q in ("heltidskultur", "sykefraværsarbeid", "barnehage sentrum"):
        np.testing.assert_allclose(loaded.scores(q), index.scores(q))
    assert loaded.analyzer.vocabulary == index.analyzer.vocabulary


def test_empty_corpus(tmp_path):
    empty = LexicalIndex.build([])
    assert empty.scores("heltid").shape == (0,)
    empty.save(tmp_path / "e")
    assert LexicalIndex.load(tmp_path / "e").size == 0


@pytest.mark.parametrize(
    ("texts", "query", "expected_row"),
    [
        # a Nynorsk query over Bokmål text
        (["Kommunen vil ha flere heltidsstillinger i helse og omsorg.", "Budsjettet for skolene er vedtatt."],
         "fleire heiltidsstillingar", 0),
        (["Kommunen vil ha flere heltidsstillinger i helse og omsorg.", "Hva skjer med skolene i sentrum?"],
         "kva skjer med skulane", 1),
        # a Bokmål query over Nynorsk text
        (["Kommunen vil ha fleire heiltidsstillingar i helse og omsorg.", "Budsjettet for skulane er vedteke."],
         "flere heltidsstillinger", 0),
    ],
)
def test_query_in_one_written_standard_finds_the_other(texts, query, expected_row):
    index = LexicalIndex.build(texts)
    scores = index.scores(query)
    assert int(np.argmax(scores)) == expected_row and scores[expected_row] > 0


def test_words_the_index_knows_are_not_respelled():
    index = LexicalIndex.build(["Heiltid og heltid er same ord på nynorsk og bokmål.", "Ingen treff her."])
    assert index.query_terms("heiltid") == [Analyzer().terms_of_word("heiltid")[0]]
