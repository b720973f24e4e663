"""The finding half of the store: findings, voteringer and chunks of searchable documents
(:mod:`~saksfinn.index.storage.live`), or of one document whatever its status; what search,
the web pages and exports read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.engine import Engine

from saksfinn.index.storage import tables as t
from saksfinn.index.storage.live import searchable, searchable_ids
from saksfinn.models import AnyFinding, Chunk, Vote

_FINDING = TypeAdapter(AnyFinding)


class FindingQueries:
    """Reads of findings, votes and chunks (a mixin of ``Store``)."""

    engine: Engine

    def findings(self, *, type: str | None = None, document_id: str | None = None) -> list[Any]:
        """Findings of live documents, or of the one document ``document_id`` (any status)."""
        query = select(t.findings.c.record).order_by(t.findings.c.document_id, t.findings.c.page)
        if type:
            query = query.where(t.findings.c.type == type)
        if document_id:
            query = query.where(t.findings.c.document_id == document_id)
        else:
            query = query.where(t.findings.c.document_id.in_(searchable_ids()))
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
            query = query.where(*searchable())
        if case_ref:
            query = query.where(t.votes.c.case_ref == case_ref)
        with self.engine.connect() as conn:
            return [
                (Vote.model_validate(r[0]), {"municipality": r[1], "title": r[2], "source": r[3], "doc_type": r[4]})
                for r in conn.execute(query)
            ]


    def iter_chunks(self) -> Iterator[Chunk]:
        """The chunks of live documents — exactly what the search index must hold."""
        query = select(t.chunks.c.record).where(t.chunks.c.document_id.in_(searchable_ids())).order_by(t.chunks.c.chunk_id)
        with self.engine.connect() as conn:
            for (record,) in conn.execute(query):
                yield Chunk.model_validate(record)

    def chunk_ids(self) -> list[str]:
        """The ids of :meth:`iter_chunks`' chunks, in the same order."""
        query = select(t.chunks.c.chunk_id).where(t.chunks.c.document_id.in_(searchable_ids())).order_by(t.chunks.c.chunk_id)
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
        digest = hashlib.sha256()
        n = 0
        query = select(t.chunks.c.chunk_id).where(t.chunks.c.document_id.in_(searchable_ids())).order_by(t.chunks.c.chunk_id)
        with self.engine.connect() as conn:
            for (cid,) in conn.execute(query):
                digest.update(cid.encode())
                n += 1
        return n, digest.hexdigest()
