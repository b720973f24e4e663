"""Votes on the web: /api/votes filters, and the case, person and party pages (TestClient)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from saksfinn.flows.ingest import run_ingest
from saksfinn.index.storage.store import Store
from saksfinn.web.app import create_app
from tests.ingest_helpers import local_settings, use_home
from tests.vote_docs import write_case, write_protocols
from tests.web_fixtures import FakeSearcher

EVIL = 'Ola <script>alert("x")</script> Nordmann'


@pytest.fixture()
def client(home, tmp_path, monkeypatch):
    use_home(monkeypatch, home)
    paths = write_protocols(tmp_path / "docs")
    levanger = paths["Levanger"]
    levanger.write_text(levanger.read_text(encoding="utf-8").replace("Siv Gjertrud Skjerve (SV)", f"{EVIL} (SV)"),
                        encoding="utf-8")
    settings = local_settings(home)
    run_ingest([str(tmp_path / "docs")], settings)
    store = Store(settings.db_url, files_dir=settings.files_dir)
    with TestClient(create_app(settings, store=store, searcher=FakeSearcher(store))) as c:
        yield c


@pytest.mark.parametrize(
    ("query", "n"),
    [("", 3), ("municipality=Levanger", 2), ("party=Ap", 3), ("person=Per%20Aunan&municipality=Levanger", 2),
     ("result=falt", 1), ("year=2026&body=kommunestyre", 3), ("limit=1&offset=2", 1)],
)
def test_api_votes_filters(client, query, n):
    response = client.get(f"/api/votes?{query}")
    assert response.status_code == 200 and len(response.json()) == n


def test_api_votes_fields_and_bad_parameters(client):
    first = client.get("/api/votes").json()[0]
    assert first["type"] == "vote" and first["voters"][0] == {"name": "Håvard Lutdal", "party": "H", "vote": "for"}
    assert (first["case_ref"], first["proposal_kind"], first["proposer"], first["result"]) == (
        "sak 13/2026", "tilleggsforslag", "Håvard Lutdal", "falt")
    for bad in ("year=tjue", "result=kanskje", "limit=0", "person=" + "x" * 101):
        response = client.get(f"/api/votes?{bad}")
        assert response.status_code == 422 and response.json()["detail"]
    assert "/api/votes" in client.get("/openapi.json").json()["paths"]


def test_case_page_orders_votes_puts_amendments_by_their_target_and_shows_the_vedtak(client):
    html = client.get("/sak", params={"kommune": "Levanger", "utvalg": "Kommunestyret", "sak": "sak 13/2026"}).text
    assert "Kommunestyret, sak 13/2026" in html
    amendment, main = html.index("Tilleggsforslag fra"), html.index("Innstilling")
    assert main < html.index("Endringer i dette forslaget") < amendment  # under the innstilling it changed
    assert "Vedtaket saken endte med" in html and "avslår søknad om ansvarlig lån" in html
    assert 'href="/person?kommune=Levanger&amp;navn=H%C3%A5vard+Lutdal"' in html
    assert 'href="/parti?kommune=Levanger&amp;parti=AP"' in html
    assert "</script> Nordmann" not in html and "&lt;/script&gt; Nordmann" in html  # names are escaped


def test_person_page_counts_votes_proposals_and_winning_side(client):
    html = client.get("/person", params={"kommune": "Levanger", "navn": "Håvard Lutdal"}).text
    assert '<dd id="cast">2</dd>' in html and '<dd id="winning">1 av 2</dd>' in html
    assert '<dd id="proposals">1</dd>' in html
    merged = client.get("/person", params={"kommune": "Levanger", "navn": "Per Aunan"}).text
    assert "<h1>Per Espen Aunan</h1>" in merged and '<dd id="cast">2</dd>' in merged
    assert '<dd id="winning">1 av 2</dd>' in merged
    other = client.get("/person", params={"kommune": "Steinkjer", "navn": "Per Aunan"}).text
    assert "<h1>Per Aunan</h1>" in other and '<dd id="cast">1</dd>' in other


def test_party_page(client):
    html = client.get("/parti", params={"kommune": "Levanger", "parti": "Arbeiderpartiet"}).text
    assert "<h1>AP i Levanger</h1>" in html
    assert '<dd id="cast">4</dd>' in html  # Per Aunan (= Per Espen Aunan) and Krogstad, in two voteringer
    assert '<dd id="winning">3 av 4</dd>' in html and '<dd id="proposals">0</dd>' in html
    assert 'navn=Per+Espen+Aunan">Per Espen Aunan</a> (2)' in html  # members as one person each


def test_votes_page_and_missing_or_unknown_things(client):
    html = client.get("/voteringer?municipality=Steinkjer").text
    assert '<p class="n" id="vote-count">1 voteringer' in html
    assert client.get("/voteringer?year=tjue").status_code == 422
    assert client.get("/sak?kommune=Levanger").status_code == 422
    assert client.get("/sak?kommune=Levanger&sak=sak%2099/2026").status_code == 404
    assert client.get("/person?kommune=Bergen&navn=Per%20Aunan").status_code == 404
    assert client.get("/parti?kommune=Levanger&parti=MDG").status_code == 404


def test_case_page_puts_the_vedtak_under_the_votering_that_produced_it(home, tmp_path, monkeypatch):
    """An oversendelsesforslag voted (and lost) after the innstilling: the vedtak stays under the innstilling."""
    use_home(monkeypatch, home)
    write_case(tmp_path / "docs")
    settings = local_settings(home)
    run_ingest([str(tmp_path / "docs")], settings)
    store = Store(settings.db_url, files_dir=settings.files_dir)
    with TestClient(create_app(settings, store=store, searcher=FakeSearcher(store))) as c:
        html = c.get("/sak", params={"kommune": "Levanger", "utvalg": "Kommunestyret", "sak": "sak 13/2026"}).text
    assert html.index("Innstilling") < html.index("Vedtaket saken endte med") < html.index("Oversendelsesforslag fra")
    assert "Søknad om lån - Levanger Fotballklubb</a> – saksgang: Formannskapet" in html  # the saksframlegg
