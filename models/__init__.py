"""Typed records shared by every layer. Nothing here does I/O."""

from saksfinn.models.chunk import Chunk, Hit, SearchFilters
from saksfinn.models.document import (
    LIVE_STATUSES,
    PAGE_SEPARATOR,
    RETIRED_STATUSES,
    DocStatus,
    DocType,
    Document,
    DocumentMeta,
    Meeting,
    Page,
    Record,
    Section,
)
from saksfinn.models.findings import FINDING_TYPES, AnyFinding, Decision, Experience, Finding, Goal, Project
from saksfinn.models.ids import content_id, sha256_bytes, sha256_file
from saksfinn.models.run import Change, IngestRun, SourceOutcome
from saksfinn.models.votes import Alternative, Vote, Voter, normalise_party

__all__ = [
    "LIVE_STATUSES",
    "PAGE_SEPARATOR",
    "RETIRED_STATUSES",
    "FINDING_TYPES",
    "Alternative",
    "AnyFinding",
    "Change",
    "Chunk",
    "Decision",
    "DocStatus",
    "DocType",
    "Document",
    "DocumentMeta",
    "Experience",
    "Finding",
    "Goal",
    "Hit",
    "IngestRun",
    "Meeting",
    "Page",
    "Project",
    "Record",
    "Section",
    "SearchFilters",
    "SourceOutcome",
    "Vote",
    "Voter",
    "content_id",
    "normalise_party",
    "sha256_bytes",
    "sha256_file",
]
