"""extract_findings runs every extractor; ids are stable and name the extractor version."""

from __future__ import annotations

from saksfinn.extractors import decisions
from saksfinn.extractors.findings import ALL_EXTRACTORS, EXTRACTOR_VERSIONS, EXTRACTORS, extract_findings
from tests.finding_docs import corpus_doc, make_doc, nlp  # noqa: F401 - fixture

TEXT = (
    "Innstilling til vedtak:\n\nRapporten om Forbedringsprogrammet tas til orientering.\n\nHva saken gjelder\n\n"
    "Positive erfaringer\n\n- Økt koordinering av utviklingsprosjekter.\n\nNegative erfaringer\n\n"
    "- For lite kunnskap om programmet blant de ansatte.\n\n"
    "Konklusjon\n\nDet er vanskelig å vise målet om et netto driftsresultat på minimum 205 millioner kroner.\n"
)


def test_extract_findings_all_types_and_versions():
    doc = make_doc(TEXT)
    found = extract_findings(doc)
    assert {f.type for f in found} == {"decision", "goal", "experience", "project"}
    assert {f.extractor for f in found} <= set(EXTRACTOR_VERSIONS.values())
    assert EXTRACTOR_VERSIONS["decisions"] == f"decisions@{decisions.VERSION}" and len(EXTRACTORS) == 4
    assert [f.start for f in found] == sorted(f.start for f in found)
    assert all(0 <= f.start < f.end <= len(doc.text) for f in found)
    again = extract_findings(doc)
    assert [f.finding_id for f in found] == [f.finding_id for f in again]
    assert len({f.finding_id for f in found}) == len(found)


def test_whole_corpus_runs_and_spans_are_valid(shared_corpus, nlp):  # noqa: F811
    paths = sorted((shared_corpus / "seeds" / "txt").glob("*.txt")) + sorted((shared_corpus / "real" / "text").glob("*.txt"))
    paths += sorted((shared_corpus / "steinkjer").glob("*.txt"))[:40]
    for path in paths:
        doc = corpus_doc(path)
        for finding in extract_findings(doc, nlp):  # rules and the prose model
            assert 0 <= finding.start < finding.end <= len(doc.text), path.name
            assert finding.page == doc.page_at(finding.start)


def test_findings_version_names_every_extractor():
    from saksfinn.extractors.findings import FINDINGS_VERSION  # noqa: PLC0415

    assert FINDINGS_VERSION.split("+") == [e.id for e in ALL_EXTRACTORS]
    assert ALL_EXTRACTORS[: len(EXTRACTORS)] == EXTRACTORS
