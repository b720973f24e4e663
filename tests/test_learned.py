"""The learned re-ranking stage (index/retrieval/learned.py): features, the linear scorer, the search hook."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from saksfinn.index.embedding.embed import HashEmbedder
from saksfinn.index.retrieval.learned import FEATURES, FeatureRecorder, LinearReranker
from saksfinn.index.retrieval.ranking import Ranking
from saksfinn.index.retrieval.search import SearchIndex
from saksfinn.index.retrieval.translation import OtherStandard
from saksfinn.models import Chunk

EMB = HashEmbedder(256)
TITLE = "Tiltak mot sykefravær i skolene"
FRONT = f"SAKSFRAMLEGG\nSaksgang\nUtvalg\nOppvekstutvalget\n\nArkivsaksnr: 2026/311\n\n{TITLE}"
OPENING = ("Saksopplysninger:\nSykefraværet blant ansatte i skolene har økt de siste to årene, og rektorene ber om\n"
           "et felles opplegg for nærværsarbeid og tett oppfølging av langtidssykemeldte.")
LATER = ("Kommunedirektøren foreslår at hver skole lager en plan for nærvær, og at bedriftshelsetjenesten\n"
         "bistår med kartlegging av arbeidsmiljøet før sommeren.")
NYNORSK = ("Sjukefråværet i skulane har gått ned etter at dei tilsette fekk tettare oppfølging frå leiinga\n"
           "og eit eige nærværsprosjekt i regi av kommunen.")
OTHER = "Skolerute for 2027-2028 vedtas lik fylkeskommunens, med planleggingsdager i august."
FINDING = "Tett oppfølging av langtidssykemeldte ga lavere sykefravær."


def chunk(doc: str, text: str, section: str | None, start: int, title: str = TITLE, kind: str = "passage",
          page: int = 1) -> Chunk:
    return Chunk(document_id=doc, text=text, title=title, section=section, page=page, start=start,
                 end=start + len(text), type=kind)


CHUNKS = [
    chunk("a", FRONT, "SAKSFRAMLEGG", 0),
    chunk("a", OPENING, "Saksopplysninger", 200),
    chunk("a", LATER, "Vurdering", 600, page=2),
    chunk("b", NYNORSK, "Bakgrunn", 0, title="Nærvær i skulane"),
    chunk("c", OTHER, "Skolerute", 0, title="Skolerute 2027-2028"),
    chunk("a", FINDING, None, 900, kind="experience"),  # held by no passage here: shown on its own
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("learned")
    SearchIndex.build(CHUNKS, EMB.encode_passages([c.text for c in CHUNKS]), out)
    return out


def recorded(index_dir, query: str, other: OtherStandard | None = None, mode: str = "hybrid"):
    recorder = FeatureRecorder()
    index = SearchIndex.open(index_dir, reranker=recorder)
    vec = EMB.encode_queries([query])[0]
    other_vec = EMB.encode_queries([other.text])[0] if other is not None else None
    index.search(query, vec, top=10, mode=mode, other=other, other_vec=other_vec)  # type: ignore[arg-type]
    (q, _rows, chunks, feats), = recorder.records
    assert q == query and feats.shape == (len(chunks), len(FEATURES))
    return {c.text: dict(zip(FEATURES, row)) for c, row in zip(chunks, feats)}


@pytest.mark.parametrize(
    ("text", "feature", "want"),
    [
        (OPENING, "lead", 1.0),  # opens its section
        (LATER, "lead", 0.0),
        (FRONT, "prose", 0.0),  # form fields
        (LATER, "prose", 1.0),
        (FINDING, "finding", 1.0),
        (OPENING, "finding", 0.0),
        (LATER, "page", 1.0),  # log2 of page 2
        (OPENING, "coverage", 1.0),  # holds "sykefravær" (stem) and "ansatte"
        (NYNORSK, "bm25_own", 0.0),  # matches only through the other written standard
        (OPENING, "bm25_translation", 0.0),  # no translation given
        (OPENING, "query_nn", 0.0),
    ],
)
def test_features_of_a_bokmal_query(index_dir, text, feature, want):
    feats = recorded(index_dir, "sykefravær ansatte")
    assert feats[text][feature] == pytest.approx(want)


def test_the_other_standard_and_the_translation_have_their_own_columns(index_dir):
    feats = recorded(index_dir, "sjukefråvær tilsette", OtherStandard("nn", "sykefravær ansatte"))
    assert feats[NYNORSK]["bm25_own"] > 0  # the query's own words
    assert feats[OPENING]["bm25_own"] == 0 and feats[OPENING]["bm25_translation"] > 0
    assert all(f["query_nn"] == 1.0 for f in feats.values())
    assert feats[OPENING]["dense_other"] != feats[OPENING]["dense_query"]  # the translation's own vector


def test_front_matter_scores_above_case_text(index_dir):
    feats = recorded(index_dir, "sykefravær skolene")
    assert feats[FRONT]["front_matter"] > 0.5 > feats[OPENING]["front_matter"] == 0.0


def test_document_features(index_dir):
    feats = recorded(index_dir, "sykefravær")
    doc_a = [f for t, f in feats.items() if t in (FRONT, OPENING, LATER, FINDING)]
    assert sorted(f["doc_place"] for f in doc_a)[0] == 0.0  # its best candidate
    assert len({f["doc_candidates"] for f in doc_a}) == 1  # one count per document
    assert max(f["fused"] for f in feats.values()) == pytest.approx(1.0)
    assert max(f["doc_best"] for f in doc_a) == pytest.approx(1.0)


def test_bm25_only_search_has_no_dense_features(index_dir):
    feats = recorded(index_dir, "sykefravær", mode="bm25")
    assert all(f["dense_query"] == 0.0 and f["dense_other"] == 0.0 for f in feats.values())


def weights(**named: float) -> LinearReranker:
    n = len(FEATURES)
    return LinearReranker(tuple(named.get(f, 0.0) for f in FEATURES), (0.0,) * n, (1.0,) * n)


@pytest.mark.parametrize(
    ("model", "first", "kind"),
    [
        (weights(lead=1.0, prose=1.0, coverage=1.0), OPENING, "passage"),  # an opening prose passage holding the query
        (weights(page=1.0), LATER, "passage"),  # favours a later page
        (weights(finding=1.0), FINDING, "experience"),
    ],
)
def test_a_linear_reranker_orders_by_its_weights(index_dir, model, first, kind):
    index = SearchIndex.open(index_dir, reranker=model, ranking=replace(Ranking(), max_per_document=10))
    hits = index.search("sykefravær skolene", EMB.encode_queries(["sykefravær skolene"])[0], top=10)
    assert (hits[0].text, hits[0].type) == (first, kind)


def test_the_recorder_changes_nothing_and_reranking_keeps_the_hits(index_dir):
    query, vec = "oppfølging av sykefravær", EMB.encode_queries(["oppfølging av sykefravær"])[0]
    plain = SearchIndex.open(index_dir).search(query, vec, top=10)
    recorded_hits = SearchIndex.open(index_dir, reranker=FeatureRecorder()).search(query, vec, top=10)
    assert [h.chunk_id for h in recorded_hits] == [h.chunk_id for h in plain]
    reranked = SearchIndex.open(index_dir, reranker=weights(page=1.0)).search(query, vec, top=10)
    assert {h.chunk_id for h in reranked} == {h.chunk_id for h in plain}
    assert [h.score for h in reranked] == sorted((h.score for h in reranked), reverse=True)


def test_model_round_trip_and_feature_check(tmp_path):
    model = weights(lead=0.5, dense=-0.25)
    path = tmp_path / "model.json"
    path.write_text(model.to_json())
    assert LinearReranker.load(path) == model
    with pytest.raises(ValueError, match="retrain"):
        LinearReranker((1.0,), (0.0,), (1.0,), features=("fused",))


# ---- the experiment's learner (bench/learned_ranking.py) ------------------------------------


def load_bench():
    import importlib.util
    import sys
    from pathlib import Path

    bench = Path(__file__).resolve().parents[1] / "bench"
    if str(bench) not in sys.path:
        sys.path.insert(0, str(bench))
    if "saksfinn_bench_learned_ranking" not in sys.modules:
        spec = importlib.util.spec_from_file_location("saksfinn_bench_learned_ranking", bench / "learned_ranking.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
    return sys.modules["saksfinn_bench_learned_ranking"]


def test_labels_count_the_judgements_a_candidate_satisfies():
    from saksfinn.index.retrieval.evaluate import EvalQuery, Judgement

    lr = load_bench()
    q = EvalQuery("q1", "sykefravær", (Judgement("sak.txt", "tett oppfølging av langtidssykemeldte"),
                                        Judgement("sak.txt", "Sykefraværet blant ansatte")))
    files = {"a": "sak.txt", "b": "annen.txt"}
    got = lr.labels_of(q, [CHUNKS[1], CHUNKS[2], chunk("b", OPENING, "Saksopplysninger", 0)], files)
    assert got.tolist() == [2.0, 0.0, 0.0]  # the same text in another file satisfies nothing


@pytest.mark.parametrize("lam", [False, True])
def test_pairs_are_both_ways_round_and_weigh_one_per_query(lam):
    lr = load_bench()
    feats = np.eye(3, len(FEATURES))
    data = [lr.QueryData(None, feats, np.array([2.0, 0.0, 1.0])), lr.QueryData(None, feats, np.zeros(3))]
    x, y, w = lr.pairs(data, lam)
    assert len(x) == 6 and y.sum() == 3  # (0,1) (0,2) (2,1), each also reversed; no pairs from the all-zero query
    assert w.sum() == pytest.approx(1.0)
    if lam:  # the swap of places 1 and 2 changes DCG more than that of 2 and 3
        assert w[np.flatnonzero((x[:, 0] == 1) & (x[:, 1] == -1))[0]] > w[np.flatnonzero((x[:, 2] == 1) & (x[:, 1] == -1))[0]]


@pytest.mark.parametrize("anchor", [1.0, 30.0])
def test_the_pairwise_learner_finds_the_telling_feature(anchor):
    lr = load_bench()
    rng = np.random.default_rng(0)
    lead = FEATURES.index("lead")
    data = []
    for _ in range(12):
        feats = rng.normal(size=(10, len(FEATURES)))
        feats[:, lead] = rng.integers(0, 2, size=10)
        data.append(lr.QueryData(None, feats, feats[:, lead].copy()))
    model = lr.train_pairwise(data, 0, 1.0, anchor=anchor)
    assert int(np.argmax(model.weights)) == lead
    scores = model.score(data[0].features)
    assert scores[data[0].labels == 1].min() > scores[data[0].labels == 0].max()
