"""All finding extractors behind one call: :func:`extract_findings`.

Each extractor is pure — ``(Document, nlp) -> list[Finding]`` — and is identified by
``name@version`` (the ``extractor`` field of its findings). Bump an extractor's
``VERSION`` whenever its output can change, so stored findings are re-derived.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from dataclasses import dataclass

from saksfinn.extractors import decisions, experiences, goals, projects, prose
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
PROSE = Extractor(prose.NAME, prose.VERSION, prose.extract_prose)
"""The learned extractor for findings stated in prose (its version names the model artefact)."""
ALL_EXTRACTORS: tuple[Extractor, ...] = (*EXTRACTORS, PROSE)
EXTRACTOR_VERSIONS: dict[str, str] = {e.name: e.id for e in ALL_EXTRACTORS}
"""``{"decisions": "decisions@1", ..., "prose-model": "prose-model@1-….1"}``."""
FINDINGS_VERSION: str = "+".join(e.id for e in ALL_EXTRACTORS)
"""All extractor versions in one string (``decisions@1+goals@1+...``): changes when any does."""


def findings_version(precision: float = prose.DEFAULT_PRECISION, features: str = prose.DEFAULT_FEATURES) -> str:
    """The findings version for the prose model's operating point ``precision`` and feature set
    ``features`` (:data:`FINDINGS_VERSION` is the one of the ``tfidf`` set at 0.85)."""
    prose.check_precision(precision)
    if precision == prose.DEFAULT_PRECISION and features == "tfidf":
        return FINDINGS_VERSION
    return "+".join([*(e.id for e in EXTRACTORS), prose.extractor_id(prose.model_version(features), precision)])


def _name_key(name: str) -> str:
    return re.sub(r"[\s\-–]+", "", name.lower())


def merge_model_findings(rule_found: Sequence[Finding], model_found: Sequence[Finding]) -> list[Finding]:
    """Rule findings, plus the model's findings that the rules do not already have.

    Rules take precedence: a model experience or goal overlapping a rule finding of the
    same type is dropped, as is a model project whose name a rule project already has
    (anywhere in the document) or whose span overlaps a rule project. Two model projects
    with the same name keep the first mention.
    """
    out = list(rule_found)
    names = {_name_key(f.name) for f in rule_found if f.type == "project"}
    for finding in model_found:
        same = [f for f in rule_found if f.type == finding.type]
        if any(f.start < finding.end and finding.start < f.end for f in same):
            continue
        if finding.type == "project":
            key = _name_key(finding.name)
            if key in names:
                continue
            names.add(key)
        out.append(finding)
    return out


def extract_findings(
    doc: Document,
    nlp: object | None = None,
    use_model: bool = True,
    precision: float = prose.DEFAULT_PRECISION,
    features: str = "tfidf",
    embed: Callable[[list[str]], Any] | None = None,
    unit_vectors: Mapping[tuple[int, int], Any] | None = None,
    read: Callable[[list[str]], Any] | None = None,
) -> list[Finding]:
    """Every finding of every extractor for ``doc``, ordered by span start then type.

    The rules always run; the prose model adds what they miss (:func:`merge_model_findings`)
    when ``use_model`` and a spaCy pipeline is given (it reads sentence units), at the
    operating point ``precision``, with the feature set ``features`` (``"e5"`` needs
    ``embed``, texts → sentence vectors; ``"pooled"`` takes ``unit_vectors``, unit span →
    vector pooled from the passage pass, and embeds the units it lacks with ``embed``;
    ``"reader"`` also takes ``read``, the fine-tuned reader of the candidate units).
    """
    found: list[Finding] = []
    for extractor in EXTRACTORS:
        found.extend(extractor.run(doc, nlp))
    if use_model and nlp is not None:
        model_found = prose.extract_prose(doc, nlp, precision=precision, features=features, embed=embed,
                                           unit_vectors=unit_vectors, read=read)
        found = merge_model_findings(found, model_found)
    found.sort(key=lambda f: (f.start, f.type, f.end))
    log.debug("%s: %d findings", doc.document_id[:12], len(found))
    return found
