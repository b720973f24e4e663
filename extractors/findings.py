"""All finding extractors behind one call: :func:`extract_findings`.

Each extractor is pure — ``(Document, nlp) -> list[Finding]`` — and is identified by
``name@version`` (the ``extractor`` field of its findings). Bump an extractor's
``VERSION`` whenever its output can change, so stored findings are re-derived.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from saksfinn.extractors import decisions, experiences, goals, projects
from saksfinn.models.document import Document
from saksfinn.models.findings import Decision, Experience, Goal, Project

log = logging.getLogger(__name__)

Finding = Decision | Goal | Experience | Project


@dataclass(frozen=True)
class Extractor:
    name: str
    version: str
    run: Callable[[Document, object], Sequence[Finding]]

    @property
    def id(self) -> str:
        """``name@version``, as written in each finding's ``extractor`` field."""
        return f"{self.name}@{self.version}"


EXTRACTORS: tuple[Extractor, ...] = (
    Extractor(decisions.NAME, decisions.VERSION, decisions.extract_decisions),
    Extractor(goals.NAME, goals.VERSION, goals.extract_goals),
    Extractor(experiences.NAME, experiences.VERSION, experiences.extract_experiences),
    Extractor(projects.NAME, projects.VERSION, projects.extract_projects),
)
EXTRACTOR_VERSIONS: dict[str, str] = {e.name: e.id for e in EXTRACTORS}
"""``{"decisions": "decisions@1", ...}``."""
FINDINGS_VERSION: str = "+".join(e.id for e in EXTRACTORS)
"""All extractor versions in one string (``decisions@1+goals@1+...``): changes when any does."""


def extract_findings(doc: Document, nlp: object | None = None) -> list[Finding]:
    """Every finding of every extractor for ``doc``, ordered by span start then type."""
    found: list[Finding] = []
    for extractor in EXTRACTORS:
        found.extend(extractor.run(doc, nlp))
    found.sort(key=lambda f: (f.start, f.type, f.end))
    log.debug("%s: %d findings", doc.document_id[:12], len(found))
    return found
