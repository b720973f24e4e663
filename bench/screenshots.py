"""Screenshots of the search and overview pages for the README, with real data.

Serves ``SAKSFINN_HOME`` (default ``/tmp/webhome``: run ``saksfinn ingest
/work/shared/corpus`` into it first) with uvicorn on loopback and photographs the
pages with Debian's chromium through Playwright (nothing is downloaded)::

    SAKSFINN_HOME=/tmp/webhome .venv/bin/python bench/screenshots.py [--out docs/img]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import uvicorn

from saksfinn.settings import Settings
from saksfinn.web.app import create_app

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    return os.environ.get("SAKSFINN_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_in_thread(settings: Settings, **app_kwargs: object) -> tuple[uvicorn.Server, str]:
    """Start the app on a free loopback port; returns the server (set ``should_exit``) and base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings, **app_kwargs), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.time() + 30
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("server did not start")
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/img")
    parser.add_argument("--query", default="erfaringer med heltidskultur")
    parser.add_argument("--municipality", default="Steinkjer")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    settings = Settings(home=Path(os.environ.get("SAKSFINN_HOME", "/tmp/webhome")))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    server, base = serve_in_thread(settings)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1200, "height": 1000}, locale="nb-NO")
            page.goto(base + "/")
            page.fill("#q", args.query)
            page.select_option("#municipality", args.municipality)
            page.wait_for_selector("#results")
            page.screenshot(path=str(out / "search.png"), full_page=False)
            page.goto(base + "/oversikt")
            page.screenshot(path=str(out / "overview.png"), full_page=True)
            browser.close()
    finally:
        server.should_exit = True
    print(f"wrote {out / 'search.png'} and {out / 'overview.png'}")


if __name__ == "__main__":
    main()
