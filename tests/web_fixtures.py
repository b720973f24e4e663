"""Builders for the web tests: a small store with documents from two municipalities (one
with hostile text), and a deterministic fake searcher over the store's chunks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from saksfinn.index.storage.store import Store
from saksfinn.models import Decision, DocStatus, DocType, Experience, Hit, IngestRun
from saksfinn.settings import Settings
from tests.factories import make_chunks, make_document, make_findings

HOSTILE = '<script>alert("x")</script> Heltidskultur <img src=x onerror=alert(1)>'
STEINKJER_PAGES = (
    "Steinkjer kommune\nSaksframlegg\n\nInnstilling til vedtak:\n"
    "1. Heltidskultur og nærværsarbeid videreføres i helse og omsorg.\n2. Rådmannen rapporterer årlig.",
    "Negative erfaringer\n- Turnusarbeidet tok lengre tid enn planlagt.\n"
    "Positive erfaringer\n- Færre vikarer og bedre kontinuitet for brukerne.",
)
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def settings_for(home: Path, **overrides: Any) -> Settings:
    return Settings(home=home, embedder="hash", **overrides)


def fill_store(settings: Settings) -> dict[str, str]:
    """Three documents (Levanger, Steinkjer, one hostile with HTML); returns name → document id."""
    store = Store(settings.db_url, files_dir=settings.files_dir)
    levanger = make_document("Levanger", source="/srv/docs/levanger.pdf")
    steinkjer = make_document("Steinkjer", pages=STEINKJER_PAGES, source="/srv/docs/steinkjer.pdf")
    steinkjer = steinkjer.model_copy(update={"meta": steinkjer.meta.model_copy(
        update={"date": dt.date(2025, 2, 12), "doc_type": DocType.MOTEPROTOKOLL, "title": "Heltid i Steinkjer"})})
    hostile = make_document("Levanger", pages=(HOSTILE + "\nInnstilling til vedtak:\n1. x\n2. Rådmannen rapporterer årlig.",),
                            source="/srv/docs/hostile.html")
    hostile = hostile.model_copy(update={"media_type": "text/html",
                                         "meta": hostile.meta.model_copy(update={"title": HOSTILE})})
    ids = {}
    for name, doc, data in (("levanger", levanger, PDF_BYTES), ("steinkjer", steinkjer, PDF_BYTES + b"%2"),
                            ("hostile", hostile, HOSTILE.encode())):
        findings = make_findings(doc) if name == "levanger" else []
        if name == "steinkjer":
            text, sec = doc.text, doc.sections[0]
            item = "Turnusarbeidet tok lengre tid enn planlagt."
            i = text.index(item)
            findings = [Decision(document_id=doc.document_id, page=1, section=sec.heading, start=sec.start, end=sec.end,
                                 text=sec.text, extractor="decisions@test", kind="innstilling", themes=("heltid",)),
                        Experience(
                document_id=doc.document_id, page=2, section="Negative erfaringer", start=i, end=i + len(item),
                text=item, extractor="experiences@test", polarity="negative", themes=("heltid",))]
        store.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=findings, chunks=make_chunks(doc),
                            reader_version="t", findings_version="t", themes=("heltid",), data=data)
        ids[name] = doc.document_id
    now = dt.datetime(2026, 3, 17, 2, 0, tzinfo=dt.timezone.utc)
    store.save_run(IngestRun(run_id="r1", started=now, finished=now, sources=("/srv/docs",)))
    store.dispose()
    return ids


class FakeSearcher:
    """Chunks containing any query word (case-insensitive), filtered by municipality and type;
    records every call's keyword arguments."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.calls: list[dict[str, Any]] = []

    def search(self, query: str, *, top: int = 10, mode: str = "hybrid", **filters: Any) -> list[Hit]:
        self.calls.append({"query": query, "top": top, "mode": mode, **filters})
        words = [w for w in re.findall(r"\w+", query.casefold()) if len(w) > 2]
        hits = []
        for chunk in self.store.iter_chunks():
            if filters.get("municipality") and (chunk.municipality or "").casefold() != filters["municipality"].casefold():
                continue
            if filters.get("type") and filters["type"] != chunk.type:
                continue
            if not any(w in chunk.text.casefold() for w in words):
                continue
            marked = chunk.text
            for w in words:
                marked = re.sub(f"(?i)({re.escape(w)}\\w*)", r"⟪\1⟫", marked)
            hits.append(Hit(rank=len(hits) + 1, score=1.0 / (len(hits) + 1), text=chunk.text, highlighted=marked,
                            document_id=chunk.document_id, title=chunk.title, municipality=chunk.municipality,
                            page=chunk.page, type=chunk.type, chunk_id=chunk.chunk_id, section="Innstilling"))
            if len(hits) >= top:
                break
        return hits
