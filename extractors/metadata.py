"""Document metadata from text: title, type, municipality, case number, meetings, dates, language
(dates and years: :mod:`saksfinn.extractors.dates`).

:func:`extract_metadata` is pure: it reads only ``doc`` (its text and, when present, its
sections) and the optional ``municipality`` / ``path`` hints. Every field it cannot support
from the text stays ``None`` (or empty) — nothing is guessed.

Dates are calendar dates (``datetime.date``, no time zone): ``dd.mm.yyyy``, ``d.m.yy``
(two-digit years are 20yy) and ``25. mars 2020`` (Bokmål and Nynorsk month names).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import PurePath

from saksfinn.extractors.dates import document_year, parse_date, parse_dates
from saksfinn.extractors.gazetteer import Municipality, find_municipality, lookup
from saksfinn.extractors.heading_words import BOILERPLATE
from saksfinn.extractors.sections import split_sections
from saksfinn.extractors.titles import better_title, is_poor_title
from saksfinn.models import DocType, Document, DocumentMeta, Meeting, Section

logger = logging.getLogger(__name__)

HEAD_CHARS = 1500
"""Labels (Arkivsaksnr, Saksbehandler, Saksgang...) are looked for in this many first characters."""

_CASE_NUMBER = re.compile(
    r"(?:Arkivsaksnr|Arkivsaknr|Arkivsak(?:\s*nr)?|Arkivreferanse|Saksnr|Sak\s*nr|Saksnummer|Vår\s+ref(?:eranse)?|"
    r"Vår\s+referanse|Saksreferanse|Arkivsak-dok)\.?[ \t]*:?[ \t]*((?:\d{2,4}/\d{1,6}(?:-\d{1,4})?)|[A-ZÆØÅ]{2,6}-\d{2}/\d{3,6})",
    re.IGNORECASE,
)
_SAKSBEHANDLER = re.compile(
    r"(?:Saksbehandler|Saksbehandlar|Sakshandsamar|Saksansvarleg|Saksansvarlig)\s*:?[ \t]*([A-ZÆØÅ][\wæøåÆØÅ.'-]*(?:[ \t]+[A-ZÆØÅ][\wæøåÆØÅ.'-]*){1,4})"
)
_BODY_WORD = re.compile(
    r"(styre|utval|formannskap|råd(?:et)?$|rådet\b|råd\b|komit|nemnd|tinget?\b|representantskap|møte\b)", re.IGNORECASE
)
_TABLE_LABEL = re.compile(
    r"^(?:utvalg|utval|styre/råd/utval|møtedato|utvalgssak|saksnummer|saksnr\.?|sak\s*nr\.?|behandlet\s+av|dato|"
    r"utvalsaksnr|utv\.?\s*saksnr\.?)\s*:?$",
    re.IGNORECASE,
)
_CASE_REF = re.compile(r"^(?:[A-ZÆØÅ]{1,8}[- ]?)?\d{1,4}/\d{2,4}$")
_BEHANDLING_OF_CASE = re.compile(
    r"^(?P<body>[A-ZÆØÅ][\wæøåÆØÅ -]{2,70}?)\s+behandling(?:\s+av\s+sak\s+(?P<ref>[\d/]+))?"
    r"(?:\s+i\s+møte(?:t)?(?:\s+den)?)?(?:\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{2,4}))?\s*:?\s*$",
    re.MULTILINE,
)
_PREFIXED_DECISION = re.compile(r"^(?P<ref>[A-ZÆØÅ]{1,8}-\d{1,4}/\d{2,4})\s+(?:Tilråding|Vedtak|Innstilling)\b", re.MULTILINE)
_FIELD_LINE = re.compile(
    r"^(?:arkiv|saksbehandl|sakshandsam|saksgang|møtedato|utvalgssak|utvalg|utval\b|dato|vår ref|deres ref|"
    r"saksnr|sak nr|journalpost|gradering|side\b|til:|fra:|kopi|emne|tittel|sendt|from|to:|sent|subject)",
    re.IGNORECASE,
)

_NYNORSK = frozenset(
    "ikkje eit frå kva vere vore røyster vedteke heilskapleg korleis kven berre mykje noko nokon ein "
    "vert vart òg sjå gjer medan saman heile difor eigen eiga ynskjer utval tenester innbyggjarar "
    "tilråding handsaming sakshandsamar dei deira desse fleire høyrer ho dykk vedtek framlegg".split()
)
_BOKMAL = frozenset(
    "ikke et fra hva være vært stemmer vedtatt helhetlig hvordan hvem bare mye noe noen en blir ble "
    "også se gjør mens sammen hele derfor egen ønsker utvalg tjenester innbyggere saksbehandler "
    "de deres disse flere hun dere".split()
)


def detect_language(text: str, *, min_markers: int = 8) -> str | None:
    """``"nn"``, ``"nb"`` or ``"mixed"`` from Nynorsk vs Bokmål marker words; ``None`` if too few."""
    words = re.findall(r"[a-zæøåòé]+", text.lower())
    nn = sum(1 for w in words if w in _NYNORSK)
    nb = sum(1 for w in words if w in _BOKMAL)
    if nn + nb < min_markers:
        return None
    share = nn / (nn + nb)
    if share >= 0.7:
        return "nn"
    if share <= 0.15:
        return "nb"
    return "mixed"


def _genitive_to_body(name: str) -> str:
    """'Formannskaps' → 'Formannskap', 'Hovedutvalg helse og omsorgs' → 'Hovedutvalg helse og omsorg'."""
    name = name.strip()
    return name[:-1] if name.endswith("s") and not name.endswith("ss") else name


def parse_meetings(text: str) -> tuple[Meeting, ...]:
    """Meetings from a Saksgang / Behandling table and from 'X behandling av sak N i møte den D' lines.

    Table columns often come out of PDFs as separate blocks (bodies, then dates, then case
    refs); they are paired by position. A body without a date keeps ``date=None``.
    """
    meetings: list[Meeting] = []
    head = text[: HEAD_CHARS * 2]
    meetings.extend(_table_meetings(head))
    for m in _BEHANDLING_OF_CASE.finditer(text):
        body = _genitive_to_body(m.group("body"))
        if not _BODY_WORD.search(body):
            continue
        date = parse_date(m.group("date") or "")
        meetings.append(Meeting(body=body, date=date, case_ref=m.group("ref")))
    for m in _PREFIXED_DECISION.finditer(text):
        number = m.group("ref").split("-", 1)[1]
        if not any(x.case_ref in (m.group("ref"), number) for x in meetings):
            meetings.append(Meeting(body=m.group("ref").split("-")[0], case_ref=m.group("ref")))
    return tuple(dict.fromkeys(meetings))


def _table_meetings(head: str) -> list[Meeting]:
    lines = head.split("\n")
    start = next(
        (i for i, ln in enumerate(lines) if re.match(r"^\s*(saksgang|behandling)\s*:?\s*$", ln, re.IGNORECASE)), None
    )
    if start is None:
        return []
    bodies: list[str] = []
    dates: list[dt.date] = []
    refs: list[str] = []
    rows: list[Meeting] = []
    for ln in lines[start + 1 : start + 30]:
        s = ln.strip()
        if not s or _TABLE_LABEL.match(s) or re.search(r"\bmøtedato\b", s, re.IGNORECASE):
            continue
        row = re.match(
            r"^(?P<body>\D{3,70}?)\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{2,4})(?:\s+(?P<ref>\S+/\S+))?(?:\s+[A-ZÆØÅ]{1,8})?$", s
        )
        if row and _BODY_WORD.search(row.group("body")):
            rows.append(Meeting(body=row.group("body").strip(), date=parse_date(row.group("date")), case_ref=row.group("ref")))
        elif re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{2,4}", s):
            date = parse_date(s)
            if date:
                dates.append(date)
        elif _CASE_REF.match(s):
            refs.append(s)
        elif len(s) <= 60 and not re.search(r"\d|:", s) and _BODY_WORD.search(s) and s[0].isupper():
            bodies.append(s)
        else:
            break
    if rows:
        return rows
    return [
        Meeting(body=b, date=dates[i] if i < len(dates) else None, case_ref=refs[i] if i < len(refs) else None)
        for i, b in enumerate(bodies)
    ]


def _content_text(doc: Document, sections: tuple[Section, ...]) -> str:
    """The document text with boilerplate sections blanked (offsets preserved)."""
    text = doc.text
    if not any(s.kind == BOILERPLATE for s in sections):
        return text
    chars = list(text)
    for s in sections:
        if s.kind == BOILERPLATE:
            chars[s.start : s.end] = " " * (s.end - s.start)
    return "".join(chars)


_CONTENT_KINDS = frozenset(
    {"innstilling", "vedlegg", "saksopplysninger", "saken_gjelder", "vurdering", "bakgrunn", "vedtak", "sammendrag", "innledning"}
)


_GENERIC_TITLE = re.compile(r"^(?:møteprotokoll|protokoll|referat|rapport|saksfr[ae]mlegg|notat|møtebok)$", re.IGNORECASE)


def _title(text: str, sections: tuple[Section, ...], doc_type: DocType) -> str | None:
    head = text[:HEAD_CHARS]
    for label in ("Tittel", "Emne", "Subject", "Saksprotokoll", "Saksframlegg", "Saksfremlegg", "Møteprotokoll",
                  "Referat", "Notat"):
        m = re.search(rf"^{label}\s*:[ \t]*(\S.*)(?:\n(?!\w+:)(\S.{{0,80}}))?$", head, re.MULTILINE)
        if m:
            rest = m.group(2) if m.group(2) and not is_poor_title(m.group(2)) else None  # not "Hei."
            return " ".join(x for x in (m.group(1), rest) if x).strip()
    m = _BEHANDLING_OF_CASE.search(text[:300])
    if m and _BODY_WORD.search(_genitive_to_body(m.group("body"))):
        ref = f" av sak {m.group('ref')}" if m.group("ref") else ""
        return f"{m.group('body').strip()} behandling{ref}"
    if doc_type == DocType.SAKSFREMLEGG:
        first_content = next((s for s in sections if s.kind in _CONTENT_KINDS and s.heading), None)
        if first_content is not None:
            region = text[: first_content.start]
            cut = region.rfind(first_content.heading)
            title = _last_paragraph(region[:cut] if cut >= 0 else region)
            if title:
                return title
    return _first_paragraph(head)


def _first_paragraph(head: str) -> str | None:
    """Title from the first blank-line separated block that is not a field or an address.

    One line, extended while lines are short ALL CAPS (letterhead-style "HENNING SKOLE /
    REFERAT") or the title so far is a generic word ("Rapport" + the next line or block).
    """
    blocks: list[list[str]] = []
    value_of_label = False  # the block after "Saksbehandler" (a label alone) is its value, a name
    for block in re.split(r"\n\s*\n", head):
        lines = [ln.strip().lstrip("#").strip() for ln in block.split("\n")]
        lines = [ln for ln in lines if ln and ln != "\f"]
        after_label, value_of_label = value_of_label, bool(lines) and all(_is_label(ln) for ln in lines)
        if not lines or any(_ADDRESS.match(ln) for ln in lines[:4]) and len(lines) <= 4:
            continue  # an address block ("Postboks 2530 / 7729 STEINKJER"); a long block is prose
        lines = [ln for ln in lines if not _ADDRESS.match(ln)]
        if after_label and len(lines) == 1 and len(lines[0].split()) <= 6:
            continue
        kept = [
            ln
            for ln in lines
            if not _is_field(ln) and any(c.isalpha() for c in ln) and not re.match(r"^[A-ZÆØÅ][\wæøå]{2,15}:\s", ln)
            and not is_poor_title(ln)
        ]
        utvalg = [m.group(1) for ln in lines if (m := re.match(r"^(?:utvalg|utval)\s*:\s*(\S.*)$", ln, re.IGNORECASE))]
        if utvalg and blocks:
            blocks.append(utvalg)
        elif kept:
            blocks.append(kept)
    if not blocks:
        return None
    title = blocks[0][0]
    rest = blocks[0][1:]
    while rest and (_GENERIC_TITLE.match(title.split()[-1]) or (title.isupper() and len(rest[0]) <= 40 and rest[0].isupper())):
        title = f"{title} {rest.pop(0)}"
    if _GENERIC_TITLE.match(title) and len(blocks) > 1:
        title = f"{title} {blocks[1][0]}"
    return title[:300] if len(title) >= 4 else None


# the municipality's name alone, as in a letterhead ("Bærum kommune", "Trøndelag fylkeskommune")
_LETTERHEAD = re.compile(r"^[A-ZÆØÅ][\wæøå-]*(?:\s+[A-ZÆØÅ][\wæøå-]*){0,2}\s+(?:fylkes)?kommune$")
_ADDRESS = re.compile(r"^(?:postboks|pb\.?\s|\d{4}\s+[A-ZÆØÅ]{2,}\b)", re.IGNORECASE)
_BODY_NAME = re.compile(
    r"^(?:(?:hoved)?utvalg\b.*|hovudutval\b.*|[A-ZÆØÅ][\wæøå-]*(?:styre|styret|utvalg|utvalget|utval|utvalet|"
    r"formannskap|formannskapet|råd|rådet|komite|komiteen|nemnd|nemnda))$"
)


def _is_field(line: str) -> bool:
    """A header field, label, number or body name — not title text."""
    s = line.strip()
    return (
        not s
        or bool(_FIELD_LINE.match(s))
        or bool(_TABLE_LABEL.match(s))
        or bool(re.fullmatch(r"[\d./\s-]+", s))
        or (bool(re.fullmatch(r"[\w./-]+", s)) and bool(re.search(r"\d+/\d+", s)))
        or bool(re.match(r"^saksfr[ae]mlegg$", s, re.IGNORECASE))
        or bool(re.search(r"\d{2} \d{2} \d{2} \d{2}|^(?:vår|deres)\s+(?:dato|ref)", s, re.IGNORECASE))
        or (len(s) <= 60 and not re.search(r"\d", s) and bool(_BODY_NAME.match(s)))
        or bool(_LETTERHEAD.match(s))
        or bool(re.match(r"^[A-ZÆØÅ][\wæøå-]*(?:\s+[A-ZÆØÅ][\wæøå-]*){0,2}\s+(?:fylkes)?kommune\b.*:", s))  # "X kommune Vedtatt dato: …"
        or (s.endswith(":") and len(s) <= 40)  # a label: "Dato for siste mindre endring:"
    )


def _is_label(line: str) -> bool:
    """A header label with its value elsewhere: "Saksbehandler", "Vår ref:", "Saksbehandler, innvalgstelefon"."""
    s = line.strip()
    return bool(_FIELD_LINE.match(s)) and not re.search(r"\d", s) and (s.endswith(":") or len(s.split()) <= 3)


def _last_paragraph(region: str) -> str | None:
    """The last run of non-field lines in ``region`` (a saksframlegg title above its first heading)."""
    lines = [ln.strip() for ln in region.split("\n")]
    out: list[str] = []
    for ln in reversed(lines):
        if not ln or ln == "\f" or _is_field(ln) or ln.endswith(":") or " | " in ln:  # " | ": a table row
            if out:
                break
            continue
        out.append(ln)
    title = " ".join(reversed(out)).strip()
    return title[:300] if len(title) >= 4 else None


def _doc_type(doc: Document, text: str) -> DocType:
    head = text[:600].lower()
    if re.search(r"\bsaksfr[ae]mlegg\b", head) or (
        re.search(r"\bsaksgang\b", head) and re.search(r"forslag til (vedtak|innstilling)|tilrår|innstilling til vedtak", text[:3000].lower())
    ):
        return DocType.SAKSFREMLEGG
    if re.search(r"møteprotokoll|saksprotokoll|møtebok|\bprotokoll\b|\breferat\b|behandling av sak|møtereferat", head):
        return DocType.MOTEPROTOKOLL
    if re.search(r"\b(sluttrapport|rapport|evaluering|årsrapport|årsmelding|utredning)\b", text[:300].lower()):
        return DocType.RAPPORT
    pages = [p for p in doc.pages if p.text.strip()]
    if len(pages) >= 5 and sorted(len(p.text) for p in pages)[len(pages) // 2] < 500:
        return DocType.PRESENTASJON
    if re.search(r"\b(presentasjon|lysark)\b", head):
        return DocType.PRESENTASJON
    return DocType.ANNET


def municipality_from_path(path: str) -> Municipality | None:
    """A municipality named by a folder of ``path`` (nearest folder first), e.g. ``steinkjer/123.txt``."""
    for part in reversed(PurePath(path).parts[:-1]):
        cands = lookup(part.replace("_", " ")) or lookup(part.replace("_", "-"))
        current = [c for c in cands if not c.former]
        if len(current) == 1:
            return current[0]
        if cands:
            return Municipality(name=cands[0].name, former=not current)
    return None


def _main_date(text: str, meetings: tuple[Meeting, ...], doc_type: DocType) -> dt.date | None:
    for m in meetings:
        if m.date:
            return m.date
    head = text[:HEAD_CHARS]
    m = re.search(
        r"(?:^|\n)\s*(?:Møtedato|Dato|Sendt|Date|Vedtatt dato|Brevdato)\s*:?[ \t]*\n?[ \t]*([^\n]{6,30})", head, re.IGNORECASE
    )
    if m and parse_date(m.group(1)):
        return parse_date(m.group(1))
    if doc_type != DocType.SAKSFREMLEGG:
        return parse_date(text[:600])
    return None


def extract_metadata(doc: Document, *, municipality: str | None = None, path: str | None = None) -> DocumentMeta:
    """Metadata for ``doc``. Municipality: ``municipality`` argument, else a municipality folder in
    ``path``, else the text (letterhead and frequency; boilerplate sections ignored)."""
    sections = doc.sections or split_sections(doc)
    text = _content_text(doc, sections)
    meetings = parse_meetings(text)
    case = _CASE_NUMBER.search(text[: HEAD_CHARS * 2])
    sb = _SAKSBEHANDLER.search(text[: HEAD_CHARS * 2])
    # running headers/footers (a letterhead on every page) were removed from the text but name the sender
    letterhead = "\n".join(doc.furniture)
    muni_name, muni_number = _municipality(f"{letterhead}\n{text}" if letterhead else text, municipality, path)
    doc_type = _doc_type(doc, text)
    date, dates = _main_date(text, meetings, doc_type), parse_dates(text)
    case_number = case.group(1) if case else None
    title = better_title(
        _title(text, sections, doc_type),
        first_page_headings=doc.pages[0].heading_lines if doc.pages else (),
        file_title=doc.file_title,
        slides=doc_type == DocType.PRESENTASJON,
    )
    return DocumentMeta(
        title=title,
        doc_type=doc_type,
        municipality=muni_name,
        municipality_number=muni_number,
        case_number=case_number,
        meetings=meetings,
        saksbehandler=re.split(r"\s+(?:Arkiv|Dato|Tidsfrist|Tlf|Telefon)\b", sb.group(1))[0].strip() if sb else None,
        date=date,
        dates=dates,
        year=document_year(date, case_number, dates),
        language=detect_language(text),
    )


def _municipality(text: str, explicit: str | None, path: str | None) -> tuple[str | None, str | None]:
    if explicit:
        cands = [c for c in lookup(explicit) if not c.former]
        return explicit, cands[0].number if len(cands) == 1 else None
    found = municipality_from_path(path) if path else None
    if found is None:
        found = find_municipality(text)
    if found is None:
        return None, None
    return found.name, found.number
