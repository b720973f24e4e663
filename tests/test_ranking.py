"""Query expansion (both written standards, feedback) and the ranking steps after fusion."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from saksfinn.extractors.stems import stem
from saksfinn.index.embedding.embed import HashEmbedder
from saksfinn.index.retrieval.expansion import bm25_scores, feedback_weights, query_weights
from saksfinn.index.retrieval.hits import is_copy, is_twin, repeats, unique_texts
from saksfinn.index.retrieval.lexical import LexicalIndex
from saksfinn.index.retrieval.ranking import Fusion, Ranking, fuse, lift_documents
from saksfinn.index.retrieval.search import SearchIndex
from saksfinn.index.retrieval.written_standards import WORD_PAIRS, counterparts
from saksfinn.models import Chunk, SearchFilters

EMB = HashEmbedder(256)


@pytest.mark.parametrize(
    ("word", "counterpart"),
    [
        ("sjukefråvær", "sykefravær"), ("sykefravær", "sjukefråvær"),  # two spelling rules at once
        ("sjukefråværet", "sykefraværet"),
        ("heiltid", "heltid"), ("heltid", "heiltid"), ("heiltidskultur", "heltidskultur"),
        ("ikkje", "ikke"), ("ikke", "ikkje"),
        ("tilsette", "ansatte"), ("ansatte", "tilsette"),
        ("verksemda", "virksomhet"), ("verksemdene", "virksomhetene"),  # by stem, and inside the word
        ("skuleruta", "skoleruta"), ("skolene", "skulene"),
        ("utslepp", "utslipp"), ("korleis", "hvordan"), ("kvifor", "hvorfor"), ("fleire", "flere"),
        ("sjukeheimsplass", "sykehjemsplass"), ("einebustad", "enebolig"), ("bustadene", "boligene"),
        ("høyring", "høring"), ("kunngjering", "kunngjøring"), ("tenester", "tjenester"), ("fråsegn", "uttalelse"),
        ("saksframlegg", "saksfremlegg"), ("utvalet", "utvalget"), ("eining", "enhet"), ("auke", "øke"),
    ],
)
def test_counterparts_in_the_other_written_standard(word, counterpart):
    assert counterpart in counterparts(word)


@pytest.mark.parametrize(("nynorsk", "bokmal"), [("kommuna", "kommunen"), ("offentleg", "offentlig"),
                                                 ("utfordringar", "utfordringer"), ("kommunane", "kommunene")])
def test_endings_the_stemmer_conflates_need_no_counterpart(nynorsk, bokmal):
    assert stem(nynorsk) == stem(bokmal)


def test_every_word_pair_is_found_from_both_sides():
    for nn, nb in WORD_PAIRS:
        assert nb in counterparts(nn) and nn in counterparts(nb), (nn, nb)
        assert nn not in counterparts(nn)


def test_bokmal_e_is_not_respelled_ei_everywhere():
    assert "leige" not in counterparts("lege") and "heilse" not in counterparts("helse")


TEXTS = [
    "Tiltak mot sjukefråvær i skulane: kommunen vil auke nærværet.",  # Nynorsk
    "Tiltak mot sykefravær i skolene: kommunen vil øke nærværet.",  # Bokmål
    "Budsjettet for vegane er vedteke.",
    "Heiltid er målet for dei tilsette i omsorg.",
    "Kommunen vil ha flere ansatte på heltid og flere heltidsstillinger i omsorg.",
]


@pytest.mark.parametrize(
    ("query", "own", "other"),
    [
        ("tiltak mot sjukefråvær", 0, 1),  # both words are in the index: still both standards
        ("tiltak mot sykefravær", 1, 0),
        ("heiltid for tilsette", 3, 4),
        ("heltid for ansatte", 4, 3),
    ],
)
def test_a_query_finds_both_written_standards_when_the_index_knows_both(query, own, other):
    index = LexicalIndex.build(TEXTS)
    scores = bm25_scores(index, query_weights(index, query, 0.5), query, k1=1.5, b=0.75)
    assert scores[own] > scores[other] > 0  # its own standard first, the other found
    before = bm25_scores(index, query_weights(index, query, 0.0), query, k1=1.5, b=0.75)
    assert before[other] < scores[other]


def test_counterpart_weights():
    index = LexicalIndex.build(TEXTS)
    weights = query_weights(index, "sjukefråvær", 0.4)
    assert weights[stem("sjukefråvær")] == 1.0 and weights[stem("sykefravær")] == pytest.approx(0.4)
    # a word no text uses takes its counterpart at full weight (it has nothing else to match)
    unknown = query_weights(index, "heltidsstillingar", 0.4)
    assert max(w for t, w in unknown.items() if index.knows(t)) == 1.0


def test_unit_weights_score_as_the_plain_bm25():
    index = LexicalIndex.build(TEXTS * 3)
    for query in ("tiltak mot sykefravær", "kommunen omsorg heltid", "budsjett"):
        weights = dict.fromkeys(index.query_terms(query), 1.0)
        np.testing.assert_allclose(bm25_scores(index, weights, query, k1=1.5, b=0.75), index.scores(query), rtol=1e-6)


def test_feedback_terms_come_from_the_best_passages_not_the_query():
    texts = [
        "Sykefravær: kommunen styrker nærværsarbeid og oppfølging av langtidssykemeldte.",
        "Sykefravær i barnehagene: nærværsarbeid og tett oppfølging av ansatte.",
        "Nærværsarbeid og oppfølging gir lavere fravær i hjemmetjenesten.",
        "Budsjettet for veger og bruer er vedtatt.",
    ]
    index = LexicalIndex.build(texts)
    weights = query_weights(index, "sykefravær", 0.5)
    extra = feedback_weights(index, texts[:2], [2.0, 1.0], weights, terms=3, weight=0.2)
    assert extra and max(extra.values()) == pytest.approx(0.2) and not set(extra) & set(weights)
    assert stem("nærværsarbeid") in extra or stem("oppfølging") in extra
    scores = bm25_scores(index, {**weights, **extra}, "sykefravær", k1=1.5, b=0.75)
    assert scores[2] > 0 and scores[3] == 0  # the feedback terms match the third text, not the fourth
    assert feedback_weights(index, texts[:2], [2.0, 1.0], weights, terms=3, weight=0.0) == {}


@pytest.mark.parametrize(
    ("weight", "depth", "want"),
    [
        (0.0, 2, [0, 1, 2, 3]),  # off: unchanged
        # rows 1, 2 and 3 are one document; row 0 is alone, slightly better than row 1
        (0.2, 1, [1, 2, 3, 0]),
        (0.2, 2, [1, 2, 3, 0]),
        (0.01, 1, [0, 1, 2, 3]),  # too little lift to overtake
    ],
)
def test_document_lift(weight, depth, want):
    ranked = [(0, 1.0), (1, 0.95), (2, 0.9), (3, 0.85)]
    docs = np.array([0, 1, 1, 1])
    keys = np.arange(4)
    assert [row for row, _ in lift_documents(ranked, docs, weight, depth, keys)] == want


@pytest.mark.parametrize(
    ("floor", "want"),
    [
        (3, [0, 1, 2]),  # scaled over the whole pool, one far-off row makes the top two alike: BM25 decides
        (2, [1, 0, 2]),  # scaled from the 2nd best, row 1's dense lead counts
    ],
)
def test_dense_scores_are_scaled_from_the_nth_best(floor, want):
    channels = {"bm25": [(0, 4.0), (1, 3.6)], "dense": [(1, 0.90), (0, 0.89), (2, 0.70)]}
    fused = fuse(channels, Fusion("weighted", dense_weight=0.4, dense_floor_rank=floor), np.arange(3))
    assert [row for row, _ in fused] == want
    assert all(score >= 0 for _, score in fused)


LONG = ("Kommunedirektøren har lagt fram en egen politisk sak som skal gi nye retningslinjer for bruk av "
        "utviklingsfond NTE-utbytte, og kommunestyret har endret forutsetningene rundt tildelingene i årsbudsjettet.")


def chunk(doc: str, text: str, title: str, municipality: str | None = None, start: int = 0,
          kind: str = "passage") -> Chunk:
    return Chunk(document_id=doc, text=text, title=title, municipality=municipality, page=1, start=start,
                 end=start + len(text), type=kind)


@pytest.mark.parametrize(
    ("a", "b", "twin"),
    [
        (chunk("a", LONG, "Saksframlegg"), chunk("b", LONG + " Vedtak følger.", "Protokoll"), True),  # re-published
        (chunk("a", LONG, "Sak"), chunk("a", LONG, "Sak", start=500), False),  # one document: grouping's business
        # one standard sentence in two unrelated papers is not a twin
        (chunk("a", "Informasjonen tas til orientering.", "Sak A"), chunk("b", "Informasjonen tas til orientering.", "Sak B"), False),
        # a PDF and its text export (same title), even short
        (chunk("a", "7. Vedlegg 1. Lederlæringsprogram", "Lean"), chunk("b", "7. Vedlegg 1 Lederlæringsprogram", "Lean"), True),
        (chunk("a", LONG, "Sak"), chunk("b", "Konsesjon for erverv av landbrukseiendom med boplikt i fem år. " * 3, "Sak B"), False),
        # a proposal and the decision that adopted it, each under its own label
        (chunk("a", "Kommunedirektørens forslag til vedtak:\nKommunestyret godkjenner felles anskaffelsespolitikk for "
               "kommunene i Innherred\nAnskaffelser KO.", "Ny anskaffelsespolitikk", kind="decision"),
         chunk("b", "Vedtak\nKommunestyret godkjenner felles anskaffelsespolitikk for kommunene i Innherred\nAnskaffelser KO.",
               "Kommunestyrets behandling av sak 42/2026", kind="decision"), True),
        # the proposal as a decision, the protocol's decision as a passage
        (chunk("a", "Kommunedirektørens forslag til vedtak:\nKommunestyret godkjenner felles anskaffelsespolitikk for "
               "kommunene i Innherred\nAnskaffelser KO.", "Ny anskaffelsespolitikk", kind="decision"),
         chunk("b", "Vedtak\nKommunestyret godkjenner felles anskaffelsespolitikk for kommunene i Innherred\nAnskaffelser KO.",
               "Kommunestyrets behandling av sak 42/2026"), True),
        # the same words as two passages (no decision): a short text may be a standard phrase
        (chunk("a", "Vedtak\nKommunestyret godkjenner felles anskaffelsespolitikk for kommunene i Innherred\nAnskaffelser KO.", "A"),
         chunk("b", "Vedtak\nKommunestyret godkjenner felles anskaffelsespolitikk for kommunene i Innherred\nAnskaffelser KO.", "B"),
         False),
        # short and word for word the same below the label, but a standard sentence
        (chunk("a", "Vedtak:\nSaken tas til orientering.", "Sak A", kind="decision"),
         chunk("b", "Innstilling:\nSaken tas til orientering.", "Sak B", kind="decision"), False),
        # short, same label, different content
        (chunk("a", "Vedtak\nKommunestyret godkjenner felles anskaffelsespolitikk for kommunene i Innherred.", "Sak A", kind="decision"),
         chunk("b", "Vedtak\nKommunestyret godkjenner ny renovasjonsforskrift for kommunene Snåsa og Steinkjer.", "Sak B",
               kind="decision"), False),
    ],
)
def test_is_twin(a, b, twin):
    assert is_twin(a, b) is twin


PROPOSAL = ("Kommunedirektørens forslag til vedtak:\n1. Levanger kommune avslår søknad om ansvarlig lån til "
            "idrettslaget.\n2. Kommunedirektøren bes vurdere andre former for støtte i budsjettet for 2027.")
ADOPTED = ("VEDTAK\n\n1. Levanger kommune avslår søknad om ansvarlig lån til idrettslaget.\n2. Kommunedirektøren "
           "bes vurdere andre former for støtte i budsjettet for 2027.")


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        # the proposal and the decision that adopted it, in one protocol
        (chunk("p", PROPOSAL, "Sak 12/26", kind="decision"), chunk("p", ADOPTED, "Sak 12/26", start=900, kind="decision"), True),
        # a passage straddling the finding it holds most of (no span holds the other)
        (chunk("p", "Behandling\nEnstemmig.\n" + ADOPTED, "Sak 12/26", start=850),
         chunk("p", ADOPTED + "\nProtokollen godkjent.", "Sak 12/26", start=880, kind="decision"), True),
        # the same text in another document is a twin question, not a repeat
        (chunk("p", PROPOSAL, "Sak 12/26", kind="decision"), chunk("q", ADOPTED, "Sak 12/26", kind="decision"), False),
        # a standard sentence recurs for different cases of one protocol
        (chunk("p", "Vedtak:\nSaken tas til orientering.", "Protokoll", kind="decision"),
         chunk("p", "Vedtak:\nSaken tas til orientering.", "Protokoll", start=400, kind="decision"), False),
        # neighbouring passages sharing the chunker's overlap are two contents
        (chunk("p", LONG + " " + "Søknaden gjelder lån til ny kunstgressbane ved skolen og lysanlegg.", "Sak"),
         chunk("p", "Søknaden gjelder lån til ny kunstgressbane ved skolen og lysanlegg. " + PROPOSAL, "Sak", start=300), False),
    ],
)
def test_repeats(a, b, same):
    assert repeats(a, b) is same and repeats(b, a) is same


QUOTED = ("Følgende innspill gis fra kommunen: 1. Kommunen må kartlegge tilfluktsrom og oppdatere "
          "beredskapsplanene. 2. Kommunale beredskapsråd skal samarbeide med frivillige og næringsliv om lokale lagre.")


@pytest.mark.parametrize(
    ("shown", "later", "copy"),
    [
        # the saksframlegg's proposal, quoted whole in the protocol's longer decision passage
        (chunk("protokoll", "Vedtak\n" + QUOTED + "\nVedtaket var enstemmig.", "Protokoll"),
         chunk("saksframlegg", QUOTED, "Saksframlegg", kind="decision"), True),
        # the longer text below adds text of its own: it stays
        (chunk("saksframlegg", QUOTED, "Saksframlegg", kind="decision"),
         chunk("protokoll", "Vedtak\n" + QUOTED + "\nVedtaket var enstemmig.", "Protokoll"), False),
        # one document: repeats' business
        (chunk("p", "Vedtak\n" + QUOTED + " Enstemmig.", "P"), chunk("p", QUOTED, "P", start=700), False),
        # a short standard sentence stands in many papers
        (chunk("a", LONG + " Saken tas til orientering.", "A"), chunk("b", "Saken tas til orientering.", "B"), False),
    ],
)
def test_is_copy(shown, later, copy):
    assert is_copy(shown, later) is copy


def test_a_repeat_in_one_document_is_one_hit_keeping_the_finding():
    chunks = [chunk("p", "Behandling\nEnstemmig.\n" + ADOPTED, "Sak 12/26", "Levanger", start=850),
              chunk("p", PROPOSAL, "Sak 12/26", "Levanger", start=100, kind="decision"),
              chunk("annen", "Et helt annet avsnitt om skoler og barnehager i sentrum.", "Skole", "Levanger")]
    ranked, shown = unique_texts([(0, 3.0), (1, 2.0), (2, 1.0)], chunks, 10)
    assert [r for r, _ in ranked] == [0, 2], "the repeat gives its place to other content"
    assert shown[0].type == "decision" and shown[0].text == chunks[0].text, "the finding, with the passage's text"


def test_twins_are_shown_once_with_the_municipality_of_either():
    chunks = [chunk("pdf", LONG, "Saksframlegg"), chunk("txt", LONG + " Slutt.", "Protokoll", "Steinkjer"),
              chunk("annen", "Et helt annet avsnitt om skoler og barnehager i sentrum.", "Skole", "Levanger")]
    ranked, shown = unique_texts([(0, 3.0), (1, 2.0), (2, 1.0)], chunks, 10)
    assert [c.document_id for c in shown] == ["pdf", "annen"]
    assert shown[0].municipality == "Steinkjer" and [r for r, _ in ranked] == [0, 2]


def test_feedback_reranks_the_rows_the_query_matched_and_adds_none(tmp_path):
    texts = [
        "Sykefravær: nærværsarbeid og oppfølging av langtidssykemeldte i kommunen.",
        "Sykefravær i barnehagene: nærværsarbeid og tett oppfølging av ansatte.",
        "Sykefravær er omtalt i årsrapporten for 2025 sammen med budsjettet.",
        "Nærværsarbeid og oppfølging gir lavere fravær i hjemmetjenesten.",  # no query word
    ]
    chunks = [chunk(f"d{i}", t, f"Sak {i}") for i, t in enumerate(texts)]
    SearchIndex.build(chunks, None, tmp_path)
    on = SearchIndex.open(tmp_path, ranking=replace(Ranking(), feedback_docs=2, feedback_weight=0.5, doc_weight=0.0))
    off = SearchIndex.open(tmp_path, ranking=replace(Ranking(), feedback_docs=0, doc_weight=0.0))
    got = {name: [h.document_id for h in index.search("sykefravær", None, top=10, mode="bm25")]
           for name, index in (("on", on), ("off", off))}
    assert set(got["on"]) == set(got["off"]) == {"d0", "d1", "d2"}
    assert got["on"][-1] == "d2"  # the passage that shares nothing with the best ones comes last


def test_search_finds_both_standards_end_to_end(tmp_path):
    chunks = [chunk(f"d{i}", text, f"Sak {i}", "Steinkjer") for i, text in enumerate(TEXTS)]
    SearchIndex.build(chunks, EMB.encode_passages([c.text for c in chunks]), tmp_path)
    for ranking in (Ranking(), replace(Ranking(), feedback_docs=0, doc_weight=0.0)):
        index = SearchIndex.open(tmp_path, ranking=ranking)
        for query, docs in (("tiltak mot sjukefråvær", {"d0", "d1"}), ("flere heltidsstillinger", {"d3", "d4"})):
            hits = index.search(query, None, top=3, filters=SearchFilters(), mode="bm25")
            assert {h.document_id for h in hits[:2]} == docs, query
        hit = index.search("sykefravær", None, top=3, filters=SearchFilters(), mode="bm25")
        assert any("⟪sjukefråvær⟫" in h.highlighted for h in hit)  # the counterpart is marked too


def test_settings_defaults_are_the_measured_ranking():
    from saksfinn.flows.searching import ranking_from_settings
    from saksfinn.settings import Settings

    assert ranking_from_settings(Settings()) == Ranking()


# ---- invariants ---------------------------------------------------------------------------

from hypothesis import given, settings as hsettings, strategies as st  # noqa: E402

WORDS = ["sjukefråvær", "sykefravær", "heiltid", "heltid", "tilsette", "ansatte", "skulane", "skolene", "kommunen",
         "tiltak", "nærvær", "budsjett", "vegar", "veier", "omsorg", "fleire", "flere", "ikkje", "ikke", "utslepp"]
CORPUS = [" ".join(WORDS[(i * 7 + j * 3) % len(WORDS)] for j in range(3 + i % 5)) for i in range(30)]
INDEX = LexicalIndex.build(CORPUS)
queries = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join)


@hsettings(max_examples=80, deadline=None)
@given(queries, st.floats(0.05, 1.0))
def test_expansion_only_adds_matches_and_keeps_the_query_words_first(query, weight):
    plain = query_weights(INDEX, query, 0.0)
    expanded = query_weights(INDEX, query, weight)
    assert all(expanded[t] >= w for t, w in plain.items())  # the query's own terms keep their weight
    assert all(0 < w <= 1.0 for w in expanded.values())
    before = bm25_scores(INDEX, plain, query, k1=1.5, b=0.75) > 0
    after = bm25_scores(INDEX, expanded, query, k1=1.5, b=0.75) > 0
    assert not (before & ~after).any()  # every row the query matched still matches


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("feedback")
    chunks = [Chunk(document_id=f"d{i % 10}", text=t, title=f"Sak {i % 10}", page=1, start=i * 200,
                    end=i * 200 + len(t)) for i, t in enumerate(CORPUS)]
    SearchIndex.build(chunks, None, folder)
    return folder


@hsettings(max_examples=40, deadline=None)
@given(query=queries)
def test_feedback_never_adds_rows(corpus_index, query):
    plain = replace(Ranking(), feedback_docs=0, doc_weight=0.0, max_per_document=30)
    off = SearchIndex.open(corpus_index, ranking=plain)
    on = SearchIndex.open(corpus_index, ranking=replace(plain, feedback_docs=3, feedback_weight=1.0))
    shown = [{(h.document_id, h.text) for h in i.search(query, None, top=30, mode="bm25")} for i in (off, on)]
    assert shown[0] == shown[1]
