"""Small builders for records used across tests (real Norwegian text, no models)."""

from __future__ import annotations

import datetime as dt

from saksfinn.models import (
    PAGE_SEPARATOR,
    Chunk,
    Decision,
    DocType,
    Document,
    DocumentMeta,
    Experience,
    Page,
    Section,
    sha256_bytes,
)

PAGES = (
    "Levanger kommune\nSaksframlegg\nArkivreferanse: 2026/1477-1\n\nInnstilling til vedtak:\n"
    "1. Heltidskultur innføres som prinsipp i helse og omsorg.\n2. Rådmannen rapporterer årlig.",
    "Positive erfaringer\n- Flere ansatte fikk større stillinger.\n- Mindre bruk av vikarer.\n"
    "Negative erfaringer\n- Turnusarbeidet tok lengre tid enn planlagt.",
)


def make_document(municipality: str | None = "Levanger", pages: tuple[str, ...] = PAGES, source: str = "/tmp/a.pdf") -> Document:
    text_pages, start = [], 0
    for n, text in enumerate(pages, 1):
        text_pages.append(Page(number=n, text=text, start=start))
        start += len(text) + len(PAGE_SEPARATOR)
    document_id = sha256_bytes(("|".join(pages) + source).encode())
    doc = Document(
        document_id=document_id, source=source, media_type="application/pdf", pages=tuple(text_pages),
        meta=DocumentMeta(title="Heltidskultur i helse og omsorg", doc_type=DocType.SAKSFREMLEGG,
                          municipality=municipality, case_number="2026/1477-1", date=dt.date(2026, 3, 17)),
    )
    full = doc.text
    head = full.index("Innstilling til vedtak:")
    body_start = head + len("Innstilling til vedtak:\n")
    body_end = full.index("2. Rådmannen rapporterer årlig.") + len("2. Rådmannen rapporterer årlig.")
    section = Section(index=0, heading="Innstilling til vedtak", kind="innstilling", page=1, page_end=1,
                      start=body_start, end=body_end, text=full[body_start:body_end])
    return doc.model_copy(update={"sections": (section,)})


def make_findings(doc: Document) -> list:
    full = doc.text
    sec = doc.sections[0]
    item = "Flere ansatte fikk større stillinger."
    i = full.index(item)
    return [
        Decision(document_id=doc.document_id, page=1, section=sec.heading, start=sec.start, end=sec.end,
                 text=sec.text, extractor="decisions@test", kind="innstilling", themes=("heltid",)),
        Experience(document_id=doc.document_id, page=2, section="Positive erfaringer", start=i, end=i + len(item),
                   text=item, extractor="experiences@test", polarity="positive", themes=("heltid",)),
    ]


def make_chunks(doc: Document) -> list[Chunk]:
    return [
        Chunk(document_id=doc.document_id, text=p.text, page=p.number, start=p.start, end=p.start + len(p.text),
              title=doc.meta.title, municipality=doc.meta.municipality)
        for p in doc.pages
    ]
