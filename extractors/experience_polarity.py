"""The polarity of an experience: from its heading, or from its own wording.

The heading rules say which lines head a list of experiences and with what polarity
(:func:`heading_polarity`: *Suksessfaktorer* → positive, *Utfordringer* → negative,
*Læringspunkter* → neutral, Bokmål and Nynorsk); :func:`word_polarity` reads an item under a
neutral heading, or a statement, by its negative and positive cue words.
"""

from __future__ import annotations

import re

MARKERS_RE = re.compile(r"^[\s#■▪●•*\-–]*(?:\d{1,2}(?:\.\d{1,2})*[.)]?\s+)?")
_POSITIVE_HEADING_RE = re.compile(
    r"^(?:positive\s+erfaring|gode\s+erfaring|hva\s+(?:har\s+)?fungert(?:e)?\s+(?:godt|bra)"
    r"|kva\s+(?:har\s+)?fungert(?:e)?\s+(?:godt|bra)|det\s+som\s+fungerte(?:\s+godt)?|suksessfaktor"
    r"|suksesskriteri|kritiske\s+suksessfaktor|styrker\b|dette\s+fungerte|hva\s+lyktes|kva\s+lukkast|positivt\b)",
    re.IGNORECASE,
)
_NEGATIVE_HEADING_RE = re.compile(
    r"^(?:negative\s+erfaring|dårlige\s+erfaring|dårlege\s+erfaring"
    r"|hva\s+(?:har\s+)?fungert(?:e)?\s+(?:dårlig|mindre\s+(?:godt|bra)|ikke)"
    r"|kva\s+(?:har\s+)?fungert(?:e)?\s+(?:dårleg|mindre\s+(?:godt|bra)|ikkje)"
    r"|hva\s+kunne\s+vært\s+bedre|kva\s+kunne\s+vore\s+betre|forbedringspunkt|forbetringspunkt"
    r"|utfordringer\b|utfordringar\b|utfordringene\b|utfordringane\b|svakheter\b|svakheiter\b|barrierer\b"
    r"|hindringer\b|negativt\b"
    r"|det\s+som\s+fungerte\s+(?:dårlig|mindre\s+godt))",
    re.IGNORECASE,
)
_NEUTRAL_HEADING_RE = re.compile(
    r"^(?:læringspunkt|lærdom|lærdommer|råd\s+for\s+veien\s+videre|råd\s+for\s+vegen\s+vidare"
    r"|råd\s+videre|erfaringer\s+med\s+innføring|erfaringar\b|erfaringer\b|erfaringene\b|erfaringane\b"
    r"|læring\s+og\s+erfaring"
    r"|viktige\s+erfaring|erfaringer\s+og\s+læring|hva\s+har\s+vi\s+lært|kva\s+har\s+vi\s+lært)",
    re.IGNORECASE,
)

# wording cues for items under neutral headings and for statements
_NEGATIVE_CUES = re.compile(
    r"\b(?:ikke|ikkje|ingen|mangl\w*|vanskelig\w*|vanskeleg\w*|dårlig\w*|dårleg\w*|for\s+lite|for\s+mange"
    r"|for\s+liten|uklar\w*|utfordr\w*|problem\w*|svak\w*|ressurskrevende|krevende|krevjande|sluttet"
    r"|avslutt(?:et|a)\s+før|uro\b|manglende|uoversiktlig|risiko|bekymring|stoppet|forsink\w*|feil\b"
    r"|negativ\w*|urovekkende|savn\w*|behov\s+for)",
    re.IGNORECASE,
)
_POSITIVE_CUES = re.compile(
    r"\b(?:vellykket|vellukka|gode?\b|godt|bra\b|fornøyd\w*|lykkes|lyktes|oppnår|oppnådd|positiv\w*"
    r"|styrk\w*|økt\w*|bedre|betre|effektiv\w*|viktig\w*|trivdes|suksess\w*|fungerer|nøgd\w*|lukka\w*|lukkast)",
    re.IGNORECASE,
)


def heading_polarity(text: str) -> str | None:
    """``positive``/``negative``/``neutral`` when ``text`` is an experience heading line."""
    raw = text.strip()
    if not raw or len(raw) > 80 or raw.endswith((".", ",", ";")):
        return None
    body = MARKERS_RE.sub("", raw).strip(" :*")
    if not body or len(body.split()) > 9 or ":" in body:
        return None  # "Suksessfaktorer: Stabil gruppe" is an inline list, not a heading line
    if _NEGATIVE_HEADING_RE.match(body):
        return "negative"
    if _POSITIVE_HEADING_RE.match(body):
        return "positive"
    if _NEUTRAL_HEADING_RE.match(body):
        return "neutral"
    return None


def word_polarity(text: str, default: str = "positive") -> str:
    """``negative`` when negative cues outweigh positive ones (×1.5), ``positive`` when there are
    positive cues, else ``default``."""
    negative = len(_NEGATIVE_CUES.findall(text))
    positive = len(_POSITIVE_CUES.findall(text))
    if negative * 1.5 > positive:
        return "negative"
    if positive:
        return "positive"
    return default
