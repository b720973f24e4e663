"""Which title a document gets when its first lines do not make a good one (pure).

:func:`extractors.metadata.extract_metadata` takes the title from the text (labels,
"X behandling av sak", the line above a saksframlegg's first heading, the first
paragraph). :func:`better_title` replaces it when it is *poor*
(:func:`is_poor_title`) — a list of map coordinates ("Y 503900 Y 504000 …"), an
attachment number ("7. Vedlegg 1. Lederlæringsprogram"), a bare label with a number
("Plan nr. 1264."), a greeting — by, in order:

1. the cover title of a slide deck or of a document whose first page has layout
   headings: the first heading line of page 1 that is not poor itself;
2. the title in the file's own metadata (PDF ``/Title``), unless it is a tool's
   placeholder ("Microsoft Word - 181201_3_P.doc", "GISLINE", "Aspose") or poor;
3. the poor title with its attachment number taken off ("Lederlæringsprogram");
4. nothing (``None``: the title is unknown, never a coordinate list).

A slide deck (``presentasjon``) takes its cover title even when the first line is not
poor: on a cover the largest line is the title, the first one often a logo or a date.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_ATTACHMENT = re.compile(r"^(?:\d+[.)]\s*)?(?:vedlegg|bilag|trykt\s+vedlegg)\s*\d*[.:)]?\s*(?:[-–—]\s*)?", re.IGNORECASE)
_NUMBERED = re.compile(r"^\d+[.)]\s+(?=vedlegg|bilag)", re.IGNORECASE)
_LABEL_NUMBER = re.compile(
    r"^(?:plan\s*(?:nr|id)|planid|sak(?:s)?\s*(?:nr)?|arkivsak(?:snr)?|side|dokument\s*nr|journalpost(?:id)?)\.?\s*:?\s*"
    r"[\w./-]*\d[\w./-]*\.?$",
    re.IGNORECASE,
)
_GREETING = re.compile(r"(?:^|\s)(?:hei|hallo|god\s+dag|kjære\s+\w+)[.!,]?$", re.IGNORECASE)
_LETTERHEAD_FIELD = re.compile(r"^[A-ZÆØÅ][\wæøå-]*(?:\s+[A-ZÆØÅ][\wæøå-]*){0,2}\s+(?:fylkes)?kommune\b.*:")
_NUMBER_TOKEN = re.compile(r"^(?=.*\d)[\d.,/:;-]+$")

# placeholders that tools write into a PDF's /Title
_TOOL_TITLE = re.compile(
    r"^(?:microsoft\s+(?:word|powerpoint|excel)\b|untitled|uten\s+tittel|ingen\s+tittel|dokument\s*\d*$|document\s*\d*$|"
    r"presentasjon\s*\d*$|powerpoint[- ]presentasjon$|lysbilde|slide\s*\d*$|aspose|gisline|pdf\b|print\b|skjema\s*\d*$)",
    re.IGNORECASE,
)
_FILE_NAME = re.compile(r"\.(?:docx?|pptx?|xlsx?|pdf|odt|odp|rtf|txt|html?)$|[\\/]|_\w+_", re.IGNORECASE)


def is_poor_title(title: str) -> bool:
    """A line that does not tell a reader what the document is (see module doc)."""
    s = " ".join(title.split()).strip("#* ")
    if len(s) < 4 or not any(c.isalpha() for c in s):
        return True
    tokens = s.split()
    numbers = sum(1 for w in tokens if _NUMBER_TOKEN.match(w))
    if numbers >= 3 and numbers >= len(tokens) / 2:  # "Y 503900 Y 504000 Y 504100"
        return True
    return bool(
        _NUMBERED.match(s)
        or _LABEL_NUMBER.match(s)
        or _GREETING.search(s)
        or _LETTERHEAD_FIELD.match(s)
        or re.fullmatch(r"(?:vedlegg|bilag)\s*\d*\.?", s, re.IGNORECASE)
    )


def usable_file_title(title: str | None) -> str | None:
    """The file's own title (PDF ``/Title``) when it names the document, else ``None``."""
    s = " ".join((title or "").split())
    if len(s) < 8 or len(s.split()) < 2 or _TOOL_TITLE.match(s) or _FILE_NAME.search(s) or is_poor_title(s):
        return None
    return s[:300]


def cover_title(first_page_headings: Sequence[str]) -> str | None:
    """The first heading line of page 1 that is a title (Markdown ``#`` marks taken off)."""
    for line in first_page_headings[:6]:
        s = " ".join(line.strip().lstrip("#").split())
        if s and not is_poor_title(s) and not s.endswith(":") and len(s) <= 200:
            return s
    return None


def without_attachment_number(title: str) -> str | None:
    """'7. Vedlegg 1. Lederlæringsprogram' → 'Lederlæringsprogram'; ``None`` if nothing is left."""
    rest = _ATTACHMENT.sub("", " ".join(title.split()), count=1).strip(" .-–")
    return rest if rest and rest != title and not is_poor_title(rest) else None


_CASE_PREFIX = re.compile(r"^\d{2,4}/\d{1,6}(?:-\d{1,4})?\s*[-–—]\s+(?=\w)")


def without_case_prefix(title: str) -> str:
    """'19/00059-129 - Varsel om oppstart …' → 'Varsel om oppstart …' (the archive number is metadata)."""
    return _CASE_PREFIX.sub("", title, count=1)


def better_title(
    title: str | None, *, first_page_headings: Sequence[str] = (), file_title: str | None = None, slides: bool = False
) -> str | None:
    """``title`` unless it is missing or poor; then the cover's, the file's, the stripped
    one, or ``None`` (see module doc). ``slides``: a slide deck, whose cover title wins."""
    title = without_case_prefix(title) if title else title
    cover = cover_title(first_page_headings)
    if slides and cover:
        return cover
    if title and not is_poor_title(title):
        return title
    stripped = without_attachment_number(title) if title else None
    if cover and (stripped is None or _norm(cover).startswith(_norm(stripped))):
        return cover
    return usable_file_title(file_title) or stripped or cover


def _norm(s: str) -> str:
    return " ".join(s.casefold().split())
