"""The Atom feed of a saved search: valid Atom, one entry per matched document, stable ids."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from saksfinn.flows.watches import add_watch, match_watches
from saksfinn.index.storage import tables as t
from saksfinn.index.storage.store import OSLO, Store
from saksfinn.models import DocStatus, DocType, Hit, IngestRun
from saksfinn.web.app import create_app
from tests.factories import make_chunks, make_document, make_findings
from tests.web_fixtures import FakeSearcher, settings_for

A = "{http://www.w3.org/2005/Atom}"


def _save(store: Store, municipality: str, source: str, title: str, date: dt.date, stored: dt.datetime) -> str:
    doc = make_document(municipality, source=source)
    doc = doc.model_copy(update={"meta": doc.meta.model_copy(
        update={"title": title, "date": date, "doc_type": DocType.MOTEPROTOKOLL})})
    store.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=make_findings(doc),
                        chunks=make_chunks(doc), reader_version="r", findings_version="f")
    with store.engine.begin() as conn:
        conn.execute(update(t.documents).where(t.documents.c.document_id == doc.document_id).values(ingested_at=stored))
    return doc.document_id


def _search_returning(store: Store, doc_ids: list[str]):
    def search(query: str, *, top: int, **filters) -> list[Hit]:
        hits = []
        for doc_id in doc_ids:
            chunk = next(c for c in store.iter_chunks() if c.document_id == doc_id)
            hits.append(Hit(rank=len(hits) + 1, score=1.0, text=chunk.text, document_id=doc_id, page=chunk.page,
                            type="passage", chunk_id=chunk.chunk_id, scores={"bm25": 2.0}))
        return hits
    return search


@pytest.fixture()
def setup(tmp_path):
    settings = settings_for(tmp_path / "home")
    store = Store(settings.db_url, files_dir=settings.files_dir)
    wid = add_watch(store, "heltidskultur erfaringer")
    with store.engine.begin() as conn:  # saved before the documents came in
        conn.execute(update(t.watches).values(created=dt.datetime(2026, 1, 5, 8, 0, tzinfo=OSLO)))
    older = _save(store, "Levanger", "/srv/levanger/protokoll.pdf", "Protokoll: heltid & turnus <utkast>",
                  dt.date(2026, 2, 12), dt.datetime(2026, 2, 13, 2, 0, tzinfo=OSLO))
    newer = _save(store, "Steinkjer", "/srv/steinkjer/sak.pdf", "Heltidskultur i helse og omsorg",
                  dt.date(2026, 3, 17), dt.datetime(2026, 3, 18, 2, 0, tzinfo=OSLO))
    assert match_watches(store, _search_returning(store, [older, newer]), "r1") == {wid: [older, newer]}
    yield TestClient(create_app(settings, searcher=FakeSearcher(store), store=store)), store, wid, older, newer
    store.dispose()


def test_feed_is_atom_with_one_entry_per_matched_document(setup):
    client, store, wid, older, newer = setup
    r = client.get(f"/feeds/watch/{wid}.atom")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(r.content)
    assert feed.tag == f"{A}feed"
    assert feed.findtext(f"{A}id") == f"urn:saksfinn:watch:{wid}"
    assert "«heltidskultur erfaringer»" in feed.findtext(f"{A}title")
    assert feed.findtext(f"{A}updated") == "2026-03-18T02:00:00+01:00"  # the newest entry, stored in Oslo time
    assert feed.find(f"{A}author/{A}name").text == "Saksfinn"
    self_link = feed.find(f"{A}link[@rel='self']").get("href")
    assert self_link == f"http://testserver/feeds/watch/{wid}.atom"

    entries = feed.findall(f"{A}entry")
    assert [e.find(f"{A}link").get("href") for e in entries] == [
        f"http://testserver/dokument/{newer}", f"http://testserver/dokument/{older}"]  # newest first
    first, second = entries
    assert first.findtext(f"{A}title") == "Heltidskultur i helse og omsorg"
    assert second.findtext(f"{A}title") == "Protokoll: heltid & turnus <utkast>"  # escaped, parsed back
    assert first.find(f"{A}category").get("term") == "Steinkjer"
    facts, passage = first.findtext(f"{A}summary").split(" — ", 1)
    chunk = next(c for c in store.iter_chunks() if c.document_id == newer)  # the matched passage
    assert facts == f"Steinkjer · 17. mars 2026 · Møteprotokoll · s. {chunk.page}"
    assert passage == " ".join(chunk.text.split())
    assert first.findtext(f"{A}published") == "2026-03-17T00:00:00Z"
    for e in entries:
        assert dt.datetime.fromisoformat(e.findtext(f"{A}updated")).tzinfo is not None
    assert len({e.findtext(f"{A}id") for e in entries}) == 2
    assert first.findtext(f"{A}id") == f"urn:saksfinn:watch:{wid}:{newer}"


def test_feed_ids_are_stable_and_later_matches_are_added(setup):
    client, store, wid, older, newer = setup
    before = client.get(f"/feeds/watch/{wid}.atom").content
    assert client.get(f"/feeds/watch/{wid}.atom").content == before
    now = dt.datetime(2026, 3, 18, 3, 0, tzinfo=OSLO)
    store.save_run(IngestRun(run_id="r1", started=now, finished=now))
    third = _save(store, "Levanger", "/srv/levanger/ny.pdf", "Nærvær og heltid", dt.date(2026, 4, 1),
                  dt.datetime(2026, 4, 2, 2, 0, tzinfo=OSLO))
    with store.engine.begin() as conn:
        conn.execute(update(t.documents).where(t.documents.c.document_id == third)
                     .values(ingested_at=dt.datetime.now(dt.timezone.utc)))
    match_watches(store, _search_returning(store, [older, newer, third]), "r2")
    ids = [e.findtext(f"{A}id") for e in ET.fromstring(client.get(f"/feeds/watch/{wid}.atom").content).findall(f"{A}entry")]
    assert ids == [f"urn:saksfinn:watch:{wid}:{d}" for d in (third, newer, older)]


def test_a_saved_search_without_matches_is_an_empty_valid_feed(setup):
    client, store, *_ = setup
    wid = add_watch(store, "skolestruktur", municipality="Volda")
    feed = ET.fromstring(client.get(f"/feeds/watch/{wid}.atom").content)
    assert feed.findall(f"{A}entry") == [] and feed.findtext(f"{A}updated")
    assert "kommune Volda" in feed.findtext(f"{A}title")


@pytest.mark.parametrize("wid", ["w0000000000", "wzzzz", "..saksfinn.db", "w" + "a" * 64])
def test_unknown_saved_search_is_404_in_norwegian(setup, wid):
    client, *_ = setup
    r = client.get(f"/feeds/watch/{wid}.atom")
    assert r.status_code == 404
    assert "Fant ikke det lagrede søket" in r.text and "saksfinn watch list" in r.text


def test_run_page_links_each_saved_search_to_its_feed(setup):
    client, store, wid, older, _ = setup
    now = dt.datetime(2026, 3, 18, 2, 0, tzinfo=OSLO)
    store.save_run(IngestRun(run_id="r9", started=now, finished=now, watch_matches={wid: [older]},
                             watch_names={wid: "«heltidskultur erfaringer»"}))
    assert f'href="/feeds/watch/{wid}.atom"' in client.get("/innlesinger/r9").text


def test_saved_search_pages_list_matches_and_link_the_feed(setup):
    client, store, wid, older, newer = setup
    listing = client.get("/lagrede-sok")
    assert listing.status_code == 200
    html = listing.text
    assert f'href="/lagrede-sok/{wid}">«heltidskultur erfaringer»</a>' in html
    assert f'<link rel="alternate" type="application/atom+xml" title="Saksfinn: «heltidskultur erfaringer»" ' \
           f'href="/feeds/watch/{wid}.atom">' in html
    assert "<td>2</td>" in html  # two matched documents

    page = client.get(f"/lagrede-sok/{wid}").text
    assert f'href="/feeds/watch/{wid}.atom"' in page and "Følg i feedleser (Atom)" in page
    assert 'href="/?q=heltidskultur+erfaringer"' in page
    assert page.index(f"/dokument/{newer}") < page.index(f"/dokument/{older}")
    assert "Steinkjer" in page and "17. mars 2026" in page and "Protokoll: heltid &amp; turnus &lt;utkast&gt;" in page
    feed = ET.fromstring(client.get(f"/feeds/watch/{wid}.atom").content)
    assert feed.find(f"{A}link[@rel='alternate']").get("href") == f"http://testserver/lagrede-sok/{wid}"

    r = client.get("/lagrede-sok/w0000000000")
    assert r.status_code == 404 and "Fant ikke det lagrede søket" in r.text


def test_saved_searches_page_without_any(tmp_path):
    settings = settings_for(tmp_path / "home")
    store = Store(settings.db_url, files_dir=settings.files_dir)
    html = TestClient(create_app(settings, searcher=FakeSearcher(store), store=store)).get("/lagrede-sok").text
    assert "Ingen lagrede søk ennå" in html and 'aria-current="page">Lagrede søk' in html
    store.dispose()
