"""Helpers for the finding-extractor tests: documents from text, the shared nlp, corpus files."""

from __future__ import annotations

from pathlib import Path

import pytest

from saksfinn.extractors.sections import split_sections
from saksfinn.extractors.textdoc import document_from_text
from saksfinn.models.document import Document


def make_doc(text: str, *, sections: bool = True) -> Document:
    """A Document from ``text`` (pages split on form feeds), sections split unless told not to."""
    doc = document_from_text(text, source="<test>")
    if sections:
        doc = doc.model_copy(update={"sections": split_sections(doc)})
    return doc


def corpus_doc(path: Path) -> Document:
    """A Document from a corpus .txt or .pdf file (pdf text via pypdfium2, one page per page)."""
    if path.suffix.lower() == ".pdf":
        import pypdfium2  # noqa: PLC0415 - only the PDF tests need it

        pdf = pypdfium2.PdfDocument(str(path))
        try:
            pages = [page.get_textpage().get_text_range() for page in pdf]
        finally:
            pdf.close()
        text = "\f".join(p.replace("\r\n", "\n").replace("\r", "\n") for p in pages)
    else:
        text = path.read_text(encoding="utf-8")
    return make_doc(text)


@pytest.fixture(scope="session")
def nlp():
    from saksfinn.extractors.nlp import build_nlp  # noqa: PLC0415

    return build_nlp()
