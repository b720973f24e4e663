"""Typed blocks of the sample corpus (headings, paragraphs, lists, tables, slides) and the
helpers that attach expected findings to them; ``SampleDoc`` is one document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

Finding = dict[str, Any]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 0 = document title, 1 = section, 2 = subsection


@dataclass(frozen=True)
class Para:
    text: str
    findings: tuple[Finding, ...] = ()
    bold: bool = False


@dataclass(frozen=True)
class Item:
    text: str
    finding: Finding | None = None


@dataclass(frozen=True)
class Items:
    """A bulleted or numbered list; ``finding`` (if any) covers the whole list."""

    items: tuple[Item, ...]
    numbered: bool = False
    finding: Finding | None = None


@dataclass(frozen=True)
class Fields:
    """Key/value lines of a letterhead, e.g. ("Arkivsaksnr.:", "24/08817-4")."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table drawn with cell borders; the first row is the header row."""

    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] | None = None


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Slide:
    """One landscape page of a slide deck: a title, optional lines, bullets."""

    title: str
    lines: tuple[str, ...] = ()
    bullets: tuple[Item, ...] = ()


Block = Union[Heading, Para, Items, Fields, Table, PageBreak, Slide]


@dataclass(frozen=True)
class SampleDoc:
    path: str  # relative to corpus/documents/
    municipality: str
    doc_type: str  # a saksfinn.models.DocType value
    title: str
    language: str  # "nb" or "nn"
    date: str  # ISO date: the document's main date
    themes: tuple[str, ...]
    blocks: tuple[Block, ...]
    case_number: str | None = None
    meetings: tuple[tuple[str, str, str], ...] = ()  # (body, dd.mm.yyyy, case_ref)
    layout: str = "portrait"  # "portrait", "landscape" (slides)
    running_header: str | None = None  # printed on every page, with "Side N av M" in the footer
    extra: dict[str, Any] = field(default_factory=dict)


# --- finding helpers ---------------------------------------------------------------


def experiences(polarity: str, *texts: str) -> Items:
    return Items(tuple(Item(t, {"type": "experience", "polarity": polarity, "kind": "list"}) for t in texts))


def decision(kind: str, **fields: Any) -> Finding:
    return {"type": "decision", "kind": kind, **fields}


def goal(kind: str, text: str | None = None, target: str | None = None, value: float | None = None,
         unit: str | None = None) -> Finding:
    found: Finding = {"type": "goal", "kind": kind, "target": target, "target_value": value, "target_unit": unit}
    if text is not None:
        found["text"] = text
    return found


def project(name: str, kind: str, text: str | None = None) -> Finding:
    found: Finding = {"type": "project", "name": name, "kind": kind}
    if text is not None:
        found["text"] = text
    return found


def numbered(*texts: str, finding: Finding | None = None, item_findings: dict[int, Finding] | None = None) -> Items:
    item_findings = item_findings or {}
    return Items(tuple(Item(t, item_findings.get(i)) for i, t in enumerate(texts)), numbered=True, finding=finding)


def bullets(*texts: str) -> Items:
    return Items(tuple(Item(t) for t in texts))


def saksgang(*rows: tuple[str, str, str]) -> Table:
    return Table((("Utvalg", "Møtedato", "Saksnr"), *rows), widths=(90, 45, 45))


def saksgang_nn(*rows: tuple[str, str, str]) -> Table:
    return Table((("Utval", "Møtedato", "Saksnr"), *rows), widths=(90, 45, 45))
