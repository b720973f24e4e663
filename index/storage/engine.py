"""Opening the database and keeping its schema current.

:func:`make_engine` opens any SQLAlchemy URL; SQLite runs in WAL mode with a busy timeout, so
readers (search, web) never block on a writer and a second writer waits instead of failing.
:func:`migrate` brings a database written by an older saksfinn up to date. ``OSLO`` and
:func:`now` are the store's clock (aware datetimes, Europe/Oslo).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, event, inspect, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.schema import CreateColumn

from saksfinn.index.storage import tables as t
from saksfinn.index.storage.live import LIVE

OSLO = ZoneInfo("Europe/Oslo")


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


def migrate(engine: Engine) -> None:
    """Bring a database written by an older saksfinn up to date, idempotently: add
    new columns, record the read status of live documents, and make stored file
    paths relative to ``files_dir`` (so a home can be copied, moved or restored)."""
    with engine.begin() as conn:
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
