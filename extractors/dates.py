"""Dates and years in Norwegian case papers: ``dd.mm.yyyy``, ``d.m.yy``, ``25. mars 2020``.

Calendar dates (``datetime.date``, no time zone); years outside 1900–2100 are not dates.
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    "januar": 1, "jan": 1, "februar": 2, "feb": 2, "mars": 3, "mar": 3, "april": 4, "apr": 4,
    "mai": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "desember": 12, "des": 12,
}  # fmt: skip
_NUMERIC_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d])")
_WORD_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\.\s*(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+(\d{4})\b",
    re.IGNORECASE,
)


def parse_dates(text: str) -> tuple[dt.date, ...]:
    """Every valid date written in ``text``, in order of appearance (duplicates kept once)."""
    found: list[tuple[int, dt.date]] = []
    for m in _NUMERIC_DATE.finditer(text):
        d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
        year = int(y) if len(y) == 4 else 2000 + int(y)
        date = _valid(year, mo, d)
        if date:
            found.append((m.start(), date))
    for m in _WORD_DATE.finditer(text):
        date = _valid(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
        if date:
            found.append((m.start(), date))
    found.sort(key=lambda t: t[0])
    return tuple(dict.fromkeys(d for _, d in found))


def parse_date(text: str) -> dt.date | None:
    """The first date in ``text``, or ``None``."""
    dates = parse_dates(text)
    return dates[0] if dates else None


def _valid(year: int, month: int, day: int) -> dt.date | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_exact_date(text: str) -> dt.date | None:
    """``text`` that is one date ``dd.mm.yyyy`` (or ``dd.mm.yy``: 00–69 → 20xx) → date; else ``None``."""
    match = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})", text.strip())
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    if year < 100:
        year += 2000 if year < 70 else 1900
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def document_year(date: dt.date | None, case_number: str | None, dates: tuple[dt.date, ...],
                  today: dt.date | None = None) -> int | None:
    """The year a document belongs to (see ``DocumentMeta.year``).

    Archive case numbers are ``yyyy/n`` or ``yy/n`` (Elements, ePhorte: "2026/943",
    "21/01234") or ``n/yyyy`` (a meeting's case: "8/2026"). Years outside 1990..next year
    are not believed. Dates after ``today`` (deadlines, plans) are not the document's.
    """
    today = today or dt.date.today()
    if date is not None:
        return date.year
    for year in _case_number_years(case_number or ""):
        if 1990 <= year <= today.year + 1:
            return year
    past = [d for d in dates if d <= today]
    return max(past).year if past else None


def _case_number_years(case_number: str) -> list[int]:
    m = re.fullmatch(r"(?:[A-ZÆØÅ]{2,6}-)?(\d{1,4})/(\d{1,6})(?:-\d{1,4})?", case_number.strip())
    if not m:
        return []
    first, second = m.groups()
    if len(first) == 4:
        return [int(first)]
    if len(second) == 4 and len(first) <= 3:
        return [int(second)]
    return [2000 + int(first)] if len(first) == 2 else []
