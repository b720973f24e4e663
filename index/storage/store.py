"""The document store: documents, their sources, pages, sections, findings, votes, chunks, runs.

All writes for one document happen in one transaction (`save_document`), so a
process killed at any point leaves each document either fully stored or absent.
SQLite runs in WAL mode with a busy timeout, so readers (search, web) never block
on a writer and a second writer waits instead of failing.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter
from sqlalchemy import create_engine, delete, event, func, insert, inspect, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.schema import CreateColumn

from saksfinn.index.storage import tables as t
from saksfinn.models import (
    AnyFinding,
    Chunk,
    DocStatus,
    Document,
    DocumentMeta,
    LIVE_STATUSES,
    IngestRun,
    Page,
    Section,
    Vote,
)
from saksfinn.models.errors import StoreError

log = logging.getLogger(__name__)
OSLO = ZoneInfo("Europe/Oslo")
_FINDING = TypeAdapter(AnyFinding)
LIVE = sorted(s.value for s in LIVE_STATUSES)


def now() -> dt.datetime:
    return dt.datetime.now(OSLO)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Store:
    """Typed access to the saksfinn database. Cheap to create; thread-safe via the engine."""

    def __init__(self, url: str, files_dir: Path | None = None) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.files_dir = files_dir
        t.metadata.create_all(self.engine)
        self._migrate()

    def _migrate(self) -> None:
        """Bring a database written by an older saksfinn up to date, idempotently: add
        new columns, record the read status of live documents, and make stored file
        paths relative to ``files_dir`` (so a home can be copied, moved or restored)."""
        with self.engine.begin() as conn:
            inspector = inspect(conn)
            for table_name, columns in t.ADDED_COLUMNS.items():
                have = {c["name"] for c in inspector.get_columns(table_name)}
                for column in columns:
                    if column.name not in have:
                        ddl = CreateColumn(column).compile(dialect=conn.dialect)
                        conn.execute(text(f"ALTER TABLE {table_name} ADD COLUMN {ddl}"))
            docs = t.documents.c
            conn.execute(
                update(t.documents).where(docs.read_status.is_(None), docs.status.in_(LIVE)).values(read_status=docs.status)
            )
            absolute = conn.execute(
                select(docs.document_id, docs.file_path).where(docs.file_path.like("/%"))
            ).all()
            for document_id, path in absolute:
                conn.execute(
                    update(t.documents).where(docs.document_id == document_id).values(file_path=Path(path).name)
                )

    # ---- sources -------------------------------------------------------------
    def get_source(self, source: str) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.sources).where(t.sources.c.source == source)).mappings().first()
        return dict(row) if row else None

    def sources(self, status: str | None = None) -> list[dict[str, Any]]:
        query = select(t.sources).order_by(t.sources.c.source)
        if status:
            query = query.where(t.sources.c.status == status)
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query).mappings()]

    def record_source(self, source: str, **values: Any) -> None:
        """Insert or update one source row; ``last_seen`` is set to now."""
        values["last_seen"] = now()
        with self.engine.begin() as conn:
            self._upsert_source(conn, source, values)

    def _upsert_source(self, conn: Any, source: str, values: dict[str, Any]) -> None:
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

    # ---- documents -----------------------------------------------------------
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
            self._delete_derived(conn, doc.document_id, pages_too=True)
            if conn.execute(select(t.documents.c.document_id).where(t.documents.c.document_id == doc.document_id)).first():
                conn.execute(update(t.documents).where(t.documents.c.document_id == doc.document_id).values(**row))
            else:
                conn.execute(insert(t.documents).values(document_id=doc.document_id, **row))
            self._insert_pages(conn, doc)
            self._insert_derived(conn, doc.document_id, doc.sections, findings, chunks)
            self._insert_votes(conn, doc.document_id, votes)
            if source_values is not None:
                self._upsert_source(conn, doc.source, {**source_values, "last_seen": now()})

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
            self._delete_derived(conn, document_id, pages_too=False)
            conn.execute(update(t.documents).where(t.documents.c.document_id == document_id).values(**values))
            self._insert_derived(conn, document_id, sections, findings, chunks)
            self._insert_votes(conn, document_id, votes)

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

    @staticmethod
    def _delete_derived(conn: Any, document_id: str, *, pages_too: bool) -> None:
        tables = [t.chunks, t.votes, t.findings, t.sections] + ([t.pages] if pages_too else [])
        for table in tables:
            conn.execute(delete(table).where(table.c.document_id == document_id))

    @staticmethod
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

    @staticmethod
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

    @staticmethod
    def _insert_derived(
        conn: Any, document_id: str, sections: Iterable[Section], findings: Iterable[Any], chunks: Iterable[Chunk]
    ) -> None:
        rows = [{"document_id": document_id, "idx": s.index, "record": s.model_dump(mode="json")} for s in sections]
        if rows:
            conn.execute(insert(t.sections), rows)
        seen: set[str] = set()
        rows = []
        for f in findings:
            if f.finding_id in seen:
                continue
            seen.add(f.finding_id)
            rows.append(
                {
                    "finding_id": f.finding_id,
                    "document_id": document_id,
                    "type": f.type,
                    "extractor": f.extractor,
                    "page": f.page,
                    "record": f.model_dump(mode="json"),
                }
            )
        if rows:
            conn.execute(insert(t.findings), rows)
        seen = set()
        rows = []
        for c in chunks:
            if c.chunk_id in seen:
                continue
            seen.add(c.chunk_id)
            rows.append(
                {"chunk_id": c.chunk_id, "document_id": document_id, "text_hash": c.text_hash, "record": c.model_dump(mode="json")}
            )
        if rows:
            conn.execute(insert(t.chunks), rows)

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
            query = query.where(t.documents.c.status.in_(LIVE), t.documents.c.twin_of.is_(None))
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

    # ---- findings & chunks ---------------------------------------------------
    def findings(self, *, type: str | None = None, document_id: str | None = None) -> list[Any]:
        """Findings of live documents, or of the one document ``document_id`` (any status)."""
        query = select(t.findings.c.record).order_by(t.findings.c.document_id, t.findings.c.page)
        if type:
            query = query.where(t.findings.c.type == type)
        if document_id:
            query = query.where(t.findings.c.document_id == document_id)
        else:
            query = query.where(t.findings.c.document_id.in_(self._live_ids()))
        with self.engine.connect() as conn:
            return [_FINDING.validate_python(r[0]) for r in conn.execute(query)]

    def votes(self, *, document_id: str | None = None, case_ref: str | None = None) -> list[tuple[Vote, dict[str, Any]]]:
        """Voteringer of live documents (or of the one document ``document_id``, any status), in
        meeting and text order, each with its document row's ``municipality``, ``title``, ``source``."""
        docs = t.documents.c
        query = (
            select(t.votes.c.record, docs.municipality, docs.title, docs.source, docs.doc_type)
            .join(t.documents, t.documents.c.document_id == t.votes.c.document_id)
            .order_by(t.votes.c.meeting_date, t.votes.c.document_id, t.votes.c.start)
        )
        if document_id:
            query = query.where(t.votes.c.document_id == document_id)
        else:
            query = query.where(docs.status.in_(LIVE), docs.twin_of.is_(None))
        if case_ref:
            query = query.where(t.votes.c.case_ref == case_ref)
        with self.engine.connect() as conn:
            return [
                (Vote.model_validate(r[0]), {"municipality": r[1], "title": r[2], "source": r[3], "doc_type": r[4]})
                for r in conn.execute(query)
            ]

    def _live_ids(self) -> Any:
        """Searchable documents: live, and no alternate format of another (``twin_of``)."""
        docs = t.documents.c
        return select(docs.document_id).where(docs.status.in_(LIVE), docs.twin_of.is_(None))

    def iter_chunks(self) -> Iterator[Chunk]:
        """The chunks of live documents — exactly what the search index must hold."""
        query = select(t.chunks.c.record).where(t.chunks.c.document_id.in_(self._live_ids())).order_by(t.chunks.c.chunk_id)
        with self.engine.connect() as conn:
            for (record,) in conn.execute(query):
                yield Chunk.model_validate(record)

    def chunk_ids(self) -> list[str]:
        """The ids of :meth:`iter_chunks`' chunks, in the same order."""
        query = select(t.chunks.c.chunk_id).where(t.chunks.c.document_id.in_(self._live_ids())).order_by(t.chunks.c.chunk_id)
        with self.engine.connect() as conn:
            return [cid for (cid,) in conn.execute(query)]

    def chunks_by_id(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """The chunks with these ids (any document status), in chunk-id order."""
        out: list[Chunk] = []
        ids = sorted(set(chunk_ids))
        with self.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                query = select(t.chunks.c.record).where(t.chunks.c.chunk_id.in_(ids[i : i + 500])).order_by(t.chunks.c.chunk_id)
                out += [Chunk.model_validate(record) for (record,) in conn.execute(query)]
        return out

    def chunk_fingerprint(self) -> tuple[int, str]:
        """(count, hash of live chunk ids): equal fingerprints mean equal chunk sets."""
        import hashlib

        digest = hashlib.sha256()
        n = 0
        query = select(t.chunks.c.chunk_id).where(t.chunks.c.document_id.in_(self._live_ids())).order_by(t.chunks.c.chunk_id)
        with self.engine.connect() as conn:
            for (cid,) in conn.execute(query):
                digest.update(cid.encode())
                n += 1
        return n, digest.hexdigest()

    # ---- runs ----------------------------------------------------------------
    def save_run(self, run: IngestRun) -> None:
        values = {"started": run.started, "finished": run.finished, "record": run.model_dump(mode="json")}
        with self.engine.begin() as conn:
            if conn.execute(select(t.runs.c.run_id).where(t.runs.c.run_id == run.run_id)).first():
                conn.execute(update(t.runs).where(t.runs.c.run_id == run.run_id).values(**values))
            else:
                conn.execute(insert(t.runs).values(run_id=run.run_id, **values))

    def runs(self, limit: int = 10) -> list[IngestRun]:
        q = select(t.runs.c.record).order_by(t.runs.c.started.desc()).limit(limit)
        with self.engine.connect() as conn:
            return [IngestRun.model_validate(r[0]) for r in conn.execute(q)]

    def get_run(self, run_id: str) -> IngestRun | None:
        q = select(t.runs.c.record).where(t.runs.c.run_id == run_id)
        with self.engine.connect() as conn:
            row = conn.execute(q).first()
        return IngestRun.model_validate(row[0]) if row else None

    # ---- summaries -----------------------------------------------------------
    def counts_by(self, column: str, *, include_retired: bool = False) -> dict[str, int]:
        """Live documents counted by ``column`` (``"ukjent"`` for None)."""
        col = getattr(t.documents.c, column)
        query = select(col, func.count()).group_by(col)
        if not include_retired:
            query = query.where(t.documents.c.status.in_(LIVE), t.documents.c.twin_of.is_(None))
        with self.engine.connect() as conn:
            rows = conn.execute(query)
            return {str(k) if k is not None else "ukjent": n for k, n in rows}

    def live_count(self) -> int:
        """How many documents are searchable: the number `status` and health both show."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(self._live_ids().subquery())).scalar_one()

    def source_counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.sources.c.status, func.count()).group_by(t.sources.c.status))
            return {k: n for k, n in rows}

    def dispose(self) -> None:
        self.engine.dispose()


def copy_file_atomically(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dst.parent, prefix=".tmp-")
    os.close(fd)
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)
