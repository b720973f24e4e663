"""Remote sources: fetch PDFs over HTTP(S) from URL lists, index pages and feeds.

Contract of :func:`fetch_sources`:

* every download lands under ``downloads_dir/<municipality>/`` (written atomically) and
  is returned as a :class:`SourceFile` whose ``source`` is the URL — the store's key;
* requests are conditional (``If-None-Match`` / ``If-Modified-Since`` from the
  ``sources`` table) when the previous copy is still on disk: ``304`` costs no
  download, and the file then triages as unchanged;
* at most one request per ``min_interval`` seconds per host;
* timeouts, connection errors, 429 and 5xx are retried with exponential backoff;
  other 4xx are not;
* a URL that answered 404/410 and was ingested before is reported ``gone`` (the
  flow marks it withdrawn); otherwise a failed URL becomes a failed outcome with the
  reason;
* a listing (index page or feed) that was read completely is returned in
  ``listings``: stored URLs of that municipality and host that it no longer links
  are withdrawn by the flow. A listing that could not be read withdraws nothing.

Source config file (TOML, one ``[[source]]`` per municipality)::

    [fetch]                 # optional
    min_interval = 1.0      # seconds between requests to one host
    retries = 3

    [[source]]
    name = "levanger-politikk"
    municipality = "Levanger"
    index_url = "https://www.levanger.kommune.no/politikk/saksdokumenter/"
    # or: feed_url = "https://…/rss"   urls = ["https://…/a.pdf"]   path = "/srv/papirer/Levanger"
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import time
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import httpx

from saksfinn.flows.sources import SourceFile
from saksfinn.index.storage.store import Store
from saksfinn.models import Change, DocStatus, SourceOutcome
from saksfinn.models.errors import SaksfinnError, SourceFetchError

log = logging.getLogger(__name__)
USER_AGENT = "saksfinn/0.1 (+https://github.com/; nightly ingestion of public council papers)"
GONE = (404, 410)


@dataclass(frozen=True)
class SourceConfig:
    """One source of documents: a folder, a URL list, an index page or a feed."""

    name: str
    municipality: str | None = None
    urls: tuple[str, ...] = ()
    index_url: str | None = None
    feed_url: str | None = None
    path: str | None = None

    @property
    def remote(self) -> bool:
        return bool(self.urls or self.index_url or self.feed_url)


@dataclass(frozen=True)
class FetchPolicy:
    min_interval: float = 1.0  # seconds between two requests to the same host
    retries: int = 3  # attempts after the first one, for timeouts / 429 / 5xx
    backoff: float = 1.0  # first retry delay; doubles each attempt
    timeout: float = 30.0
    max_bytes: int = 200 * 1024 * 1024


@dataclass
class Fetched:
    files: list[SourceFile] = field(default_factory=list)
    failures: list[SourceOutcome] = field(default_factory=list)
    gone: list[SourceOutcome] = field(default_factory=list)  # known URLs now 404/410
    listings: list[tuple[str | None, str]] = field(default_factory=list)  # (municipality, host) read completely
    folders: list[str] = field(default_factory=list)  # local folders walked completely
    problems: list[str] = field(default_factory=list)

    @property
    def present(self) -> set[str]:
        """Every source seen this run, fetched or not (never withdrawn)."""
        return {f.source for f in self.files} | {o.source for o in self.failures}


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def load_source_config(path: str | Path) -> tuple[list[SourceConfig], FetchPolicy]:
    """Read a TOML source config; raise SaksfinnError with the file name on bad input."""
    path = Path(path).expanduser()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SaksfinnError(f"{path}: cannot read source config: {exc}") from exc
    fetch = data.get("fetch", {})
    policy = FetchPolicy(**{k: fetch[k] for k in ("min_interval", "retries", "backoff", "timeout") if k in fetch})
    configs = []
    for n, entry in enumerate(data.get("source", []), 1):
        unknown = set(entry) - {"name", "municipality", "urls", "index_url", "feed_url", "path"}
        if unknown:
            raise SaksfinnError(f"{path}: [[source]] #{n} has unknown keys: {', '.join(sorted(unknown))}")
        cfg = SourceConfig(
            name=entry.get("name") or entry.get("municipality") or f"source-{n}",
            municipality=entry.get("municipality"),
            urls=tuple(entry.get("urls", ())),
            index_url=entry.get("index_url"),
            feed_url=entry.get("feed_url"),
            path=str(Path(entry["path"]).expanduser()) if entry.get("path") else None,
        )
        if not (cfg.remote or cfg.path):
            raise SaksfinnError(f"{path}: [[source]] {cfg.name!r} needs urls, index_url, feed_url or path")
        configs.append(cfg)
    return configs, policy


def configs_from_args(args: list[str], municipality: str | None) -> tuple[list[SourceConfig], FetchPolicy]:
    """Command-line sources (paths, URLs, ``.toml`` config files) as configs."""
    configs: list[SourceConfig] = []
    policy = FetchPolicy()
    urls = [a for a in args if is_url(a)]
    for arg in args:
        if is_url(arg):
            continue
        if arg.endswith(".toml"):
            loaded, policy = load_source_config(arg)
            configs.extend(loaded)
        else:
            configs.append(SourceConfig(name=arg, municipality=municipality, path=arg))
    if urls:
        configs.append(SourceConfig(name="urls", municipality=municipality, urls=tuple(urls)))
    return configs, policy


def gather_sources(args: list[str], municipality: str | None, store: Store, downloads_dir: Path) -> Fetched:
    """All files named by ``args`` (paths, URLs, ``.toml`` configs): local ones found,
    remote ones fetched. Order is stable: local files sorted, then remote in listing order."""
    from saksfinn.flows.sources import discover

    configs, policy = configs_from_args(args, municipality)
    local = [c for c in configs if c.path]
    result = Fetched()
    for cfg in local:
        files, problems = discover([cfg.path or ""], cfg.municipality)
        result.files.extend(files)
        result.problems.extend(problems)
        if Path(cfg.path or "").is_dir():
            result.folders.append(str(Path(cfg.path or "").expanduser().resolve()))
    remote = fetch_sources([c for c in configs if c.remote], downloads_dir, store, policy=policy)
    result.files.extend(remote.files)
    result.failures.extend(remote.failures)
    result.gone.extend(remote.gone)
    result.listings.extend(remote.listings)
    result.problems.extend(remote.problems)
    seen: dict[str, SourceFile] = {}
    for f in result.files:
        seen.setdefault(f.source, f)
    result.files = list(seen.values())
    return result


# ---- HTTP ------------------------------------------------------------------------------
class PoliteClient:
    """An httpx client that paces requests per host and retries transient failures."""

    def __init__(self, policy: FetchPolicy, client: httpx.Client | None = None) -> None:
        self.policy = policy
        self.client = client or httpx.Client(
            follow_redirects=True, timeout=policy.timeout, headers={"User-Agent": USER_AGENT}
        )
        self._last: dict[str, float] = {}

    def _pace(self, url: str) -> None:
        host = urlsplit(url).netloc
        wait = self._last.get(host, -1e9) + self.policy.min_interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last[host] = time.monotonic()

    def get(self, url: str, headers: dict[str, str] | None = None) -> httpx.Response:
        """GET with retries; the response body is read. Raises SourceFetchError when out of tries."""
        problem = ""
        for attempt in range(self.policy.retries + 1):
            if attempt:
                time.sleep(self.policy.backoff * 2 ** (attempt - 1))
            self._pace(url)
            try:
                response = self.client.get(url, headers=headers or {})
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                problem = f"{type(exc).__name__}: {exc}"
                log.info("fetch %s failed (%s), attempt %d", url, problem, attempt + 1)
                continue
            if response.status_code == 429 or response.status_code >= 500:
                problem = f"HTTP {response.status_code} {response.reason_phrase}"
                log.info("fetch %s: %s, attempt %d", url, problem, attempt + 1)
                continue
            if len(response.content) > self.policy.max_bytes:
                raise SourceFetchError(f"{url}: larger than {self.policy.max_bytes} bytes")
            return response
        raise SourceFetchError(f"{url}: {problem} after {self.policy.retries + 1} attempts")

    def close(self) -> None:
        self.client.close()


# ---- listings ----------------------------------------------------------------------------
class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


def pdf_links(html: str, base_url: str) -> list[str]:
    """Absolute URLs of ``<a href>`` links to PDFs, in page order, without repeats."""
    parser = _Links()
    parser.feed(html)
    return _unique_pdfs(urljoin(base_url, h.strip()) for h in parser.hrefs)


def feed_links(xml_text: str, base_url: str) -> list[str]:
    """PDF URLs in an RSS or Atom feed (item links, enclosures, Atom links)."""
    try:
        root = ET.fromstring(xml_text)
    except ET.ParseError as exc:
        raise SourceFetchError(f"{base_url}: not a readable feed ({exc})") from exc
    found: list[str] = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "link" and el.get("href"):
            found.append(el.get("href", ""))
        elif tag == "link" and el.text:
            found.append(el.text.strip())
        elif tag == "enclosure" and el.get("url"):
            if "pdf" in (el.get("type") or "pdf"):
                found.append(el.get("url", ""))
    return _unique_pdfs(urljoin(base_url, u) for u in found)


def _unique_pdfs(urls: object) -> list[str]:
    out: dict[str, None] = {}
    for url in urls:  # type: ignore[attr-defined]
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.path.lower().endswith(".pdf"):
            out.setdefault(url.split("#", 1)[0], None)
    return list(out)


# ---- fetching --------------------------------------------------------------------------
def fetch_sources(
    configs: list[SourceConfig],
    downloads_dir: Path,
    store: Store,
    *,
    policy: FetchPolicy | None = None,
    client: httpx.Client | None = None,
) -> Fetched:
    """Fetch every remote config's documents (see the module docstring for the contract)."""
    policy = policy or FetchPolicy()
    http = PoliteClient(policy, client)
    result = Fetched()
    try:
        for cfg in configs:
            if cfg.remote:
                _fetch_config(cfg, downloads_dir, store, http, result)
    finally:
        if client is None:
            http.close()
    return result


def _fetch_config(cfg: SourceConfig, downloads_dir: Path, store: Store, http: PoliteClient, result: Fetched) -> None:
    urls = list(cfg.urls)
    for listing, reader in ((cfg.index_url, pdf_links), (cfg.feed_url, feed_links)):
        if not listing:
            continue
        try:
            response = http.get(listing)
            if response.status_code != 200:
                raise SourceFetchError(f"{listing}: HTTP {response.status_code} {response.reason_phrase}")
            links = reader(response.text, str(response.url))
        except SourceFetchError as exc:
            result.problems.append(f"{cfg.name}: {exc}")
            continue
        log.info("%s: %d PDF links on %s", cfg.name, len(links), listing)
        urls.extend(links)
        result.listings.append((cfg.municipality, urlsplit(listing).netloc))
    folder = downloads_dir / _safe(cfg.municipality or cfg.name)
    for url in dict.fromkeys(urls):
        _fetch_one(url, cfg.municipality, folder, store, http, result)


def _fetch_one(url: str, municipality: str | None, folder: Path, store: Store, http: PoliteClient, result: Fetched) -> None:
    target = folder / _file_name(url)
    prev = store.get_source(url)
    headers = {}
    if prev and target.exists():
        if prev.get("etag"):
            headers["If-None-Match"] = prev["etag"]
        if prev.get("last_modified"):
            headers["If-Modified-Since"] = prev["last_modified"]
    try:
        response = http.get(url, headers)
    except SourceFetchError as exc:
        result.failures.append(_failed(url, municipality, str(exc)))
        return
    if response.status_code == 304:
        etag, modified = prev.get("etag") if prev else None, prev.get("last_modified") if prev else None
        result.files.append(_source_file(url, target, municipality, etag, modified))
        return
    if response.status_code in GONE and prev and prev.get("document_id") and prev["status"] != DocStatus.WITHDRAWN.value:
        result.gone.append(
            SourceOutcome(source=url, document_id=prev["document_id"], change=Change.WITHDRAWN,
                          status=DocStatus.WITHDRAWN, reason=f"removed at the source (HTTP {response.status_code})",
                          municipality=municipality)
        )
        return
    if response.status_code != 200:
        result.failures.append(_failed(url, municipality, f"HTTP {response.status_code} {response.reason_phrase}"))
        return
    _write_atomically(target, response.content)
    result.files.append(
        _source_file(url, target, municipality, response.headers.get("etag"), response.headers.get("last-modified"))
    )


def _source_file(url: str, path: Path, municipality: str | None, etag: str | None, modified: str | None) -> SourceFile:
    stat = path.stat()
    return SourceFile(url, path, stat.st_size, stat.st_mtime, municipality, etag=etag, last_modified=modified)


def _failed(url: str, municipality: str | None, reason: str) -> SourceOutcome:
    return SourceOutcome(source=url, change=Change.FAILED, status=DocStatus.FAILED,
                         reason=f"could not fetch: {reason}", municipality=municipality)


def _file_name(url: str) -> str:
    base = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "document.pdf"
    return f"{hashlib.sha256(url.encode()).hexdigest()[:12]}-{_safe(base)[:80]}"


def _safe(name: str) -> str:
    return re.sub(r"[^\w.\-]+", "_", name).strip("._") or "source"


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)
