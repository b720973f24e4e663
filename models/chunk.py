"""Search records: Chunk (what is indexed) and Hit (what a search returns)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from saksfinn.models.document import Record
from saksfinn.models.ids import content_id

ChunkType = Literal["passage", "decision", "goal", "experience", "project"]


class Chunk(Record):
    """A passage of one section (never across documents), or one finding.

    ``chunk_id`` depends on document, span and text; ``text_hash`` only on the
    text, so identical boilerplate in many documents is embedded once.
    """

    chunk_id: str = ""
    text_hash: str = ""
    document_id: str
    type: ChunkType = "passage"
    text: str
    title: str | None = None
    section: str | None = None
    municipality: str | None = None
    doc_type: str | None = None
    date: dt.date | None = None
    year: int | None = None  # DocumentMeta.year: known for undated papers with a case number
    page: int = Field(ge=1)
    page_end: int | None = None  # last page the text runs onto; None: the same as ``page``
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    polarity: str | None = None
    themes: tuple[str, ...] = ()
    finding_id: str | None = None
    extractor: str | None = None  # a finding chunk: the finding's extractor; None for passages
    confidence: float | None = Field(None, ge=0.0, le=1.0)  # a finding chunk: the finding's; None for passages
    context: str | None = None  # headings standing alone just before the text ("Lean … / Bakgrunn")

    @property
    def last_page(self) -> int:
        return self.page_end or self.page

    def model_post_init(self, __context: object) -> None:
        if not self.text_hash:
            object.__setattr__(self, "text_hash", content_id(self.text))
        if not self.chunk_id:
            cid = content_id(self.document_id, self.type, str(self.start), str(self.end), self.text_hash)
            object.__setattr__(self, "chunk_id", cid)


MARK_START, MARK_END = "⟪", "⟫"
"""What ``Hit.highlighted`` wraps matched words in. Not « »: Norwegian text quotes with
those («Heltid i Bærum»), and a quote must not show as a match."""


class Hit(Record):
    rank: int = Field(ge=1)
    score: float
    text: str
    highlighted: str | None = None  # text with matched terms wrapped in MARK_START … MARK_END
    document_id: str
    source: str | None = None
    title: str | None = None
    municipality: str | None = None
    doc_type: str | None = None
    date: dt.date | None = None
    page: int
    page_end: int | None = None  # the text runs on to this page ("s. 3–4"); the link opens ``page``
    section: str | None = None
    type: str
    polarity: str | None = None
    themes: tuple[str, ...] = ()
    chunk_id: str
    finding_id: str | None = None
    extractor: str | None = None  # for a finding: the extractor that made it ("name@version")
    confidence: float | None = None  # for a finding: 1.0 for rules, a model's calibrated probability
    scores: dict[str, float] = {}  # per channel: {"bm25": .., "dense": ..}
    alternates: tuple[str, ...] = ()  # document ids of the same document in other formats (twins)

    @property
    def pages(self) -> str:
        """The page or page range the text stands on, as cited: "3" or "3–4"."""
        return f"{self.page}–{self.page_end}" if self.page_end and self.page_end > self.page else str(self.page)


class SearchFilters(Record):
    """Restrictions on a search; ``None`` means "any".

    ``year_from``/``year_to`` are inclusive and compare with ``Chunk.date``'s year
    (chunks without a date are excluded when either is set). ``type`` is a finding
    type or ``"passage"``; ``theme`` must be one of the chunk's ``themes``;
    ``min_confidence`` drops findings whose ``confidence`` is below it (a finding without
    one counts as a rule's, 1.0; passages are text, not claims, and always pass).
    String fields compare case-insensitively.
    """

    municipality: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    doc_type: str | None = None
    type: str | None = None
    polarity: str | None = None
    theme: str | None = None
    min_confidence: float | None = Field(None, ge=0.0, le=1.0)  # findings below it are left out; passages stay

    def is_empty(self) -> bool:
        return all(v is None for v in self.model_dump().values())
