"""Body, meeting date and case reference of a decision, from the nearest evidence above its label:
the case header (``Kommunestyrets behandling av sak 8/2026 i møte den 25.03.2026:``), a body+date
line (``Formannskapet 18.03.2026``), a case-ref line (``PTN-139/12``) matched against the
Saksgang table, or ``doc.meta.meetings``.
"""

from __future__ import annotations

import datetime as dt
import re

from saksfinn.extractors.case_lines import CASE_HEADER_RE, CASE_REF_LINE_RE
from saksfinn.extractors.dates import parse_exact_date
from saksfinn.extractors.decision_labels import (
    AGENDA_ITEM_RE,
    BODY_DATE_RE,
    Label,
    is_body,
    is_stop,
)
from saksfinn.extractors.textspans import Line
from saksfinn.models.document import Document, Meeting


def _body_from_genitive(text: str) -> str:
    """``Kommunestyrets`` → ``Kommunestyret``; ``Hovedutvalg helse og omsorgs`` → ``... omsorg``."""
    text = text.strip()
    return text[:-1] if text.endswith("s") and not text.endswith("ss") else text


def _case_context(lines: list[Line], index: int) -> tuple[str | None, dt.date | None, str | None]:
    """Body, date and case ref from the nearest case header above line ``index``."""
    for j in range(index, -1, -1):
        match = CASE_HEADER_RE.match(lines[j].stripped)
        if match:
            date = parse_exact_date(match.group("date")) if match.group("date") else None
            return _body_from_genitive(match.group("body")), date, f"sak {match.group('ref')}"
        if AGENDA_ITEM_RE.match(lines[j].stripped):
            break
    return None, None, None


def saksgang_meetings(lines: list[Line], doc: Document) -> list[Meeting]:
    """Meetings from ``doc.meta.meetings`` or a Saksgang table near the top of the text."""
    if doc.meta.meetings:
        return list(doc.meta.meetings)
    meetings: list[Meeting] = []
    head = lines[:80]
    row_re = re.compile(
        r"^(?P<body>[A-ZÆØÅ][^\d\n]{2,60}?)\s+(?P<date>\d{1,2}\.\d{1,2}\.\d{4})(?:\s+(?P<ref>\d+/\d+))?"
    )
    for idx, line in enumerate(head):
        if not re.match(r"^(?:saksgang|styre/råd/utval|utvalg)\b", line.stripped, re.IGNORECASE):
            continue
        bodies: list[str] = []
        dates: list[dt.date] = []
        for other in head[idx + 1 : idx + 25]:
            text = other.stripped
            row = row_re.match(text)
            if row and parse_exact_date(row.group("date")) and is_body(row.group("body")):
                meetings.append(
                    Meeting(body=row.group("body").strip(), date=parse_exact_date(row.group("date")), case_ref=row.group("ref"))
                )
            elif parse_exact_date(text):
                dates.append(parse_exact_date(text))  # type: ignore[arg-type]
            elif re.fullmatch(r"(?:Formannskap(?:et)?|Kommunestyre(?:t)?|[A-ZÆØÅ][\wæøå]*(?:utvalg(?:et)?|utval(?:et)?|råd(?:et)?))", text):
                bodies.append(text)
        if not meetings and bodies:
            meetings = [
                Meeting(body=b, date=dates[k] if k < len(dates) else None) for k, b in enumerate(bodies)
            ]
        if meetings:
            break
    return meetings


def _meeting_for_ref(meetings: list[Meeting], ref: str) -> Meeting | None:
    number = re.search(r"\d+/\d+", ref)
    if not number:
        return None
    for meeting in meetings:
        if meeting.case_ref and meeting.case_ref == number.group(0):
            return meeting
    return None


def decision_context(
    lines: list[Line], label: Label, meetings: list[Meeting]
) -> tuple[str | None, dt.date | None, str | None]:
    """(body, meeting date, case ref) for a label, from the nearest evidence above it."""
    if label.body or label.date:
        return label.body, label.date, None
    # a case-ref line ("PTN-139/12") or a body+date line ("Formannskapet 18.03.2026") just above
    seen = 0
    for j in range(label.line_index - 1, max(label.line_index - 8, -1), -1):
        text = lines[j].stripped
        if not text:
            continue
        seen += 1
        ref = CASE_REF_LINE_RE.match(text)
        if ref:
            case_ref = re.sub(r"\s", "", ref.group("ref"))
            meeting = _meeting_for_ref(meetings, case_ref)
            return (meeting.body if meeting else None), (meeting.date if meeting else None), case_ref
        body_date = BODY_DATE_RE.match(text)
        if body_date and parse_exact_date(body_date.group("date")) and is_body(body_date.group("body")):
            body, date = body_date.group("body"), parse_exact_date(body_date.group("date"))
            _, _, case_ref = _case_context(lines, label.line_index)
            return body.strip(), date, case_ref
        if seen >= 3 or is_stop(lines, j, set()) and not re.match(r"^behandling", text, re.I):
            break
    body, date, case_ref = _case_context(lines, label.line_index)
    if body is not None:
        if label.kind == "vedtak":
            return body, date, case_ref
        return None, None, case_ref
    if label.kind == "innstilling" and meetings:
        return meetings[0].body, meetings[0].date, meetings[0].case_ref
    if label.kind == "vedtak" and meetings:
        return meetings[-1].body, meetings[-1].date, meetings[-1].case_ref
    return None, None, None

