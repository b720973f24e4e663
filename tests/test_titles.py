"""Titles when the first line is worse: the cover's, the PDF's own /Title, or none."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from saksfinn.extractors.analyse import analyse_document
from saksfinn.extractors.read import read_document
from saksfinn.extractors.titles import better_title, is_poor_title, usable_file_title


@pytest.mark.parametrize(
    ("title", "poor"),
    [
        ("Y 503900 Y 504000 Y 504100 Y 504200 Y 504300", True),  # a plankart's coordinate labels
        ("7. Vedlegg 1. Lederlæringsprogram", True),
        ("Plan nr. 1264.", True),
        ("PlanID 1626", True),
        ("Kunngjøring Hei.", True),
        ("Kristiansand kommune Vedtatt dato: 18.06.2025", True),
        ("Vedlegg 2", True),
        ("SAK", True),
        ("17. mai 2026 - Ny komite", False),
        ("Regnskapsrapport 2025 pr. 04.02.26", False),
        ("Skolerute 2027-2028, Steinkjer kommune", False),
        ("Vedlegg til søknad om skjenkebevilling", False),
        ("Lederlæringsprogram 2014", False),
        ("Framtidig skulestruktur – Fjellsida skule", False),
    ],
)
def test_is_poor_title(title: str, poor: bool) -> None:
    assert is_poor_title(title) is poor


@pytest.mark.parametrize(
    ("file_title", "usable"),
    [
        ("Microsoft Word - 181201_3_P.doc", None),
        ("Microsoft Word - 1909_Planbeskrivelse_Endring_Breisås Sør.doc", None),
        ("GISLINE", None),
        ("Aspose", None),
        ("PowerPoint-presentasjon", None),
        ("Presentasjon1", None),
        ("", None),
        (None, None),
        ("Reguleringsplan for Gyldenløves gate 70", "Reguleringsplan for Gyldenløves gate 70"),
        ("  Lederlæringsprogram   2014 ", "Lederlæringsprogram 2014"),
    ],
)
def test_usable_file_title(file_title: str | None, usable: str | None) -> None:
    assert usable_file_title(file_title) == usable


@pytest.mark.parametrize(
    ("title", "headings", "file_title", "slides", "expected"),
    [
        # a good first line stays, whatever the file says
        ("Tiltak mot sykefravær i hjemmetjenesten", (), "Microsoft Word - sak.doc", False,
         "Tiltak mot sykefravær i hjemmetjenesten"),
        ("Tiltak mot sykefravær", (), "Sykefravær 2025 – endelig", False, "Tiltak mot sykefravær"),
        # an attachment number: the cover heading that continues it
        ("7. Vedlegg 1. Lederlæringsprogram", ("## Lederlæringsprogram 2014", "# Læringslean fase 2"), None, False,
         "Lederlæringsprogram 2014"),
        # ... or, without layout headings, the rest of the line
        ("7. Vedlegg 1. Lederlæringsprogram", (), None, False, "Lederlæringsprogram"),
        # coordinates: the file's title when it is one, else nothing
        ("Y 503900 Y 504000 Y 504100", (), "GISLINE", False, None),
        ("Y 441150 Y 441200 Y 441250", (), "Plankart Gyldenløves gate 70", False, "Plankart Gyldenløves gate 70"),
        # a slide deck: its cover title even when the first line is a fine one
        ("Harstad kommune Attraktivt hele livet", ("Læringslean i Harstad kommune", "Bakgrunn"), None, True,
         "Læringslean i Harstad kommune"),
        # an archive number in front is metadata, not title
        ("19/00059-129 - Varsel om oppstart av planarbeid for Breidablikkbakken 27 og 29", (), None, False,
         "Varsel om oppstart av planarbeid for Breidablikkbakken 27 og 29"),
        (None, (), "Reguleringsplan for Gyldenløves gate 70", False, "Reguleringsplan for Gyldenløves gate 70"),
        (None, (), None, False, None),
    ],
)
def test_better_title(title, headings, file_title, slides, expected) -> None:
    assert better_title(title, first_page_headings=headings, file_title=file_title, slides=slides) == expected


def _analysed(text: str):
    return analyse_document(read_document(text.encode(), source="/tmp/x.txt", document_id="t")).meta


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # Aspose export of a plan: the letterhead line carries a field, the next label has no value
        ("Kristiansand kommune Vedtatt dato: 18.06.2025\nDato for siste mindre endring:\n"
         "Reguleringsplan for Gyldenløves gate 70\nReguleringsbestemmelser\nDetaljregulering\nPlanID 1626\n"
         "Saksnummer PLAN-22/02295, 2022025683\n17.12.2024\n1. Planens hensikt\nHensikten med planarbeidet er å regulere.",
         "Reguleringsplan for Gyldenløves gate 70"),
        # a plan number above the title, the title in capitals over two lines
        ("Plan nr. 1264.\nBESTEMMELSER TIL KOMMUNEDELPLAN FOR KVADRATUREN OG VESTRE HAVN,\nDEL 1 - KVADRATUREN 2011-2022\n"
         "§1 Planer og status (pbl § 1-5 2.ledd nr.4)\n1.1 Vedtatte reguleringsplaner gjelder foran kommunedelplanen.",
         "BESTEMMELSER TIL KOMMUNEDELPLAN FOR KVADRATUREN OG VESTRE HAVN, DEL 1 - KVADRATUREN 2011-2022"),
        # an archived e-mail: "Tittel:" and then the greeting, which is not part of it
        ("Fra: Hanna Philipos[Hanna.Philipos@asplanviak.no]\nSendt: 19.12.2025 10:32:53\n"
         "Til: Felles Postmottak By- Og Samfunnsplanlegging[postmottak.bos@stavanger.kommune.no]\nTittel: Kunngjøring\n"
         "Hei.\nOversender varslingsmaterialer for Plan 2889.", "Kunngjøring"),
        # a letter: the name under "Saksbehandler" is not the title; an address block is skipped
        ("Steinkjer kommune\nPostboks 2530\n7729 STEINKJER\n\nVår dato:\n\nVår ref:\n\n15.12.2025\n\n2024/14253\n\n"
         "Saksbehandler\n\nAnna Carina Handberg\n\nStadfestet vedtak etter klagebehandling - dispensasjon - klage\n"
         "Statsforvalteren har behandlet klage over Steinkjer kommunes vedtak om avslag på dispensasjon.\n"
         "Søknaden ble sendt 2022 ingen merknader kom inn.\n",
         "Stadfestet vedtak etter klagebehandling - dispensasjon - klage"),
        # a plankart's text layer is its coordinate labels: no title rather than those
        ("Y 503900\nY 504000\nY 504100\nY 504200\n", None),
    ],
)
def test_titles_from_realistic_heads(head: str, title: str | None) -> None:
    assert _analysed(head).title == title


def _slides_pdf(file_title: str | None) -> bytes:
    pdf = FPDF(orientation="L")
    pdf.core_fonts_encoding = "windows-1252"
    if file_title is not None:
        pdf.set_title(file_title)
    for i, (big, small) in enumerate([("Lederlæringsprogram 2014", "7. Vedlegg 1. Lederlæringsprogram")]
                                     + [(f"Læringslean fase {n}", "Foto: Trym Ivar Bergsmo") for n in range(2, 8)]):
        pdf.add_page()
        pdf.set_font("helvetica", size=12)
        if i == 0:
            pdf.cell(0, 10, small, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", style="B", size=28)
        pdf.cell(0, 16, big, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", size=12)
        pdf.cell(0, 8, "Harstad kommune", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def test_pdf_title_and_cover_title() -> None:
    doc = read_document(_slides_pdf("Microsoft PowerPoint - lean.pptx"), source="/tmp/lean.pdf", document_id="p")
    assert doc.file_title == "Microsoft PowerPoint - lean.pptx"  # read as written ...
    meta = analyse_document(doc).meta
    assert meta.title == "Lederlæringsprogram 2014"  # ... but the cover names it
    plain = read_document(_slides_pdf(None), source="/tmp/lean.pdf", document_id="p")
    assert plain.file_title is None


def test_pdf_title_when_the_text_has_none() -> None:
    pdf = FPDF()
    pdf.set_title("Plankart Gyldenløves gate 70")
    pdf.add_page()
    pdf.set_font("helvetica", size=8)
    for y in range(441150, 441300, 50):
        pdf.cell(0, 5, f"Y {y}", new_x="LMARGIN", new_y="NEXT")
    doc = read_document(bytes(pdf.output()), source="/tmp/kart.pdf", document_id="k")
    assert analyse_document(doc).meta.title == "Plankart Gyldenløves gate 70"
