"""End to end in a real headless browser: Debian's chromium driven by Playwright (nothing is
downloaded). Skips with a reason when chromium or playwright is missing."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from saksfinn.flows.indexing import ensure_index
from saksfinn.index.storage.store import Store
from saksfinn.web.app import create_app
from tests.web_fixtures import fill_store, settings_for

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = os.environ.get("SAKSFINN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def serve(app) -> Iterator[str]:
    """``app`` under uvicorn on a free local port, in a thread; yields its address."""
    uvicorn = pytest.importorskip("uvicorn")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    settings = settings_for(tmp_path_factory.mktemp("browser") / "home")
    ids = fill_store(settings)
    store = Store(settings.db_url, files_dir=settings.files_dir)
    ensure_index(store, settings)
    with serve(create_app(settings, store=store)) as url:
        yield url, ids


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("chromium not installed (apt-get install chromium); browser test skipped")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def test_search_filter_and_open_document(base_url, browser):
    url, ids = base_url
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url + "/")
    page.fill("#q", "heltidskultur")
    page.click("button[type=submit]")
    page.wait_for_selector("#results .hit")
    everywhere = set(page.locator("#results .municipality").all_inner_texts())
    assert everywhere == {"Levanger", "Steinkjer"}

    page.select_option("#municipality", "Steinkjer")  # the page re-runs the search on change
    page.wait_for_url("**municipality=Steinkjer**")
    page.wait_for_selector("#results .hit")
    assert set(page.locator("#results .municipality").all_inner_texts()) == {"Steinkjer"}
    assert "year_from" not in page.url  # empty filters are left out of the address
    assert page.locator("#results mark").count() > 0
    source_link = page.locator("#results .links a").first.get_attribute("href")
    assert source_link.startswith(f"/files/{ids['steinkjer']}#page=")

    page.locator("#results .hit h2 a").first.click()
    page.wait_for_url(f"**/dokument/{ids['steinkjer']}")
    assert page.locator("h1").inner_text() == "Heltid i Steinkjer"
    assert "Turnusarbeidet tok lengre tid enn planlagt." in page.locator(".findings-experience_negative").inner_text()
    assert not errors
    page.close()


def test_overview_renders_charts(base_url, browser):
    url, _ = base_url
    page = browser.new_page()
    page.goto(url + "/oversikt")
    assert page.locator("#chart-municipality svg rect").count() > 0
    assert page.locator("#chart-experiences svg rect").count() > 1
    page.close()
