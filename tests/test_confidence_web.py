"""Confidence of findings in search, API, export and pages: model findings are marked and can be
filtered out; rule findings (confidence 1.0) and passages always pass a threshold."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from fastapi.testclient import TestClient

from saksfinn.index.embedding.embed import HashEmbedder
from saksfinn.index.retrieval.chunking import finding_chunk
from saksfinn.index.retrieval.search import CURRENT, SearchIndex
from saksfinn.index.storage.store import Store
from saksfinn.models import Chunk, DocStatus, Experience, Goal, SearchFilters
from saksfinn.models.findings import is_model_extractor
from saksfinn.web.app import create_app
from tests.factories import make_chunks, make_document, make_findings
from tests.web_fixtures import FakeSearcher, settings_for

MODEL = "prose-model@1-bf7517b4.1"
EXPERIENCE = "Sårbarheten har også blitt vesentlig redusert med denne modellen."
GOAL = "Målbildet er å tilrettelegge for tydelige, samordnede og effektive tilbud til innbyggerne og ansatte."
PAGES = (
    "Levanger kommune\nSaksframlegg\nInnstilling til vedtak:\n1. Heltidskultur innføres.\n2. Rådmannen rapporterer årlig.",
    f"Positive erfaringer\n- Flere ansatte fikk større stillinger.\n{EXPERIENCE}\n{GOAL}",
)


def _model_findings(doc) -> list:
    text = doc.text
    i, j = text.index(EXPERIENCE), text.index(GOAL)
    return [
        Experience(document_id=doc.document_id, page=2, start=i, end=i + len(EXPERIENCE), text=EXPERIENCE,
                   extractor=MODEL, confidence=0.62, polarity="positive", kind="statement"),
        Goal(document_id=doc.document_id, page=2, start=j, end=j + len(GOAL), text=GOAL, extractor=MODEL,
             confidence=0.91),
    ]


@pytest.fixture()
def env(tmp_path):
    settings = settings_for(tmp_path / "home")
    store = Store(settings.db_url, files_dir=settings.files_dir)
    doc = make_document("Levanger", pages=PAGES, source="/srv/docs/levanger.pdf")
    findings = make_findings(doc) + _model_findings(doc)  # two rule findings (1.0), two model findings
    store.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=findings, chunks=make_chunks(doc),
                        reader_version="t", findings_version="t", themes=("heltid",))
    searcher = FakeSearcher(store)
    yield TestClient(create_app(settings, searcher=searcher, store=store)), searcher, doc
    store.dispose()


def test_model_extractor_is_told_by_its_name():
    assert is_model_extractor(MODEL) and is_model_extractor("prose-model@2")
    assert not any(map(is_model_extractor, ("experiences@3", "decisions@2", "prose-models@1", "", None)))


def _types(rows):
    return sorted((r["type"], r["confidence"]) for r in rows)


@pytest.mark.parametrize("threshold, expected", [
    (None, [("decision", 1.0), ("experience", 0.62), ("experience", 1.0), ("goal", 0.91)]),
    (0.0, [("decision", 1.0), ("experience", 0.62), ("experience", 1.0), ("goal", 0.91)]),
    (0.62, [("decision", 1.0), ("experience", 0.62), ("experience", 1.0), ("goal", 0.91)]),
    (0.85, [("decision", 1.0), ("experience", 1.0), ("goal", 0.91)]),
    (0.95, [("decision", 1.0), ("experience", 1.0)]),
    (1.0, [("decision", 1.0), ("experience", 1.0)]),
])
def test_findings_api_filters_by_min_confidence(env, threshold, expected):
    client, *_ = env
    params = {} if threshold is None else {"min_confidence": threshold}
    r = client.get("/api/findings", params=params)
    assert r.status_code == 200
    assert _types(r.json()) == expected
    model_rows = [row for row in r.json() if row["extractor"] == MODEL]
    assert all(0 < row["confidence"] < 1 for row in model_rows)


@pytest.mark.parametrize("path", ["/api/findings", "/api/search"])
@pytest.mark.parametrize("value", ["1.01", "-0.1", "2", "85", "nan", "inf", "høy"])
def test_min_confidence_outside_0_1_is_422(env, path, value):
    client, *_ = env
    r = client.get(path, params={"q": "heltid", "min_confidence": value})
    assert r.status_code == 422
    assert "min_confidence" in str(r.json()["detail"])


def test_search_api_and_page_pass_min_confidence_to_the_searcher(env):
    client, searcher, _ = env
    assert client.get("/api/search", params={"q": "heltid", "min_confidence": "0.85"}).status_code == 200
    assert searcher.calls[-1]["min_confidence"] == 0.85
    html = client.get("/", params={"q": "heltid", "min_confidence": "0.7"}).text
    assert searcher.calls[-1]["min_confidence"] == 0.7
    assert '<select name="min_confidence" id="min_confidence">' in html
    assert '<option value="0.7" selected>minst 70 %</option>' in html
    client.get("/", params={"q": "heltid", "min_confidence": ""})  # the form's "Alle funn"
    assert searcher.calls[-1]["min_confidence"] is None
    r = client.get("/", params={"q": "heltid", "min_confidence": "1.5"})
    assert r.status_code == 422 and "Ugyldig søk" in r.text and "min_confidence" in r.text


def test_export_of_a_filter_keeps_only_confident_findings(env):
    client, *_ = env
    r = client.get("/eksport", params={"format": "csv", "min_confidence": "0.9"})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert sorted((row["type"], float(row["confidence"])) for row in rows) == [
        ("decision", 1.0), ("experience", 1.0), ("goal", 0.91)]
    assert {row["extractor"] for row in rows if row["type"] == "goal"} == {MODEL}


def test_document_page_marks_model_findings_with_their_confidence(env):
    client, _, doc = env
    html = client.get(f"/dokument/{doc.document_id}").text
    assert html.count('class="badge model"') == 2
    for text, percent in ((EXPERIENCE, "62\u00a0%"), (GOAL, "91\u00a0%")):
        item = html[html.index(text):]
        item = item[: item.index("</li>")]
        assert f"modell {percent}</span>" in item and MODEL in item
    for rule_text in ("Flere ansatte fikk større stillinger.", "Heltidskultur innføres."):
        item = html[html.index(rule_text):]
        assert "badge" not in item[: item.index("</li>")]


# ---- the index ----------------------------------------------------------------------------

EMB = HashEmbedder(64)


def _index_chunks() -> list[Chunk]:
    doc = make_document("Levanger", pages=PAGES, source="/srv/docs/levanger.pdf")
    findings = make_findings(doc) + _model_findings(doc)
    return make_chunks(doc) + [finding_chunk(doc, f) for f in findings]


def test_finding_chunks_carry_extractor_and_confidence():
    by_text = {c.text: c for c in _index_chunks()}
    assert (by_text[EXPERIENCE].extractor, by_text[EXPERIENCE].confidence) == (MODEL, 0.62)
    assert by_text["Flere ansatte fikk større stillinger."].confidence == 1.0
    assert all(c.confidence is None for c in by_text.values() if c.type == "passage")


def _searchable_chunks() -> list[Chunk]:
    """Page 1's passage (it holds the rule decision and shows as it), the findings, and a passage
    of another paper; page 2's passage is left out: it would hold all three page-2 findings and
    show only one of them."""
    other = Chunk(document_id="b" * 64, text="Erfaringer med heltidskultur: ansatte og innbyggerne fikk et bedre tilbud.",
                  title="Heltid i Steinkjer", municipality="Steinkjer", page=1, start=0, end=75)
    return [c for c in _index_chunks() if c.type != "passage" or c.page == 1] + [other]


@pytest.mark.parametrize("threshold, model_texts", [(None, {EXPERIENCE, GOAL}), (0.62, {EXPERIENCE, GOAL}),
                                                    (0.9, {GOAL}), (0.95, set())])
def test_index_filters_model_findings_below_min_confidence(tmp_path, threshold, model_texts):
    # page 1's passage (holding the rule decision) and the findings; page 2's passage would
    # hold all three page-2 findings and show only one of them
    chunks = _searchable_chunks()
    SearchIndex.build(chunks, EMB.encode_passages([c.text for c in chunks]), tmp_path)
    index = SearchIndex.open(tmp_path)
    query = "sårbarheten redusert målbildet tilbud innbyggerne erfaringer heltidskultur ansatte"
    hits = index.search(query, EMB.encode_queries([query])[0], top=20,
                        filters=SearchFilters(min_confidence=threshold))
    assert {h.text for h in hits if h.extractor == MODEL} == model_texts
    assert {h.type for h in hits if h.confidence is None} == {"passage"}  # passages always pass
    assert any(h.confidence == 1.0 for h in hits)  # and so do rule findings
    for h in hits:
        if h.extractor == MODEL:
            assert h.confidence in (0.62, 0.91)


def test_an_index_built_before_confidence_counts_every_row_as_certain(tmp_path):
    chunks = _searchable_chunks()
    SearchIndex.build(chunks, EMB.encode_passages([c.text for c in chunks]), tmp_path)
    generation = tmp_path / (tmp_path / CURRENT).read_text().strip()
    segment = json.loads((generation / "manifest.json").read_text())["segments"][0]
    meta = tmp_path / segment / "meta.sqlite"
    with sqlite3.connect(meta) as conn:
        conn.execute("ALTER TABLE chunks DROP COLUMN confidence")
    index = SearchIndex.open(tmp_path)
    hits = index.search("sårbarheten redusert", None, top=20, filters=SearchFilters(min_confidence=0.95), mode="bm25")
    assert {(h.text, h.confidence) for h in hits if h.extractor == MODEL} == {(EXPERIENCE, 0.62)}  # not dropped


# ---- the CLI --------------------------------------------------------------------------------

def test_cli_export_and_search_take_min_confidence(tmp_path, monkeypatch):
    import json

    from typer.testing import CliRunner

    from saksfinn.cli import app

    home = tmp_path / "home"
    monkeypatch.setenv("SAKSFINN_HOME", str(home))
    monkeypatch.setenv("SAKSFINN_EMBEDDER", "hash")
    store = Store(settings_for(home).db_url)
    doc = make_document("Levanger", pages=PAGES, source="/srv/docs/levanger.pdf")
    findings = make_findings(doc) + _model_findings(doc)
    store.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=findings, chunks=make_chunks(doc),
                        reader_version="t", findings_version="t")
    store.dispose()
    runner = CliRunner()
    rows = [json.loads(x) for x in runner.invoke(app, ["export", "--min-confidence", "0.9"]).output.splitlines()]
    assert sorted((r["type"], r["confidence"]) for r in rows) == [("decision", 1.0), ("experience", 1.0), ("goal", 0.91)]
    everything = runner.invoke(app, ["export"]).output.splitlines()
    assert len(everything) == 4

    calls = []

    class Recording:
        def __init__(self, settings):
            from saksfinn.index.storage.store import Store as S

            self.store = S(settings.db_url)

        def search(self, query, **kwargs):
            calls.append(kwargs)
            return []

    monkeypatch.setattr("saksfinn.flows.searching.Searcher", Recording)
    result = runner.invoke(app, ["search", "heltid", "--min-confidence", "0.85"])
    assert result.exit_code == 0, result.output
    assert calls[-1]["min_confidence"] == 0.85


def test_search_page_marks_model_hits(tmp_path):
    from saksfinn.models import Hit

    settings = settings_for(tmp_path / "home")
    store = Store(settings.db_url, files_dir=settings.files_dir)

    class TwoHits:
        def search(self, query, **kwargs):
            common = {"score": 1.0, "document_id": "a" * 64, "page": 2, "title": "Heltid", "municipality": "Levanger"}
            return [Hit(rank=1, text=EXPERIENCE, type="experience", polarity="positive", chunk_id="c1",
                        extractor=MODEL, confidence=0.62, **common),
                    Hit(rank=2, text="Flere ansatte fikk større stillinger.", type="experience", polarity="positive",
                        chunk_id="c2", extractor="experiences@3", confidence=1.0, **common)]

    html = TestClient(create_app(settings, searcher=TwoHits(), store=store)).get("/", params={"q": "erfaringer"}).text
    first, second = html.split('<li class="hit">')[1:3]
    assert "modell 62\u00a0%</span>" in first and MODEL in first
    assert "badge" not in second
    store.dispose()


def test_cli_show_marks_model_findings(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from saksfinn.cli import app

    home = tmp_path / "home"
    monkeypatch.setenv("SAKSFINN_HOME", str(home))
    store = Store(settings_for(home).db_url)
    doc = make_document("Levanger", pages=PAGES, source="/srv/docs/levanger.pdf")
    store.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=make_findings(doc) + _model_findings(doc),
                        chunks=make_chunks(doc), reader_version="t", findings_version="t")
    store.dispose()
    out = CliRunner().invoke(app, ["show", doc.document_id[:16]]).stdout
    lines = {line.strip() for line in out.splitlines()}
    assert f"• [+] {EXPERIENCE} (s. 2, modell 62 %)" in lines
    assert f"• {GOAL} (s. 2, modell 91 %)" in lines
    assert "• [+] Flere ansatte fikk større stillinger. (s. 2)" in lines
    assert "Status: lest inn" in lines
