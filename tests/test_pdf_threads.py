"""PDFium is not thread-safe: ingestion reads PDFs on a thread pool, so read_pdf must
give the same pages under many threads as one by one (and must not crash the process,
which is why the concurrent read runs in a child interpreter)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "documents"

_CHILD = r"""
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from saksfinn.extractors.pdf import read_pdf

datas = [p.read_bytes() for p in sorted(Path(sys.argv[1]).rglob("*.pdf"))]
assert len(datas) >= 5, len(datas)
def text(data):
    return [page.text for page in read_pdf(data, ocr="off").pages]
expected = [text(d) for d in datas]
work = datas * 6
with ThreadPoolExecutor(max_workers=8) as pool:
    got = list(pool.map(text, work))
bad = sum(g != expected[i % len(datas)] for i, g in enumerate(got))
print(f"{len(work)} reads, {bad} differ")
sys.exit(1 if bad else 0)
"""


def test_concurrent_reads_match_sequential_reads_and_do_not_crash():
    done = subprocess.run([sys.executable, "-c", _CHILD, str(CORPUS)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"child exited {done.returncode}: {done.stdout}{done.stderr[-2000:]}"
    assert "0 differ" in done.stdout
