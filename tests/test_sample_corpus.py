"""The committed sample corpus is what corpus/make_corpus.py generates, and
corpus/answers.json is a true answer key for it."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import fpdf
import pypdfium2 as pdfium
import pytest

from saksfinn.models import Decision, DocType, Experience, Goal, Project

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
DOCUMENTS = CORPUS / "documents"
ANSWERS = json.loads((CORPUS / "answers.json").read_text("utf-8"))
DOCS = ANSWERS["documents"]
FINDING_MODELS = {"decision": Decision, "goal": Goal, "experience": Experience, "project": Project}
SAME_FPDF = ANSWERS["fpdf2_version"] == fpdf.__version__


def _norm(text: str) -> str:
    return " ".join(text.split())


class _HTMLText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.tags.append(tag)
        self.parts.append("\n")

    def handle_data(self, data):  # noqa: ANN001
        self.parts.append(data)


def page_texts(path: Path) -> list[str]:
    """Text of each page: pdfium for PDFs, the whole file (one 'page') for text and HTML."""
    if path.suffix == ".pdf":
        doc = pdfium.PdfDocument(str(path))
        try:
            return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
        finally:
            doc.close()
    raw = path.read_text("utf-8")
    if path.suffix == ".html":
        parser = _HTMLText()
        parser.feed(raw)
        return ["".join(parser.parts)]
    return [raw]


def _load_generator():
    spec = importlib.util.spec_from_file_location("saksfinn_make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("corpus") / "documents"
    answers = _load_generator().build(out)
    return out, answers


def _ids(docs: list[dict]) -> list[str]:
    return [d["path"] for d in docs]


# --- the committed corpus is the generator's output --------------------------------


def test_committed_files_are_exactly_the_answer_key_documents():
    on_disk = sorted(str(p.relative_to(DOCUMENTS)) for p in DOCUMENTS.rglob("*") if p.is_file())
    assert on_disk == sorted(_ids(DOCS))


@pytest.mark.parametrize("doc", DOCS, ids=_ids(DOCS))
def test_committed_document_is_what_the_generator_writes(regenerated, doc):
    out, _ = regenerated
    fresh, committed = out / doc["path"], DOCUMENTS / doc["path"]
    if SAME_FPDF or fresh.suffix != ".pdf":
        assert fresh.read_bytes() == committed.read_bytes(), "run `make corpus` and commit the result"
    else:  # another fpdf2 version may lay out bytes differently; the text must still agree
        assert [_norm(t) for t in page_texts(fresh)] == [_norm(t) for t in page_texts(committed)]


def test_committed_answer_key_is_what_the_generator_writes(regenerated):
    _, fresh = regenerated
    if SAME_FPDF:
        assert fresh == ANSWERS, "run `make corpus` and commit the result"
    else:
        strip = lambda docs: [{k: v for k, v in d.items() if k != "sha256"} for d in docs]  # noqa: E731
        assert strip(fresh["documents"]) == strip(DOCS)


def test_generation_is_deterministic(tmp_path, regenerated):
    out, _ = regenerated
    again = _load_generator().build(tmp_path / "documents")
    assert [d["sha256"] for d in again["documents"]] == [d["sha256"] for d in regenerated[1]["documents"]]


# --- the answer key is consistent with the documents -------------------------------


@pytest.mark.parametrize("doc", DOCS, ids=_ids(DOCS))
def test_metadata_matches_the_document(doc):
    path = DOCUMENTS / doc["path"]
    pages = page_texts(path)
    text = _norm("\n".join(pages))
    assert len(pages) == doc["pages"]
    assert path.parts[-2] == doc["municipality"], "folder convention: documents/<kommune>/"
    assert f"{doc['municipality']} kommune" in text
    assert _norm(doc["title"]) in text
    assert DocType(doc["doc_type"])
    assert doc["language"] in ("nb", "nn")
    dt.date.fromisoformat(doc["date"])
    if doc["case_number"]:
        assert doc["case_number"] in text
    for meeting in doc["meetings"]:
        assert meeting["body"] in text
        assert dt.date.fromisoformat(meeting["date"]).strftime("%d.%m.%Y") in text


@pytest.mark.parametrize("doc", DOCS, ids=_ids(DOCS))
def test_every_expected_finding_is_in_the_text_on_its_page(doc):
    pages = [_norm(t) for t in page_texts(DOCUMENTS / doc["path"])]
    for finding in doc["findings"]:
        assert _norm(finding["text"]) in pages[finding["page"] - 1], finding
        for key in ("vote_text", "name", "target"):
            if finding.get(key):
                assert _norm(finding[key]) in " ".join(pages), (key, finding)
        if finding.get("resolved_text"):
            assert _norm(finding["resolved_text"]) in " ".join(pages)


@pytest.mark.parametrize("doc", DOCS, ids=_ids(DOCS))
def test_findings_are_valid_saksfinn_records(doc):
    for finding in doc["findings"]:
        fields = {k: v for k, v in finding.items() if k != "type"}
        record = FINDING_MODELS[finding["type"]](
            document_id=doc["sha256"], start=0, end=len(finding["text"]), extractor="answers@1", **fields
        )
        assert record.text == finding["text"]


def test_decision_votes_agree_with_their_vote_text():
    decisions = [f for d in DOCS for f in d["findings"] if f["type"] == "decision" and f.get("vote_text")]
    assert decisions
    for f in decisions:
        numbers = re.search(r"(\d+) mot (\d+)", f["vote_text"])
        if numbers:
            assert (f["votes_for"], f["votes_against"]) == tuple(map(int, numbers.groups()))
            assert f["unanimous"] is False
        else:
            assert re.search(r"enstemmig|samrøystes", f["vote_text"], re.I) and f["unanimous"] is True


def test_goal_targets_are_the_written_numbers():
    goals = [f for d in DOCS for f in d["findings"] if f["type"] == "goal"]
    assert goals
    for g in goals:
        number = re.match(r"[\d ]+(?:,\d+)?", g["target"]).group(0)
        assert float(number.replace(" ", "").replace(",", ".")) == g["target_value"]
        assert g["target"] in g["text"]


# --- the corpus has what the project promises ---------------------------------------


def test_corpus_covers_the_promised_variety():
    assert len(DOCS) >= 8
    assert len({d["municipality"] for d in DOCS}) >= 3
    assert {d["doc_type"] for d in DOCS} >= {"saksfremlegg", "møteprotokoll", "rapport", "presentasjon"}
    assert {d["media_type"] for d in DOCS} == {"application/pdf", "text/plain", "text/html"}
    assert "nn" in {d["language"] for d in DOCS}
    kinds = {(f["type"], f.get("kind") if f["type"] == "decision" else f.get("polarity"))
             for d in DOCS for f in d["findings"]}
    assert {("decision", "innstilling"), ("decision", "vedtak"),
            ("experience", "positive"), ("experience", "negative")} <= kinds
    assert {f["type"] for d in DOCS for f in d["findings"]} == set(FINDING_MODELS)
    assert sum((DOCUMENTS / d["path"]).stat().st_size for d in DOCS) < 1_000_000


def test_sykefravaer_goal_and_som_innstillingen_are_in_the_key():
    findings = [f for d in DOCS for f in d["findings"]]
    assert any(f["type"] == "goal" and "7 % innen 2027" in f["text"] for f in findings)
    som = [f for f in findings if f["type"] == "decision" and f["text"] == "Som innstillingen."]
    assert som and som[0]["resolved_text"]


def test_report_has_side_n_av_m_on_every_page():
    report = next(d for d in DOCS if d["path"].endswith("rapport_tertial.pdf"))
    pages = page_texts(DOCUMENTS / report["path"])
    assert len(pages) >= 3
    for n, text in enumerate(pages, 1):
        assert f"Side {n} av {len(pages)}" in text
        assert text.startswith("Levanger kommune – Økonomirapport 1. tertial 2025")


def test_slides_are_landscape_and_saksgang_is_a_table():
    slides = next(d for d in DOCS if d["doc_type"] == "presentasjon")
    doc = pdfium.PdfDocument(str(DOCUMENTS / slides["path"]))
    try:
        assert all(doc[i].get_width() > doc[i].get_height() for i in range(len(doc)))
    finally:
        doc.close()
    import pdfplumber

    heltid = next(d for d in DOCS if "heltidskultur" in d["path"])
    with pdfplumber.open(DOCUMENTS / heltid["path"]) as pdf:
        tables = pdf.pages[0].extract_tables()  # ruled tables: found from the cell borders
    assert ["Utvalg", "Møtedato", "Saksnr"] in [t[0] for t in tables]
    saksgang = next(t for t in tables if t[0] == ["Utvalg", "Møtedato", "Saksnr"])
    assert [row[0] for row in saksgang[1:]] == [m["body"] for m in heltid["meetings"]]


def test_html_document_has_a_heading_structure():
    html_doc = next(d for d in DOCS if d["media_type"] == "text/html")
    parser = _HTMLText()
    parser.feed((DOCUMENTS / html_doc["path"]).read_text("utf-8"))
    assert parser.tags.count("h1") == 1 and parser.tags.count("h2") >= 3
