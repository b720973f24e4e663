"""Sectioning: known Norwegian headings (Bokmål / Nynorsk), layout and plain-text headings,
boilerplate, span contract; plus real-corpus checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from saksfinn.extractors.sections import known_kind, split_sections
from saksfinn.extractors.textdoc import document_from_text
from saksfinn.models import PAGE_SEPARATOR, Document, Page


def _check_spans(doc: Document) -> None:
    secs = split_sections(doc)
    last = 0
    for i, s in enumerate(secs):
        assert s.index == i
        assert s.text == doc.text[s.start : s.end]
        assert s.start >= last and s.end >= s.start
        assert s.page <= s.page_end
        last = s.end


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Saksframlegg", "saksframlegg"),
        ("SAKSFRAMLEGG", "saksframlegg"),
        ("Innstilling til vedtak:", "innstilling"),
        ("INNSTILLING", "innstilling"),
        ("Forslag til vedtak:", "innstilling"),
        ("Kommunedirektørens forslag til vedtak:", "innstilling"),
        ("Kommunedirektørens forslag til innstilling:", "innstilling"),
        ("Rådmannens forslag til vedtak", "innstilling"),
        ("Kontrollutvalgets forslag til vedtak:", "innstilling"),
        ("Rådmannen tilrår:", "innstilling"),
        ("Kommunedirektøren tilrår at kommunestyret gjer slikt vedtak:", "innstilling"),
        ("Rådmannen tilrår at formannskapet fatter følgende vedtak:", "innstilling"),
        ("PTN-139/12 Tilråding:", "innstilling"),
        ("K-112/12 Vedtak:", "vedtak"),
        ("VEDTAK", "vedtak"),
        ("Kommunestyrets vedtak", "vedtak"),
        ("Behandling", "behandling"),
        ("Formannskapet behandling 12.02.2026:", "behandling"),
        ("Hovedutvalg helse og omsorgs behandling av sak 15/2025 i møte den 09.12.2025:", "behandling"),
        ("Saksopplysninger:", "saksopplysninger"),
        ("Saksopplysningar", "saksopplysninger"),
        ("Saksutredning", "saksopplysninger"),
        ("Saksomtale:", "saksopplysninger"),
        ("Vurdering:", "vurdering"),
        ("Vurdering av planforslaget", "vurdering"),
        ("Kommunedirektørens vurdering", "vurdering"),
        ("Saksvurderinger:", "vurdering"),
        ("1. Bakgrunn", "bakgrunn"),
        ("Konklusjon", "konklusjon"),
        ("Vedlegg:", "vedlegg"),
        ("Hva saken gjelder", "saken_gjelder"),
        ("Kva saka gjeld", "saken_gjelder"),
        ("Sammendrag", "sammendrag"),
        ("Innledning", "innledning"),
        ("Økonomiske konsekvenser", "okonomi"),
        ("Positive erfaringer fra programperioden", "experience_positive"),
        ("Hva fungerte godt?", None),  # a question with "?" is not a known heading form
        ("Hva fungerte godt", "experience_positive"),
        ("Negative erfaringar", "experience_negative"),
        ("Hva fungerte dårlig", "experience_negative"),
        ("Utfordringer", "experience_negative"),
        ("Suksessfaktorer", "experience_positive"),
        ("Læringspunkter", "lessons"),
        ("Målsetting", "goals"),
        ("Mål", "goals"),
        ("Tiltak", "tiltak"),
        ("Oppsummering", "sammendrag"),
        ("Like dokumenter", "boilerplate"),
        ("Innholdsfortegnelse", "boilerplate"),
        # not headings
        ("Vedtaket ble fattet enstemmig.", None),
        ("Rapporten om effekter og resultater av alle prosjektene i Forbedringsprogrammet tas til orientering.", None),
        ("Det ble gjort følgende vedtak i saken i Kommunestyret i desember 2019:", None),
    ],
)
def test_known_headings(line: str, kind: str | None) -> None:
    hit = known_kind(line)
    assert (hit[0] if hit else None) == kind


def test_saksframlegg_sections_bokmal() -> None:
    text = (
        "Arkivsaknr 19/02457-5\nSaksbehandler Guri Homb Hansen\n\n"
        "Effekter og resultater av prosjekter i Forbedringsprogrammet\n\n"
        "Innstilling til vedtak:\n\nRapporten tas til orientering.\n\n"
        "Hva saken gjelder\n\nViser til sak 19/02457 Rapportering på effekter.\n\n"
        "Positive erfaringer fra programperioden\n\n- Økt koordinering av utviklingsprosjekter.\n\n"
        "Negative erfaringer fra programperioden\n\n- For lite tid til oppfølging.\n"
    )
    doc = document_from_text(text)
    secs = split_sections(doc)
    assert [s.kind for s in secs] == [None, "innstilling", "saken_gjelder", "experience_positive", "experience_negative"]
    assert secs[0].heading is None and secs[0].text.startswith("Arkivsaknr")
    assert secs[1].heading == "Innstilling til vedtak"
    assert secs[1].text == "Rapporten tas til orientering."
    assert secs[3].text == "- Økt koordinering av utviklingsprosjekter."
    _check_spans(doc)


def test_nynorsk_mobook_with_prefixed_headings_and_inline_text() -> None:
    text = (
        "Saksomtale:\nPlanforslaget vart lagt ut til offentleg ettersyn.\n\n"
        "Rådmannen tilrår: Planforslaget vert vedteke.\n\n"
        "PTN-139/12 Tilråding:\nPlanforslaget vert vedteke.\n\n"
        "K-112/12 Vedtak:\nPlanforslaget vart vedteke med 14 mot 10 røyster.\n"
    )
    doc = document_from_text(text)
    secs = split_sections(doc)
    assert [(s.heading, s.kind) for s in secs] == [
        ("Saksomtale", "saksopplysninger"),
        ("Rådmannen tilrår", "innstilling"),
        ("PTN-139/12 Tilråding", "innstilling"),
        ("K-112/12 Vedtak", "vedtak"),
    ]
    assert secs[1].text == "Planforslaget vert vedteke."
    _check_spans(doc)


def test_pages_and_layout_headings() -> None:
    pages = ["Innledning\nDette er første side med tekst.", "Resultater for 2025\nTallene viser en klar økning."]
    text = PAGE_SEPARATOR.join(pages)
    doc = Document(
        document_id="x",
        source="t.pdf",
        media_type="application/pdf",
        pages=(
            Page(number=1, text=pages[0], start=0),
            Page(number=2, text=pages[1], start=len(pages[0]) + len(PAGE_SEPARATOR), heading_lines=("Resultater for 2025",)),
        ),
    )
    assert doc.text == text
    secs = split_sections(doc)
    assert [(s.heading, s.kind, s.page) for s in secs] == [("Innledning", "innledning", 1), ("Resultater for 2025", None, 2)]
    _check_spans(doc)


def test_section_spanning_pages() -> None:
    doc = document_from_text("Vurdering\nFørste del av vurderingen.\fAndre del av vurderingen.")
    (sec,) = split_sections(doc)
    assert (sec.page, sec.page_end) == (1, 2)
    assert "\f" in sec.text


def test_plain_and_numbered_headings() -> None:
    body = "Dette er en lang brødtekst som forklarer resultatene i detalj for leseren."
    text = f"Rapport\n\n3.2 Resultater\n\n{body}\n\nVeien videre\n\n{body}\n\n- kort punkt\n- Godt partssamarbeid\n"
    secs = split_sections(document_from_text(text))
    heads = [(s.heading, s.level) for s in secs if s.heading]
    assert ("3.2 Resultater", 2) in heads
    assert ("Veien videre", 1) in heads
    assert all(h != "- Godt partssamarbeid" for h, _ in heads)


def test_boilerplate_like_documents_and_toc() -> None:
    text = (
        "Like dokumenter\nSammendrag av spørreundersøkelsen - våren 2015\n\nInnhold, tiltak og virkemidler\n\n"
        "Transkript:\n\nInnhold\n\n1. Bakgrunn\n2. Mandatet\n\n1. Bakgrunn\n\n"
        "Kommunen har initiert en omstilling for å levere bedre tjenester.\n\n2. Mandatet\n\n"
        "Arbeidsgruppen skal vurdere hvordan tjenestene kan leveres bedre.\n"
    )
    doc = document_from_text(text)
    secs = split_sections(doc)
    kinds = [(s.heading, s.kind) for s in secs]
    assert kinds == [
        ("Like dokumenter", "boilerplate"),
        ("Transkript", "transcript"),
        ("Innhold", "boilerplate"),
        ("1. Bakgrunn", "bakgrunn"),
        ("2. Mandatet", "mandat"),
    ]
    assert "Sammendrag av" in secs[0].text  # list titles stay inside the boilerplate block
    _check_spans(doc)


def test_empty_document() -> None:
    assert split_sections(document_from_text("")) == ()


def _corpus_files(root: Path) -> list[Path]:
    return sorted((root / "seeds" / "txt").glob("*.txt")) + sorted((root / "real" / "text").glob("*.txt"))


@pytest.mark.corpus
def test_real_corpus_span_contract_and_kinds(shared_corpus: Path) -> None:
    files = _corpus_files(shared_corpus) + sorted((shared_corpus / "steinkjer").glob("*.txt"))
    assert files
    for f in files:
        _check_spans(document_from_text(f.read_text(encoding="utf-8"), source=str(f)))


@pytest.mark.corpus
def test_real_seed_sections(shared_corpus: Path) -> None:
    seed0 = next((shared_corpus / "seeds" / "txt").glob("000_*.txt"))
    kinds = [s.kind for s in split_sections(document_from_text(seed0.read_text(encoding="utf-8")))]
    for k in ("innstilling", "saken_gjelder", "experience_positive", "experience_negative", "konklusjon", "vedlegg"):
        assert k in kinds
    seed1 = next((shared_corpus / "seeds" / "txt").glob("001_*.txt"))
    secs = split_sections(document_from_text(seed1.read_text(encoding="utf-8")))
    like = next(s for s in secs if s.heading == "Like dokumenter")
    assert like.kind == "boilerplate"
    after = secs[secs.index(like) + 1]
    assert after.heading == "Transkript" and len(after.text) > 5000
    seed3 = next((shared_corpus / "seeds" / "txt").glob("003_*.txt"))
    secs = split_sections(document_from_text(seed3.read_text(encoding="utf-8")))
    assert [s.kind for s in secs if s.heading == "Innhold"] == ["boilerplate"]
    assert any(s.heading == "1. Bakgrunn" and len(s.text) > 200 for s in secs)


@pytest.mark.corpus
def test_real_steinkjer_saksframlegg_have_innstilling(shared_corpus: Path) -> None:
    root = shared_corpus / "steinkjer"
    rows = [ln.split("\t") for ln in (root / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:]]
    saksframlegg = [r[0] for r in rows if r[6] == "saksframlegg"]
    with_innstilling = sum(
        any(s.kind == "innstilling" for s in split_sections(document_from_text((root / f).read_text(encoding="utf-8"))))
        for f in saksframlegg
    )
    assert with_innstilling / len(saksframlegg) >= 0.9


@pytest.mark.parametrize(
    ("text", "like_text", "after"),
    [
        (  # Bokmål web page: the first listed title on the "Like dokumenter" line
            "HOVEDFUNN OG SAMMENDRAG\nLike dokumenter RESULTATER OG TILTAK I KOMMUNENETTVERK FOR\n"
            "FORNYELSE. Sluttrapport.\nSammendrag av spørreundersøkelsen - våren 2015\n"
            "Oppsummering av Kommunelederundersøkelsen\nTranskript:\n"
            "Bruken av erfaringer fra nettverkene er generelt høy i kommunene, og informasjonen blir nyttiggjort.\n",
            "RESULTATER OG TILTAK I KOMMUNENETTVERK FOR\nFORNYELSE. Sluttrapport.\n"
            "Sammendrag av spørreundersøkelsen - våren 2015\nOppsummering av Kommunelederundersøkelsen",
            "Bruken av erfaringer",
        ),
        (  # Nynorsk titles, a colon after the label and "Transkript:" with text on its line
            "Like dokumenter: Saman om ein betre kommune\nÅrsrapportering pulje 1\n1 MÅL OG RAMMER\n"
            "Transkript: Hva er Saman om ein betre kommune\n",
            "Saman om ein betre kommune\nÅrsrapportering pulje 1\n1 MÅL OG RAMMER",
            "Hva er Saman",
        ),
    ],
    ids=["bokmaal-title-on-label-line", "nynorsk-colon-transkript-inline"],
)  # fmt: skip
def test_like_documents_with_first_title_on_its_line(text: str, like_text: str, after: str) -> None:
    doc = document_from_text(text)
    secs = split_sections(doc)
    like = next(s for s in secs if s.heading == "Like dokumenter")
    assert like.kind == "boilerplate"
    assert like.text == like_text  # none of the listed titles starts a section of its own
    nxt = secs[secs.index(like) + 1]
    assert nxt.kind == "transcript" and nxt.text.startswith(after)
    _check_spans(doc)


def test_like_documents_words_in_running_text_are_no_heading() -> None:
    doc = document_from_text("Like dokumenter skal behandles likt av alle saksbehandlere i kommunen.\n")
    assert [s.kind for s in split_sections(doc)] == [None]


@pytest.mark.parametrize(
    ("text", "toc_end", "after"),
    [
        (  # Bokmål booklet: the whole TOC run into lines of text, then the foreword
            "Innhold Forord… 3 Hva er Saman om ein betre kommune?… 4\nUtviklingsarbeidet… 6 Temaene… 7 Heltid… 8\n"
            "Kontaktinformasjon… 22 Vedlegg 1: Tips til prosessen\nlokalt… 24 Vedlegg 2: Deltakerkommuner… 35\n"
            "Vedlegg 3: avtale om programmet. 37 På nettsidene og\nFacebook-sidene legges det jevnlig ut nyheter.\n"
            "Forord Dette heftet er en presentasjon av utviklingsprogrammet.\f"
            "Kommunene har arbeidet med sykefravær, heltid og omdømme i tre år og har gode resultater å vise til.\n",
            "lokalt… 24 Vedlegg 2: Deltakerkommuner… 35",
            "Vedlegg 3: avtale",
        ),
        (  # Nynorsk heading on its own line, dotted leaders, body text straight after
            "Innhald\nSamandrag ........ 2\nBakgrunn for arbeidet\nog mandatet ........ 3\nVurdering ........ 5\n"
            "Kommunen har sett ned ei arbeidsgruppe som skal sjå på korleis tenestene kan bli betre.\n"
            "Gruppa har hatt seks møte og har snakka med tilsette i alle einingar.\n",
            "Vurdering ........ 5",
            "Kommunen har sett ned",
        ),
    ],
    ids=["bokmaal-running-text-toc", "nynorsk-dotted-toc"],
)  # fmt: skip
def test_toc_ends_at_its_last_page_number_line(text: str, toc_end: str, after: str) -> None:
    doc = document_from_text(text)
    secs = split_sections(doc)
    toc = next(s for s in secs if s.kind == "boilerplate")
    assert toc.text.endswith(toc_end)
    nxt = secs[secs.index(toc) + 1]
    assert (nxt.heading, nxt.kind) == (None, None)  # untitled text after the TOC, not boilerplate
    assert nxt.text.startswith(after)
    assert nxt.page_end == doc.pages[-1].number
    _check_spans(doc)


@pytest.mark.parametrize(
    ("text", "headings"),
    [
        (  # a table's totals column under its numbers (pdftotext puts one cell per line)
            "Saksvurderinger\n\nTabell 2 - Stillingsstørrelse fordelt på kjønn\n\nKVINNER\n\n86\n\n51\n\nMENN\n\n19\n\n"
            "1316\n\n1659\n\n100 %\n\nTOTALT\n\n"
            "Kvinner er fortsatt overrepresentert i stillinger med lav stillingsprosent i kommunen.\n",
            ["Saksvurderinger"],
        ),
        (  # Nynorsk, a title-case cell after percentages
            "Vurdering\n\n12,5 %\n\n14,0 %\n\nSum\n\n"
            "Kommunen har framleis ein høg del tilsette i små stillingar, og arbeidet held fram.\n",
            ["Vurdering"],
        ),
        (  # a page or slide number above a real heading does not make it a table cell
            "Fraværstall for 2026 blir ikke offentliggjort før medio mai.\n\n3\n\nOversikt pasientflyt\n\n"
            "Antall på venteliste varierer fra dag til dag, og søkere med plass blir også registrert.\n",
            ["Oversikt pasientflyt"],
        ),
        (  # real ALL CAPS headings after numbers still start sections
            "SAKSFRAMLEGG\n\nSaksnr 12\n\n2026\n\n14\n\nSAKSOPPLYSNINGER\n\n"
            "Kommunen har hatt 14 saker om deltid i 2025 og ser at talet aukar frå år til år.\n\n"
            "VEDTAK\n\nSaka vert teken til orientering.\n",
            ["SAKSFRAMLEGG", "SAKSOPPLYSNINGER", "VEDTAK"],
        ),
    ],
    ids=["bokmaal-totalt", "nynorsk-sum", "page-number-then-heading", "allcaps-known-headings"],
)  # fmt: skip
def test_table_cells_are_no_headings(text: str, headings: list[str]) -> None:
    doc = document_from_text(text)
    assert [s.heading for s in split_sections(doc) if s.heading] == headings
    _check_spans(doc)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Skogsjefens forslag til vedtak:", "innstilling"),
        ("Virksomhetsleders innstilling", "innstilling"),
        ("Daglig leders forslag til vedtak:", "innstilling"),
        ("Sekretariatets innstilling:", "innstilling"),
        ("Einingsleiaren sitt framlegg til vedtak:", "innstilling"),
        ("Dagleg leiar sitt framlegg til vedtak", "innstilling"),
        ("Kommunedirektøren sitt framlegg til vedtak:", "innstilling"),
        ("Skogsjefen si tilråding:", "innstilling"),
        # a politician's or a party's proposal in the meeting is not the administration's
        ("Ordførerens forslag til vedtak:", None),
        ("Utvalgsleders forslag til vedtak:", None),
        ("Senterpartiets forslag til vedtak:", None),
    ],
)
def test_named_official_proposal_headings(line: str, kind: str | None) -> None:
    hit = known_kind(line)
    assert (hit[0] if hit else None) == kind


def test_named_official_proposal_starts_innstilling_section() -> None:
    text = (
        "SAKSFRAMLEGG\n\nSaksbehandler: Per Odd Rygg\n\nRegnskapsrapport 2025\nVedlegg:\n1\n\nRegnskapsrapport pr. 04.02.26\n\n"
        "Skogsjefens forslag til vedtak:\nStyret tar regnskapsrapporten til etterretning\n"
    )
    doc = document_from_text(text)
    secs = split_sections(doc)
    assert [(s.heading, s.kind) for s in secs][-2:] == [
        ("Vedlegg", "vedlegg"),
        ("Skogsjefens forslag til vedtak", "innstilling"),
    ]
    assert secs[-1].text == "Styret tar regnskapsrapporten til etterretning"
    assert "Skogsjefens" not in secs[-2].text
    _check_spans(doc)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (
            "Saksvurderinger\n\nSteinkjer Utvikling AS har gjort sin vurdering av søknaden og skriver i sin\n"
            "vurdering:\nSamarbeidet med næringshagen har vært nyttig.\n",
            ["vurdering"],
        ),
        (
            "Vurdering\n\nSjukefråværet er høgt i sektoren. Eit høgt sjukefråvær får\n"
            "økonomiske konsekvensar for kommunen, og kan svekke\nkvaliteten på tenestene.\n",
            ["vurdering"],
        ),
        (  # after a sentence that ends, a lower-case heading line still counts
            "Saka gjeld tilskot.\nvedtak:\nTilskotet vert gitt.\n",
            [None, "vedtak"],
        ),
    ],
    ids=["bokmaal-wrapped-vurdering", "nynorsk-wrapped-okonomi", "after-full-stop"],
)
def test_heading_words_wrapped_in_a_sentence_are_no_heading(text: str, kinds: list[str | None]) -> None:
    doc = document_from_text(text)
    assert [s.kind for s in split_sections(doc)] == kinds
    _check_spans(doc)
