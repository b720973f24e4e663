"""Goals: *mål*, *hovedmål*, *effektmål*, *resultatmål*, *delmål*, *målsetting* a document states.

Found in ``Document.text`` by four patterns (Bokmål and Nynorsk):

* a label with a colon — ``Hovedmål: …``, ``Målsetning med X: …``,
  ``Programmets mål innenfor tema sykefravær: …`` (text inline or on the next lines);
* ``Målet (med X) er å …`` / ``Målsettingen er at …``;
* ``… målet om …``;
* ``… med mål om å …`` / ``… har som mål å …``.

``Goal.text`` is the goal itself (the span after the marker, to the end of the sentence);
``kind`` is the marker's lemma (``hovedmål``, ``effektmål``, ``målsetting``, ``mål``...).
A numeric target in the goal ("minimum 205 millioner kroner", "til 7 %") fills
``target`` (as written), ``target_value`` and ``target_unit``; amounts in millions or
billions of kroner are normalised to kroner (205 millioner kroner → 205000000.0, "kroner").
"""

from __future__ import annotations

import logging
import re

from saksfinn.extractors.textspans import in_boilerplate, locate, squash, trim_span
from saksfinn.extractors.themes import classify_themes
from saksfinn.models.document import Document
from saksfinn.models.findings import Goal

log = logging.getLogger(__name__)

NAME = "goals"
VERSION = "2"
EXTRACTOR = f"{NAME}@{VERSION}"

_KIND = (
    r"(?P<kind>hovedmål(?:et)?|hovudmål(?:et)?|effektmål(?:et|ene)?|resultatmål(?:et|ene)?|delmål(?:et|ene)?"
    r"|overordnet\s+mål|målsetting(?:en|a)?|målsetning(?:en)?|målsetjing(?:a)?|mål(?:et)?)"
)
_LABEL_TAIL = r"(?:\s+\d{1,2}(?:\.\d{1,2})?)?(?:\s+(?:med|for|innenfor|i)\s+[^:\n.]{1,80}?)?\s*\**:\**[ \t]*"
_LABEL_RE = re.compile(
    r"(?:^|(?<=[.!?»]\s)|(?<=\n))[ \t#*]*" + _KIND + _LABEL_TAIL, re.IGNORECASE | re.MULTILINE
)
_OWNED_LABEL_RE = re.compile(
    r"\b(?:programmets|prosjektets|kommunens|tiltakets|planens|satsingens)\s+" + _KIND + _LABEL_TAIL,
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(
    r"\b(?P<kind>hovedmålet|hovudmålet|målet|målsettingen|målsettinga|målsetjinga|målsetningen|effektmålet"
    r"|resultatmålet|delmålet)(?:\s+(?:med|for)\s+[^.\n]{1,80}?)?\s+(?:er|var|blir)\s+(?=(?:å|at)\b|\d)",
    re.IGNORECASE,
)
_ABOUT_RE = re.compile(r"\b(?P<kind>målet|målsettingen|målsetjinga)\s+om\s+", re.IGNORECASE)
_HAS_GOAL_RE = re.compile(
    r"\b(?:med\s+(?:et\s+|eit\s+)?(?P<kind>mål)\s+om|har\s+som\s+(?P<kind2>(?:hoved)?mål)|som\s+(?P<kind3>mål)\s+(?=å\b))\s+",
    re.IGNORECASE,
)
_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ«\"(\d])|\n\s*\n|\n\f|;|\*\*|(?<![-,])\n(?=\s*[A-ZÆØÅ•▪➢\-–])")
_SCALE = {"millioner": 1e6, "mill": 1e6, "mill.": 1e6, "milliarder": 1e9, "mrd": 1e9, "mrd.": 1e9}
_TARGET_RE = re.compile(
    r"(?P<target>(?:(?:minimum|minst|maksimum|maks|maksimalt|under|over|inntil|ned\s+til|opp\s+til|til|på|om lag|ca\.)\s+)?"
    r"(?P<num>\d{1,3}(?:[  .]\d{3})+|\d+(?:,\d+)?)\s*"
    r"(?P<unit>%|prosent|prosentpoeng|(?:millioner|mill\.?|milliarder|mrd\.?)\s*(?:kroner|kr\.?)|kroner|kr\.?(?!\w)"
    r"|personer|årsverk|plasser|plassar|elever|elevar|deltakere|deltakarar|stillinger|stillingar|timer|timar"
    r"|dager|dagar|uker|veker|boliger|bustader|innbyggere|innbyggjarar))",
    re.IGNORECASE,
)


def parse_target(text: str) -> tuple[str | None, float | None, str | None]:
    """First numeric target in ``text`` → (as written, value, unit); Nones when absent."""
    match = _TARGET_RE.search(text)
    if not match:
        return None, None, None
    raw = match.group("num").replace(" ", "").replace("\u00a0", "").replace(".", "")
    value = float(raw.replace(",", "."))
    unit = match.group("unit").lower()
    scale = re.match(r"(millioner|mill\.?|milliarder|mrd\.?)", unit)
    if scale:
        value *= _SCALE[scale.group(1)]
        unit = "kroner"
    elif unit in ("prosent",):
        unit = "%"
    elif unit.startswith("kr"):
        unit = "kroner"
    return squash(match.group("target")), value, unit


def _kind_lemma(word: str) -> str:
    word = re.sub(r"\s+", " ", word.lower())
    for lemma in ("hovedmål", "hovudmål", "effektmål", "resultatmål", "delmål", "overordnet mål"):
        if word.startswith(lemma):
            return lemma
    if word.startswith(("målsetting", "målsetning", "målsetjing")):
        return "målsetting"
    return "mål"


# a page number left at the end of a typeset page ("... og lokale prosjekter 10"), not after
# a preposition or unit word that would make it part of the goal ("økes til 10")
_PAGE_NUMBER_RE = re.compile(
    r"(?<=[a-zæøå)»])(?<!\bmed)(?<!\btil)(?<!\bpå)(?<!\bav)(?<!\bmot)(?<!\binnen)(?<!\bover)(?<!\bunder)(?<!\bminst)"
    r"(?<!\btrinn)(?<!\bklasse)(?<!\bkapittel)(?<!\bsak)[ \t]+\d{1,3}\s*$"
)


def _goal_end(text: str, start: int) -> int:
    match = _END_RE.search(text, start)
    end = min(match.start() if match else len(text), start + 600)
    page_number = _PAGE_NUMBER_RE.search(text, start, end)
    return page_number.start() if page_number else end


def _candidates(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    labels = list(_LABEL_RE.finditer(text)) + list(_OWNED_LABEL_RE.finditer(text))
    for match in labels:
        start = match.end()
        if text[start : start + 1] in ("\n", ""):
            # goal on the following line(s)
            nxt = re.search(r"\S", text[start:])
            if not nxt or "\n\n" in text[start : start + nxt.start()]:
                continue
            start += nxt.start()
        found.append((start, _goal_end(text, start), match.group("kind")))
    for regex in (_SENTENCE_RE, _ABOUT_RE, _HAS_GOAL_RE):
        for match in regex.finditer(text):
            kind = next(g for g in (match.groupdict().get(k) for k in ("kind", "kind2", "kind3")) if g)
            found.append((match.end(), _goal_end(text, match.end()), kind))
    return found


def extract_goals(doc: Document, nlp: object | None = None) -> list[Goal]:
    """Goals stated in ``doc`` with any numeric target (see module docstring)."""
    text = doc.text
    out: list[Goal] = []
    taken: list[tuple[int, int]] = []
    for start, end, kind in sorted(_candidates(text)):
        start, end = trim_span(text, start, end)
        goal = squash(text[start:end]).rstrip(".")
        if len(goal.split()) < 3 or "?" in goal[:1] or in_boilerplate(doc, start):
            continue
        if any(s <= start < e for s, e in taken):
            continue
        taken.append((start, end))
        target, value, unit = parse_target(goal)
        page, section = locate(doc, start)
        out.append(
            Goal(
                document_id=doc.document_id,
                page=page,
                section=section,
                start=start,
                end=end,
                text=goal,
                extractor=EXTRACTOR,
                themes=classify_themes(f"{goal} {section or ''}"),
                kind=_kind_lemma(kind),
                target=target,
                target_value=value,
                target_unit=unit,
            )
        )
    log.debug("%s: %d goals", doc.document_id[:12], len(out))
    return out
