"""Remote sources against a local HTTP server on 127.0.0.1: listings, conditional
requests, retries, failures, withdrawals, pacing and the TOML source config."""

from __future__ import annotations

import time

import pytest

from saksfinn.flows.fetch import (
    FetchPolicy,
    SourceConfig,
    configs_from_args,
    feed_links,
    fetch_sources,
    load_source_config,
    pdf_links,
)
from saksfinn.flows.stages import withdraw_missing
from saksfinn.index.storage.store import Store
from saksfinn.models import Change, DocStatus
from saksfinn.models.errors import SaksfinnError
from tests.httpsite import Site, index_page, serve

FAST = FetchPolicy(min_interval=0.0, retries=2, backoff=0.01, timeout=5)


@pytest.fixture()
def site():
    s = serve(Site())
    yield s
    assert s.server is not None
    s.server.shutdown()
    s.server.server_close()


@pytest.fixture()
def store(tmp_path):
    return Store(f"sqlite:///{tmp_path / 'db.sqlite'}")


def _remember(store: Store, files) -> None:
    """What the flow's store stage records for fetched files."""
    for f in files:
        store.record_source(f.source, document_id="d-" + f.path.name, status="ingested",
                            municipality_hint=f.municipality_hint, etag=f.etag, last_modified=f.last_modified)


def test_index_page_links_are_downloaded_under_the_municipality(site, store, tmp_path):
    site.put("/a.pdf", b"%PDF-1.4 first")
    site.put("/docs/b.PDF", b"%PDF-1.4 second")
    site.put("/politikk/", index_page(["/a.pdf", "../docs/b.PDF", "/a.pdf#page=2", "/om.html"]), "text/html")
    cfg = SourceConfig(name="lev", municipality="Levanger", index_url=site.url + "/politikk/")

    got = fetch_sources([cfg], tmp_path / "downloads", store, policy=FAST)

    assert [f.source for f in got.files] == [site.url + "/a.pdf", site.url + "/docs/b.PDF"]
    assert all(f.path.parent == tmp_path / "downloads" / "Levanger" for f in got.files)
    assert got.files[0].path.read_bytes() == b"%PDF-1.4 first"
    assert got.files[0].etag == site.pages["/a.pdf"].etag
    assert got.files[0].last_modified == site.pages["/a.pdf"].last_modified
    assert got.files[0].municipality_hint == "Levanger"
    assert got.listings == [("Levanger", site.url.removeprefix("http://"))]
    assert not got.failures and not got.problems


def test_unchanged_documents_answer_304_and_are_not_downloaded_again(site, store, tmp_path):
    site.put("/a.pdf", b"%PDF-1.4 first")
    cfg = SourceConfig(name="lev", municipality="Levanger", urls=(site.url + "/a.pdf",))
    first = fetch_sources([cfg], tmp_path, store, policy=FAST)
    _remember(store, first.files)

    again = fetch_sources([cfg], tmp_path, store, policy=FAST)

    assert site.statuses("/a.pdf") == [200, 304]
    assert site.requests[-1][1]["if-none-match"] == site.pages["/a.pdf"].etag
    assert site.requests[-1][1]["if-modified-since"] == site.pages["/a.pdf"].last_modified
    assert again.files[0].path == first.files[0].path and again.files[0].etag == first.files[0].etag


def test_a_changed_document_is_downloaded_again(site, store, tmp_path):
    site.put("/a.pdf", b"%PDF-1.4 first")
    cfg = SourceConfig(name="lev", urls=(site.url + "/a.pdf",))
    _remember(store, fetch_sources([cfg], tmp_path, store, policy=FAST).files)
    site.put("/a.pdf", b"%PDF-1.4 second version")

    again = fetch_sources([cfg], tmp_path, store, policy=FAST)

    assert site.statuses("/a.pdf") == [200, 200]
    assert again.files[0].path.read_bytes() == b"%PDF-1.4 second version"


def test_a_missing_local_copy_makes_the_request_unconditional(site, store, tmp_path):
    site.put("/a.pdf", b"%PDF-1.4 first")
    cfg = SourceConfig(name="lev", urls=(site.url + "/a.pdf",))
    first = fetch_sources([cfg], tmp_path, store, policy=FAST)
    _remember(store, first.files)
    first.files[0].path.unlink()

    again = fetch_sources([cfg], tmp_path, store, policy=FAST)

    assert "if-none-match" not in site.requests[-1][1]
    assert again.files[0].path.read_bytes() == b"%PDF-1.4 first"


def test_server_errors_are_retried_with_backoff(site, store, tmp_path):
    site.put("/a.pdf", b"%PDF-1.4 first")
    site.scripted["/a.pdf"] = [503, 502]
    cfg = SourceConfig(name="lev", urls=(site.url + "/a.pdf",))

    got = fetch_sources([cfg], tmp_path, store, policy=FAST)

    assert site.statuses("/a.pdf") == [503, 502, 200]
    assert len(got.files) == 1 and not got.failures


def test_retries_give_up_with_a_reason(site, store, tmp_path):
    site.scripted["/a.pdf"] = [503, 503, 503, 503]
    cfg = SourceConfig(name="lev", municipality="Levanger", urls=(site.url + "/a.pdf",))

    got = fetch_sources([cfg], tmp_path, store, policy=FAST)

    assert site.statuses("/a.pdf") == [503, 503, 503]  # first try + 2 retries
    assert not got.files
    [failure] = got.failures
    assert failure.change == Change.FAILED and "HTTP 503" in failure.reason and "3 attempts" in failure.reason


@pytest.mark.parametrize("status", [404, 403])
def test_client_errors_are_failures_and_not_retried(site, store, tmp_path, status):
    if status != 404:
        site.scripted["/a.pdf"] = [status]
    cfg = SourceConfig(name="lev", urls=(site.url + "/a.pdf",))

    got = fetch_sources([cfg], tmp_path, store, policy=FAST)

    assert site.statuses("/a.pdf") == [status]
    [failure] = got.failures
    assert f"HTTP {status}" in failure.reason and failure.status == DocStatus.FAILED


def test_a_known_document_answering_404_is_withdrawn(site, store, tmp_path):
    site.put("/a.pdf", b"%PDF-1.4 first")
    cfg = SourceConfig(name="lev", urls=(site.url + "/a.pdf",))
    _remember(store, fetch_sources([cfg], tmp_path, store, policy=FAST).files)
    del site.pages["/a.pdf"]

    got = fetch_sources([cfg], tmp_path, store, policy=FAST)
    out = withdraw_missing(got.present, store, "run-2", gone=got.gone)

    assert [o.change for o in out] == [Change.WITHDRAWN]
    assert store.get_source(site.url + "/a.pdf")["status"] == "withdrawn"


def test_documents_no_longer_listed_are_withdrawn_and_others_are_kept(site, store, tmp_path):
    for name in ("a", "b"):
        site.put(f"/{name}.pdf", f"%PDF-1.4 {name}".encode())
    site.put("/politikk/", index_page(["/a.pdf", "/b.pdf"]), "text/html")
    cfg = SourceConfig(name="lev", municipality="Levanger", index_url=site.url + "/politikk/")
    other = "https://example.invalid/c.pdf"  # same municipality, other host: out of scope
    store.record_source(other, document_id="d-c", status="ingested", municipality_hint="Levanger")
    _remember(store, fetch_sources([cfg], tmp_path, store, policy=FAST).files)
    site.put("/politikk/", index_page(["/a.pdf"]), "text/html")

    got = fetch_sources([cfg], tmp_path, store, policy=FAST)
    out = withdraw_missing(got.present, store, "run-2", listings=got.listings)

    assert [o.source for o in out] == [site.url + "/b.pdf"]
    assert store.get_source(site.url + "/b.pdf")["status"] == "withdrawn"
    assert store.get_source(site.url + "/a.pdf")["status"] == "ingested"
    assert store.get_source(other)["status"] == "ingested"


def test_an_unreadable_listing_withdraws_nothing(site, store, tmp_path):
    site.put("/a.pdf", b"%PDF-1.4 a")
    site.put("/politikk/", index_page(["/a.pdf"]), "text/html")
    cfg = SourceConfig(name="lev", municipality="Levanger", index_url=site.url + "/politikk/")
    _remember(store, fetch_sources([cfg], tmp_path, store, policy=FAST).files)
    site.scripted["/politikk/"] = [500, 500, 500]

    got = fetch_sources([cfg], tmp_path, store, policy=FAST)

    assert got.listings == [] and "HTTP 500" in got.problems[0]
    assert withdraw_missing(got.present, store, "run-2", listings=got.listings) == []


def test_requests_to_one_host_are_paced(site, store, tmp_path):
    for name in ("a", "b", "c"):
        site.put(f"/{name}.pdf", b"%PDF-1.4 " + name.encode())
    cfg = SourceConfig(name="lev", urls=tuple(f"{site.url}/{n}.pdf" for n in "abc"))

    fetch_sources([cfg], tmp_path, store, policy=FetchPolicy(min_interval=0.3, retries=0))

    times = [t for _p, _h, _s, t in site.requests]
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.28


def test_a_feed_lists_its_pdfs(site, store, tmp_path):
    site.put("/a.pdf", b"%PDF-1.4 a")
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Møter</title>
      <item><title>Sak 12/25</title><link>{site.url}/a.pdf</link></item>
      <item><title>Møteside</title><link>{site.url}/mote/12</link></item></channel></rss>"""
    site.put("/rss", rss.encode(), "application/rss+xml")
    cfg = SourceConfig(name="lev", municipality="Levanger", feed_url=site.url + "/rss")

    got = fetch_sources([cfg], tmp_path, store, policy=FAST)

    assert [f.source for f in got.files] == [site.url + "/a.pdf"]


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        ('<rss><channel><item><enclosure url="/f/sak.pdf" type="application/pdf"/></item></channel></rss>',
         ["https://k.no/f/sak.pdf"]),
        ('<feed xmlns="http://www.w3.org/2005/Atom"><entry><link href="https://k.no/p/protokoll.pdf"/></entry>'
         '<entry><link href="https://k.no/p/side.html"/></entry></feed>', ["https://k.no/p/protokoll.pdf"]),
    ],
)
def test_feed_links(xml, expected):
    assert feed_links(xml, "https://k.no/rss") == expected


def test_pdf_links_are_absolute_and_unique():
    html = '<a href="sak.pdf">a</a><a href="/x/Sak.PDF">b</a><a href="sak.pdf#p2">c</a><a href="mailto:x@y">d</a>'
    assert pdf_links(html, "https://k.no/politikk/") == ["https://k.no/politikk/sak.pdf", "https://k.no/x/Sak.PDF"]


def test_source_config_file(tmp_path):
    cfg = tmp_path / "kilder.toml"
    cfg.write_text(
        '[fetch]\nmin_interval = 2.5\n\n'
        '[[source]]\nname = "lev"\nmunicipality = "Levanger"\nindex_url = "https://k.no/politikk/"\n\n'
        '[[source]]\nmunicipality = "Bærum"\nurls = ["https://b.no/a.pdf"]\n\n'
        f'[[source]]\nmunicipality = "Harstad"\npath = "{tmp_path}"\n',
        encoding="utf-8",
    )
    configs, policy = load_source_config(cfg)
    assert policy.min_interval == 2.5
    assert [(c.name, c.municipality, c.remote) for c in configs] == [
        ("lev", "Levanger", True), ("Bærum", "Bærum", True), ("Harstad", "Harstad", False)
    ]
    assert configs[1].urls == ("https://b.no/a.pdf",)


@pytest.mark.parametrize(
    ("text", "message"),
    [('[[source]]\nname = "x"\nurl = "https://k.no/a.pdf"\n', "unknown keys: url"),
     ('[[source]]\nname = "x"\n', "needs urls"),
     ("[[source]\n", "cannot read source config")],
)
def test_bad_source_config_says_what_is_wrong(tmp_path, text, message):
    cfg = tmp_path / "kilder.toml"
    cfg.write_text(text)
    with pytest.raises(SaksfinnError, match=message):
        load_source_config(cfg)


def test_command_line_sources_mix_paths_urls_and_configs(tmp_path):
    configs, _ = configs_from_args([str(tmp_path), "https://k.no/a.pdf", "https://k.no/b.pdf"], "Levanger")
    assert [(c.path, c.urls, c.municipality) for c in configs] == [
        (str(tmp_path), (), "Levanger"), (None, ("https://k.no/a.pdf", "https://k.no/b.pdf"), "Levanger")
    ]


def test_pacing_does_not_slow_other_hosts(site, store, tmp_path):
    other = serve(Site())
    try:
        site.put("/a.pdf", b"%PDF-1.4 a")
        other.put("/b.pdf", b"%PDF-1.4 b")
        cfg = SourceConfig(name="x", urls=(site.url + "/a.pdf", other.url + "/b.pdf"))
        started = time.monotonic()
        got = fetch_sources([cfg], tmp_path, store, policy=FetchPolicy(min_interval=5.0, retries=0))
        assert len(got.files) == 2 and time.monotonic() - started < 2
    finally:
        assert other.server is not None
        other.server.shutdown()
        other.server.server_close()


def _pdf(title: str, body: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 8, f"Levanger kommune\nSaksframlegg\n{title}\n\n{body}")
    return bytes(pdf.output())


@pytest.mark.slow
def test_nightly_runs_over_http_new_unchanged_withdrawn_failed(site, home, tmp_path):
    from tests.ingest_helpers import require_pipeline

    require_pipeline()
    from saksfinn.flows.ingest import run_ingest
    from saksfinn.settings import get_settings

    site.put("/a.pdf", _pdf("Heltidskultur i helse og omsorg", "Flere ansatte fikk større stillinger."))
    site.put("/b.pdf", _pdf("Skolestruktur", "Rådmannen anbefaler å samle skolene."))
    site.put("/politikk/", index_page(["/a.pdf", "/b.pdf", "/mangler.pdf"]), "text/html")
    config = tmp_path / "kilder.toml"
    config.write_text(
        f'[fetch]\nmin_interval = 0.0\nretries = 0\n\n[[source]]\nname = "lev"\nmunicipality = "Levanger"\n'
        f'index_url = "{site.url}/politikk/"\n', encoding="utf-8",
    )
    settings = get_settings()

    first = run_ingest([str(config)], settings)
    second = run_ingest([str(config)], settings)
    site.put("/politikk/", index_page(["/a.pdf"]), "text/html")
    third = run_ingest([str(config)], settings)

    by_source = lambda run: {o.source.removeprefix(site.url): o for o in run.outcomes}  # noqa: E731
    assert {k: o.change.value for k, o in by_source(first).items()} == {
        "/a.pdf": "new", "/b.pdf": "new", "/mangler.pdf": "failed"
    }
    assert "HTTP 404" in by_source(first)["/mangler.pdf"].reason
    assert by_source(first)["/a.pdf"].municipality == "Levanger"
    assert {k: o.change.value for k, o in by_source(second).items() if k != "/mangler.pdf"} == {
        "/a.pdf": "unchanged", "/b.pdf": "unchanged"
    }
    assert site.statuses("/a.pdf") == [200, 304, 304]
    withdrawn = {k for k, o in by_source(third).items() if o.change == Change.WITHDRAWN}
    assert withdrawn == {"/b.pdf", "/mangler.pdf"}  # no longer linked, whether it was ever readable or not
    assert by_source(third)["/a.pdf"].change == Change.UNCHANGED
    report = (settings.reports_dir / f"{third.run_id}.md").read_text()
    assert "| Levanger | 0 | 0 | 1 | 0 | 2 |" in report
