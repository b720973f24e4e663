"""Features of a sentence unit for the prose classifiers: text views and cheap lexical cues.

Shared by training (``eval/``) and the extractor (:mod:`saksfinn.extractors.prose`), so
both see exactly the same features. Pure functions, no model loading.
"""

from __future__ import annotations

import re

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

# (name, pattern): each cue is one 0/1 feature. Bokmål and Nynorsk forms.
CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("goal_word", r"\b(?:mål(?:et|ene|setting\w*|setning\w*|setjing\w*|bilde\w*)?|formål\w*|føremål\w*|hovedmål\w*|effektmål\w*|resultatmål\w*|delmål\w*)\b"),
        ("aim_phrase", r"\b(?:skal\s+bidra|skal\s+medverke|bidra\s+til|har\s+som\s+mål|med\s+mål\s+om|ønsker\s+å\s+oppnå|for\s+å\s+(?:sikre|redusere|øke|styrke))\b"),
        ("infinitive_start", r"^\s*(?:å\s+)?(?:redusere|øke|auke|styrke|sikre|bidra|utvikle|etablere|bedre|betre|forbedre|tilrettelegge|legge\s+til\s+rette|heve|skape|gi)\b"),
        ("experience_word", r"\berfaring\w*|\blærdom\w*|\blæringspunkt\w*"),
        ("result_word", r"\b(?:resultat\w*|effekt\w*|ført\s+til|førte\s+til|gitt|redusert|økt|auka|nedgang|økning|auke|forbedr\w*|betra)\b"),
        ("satisfaction", r"\b(?:fornøyd\w*|nøgd\w*|tilfreds\w*|positiv\w*|vellykket|vellukka|godt|bra|lykkes|lyktes|lukkast)\b"),
        ("problem", r"\b(?:utfordr\w*|problem\w*|vanskelig\w*|vanskeleg\w*|krevende|krevjande|mangl\w*|svak\w*|dårlig\w*|dårleg\w*|ikke\s+\w+\s+(?:godt|nok)|for\s+lite)\b"),
        ("past_tense", r"\b(?:har\s+(?:vært|vore|blitt|hatt|gitt|ført)|ble|blei|vart|var|hadde|fungerte|viste|opplevde)\b"),
        ("modal_future", r"\b(?:skal|bør|vil|må|kan|anbefal\w*|foreslå\w*|planlegg\w*)\b"),
        ("number", r"\d"),
        ("percent", r"\d\s*(?:%|prosent)"),
        ("project_word", r"\b\w*(?:prosjekt\w*|program\w*|pilot\w*|satsing\w*|tiltak\w*|nettverk\w*|initiativ\w*)\b"),
        ("quoted_name", r"[«\"“][^»\"”]{3,80}[»\"”]"),
        ("capital_inside", r"(?<=[a-zæøå,] )[A-ZÆØÅ][a-zæøå]{3,}"),
        ("decision_word", r"\b(?:vedtak\w*|innstilling\w*|vedtas|vedtar|votering\w*|enstemmig\w*)\b"),
    )
)
HEADING_CUES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("heading_experience", r"erfaring|fungert|suksess|utfordring|læring|evaluering|resultat|status"),
        ("heading_goal", r"\bmål|formål|føremål|hensikt"),
        ("heading_project", r"prosjekt|program|pilot|tiltak|satsing"),
        ("heading_advice", r"råd|anbefaling|videre|forslag|vurdering|innstilling|vedtak"),
    )
)


def cues(text: str, heading: str | None, is_item: bool) -> list[float]:
    """0/1 cue features of one unit (order: :data:`CUES`, :data:`HEADING_CUES`, is_item, long)."""
    out = [1.0 if rx.search(text) else 0.0 for _, rx in CUES]
    out += [1.0 if heading and rx.search(heading) else 0.0 for _, rx in HEADING_CUES]
    out += [1.0 if is_item else 0.0, 1.0 if len(text) > 200 else 0.0]
    return out


def unit_text(text: str, heading: str | None) -> str:
    """The unit as the tf-idf model reads it: squashed, with its section heading in front."""
    body = " ".join(text.split())
    return f"{' '.join((heading or '').split())} || {body}"


def e5_text(text: str) -> str:
    """The unit as e5 embeds it (the embedder adds the ``passage:`` prompt)."""
    return " ".join(text.split())


def make_tfidf() -> FeatureUnion:
    """Word 1–2-grams and character 2–5-grams (within words), sub-linear tf, l2-normalised."""
    return FeatureUnion(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)),
            ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                      max_features=40000)),
        ]
    )
