"""Cut a read document into search chunks: passages per section, plus one chunk per finding.

Chunk size
----------
The dense channel uses multilingual-e5-small, which reads at most 512 tokens
(including the ``passage: `` prefix and special tokens); anything longer is cut off
and never embedded. Its XLM-R tokenizer spends about 1.6 tokens per Norwegian word
(long compounds such as *heltidskultur* become 3–4 pieces), so the hard ceiling is
~310 words. We aim at ``target_words=180`` (≈290 tokens) and never exceed
``1.5 × target`` = 270 words (≈430 tokens), which leaves head-room for unusually
token-hungry text (numbers, names, tables). Smaller chunks would sharpen BM25
and highlighting but lose the context a paragraph of case text needs to be
understood (a *vurdering* argues over several sentences); 150–250 words is also the
size where e5-style retrievers are usually reported to do best. An overlap of
``overlap_words=30`` (one or two sentences) keeps a statement that straddles a
boundary findable from both sides.

Contract
--------
* A passage never crosses a section (hence never a document) boundary; sections of
  kind ``"boilerplate"`` and *Vedlegg* sections that only list attachment titles are
  skipped. A document without sections is one section.
* The first passage of a section starts with the section's heading line when that line
  stands right before the section text (so a list is found by what it is a list of).
* Passages are cut at paragraph boundaries first, then sentence boundaries; only a
  single sentence longer than the maximum is cut between words.
* ``start``/``end`` are offsets into ``Document.text``; ``text`` is
  ``Document.text[start:end]`` (trimmed to non-space at both ends), ``page`` is the
  page of ``start`` and ``page_end`` the page of its last character when that is a
  later page (a passage over a page break is cited "s. 3–4").
* Content only: a passage that is nothing but a title or heading
  (:func:`is_bare_heading`) is not a chunk; it becomes the ``context`` of the next
  passage, which is indexed and embedded as "title / heading / text"
  (:func:`context_text`). A finding whose text is only a heading (a bare project
  name) is not indexed either; it stays in the store and the exports.
* Every other finding becomes one chunk whose ``type`` is the finding type and whose
  text is the finding's text (a project's followed by its description).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from saksfinn.models.chunk import Chunk
from saksfinn.models.document import Document, Section
from saksfinn.models.findings import Finding

log = logging.getLogger(__name__)

CHUNKER_VERSION = "chunks@10"
"""Bump when chunk boundaries or texts change: stored documents are then re-chunked."""
SKIPPED_SECTION_KINDS = frozenset({"boilerplate"})
ATTACHMENT_LINE_WORDS = 14
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\f]*\n\s*")
# A sentence ends at . ! ? : or ; followed by space and a capital, digit, quote or bullet.
# Abbreviations ("jf.", "bl.a.", "nr.") are mostly followed by lower-case text, so the
# capital-letter requirement avoids most false breaks without an abbreviation list.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?;:])\s+(?=[A-ZÆØÅ0-9«\"–•\-])|\n(?=\s*[-–•*]\s)")
_WORD = re.compile(r"\S+")
_TOKEN = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?)»\"]$")
BARE_HEADING_WORDS = 15
_LABELLED = re.compile(r":[ \t]+(?:\S+[ \t]+){2,}\S")  # a label, then three or more words on its line
_MAX_CONTEXT_CHARS = 300


def is_bare_heading(text: str) -> bool:
    """Whether ``text`` is only a title or heading, not content to read.

    At most :data:`BARE_HEADING_WORDS` words on lines none of which ends a sentence:
    "Lean kontinuerlig forbedring som virksomhetsstrategi", "Ungdomsrådets behandling
    av sak 14/2026 i møte den 20.05.2026:", "Behandling\n\nVedtak".
    """
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return True
    if _LABELLED.search(text):  # "Tørn: skal utvikle nye arbeidstidsordninger …" says something
        return False
    return len(_TOKEN.findall(text)) <= BARE_HEADING_WORDS and not any(_SENTENCE_END.search(line) for line in lines)


def context_text(chunk: Chunk) -> str:
    """What a chunk is indexed and embedded as: "title / heading / text".

    The title, headings carried from just before the chunk and the section heading
    (unless the text already starts with it), then the text on its own line.
    """
    text = chunk.text
    parts = [p for p in (chunk.title, chunk.context) if p]
    section = (chunk.section or "").strip()
    if section and not text.lstrip().startswith(section):
        parts.append(section)
    head = " / ".join(dict.fromkeys(" ".join(p.split()) for p in parts))
    return f"{head}\n{text}" if head else text


@dataclass(frozen=True)
class _Unit:
    """A sentence-like piece of a section: span in Document.text and its word count."""

    start: int
    end: int
    words: int


def chunk_document(
    doc: Document,
    findings: Iterable[Finding] = (),
    *,
    source: str | None = None,
    target_words: int = 180,
    overlap_words: int = 30,
    themes_of: Callable[[str], tuple[str, ...]] | None = None,
) -> list[Chunk]:
    """Passages of ``doc`` (section by section) followed by one chunk per finding.

    ``themes_of`` gives a passage's themes from its text (the flow passes
    :func:`saksfinn.extractors.themes.passage_themes`); without it passages have none,
    and findings always carry their own.

    ``source`` is accepted for callers that know the file a document came from;
    chunks do not store it (hits get it from the store).
    """
    if target_words < 10:
        raise ValueError("target_words must be at least 10")
    if not 0 <= overlap_words < target_words:
        raise ValueError("overlap_words must be in [0, target_words)")
    del source  # chunks are keyed by document_id; the store knows the source
    text = doc.text
    chunks: list[Chunk] = []
    carried: list[str] = []  # bare headings waiting for the content under them
    for section in _sections_of(doc, text):
        if section.kind in SKIPPED_SECTION_KINDS or _is_attachment_list(section):
            continue
        units = _units(text, _heading_start(text, section), section.end, max_words=int(target_words * 1.5))
        for start, end in _pack(units, target_words, overlap_words):
            passage = _passage(doc, section, text, start, end)
            if is_bare_heading(passage.text):
                carried.append(" ".join(passage.text.split()))
                continue
            update: dict[str, object] = {}
            if carried:
                update["context"] = " / ".join(dict.fromkeys(carried))[-_MAX_CONTEXT_CHARS:]
                carried = []
            if themes_of is not None:
                update["themes"] = themes_of(passage.text)
            chunks.append(passage.model_copy(update=update) if update else passage)
    chunks.extend(finding_chunk(doc, f) for f in findings if not is_bare_heading(_finding_text(f)))
    return chunks


def finding_chunk(doc: Document, finding: Finding) -> Chunk:
    """One finding as a chunk of its own type, carrying polarity, themes and id."""
    meta = doc.meta
    return Chunk(
        document_id=doc.document_id,
        type=finding.type,  # type: ignore[attr-defined]
        text=_finding_text(finding),
        title=meta.title,
        section=finding.section,
        municipality=meta.municipality,
        doc_type=meta.doc_type.value if meta.doc_type else None,
        date=meta.date,
        year=meta.known_year,
        page=finding.page,
        page_end=_later_page(doc, finding.page, finding.end),
        start=finding.start,
        end=finding.end,
        polarity=getattr(finding, "polarity", None),
        themes=finding.themes,
        finding_id=finding.finding_id,
        extractor=finding.extractor,
        confidence=finding.confidence,
    )


def _sections_of(doc: Document, text: str) -> tuple[Section, ...]:
    if doc.sections:
        return doc.sections
    if not text.strip():
        return ()
    last_page = doc.pages[-1].number if doc.pages else 1
    return (Section(index=0, page=1, page_end=last_page, start=0, end=len(text), text=text),)


def _finding_text(finding: Finding) -> str:
    """What a finding chunk says: its text, and for a project its description too (a bare
    project name is a poor passage to read or to rank)."""
    description = (getattr(finding, "description", None) or "").strip()
    if description and description not in finding.text:
        return f"{finding.text}: {description}"
    return finding.text


def _is_attachment_list(section: Section) -> bool:
    """A *Vedlegg* section that only lists attachment titles (one short line each).

    Such a list names other documents; as a search hit it would outrank the case text
    that uses the same words (short chunks score high in BM25), so it is not indexed.
    """
    if section.kind != "vedlegg":
        return False
    lines = [line for line in section.text.splitlines() if line.strip()]
    return all(len(line.split()) <= ATTACHMENT_LINE_WORDS for line in lines)


def _heading_start(text: str, section: Section) -> int:
    """Where the section's heading line starts, when it stands just before the section text.

    The first passage of a section then begins with its heading ("Negative erfaringer
    fra programperioden"), so both channels and the reader see what the list is about,
    and the span is still a real span of ``Document.text``.
    """
    heading = (section.heading or "").strip()
    if not heading:
        return section.start
    window_start = max(0, section.start - len(heading) - 8)
    found = text.rfind(heading, window_start, section.start)
    if found < 0 or text[found + len(heading) : section.start].strip(" \t:.\n\f"):
        return section.start
    return found


def _passage(doc: Document, section: Section, text: str, start: int, end: int) -> Chunk:
    meta = doc.meta
    return Chunk(
        document_id=doc.document_id,
        type="passage",
        text=text[start:end],
        title=meta.title,
        section=section.heading,
        municipality=meta.municipality,
        doc_type=meta.doc_type.value if meta.doc_type else None,
        date=meta.date,
        year=meta.known_year,
        page=doc.page_at(start),
        page_end=_later_page(doc, doc.page_at(start), end),
        start=start,
        end=end,
    )


def _later_page(doc: Document, first: int, end: int) -> int | None:
    """The page of the span's last character when it is after ``first`` (else None)."""
    if end <= 0 or not doc.pages:
        return None
    last = doc.page_at(max(end - 1, 0))
    return last if last > first else None


def _units(text: str, start: int, end: int, *, max_words: int) -> list[_Unit]:
    """Sentence-like units of ``text[start:end]``; paragraph ends are unit ends too."""
    units: list[_Unit] = []
    for p_start, p_end in _split_spans(text, start, end, _PARAGRAPH_BREAK):
        for s_start, s_end in _split_spans(text, p_start, p_end, _SENTENCE_BREAK):
            words = list(_WORD.finditer(text, s_start, s_end))
            if not words:
                continue
            for i in range(0, len(words), max_words):  # only over-long sentences loop twice
                part = words[i : i + max_words]
                units.append(_Unit(part[0].start(), part[-1].end(), len(part)))
    return units


def _split_spans(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    spans = []
    pos = start
    for m in pattern.finditer(text, start, end):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, end))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _pack(units: list[_Unit], target: int, overlap: int) -> list[tuple[int, int]]:
    """Group consecutive units into spans of about ``target`` words.

    A chunk is closed once adding the next unit would pass ``target`` (and it already
    holds at least half of it) or pass the hard maximum of 1.5 × target. The next
    chunk starts with the trailing units of the previous one that fit in ``overlap``.
    A last chunk smaller than a quarter of the target is merged into its predecessor
    when that stays under the maximum.
    """
    max_words = int(target * 1.5)
    spans: list[tuple[int, int]] = []
    groups: list[list[_Unit]] = []
    current: list[_Unit] = []
    count = 0
    for unit in units:
        if current and (count + unit.words > max_words or (count >= target / 2 and count + unit.words > target)):
            groups.append(current)
            current, count = _overlap_tail(current, overlap)
            if count + unit.words > max_words:
                current, count = [], 0
        current.append(unit)
        count += unit.words
    if current:
        fresh = sum(u.words for u in current if not groups or u not in groups[-1])
        if groups and fresh < target / 4 and sum(u.words for u in groups[-1]) + fresh <= max_words:
            groups[-1] = groups[-1] + [u for u in current if u not in groups[-1]]
        elif fresh or not groups:
            groups.append(current)
    for group in groups:
        spans.append((group[0].start, group[-1].end))
    return spans


def _overlap_tail(units: list[_Unit], overlap: int) -> tuple[list[_Unit], int]:
    tail: list[_Unit] = []
    count = 0
    for unit in reversed(units[1:]):  # never the whole previous chunk
        if count + unit.words > overlap:
            break
        tail.insert(0, unit)
        count += unit.words
    return tail, count
