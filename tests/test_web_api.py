"""The web API and pages with FastAPI's TestClient over a small store and a fake searcher."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from fastapi.testclient import TestClient

from saksfinn.index.exports.export import COLUMNS
from saksfinn.index.storage.store import Store
from saksfinn.models import Hit
from saksfinn.web.app import create_app
from tests.web_fixtures import FakeSearcher, fill_store, settings_for


@pytest.fixture()
def env(tmp_path):
    settings = settings_for(tmp_path / "home")
    ids = fill_store(settings)
    store = Store(settings.db_url, files_dir=settings.files_dir)
    searcher = FakeSearcher(store)
    client = TestClient(create_app(settings, searcher=searcher, store=store))
    yield client, searcher, ids
    store.dispose()


def test_search_returns_hit_fields_of_cli_json(env):
    client, _, _ = env
    r = client.get("/api/search", params={"q": "heltidskultur"})
    assert r.status_code == 200
    hits = r.json()
    assert hits and all(set(h) == set(Hit.model_fields) for h in hits)
    assert {h["municipality"] for h in hits} == {"Levanger", "Steinkjer"}


def test_search_passes_filters_to_searcher(env):
    client, searcher, _ = env
    r = client.get("/api/search", params={"q": " heltid  ", "municipality": "Steinkjer", "type": "passage", "top": 3,
                                          "year_from": 2020, "year_to": 2026, "theme": "heltid"})
    assert r.status_code == 200, r.text
    assert {h["municipality"] for h in r.json()} == {"Steinkjer"}
    call = searcher.calls[-1]
    assert call["query"] == "heltid" and call["top"] == 3 and call["municipality"] == "Steinkjer"
    assert (call["year_from"], call["year_to"], call["theme"], call["polarity"]) == (2020, 2026, "heltid", None)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"q": "x" * 501}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "\x1f"}, "q"),  # white space to Python's str.split, not to a JSON-schema \S (schemathesis found it)
        ({}, "q"),
        ({"q": "heltid", "top": 0}, "top"),
        ({"q": "heltid", "top": 101}, "top"),
        ({"q": "heltid", "top": "mange"}, "top"),
        ({"q": "heltid", "type": "roman"}, "type"),
        ({"q": "heltid", "theme": "ukjent_tema"}, "theme"),
        ({"q": "heltid", "theme": ""}, "theme"),
        ({"q": "heltid", "polarity": "nøytral"}, "polarity"),
        ({"q": "heltid", "year_from": 1500}, "year_from"),
        ({"q": "heltid", "mode": "magisk"}, "mode"),
    ],
)
def test_bad_search_parameters_are_422_with_message(env, params, field):
    client, searcher, _ = env
    r = client.get("/api/search", params=params)
    assert r.status_code == 422
    assert field in r.text and r.json()["detail"][0]["msg"]
    assert not searcher.calls


@pytest.mark.parametrize(
    ("path", "params", "says"),
    [
        ("/api/search", {"q": "heltid", "year_from": 2026, "year_to": 2020}, "år fra (2026) er etter år til (2020)"),
        ("/api/findings", {"year_from": 2026, "year_to": 2020}, "år fra (2026) er etter år til (2020)"),
        ("/api/search", {"q": "heltid", "municipality": "Stenkjer"}, "mente du Steinkjer?"),
        ("/api/findings", {"municipality": "Levangr"}, "mente du Levanger?"),
        ("/", {"q": "heltid", "year_from": "2026", "year_to": "2020"}, "år fra (2026) er etter år til (2020)"),
        ("/", {"q": "heltid", "municipality": "Stenkjer"}, "mente du Steinkjer?"),
        ("/eksport", {"q": "heltid", "year_from": "2026", "year_to": "2020"}, "år fra (2026) er etter år til (2020)"),
    ],
)
def test_inverted_ranges_and_unknown_municipalities_are_422(env, path, params, says):
    client, searcher, _ = env
    r = client.get(path, params=params)
    assert r.status_code == 422
    assert says in r.text
    assert not searcher.calls


def test_municipality_is_spelled_as_the_gazetteer_spells_it(env):
    client, searcher, _ = env
    assert client.get("/api/search", params={"q": "heltid", "municipality": "steinkjer"}).status_code == 200
    assert searcher.calls[-1]["municipality"] == "Steinkjer"
    schema = client.get("/openapi.json").json()
    municipality = next(p for p in schema["paths"]["/api/search"]["get"]["parameters"] if p["name"] == "municipality")
    assert {"Steinkjer", "Levanger", "Bærum"} <= set(municipality["schema"]["enum"])


def test_document_with_findings(env):
    client, _, ids = env
    r = client.get(f"/api/documents/{ids['steinkjer']}")
    assert r.status_code == 200
    doc = r.json()
    assert doc["municipality"] == "Steinkjer" and doc["date"] == "2025-02-12"
    assert doc["file_url"] == f"/files/{ids['steinkjer']}"
    assert sorted(f["type"] for f in doc["findings"]) == ["decision", "experience"]
    assert client.get("/api/documents/" + "0" * 64).status_code == 404
    assert client.get("/api/documents/abc").status_code == 422


def test_findings_filters_and_paging(env):
    client, _, ids = env
    rows = client.get("/api/findings").json()
    assert len(rows) == 4 and all(set(COLUMNS) <= set(r) for r in rows)
    neg = client.get("/api/findings", params={"polarity": "negative"}).json()
    assert [(r["municipality"], r["type"]) for r in neg] == [("Steinkjer", "experience")]
    lev = client.get("/api/findings", params={"municipality": "levanger", "type": "decision"}).json()
    assert [r["document_id"] for r in lev] == [ids["levanger"]]
    assert len(client.get("/api/findings", params={"year_to": 2025}).json()) == 2
    assert len(client.get("/api/findings", params={"limit": 1, "offset": 1}).json()) == 1
    assert client.get("/api/findings", params={"limit": 5000}).status_code == 422
    assert client.get("/api/findings", params={"document_id": "../etc"}).status_code == 422


def test_health_and_openapi(env):
    client, _, _ = env
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["documents"] == 3 and health["index_ready"] is False
    schema = client.get("/openapi.json").json()
    assert {"/api/search", "/api/documents/{document_id}", "/api/findings", "/api/health", "/api/ingest"} <= set(schema["paths"])


def test_search_page_shows_results_with_source_links(env):
    client, _, ids = env
    r = client.get("/", params={"q": "heltidskultur", "municipality": "Steinkjer", "year_from": ""})
    assert r.status_code == 200
    html = r.text
    assert "<mark>" in html and "Steinkjer" in html
    assert f'href="/files/{ids["steinkjer"]}#page=1"' in html
    assert f'href="/dokument/{ids["steinkjer"]}"' in html
    assert ids["levanger"] not in html
    assert 'format=csv' in html and 'format=xlsx' in html


def test_search_page_without_query_shows_form_and_choices(env):
    client, searcher, _ = env
    html = client.get("/").text
    assert 'name="q"' in html and '<option value="Steinkjer"' in html and '<option value="2026"' in html
    assert not searcher.calls


def test_search_page_bad_parameters_is_422_page(env):
    client, _, _ = env
    r = client.get("/", params={"q": "heltid", "top": "999"})
    assert r.status_code == 422 and "Ugyldig søk" in r.text and "text/html" in r.headers["content-type"]


def test_document_page_lists_metadata_and_findings(env):
    client, _, ids = env
    r = client.get(f"/dokument/{ids['steinkjer']}")
    assert r.status_code == 200
    html = r.text
    for text in ("Heltid i Steinkjer", "Møteprotokoll", "12. februar 2025", "Negative erfaringer",
                 "Turnusarbeidet tok lengre tid enn planlagt.", "Vedtak og innstillinger", f"/files/{ids['steinkjer']}#page=2"):
        assert text in html
    assert client.get("/dokument/" + "f" * 64).status_code == 404


def test_overview_page_draws_charts(env):
    client, _, _ = env
    r = client.get("/oversikt")
    assert r.status_code == 200
    html = r.text
    assert html.count("<svg") >= 3
    assert "Heltid/deltid" in html and "Levanger" in html and "Steinkjer" in html
    assert "Steinkjer, 2025" not in html and "2025, Heltid/deltid (heltidskultur): 2" in html


def test_export_current_search_as_csv_and_excel(env):
    client, _, ids = env
    r = client.get("/eksport", params={"q": "heltidskultur", "municipality": "Levanger", "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("finding_id,type,text")
    r = client.get("/eksport", params={"municipality": "Steinkjer", "polarity": "negative", "format": "csv"})
    body = r.content.decode("utf-8-sig")
    assert len(body.splitlines()) == 2 and "Turnusarbeidet" in body and ids["steinkjer"] in body
    r = client.get("/eksport", params={"format": "xlsx", "municipality": "Levanger"})
    assert r.status_code == 200 and zipfile.is_zipfile(io.BytesIO(r.content))
    assert client.get("/eksport", params={"format": "exe"}).status_code == 422


def test_index_not_built_gives_friendly_message(tmp_path):
    settings = settings_for(tmp_path / "empty")
    client = TestClient(create_app(settings))
    r = client.get("/api/search", params={"q": "heltid"})
    assert r.status_code == 503 and "ikke bygget" in r.json()["detail"]
    r = client.get("/", params={"q": "heltid"})
    assert r.status_code == 503 and "Søkeindeksen er ikke bygget ennå" in r.text
    assert client.get("/").status_code == 200
    assert client.get("/oversikt").status_code == 200


def test_run_reports_are_shown(env):
    """The secretariat reads last night's run in the browser: counts, per municipality, every
    problem with its reason (escaped), time per stage, and new matches for saved searches."""
    from saksfinn.models import Change, DocStatus, IngestRun, SourceOutcome

    client, _, ids = env
    store = client.app.state.saksfinn.store
    started = dt.datetime(2026, 3, 18, 2, 0, tzinfo=dt.timezone.utc)
    outcomes = (
        SourceOutcome(source="/srv/docs/steinkjer.pdf", document_id=ids["steinkjer"], change=Change.NEW,
                      status=DocStatus.INGESTED, municipality="Steinkjer"),
        SourceOutcome(source="/srv/docs/<b>skannet</b>.pdf", change=Change.UNCHANGED, status=DocStatus.NEEDS_OCR,
                      reason="no text layer and OCR is unavailable (install tesseract-ocr-nor)", municipality="Levanger"),
        SourceOutcome(source="/srv/docs/tom.pdf", change=Change.FAILED, status=DocStatus.FAILED,
                      reason="/srv/docs/tom.pdf is empty (0 bytes); fetch it again"),
    )
    store.save_run(IngestRun(run_id="20260318T030000-abc123", started=started,
                             finished=started + dt.timedelta(seconds=42), sources=("/srv/docs",), outcomes=outcomes,
                             stage_seconds={"read": 12.5}, watch_matches={"heltid": [ids["steinkjer"]]}))
    listing = client.get("/innlesinger")
    assert listing.status_code == 200
    assert "/innlesinger/20260318T030000-abc123" in listing.text and "42.0 s" in listing.text
    report = client.get("/innlesinger/20260318T030000-abc123").text
    for text in ("Steinkjer", "Levanger", "ukjent", "filen er tom (0 byte) — hent den på nytt", "installer tesseract-ocr-nor",
                 "needs_ocr", "12.50", "heltid", f"/dokument/{ids['steinkjer']}"):
        assert text in report, text
    assert "<b>skannet</b>" not in report and "&lt;b&gt;skannet&lt;/b&gt;" in report
    assert client.get("/innlesinger/finnes-ikke").status_code == 404
    assert client.get("/innlesinger/..%2F..%2Fetc").status_code == 404
