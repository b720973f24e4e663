"""Learned extractor for findings stated in prose: experiences, goals and projects.

The rule extractors find what a heading or label announces; this one reads every sentence
unit (:func:`saksfinn.extractors.sentences.sentence_units`) and asks three binary
classifiers — one per type, logistic regression on tf-idf word/character n-grams of the
unit (with its section heading) plus cheap lexical cues
(:mod:`saksfinn.extractors.prose_features`) — whether it states an experience, a goal or
a project. The model is trained by ``make train`` (``eval/prose_train.py``) from the
stand-off annotations in ``eval/annotations`` and committed as
``extractors/data/prose_model.joblib`` with its metadata in ``prose_model.json``.

A unit becomes a finding when the classifier's raw score reaches the type's threshold,
chosen on held-out predictions for precision ≥ 0.85 (the default operating point; the
artefact also holds thresholds for 0.7 and 0.5, chosen with ``SAKSFINN_PROSE_PRECISION``). Its ``confidence`` is the score
calibrated (isotonic regression on the same held-out predictions): monotone in the raw
score, so filtering by confidence never reorders. Every finding names the extractor
``prose-model@<model version>.<code version>``.

* experience: polarity from the unit's own wording (the rules' polarity words, measured
  better than a learned polarity model on dev: docs/prose_models.md);
* goal: with any numeric target, as the goal rule parses it;
* project: the unit is the description, the name is read from it by
  :func:`project_name`; a unit with no readable name gives no project.

When the artefact is missing or cannot be loaded the extractor warns once and finds
nothing: ingest goes on with the rules alone.
"""

from __future__ import annotations

import functools
import json
import logging
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from saksfinn.extractors import prose_features as pf
from saksfinn.extractors.prose_blend import Reader, blended_scores
from saksfinn.extractors.experiences import word_polarity
from saksfinn.extractors.goals import parse_target
from saksfinn.extractors.projects import GENERIC_NAMES, project_kind
from saksfinn.extractors.sentences import Unit, sentence_units
from saksfinn.extractors.textspans import in_boilerplate, squash
from saksfinn.extractors.themes import classify_themes
from saksfinn.models.document import Document
from saksfinn.models.findings import Experience, Goal, Project

log = logging.getLogger(__name__)

NAME = "prose-model"
CODE_VERSION = 1
"""Bump when this module's output can change for the same model artefact."""
LABELS = ("experience", "goal", "project")
PRECISION_LEVELS = (0.5, 0.7, 0.85)
"""Operating points the artefact has thresholds for (out-of-fold precision ≥ level)."""
DEFAULT_PRECISION = 0.85
DATA = Path(__file__).parent / "data"
MODEL_PATH = DATA / "prose_model.joblib"
META_PATH = DATA / "prose_model.json"
FEATURE_SETS: dict[str, tuple[Path, Path]] = {
    "tfidf": (MODEL_PATH, META_PATH),  # tf-idf n-grams + cues: no vectors needed (default)
    "e5": (DATA / "prose_model_e5.joblib", DATA / "prose_model_e5.json"),  # e5 sentence vectors + cues
    # e5 token states of the unit pooled from its passage's embedding pass + cues
    "pooled": (DATA / "prose_model_pooled.joblib", DATA / "prose_model_pooled.json"),
    # pooled's first stage + the fine-tuned reader on its candidates, blended (prose_blend)
    "reader": (DATA / "prose_model_reader.joblib", DATA / "prose_model_reader.json"),
}
"""Feature set → (artefact, metadata); ``Settings.prose_features`` picks one."""
READER_WEIGHTS = DATA / "prose_reader.pt"
"""The fine-tuned reader's top layers (fp16) and config, for the ``reader`` feature set."""
DEFAULT_FEATURES = "reader"
"""What ingest uses by default (``Settings.prose_features``): the pooled first stage (unit vectors
free from the passage embedding pass) blended with the fine-tuned reader on its candidates. A
direct :func:`extract_prose` call defaults to ``tfidf``, the set that needs no vectors."""


@dataclass
class ProseModel:
    """The trained artefact: one vectorizer, per label a classifier, a calibrator and a threshold."""

    version: str
    vectorizer: Any  # sklearn FeatureUnion over pf.unit_text
    classifiers: dict[str, Any]  # label -> LogisticRegression on [tf-idf | cues]
    calibrators: dict[str, Any]  # label -> IsotonicRegression raw score -> probability
    thresholds: dict[str, float]  # label -> raw score at which a unit becomes a finding
    info: dict[str, Any] = field(default_factory=dict)
    levels: dict[str, dict[str, float]] = field(default_factory=dict)  # label -> {"0.5": raw threshold, ...}
    features: str = "tfidf+cues"  # or "e5+cues" / "pooled+cues": scores need unit vectors
    label_features: dict[str, str] = field(default_factory=dict)  # label -> "tfidf" | "vectors" (pooled model)
    reader: str | None = None  # version of the fine-tuned reader the scores blend with (None: first stage only)
    gates: dict[str, float] = field(default_factory=dict)  # label -> first-stage probability that makes a candidate

    @property
    def needs_vectors(self) -> bool:
        return self.features.startswith(("e5", "pooled"))

    @property
    def vector_dim(self) -> int | None:
        """Width of the unit vectors the vector-reading classifiers were trained on (``None``: none read vectors)."""
        for label, clf in self.classifiers.items():
            if self.reads(label) == "vectors" and hasattr(clf, "coef_"):
                return int(clf.coef_.shape[1]) - (len(pf.CUES) + len(pf.HEADING_CUES) + 2)
        return None

    def reads(self, label: str) -> str:
        """What ``label``'s classifier reads: ``"tfidf"`` (n-grams + cues) or ``"vectors"`` (unit vector + cues)."""
        default = "vectors" if self.needs_vectors else "tfidf"
        return getattr(self, "label_features", {}).get(label, default)  # older artefacts lack the field

    def threshold(self, label: str, precision: float = DEFAULT_PRECISION) -> float:
        """Raw score at which a unit becomes a finding for the operating point ``precision``."""
        if precision == DEFAULT_PRECISION:
            return self.thresholds[label]
        try:
            return self.levels[label][str(precision)]
        except KeyError:
            raise ValueError(f"the prose model has no threshold for precision {precision}") from None

    @property
    def needs_reader(self) -> bool:
        return getattr(self, "reader", None) is not None  # older artefacts lack the field

    def scores(
        self, texts: list[str], headings: list[str | None], items: list[bool], vectors: np.ndarray | None = None,
        read: Reader | None = None,
    ) -> dict[str, np.ndarray]:
        """Raw scores per label for the units given (``vectors``: their e5 passage vectors, row
        per unit, when :attr:`needs_vectors`; ``read``: the fine-tuned reader, when
        :attr:`needs_reader` — the first stage's probabilities are then blended with it)."""
        first = self._first_stage(texts, headings, items, vectors)
        if not self.needs_reader:
            return first
        if read is None:
            raise ValueError("this prose model blends with the fine-tuned reader and got none")
        return blended_scores(first, [pf.e5_text(t) for t in texts], read, self.gates, LABELS)

    def _first_stage(
        self, texts: list[str], headings: list[str | None], items: list[bool], vectors: np.ndarray | None
    ) -> dict[str, np.ndarray]:
        from scipy.sparse import csr_matrix, hstack

        if not texts:
            return {label: np.zeros(0) for label in self.classifiers}
        cues = np.array([pf.cues(t, h, i) for t, h, i in zip(texts, headings, items)], dtype=np.float32)
        kinds = {self.reads(label) for label in self.classifiers}
        features: dict[str, Any] = {}
        if "vectors" in kinds:
            if vectors is None or len(vectors) != len(texts):
                raise ValueError("this prose model needs one sentence vector per unit")
            features["vectors"] = np.hstack([np.asarray(vectors, dtype=np.float32), cues])
        if "tfidf" in kinds:
            tfidf = self.vectorizer.transform([pf.unit_text(t, h) for t, h in zip(texts, headings)])
            features["tfidf"] = hstack([tfidf, csr_matrix(cues)]).tocsr()
        return {label: clf.predict_proba(features[self.reads(label)])[:, 1] for label, clf in self.classifiers.items()}

    def confidence(self, label: str, raw: np.ndarray) -> np.ndarray:
        """Calibrated probability for raw scores (non-decreasing in ``raw``), in [0, 1]."""
        return np.clip(self.calibrators[label].predict(np.asarray(raw, dtype=float)), 0.0, 1.0)


def model_version(features: str = "tfidf") -> str:
    """The committed artefact's version from its metadata, ``"none"`` when absent."""
    try:
        return str(json.loads(FEATURE_SETS[features][1].read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return "none"


def extractor_id(version: str, precision: float = DEFAULT_PRECISION) -> str:
    """``prose-model@<model>.<code>``; another operating point adds ``-p<percent>``."""
    suffix = "" if precision == DEFAULT_PRECISION else f"-p{round(precision * 100)}"
    return f"{NAME}@{version}.{CODE_VERSION}{suffix}"


def check_precision(precision: float) -> float:
    if precision not in PRECISION_LEVELS:
        levels = ", ".join(str(p) for p in PRECISION_LEVELS)
        raise ValueError(f"prose precision must be one of {levels}, not {precision}")
    return precision


VERSION = f"{model_version()}.{CODE_VERSION}"
EXTRACTOR = f"{NAME}@{VERSION}"


@functools.lru_cache(maxsize=4)
def load_model(path: Path = MODEL_PATH) -> ProseModel | None:
    """The artefact at ``path`` (cached); ``None`` with a warning when missing or broken."""
    try:
        import joblib

        model = joblib.load(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable artefact means: rules only
        message = f"prose model not loaded ({path.name}: {type(exc).__name__}: {exc}); prose findings off"
        warnings.warn(message, RuntimeWarning, stacklevel=2)
        log.warning(message)
        return None
    if not isinstance(model, ProseModel):
        message = f"prose model not loaded ({path.name}: not a ProseModel); prose findings off"
        warnings.warn(message, RuntimeWarning, stacklevel=2)
        log.warning(message)
        return None
    return model


# --- project names --------------------------------------------------------------------

_PROJECT_WORD = r"(?:prosjekt|program|pilot|satsing|satsning|nettverk|initiativ|tiltak|portal|kontor)"
_QUOTED_RE = re.compile(r"[«\"“](?P<name>[^»\"”\n]{3,80})[»\"”]")
_COMPOUND_RE = re.compile(
    rf"(?P<name>\b[A-ZÆØÅ][\wæøåÆØÅ-]*{_PROJECT_WORD}[\wæøå]*(?:\s+(?:19|20)\d\d(?:[–-]\d{{2,4}})?)?)"
)
_LOWER_COMPOUND_RE = re.compile(
    rf"(?P<name>\b[a-zæøå][\wæøå-]{{3,}}{_PROJECT_WORD}(?:et|en|a)?(?:\s+(?:19|20)\d\d(?:[–-]\d{{2,4}})?)?)\b"
)
_CAPITAL_PHRASE_RE = re.compile(
    r"(?<=[\wæøå,:] )(?P<name>[A-ZÆØÅ][\wæøåÆØÅ-]{2,}(?:\s+(?:for|og|i|på|til|av|mot|med|[A-ZÆØÅ0-9][\wæøåÆØÅ-]*)){0,5})"
)
_GENERIC = GENERIC_NAMES | {
    "prosjekt", "program", "tiltaket", "tiltak", "tiltakene", "piloten", "pilot", "satsingen", "nettverket",
    "kontoret", "portalen",
}
_SENTENCE_END = re.compile(r"[.!?:;]\s*$")
_MARKER_RE = re.compile(r"^\s*(?:[•●▪■◦○·\-–—*►✓]|\(?\d{1,2}[.)]|\(?[a-zæøå][.)])\s+")


def _clean(name: str) -> str:
    name = squash(name).strip(" .,:;-–«»\"“”*()")
    return re.sub(r"\s+(?:for|og|i|på|til|av|mot|med)$", "", name)


def project_name(text: str) -> str | None:
    """The project named in a unit, or ``None``.

    In order: a short unit (1–8 words, no sentence end, capitalised — a list item or a
    heading-like line) is a name as a whole; else a quoted name; else a compound ending
    in a project word, with an optional year ("Lederlæringsprogram 2014"); else a
    capitalised phrase inside the sentence ("… i Serviceportalen …").
    """
    body = _MARKER_RE.sub("", squash(text))
    words = body.split()
    if 1 <= len(words) <= 8 and body[:1].isupper() and not _SENTENCE_END.search(body):
        name = _clean(body)
        if name.lower() not in _GENERIC and len(name) >= 3:
            return name
    for rx in (_QUOTED_RE, _COMPOUND_RE, _LOWER_COMPOUND_RE):
        for match in rx.finditer(body):
            name = _clean(match.group("name"))
            if name.lower() not in _GENERIC and len(name) >= 3:
                return name[0].upper() + name[1:] if rx is _LOWER_COMPOUND_RE else name
    for match in _CAPITAL_PHRASE_RE.finditer(body):
        name = _clean(match.group("name"))
        if name.lower() not in _GENERIC and len(name) >= 4:
            return name
    return None


# --- the extractor --------------------------------------------------------------------


def _finding(label: str, doc: Document, unit: Unit, confidence: float, extractor: str):
    text = squash(unit.text)
    common = dict(
        document_id=doc.document_id,
        page=doc.page_at(unit.start),
        section=unit.heading,
        start=unit.start,
        end=unit.end,
        text=text,
        extractor=extractor,
        confidence=round(float(confidence), 4),
    )
    if label == "experience":
        return Experience(**common, themes=classify_themes(f"{text} {unit.heading or ''}"),
                          polarity=word_polarity(text), kind="prose")
    if label == "goal":
        target, value, unit_name = parse_target(text)
        return Goal(**common, themes=classify_themes(f"{text} {unit.heading or ''}"), kind="mål",
                    target=target, target_value=value, target_unit=unit_name)
    name = project_name(unit.text)
    if name is None:
        return None
    at = unit.text.find(name)
    if at >= 0:  # the finding's span is the name when it is written as such
        common.update(start=unit.start + at, end=unit.start + at + len(name), text=name)
    return Project(**common, themes=classify_themes(f"{name} {text}"), name=name, kind=project_kind(name),
                   description=text if text != name else None)


def _vectors(
    units: list[Unit],
    embed: Callable[[list[str]], np.ndarray] | None,
    known: Mapping[tuple[int, int], np.ndarray] | None,
) -> np.ndarray | None:
    """A vector per unit: from ``known`` by span, the others embedded alone (``None`` if that is needed
    and there is no ``embed``)."""
    known = known or {}
    missing = [i for i, u in enumerate(units) if (u.start, u.end) not in known]
    if missing and embed is None:
        return None
    fresh = embed([pf.e5_text(units[i].text) for i in missing]) if missing else []
    by_row = dict(zip(missing, fresh))
    return np.stack([np.asarray(by_row[i] if i in by_row else known[(u.start, u.end)], dtype=np.float32)
                     for i, u in enumerate(units)])


def extract_prose(
    doc: Document,
    nlp: object,
    model: ProseModel | None = None,
    precision: float = DEFAULT_PRECISION,
    features: str = "tfidf",
    embed: Callable[[list[str]], np.ndarray] | None = None,
    unit_vectors: Mapping[tuple[int, int], np.ndarray] | None = None,
    read: Reader | None = None,
) -> list:
    """Model findings of ``doc`` (experiences, goals, projects), in text order.

    ``model`` defaults to the committed artefact; with none loadable this returns ``[]``.
    ``precision`` picks the operating point (one of :data:`PRECISION_LEVELS`): a lower
    one finds more, less surely — each finding's ``confidence`` says how surely.
    ``features`` picks the committed artefact (:data:`FEATURE_SETS`); a model on sentence
    vectors gets them from ``embed`` (texts → passage vectors, the index's e5 embedder):
    without it such a model finds nothing. ``unit_vectors`` (unit span → vector) are vectors
    the caller already has — for ``pooled`` the unit's token states pooled from its
    passage's embedding pass; units missing from it are embedded alone with ``embed``.
    ``read`` is the fine-tuned reader (:mod:`~saksfinn.extractors.prose_blend`) a ``reader``
    model blends with; without it, or with a reader of another version, the ``pooled`` model
    runs alone.
    """
    check_precision(precision)
    model = model if model is not None else load_model(FEATURE_SETS[features][0])
    if model is None or nlp is None:
        return []
    if model.needs_reader and getattr(read, "version", None) != model.reader:
        log.warning("prose model %s blends with reader %s and got %s: the pooled model runs alone", model.version,
                    model.reader, getattr(read, "version", None))
        model, read = load_model(FEATURE_SETS["pooled"][0]), None
        if model is None:
            return []
    if model.needs_vectors and embed is None and unit_vectors is None:
        log.warning("prose model %s needs sentence vectors and got no embedder: no prose findings", model.version)
        return []
    units = [u for u in sentence_units(doc, nlp) if not in_boilerplate(doc, u.start)]
    vectors = _vectors(units, embed, unit_vectors) if model.needs_vectors and units else None
    if model.needs_vectors and units and vectors is None:
        log.warning("prose model %s: units without vectors and no embedder: no prose findings", model.version)
        return []
    if vectors is not None and model.vector_dim not in (None, vectors.shape[1]):
        log.warning("prose model %s reads %d-dim vectors, the embedder gives %d (another embedding model?): "
                    "no prose findings", model.version, model.vector_dim, vectors.shape[1])
        return []
    scores = model.scores([u.text for u in units], [u.heading for u in units], [u.is_item for u in units], vectors,
                          read)
    extractor = extractor_id(model.version, precision)
    found = []
    for label in LABELS:
        if label not in scores:
            continue
        raw = scores[label]
        hits = np.flatnonzero(raw >= model.threshold(label, precision))
        if not len(hits):
            continue
        confidence = model.confidence(label, raw[hits])
        for i, c in zip(hits, confidence):
            finding = _finding(label, doc, units[i], c, extractor)
            if finding is not None:
                found.append(finding)
    found.sort(key=lambda f: (f.start, f.type))
    log.debug("%s: %d prose findings", doc.document_id[:12], len(found))
    return found
