"""Reading decoded plain text, Markdown and HTML into pages.

Contracts:

* Input is already-decoded ``str`` (decoding and sniffing live in :mod:`.read`).
* Output is a tuple of :class:`~saksfinn.models.Page` whose ``start`` is 0 — the caller
  (:func:`saksfinn.extractors.read.read_document`) sets the real offsets.
* Page text: whitespace normalised within each line (:func:`clean_line`), line breaks
  kept, no trailing spaces, runs of blank lines collapsed to one.
* Plain text / Markdown: pages split on form feed (``\\f``) when present, else one page.
  Lines start at column 0, except nested list items: a bullet (``-``, ``•``, ``➢``,
  ``1.``, ``a)``, ``ii.`` …) indented deeper than a list item above it in the same list
  keeps two spaces per nesting level ("- Lean-gruppa" / "  - Kompetanseutvikling"), so the
  finding extractors can tell sub-bullets from top-level ones (as they do with the
  dash-under-round-bullet glyphs of PDF text).
  Markdown ATX headings (``# ...``) and setext headings (a line underlined by ``===`` or
  ``---``) go into ``Page.heading_lines`` exactly as they appear in the page text.
* HTML: parsed with :mod:`html.parser`; ``script``, ``style``, ``nav`` (and other
  non-content elements) are dropped; block elements end lines; table cells are joined
  with ``" | "``; ``h1``–``h4`` text goes into ``heading_lines``. One page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from saksfinn.models.document import Page

_WS_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u00ad\u200b\ufeff]")
_ATX_RE = re.compile(r"^#{1,6}\s+\S")
_SETEXT_RE = re.compile(r"^(=+|-+)\s*$")


def clean_line(line: str) -> str:
    """One line with control characters and soft hyphens removed and spaces collapsed."""
    return _WS_RE.sub(" ", _CONTROL_RE.sub("", line)).strip()


def join_lines(lines: list[str], *, nesting: bool = False) -> str:
    """Cleaned lines joined by ``\\n``; leading/trailing blank lines dropped, blank runs collapsed.

    With ``nesting``, nested list items keep their level as indentation (:func:`list_levels`).
    """
    out: list[str] = []
    levels = list_levels(lines) if nesting else [0] * len(lines)
    for raw, level in zip(lines, levels):
        line = clean_line(raw)
        if line and level:
            line = "  " * level + line
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


# a list item's marker followed by text (as textspans.BULLET_RE, but a space is required)
_LIST_ITEM_RE = re.compile(r"^(?:[-–•▪●◦■➢➤►*·]|\d{1,2}[.)]|[a-zæøå][.)]|[ivx]{1,4}[.)])\s+\S")
_INDENT_RE = re.compile(r"^[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]*")


def _indent_width(line: str) -> int:
    """Columns of leading white space (tabs to the next multiple of 4)."""
    width = 0
    for char in _INDENT_RE.match(line).group(0):
        width = (width // 4 + 1) * 4 if char == "\t" else width + 1
    return width


def list_levels(lines: list[str]) -> list[int]:
    """Nesting level of each line: 0, or n > 0 for a list item nested n deep.

    A list item is nested when it is indented deeper than a list item above it in the same
    list. A list goes on over wrapped lines, blank lines and further items; a paragraph
    (a line that is not a list item, after a blank line) or a Markdown heading ends it.
    """
    levels: list[int] = []
    stack: list[int] = []  # indents of the open list levels, outermost first
    after_blank = False
    for raw in lines:
        line = _CONTROL_RE.sub("", raw).rstrip()
        if not line.strip():
            after_blank = True
            levels.append(0)
            continue
        indent, body = _indent_width(line), line[_INDENT_RE.match(line).end() :]
        if not _LIST_ITEM_RE.match(body):
            if after_blank or body.startswith("#"):
                stack = []
            after_blank = False
            levels.append(0)
            continue
        after_blank = False
        while stack and stack[-1] > indent:
            stack.pop()
        if not stack or stack[-1] < indent:
            stack.append(indent)
        levels.append(len(stack) - 1)
    return levels


def _markdown_headings(text: str) -> tuple[str, ...]:
    lines = text.split("\n")
    headings: list[str] = []
    for i, line in enumerate(lines):
        if _ATX_RE.match(line):
            headings.append(line)
        elif (
            line
            and i + 1 < len(lines)
            and _SETEXT_RE.match(lines[i + 1])
            and len(lines[i + 1]) >= 3
            and not _SETEXT_RE.match(line)
        ):
            headings.append(line)
    return tuple(headings)


def is_markdown(text: str) -> bool:
    """Whether ``text`` looks like Markdown (has at least one ATX heading line)."""
    return any(_ATX_RE.match(line) for line in text[:20000].splitlines())


def read_plain_text(text: str) -> tuple[Page, ...]:
    """Pages of a plain-text or Markdown document (see module contract)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = text.split("\f") if "\f" in text else [text]
    # a trailing form feed (common in pdftotext output) does not start a real page
    while len(chunks) > 1 and not chunks[-1].strip():
        chunks.pop()
    pages: list[Page] = []
    for number, chunk in enumerate(chunks, start=1):
        page_text = join_lines(chunk.split("\n"), nesting=True)
        pages.append(Page(number=number, text=page_text, start=0, heading_lines=_markdown_headings(page_text)))
    return tuple(pages)


_DROP = frozenset({"script", "style", "nav", "noscript", "template", "svg", "head", "iframe", "object", "button"})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4"})
_CELLS = frozenset({"td", "th"})
_BLOCKS = frozenset(
    {
        "p", "div", "br", "li", "tr", "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot",
        "section", "article", "header", "footer", "main", "aside", "blockquote", "pre", "hr", "figure",
        "figcaption", "form", "fieldset", "address", "caption", "h1", "h2", "h3", "h4", "h5", "h6",
        "title", "body", "html",
    }
)  # fmt: skip
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "wbr", "area", "base", "col", "source"})


class _HTMLText(HTMLParser):
    """Collects visible text as lines, remembering which lines were h1–h4."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.headings: list[str] = []
        self._parts: list[str] = []
        self._cells: list[str] | None = None  # cells of the current table row
        self._drop_depth = 0
        self._heading_depth = 0
        self._pre_depth = 0

    def _flush(self) -> None:
        line = clean_line("".join(self._parts))
        self._parts = []
        if self._cells is not None:
            if line:
                self._cells.append(line)
            return
        if line:
            self.lines.append(line)
            if self._heading_depth:
                self.headings.append(line)
        elif self.lines and self.lines[-1]:
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            if tag not in _VOID:
                self._drop_depth += 1
            return
        if self._drop_depth:
            return
        if tag == "tr":
            self._flush()
            self._cells = []
        elif tag in _CELLS:
            self._flush()
        elif tag in _BLOCKS:
            self._flush()
            if tag == "li":
                self._parts.append("• ")
        if tag in _HEADINGS:
            self._heading_depth += 1
        elif tag == "pre":
            self._pre_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self._drop_depth = max(0, self._drop_depth - 1)
            return
        if self._drop_depth:
            return
        if tag in _CELLS:
            self._flush()
        elif tag == "tr" or (tag == "table" and self._cells is not None):
            self._flush()
            cells, self._cells = self._cells or [], None
            if cells:
                self._parts = [" | ".join(cells)]
                self._flush()
        elif tag in _BLOCKS:
            self._flush()
        if tag in _HEADINGS:
            self._heading_depth = max(0, self._heading_depth - 1)
        elif tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._drop_depth:
            return
        if self._pre_depth and "\n" in data:
            first, *rest = data.split("\n")
            self._parts.append(first)
            for piece in rest:
                self._flush()
                self._parts.append(piece)
            return
        self._parts.append(data)

    def close(self) -> None:
        super().close()
        self._cells = None
        self._flush()


def read_html(html: str) -> tuple[Page, ...]:
    """The single page of an HTML document (see module contract)."""
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    text = join_lines(parser.lines)
    return (Page(number=1, text=text, start=0, heading_lines=tuple(parser.headings)),)
