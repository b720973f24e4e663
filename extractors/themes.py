"""Theme classification over a fixed vocabulary (Bokmål and Nynorsk).

:func:`classify_themes` lower-cases and stems the words of a text (Snowball Norwegian,
which also conflates most Nynorsk endings) and looks for theme roots inside them, so
compounds match (``sykefraværsarbeidet`` → ``sykefravaer``, ``heiltidskultur`` → ``heltid``).
Roots marked *anchored* must start the word (short roots like ``lean``, ``skol``).
The result is a sorted tuple of theme ids from :data:`THEMES`; empty when nothing matched.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache

from saksfinn.extractors.stems import stem_words
from saksfinn.models.document import Document
from saksfinn.models.findings import Finding

THEMES: dict[str, str] = {
    "heltid": "Heltid/deltid (heltidskultur)",
    "sykefravaer": "Sykefravær/nærvær",
    "kompetanse": "Kompetanse og rekruttering",
    "omdomme": "Omdømme",
    "innovasjon": "Innovasjon",
    "digitalisering": "Digitalisering",
    "lean": "Lean/forbedring",
    "okonomi": "Økonomi",
    "helse_omsorg": "Helse og omsorg",
    "oppvekst": "Oppvekst",
    "plan_areal": "Plan og areal",
}

# (root, anchored): roots are matched against lower-cased stems and raw words
_ROOTS: dict[str, tuple[tuple[str, bool], ...]] = {
    "heltid": (("heltid", False), ("heiltid", False), ("deltid", False), ("stillingsstørrels", False),
               ("hele stilling", False), ("heile stilling", False), ("ufrivillig deltid", False)),
    "sykefravaer": (("sykefravær", False), ("sjukefråvær", False), ("sjukefravær", False),
                    ("nærvær", True), ("nærværs", False), ("fravær", True), ("fråvær", True),
                    ("sykemeld", False), ("sjukmeld", False), ("ia-avtal", False)),
    "kompetanse": (("kompetans", False), ("rekrutt", False), ("opplæring", False), ("opplæring", False),
                   ("etterutdann", False), ("videreutdann", False), ("vidareutdann", False),
                   ("lærling", True), ("rekrutter", False)),
    "omdomme": (("omdømm", False), ("omdøm", True), ("omdøme", False), ("merkevar", False),
                ("attraktiv arbeidsgiv", False), ("synliggjør", True)),
    "innovasjon": (("innovasj", False), ("innovativ", False), ("nyskaping", False), ("nyskap", True),
                   ("tjenestedesign", False), ("tenestedesign", False)),
    "digitalisering": (("digitali", False), ("digital", True), ("velferdsteknolog", False),
                       ("kunstig intelligens", False), ("automatiser", False), ("it-", True),
                       ("ikt", True), ("elektronisk", True)),
    "lean": (("lean", False), ("forbedringsarbeid", False), ("forbetringsarbeid", False),
             ("kontinuerlig forbedr", False), ("forbedringsprogram", False), ("forbedringsprosjekt", False),
             ("prosessforbedr", False), ("verdistrøm", False), ("forbetring", True), ("forbedring", True),
             ("gevinstrealiser", False), ("effektivis", False)),
    "okonomi": (("økonomi", False), ("budsjett", False), ("regnskap", False), ("rekneskap", False),
                ("driftsresultat", False), ("besparels", False), ("innsparing", False), ("kostnad", False),
                ("millioner kroner", False), ("mill. kr", False), ("økonomiplan", False), ("tilskudd", True),
                ("tilskot", True), ("lån", True), ("investering", False), ("utbytte", False)),
    "helse_omsorg": (("helse", False), ("omsorg", False), ("sykehjem", False), ("sjukeheim", False),
                     ("hjemmetjenest", False), ("heimetenest", False), ("pleie", True), ("eldre", True),
                     ("pasient", False), ("rehabiliter", False), ("psykisk", True), ("legevakt", False),
                     ("sykepleie", False), ("sjukepleie", False)),
    "oppvekst": (("oppvekst", False), ("barnehag", False), ("skole", False), ("skule", False),
                 ("elev", True), ("barnevern", False), ("ungdom", False), ("skolerute", False),
                 ("sfo", True), ("kultursku", False)),
    "plan_areal": (("reguleringsplan", False), ("detaljplan", False), ("detaljregul", False),
                   ("områderegul", False), ("arealplan", False), ("arealdel", False), ("kommuneplan", False),
                   ("plankart", False), ("planbestemmels", False), ("føresegn", False),
                   ("reguleringsføresegn", False), ("plan- og bygningslov", False), ("plan-og bygningslov", False),
                   ("dispensasj", False), ("byggesak", False), ("tomt", True), ("areal", True),
                   ("konsesj", False), ("gnr", True), ("planforslag", False), ("planområd", False)),
}

_WORD_RE = re.compile(r"[\wæøåÆØÅ\-]+")


def _root_hits(root: str, anchored: bool, lower: str, tokens: list[str]) -> int:
    if " " in root or root.startswith("-"):
        return lower.count(root)
    if anchored:
        return sum(1 for token in tokens if token.startswith(root))
    return sum(1 for token in tokens if root in token)


def theme_counts(text: str, stemmer: Callable[[list[str]], list[str]] | None = None) -> dict[str, int]:
    """How many words of ``text`` hit each theme's roots (themes with no hit are left out)."""
    lower = text.lower()
    words = _WORD_RE.findall(lower)
    stems = (stemmer or stem_words)(words)
    counts: Counter[str] = Counter()
    # a word counts once per theme even if both its form and its stem match; words repeat a
    # lot, so each distinct (form, stem) is matched against the roots once
    for (word, stem), n in Counter(zip(words, stems)).items():
        for theme in _word_themes(word, stem):
            counts[theme] += n
    for theme, roots in _ROOTS.items():
        counts[theme] += sum(lower.count(root) for root, _ in roots if " " in root)
    return {theme: hits for theme, hits in counts.items() if hits}


@lru_cache(maxsize=200_000)
def _word_themes(word: str, stem: str) -> tuple[str, ...]:
    variants = [word] if word == stem else [word, stem]
    return tuple(
        theme for theme, roots in _ROOTS.items()
        if any(_root_hits(root, anchored, "", variants) for root, anchored in roots if " " not in root)
    )


def document_themes(doc: Document, findings: Iterable[Finding] = (), min_hits: int = 3) -> tuple[str, ...]:
    """Themes of a whole document: those of its findings and its title, plus every theme
    whose roots occur at least ``min_hits`` times in its text (sorted ids)."""
    found: set[str] = set()
    for finding in findings:
        found.update(finding.themes)
    if doc.meta.title:
        found.update(classify_themes(doc.meta.title))
    found.update(theme for theme, hits in theme_counts(doc.text).items() if hits >= min_hits)
    return tuple(sorted(found))


def passage_themes(text: str, min_hits: int = 2) -> tuple[str, ...]:
    """Themes of a search passage: those whose roots occur at least ``min_hits`` times in
    it (one passing mention of "budsjett" does not make a passage about økonomi)."""
    return tuple(sorted(theme for theme, hits in theme_counts(text).items() if hits >= min_hits))


def classify_themes(text: str, nlp: object | None = None, stemmer: Callable[[list[str]], list[str]] | None = None) -> tuple[str, ...]:
    """Theme ids whose roots occur in ``text`` (sorted). ``nlp`` is accepted for symmetry
    with the extractors and not needed; ``stemmer`` overrides the Snowball stemmer."""
    if not text:
        return ()
    lower = text.lower()
    words = _WORD_RE.findall(lower)
    stems = (stemmer or stem_words)(words)
    tokens = set(words) | set(stems)
    found: list[str] = []
    for theme, roots in _ROOTS.items():
        for root, anchored in roots:
            if " " in root or root.startswith("-"):
                hit = root in lower
            elif anchored:
                hit = any(token.startswith(root) for token in tokens)
            else:
                hit = any(root in token for token in tokens)
            if hit:
                found.append(theme)
                break
    return tuple(sorted(found))
