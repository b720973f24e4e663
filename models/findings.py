"""Structured findings extracted from sections: Decision, Goal, Experience, Project.

Every finding points back to where it came from: ``document_id``, ``page``,
``section`` heading and a character span ``[start, end)`` into ``Document.text``,
plus the ``extractor`` (``name@version``) that made it and its ``confidence`` in
``[0, 1]``: rule extractors write :data:`RULE_CONFIDENCE` (1.0); learned extractors
(``prose-model@N``) write the model's calibrated probability. ``finding_id`` is a hash of
type, document, span and extractor (not confidence), so re-running the same extractor
version reproduces the same ids.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Union

from pydantic import Field

from saksfinn.models.document import Record
from saksfinn.models.ids import content_id


RULE_CONFIDENCE = 1.0
"""``confidence`` of a finding made by a rule: what a heading or label announces is taken as given."""


class Finding(Record):
    finding_id: str = ""
    document_id: str
    page: int = Field(ge=1)
    section: str | None = None
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    extractor: str  # "name@version"
    confidence: float = Field(default=RULE_CONFIDENCE, ge=0.0, le=1.0)
    themes: tuple[str, ...] = ()

    def model_post_init(self, __context: object) -> None:
        if not self.finding_id:
            fid = content_id(
                self.type, self.document_id, str(self.start), str(self.end), self.extractor  # type: ignore[attr-defined]
            )
            object.__setattr__(self, "finding_id", fid)


class Decision(Finding):
    """An *innstilling* (proposal, incl. tilråding / forslag til vedtak) or a *vedtak*."""

    type: Literal["decision"] = "decision"
    kind: Literal["innstilling", "vedtak"]
    body: str | None = None  # the political body, e.g. "Formannskapet"
    meeting_date: dt.date | None = None
    case_ref: str | None = None  # e.g. "PTN-139/12", "sak 10/2026"
    adopted: bool | None = None
    votes_for: int | None = None
    votes_against: int | None = None
    unanimous: bool | None = None
    vote_text: str | None = None  # the sentence the votes were read from
    resolved_text: str | None = None  # for "Som innstillingen": the text referred to


class Goal(Finding):
    type: Literal["goal"] = "goal"
    kind: str | None = None  # "hovedmål", "effektmål", "resultatmål", "mål", ...
    target: str | None = None  # the numeric target as written, e.g. "7 %"
    target_value: float | None = None
    target_unit: str | None = None  # "%", "kroner", "personer", ...


class Experience(Finding):
    type: Literal["experience"] = "experience"
    polarity: Literal["positive", "negative"]
    kind: str | None = None  # "list" (item under a heading) or "statement"


class Project(Finding):
    type: Literal["project"] = "project"
    name: str
    kind: str | None = None  # "prosjekt", "program", "pilot", "tiltak", ...
    description: str | None = None


MODEL_EXTRACTOR = "prose-model"
"""Name of the learned extractor: its findings carry ``extractor="prose-model@…"``."""


def is_model_extractor(extractor: str | None) -> bool:
    """Whether ``extractor`` (``name@version``) is a learned model rather than a rule."""
    return bool(extractor) and extractor.split("@", 1)[0] == MODEL_EXTRACTOR  # type: ignore[union-attr]


AnyFinding = Annotated[Union[Decision, Goal, Experience, Project], Field(discriminator="type")]
FINDING_TYPES: tuple[str, ...] = ("decision", "goal", "experience", "project")
