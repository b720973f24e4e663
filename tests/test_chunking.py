from __future__ import annotations

import datetime as dt

import pytest

from saksfinn.index.retrieval.chunking import chunk_document, context_text, is_bare_heading
from saksfinn.models import PAGE_SEPARATOR, Document, DocumentMeta, DocType, Experience, Page, Section

SENTENCES = [
    "Steinkjer kommune har fokus på heltidskultur og mål om å få økt antall heltidsstillinger.",
    "Det rapporteres jevnlig i arbeidsmiljøutvalg og administrasjonsutvalg.",
    "Statistikken viser en gradvis liten økning av gjennomsnittlig stillingsstørrelse for hvert år.",
    "Arbeidsgruppen har bestått av tillitsvalgte, hovedverneombud og representanter fra enhetsledere.",
    "Tiltakene skal evalueres etter to år, jf. vedtak i administrasjonsutvalget 11.03.2021.",
]


def make_doc(page_texts: list[str], headings: list[tuple[str | None, str | None, int, int]] | None = None) -> Document:
    """Pages as given; sections given as (heading, kind, start, end) over Document.text."""
    pages, pos = [], 0
    for n, t in enumerate(page_texts, start=1):
        pages.append(Page(number=n, text=t, start=pos))
        pos += len(t) + len(PAGE_SEPARATOR)
    doc = Document(
        document_id="d" * 64,
        source="test.pdf",
        media_type="application/pdf",
        pages=tuple(pages),
        meta=DocumentMeta(title="Retningslinjer for heltidskultur", municipality="Steinkjer",
                          doc_type=DocType.SAKSFREMLEGG, date=dt.date(2026, 1, 20)),
    )
    if headings:
        text = doc.text
        sections = tuple(
            Section(index=i, heading=h, kind=k, page=doc.page_at(s), page_end=doc.page_at(e), start=s, end=e, text=text[s:e])
            for i, (h, k, s, e) in enumerate(headings)
        )
        doc = doc.model_copy(update={"sections": sections})
    return doc


def long_text(n_sentences: int) -> str:
    return " ".join(SENTENCES[i % len(SENTENCES)] for i in range(n_sentences))


def test_chunks_never_cross_sections_and_skip_boilerplate():
    a = long_text(30)
    b = long_text(12)
    boiler = "Postadresse Postboks 2530 7729 Steinkjer. Telefon 74 16 90 00."
    text = f"{a}\n\n{boiler}\n\n{b}"
    s_b = text.index(boiler)
    s_c = text.index(b, s_b)
    doc = make_doc([text], [("Saksopplysninger", "saksopplysninger", 0, len(a)),
                            (None, "boilerplate", s_b, s_b + len(boiler)),
                            ("Vurdering", "vurdering", s_c, len(text))])
    chunks = chunk_document(doc)
    assert chunks
    spans = [(0, len(a)), (s_c, len(text))]
    for c in chunks:
        assert any(lo <= c.start and c.end <= hi for lo, hi in spans), c
        assert "Postboks" not in c.text
        assert c.text == doc.text[c.start:c.end]
    assert {c.section for c in chunks} == {"Saksopplysninger", "Vurdering"}


@pytest.mark.parametrize("target", [60, 120, 180])
def test_chunk_sizes_and_sentence_boundaries(target):
    doc = make_doc([long_text(60)])
    chunks = chunk_document(doc, target_words=target, overlap_words=10)
    assert len(chunks) > 1
    for c in chunks:
        words = len(c.text.split())
        assert words <= int(target * 1.5)
        assert c.text[0].isupper(), c.text[:30]  # starts at a sentence start
        assert c.text.endswith(".")
    # all but the last are at least half the target
    assert all(len(c.text.split()) >= target / 2 for c in chunks[:-1])


def test_overlap_repeats_trailing_sentences():
    doc = make_doc([long_text(40)])
    with_overlap = chunk_document(doc, target_words=80, overlap_words=30)
    without = chunk_document(doc, target_words=80, overlap_words=0)
    assert any(b.start < a.end for a, b in zip(with_overlap, with_overlap[1:]))
    assert all(b.start >= a.end for a, b in zip(without, without[1:]))
    covered = " ".join(doc.text[c.start:c.end] for c in without)
    assert len(covered.split()) == len(doc.text.split())  # nothing lost


@pytest.mark.parametrize(
    "sentence",
    [
        "Tiltaket gjelder fra 01.01.2027, jf. vedtak i sak 12/2026 om dette.",
        "Dette gjelder bl.a. ansatte i helse og velferd i alle enheter.",
        "Beløpet er kr 1.500.000 og dekkes av disposisjonsfondet i år.",
    ],
)
def test_abbreviations_and_numbers_do_not_split_sentences(sentence):
    # target so small that every sentence becomes its own chunk
    doc = make_doc([f"{sentence} {sentence} {sentence}"])
    chunks = chunk_document(doc, target_words=12, overlap_words=0)
    assert [c.text for c in chunks] == [sentence] * 3


def test_page_of_chunk_start_and_metadata():
    doc = make_doc([long_text(25), long_text(25)])
    chunks = chunk_document(doc, target_words=100, overlap_words=0)
    second_page_start = doc.pages[1].start
    for c in chunks:
        assert c.page == (2 if c.start >= second_page_start else 1)
        assert c.title == "Retningslinjer for heltidskultur"
        assert c.municipality == "Steinkjer"
        assert c.doc_type == "saksfremlegg"
        assert c.date == dt.date(2026, 1, 20)
        assert c.type == "passage"
    assert {c.page for c in chunks} == {1, 2}


def test_findings_become_typed_chunks():
    doc = make_doc([long_text(5)])
    exp = Experience(document_id=doc.document_id, page=1, section="Erfaringer", start=0, end=40,
                     text="Man har fått testet ut tjenestedesign.", extractor="experience@1",
                     themes=("innovasjon",), polarity="positive")
    chunks = chunk_document(doc, [exp])
    finding = [c for c in chunks if c.type != "passage"]
    assert len(finding) == 1
    f = finding[0]
    assert (f.type, f.polarity, f.themes, f.finding_id) == ("experience", "positive", ("innovasjon",), exp.finding_id)
    assert f.section == "Erfaringer" and f.title == doc.meta.title


def test_empty_document_gives_no_chunks():
    assert chunk_document(make_doc(["", "  "])) == []


def test_first_passage_of_a_section_starts_with_its_heading():
    body = "- Økt koordinering av utviklingsprosjekter gjennom styringsgruppen.\n- Det har vært god lederforankring."
    text = f"Positive erfaringer fra programperioden\n\n{body}"
    start = text.index(body)
    doc = make_doc([text], [("Positive erfaringer fra programperioden", "erfaringer", start, len(text))])
    first = chunk_document(doc)[0]
    assert first.text.startswith("Positive erfaringer fra programperioden")
    assert first.start == 0 and first.text == text[first.start : first.end]


@pytest.mark.parametrize(
    ("body", "indexed"),
    [
        ("1 Retningslinjer for heltidskultur - revidert 2025\n2 Retningslinjer for heltidskultur - vedtatt 2019", False),
        ("Søknad om serveringsbevilling\nArealtegning", False),
        # a Vedlegg section that holds case text (a missed heading) is still searchable
        (long_text(3), True),
    ],
)
def test_attachment_lists_are_not_indexed(body, indexed):
    case = long_text(4)
    text = f"{case}\n\nVedlegg:\n{body}"
    start = text.index(body)
    doc = make_doc([text], [("Saksopplysninger", "saksopplysninger", 0, len(case)), ("Vedlegg", "vedlegg", start, len(text))])
    sections = {c.section for c in chunk_document(doc)}
    assert ("Vedlegg" in sections) is indexed
    assert "Saksopplysninger" in sections


def test_project_chunk_reads_name_and_description_and_a_bare_name_is_not_indexed():
    from saksfinn.models import Project

    text = "Prosjektet Tørn skal utvikle nye arbeidstidsordninger i helse og omsorg."
    doc = make_doc([text])
    named = Project(document_id=doc.document_id, page=1, start=11, end=15, text="Tørn", name="Tørn",
                    extractor="projects@2", description="skal utvikle nye arbeidstidsordninger i helse og omsorg")
    bare = named.model_copy(update={"description": None, "finding_id": "x"})
    chunks = [c for c in chunk_document(doc, [named, bare]) if c.type == "project"]
    assert [c.text for c in chunks] == ["Tørn: skal utvikle nye arbeidstidsordninger i helse og omsorg"]


def test_passages_get_themes_from_the_given_classifier():
    from saksfinn.extractors.themes import passage_themes

    text = long_text(4)  # heltidskultur, heltidsstillinger: two mentions
    plain = chunk_document(make_doc([text]))
    themed = chunk_document(make_doc([text]), themes_of=passage_themes)
    assert [c.themes for c in plain] == [()]
    assert [c.themes for c in themed] == [("heltid",)]
    assert [c.chunk_id for c in plain] == [c.chunk_id for c in themed]


def test_a_heading_without_text_of_its_own_is_context_of_the_passage_under_it():
    """A heading alone is never a hit: it is indexed and embedded with the content under it."""
    body = "- Færre vikarer og bedre kontinuitet for brukerne."
    text = f"Erfaringer fra prosjektet\n\nPositive erfaringer\n\n{body}"
    parent_end = text.index("Positive erfaringer")
    start = text.index(body)
    doc = make_doc([text], [("Erfaringer fra prosjektet", "erfaringer", len("Erfaringer fra prosjektet\n\n"), parent_end),
                            ("Positive erfaringer", "erfaringer", start, len(text))])
    chunks = chunk_document(doc)
    assert [c.text for c in chunks] == [f"Positive erfaringer\n\n{body}"]
    assert chunks[0].context == "Erfaringer fra prosjektet"
    assert context_text(chunks[0]).splitlines()[0] == "Retningslinjer for heltidskultur / Erfaringer fra prosjektet"
    assert body in context_text(chunks[0])


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("Lean kontinuerlig forbedring som virksomhetsstrategi", True),
        ("Ungdomsrådets behandling av sak 14/2026 i møte den 20.05.2026:", True),
        ("Saksframlegg Tiltak mot sykefravær i skulane", True),
        ("Behandling\n\nVedtak", True),
        ("Forslag til vedtak ble enstemmig vedtatt.", False),
        ("Tørn: skal utvikle nye arbeidstidsordninger i helse og omsorg", False),
        ("Tiltak mot sykefravær\n\nDet høye sykefraværet har ført til at kommunen vil gjennomføre tiltak.", False),
    ],
)
def test_bare_headings_are_told_from_content(text, bare):
    assert is_bare_heading(text) is bare


def test_a_passage_over_a_page_break_cites_both_pages():
    first = "Saksopplysninger\n\n" + " ".join(["Kommunen har hatt høyt sykefravær i flere år."] * 6)
    second = " ".join(["Tiltakene videreføres i 2026 med tett oppfølging."] * 3)
    doc = make_doc([first, second])
    passages = [c for c in chunk_document(doc) if c.type == "passage"]
    assert len(passages) == 1
    assert (passages[0].page, passages[0].page_end, passages[0].last_page) == (1, 2, 2)
    one_page = make_doc([first])
    assert [c.page_end for c in chunk_document(one_page)] == [None]
