"""Re-indexing in proportion to change: after any sequence of runs that add, change and
withdraw chunks, the incrementally updated index (delta segments, tombstones, tiered
merges, compaction) answers every search exactly as a full rebuild of the same live
chunks, with a bounded number of segments."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import bm25s
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saksfinn.index.embedding.embed import HashEmbedder
from saksfinn.index.retrieval.analysis import Analyzer, WordCounts, resplit_words
from saksfinn.index.retrieval.lexical import LexicalIndex
from saksfinn.index.retrieval.ranking import Ranking
from saksfinn.index.retrieval.search import CURRENT, SEGMENT_PREFIX, Generation, NeedsRebuild, SearchIndex
from saksfinn.index.retrieval.tiers import level, max_segments, plan_merges
from saksfinn.models import Chunk, SearchFilters

EMB = HashEmbedder(64)

# Parts and the compounds made of them, so that a chunk arriving (or leaving) changes how
# words in older chunks split: "skolebygg" splits only while "bygg" is a known word.
WORDS = (
    "heltid", "kultur", "heltidskultur", "heltidsstillinger", "barn", "hage", "barnehage", "barnehageplass",
    "plass", "sykefravær", "arbeid", "sykefraværsarbeid", "skole", "bygg", "skolebygg", "kommunen", "budsjett",
    "budsjettet", "vedtak", "plan", "reguleringsplan", "regulering", "tiltak", "nærvær", "økonomi", "og", "i",
    "for", "det", "ikke", "2024",
)
QUERIES = ("heltid", "kultur", "barnehage plass", "skolebygg", "bygg", "sykefraværsarbeid", "reguleringsplan vedtak",
           "budsjett økonomi", "heiltid", "kommunen tiltak for nærvær", "hage")
MUNICIPALITIES = ("Steinkjer", "Levanger", "Volda")


def vectors(chunks) -> np.ndarray:
    return EMB.encode_passages([c.text for c in chunks]) if chunks else np.zeros((0, EMB.dim), dtype=np.float32)


def chunk(n: int, words: list[str], municipality: int) -> Chunk:
    return Chunk(document_id=f"doc-{n // 3}", text=" ".join(words), title=f"Sak {n // 3}", start=n, end=n + 1, page=1,
                 municipality=MUNICIPALITIES[municipality], year=2020 + n % 3)


texts = st.lists(st.sampled_from(WORDS), min_size=0, max_size=12)
runs = st.lists(
    st.tuples(
        st.lists(st.tuples(texts, st.integers(0, 2)), max_size=6),  # new chunks
        st.lists(st.integers(0, 10**6), max_size=3),  # withdrawn (picked among the live ones)
        st.lists(st.integers(0, 10**6), max_size=2),  # changed: withdrawn, and a new version added
    ),
    min_size=1,
    max_size=8,
)


def results(index: SearchIndex, query: str, mode: str, **filters) -> list[tuple[str, float]]:
    qvec = EMB.encode_queries([query])[0]
    hits = index.search(query, qvec, top=10, mode=mode, filters=SearchFilters(**filters))
    return [(h.chunk_id, round(h.score, 5)) for h in hits]


def lexical_scores(gen: Generation, query: str) -> dict[str, float]:
    scores = gen.lexical.scores(query)
    return {gen.chunk_ids[r]: float(scores[r]) for r in gen.live_rows()}


def assert_same_as_rebuild(inc_dir: Path, full_dir: Path, live: dict[str, Chunk], gone: set[str]) -> None:
    chunks = sorted(live.values(), key=lambda c: c.chunk_id)
    SearchIndex.build(chunks, vectors(chunks), full_dir)
    inc, full = SearchIndex.open(inc_dir), SearchIndex.open(full_dir)
    gi, gf = inc.current(), full.current()
    assert gi.count == gf.count == len(live)
    assert sorted(gi.chunk_ids[gi.live_rows()]) == sorted(live)
    assert gi.lexical.analyzer.vocabulary == gf.lexical.analyzer.vocabulary
    for query in QUERIES:
        assert lexical_scores(gi, query) == lexical_scores(gf, query), query  # bit for bit
        for mode in ("bm25", "dense", "hybrid"):
            got = results(inc, query, mode)
            assert got == results(full, query, mode), (query, mode)
            assert not {cid for cid, _ in got} & gone
        assert results(inc, query, "hybrid", municipality="Levanger") == results(full, query, "hybrid",
                                                                                   municipality="Levanger")
    gi.close()
    gf.close()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.lists(st.tuples(texts, st.integers(0, 2)), min_size=1, max_size=10), runs=runs,
       fraction=st.sampled_from([0.2, 1.0, 100.0]), factor=st.sampled_from([2, 3, 4]))
def test_any_sequence_of_runs_searches_as_a_full_rebuild(first, runs, fraction, factor):
    with tempfile.TemporaryDirectory() as tmp:
        inc_dir, full_dir = Path(tmp) / "inc", Path(tmp) / "full"
        n = 0
        live: dict[str, Chunk] = {}
        gone: set[str] = set()
        for words, muni in first:
            c = chunk(n, words, muni)
            n += 1
            live[c.chunk_id] = c
        SearchIndex.build(list(live.values()), vectors(list(live.values())), inc_dir)
        for new, withdrawn, changed in runs:
            added: list[Chunk] = []
            removed: list[str] = []
            for words, muni in new:
                added.append(chunk(n, words, muni))
                n += 1
            ids = sorted(live)
            for pick in withdrawn:
                if ids:
                    removed.append(ids.pop(pick % len(ids)))
            for pick in changed:
                if ids:
                    old = live[ids.pop(pick % len(ids))]
                    removed.append(old.chunk_id)
                    fields = old.model_dump(exclude={"chunk_id", "text_hash"})
                    added.append(Chunk(**{**fields, "text": old.text + " endret", "start": n}))
                    n += 1
            update = SearchIndex.update(inc_dir, added, removed, vectors, compact_fraction=fraction,
                                        merge_factor=factor)
            manifest = json.loads((update.folder / "manifest.json").read_text())
            assert len(manifest["segments"]) <= max_segments(manifest["rows"], factor)  # queries read few segments
            for cid in removed:
                live.pop(cid, None)
                gone.add(cid)
            live.update({c.chunk_id: c for c in added})
            gone -= set(live)
            assert_same_as_rebuild(inc_dir, full_dir, live, gone)


def base_and_delta(tmp_path: Path, texts_before: list[str], texts_added: list[str], removed: int = 0):
    before = [chunk(i, t.split(), i % 3) for i, t in enumerate(texts_before)]
    after = [chunk(100 + i, t.split(), i % 3) for i, t in enumerate(texts_added)]
    SearchIndex.build(before, vectors(before), tmp_path)
    return before, SearchIndex.update(tmp_path, after, [c.chunk_id for c in before[:removed]], vectors,
                                      compact_fraction=100.0)


def test_a_new_word_makes_older_compounds_split_and_those_chunks_are_patched(tmp_path):
    before, update = base_and_delta(tmp_path, ["Nytt skolebygg for hele skole i sentrum", "Budsjettet for kommunen"],
                                    ["Bygg og anlegg"])
    assert not update.compacted and update.added == 1 and update.patched == 1
    gen = SearchIndex.open(tmp_path).current()
    assert len(gen.segments) == 2 and gen.size == 3 and gen.count == 3 and gen.live is None
    # "bygg" now finds the older chunk through its compound, as a full rebuild would
    hit_ids = {gen.chunk_ids[r] for r in np.flatnonzero(gen.lexical.scores("bygg"))}
    assert before[0].chunk_id in hit_ids
    gen.close()


def test_withdrawn_chunks_leave_statistics_and_results(tmp_path):
    before, update = base_and_delta(tmp_path, ["heltid og kultur", "heltid i kommunen", "budsjett"], [], removed=1)
    assert update.removed == 1
    gen = SearchIndex.open(tmp_path).current()
    assert gen.count == 2 and gen.lexical.n_live == 2
    assert before[0].chunk_id not in {gen.chunk_ids[r] for r in np.flatnonzero(gen.lexical.scores("heltid kultur"))}
    assert not gen.lexical.knows(gen.lexical.analyzer.terms_of_word("kultur")[0])  # only the withdrawn chunk had it
    gen.close()


def test_compaction_when_tombstones_exceed_the_fraction(tmp_path):
    before = [chunk(i, ["heltid", "kultur", str(i)], 0) for i in range(20)]
    SearchIndex.build(before, vectors(before), tmp_path)
    small = SearchIndex.update(tmp_path, [chunk(50, ["skole"], 1)], [c.chunk_id for c in before[:4]], vectors)
    assert not small.compacted and small.segments == 2  # 4 tombstones ≤ 20 % of 21 rows
    gen = SearchIndex.open(tmp_path).current()
    assert gen.size == 21 and gen.count == 17
    gen.close()
    grown = SearchIndex.update(tmp_path, [chunk(51, ["bygg"], 1)], [before[4].chunk_id], vectors)
    assert grown.compacted  # 5 tombstones > 20 % of 22 rows: dropped, rows numbered anew
    gen = SearchIndex.open(tmp_path).current()
    assert len(gen.segments) == 1 and gen.live is None and gen.count == gen.size == 17
    gen.close()
    SearchIndex.prune(tmp_path, grace_seconds=0)
    manifest = json.loads((tmp_path / (tmp_path / CURRENT).read_text() / "manifest.json").read_text())
    assert [p.name for p in tmp_path.glob(f"{SEGMENT_PREFIX}*")] == manifest["segments"]  # old segments pruned


@pytest.mark.parametrize(
    ("sizes", "factor", "groups"),
    [
        ([100_000, 10_000, 10_000, 10_000], 4, [[0], [1], [2], [3]]),  # three deltas of one level: kept
        ([100_000, 10_000, 10_000, 10_000, 10_000], 4, [[0], [1, 2, 3, 4]]),  # four: merged, the base untouched
        # the fourth 40k segment of level 2 is made, so the four become one of level 3 (160k)
        ([100_000, 40_000, 40_000, 40_000, 10_000, 10_000, 10_000, 10_000], 4, [[0], [1, 2, 3, 4, 5, 6, 7]]),
        ([100_000, 160_000, 160_000, 160_000], 4, [[0, 1, 2, 3]]),  # the deltas reach the base: all rewritten
        ([12, 30_000], 4, [[0, 1]]),  # a delta above its predecessor's level joins it
        ([5, 5, 5], 4, [[0], [1], [2]]),
        ([5, 5], 2, [[0, 1]]),
        ([], 4, []),
    ],
)
def test_tiered_merge_plan(sizes, factor, groups):
    assert plan_merges(sizes, factor) == groups


@settings(max_examples=200, deadline=None)
@given(deltas=st.lists(st.integers(1, 50_000), min_size=1, max_size=60), base=st.integers(1, 500_000),
       factor=st.integers(2, 6))
def test_tiered_merges_keep_levels_falling_and_segments_bounded(deltas, base, factor):
    sizes = [base]
    for rows in deltas:
        sizes.append(rows)
        groups = plan_merges(sizes, factor)
        assert [i for g in groups for i in g] == list(range(len(sizes)))  # neighbours only, order kept
        sizes = [sum(sizes[i] for i in g) for g in groups]
        levels = [level(r, factor) for r in sizes]
        assert levels == sorted(levels, reverse=True)
        assert all(levels.count(v) < factor for v in levels)
        assert len(sizes) <= max_segments(sum(sizes), factor)


def test_a_tiered_merge_keeps_rows_and_tombstones_and_grows_the_first_vector_index(tmp_path):
    before = [chunk(i, ["heltid", "kultur", "skolebygg"], i % 3) for i in range(6)]
    SearchIndex.build(before, vectors(before), tmp_path)
    live = {c.chunk_id: c for c in before}
    first = SearchIndex.update(tmp_path, [chunk(10, ["skole", "plan"], 1)], [before[1].chunk_id], vectors,
                               merge_factor=3)
    assert first.segments == 2 and first.merged == 0 and first.patched == 0
    second = SearchIndex.update(tmp_path, [chunk(11, ["bygg"], 2), chunk(12, ["barnehage"], 0)], [], vectors,
                                merge_factor=3)
    assert second.patched == 6 - 1  # "bygg" is a word now: the live chunks saying "skolebygg" are patched
    assert second.merged == 3 and second.segments == 1 and not second.compacted  # three segments of level 0
    gen = SearchIndex.open(tmp_path).current()
    assert gen.size == 9 and gen.count == 8 and not gen.live[1]  # rows kept their numbers, the tombstone stays
    assert gen.lexical.patch is None  # folded into the merged postings
    assert gen.segments[0].dense.size == 9
    gen.close()
    live.pop(before[1].chunk_id)
    live.update({c.chunk_id: c for c in (chunk(10, ["skole", "plan"], 1), chunk(11, ["bygg"], 2),
                                         chunk(12, ["barnehage"], 0))})
    assert_same_as_rebuild(tmp_path, tmp_path.parent / "full", live, {before[1].chunk_id})


def test_a_merge_killed_midway_leaves_the_old_generation_current(tmp_path, monkeypatch):
    from saksfinn.index.retrieval import updating

    before = [chunk(i, ["heltid"], 0) for i in range(4)]
    first = SearchIndex.build(before, vectors(before), tmp_path)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(updating.LexicalSegment, "save", crash)  # inside the merged segment's temporary folder
    with pytest.raises(KeyboardInterrupt):
        SearchIndex.update(tmp_path, [chunk(20, ["kultur"], 0)], [], vectors, merge_factor=2)
    assert (tmp_path / CURRENT).read_text() == first.name and not list(tmp_path.glob(".building-*"))


def test_a_vector_index_grows_incrementally_and_a_flat_one_becomes_a_graph():
    from saksfinn.index.retrieval.dense import DenseIndex

    rng = np.random.default_rng(3)
    v = rng.standard_normal((400, 32)).astype(np.float32)
    v /= np.linalg.norm(v, axis=1, keepdims=True)
    graph = DenseIndex.build(v[:300], hnsw_threshold=100)
    grown = graph.extend(v[300:], np.arange(300, 400), hnsw_threshold=100)
    assert grown.kind == "hnsw" and grown.size == 400 and len(grown.vectors) == 400
    _, ids = grown.search(v[350:360], 1)
    assert (ids[:, 0] == np.arange(350, 360)).all()  # the added vectors are found
    flat = DenseIndex.build(v[:60], hnsw_threshold=100)
    assert flat.extend(v[60:80], np.arange(60, 80), hnsw_threshold=100).kind == "flat"
    rebuilt = DenseIndex.build(v[:60], hnsw_threshold=100).extend(v[60:], np.arange(60, 400), hnsw_threshold=100)
    assert rebuilt.kind == "hnsw" and rebuilt.size == 400
    np.testing.assert_array_equal(rebuilt.ids, np.arange(400))


def test_no_change_keeps_the_generation_and_kind_mismatch_asks_for_a_rebuild(tmp_path):
    before = [chunk(i, ["heltid"], 0) for i in range(3)]
    first = SearchIndex.build(before, vectors(before), tmp_path)
    assert SearchIndex.update(tmp_path, before[:1], [], vectors).folder == first
    with pytest.raises(NeedsRebuild):
        SearchIndex.update(tmp_path, [chunk(9, ["ny"], 0)], [], None)  # BM25-only update of a dense index
    with pytest.raises(NeedsRebuild):
        SearchIndex.update(tmp_path / "none", [chunk(9, ["ny"], 0)], [], vectors)


def test_an_update_killed_before_the_swap_leaves_the_old_generation_current(tmp_path, monkeypatch):
    from saksfinn.index.retrieval import generation as search

    before = [chunk(i, ["heltid"], 0) for i in range(10)]
    first = SearchIndex.build(before, vectors(before), tmp_path)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(search.WordCounts, "save", crash)  # inside the new generation's temporary folder
    with pytest.raises(KeyboardInterrupt):
        SearchIndex.update(tmp_path, [chunk(20, ["kultur"], 0)], [], vectors)
    assert (tmp_path / CURRENT).read_text() == first.name and not list(tmp_path.glob(".building-*"))
    gen = SearchIndex.open(tmp_path).current()
    assert gen.count == 10
    gen.close()


def test_scores_equal_bm25s_on_the_same_analysed_texts():
    """The segment scorer reproduces bm25s (Lucene variant, k1=1.5, b=0.75), which built the
    index before segments, so the tuned fusion weights and evaluations still hold."""
    rng = np.random.default_rng(0)
    texts = [" ".join(rng.choice(WORDS, rng.integers(0, 15))) for _ in range(300)]
    index = LexicalIndex.build(texts)
    bm25 = bm25s.BM25()
    bm25.index([index.analyzer.terms(t) or [""] for t in texts], show_progress=False)
    for query in QUERIES:
        ids = bm25.get_tokens_ids(index.query_terms(query))
        want = bm25.get_scores_from_ids(ids) if ids else np.zeros(len(texts))
        np.testing.assert_allclose(index.scores(query), want, rtol=1e-5, atol=1e-6)


def test_resplit_words_only_reports_words_whose_terms_change():
    old = Analyzer(WordCounts.of(["skolebygg skole heltidskultur heltid kultur"]).vocabulary())
    new = Analyzer(WordCounts.of(["skolebygg skole heltidskultur heltid kultur bygg"]).vocabulary())
    assert resplit_words(old, new, ["skolebygg", "heltidskultur", "barnehage"]) == {"skolebygg"}
    assert resplit_words(old, old, ["skolebygg"]) == set()


def test_ensure_index_indexes_what_changed_and_matches_a_forced_rebuild(tmp_path):
    from sqlalchemy import update

    from saksfinn.flows.indexing import ensure_index
    from saksfinn.index.storage import tables
    from saksfinn.index.storage.store import Store
    from saksfinn.models import DocStatus
    from saksfinn.settings import Settings
    from tests.factories import make_chunks, make_document

    settings = Settings(home=tmp_path / "home")
    store = Store(settings.db_url, files_dir=settings.files_dir)
    topics = ["heltidskultur i omsorg", "skolebygg og skole", "barnehageplass", "sykefravær og nærvær",
              "budsjett for kommunen", "reguleringsplan vedtatt", "bygg og anlegg", "kultur og idrett"]

    def add(n: int) -> str:
        first = f"Sak {n}: {topics[n % 8]}.\nInnstilling til vedtak:\n1. Tiltak.\n2. Rådmannen rapporterer årlig."
        doc = make_document(MUNICIPALITIES[n % 3], pages=(first, f"Vedlegg {n} {topics[(n + 3) % 8]}."),
                            source=f"/srv/docs/sak{n}.pdf")
        store.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=[], chunks=make_chunks(doc),
                            reader_version="t", findings_version="t", themes=(), data=f"%PDF {n}".encode())
        return doc.document_id

    docs = [add(n) for n in range(30)]
    fake = HashEmbedder(384)
    assert ensure_index(store, settings, embedder=fake).rebuilt
    for n in range(30, 33):
        add(n)
    with store.engine.begin() as conn:
        conn.execute(update(tables.documents).where(tables.documents.c.document_id == docs[0]).values(status="withdrawn"))
    report = ensure_index(store, settings, embedder=fake)
    assert report.rebuilt and report.chunks == 64 and report.embedded == 6  # only the new chunks were embedded
    index = SearchIndex.open(settings.index_dir)
    gen = index.current()
    assert len(gen.segments) == 2 and gen.count == 64 and gen.live is not None  # a delta and a tombstoned document
    queries = ["heltidskultur", "bygg", "kultur", "barnehageplass Levanger", "sak 0"]
    incremental = {q: [(h.chunk_id, round(h.score, 5)) for h in index.search(q, fake.encode_queries([q])[0])]
                   for q in queries}
    assert not ensure_index(store, settings, embedder=fake).rebuilt
    ensure_index(store, settings, embedder=fake, force=True)
    full = SearchIndex.open(settings.index_dir)
    assert len(full.current().segments) == 1
    for q in queries:
        assert [(h.chunk_id, round(h.score, 5)) for h in full.search(q, fake.encode_queries([q])[0])] == incremental[q]
        assert all(h.document_id != docs[0] for h in full.search(q, fake.encode_queries([q])[0]))
    store.dispose()


def test_a_generation_from_before_segments_still_answers_and_is_rebuilt_not_updated(tmp_path):
    from saksfinn.index.retrieval.dense import DenseIndex
    from saksfinn.index.retrieval.analysis import corpus_vocabulary
    from saksfinn.index.retrieval.generation import lexical_text, write_meta as _write_meta

    cs = [chunk(i, words.split(), i % 3) for i, words in enumerate(
        ["heltidskultur i kommunen", "skolebygg og skole", "budsjett for barnehage", "kultur og heltid"])]
    texts = [lexical_text(c) for c in cs]
    folder = tmp_path / "legacy" / "gen-20250101T000000000000-abcdef"  # as SearchIndex.build wrote it before
    (folder / "lexical").mkdir(parents=True)
    _write_meta(folder / "meta.sqlite", cs)
    analyzer = Analyzer(corpus_vocabulary(texts))
    bm25 = bm25s.BM25()
    bm25.index([analyzer.terms(t) or [""] for t in texts], show_progress=False)
    bm25.save(str(folder / "lexical"), show_progress=False)
    (folder / "lexical" / "split_vocabulary.json").write_text(json.dumps({"size": 4, "vocabulary": sorted(analyzer.words_known)}))
    DenseIndex.build(vectors(cs)).save(folder / "dense")
    (folder / "manifest.json").write_text(json.dumps({"chunks": 4, "dim": EMB.dim, "dense_kind": "flat"}))
    (folder.parent / CURRENT).write_text(folder.name)
    SearchIndex.build(cs, vectors(cs), tmp_path / "new")
    plain = Ranking(counterpart_weight=0.0, feedback_docs=0)  # what a legacy index can do: its terms, unweighted
    legacy, new = SearchIndex.open(folder.parent, ranking=plain), SearchIndex.open(tmp_path / "new", ranking=plain)
    for query in ("heltid", "skolebygg", "barnehage budsjett"):
        for mode in ("bm25", "hybrid"):
            assert results(legacy, query, mode) == results(new, query, mode)
    with pytest.raises(NeedsRebuild):
        SearchIndex.update(folder.parent, [chunk(9, ["ny"], 0)], [], vectors)
    with pytest.raises(NeedsRebuild):
        SearchIndex.indexed_chunk_ids(folder.parent)
