"""Write the sample corpus (corpus/documents/) and its answer key (corpus/answers.json).

Usage::

    python corpus/make_corpus.py              # rewrite corpus/documents and corpus/answers.json
    python corpus/make_corpus.py --out DIR    # write elsewhere (tests regenerate into a tmp dir)

The documents are defined once, as typed blocks, in ``sample_docs.py``; this script
renders them to PDF (fpdf2), plain text or HTML and collects the findings attached to
the blocks into the answer key. Output is byte-for-byte deterministic for a given
fpdf2 version: fixed creation dates, fixed producer, PDF core fonts (Helvetica with
WinAnsi/cp1252 encoding covers æøå, «», – and •) so no font file is needed or embedded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import html
import json
import sys
import textwrap
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import fpdf
from fpdf import FPDF
from fpdf.enums import MethodReturnValue

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # run as a script or loaded by path from tests
    sys.path.insert(0, str(HERE))

from sample_docs import (  # noqa: E402
    DOCUMENTS,
    Block,
    Fields,
    Heading,
    Items,
    PageBreak,
    Para,
    SampleDoc,
    Slide,
    Table,
)

OSLO = ZoneInfo("Europe/Oslo")
FONT = "helvetica"
PRODUCER = "saksfinn corpus/make_corpus.py"
HEADING_SIZES = {0: 16, 1: 13, 2: 11}
BODY_SIZE = 11
LINE = 5.5
MEDIA_TYPES = {".pdf": "application/pdf", ".txt": "text/plain", ".html": "text/html"}


# --- findings --------------------------------------------------------------------


def _resolve(finding: dict[str, Any], default_text: str, page: int) -> dict[str, Any]:
    """A finding with its text filled in and checked to be part of the block's text."""
    resolved = dict(finding)
    resolved.setdefault("text", default_text)
    if " ".join(resolved["text"].split()) not in " ".join(default_text.split()):
        raise ValueError(f"finding text is not in its block: {resolved['text']!r}")
    resolved["page"] = page
    return resolved


def _item_line(items: Items, index: int) -> str:
    marker = f"{index + 1}." if items.numbered else "•"
    return f"{marker} {items.items[index].text}"


def block_findings(block: Block, page: int) -> list[dict[str, Any]]:
    """The findings attached to one block, in reading order."""
    found: list[dict[str, Any]] = []
    if isinstance(block, Para):
        found += [_resolve(f, block.text, page) for f in block.findings]
    elif isinstance(block, Items):
        if block.finding:
            whole = "\n".join(_item_line(block, i) for i in range(len(block.items)))
            found.append(_resolve(block.finding, whole, page))
        found += [_resolve(item.finding, item.text, page) for item in block.items if item.finding]
    elif isinstance(block, Slide):
        found += [_resolve(item.finding, item.text, page) for item in block.bullets if item.finding]
    return found


# --- PDF ---------------------------------------------------------------------------


class _CorpusPDF(FPDF):
    def __init__(self, doc: SampleDoc) -> None:
        super().__init__(orientation="L" if doc.layout == "landscape" else "P", unit="mm", format="A4")
        self.doc = doc
        self.core_fonts_encoding = "windows-1252"

    def header(self) -> None:
        if self.doc.running_header:
            self.set_font(FONT, size=8)
            self.cell(0, 5, self.doc.running_header, new_x="LMARGIN", new_y="NEXT")
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(4)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FONT, size=8)
        if self.doc.running_header:
            self.cell(0, 5, f"Side {self.page_no()} av {{nb}}", align="C")
        elif self.doc.layout == "landscape":
            self.cell(0, 5, f"{self.doc.municipality} kommune", align="L")
            self.cell(0, 5, str(self.page_no()), align="R")


def _height(pdf: _CorpusPDF, text: str, line: float, indent: float = 0) -> float:
    return pdf.multi_cell(pdf.epw - indent, line, text, dry_run=True, output=MethodReturnValue.HEIGHT)


def _keep_together(pdf: _CorpusPDF, height: float) -> None:
    """Start a new page unless ``height`` mm fit on this one, so a finding never spans pages."""
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def _pdf_block(pdf: _CorpusPDF, block: Block) -> list[dict[str, Any]]:
    """Draw one block; return its findings with the page each was drawn on."""
    if isinstance(block, Heading):
        size = HEADING_SIZES[block.level]
        pdf.set_font(FONT, "B", size)
        _keep_together(pdf, _height(pdf, block.text, size * 0.5) + 20)  # no heading alone at a page end
        pdf.ln(3 if block.level else 2)
        pdf.multi_cell(0, size * 0.5, block.text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    elif isinstance(block, Para):
        pdf.set_font(FONT, "B" if block.bold else "", 14 if block.bold else BODY_SIZE)
        _keep_together(pdf, _height(pdf, block.text, LINE))
        pdf.multi_cell(0, LINE, block.text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
        return block_findings(block, pdf.page_no())
    elif isinstance(block, Items):
        return _pdf_items(pdf, block)
    elif isinstance(block, Fields):
        for key, value in block.rows:
            pdf.set_font(FONT, "B", BODY_SIZE - 1)
            pdf.cell(35, LINE, key)
            pdf.set_font(FONT, "", BODY_SIZE - 1)
            pdf.cell(0, LINE, value, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    elif isinstance(block, Table):
        pdf.set_font(FONT, "", BODY_SIZE - 1)
        _keep_together(pdf, 6.5 * len(block.rows))
        with pdf.table(col_widths=block.widths, width=pdf.epw, align="LEFT", text_align="LEFT", line_height=6,
                       first_row_as_headings=True) as table:
            for row in block.rows:
                cells = table.row()
                for value in row:
                    cells.cell(value)
        pdf.ln(3)
    elif isinstance(block, PageBreak):
        pdf.add_page()
    elif isinstance(block, Slide):
        _pdf_slide(pdf, block)
        return block_findings(block, pdf.page_no())
    return []


def _pdf_items(pdf: _CorpusPDF, block: Items) -> list[dict[str, Any]]:
    pdf.set_font(FONT, "", BODY_SIZE)
    lines = [_item_line(block, i) for i in range(len(block.items))]
    heights = [_height(pdf, line, LINE, indent=5) + 1 for line in lines]
    if block.finding:  # the whole list is one finding: keep it on one page
        _keep_together(pdf, sum(heights))
    found: list[dict[str, Any]] = []
    for item, line, height in zip(block.items, lines, heights):
        _keep_together(pdf, height)
        pdf.set_x(pdf.l_margin + 5)
        pdf.multi_cell(0, LINE, line, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        if item.finding:
            found.append(_resolve(item.finding, item.text, pdf.page_no()))
    pdf.ln(1)
    if block.finding:
        found.insert(0, _resolve(block.finding, "\n".join(lines), pdf.page_no()))
    return found


def _pdf_slide(pdf: _CorpusPDF, slide: Slide) -> None:
    pdf.add_page()
    title_only = not slide.bullets
    pdf.set_y(70 if title_only else 18)
    pdf.set_font(FONT, "B", 30 if title_only else 26)
    pdf.multi_cell(0, 13, slide.title, align="C" if title_only else "L", new_x="LMARGIN", new_y="NEXT")
    if not title_only:
        pdf.line(pdf.l_margin, pdf.get_y() + 2, pdf.w - pdf.r_margin, pdf.get_y() + 2)
    pdf.ln(8)
    pdf.set_font(FONT, "", 18)
    for line in slide.lines:
        pdf.multi_cell(0, 10, line, align="C" if title_only else "L", new_x="LMARGIN", new_y="NEXT")
    for item in slide.bullets:
        pdf.set_x(pdf.l_margin + 8)
        pdf.multi_cell(0, 10, f"• {item.text}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)


def render_pdf(doc: SampleDoc) -> tuple[bytes, list[dict[str, Any]], int]:
    """PDF bytes, the findings (with page numbers) and the page count of one document."""
    pdf = _CorpusPDF(doc)
    created = dt.datetime.combine(dt.date.fromisoformat(doc.date), dt.time(9, 0), tzinfo=OSLO)
    pdf.set_creation_date(created)
    pdf.set_title(doc.title)
    pdf.set_author(f"{doc.municipality} kommune")
    pdf.set_creator(PRODUCER)
    pdf.set_producer(PRODUCER)
    pdf.set_lang("nn-NO" if doc.language == "nn" else "nb-NO")
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_margins(20, 18, 20)
    if doc.layout != "landscape":
        pdf.add_page()
    findings: list[dict[str, Any]] = []
    for block in doc.blocks:
        findings += _pdf_block(pdf, block)
    return bytes(pdf.output()), findings, pdf.page_no()


# --- plain text and HTML --------------------------------------------------------------


def _wrap(text: str) -> str:
    return "\n".join(textwrap.fill(line, 90) for line in text.split("\n"))


def render_text(doc: SampleDoc) -> tuple[str, list[dict[str, Any]]]:
    out: list[str] = []
    findings: list[dict[str, Any]] = []
    for block in doc.blocks:
        if isinstance(block, Heading):
            out.append(block.text)
        elif isinstance(block, Para):
            out.append(_wrap(block.text))
        elif isinstance(block, Items):
            out.append("\n".join(_wrap(_item_line(block, i)) for i in range(len(block.items))))
        elif isinstance(block, Fields):
            out.append("\n".join(f"{k} {v}" for k, v in block.rows))
        elif isinstance(block, Table):
            out.append("\n".join("\t".join(row) for row in block.rows))
        else:
            raise TypeError(f"{type(block).__name__} has no plain-text form")
        findings += block_findings(block, 1)
    return "\n\n".join(out) + "\n", findings


def _html_block(block: Block) -> str:
    esc = html.escape
    if isinstance(block, Heading):
        tag = f"h{block.level + 1}"
        return f"<{tag}>{esc(block.text)}</{tag}>"
    if isinstance(block, Para):
        return f"<p>{esc(block.text)}</p>"
    if isinstance(block, Items) and block.numbered:  # as many CMSs write them: numbers in the text
        return "\n".join(f"<p>{esc(_item_line(block, i))}</p>" for i in range(len(block.items)))
    if isinstance(block, Items):
        lines = "\n".join(f"  <li>{esc(item.text)}</li>" for item in block.items)
        return f"<ul>\n{lines}\n</ul>"
    if isinstance(block, Fields):
        return "<dl>\n" + "\n".join(f"  <dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in block.rows) + "\n</dl>"
    if isinstance(block, Table):
        head, *body = block.rows
        rows = ["  <tr>" + "".join(f"<th>{esc(c)}</th>" for c in head) + "</tr>"]
        rows += ["  <tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in body]
        return "<table>\n" + "\n".join(rows) + "\n</table>"
    raise TypeError(f"{type(block).__name__} has no HTML form")


def render_html(doc: SampleDoc) -> tuple[str, list[dict[str, Any]]]:
    """An HTML page: h1 title, h2/h3 headings, bullets as <ul>, numbered points as <p>"1. …"."""
    body = "\n".join(_html_block(b) for b in doc.blocks)
    findings = [f for b in doc.blocks for f in block_findings(b, 1)]
    page = (
        f'<!DOCTYPE html>\n<html lang="{doc.language}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(doc.title)}</title>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
    return page, findings


# --- corpus ------------------------------------------------------------------------


def render(doc: SampleDoc) -> tuple[bytes, list[dict[str, Any]], int]:
    """File bytes, findings and page count for one document, by its file suffix."""
    suffix = Path(doc.path).suffix
    if suffix == ".pdf":
        return render_pdf(doc)
    if suffix == ".txt":
        text, findings = render_text(doc)
        return text.encode("utf-8"), findings, 1
    if suffix == ".html":
        page, findings = render_html(doc)
        return page.encode("utf-8"), findings, 1
    raise ValueError(f"unsupported suffix {suffix!r} for {doc.path}")


def _answer(doc: SampleDoc, data: bytes, findings: list[dict[str, Any]], pages: int) -> dict[str, Any]:
    return {
        "path": doc.path,
        "sha256": hashlib.sha256(data).hexdigest(),
        "media_type": MEDIA_TYPES[Path(doc.path).suffix],
        "pages": pages,
        "municipality": doc.municipality,
        "doc_type": doc.doc_type,
        "title": doc.title,
        "language": doc.language,
        "date": doc.date,
        "case_number": doc.case_number,
        "meetings": [
            {"body": body, "date": dt.datetime.strptime(date, "%d.%m.%Y").date().isoformat(), "case_ref": ref}
            for body, date, ref in doc.meetings
        ],
        "themes": list(doc.themes),
        "findings": findings,
    }


def build(out_dir: Path) -> dict[str, Any]:
    """Write every sample document under ``out_dir`` and return the answer key."""
    documents = []
    for doc in DOCUMENTS:
        data, findings, pages = render(doc)
        target = out_dir / doc.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        documents.append(_answer(doc, data, findings, pages))
    return {
        "generator": "corpus/make_corpus.py",
        "fpdf2_version": fpdf.__version__,
        "note": "Fictional documents; paths are relative to corpus/documents/. Finding fields are named as "
                "in saksfinn.models.findings; 'page' is 1-based; texts compare whitespace-normalised.",
        "documents": documents,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "documents", help="folder for the documents")
    parser.add_argument("--answers", type=Path, default=None, help="answer key path (default: OUT/../answers.json)")
    args = parser.parse_args(argv)
    answers = build(args.out)
    answers_path = args.answers or args.out.parent / "answers.json"
    answers_path.write_text(json.dumps(answers, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    total = sum((args.out / d["path"]).stat().st_size for d in answers["documents"])
    print(f"wrote {len(answers['documents'])} documents ({total / 1024:.0f} KiB) to {args.out} and {answers_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
