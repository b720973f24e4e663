"""The store's schema (SQLAlchemy Core). SQLite by default; any SQLAlchemy URL works.

Design notes:
* ``documents`` is keyed by content hash; ``sources`` maps every path/URL ever seen to
  the document it held, so duplicates, changes and withdrawals are all visible.
* Derived rows (pages, sections, findings, votes, chunks) are replaced per document inside
  one transaction, so a killed process leaves either the old or the new state.
* Records are stored as JSON next to the few columns we filter on.
* A document is *live* when it is the current version of a present source
  (``models.LIVE_STATUSES``); superseded and withdrawn versions keep their rows for
  history but are invisible to search, exports and counts (see ``index/storage/lifecycle.py``).
* Columns added after a release are listed in ``ADDED_COLUMNS``; ``Store`` adds them to
  an existing database on first open.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

documents = Table(
    "documents",
    metadata,
    Column("document_id", String(64), primary_key=True),
    Column("source", Text, nullable=False),  # the first source it was ingested from
    Column("media_type", String(64)),
    Column("file_path", Text),  # copy of the bytes: a name relative to SAKSFINN_HOME/files
    Column("title", Text),
    Column("doc_type", String(32)),
    Column("municipality", String(128), index=True),
    Column("case_number", String(64)),
    Column("date", Date, index=True),
    Column("language", String(8)),
    Column("themes", JSON),
    Column("meta", JSON, nullable=False),
    Column("pages", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False, index=True),  # effective: live, superseded or withdrawn
    Column("reason", Text),
    Column("read_status", String(16)),  # how reading went (ingested/partial/needs_ocr); kept when retired
    Column("superseded_by", String(64)),  # the version its source held next
    Column("retired_at", DateTime(timezone=True)),  # when it stopped being current
    Column("warnings", JSON),
    Column("reader_version", String(32)),
    Column("findings_version", String(128)),
    Column("ingested_at", DateTime(timezone=True)),
    # near-duplicates (index/storage/twins.py): the MinHash of its text, and the live
    # document it is an alternate format of (None: it is searched itself)
    Column("signature", JSON),
    Column("twin_of", String(64), index=True),
    Column("file_title", Text),  # the file's own title (PDF /Title) as read; see Document.file_title
    Column("furniture", JSON),  # running lines left out of the text (Document.furniture): metadata reads them
)

sources = Table(
    "sources",
    metadata,
    Column("source", Text, primary_key=True),
    Column("document_id", String(64), index=True),
    Column("status", String(16), nullable=False),
    Column("reason", Text),
    Column("municipality_hint", String(128)),
    Column("size", Integer),
    Column("mtime", Float),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("first_seen", DateTime(timezone=True)),
    Column("last_seen", DateTime(timezone=True)),
    Column("last_run", String(64)),
    Column("failing_since", DateTime(timezone=True)),  # first of the consecutive failed runs
)

pages = Table(
    "pages",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.document_id"), primary_key=True),
    Column("number", Integer, primary_key=True),
    Column("start", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("ocr", Boolean, default=False),
    Column("heading_lines", JSON),
)

sections = Table(
    "sections",
    metadata,
    Column("document_id", String(64), ForeignKey("documents.document_id"), primary_key=True),
    Column("idx", Integer, primary_key=True),
    Column("record", JSON, nullable=False),
)

findings = Table(
    "findings",
    metadata,
    Column("finding_id", String(64), primary_key=True),
    Column("document_id", String(64), ForeignKey("documents.document_id"), index=True),
    Column("type", String(16), index=True),
    Column("extractor", String(64)),
    Column("page", Integer),
    Column("record", JSON, nullable=False),
)

chunks = Table(
    "chunks",
    metadata,
    Column("chunk_id", String(64), primary_key=True),
    Column("document_id", String(64), ForeignKey("documents.document_id"), index=True),
    Column("text_hash", String(64)),
    Column("record", JSON, nullable=False),
)

votes = Table(
    "votes",
    metadata,
    Column("vote_id", String(64), primary_key=True),
    Column("document_id", String(64), ForeignKey("documents.document_id"), index=True),
    Column("case_ref", String(64), index=True),
    Column("body", String(128)),
    Column("meeting_date", Date, index=True),
    Column("position", Integer),
    Column("start", Integer),
    Column("proposal_kind", String(32)),
    Column("result", String(16)),
    Column("decision_id", String(64), index=True),
    Column("record", JSON, nullable=False),
)
"""One row per votering (``models.votes.Vote``), replaced with the document's other derived rows."""

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("started", DateTime(timezone=True), index=True),
    Column("finished", DateTime(timezone=True)),
    Column("record", JSON, nullable=False),
)

watches = Table(
    "watches",
    metadata,
    Column("watch_id", String(64), primary_key=True),
    Column("query", Text, nullable=False),
    Column("filters", JSON, nullable=False),
    Column("created", DateTime(timezone=True)),
)

watch_hits = Table(
    "watch_hits",
    metadata,
    Column("watch_id", String(64), primary_key=True),
    Column("document_id", String(64), primary_key=True),
    Column("run_id", String(64)),
    Column("chunk_id", String(64)),
    Column("notified_at", DateTime(timezone=True)),
)

Index("ix_sources_status", sources.c.status)


ADDED_COLUMNS: dict[str, tuple[Column, ...]] = {
    "documents": (documents.c.read_status, documents.c.superseded_by, documents.c.retired_at,
                  documents.c.signature, documents.c.twin_of, documents.c.file_title,
                  documents.c.furniture),
    "sources": (sources.c.failing_since,),
}
