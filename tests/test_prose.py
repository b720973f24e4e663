"""The learned prose extractor: findings from sentences, thresholds, confidence, names, merge.

A small model is fitted here on realistic Bokmål/Nynorsk sentences (no artefact needed)
so the behaviour is tested independently of what the committed model learned; the
committed artefact is checked against its metadata and through ingest.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix, hstack
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from saksfinn.extractors import prose
from saksfinn.extractors import prose_features as pf
from saksfinn.extractors.findings import ALL_EXTRACTORS, FINDINGS_VERSION, extract_findings, merge_model_findings
from saksfinn.models.findings import Experience, Goal, Project
from tests.finding_docs import make_doc, nlp  # noqa: F401 - fixture

EXPERIENCES = [
    "Sårbarheten har blitt vesentlig redusert med denne modellen.",
    "Brukerne er godt fornøyd med service og tilgjengelighet.",
    "Største utfordring er fortsatt lang saksbehandlingstid.",
    "Erfaringene viser at sykefraværet gikk ned på enhetene som deltok.",
    "Deltakerne var godt nøgde med opplegget og resultatet vart betre.",
    "Turnusarbeidet tok lengre tid enn planlagt og skapte uro.",
]
GOALS = [
    "Målet er å redusere sykefraværet til 7 prosent innen 2027.",
    "Formålet er å styrke heltidskulturen i helse og omsorg.",
    "Prosjektet skal bidra til bedre tjenester for innbyggerne.",
    "Målsettinga er å auke talet på faste tilsette med 20 personar.",
    "Målet er å øke andelen heltidsstillinger til 60 prosent.",
    "Føremålet er å betre samarbeidet mellom skule og heim.",
]
PROJECTS = [
    "Lederlæringsprogram 2014 ble gjennomført for alle enhetsledere.",
    "Kommunen deltar i prosjektet «Forsterket innsats for økt nærvær».",
    "Serviceportalen ble etablert som en felles inngang for innbyggerne.",
    "Pilotprosjektet Heltid i Levanger startet opp i 2023.",
    "Bemanningskontoret har ansvar for vikarbruken i hele kommunen.",
    "Kommunen er med i Effektiviseringsnettverket for pleie og omsorg.",
]
OTHER = [
    "Saken legges fram for formannskapet til behandling.",
    "Vedlagt følger oversikt over budsjettet for 2026.",
    "Kommunedirektøren viser til saksutredningen nedenfor.",
    "Saksbehandler er Kari Nordmann ved økonomiavdelingen.",
    "Møtet ble holdt i kommunestyresalen på rådhuset.",
    "Dokumentene er tilgjengelige på kommunens nettsider.",
    "Arkivsaken har nummer 2026/1477 i kommunens arkiv.",
    "Rådmannen vil orientere om saken i møtet.",
]


def fitted_model(threshold: float = 0.5, version: str = "t-1", low: float = 0.01) -> prose.ProseModel:
    """A ProseModel fitted on the sentences above (each label vs the rest)."""
    texts = EXPERIENCES + GOALS + PROJECTS + OTHER
    labels = ["experience"] * 6 + ["goal"] * 6 + ["project"] * 6 + ["other"] * 8
    vectorizer = pf.make_tfidf().fit([pf.unit_text(t, None) for t in texts])
    tfidf = vectorizer.transform([pf.unit_text(t, None) for t in texts])
    cues = np.array([pf.cues(t, None, False) for t in texts], dtype=np.float32)
    X = hstack([tfidf, csr_matrix(cues)]).tocsr()
    classifiers, calibrators = {}, {}
    for label in prose.LABELS:
        y = np.array([lab == label for lab in labels], dtype=int)
        clf = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=0).fit(X, y)
        classifiers[label] = clf
        calibrators[label] = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(
            clf.predict_proba(X)[:, 1], y)
    levels = {label: {"0.5": low, "0.7": (low + threshold) / 2, "0.85": threshold} for label in prose.LABELS}
    return prose.ProseModel(version, vectorizer, classifiers, calibrators, dict.fromkeys(prose.LABELS, threshold),
                            levels=levels)


PAPER = """Saksframlegg

Tiltak mot sykefravær i pleie og omsorg

Saksopplysninger
Sårbarheten har blitt vesentlig redusert etter at vi innførte den nye modellen.
Saken legges fram for formannskapet til behandling i neste møte.

Målsetting
Målet er å redusere sykefraværet til 7 prosent innen utgangen av 2027.

Organisering
Bemanningskontoret har ansvar for vikarbruken i hele kommunen fra 2024.
"""


@pytest.fixture(scope="module")
def model() -> prose.ProseModel:
    return _MODEL


def test_finds_each_type_in_prose_with_its_fields(model, nlp):  # noqa: F811
    doc = make_doc(PAPER)
    found = prose.extract_prose(doc, nlp, model)
    by_type = {f.type: f for f in found}
    assert set(by_type) == {"experience", "goal", "project"}, [(f.type, f.text) for f in found]
    exp, goal, proj = by_type["experience"], by_type["goal"], by_type["project"]
    assert isinstance(exp, Experience) and exp.text.startswith("Sårbarheten") and exp.kind == "prose"
    assert isinstance(goal, Goal) and goal.target_value == 7.0 and goal.target_unit == "%"
    assert isinstance(proj, Project) and proj.name == "Bemanningskontoret"
    assert proj.description and proj.description.startswith("Bemanningskontoret har ansvar")
    assert doc.text[proj.start:proj.end] == "Bemanningskontoret"
    for f in found:
        assert f.extractor == "prose-model@t-1.1" and 0 < f.confidence <= 1
        assert f.section is not None and f.page == 1
    assert not any("formannskapet" in f.text for f in found)  # background, not a finding


def test_threshold_above_every_score_gives_nothing(nlp):  # noqa: F811
    assert prose.extract_prose(make_doc(PAPER), nlp, fitted_model(threshold=1.01)) == []


def test_without_a_pipeline_or_model_nothing_is_found(model, tmp_path):
    assert prose.extract_prose(make_doc(PAPER), None, model) == []
    broken = tmp_path / "prose_model.joblib"
    broken.write_bytes(b"not a model")
    with pytest.warns(RuntimeWarning, match="prose model not loaded"):
        assert prose.load_model(broken) is None
    with pytest.warns(RuntimeWarning, match="prose findings off"):
        assert prose.load_model(tmp_path / "missing.joblib") is None


_MODEL = fitted_model()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=2, max_size=30))
def test_confidence_is_monotone_in_the_raw_score(raw):
    for label in prose.LABELS:
        ordered = np.sort(np.array(raw))
        conf = _MODEL.confidence(label, ordered)
        assert np.all(np.diff(conf) >= -1e-12) and np.all((conf >= 0) & (conf <= 1))


@pytest.mark.parametrize(
    ("unit", "name"),
    [
        ("Bemanningskontoret", "Bemanningskontoret"),
        ("• Seksjon for anskaffelser", "Seksjon for anskaffelser"),
        ("Lederlæringsprogram 2014 ble gjennomført i fjor.", "Lederlæringsprogram 2014"),
        ("Kommunen deltar i «Forsterket innsats for økt nærvær» fra høsten.", "Forsterket innsats for økt nærvær"),
        ("Vi har brukt erfaringer fra Effektiviseringsnettverkene i arbeidet.", "Effektiviseringsnettverkene"),
        ("Henvendelser går nå gjennom Serviceportalen hele døgnet.", "Serviceportalen"),
        ("Kommunen startet et nærværsprosjekt i 2023 på sykehjemmene.", "Nærværsprosjekt"),
        ("Prosjektet ble avsluttet i fjor.", None),
        ("det ble gjort mye godt arbeid i perioden som gikk.", None),
    ],
)
def test_project_name(unit, name):
    assert prose.project_name(unit) == name


def _exp(start, end, extractor="experiences@2"):
    return Experience(document_id="d", page=1, start=start, end=end, text="x", extractor=extractor, polarity="positive")


def _proj(start, end, name, extractor="projects@1"):
    return Project(document_id="d", page=1, start=start, end=end, text=name, extractor=extractor, name=name)


M = "prose-model@t-1.1"


@pytest.mark.parametrize(
    ("rules", "model_found", "kept"),
    [
        ([_exp(0, 50)], [_exp(10, 40, M)], 0),  # overlaps a rule experience: the rule's stands
        ([_exp(0, 50)], [_exp(60, 90, M)], 1),  # elsewhere: added
        ([_proj(0, 10, "Serviceportalen")], [_proj(200, 215, "Serviceportalen", M)], 0),  # same name
        ([_proj(0, 10, "Heltid i Levanger")], [_proj(200, 215, "Serviceportalen", M)], 1),
        ([], [_proj(0, 10, "Serviceportalen", M), _proj(90, 100, "Service portalen", M)], 1),  # model twins
        ([_exp(0, 50)], [_proj(10, 20, "Serviceportalen", M)], 1),  # other type: no conflict
    ],
)
def test_rules_take_precedence_over_the_model(rules, model_found, kept):
    merged = merge_model_findings(rules, model_found)
    assert merged[: len(rules)] == rules
    assert len(merged) - len(rules) == kept


def test_committed_artefact_matches_its_metadata():
    meta = json.loads(prose.META_PATH.read_text(encoding="utf-8"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = prose.load_model()
    assert model is not None and model.version == meta["version"] == prose.model_version()
    assert {k: round(v, 6) for k, v in model.thresholds.items()} == meta["thresholds"]
    assert set(model.classifiers) == set(prose.LABELS)
    assert prose.EXTRACTOR in FINDINGS_VERSION and prose.EXTRACTOR == f"prose-model@{meta['version']}.1"
    assert prose.MODEL_PATH.stat().st_size < 20_000_000
    assert ALL_EXTRACTORS[-1].id == prose.EXTRACTOR


def test_findings_use_the_model_only_when_asked(nlp, monkeypatch):  # noqa: F811
    monkeypatch.setattr(prose, "load_model", lambda path=prose.MODEL_PATH: _MODEL)
    doc = make_doc(PAPER)
    with_model = extract_findings(doc, nlp)
    rules_only = extract_findings(doc, nlp, use_model=False)
    assert not any(f.extractor.startswith("prose-model") for f in rules_only)
    added = [f for f in with_model if f.extractor.startswith("prose-model")]
    assert added and len(with_model) == len(rules_only) + len(added)
    assert with_model == sorted(with_model, key=lambda f: (f.start, f.type, f.end))


def test_ingest_stores_model_findings_with_their_confidence(tmp_path, monkeypatch, nlp):  # noqa: F811
    from saksfinn.flows.ingest import run_ingest  # noqa: PLC0415
    from saksfinn.index.storage.store import Store  # noqa: PLC0415
    from saksfinn.settings import get_settings  # noqa: PLC0415
    from saksfinn.extractors.read import read_document  # noqa: PLC0415
    from saksfinn.extractors.analyse import analyse_document  # noqa: PLC0415

    monkeypatch.setattr(prose, "load_model", lambda path=prose.MODEL_PATH: _MODEL)
    docs = tmp_path / "innboks" / "Steinkjer"
    docs.mkdir(parents=True)
    path = docs / "saksframlegg_sykefravaer.txt"
    path.write_text(PAPER, encoding="utf-8")
    settings = get_settings(home=tmp_path / "home", embedder="hash", orchestrator="local")
    run = run_ingest([str(tmp_path / "innboks")], settings)
    assert [o.status.value for o in run.outcomes] == ["ingested"]
    stored = Store(settings.db_url, files_dir=settings.files_dir).findings()
    model_rows = [f for f in stored if f.extractor.startswith("prose-model")]
    # the goal is announced ("Målet er …"): the rule has it, the model's twin is dropped
    assert {f.type for f in model_rows} == {"experience", "project"}
    assert [f.extractor.split("@")[0] for f in stored if f.type == "goal"] == ["goals"]
    data = path.read_bytes()
    doc = analyse_document(read_document(data, source=str(path), document_id=model_rows[0].document_id), path=str(path))
    expected = {(f.type, f.start, f.end): f.confidence for f in extract_findings(doc, nlp)
                if f.extractor.startswith("prose-model")}
    assert {(f.type, f.start, f.end): f.confidence for f in model_rows} == expected


def test_a_lower_operating_point_finds_a_superset_under_its_own_extractor_id(nlp):  # noqa: F811
    doc = make_doc(PAPER)
    strict = prose.extract_prose(doc, nlp, _MODEL)
    loose = prose.extract_prose(doc, nlp, _MODEL, precision=0.5)
    assert len(loose) > len(strict)
    assert {(f.type, f.start, f.end) for f in strict} <= {(f.type, f.start, f.end) for f in loose}
    assert {f.extractor for f in loose} == {"prose-model@t-1.1-p50"}
    assert not {f.finding_id for f in strict} & {f.finding_id for f in loose}
    with pytest.raises(ValueError, match="one of 0.5, 0.7, 0.85"):
        prose.extract_prose(doc, nlp, _MODEL, precision=0.6)


def test_operating_point_is_a_setting_and_part_of_the_findings_version():
    from pydantic import ValidationError  # noqa: PLC0415

    from saksfinn.extractors.findings import findings_version  # noqa: PLC0415
    from saksfinn.flows.ingest import versions  # noqa: PLC0415
    from saksfinn.settings import PROSE_PRECISIONS, Settings  # noqa: PLC0415

    assert set(PROSE_PRECISIONS) == set(prose.PRECISION_LEVELS)  # settings cannot import extractors: kept equal here
    assert findings_version(features="tfidf") == FINDINGS_VERSION
    assert Settings().prose_features == prose.DEFAULT_FEATURES  # ingest's default, kept equal here too
    assert "prose-model@reader-" in findings_version()
    assert len({findings_version(p) for p in prose.PRECISION_LEVELS}) == 3
    assert versions(Settings(prose_precision=0.7)).findings != versions(Settings()).findings
    assert versions(Settings()).findings == versions().findings
    with pytest.raises(ValidationError, match="use one of 0.85, 0.7, 0.5"):
        Settings(prose_precision=0.6)


@pytest.mark.parametrize("features", sorted(prose.FEATURE_SETS))
def test_committed_artefacts_have_nested_thresholds_per_operating_point(features):
    path, meta_path = prose.FEATURE_SETS[features]
    model = prose.load_model(path)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    assert model is not None and model.version == meta["version"] == prose.model_version(features)
    assert model.needs_vectors == (features in ("e5", "pooled", "reader")) and path.stat().st_size < 20_000_000
    assert model.needs_reader == (features == "reader")
    for label in prose.LABELS:
        points = [model.threshold(label, p) for p in prose.PRECISION_LEVELS]
        assert points == sorted(points), label  # a stricter point never has a lower threshold


def test_changing_the_operating_point_rederives_stored_documents(tmp_path, monkeypatch):
    from saksfinn.flows.ingest import run_ingest  # noqa: PLC0415
    from saksfinn.index.storage.store import Store  # noqa: PLC0415
    from saksfinn.settings import get_settings  # noqa: PLC0415

    monkeypatch.setattr(prose, "load_model", lambda path=prose.MODEL_PATH: _MODEL)
    docs = tmp_path / "innboks" / "Steinkjer"
    docs.mkdir(parents=True)
    (docs / "saksframlegg.txt").write_text(PAPER, encoding="utf-8")
    home = tmp_path / "home"
    run_ingest([str(tmp_path / "innboks")], get_settings(home=home, embedder="hash", orchestrator="local"))
    loose = get_settings(home=home, embedder="hash", orchestrator="local", prose_precision=0.5)
    second = run_ingest([str(tmp_path / "innboks")], loose)
    assert [o.change.value for o in second.outcomes] == ["rederived"]
    stored = Store(loose.db_url, files_dir=loose.files_dir).findings()
    model_ids = {f.extractor for f in stored if f.extractor.startswith("prose-model")}
    assert model_ids == {"prose-model@t-1.1-p50"}


# ---- the e5 feature set: sentence vectors handed in by the flow ---------------------------
def fitted_e5_model(dim: int = 384) -> prose.ProseModel:
    """A ProseModel on sentence vectors + cues, the vectors from the hash embedder (a fake for e5)."""
    from saksfinn.index.embedding.embed import HashEmbedder  # noqa: PLC0415

    texts = EXPERIENCES + GOALS + PROJECTS + OTHER
    labels = ["experience"] * 6 + ["goal"] * 6 + ["project"] * 6 + ["other"] * 8
    vectors = HashEmbedder(dim).encode_passages([pf.e5_text(t) for t in texts])
    X = np.hstack([vectors, np.array([pf.cues(t, None, False) for t in texts], dtype=np.float32)])
    classifiers, calibrators = {}, {}
    for label in prose.LABELS:
        y = np.array([lab == label for lab in labels], dtype=int)
        classifiers[label] = LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced").fit(X, y)
        calibrators[label] = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1).fit(
            classifiers[label].predict_proba(X)[:, 1], y)
    levels = {label: {"0.5": 0.3, "0.7": 0.4, "0.85": 0.5} for label in prose.LABELS}
    return prose.ProseModel("e5-t-1", None, classifiers, calibrators, dict.fromkeys(prose.LABELS, 0.5),
                            levels=levels, features="e5+cues")


_E5_MODEL = fitted_e5_model()


def test_e5_model_scores_the_vectors_it_is_given(nlp):  # noqa: F811
    from saksfinn.index.embedding.embed import HashEmbedder  # noqa: PLC0415

    embedder = HashEmbedder(384)
    calls = []

    def embed(texts):
        calls.append(len(texts))
        return embedder.encode_passages(texts)

    found = prose.extract_prose(make_doc(PAPER), nlp, _E5_MODEL, embed=embed)
    assert {f.type for f in found} >= {"experience", "goal"}
    assert {f.extractor for f in found} == {"prose-model@e5-t-1.1"}
    assert len(calls) == 1  # one batch per document, every unit once


def test_e5_model_without_an_embedder_finds_nothing_and_says_so(nlp, caplog):  # noqa: F811
    with caplog.at_level("WARNING"):
        assert prose.extract_prose(make_doc(PAPER), nlp, _E5_MODEL) == []
    assert "needs sentence vectors" in caplog.text
    with pytest.raises(ValueError, match="one sentence vector per unit"):
        _E5_MODEL.scores(["Målet er å redusere fraværet."], [None], [False], np.zeros((2, 384)))


def test_ingest_with_e5_features_embeds_sentences_with_the_configured_embedder(tmp_path, monkeypatch):
    from saksfinn.flows.ingest import run_ingest, versions  # noqa: PLC0415
    from saksfinn.index.storage.store import Store  # noqa: PLC0415
    from saksfinn.settings import get_settings  # noqa: PLC0415

    requested = []

    def load(path=prose.MODEL_PATH):
        requested.append(path.name)
        return _E5_MODEL if path == prose.FEATURE_SETS["e5"][0] else _MODEL

    monkeypatch.setattr(prose, "load_model", load)
    docs = tmp_path / "innboks" / "Steinkjer"
    docs.mkdir(parents=True)
    (docs / "saksframlegg.txt").write_text(PAPER, encoding="utf-8")
    settings = get_settings(home=tmp_path / "home", embedder="hash", orchestrator="local", prose_features="e5")
    assert versions(settings).findings != versions(get_settings(home=tmp_path / "home")).findings
    run_ingest([str(tmp_path / "innboks")], settings)
    stored = Store(settings.db_url, files_dir=settings.files_dir).findings()
    assert {f.extractor for f in stored if f.extractor.startswith("prose-model")} == {"prose-model@e5-t-1.1"}
    assert set(requested) == {"prose_model_e5.joblib"}

    # a re-derivation (another operating point) takes the sentence vectors from the cache
    from saksfinn.index.embedding.embed import HashEmbedder  # noqa: PLC0415

    encoded = []
    original = HashEmbedder.encode_passages
    monkeypatch.setattr(HashEmbedder, "encode_passages", lambda self, texts: encoded.append(len(texts)) or original(self, texts))
    again = run_ingest([str(tmp_path / "innboks")], settings.model_copy(update={"prose_precision": 0.5}))
    assert [(o.change.value, o.status.value) for o in again.outcomes] == [("rederived", "ingested")]
    assert encoded == []
