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


def test_pdf_served_inline_by_id(setup):
    client, ids, *_ = setup
    r = client.get(f"/files/{ids['levanger']}")
    assert r.status_code == 200 and r.content == PDF_BYTES
    assert r.headers["content-type"] == "application/pdf" and r.headers["content-disposition"].startswith("inline")


def test_stored_html_is_served_as_plain_text(setup):
    client, ids, *_ = setup
    r = client.get(f"/files/{ids['hostile']}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    assert r.headers["x-content-type-options"] == "nosniff"


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
