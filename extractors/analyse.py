"""Fill a read Document's sections and metadata (pure: Document → Document)."""

from __future__ import annotations

from saksfinn.extractors.metadata import extract_metadata
from saksfinn.extractors.sections import split_sections
from saksfinn.models import Document


def analyse_document(doc: Document, *, municipality: str | None = None, path: str | None = None) -> Document:
    """``doc`` with ``sections`` (see :func:`split_sections`) and ``meta`` (see
    :func:`extract_metadata`) filled in; everything else unchanged."""
    sections = split_sections(doc)
    with_sections = doc.model_copy(update={"sections": sections})
    meta = extract_metadata(with_sections, municipality=municipality, path=path)
    return with_sections.model_copy(update={"meta": meta})
