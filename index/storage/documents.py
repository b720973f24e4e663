"""The document half of the store: one document with everything derived from it, written in
one transaction (``save_document``, ``replace_derived``) so a process killed at any point leaves it
either fully stored or absent, read back as a :class:`~saksfinn.models.Document`, and listed.
The source rows a save updates are written by :func:`upsert_source`.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from saksfinn.index.storage import tables as t
from saksfinn.index.storage.engine import now
from saksfinn.index.storage.live import searchable
from saksfinn.models import Chunk, DocStatus, Document, DocumentMeta, Page, Section, Vote
from saksfinn.models.errors import StoreError


def upsert_source(conn: Any, source: str, values: dict[str, Any]) -> None:
    """Insert or update one source row inside ``conn``'s transaction; ``failing_since`` is kept
    while a source goes on failing and cleared when it recovers."""
    exists = conn.execute(
        select(t.sources.c.status, t.sources.c.failing_since).where(t.sources.c.source == source)
    ).first()
    if "status" in values:
        failing = values["status"] == DocStatus.FAILED.value
        kept = exists.failing_since if exists is not None and exists.status == DocStatus.FAILED.value else None
        values["failing_since"] = (kept or values.get("failing_since") or now()) if failing else None
    if exists:
        conn.execute(update(t.sources).where(t.sources.c.source == source).values(**values))
    else:
        values.setdefault("first_seen", now())
        values.setdefault("status", DocStatus.FAILED.value)
        conn.execute(insert(t.sources).values(source=source, **values))


class DocumentRows:
    """Documents, their pages, sections, findings, votes and chunks (a mixin of ``Store``)."""

    engine: Engine
    files_dir: Path | None

    def has_document(self, document_id: str) -> bool:
        with self.engine.connect() as conn:
            q = select(t.documents.c.document_id).where(t.documents.c.document_id == document_id)
            return conn.execute(q).first() is not None

    def document_row(self, document_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            q = select(t.documents).where(t.documents.c.document_id == document_id)
            row = conn.execute(q).mappings().first()
        return dict(row) if row else None

    def file_for(self, document_id: str) -> Path | None:
        """The stored copy of a document's bytes, or None when it has none (any more)."""
        row = self.document_row(document_id)
        if row is None or not row.get("file_path") or self.files_dir is None:
            return None
        path = self.files_dir / Path(row["file_path"]).name
        return path if path.is_file() else None

    def find_document_ids(self, prefix: str) -> list[str]:
        with self.engine.connect() as conn:
            q = select(t.documents.c.document_id).where(t.documents.c.document_id.like(f"{prefix}%"))
            return [r[0] for r in conn.execute(q)]

    def save_document(
        self,
        doc: Document,
        *,
        status: DocStatus,
        reason: str | None,
        findings: Iterable[Any],
        chunks: Iterable[Chunk],
        reader_version: str,
        findings_version: str,
        themes: Iterable[str] = (),
        source_values: dict[str, Any] | None = None,
        data: bytes | None = None,
        votes: Iterable[Vote] = (),
    ) -> None:
        """Store a document and everything derived from it, replacing older rows, atomically."""
        file_path = self._keep_file(doc, data) if data is not None else None
        meta = doc.meta
        row = {
            "source": doc.source,
            "media_type": doc.media_type,
            "title": meta.title,
            "doc_type": meta.doc_type.value,
            "municipality": meta.municipality,
            "case_number": meta.case_number,
            "date": meta.date,
            "language": meta.language,
            "themes": sorted(set(themes)),
            "meta": meta.model_dump(mode="json"),
            "pages": len(doc.pages),
            "status": status.value,
            "read_status": status.value,
            "superseded_by": None,
            "retired_at": None,
            "reason": reason,
            "warnings": list(doc.warnings),
            "reader_version": reader_version,
            "findings_version": findings_version,
            "ingested_at": now(),
            "signature": None,  # its text may have changed (a new reader): twins.settle_twins signs it again
            "file_title": doc.file_title,
            "furniture": list(doc.furniture),
        }
        if file_path is not None:
            row["file_path"] = file_path.name
        with self.engine.begin() as conn:
            _delete_derived(conn, doc.document_id, pages_too=True)
            if conn.execute(select(t.documents.c.document_id).where(t.documents.c.document_id == doc.document_id)).first():
                conn.execute(update(t.documents).where(t.documents.c.document_id == doc.document_id).values(**row))
            else:
                conn.execute(insert(t.documents).values(document_id=doc.document_id, **row))
            _insert_pages(conn, doc)
            _insert_derived(conn, doc.document_id, doc.sections, findings, chunks)
            _insert_votes(conn, doc.document_id, votes)
            if source_values is not None:
                upsert_source(conn, doc.source, {**source_values, "last_seen": now()})

    def replace_derived(
        self,
        document_id: str,
        *,
        sections: Iterable[Section],
        findings: Iterable[Any],
        chunks: Iterable[Chunk],
        findings_version: str,
        meta: DocumentMeta | None = None,
        themes: Iterable[str] = (),
        votes: Iterable[Vote] = (),
    ) -> None:
        """Re-derive a stored document (new extractor version) without re-reading its file."""
        values: dict[str, Any] = {"findings_version": findings_version, "themes": sorted(set(themes))}
        if meta is not None:
            values.update(
                meta=meta.model_dump(mode="json"),
                title=meta.title,
                doc_type=meta.doc_type.value,
                municipality=meta.municipality,
                case_number=meta.case_number,
                date=meta.date,
                language=meta.language,
            )
        with self.engine.begin() as conn:
            _delete_derived(conn, document_id, pages_too=False)
            conn.execute(update(t.documents).where(t.documents.c.document_id == document_id).values(**values))
            _insert_derived(conn, document_id, sections, findings, chunks)
            _insert_votes(conn, document_id, votes)

    def _keep_file(self, doc: Document, data: bytes) -> Path | None:
        if self.files_dir is None:
            return None
        self.files_dir.mkdir(parents=True, exist_ok=True)
        suffix = {"application/pdf": ".pdf", "text/html": ".html", "text/markdown": ".md"}.get(doc.media_type, ".txt")
        target = self.files_dir / f"{doc.document_id}{suffix}"
        if not target.exists():
            fd, tmp = tempfile.mkstemp(dir=self.files_dir, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        return target


    def load_document(self, document_id: str) -> Document:
        """The stored Document with pages, sections and metadata."""
        row = self.document_row(document_id)
        if row is None:
            raise StoreError(f"no document with id {document_id}")
        with self.engine.connect() as conn:
            page_rows = conn.execute(
                select(t.pages).where(t.pages.c.document_id == document_id).order_by(t.pages.c.number)
            ).mappings()
            pages = tuple(
                Page(number=r["number"], text=r["text"], start=r["start"], ocr=bool(r["ocr"]),
                     heading_lines=tuple(r["heading_lines"] or ()))
                for r in page_rows
            )
            sec_rows = conn.execute(
                select(t.sections.c.record).where(t.sections.c.document_id == document_id).order_by(t.sections.c.idx)
            )
            secs = tuple(Section.model_validate(r[0]) for r in sec_rows)
        return Document(
            document_id=document_id,
            source=row["source"],
            media_type=row["media_type"] or "application/octet-stream",
            pages=pages,
            sections=secs,
            meta=DocumentMeta.model_validate(row["meta"]),
            warnings=tuple(row["warnings"] or ()),
            file_title=row.get("file_title"),
            furniture=tuple(row.get("furniture") or ()),
        )

    def documents(self, *, include_retired: bool = False, **where: Any) -> list[dict[str, Any]]:
        """Document rows (live ones unless ``include_retired`` or a ``status`` is given)."""
        query = select(t.documents).order_by(t.documents.c.municipality, t.documents.c.title)
        if not include_retired and where.get("status") is None:
            query = query.where(*searchable())
        for key, value in where.items():
            if value is not None:
                query = query.where(getattr(t.documents.c, key) == value)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def stale_documents(self, findings_version: str) -> list[str]:
        """Ids of readable live documents whose findings were made by another extractor version."""
        q = select(t.documents.c.document_id).where(
            t.documents.c.findings_version != findings_version,
            t.documents.c.status.in_([DocStatus.INGESTED.value, DocStatus.PARTIAL.value]),
        )
        with self.engine.connect() as conn:
            return [r[0] for r in conn.execute(q)]


def _delete_derived(conn: Any, document_id: str, *, pages_too: bool) -> None:
    tables = [t.chunks, t.votes, t.findings, t.sections] + ([t.pages] if pages_too else [])
    for table in tables:
        conn.execute(delete(table).where(table.c.document_id == document_id))


def _insert_votes(conn: Any, document_id: str, votes: Iterable[Vote]) -> None:
    rows = {
        v.vote_id: {
            "vote_id": v.vote_id,
            "document_id": document_id,
            "case_ref": v.case_ref,
            "body": v.body,
            "meeting_date": v.meeting_date,
            "position": v.position,
            "start": v.start,
            "proposal_kind": v.proposal_kind,
            "result": v.result,
            "decision_id": v.decision_id,
            "record": v.model_dump(mode="json"),
        }
        for v in votes
    }
    if rows:
        conn.execute(insert(t.votes), list(rows.values()))


def _insert_pages(conn: Any, doc: Document) -> None:
    rows = [
        {
            "document_id": doc.document_id,
            "number": p.number,
            "start": p.start,
            "text": p.text,
            "ocr": p.ocr,
            "heading_lines": list(p.heading_lines),
        }
        for p in doc.pages
    ]
    if rows:
        conn.execute(insert(t.pages), rows)


def _insert_derived(
    conn: Any, document_id: str, sections: Iterable[Section], findings: Iterable[Any], chunks: Iterable[Chunk]
) -> None:
    rows = [{"document_id": document_id, "idx": s.index, "record": s.model_dump(mode="json")} for s in sections]
    if rows:
        conn.execute(insert(t.sections), rows)
    rows = _first_of_each("finding_id", (
        {
            "finding_id": f.finding_id,
            "document_id": document_id,
            "type": f.type,
            "extractor": f.extractor,
            "page": f.page,
            "record": f.model_dump(mode="json"),
        }
        for f in findings
    ))
    if rows:
        conn.execute(insert(t.findings), rows)
    rows = _first_of_each("chunk_id", (
        {"chunk_id": c.chunk_id, "document_id": document_id, "text_hash": c.text_hash, "record": c.model_dump(mode="json")}
        for c in chunks
    ))
    if rows:
        conn.execute(insert(t.chunks), rows)


def _first_of_each(key: str, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` without the later ones whose ``key`` was seen before (a finding or chunk made twice)."""
    seen: set[str] = set()
    out = []
    for row in rows:
        if row[key] not in seen:
            seen.add(row[key])
            out.append(row)
    return out
