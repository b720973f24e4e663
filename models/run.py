"""Records of ingestion runs: what happened to every source, and why."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import Field

from saksfinn.models.document import DocStatus, Record


class Change(str, Enum):
    """What a run found for one source compared with the store."""

    NEW = "new"
    CHANGED = "changed"  # same source path, different bytes
    UNCHANGED = "unchanged"
    FAILED = "failed"
    DUPLICATE = "duplicate"
    WITHDRAWN = "withdrawn"
    REDERIVED = "rederived"  # bytes unchanged; findings re-made by a new extractor version
    RESTORED = "restored"  # a withdrawn or superseded version is current again (not re-read)


class SourceOutcome(Record):
    source: str
    document_id: str | None = None  # None when the file could not even be read
    change: Change
    status: DocStatus | None = None
    reason: str | None = None  # one line a person can act on
    municipality: str | None = None
    pages: int = 0
    seconds: float = 0.0
    title: str | None = None
    failing_since: datetime | None = None  # first run in a row in which this source failed
    previous_document_id: str | None = None  # the version a changed source held before


class IngestRun(Record):
    run_id: str
    started: datetime
    finished: datetime | None = None
    sources: tuple[str, ...] = ()  # the paths / URLs given to the run
    outcomes: tuple[SourceOutcome, ...] = ()
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    watch_matches: dict[str, list[str]] = Field(default_factory=dict)  # watch id -> new document ids
    watch_names: dict[str, str] = Field(default_factory=dict)  # watch id -> «query» and filters, for reports
    index: dict[str, int | bool] = Field(default_factory=dict)  # rebuilt, chunks, embedded
    error: str | None = None  # problems with the run's inputs (e.g. a missing folder)

    def counts(self) -> dict[str, int]:
        out = {c.value: 0 for c in Change}
        for o in self.outcomes:
            out[o.change.value] += 1
        return out

    def failures(self) -> list[SourceOutcome]:
        return [o for o in self.outcomes if o.change == Change.FAILED or o.status == DocStatus.FAILED]
