"""Build a :class:`~saksfinn.models.Document` from plain text (pages split on form feeds).

For tests and for text sources that were already extracted elsewhere (e.g. pdftotext output).
"""

from __future__ import annotations

from saksfinn.models import PAGE_SEPARATOR, Document, Page, content_id


def document_from_text(
    text: str,
    *,
    source: str = "<text>",
    document_id: str | None = None,
    media_type: str = "text/plain",
) -> Document:
    """A Document whose pages are ``text`` split on ``"\\f"``.

    Page texts are kept verbatim (no stripping), joined by :data:`PAGE_SEPARATOR`, and each
    ``Page.start`` is the page's offset in ``Document.text``. ``heading_lines`` stay empty.
    ``document_id`` defaults to a content id of the text (not the sha256 of file bytes).
    """
    parts = text.split("\f")
    pages: list[Page] = []
    offset = 0
    for number, part in enumerate(parts, start=1):
        pages.append(Page(number=number, text=part, start=offset))
        offset += len(part) + len(PAGE_SEPARATOR)
    return Document(
        document_id=document_id or content_id(text, length=64),
        source=source,
        media_type=media_type,
        pages=tuple(pages),
    )
