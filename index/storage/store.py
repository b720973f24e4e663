"""The document store: one typed object over the saksfinn database.

``Store`` joins the halves kept in their own modules — documents and everything derived from
them (:mod:`~saksfinn.index.storage.documents`), findings, votes and chunk reads
(:mod:`~saksfinn.index.storage.queries`) — and holds sources, ingest runs and summary counts
itself. The engine and schema upkeep are in :mod:`~saksfinn.index.storage.engine`, what counts
as searchable in :mod:`~saksfinn.index.storage.live`; which documents are live and which are
twins is settled by :mod:`~saksfinn.index.storage.lifecycle` and
:mod:`~saksfinn.index.storage.twins`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from saksfinn.index.storage import tables as t
from saksfinn.index.storage.documents import DocumentRows, upsert_source
from saksfinn.index.storage.engine import OSLO, make_engine, migrate, now
from saksfinn.index.storage.live import LIVE, searchable, searchable_ids
from saksfinn.index.storage.queries import FindingQueries
from saksfinn.models import IngestRun

__all__ = ["LIVE", "OSLO", "Store", "now"]


class Store(DocumentRows, FindingQueries):
    """Typed access to the saksfinn database. Cheap to create; thread-safe via the engine."""

    def __init__(self, url: str, files_dir: Path | None = None) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.files_dir = files_dir
        t.metadata.create_all(self.engine)
        migrate(self.engine)

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
            upsert_source(conn, source, values)

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
            query = query.where(*searchable())
        with self.engine.connect() as conn:
            rows = conn.execute(query)
            return {str(k) if k is not None else "ukjent": n for k, n in rows}

    def live_count(self) -> int:
        """How many documents are searchable: the number `status` and health both show."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(searchable_ids().subquery())).scalar_one()

    def source_counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.sources.c.status, func.count()).group_by(t.sources.c.status))
            return {k: n for k, n in rows}

    def dispose(self) -> None:
        self.engine.dispose()

