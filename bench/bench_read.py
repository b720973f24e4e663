"""Pages per second of the reading stage against raw pypdfium2 and pdfplumber.

Usage: ``.venv/bin/python bench/bench_read.py [PDF or folder ...] [--repeat N]``.
Without paths it reads every PDF under ../shared/corpus/{real,seeds}/pdf. Each reader
runs over all files ``--repeat`` times (default 3) in this one process; the best run
counts. OCR is off so the numbers measure reading, not tesseract. Prints a table, the
ratio read_document / raw pypdfium2, and how many pages took the pdfplumber table path
(pages PDFium found ruled, see saksfinn.extractors.pdf_tables). ``--sample`` adds the
project's generated corpus (corpus/documents).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from saksfinn.extractors.pdf import read_pdf
from saksfinn.extractors.read import read_document
from saksfinn.models.ids import sha256_bytes

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DIRS = (REPO.parent / "shared" / "corpus" / "real" / "pdf", REPO.parent / "shared" / "corpus" / "seeds" / "pdf")
SAMPLE_DIR = REPO / "corpus" / "documents"


def raw_pdfium(data: bytes) -> int:
    doc = pdfium.PdfDocument(data)
    try:
        for page in doc:
            page.get_textpage().get_text_range()
        return len(doc)
    finally:
        doc.close()


def plain_pdfplumber(data: bytes) -> int:
    import io

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
        return len(pdf.pages)


def saksfinn_read(data: bytes) -> int:
    doc = read_document(data, source="bench", document_id=sha256_bytes(data), ocr="off")
    return len(doc.pages)


def best_rate(reader: Callable[[bytes], int], files: list[bytes], repeat: int) -> tuple[int, float]:
    best = float("inf")
    pages = 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        pages = sum(reader(data) for data in files)
        best = min(best, time.perf_counter() - t0)
    return pages, pages / best if best > 0 else float("inf")


def table_pages(files: list[bytes]) -> tuple[int, int]:
    """(pages read with pdfplumber's table finder, PDFs with such pages), untimed."""
    counts = [len(read_pdf(data, ocr="off").table_pages) for data in files]
    return sum(counts), sum(1 for c in counts if c)


def collect(paths: list[str], sample: bool = False) -> list[Path]:
    roots = [Path(p) for p in paths] or [d for d in DEFAULT_DIRS if d.is_dir()]
    if sample and SAMPLE_DIR.is_dir():
        roots.append(SAMPLE_DIR)
    found: list[Path] = []
    for root in roots:
        found.extend(sorted(root.rglob("*.pdf")) + sorted(root.rglob("*.PDF")) if root.is_dir() else [root])
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", action="store_true", help="also read corpus/documents")
    args = parser.parse_args(argv)
    files = collect(args.paths, args.sample)
    if not files:
        print("no PDFs found", file=sys.stderr)
        return 1
    datas = [f.read_bytes() for f in files]
    print(f"{len(files)} PDFs, best of {args.repeat} runs each")
    rows = []
    for name, reader, repeat in (
        ("raw pypdfium2 get_text_range", raw_pdfium, args.repeat),
        ("pdfplumber extract_text", plain_pdfplumber, max(1, min(args.repeat, 2))),
        ("saksfinn read_document", saksfinn_read, args.repeat),
    ):
        pages, rate = best_rate(reader, datas, repeat)
        rows.append((name, pages, rate))
    print(f"{'reader':32} {'pages':>6} {'pages/s':>9}")
    for name, pages, rate in rows:
        print(f"{name:32} {pages:6d} {rate:9.1f}")
    ratio = rows[2][2] / rows[0][2]
    print(f"read_document / raw pypdfium2 = {ratio:.0%} (target >= 30%)")
    ruled, docs = table_pages(datas)
    print(f"pdfplumber table path: {ruled} of {rows[2][1]} pages ({docs} PDFs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
