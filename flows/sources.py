"""Finding source files: local folders and files (remote sources live in ``fetch.py``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = {".pdf", ".txt", ".md", ".markdown", ".html", ".htm", ".text"}
IGNORED_NAMES = {"MANIFEST.tsv", "README.md", "LICENSE", "answers.json"}


@dataclass(frozen=True)
class SourceFile:
    """A file to ingest. ``source`` is the store's key: the resolved path as text for a
    local file, the URL for a fetched one (``path`` is then the downloaded copy, and
    ``etag`` / ``last_modified`` are the server's validators for the next request)."""

    source: str
    path: Path
    size: int
    mtime: float
    municipality_hint: str | None = None
    etag: str | None = None
    last_modified: str | None = None


def discover(paths: list[str | Path], municipality: str | None = None) -> tuple[list[SourceFile], list[str]]:
    """Walk files and folders; return (files, problems). Order is stable (sorted)."""
    found: dict[str, SourceFile] = {}
    problems: list[str] = []
    for raw in paths:
        root = Path(raw).expanduser()
        if not root.exists():
            problems.append(f"{raw}: no such file or folder")
            continue
        candidates = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in candidates:
            if root.is_dir() and not _wanted(path):
                continue
            resolved = path.resolve()
            stat = resolved.stat()
            found[str(resolved)] = SourceFile(str(resolved), resolved, stat.st_size, stat.st_mtime, municipality)
    return [found[k] for k in sorted(found)], problems


def _wanted(path: Path) -> bool:
    if path.name.startswith(".") or path.name in IGNORED_NAMES:
        return False
    return path.suffix.lower() in SUPPORTED_SUFFIXES
