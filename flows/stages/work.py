"""Work items, the batch that carries them through the stages, and the versions that decide re-derivation."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from saksfinn.flows.sources import SourceFile
from saksfinn.models import Change, Chunk, DocStatus, Document, SourceOutcome
from saksfinn.models.errors import SaksfinnError

log = logging.getLogger(__name__)


@dataclass
class Work:
    """One source on its way through a run (mutable flow state, not a stored record)."""

    file: SourceFile
    document_id: str | None = None
    data: bytes | None = None
    change: Change = Change.NEW
    status: DocStatus | None = None
    reason: str | None = None
    doc: Document | None = None
    findings: list[Any] = field(default_factory=list)
    votes: list[Any] = field(default_factory=list)  # models.votes.Vote, one per votering
    chunks: list[Chunk] = field(default_factory=list)
    themes: tuple[str, ...] = ()
    seconds: float = 0.0
    done: bool = False  # True once the item needs no further stage
    municipality: str | None = None  # of the stored document, for items not re-read
    reread: bool = False  # a re-derive that reads the bytes again (the reader changed)
    title: str | None = None  # of the stored document, for items not re-read
    previous_document_id: str | None = None  # what a changed source held before
    failing_since: Any = None  # when a source that fails again first failed
    copy_of: Work | None = None  # the item of this run holding the same bytes (see store_items)
    unit_vectors: dict[tuple[int, int], Any] | None = None  # pooled prose features: unit span → vector (embed stage)

    def fail(self, reason: str, status: DocStatus = DocStatus.FAILED) -> None:
        self.status, self.reason, self.done = status, reason, True
        if status == DocStatus.FAILED:
            self.change = Change.FAILED

    def outcome(self) -> SourceOutcome:
        meta = self.doc.meta if self.doc else None
        return SourceOutcome(
            source=self.file.source,
            document_id=self.document_id,
            change=self.change,
            status=self.status,
            reason=self.reason,
            municipality=(meta.municipality if meta else None) or self.municipality
            or source_municipality(self.file.source, self.file.municipality_hint),
            pages=len(self.doc.pages) if self.doc else 0,
            seconds=round(self.seconds, 3),
            title=(meta.title if meta else None) or self.title,
            failing_since=self.failing_since,
            previous_document_id=self.previous_document_id,
        )


def source_municipality(source: str, hint: str | None) -> str | None:
    """The municipality of a source that could not be read: ``--municipality``, else a
    folder of its path named after a municipality (``…/Volda/sak.pdf``)."""
    if hint:
        return hint
    from saksfinn.extractors.metadata import municipality_from_path

    if source.startswith(("http://", "https://")):
        return None
    found = municipality_from_path(source)
    return found.name if found else None


@dataclass(frozen=True)
class Versions:
    reader: str
    findings: str


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if isinstance(exc, SaksfinnError) else f"{type(exc).__name__}: {text}"


@dataclass
class Batch:
    """A batch of work items and the seconds each stage spent on it."""

    items: list[Work]
    seconds: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, files: list[SourceFile]) -> Batch:
        return cls(items=[Work(file=f) for f in files])

    def run(self, stage: str, fn: Any, *args: Any) -> Batch:
        """Apply one stage function ``fn(items, *args) -> items`` and time it."""
        started = time.perf_counter()
        self.items = fn(self.items, *args)
        self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started
        return self


def _pending(items: list[Work], skip_rederive: bool = False) -> list[Work]:
    out = []
    for item in items:
        if item.done:
            continue
        if skip_rederive and item.change == Change.REDERIVED and not item.reread:
            continue
        if not skip_rederive and item.doc is None:
            continue
        out.append(item)
    return out
