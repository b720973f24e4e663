"""Reading the real PDFs of the shared corpus (``../shared/corpus``; skipped when absent):
a Bø møtebok, seed PDFs against their seed texts, map-only PDFs, every corpus PDF (``slow``)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

import pytest

from tests.pdf_helpers import BOE, _read_corpus


def test_boe_moetebok(shared_corpus):
    doc = _read_corpus(shared_corpus / BOE)
    assert len(doc.pages) == 2
    assert "komune" not in doc.text  # the stacked logo "Bø komune Møtebok"
    assert "Møtebok" not in doc.text
    assert "Rådmannen tilrår:" in doc.pages[1].heading_lines
    assert "Vedtak:" in doc.pages[1].text.split("\n")
    assert "Hovudutval for plan, teknikk og næring tilrår" in doc.pages[1].text
    # the label comes before the text beside it
    assert doc.text.index("Rådmannen tilrår:") < doc.text.index("Hovudutval for plan")
    assert "Kommunestyret | 17.12.2012" in doc.pages[0].text


@pytest.mark.parametrize("name", ["000_0e985840d361623f", "001_f6d5af557abd03bd", "002_5e2d0d5ab7f8e34f",
                                  "003_56deaedebfc95716", "004_36594888149402fe"])  # fmt: skip
def test_seed_pdf_text_matches_seed_txt(shared_corpus, name):
    doc = _read_corpus(shared_corpus / "seeds" / "pdf" / f"{name}.pdf")
    ours = re.findall(r"\w+", doc.text.lower())
    ref = re.findall(r"\w+", (shared_corpus / "seeds" / "txt" / f"{name}.txt").read_text("utf-8").lower())
    assert SequenceMatcher(None, ours, ref, autojunk=False).ratio() > 0.95


@pytest.mark.parametrize(
    "name", ["boe_2012_plankart_breisaas_syd.pdf", "kristiansand_plankart_gyldenloves_gate70.pdf"]
)
def test_map_only_pdf_reads(shared_corpus, name):
    doc = _read_corpus(shared_corpus / "real" / "pdf" / name)
    assert len(doc.pages) == 1
    assert doc.needs_ocr_pages == ()


@pytest.mark.slow
def test_every_corpus_pdf_reads(shared_corpus):
    for path in sorted(shared_corpus.glob("*/pdf/*.pdf")):
        doc = _read_corpus(path)
        for page in doc.pages:
            assert doc.text[page.start : page.start + len(page.text)] == page.text
            assert set(page.heading_lines) <= set(page.text.split("\n"))
