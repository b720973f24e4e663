"""A tiny HTTP site on 127.0.0.1 for fetch tests: pages, ETag / Last-Modified,
scripted failures, and a log of every request."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    body: bytes
    content_type: str = "application/pdf"
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Site:
    pages: dict[str, Page] = field(default_factory=dict)
    scripted: dict[str, list[int]] = field(default_factory=dict)  # path -> statuses to answer first
    requests: list[tuple[str, dict[str, str], int, float]] = field(default_factory=list)  # path, headers, status, time
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def put(self, path: str, body: bytes, content_type: str = "application/pdf", *, validators: bool = True) -> None:
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"' if validators else None
        modified = formatdate(1_700_000_000 + len(self.pages), usegmt=True) if validators else None
        self.pages[path] = Page(body, content_type, etag, modified)

    def statuses(self, path: str) -> list[int]:
        return [status for p, _h, status, _t in self.requests if p == path]


def serve(site: Site) -> Site:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:  # noqa: N802
            import time

            self._headers = {k.lower(): v for k, v in self.headers.items()}
            self._started = time.monotonic()
            self._answer(self.path, self._headers)

        def send_response(self, code: int, message: str | None = None) -> None:
            site.requests.append((self.path, self._headers, code, self._started))  # logged before the client sees it
            super().send_response(code, message)

        def _answer(self, path: str, headers: dict[str, str]) -> int:
            script = site.scripted.get(path)
            if script:
                status = script.pop(0)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return status
            page = site.pages.get(path)
            if page is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return 404
            if page.etag and headers.get("if-none-match") == page.etag:
                self.send_response(304)
                self.end_headers()
                return 304
            self.send_response(200)
            self.send_header("Content-Type", page.content_type)
            self.send_header("Content-Length", str(len(page.body)))
            if page.etag:
                self.send_header("ETag", page.etag)
            if page.last_modified:
                self.send_header("Last-Modified", page.last_modified)
            self.end_headers()
            self.wfile.write(page.body)
            return 200

    site.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=site.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return site


def index_page(links: list[str]) -> bytes:
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return f"<html><body><h1>Saksdokumenter</h1><ul>{items}</ul><a href='/om.html'>Om</a></body></html>".encode()
