"""Safe by construction: escaping, files only by id, bounded input, read-only without a token."""

from __future__ import annotations

import inspect
import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from saksfinn import cli
from saksfinn.index.storage import tables as t
from saksfinn.index.storage.store import Store
from saksfinn.models import IngestRun
from saksfinn.web.app import create_app
from saksfinn.web.pages import marked
from tests.web_fixtures import PDF_BYTES, FakeSearcher, fill_store, settings_for

TOKEN = "s3cret-token-for-tests"


@pytest.fixture()
def setup(tmp_path):
    settings = settings_for(tmp_path / "home", api_token=TOKEN)
    ids = fill_store(settings)
    store = Store(settings.db_url, files_dir=settings.files_dir)
    calls: list[list[str]] = []
    release = threading.Event()

    def fake_ingest(paths, _settings):
        calls.append(paths)
        release.wait(5)
        return IngestRun(run_id="r2", started=store.runs(1)[0].started)

    app = create_app(settings, searcher=FakeSearcher(store), store=store, ingest=fake_ingest)
    yield TestClient(app), ids, store, calls, release, app
    release.set()
    store.dispose()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a ⟪heltid⟫ b", "a <mark>heltid</mark> b"),
        ("<script>⟪x⟫</script>", "&lt;script&gt;<mark>x</mark>&lt;/script&gt;"),
        ("⟪<b>⟫", "<mark>&lt;b&gt;</mark>"),
        ('"quote" & ⟪amp⟫', "&#34;quote&#34; &amp; <mark>amp</mark>"),
        ("unclosed ⟪mark", "unclosed ⟪mark"),
        # Norwegian quotes are text, not marks
        ("prosjektet «Heltid i Bærum» og ⟪heltid⟫", "prosjektet «Heltid i Bærum» og <mark>heltid</mark>"),
    ],
)
def test_marked_escapes_before_marking(text, expected):
    assert str(marked(text)) == expected


def test_hostile_document_text_renders_as_text(setup):
    client, ids, *_ = setup
    for url in ("/?q=heltidskultur", f"/dokument/{ids['hostile']}"):
        html = client.get(url).text
        assert '<script>alert("x")</script>' not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html
    assert ids["hostile"] in client.get("/?q=heltidskultur").text


def test_html_pages_have_content_security_policy(setup):
    client, *_ = setup
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "cdn" not in r.text.lower() and "https://" not in r.text


def test_favicon_is_an_icon_and_pages_link_it(setup):
    client, *_ = setup
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.headers["content-type"] == "image/x-icon"
    assert r.content[:4] == b"\x00\x00\x01\x00" and 0 < len(r.content) < 20_000  # an ICO header, small
    assert 'rel="icon" href="/favicon.ico"' in client.get("/").text


def test_pdf_served_inline_by_id(setup):
    client, ids, *_ = setup
    r = client.get(f"/files/{ids['levanger']}")
    assert r.status_code == 200 and r.content == PDF_BYTES
    assert r.headers["content-type"] == "application/pdf" and r.headers["content-disposition"].startswith("inline")


def test_stored_html_is_served_as_sanitised_html(setup):
    pytest.importorskip("nh3")  # a declared dependency; a venv made before it was added lacks it
    client, ids, *_ = setup
    r = client.get(f"/files/{ids['hostile']}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.headers["content-disposition"].startswith("inline") and ".html" in r.headers["content-disposition"]
    assert r.headers["x-content-type-options"] == "nosniff"
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "sandbox" in csp and "script-src" not in csp  # no script source at all
    assert "Heltidskultur" in r.text
    assert "<script" not in r.text.lower() and "<img" not in r.text.lower()
    body = r.text.split("<main>", 1)[1]  # the title repeats the hostile name, escaped, as text
    assert "onerror" not in body and "alert" not in body


SOURCE_PAGE = """<!DOCTYPE html><html><head><title>Sak 12/2025</title><style>body{display:none}</style>
<script src="https://evil.example/x.js"></script><meta http-equiv="refresh" content="0;url=https://evil.example"></head>
<body onload="steal()"><h1 onclick="steal()">Heltid i Bærum</h1>
<p style="position:fixed">Kommunedirektørens innstilling: «Ordningen videreføres» — næringsliv og økonomi.</p>
<ul><li>Færre vikarer</li></ul><table><tr><th>År</th><td>2025</td></tr></table>
<a href="javascript:steal()">klikk</a> <a href="https://www.baerum.kommune.no/sak">Saken</a>
<iframe src="https://evil.example"></iframe><form action="https://evil.example"><input name=p></form>
<svg><script>steal()</script></svg><img src="https://evil.example/t.gif" onerror="steal()"><!-- hidden --></body></html>"""


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_html_source_keeps_structure_and_drops_everything_active(tmp_path, encoding):
    pytest.importorskip("nh3")
    from saksfinn.index.storage.store import Store as S
    from saksfinn.models import DocStatus
    from tests.factories import make_chunks, make_document

    settings = settings_for(tmp_path / "home")
    store = S(settings.db_url, files_dir=settings.files_dir)
    doc = make_document("Bærum", pages=("Heltid i Bærum\nInnstilling til vedtak:\n1. Ordningen videreføres.\n2. Rådmannen rapporterer årlig.",), source="/srv/docs/sak.html")
    doc = doc.model_copy(update={"media_type": "text/html", "meta": doc.meta.model_copy(update={"title": "Sak 12/2025"})})
    store.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=[], chunks=make_chunks(doc),
                        reader_version="t", findings_version="t", data=SOURCE_PAGE.encode(encoding))
    client = TestClient(create_app(settings, searcher=FakeSearcher(store), store=store))
    r = client.get(f"/files/{doc.document_id}")
    assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
    html = r.text
    for kept in ("<h1>Heltid i Bærum</h1>", "«Ordningen videreføres» — næringsliv og økonomi", "<li>Færre vikarer</li>",
                 "<th>År</th>", 'href="https://www.baerum.kommune.no/sak"', "<title>Sak 12/2025 – Saksfinn</title>"):
        assert kept in html
    for gone in ("steal", "evil.example", "<script", "<style", "<iframe", "<form", "<input", "<img", "<svg",
                 "javascript:", "position:fixed", "http-equiv", "hidden", "display:none"):
        assert gone not in html, gone
    store.dispose()


@pytest.mark.parametrize(
    "path",
    ["/files/..%2F..%2Fetc%2Fpasswd", "/files/%2Fetc%2Fpasswd", "/files/" + "0" * 64, "/files/" + "A" * 64,
     "/files/saksfinn.db", "/files/%2E%2E", "/dokument/..%2Fsaksfinn.db", "/static/..%2F..%2Fsettings.py"],
)
def test_no_path_from_request_reaches_filesystem(setup, path):
    client, *_ = setup
    r = client.get(path)
    assert r.status_code == 404
    assert b"root:" not in r.content and b"SQLite" not in r.content and b"BaseSettings" not in r.content


def test_stored_path_outside_files_dir_is_refused(setup):
    client, ids, store, *_ = setup
    with store.engine.begin() as conn:
        conn.execute(update(t.documents).where(t.documents.c.document_id == ids["levanger"]).values(file_path="/etc/passwd"))
    assert client.get(f"/files/{ids['levanger']}").status_code == 404


def test_oversized_input_is_422_not_500(setup):
    client, *_ = setup
    assert client.get("/", params={"q": "å" * 5000}).status_code == 422
    assert client.get("/api/search", params={"q": "heltid", "municipality": "x" * 1000}).status_code == 422
    assert client.get("/eksport", params={"q": "x" * 600, "format": "csv"}).status_code == 422
    assert client.get("/api/search", params={"q": "heltid\x00"}).status_code in (200, 422)


@pytest.mark.parametrize("method, path", [("post", "/api/search"), ("delete", f"/api/documents/{'a' * 64}"),
                                          ("put", "/api/findings"), ("post", "/"), ("post", "/oversikt")])
def test_anonymous_users_cannot_write(setup, method, path):
    client, *_ = setup
    assert getattr(client, method)(path).status_code == 405


def test_ingest_requires_the_configured_token(setup):
    client, _, _, calls, release, app = setup
    assert client.post("/api/ingest").status_code == 403
    assert client.post("/api/ingest", headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.post("/api/ingest", headers={"Authorization": TOKEN}).status_code == 403
    assert not calls
    r = client.post("/api/ingest", headers={"Authorization": f"Bearer {TOKEN}"}, json={"paths": ["/etc"]})
    assert r.status_code == 202 and r.json() == {"state": "started", "sources": ["/srv/docs"]}
    assert client.post("/api/ingest", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 409
    release.set()
    app.state.saksfinn.ingest.join(5)
    assert calls == [["/srv/docs"]]
    assert app.state.saksfinn.ingest.last["state"] == "finished"


def test_ingest_is_off_without_a_configured_token(tmp_path):
    settings = settings_for(tmp_path / "home")
    fill_store(settings)
    client = TestClient(create_app(settings, searcher=FakeSearcher(Store(settings.db_url)),
                                   ingest=lambda *a: pytest.fail("must not run")))
    r = client.post("/api/ingest", headers={"Authorization": "Bearer anything"})
    assert r.status_code == 503 and "SAKSFINN_API_TOKEN" in r.json()["detail"]


def test_serve_binds_to_loopback_by_default():
    host = inspect.signature(cli.serve).parameters["host"].default
    assert host.default == "127.0.0.1"
