"""The closed vocabularies people type — hit and finding types, polarity, document types,
themes, municipalities, search modes — and the dates and ranges they give, checked once for
the CLI and the web app/API.

Each check returns the canonical value (``"Experience"`` → ``"experience"``, ``"sykefravær"`` →
``"sykefravaer"``, ``"steinkjer"`` → ``"Steinkjer"``) or raises
:class:`~saksfinn.models.errors.InvalidValueError` with one Norwegian line that names the
valid values, or the closest municipality ("mente du Steinkjer?").
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from saksfinn.extractors.gazetteer import lookup, municipality_names, norwegian_order
from saksfinn.extractors.themes import THEMES
from saksfinn.models import FINDING_TYPES, DocType
from saksfinn.models.errors import InvalidValueError

HIT_TYPES: tuple[str, ...] = ("passage", *FINDING_TYPES)
POLARITIES: tuple[str, ...] = ("positive", "negative")
DOC_TYPES: tuple[str, ...] = tuple(d.value for d in DocType)
THEME_IDS: tuple[str, ...] = tuple(THEMES)
SEARCH_MODES: tuple[str, ...] = ("hybrid", "bm25", "dense")
MIN_YEAR, MAX_YEAR = 1900, 2100

_DATE_FORMATS = (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$"))


def _key(value: str) -> str:
    """Case, spacing and æøå spelling folded: 'Sykefravær' and 'sykefravaer' meet."""
    s = " ".join(value.split()).casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).replace(" ", "-")


def _suggestion(value: str, candidates: dict[str, str]) -> str | None:
    close = difflib.get_close_matches(_key(value), list(candidates), n=1, cutoff=0.7)
    return candidates[close[0]] if close else None


def choose(label: str, value: str | None, allowed: Sequence[str]) -> str | None:
    """``value`` as spelled in ``allowed`` (``None`` stays ``None``), else InvalidValueError."""
    if value is None:
        return None
    by_key = {_key(a): a for a in allowed}
    if _key(value) in by_key:
        return by_key[_key(value)]
    near = _suggestion(value, by_key)
    hint = f"mente du {near}? Gyldige verdier: " if near else "bruk "
    raise InvalidValueError(f"ukjent {label} «{value}» — {hint}{', '.join(allowed)}")


def hit_type(value: str | None) -> str | None:
    return choose("type", value, HIT_TYPES)


def finding_type(value: str | None) -> str | None:
    return choose("funntype", value, FINDING_TYPES)


def polarity(value: str | None) -> str | None:
    return choose("polaritet", value, POLARITIES)


def doc_type(value: str | None) -> str | None:
    return choose("dokumenttype", value, DOC_TYPES)


def theme(value: str | None) -> str | None:
    """A theme id, also spelled with æøå ('sykefravær' → 'sykefravaer')."""
    return choose("tema", value, THEME_IDS)


def search_mode(value: str | None) -> str | None:
    return choose("søkemodus", value, SEARCH_MODES)


def known_municipalities(extra: Iterable[str] = ()) -> list[str]:
    """The gazetteer's municipalities (current and former) and ``extra`` (say, those in the
    archive), in Norwegian alphabetical order."""
    return sorted({*municipality_names(), *(e for e in extra if e and e != "ukjent")}, key=norwegian_order)


def municipality(value: str | None, extra: Iterable[str] = ()) -> str | None:
    """The municipality called ``value`` (gazetteer spelling, also for variants such as Sami
    names), or one of ``extra`` (names already in the archive); else InvalidValueError with the
    closest name."""
    if value is None or not value.strip():
        return None
    value = " ".join(value.split())
    found = lookup(value) or lookup(value.replace(" ", "-"))
    if found:
        return found[0].name
    by_key = {_key(n): n for n in known_municipalities(extra)}
    if _key(value) in by_key:
        return by_key[_key(value)]
    near = _suggestion(value, by_key)
    hint = f"mente du {near}?" if near else "skriv kommunenavnet slik det står i kommuneregisteret"
    raise InvalidValueError(f"ukjent kommune «{value}» — {hint}")


# ---- dates and ranges ------------------------------------------------------------------------

class Period(NamedTuple):
    """Inclusive dates; ``None`` means open at that end."""

    start: dt.date | None
    end: dt.date | None

    @property
    def year_from(self) -> int | None:
        return self.start.year if self.start else None

    @property
    def year_to(self) -> int | None:
        return self.end.year if self.end else None

    def contains(self, day: dt.date | None, year: int | None = None) -> bool:
        """Whether a document dated ``day`` (or, undated, of ``year``) falls inside; a document
        with neither is outside any bounded period."""
        if day is not None:
            return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)
        if year is None:
            return self.start is None and self.end is None
        return (self.start is None or year >= self.start.year) and (self.end is None or year <= self.end.year)


def parse_when(value: str | int | None, option: str, *, end: bool = False) -> dt.date | None:
    """A year (``2025``: 1 January, or 31 December when ``end``) or a date (``2025-03-01`` or
    ``01.03.2025``); InvalidValueError naming ``option`` otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}", text):
            year = int(text)
            day = dt.date(year, 12, 31) if end else dt.date(year, 1, 1)
        elif m := _DATE_FORMATS[0].match(text):
            day = dt.date(int(m[1]), int(m[2]), int(m[3]))
        elif m := _DATE_FORMATS[1].match(text):
            day = dt.date(int(m[3]), int(m[2]), int(m[1]))
        else:
            raise ValueError(text)
    except ValueError:
        raise InvalidValueError(
            f"{option} må være et år (2025) eller en dato (2025-03-01 eller 01.03.2025), ikke «{text}»"
        ) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidValueError(f"{option} må ligge mellom {MIN_YEAR} og {MAX_YEAR}, ikke «{text}»")
    return day


def period(since: str | int | None, until: str | int | None, names: tuple[str, str] = ("--since", "--until")) -> Period:
    """The inclusive period from ``since`` to ``until``; an inverted one is an error, not a swap."""
    start = parse_when(since, names[0])
    stop = parse_when(until, names[1], end=True)
    if start and stop and start > stop:
        raise InvalidValueError(f"{names[0]} ({since}) er etter {names[1]} ({until}) — bytt om på dem")
    return Period(start, stop)


def check_years(year_from: int | None, year_to: int | None) -> None:
    """An inverted year range is an error."""
    if year_from is not None and year_to is not None and year_from > year_to:
        raise InvalidValueError(f"år fra ({year_from}) er etter år til ({year_to}) — bytt om på dem")


def fraction(value: float | None, option: str) -> float | None:
    """``value`` when it lies in [0, 1] (``None`` stays ``None``); InvalidValueError otherwise."""
    if value is None:
        return None
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        raise InvalidValueError(f"{option} må være mellom 0 og 1 (0,85 = 85 %), ikke {value:g}")
    return value


def positive(value: int, option: str, *, most: int | None = None) -> int:
    """``value`` when 1 ≤ value (≤ most); InvalidValueError naming ``option`` otherwise."""
    if value < 1 or (most is not None and value > most):
        bound = f"mellom 1 og {most}" if most is not None else "minst 1"
        raise InvalidValueError(f"{option} må være {bound}, ikke {value}")
    return value
