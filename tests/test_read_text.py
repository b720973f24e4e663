"""Reading plain text, Markdown and HTML; sniffing content rather than extensions."""

from __future__ import annotations

import pytest

from saksfinn.extractors.read import read_document
from saksfinn.models.document import Document


def _read(data: bytes, source: str = "doc.txt") -> Document:
    return read_document(data, source=source, document_id="t")


def _assert_offsets(doc: Document) -> None:
    text = doc.text
    for page in doc.pages:
        assert text[page.start : page.start + len(page.text)] == page.text
        assert all(line == line.rstrip() for line in page.text.split("\n"))


@pytest.mark.parametrize(
    ("raw", "pages"),
    [
        ("Saksframlegg\n\nInnstilling:  Kommunestyret   vedtar \t planen.  \n", ["Saksframlegg\n\nInnstilling: Kommunestyret vedtar planen."]),
        ("Side en\fSide to\n\fSide tre\f", ["Side en", "Side to", "Side tre"]),
        ("Linje 1\r\nLinje 2\r\n\r\n\r\n\r\nLinje 3", ["Linje 1\nLinje 2\n\nLinje 3"]),
    ],
    ids=["whitespace", "form-feeds", "crlf-blank-runs"],
)  # fmt: skip
def test_plain_text_pages(raw, pages):
    doc = _read(raw.encode("utf-8"))
    assert [p.text for p in doc.pages] == pages
    assert [p.number for p in doc.pages] == list(range(1, len(pages) + 1))
    assert doc.media_type == "text/plain"
    _assert_offsets(doc)


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (  # Bokmål slide: dash under dash, told apart only by the indent
            "Råd for veien videre\n\n- Valg av enheter\n- Lean-gruppa\n   - Kompetanseutvikling\n   - Kapasitet\n"
            "- Lederstøtte\n     -   Ansvarliggjøre\n",
            "Råd for veien videre\n\n- Valg av enheter\n- Lean-gruppa\n  - Kompetanseutvikling\n  - Kapasitet\n"
            "- Lederstøtte\n  - Ansvarliggjøre",
        ),
        (  # Nynorsk, three levels with tabs and mixed markers
            "Kva fungerte godt\n• Opplæringa\n\t– Kurs for leiarar\n\t\to Ikkje eit punkt\n\t\t· Fagdagar\n• Rettleiinga\n",
            "Kva fungerte godt\n• Opplæringa\n  – Kurs for leiarar\no Ikkje eit punkt\n    · Fagdagar\n• Rettleiinga",
        ),
        (  # numbered decision points with lettered sub-points and a wrapped line at column 0
            "1. Bruk av fondet skal knyttes til\n   a) tiltak som har engangskarakter og som\nbidrar til utvikling\n\n"
            "   b) tiltak som gir kostnadsbesparelser\n2. Ordningen evalueres i 2027.\n",
            "1. Bruk av fondet skal knyttes til\n  a) tiltak som har engangskarakter og som\nbidrar til utvikling\n\n"
            "  b) tiltak som gir kostnadsbesparelser\n2. Ordningen evalueres i 2027.",
        ),
        (  # a list indented as a whole (no parent item) and indented body text stay at column 0
            "Innstilling:\n\n   •   Mental helse ungdom tildeles kr 20 000\n   •   Fosterhjemsforeininga tildeles kr 15 000\n\n"
            "    Saka gjeld tilskot.\n      - 5 grader kaldare\n",
            "Innstilling:\n\n• Mental helse ungdom tildeles kr 20 000\n• Fosterhjemsforeininga tildeles kr 15 000\n\n"
            "Saka gjeld tilskot.\n- 5 grader kaldare",
        ),
        (  # a new paragraph ends the list: its indented bullet is not nested under the old one
            "- Første punkt\n\nNytt avsnitt om noko anna.\n  - Eige punkt\n",
            "- Første punkt\n\nNytt avsnitt om noko anna.\n- Eige punkt",
        ),
    ],
    ids=["bokmaal-dash-under-dash", "nynorsk-three-levels-tabs", "numbered-lettered", "indented-list-no-parent", "paragraph-ends-list"],
)  # fmt: skip
def test_plain_text_keeps_list_nesting(raw, text):
    doc = _read(raw.encode("utf-8"))
    assert doc.text == text
    _assert_offsets(doc)


@pytest.mark.parametrize(
    ("raw", "items"),
    [
        (
            "# Råd for veien videre\n\n- Valg av enheter\n- Lean-gruppa\n  - Kompetanseutvikling\n  - Kapasitet\n"
            "- Lederstøtte\n  - Ansvarliggjøre\n- Medarbeiderskapet må dyrkes\n",
            ["Valg av enheter", "Lean-gruppa - Kompetanseutvikling - Kapasitet", "Lederstøtte - Ansvarliggjøre",
             "Medarbeiderskapet må dyrkes"],
        ),
        (
            "Læringspunkt\n\n* Tidleg involvering av tilsette\n    * Arbeidsmøte kvar veke\n* Rettleiinga var for svak\n",
            ["Tidleg involvering av tilsette * Arbeidsmøte kvar veke", "Rettleiinga var for svak"],
        ),
    ],
    ids=["bokmaal-slide", "nynorsk-stars"],
)  # fmt: skip
def test_indented_sub_bullets_stay_in_their_experience_item(raw, items):
    from saksfinn.extractors.analyse import analyse_document
    from saksfinn.extractors.experiences import extract_experiences

    doc = analyse_document(_read(raw.encode("utf-8")))
    found = [e for e in extract_experiences(doc) if e.kind == "list"]
    assert [e.text for e in found] == items
    assert all(" ".join(doc.text[e.start : e.end].split()) == e.text for e in found)


def test_markdown_headings():
    doc = _read("# Vedtak\n\nKommunestyret vedtok planen.\n\n## Bakgrunn\nTekst.\n\nSaksopplysninger\n================\n".encode())
    assert doc.media_type == "text/markdown"
    assert doc.pages[0].heading_lines == ("# Vedtak", "## Bakgrunn", "Saksopplysninger")


def test_html_text_headings_and_tables():
    html = """<!DOCTYPE html><html><head><title>x</title><style>p {color: red}</style></head>
    <body><nav><a href="/">Hjem</a> <a href="/om">Om oss</a></nav>
    <h1>Møteprotokoll   Kommunestyret</h1>
    <p>Saken gjelder <b>reguleringsplan</b> for Breisås.</p><p>Andre avsnitt.<br>Ny linje.</p>
    <h2>Vedtak</h2><ul><li>Punkt en</li><li>Punkt to</li></ul>
    <table><tr><th>Utval</th><th>Dato</th></tr><tr><td>Kommunestyret</td><td>17.12.2012</td></tr></table>
    <script>var x = "ikke tekst";</script><h5>Liten</h5></body></html>"""
    doc = _read(html.encode("utf-8"), source="side.html")
    lines = doc.text.split("\n")
    assert doc.media_type == "text/html"
    assert doc.pages[0].heading_lines == ("Møteprotokoll Kommunestyret", "Vedtak")
    assert "Saken gjelder reguleringsplan for Breisås." in lines
    assert "Ny linje." in lines and "Andre avsnitt." in lines
    assert "• Punkt to" in lines
    assert "Kommunestyret | 17.12.2012" in lines
    for dropped in ("ikke tekst", "Hjem", "color", "Om oss"):
        assert dropped not in doc.text
    _assert_offsets(doc)


def test_text_named_pdf_is_read_as_text():
    doc = _read("Dette er bare tekst, ikke PDF.\n".encode(), source="lurt.pdf")
    assert doc.media_type == "text/plain"
    assert doc.text == "Dette er bare tekst, ikke PDF."


@pytest.mark.parametrize(
    ("data", "text", "warned"),
    [
        ("Bø kommune, søknad om løyve".encode("cp1252"), "Bø kommune, søknad om løyve", True),
        ("Bø kommune – «sak»".encode("cp1252"), "Bø kommune – «sak»", True),
        ("Bø kommune".encode("utf-8-sig"), "Bø kommune", False),
        ("Bø kommune".encode("utf-16"), "Bø kommune", False),
        ("Bø kommune".encode("utf-8"), "Bø kommune", False),
    ],
    ids=["cp1252", "cp1252-punctuation", "utf8-bom", "utf16-bom", "utf8"],
)
def test_text_encodings(data, text, warned):
    doc = _read(data)
    assert doc.text == text
    assert bool(doc.warnings) is warned


def test_real_text_files_read(shared_corpus):
    paths = sorted((shared_corpus / "real" / "text").glob("*.txt"))[:3] + sorted(shared_corpus.glob("steinkjer/*.txt"))[:3]
    assert paths
    for path in paths:
        data = path.read_bytes()
        doc = _read(data, source=path.name)
        assert doc.media_type in ("text/plain", "text/markdown")
        assert doc.warnings == ()
        assert doc.text.replace("\f", " ").split() == data.decode("utf-8").replace("\f", " ").split()
        _assert_offsets(doc)
