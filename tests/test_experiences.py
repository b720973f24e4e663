"""Experiences: list items under experience headings and experience statements."""

from __future__ import annotations

import pytest

from saksfinn.extractors.experiences import EXTRACTOR, extract_experiences
from tests.finding_docs import corpus_doc, make_doc, nlp  # noqa: F401 - nlp is a fixture

LISTS = (
    "Positive erfaringer fra programperioden\n\n"
    "- Økt koordinering av utviklingsprosjekter gjennom styringsgruppen.\n"
    "- Styringsgruppens oppfølging av handlingsplanen for digitalisering har økt\n"
    "  gjennomføringsevnen og samordningen vår.\n\n"
    "Negative erfaringer fra programperioden\n\n"
    "- Ønsket om økonomiske gevinster antas å ha redusert tilfanget av prosjekter og tiltak.\n\n"
    "- For lite kunnskap om programmet blant de ansatte.\n\n"
    "Konklusjon\n\nProsjektene har gitt indirekte gevinster.\n"
)


def test_lists_one_record_per_bullet_with_heading_polarity():
    found = extract_experiences(make_doc(LISTS))
    assert [(e.polarity, e.kind) for e in found] == [("positive", "list")] * 2 + [("negative", "list")] * 2
    assert found[1].text == (
        "Styringsgruppens oppfølging av handlingsplanen for digitalisering har økt "
        "gjennomføringsevnen og samordningen vår."
    )
    assert all(e.extractor == EXTRACTOR for e in found)
    assert found[0].section == "Positive erfaringer fra programperioden"
    assert "digitalisering" in found[1].themes
    doc = make_doc(LISTS)
    assert all(doc.text[e.start : e.end].startswith(e.text[:20]) for e in found)


@pytest.mark.parametrize(
    ("heading", "items", "polarity"),
    [
        ("## ■ utfordringer", ["Mange ansatte på hver bruker", "Høyt sykefravær, mange vikarer"], "negative"),
        ("Suksessfaktorer:", ["Stabil arbeidsgruppe", "Felles eierskap til prosjektet"], "positive"),
        ("Hva fungerte godt?", ["Tett oppfølging fra leder", "Felles møtepunkt hver uke"], "positive"),
        ("Kva har fungert dårleg", ["For lite tid til opplæring", "Turnusen vart ikkje endra"], "negative"),
        ("Utfordringar", ["Vanskeleg å rekruttere sjukepleiarar", "Lite tid til rettleiing"], "negative"),
    ],
)
def test_heading_polarity(heading, items, polarity):
    text = heading + "\n\n" + "\n".join(f"- {item}" for item in items) + "\n"
    found = extract_experiences(make_doc(text, sections=False))
    assert [e.text for e in found] == items
    assert {e.polarity for e in found} == {polarity}


def test_advice_list_polarity_by_wording_and_sub_bullets_kept():
    text = (
        "# Råd for veien videre\n\n## Erfaringer med innføring i 27 enheter\n\n"
        "- Lederstøtte\n  - Ansvarliggjøre\n  - Dyktiggjøre\n"
        "- Vanskelig å få ledere til å prioritere forbedringsarbeidet\n"
        "- Medarbeiderskapet må dyrkes\n"
    )
    found = extract_experiences(make_doc(text, sections=False))
    assert [e.text for e in found] == [
        "Lederstøtte - Ansvarliggjøre - Dyktiggjøre",
        "Vanskelig å få ledere til å prioritere forbedringsarbeidet",
        "Medarbeiderskapet må dyrkes",
    ]
    assert [e.polarity for e in found] == ["positive", "negative", "positive"]


@pytest.mark.parametrize(
    ("sentence", "polarity"),
    [
        ("Erfaringen fra stab/støtte – prosessen var at flere gode medarbeidere sluttet.", "negative"),
        ("Modellen vi har i dag med Servicesenteret har vært vellykket på mange måter.", "positive"),
        ("Erfaringa frå programmet er at kommunar der alle partar dreg lasset saman oppnår meir.", "positive"),
        ("Et eksempel er «tilgangsprosjektet» som ble avsluttet før alle behov ble løst.", "negative"),
        ("Dette samarbeidet har fungert godt de siste 5 årene.", "positive"),
        ("Imidlertid er erfaringene at våre digitale løsninger ikke er enkle og selvforklarende.", "negative"),
        ("Planleggingsdagen i november ble vurdert som svært vellykket.", "positive"),
        ("Erfaringa etter vi startet med First Agenda er at det er mange som ikke leser framsida.", "negative"),
    ],
)
def test_statements(sentence, polarity):
    text = "Innledning\n\nDet ble holdt tre møter. " + sentence + " Neste møte blir i mai.\n"
    found = extract_experiences(make_doc(text, sections=False))
    assert [(e.text, e.polarity, e.kind) for e in found] == [(sentence, polarity, "statement")]


@pytest.mark.slow
def test_spacy_sentences_give_the_same_findings(shared_corpus, nlp):
    """With the spaCy sentencizer the seeds give the same experiences as the regex splitter."""
    for path in sorted((shared_corpus / "seeds" / "txt").glob("00*.txt")):
        doc = corpus_doc(path)
        with_nlp = [(e.text, e.polarity) for e in extract_experiences(doc, nlp)]
        assert with_nlp == [(e.text, e.polarity) for e in extract_experiences(doc)], path.name


@pytest.mark.parametrize(
    "text",
    [
        "Erfaringstall viser at en slik veg koster i størrelsesorden 20 000 kroner per meter.",
        "Bruken av erfaringer fra Effektiviseringsnettverkene er generelt høy i kommunene.",
        "Erfaring viser også at det er en stabil og rasjonell eierform.",
        "Positive erfaringer fra programperioden\n\nRapporten tas til orientering.",
        "5. Hva er de største utfordringene vi må ta tak i?\n\n- Mangler et tydelig veikart\n",
        "Utfordringer med uro på bussen til Sunnan. 45 elever totalt.\n- Sjåføren melder fra.\n",
    ],
)
def test_not_experiences(text):
    assert extract_experiences(make_doc(text, sections=False)) == []


def _by_polarity(found, kind):
    return [e for e in found if e.kind == kind and e.polarity == "positive"], [
        e for e in found if e.kind == kind and e.polarity == "negative"
    ]


def test_seed_000_positive_and_negative_lists(shared_corpus):
    found = extract_experiences(corpus_doc(next((shared_corpus / "seeds" / "txt").glob("000_*.txt"))))
    positive, negative = _by_polarity(found, "list")
    # counted by reading: 9 bullets under "Positive ...", 12 under "Negative erfaringer fra programperioden"
    assert len(positive) == 9 and len(negative) == 12
    assert negative[0].text.endswith("Få om noen nye prosjekter har eksplisitt hatt besparing som mål.")
    statements = [e for e in found if e.kind == "statement"]
    assert [e.polarity for e in statements] == ["negative"]  # "En viktig erfaring ... er derfor at ..."


def test_seed_004_slides(shared_corpus):
    found = extract_experiences(corpus_doc(next((shared_corpus / "seeds" / "txt").glob("004_*.txt"))))
    negative = [e for e in found if e.polarity == "negative"]
    # two "■ utfordringer" slides: 3 + 5 bullets (the all-caps call-out is not a bullet)
    assert len(negative) == 8
    advice = [e for e in found if e.polarity == "positive"]
    assert len(advice) == 12 and advice[1].text.startswith("Lean-gruppa - Kompetanseutvikling")


def test_seed_003_statements(shared_corpus):
    found = extract_experiences(corpus_doc(next((shared_corpus / "seeds" / "txt").glob("003_*.txt"))))
    # read by hand: "har vært vellykket", "Erfaringen fra stab/støtte ...", "Erfaringen med pandemihåndteringen
    # ... er gode", "«tilgangsprosjektet» som ble avsluttet før ...", "Imidlertid er erfaringene at ..."
    assert [e.polarity for e in found] == ["positive", "negative", "positive", "negative", "negative"]
    texts = {e.text: e.polarity for e in found}
    assert texts["Erfaringen fra stab/støtte – prosessen var at flere gode medarbeidere sluttet."] == "negative"
    assert texts["Imidlertid er erfaringene at våre digitale løsninger ikke er enkle og selvforklarende."] == "negative"


def test_no_list_items_in_steinkjer_minutes(shared_corpus):
    """Precision: none of the 100 Steinkjer papers has an experience list; statements are few."""
    statements = 0
    for path in sorted((shared_corpus / "steinkjer").glob("*.txt")):
        found = extract_experiences(corpus_doc(path))
        assert [e for e in found if e.kind == "list"] == [], path.name
        statements += len(found)
    assert 5 <= statements <= 12


@pytest.mark.parametrize(
    ("text", "items", "polarity"),
    [
        # PDF text has no indents: a dash under round bullets is a sub-bullet of the item above
        (
            "Råd for veien videre\n• Lederstøtte\n– Ansvarliggjøre\n– Dyktiggjøre\n• Medarbeiderskapet må dyrkes\n",
            ["Lederstøtte – Ansvarliggjøre – Dyktiggjøre", "Medarbeiderskapet må dyrkes"],
            "positive",
        ),
        (
            "Råd for vegen vidare\n• Leiarstøtte\n– Ansvarleggjere\n• Opplæring får prioritet frå toppen\n",
            ["Leiarstøtte – Ansvarleggjere", "Opplæring får prioritet frå toppen"],
            "positive",
        ),
        # an ALL CAPS slide call-out between bullets is neither an item nor part of one
        (
            "■ utfordringer\n• Mange ansatte på hver bruker\nUTRYGGHET FOR EN SÅRBAR GRUPPE\n• Høyt sykefravær\n",
            ["Mange ansatte på hver bruker", "Høyt sykefravær"],
            "negative",
        ),
        # Nynorsk headings
        ("Utfordringane\n\n- Lite tid til rettleiing\n- Mange vikarar\n", ["Lite tid til rettleiing", "Mange vikarar"], "negative"),
        ("Kva fungerte mindre godt?\n\n- Turnusen vart ikkje endra\n", ["Turnusen vart ikkje endra"], "negative"),
        ("Dårlege erfaringar\n\n- For få møte med dei tilsette\n", ["For få møte med dei tilsette"], "negative"),
        ("Hva fungerte mindre bra\n\n- Sen oppstart av prosjektet\n", ["Sen oppstart av prosjektet"], "negative"),
    ],
)
def test_lists_in_flat_text(text, items, polarity):
    found = extract_experiences(make_doc(text, sections=False))
    assert [e.text for e in found] == items
    assert {e.polarity for e in found} == {polarity}


def test_wrapped_line_is_not_a_heading():
    text = (
        "Case: hjemmetjenesten\n• Subjektive tidsmålinger for alle deler av prosessen, også\nutfordringene\n"
        "• Ny arbeidsmåte ble utarbeidet med medarbeidere og leder\n"
    )
    assert extract_experiences(make_doc(text, sections=False)) == []


@pytest.mark.parametrize(
    ("text", "items", "polarity"),
    [
        # a typeset booklet runs the bullets into the paragraph; the count says how many
        (
            "4 suksessfaktorer: Stabil arbeidsgruppe Felles eierskap til prosjektet\nEkstern profilering "
            "Høyt fokus i egen organisasjon Samtidig arbeides det med definerte utfordringer.",
            ["Stabil arbeidsgruppe", "Felles eierskap til prosjektet", "Ekstern profilering", "Høyt fokus i egen organisasjon"],
            "positive",
        ),
        (
            "Tre utfordringar: Lite tid til opplæring Mange vikarar Uklar leiing Dette tek vi med vidare.",
            ["Lite tid til opplæring", "Mange vikarar", "Uklar leiing"],
            "negative",
        ),
    ],
)
def test_counted_inline_list(text, items, polarity):
    found = extract_experiences(make_doc(text, sections=False))
    assert [(e.text, e.polarity, e.kind) for e in found] == [(item, polarity, "list") for item in items]


@pytest.mark.parametrize(
    "text",
    [
        "2 suksessfaktorer: Ledelse og forankring er viktig. Dette gjelder alle.",  # items are not short phrases
        "Fire utfordringer: Lite tid Mange vikarer",  # fewer items than the count
    ],
)
def test_counted_inline_list_not_taken(text):
    assert [e for e in extract_experiences(make_doc(text, sections=False)) if e.kind == "list"] == []


@pytest.mark.parametrize(
    ("sentence", "polarity"),
    [
        ("Arbeidsmodellen fungerer godt, og samarbeidet med næringslivet er tett.", "positive"),
        ("Tidligere prosjekter vi har erfaring med viser at synlighet på TV gir økt besøk.", "positive"),
        ("Prosjektet vart avslutta før alle behova var løyste.", "negative"),
        ("Ordninga fungerer dårleg for dei minste skulane.", "negative"),
    ],
)
def test_more_statements(sentence, polarity):
    text = "Innledning\n\nDet ble holdt tre møter. " + sentence + " Neste møte blir i mai.\n"
    found = extract_experiences(make_doc(text, sections=False))
    assert [(e.text, e.polarity, e.kind) for e in found] == [(sentence, polarity, "statement")]


@pytest.mark.parametrize(
    "text",
    [
        "Det er viktig å sikre at ordningen fungerer godt for alle brukere.",
        "Kommunen må følge opp slik at tjenesten fungerer godt.",
        "Dersom løysinga fungerer godt, kan ho takast i bruk i fleire einingar.",
    ],
)
def test_wishes_are_not_statements(text):
    assert extract_experiences(make_doc(text, sections=False)) == []


def test_boilerplate_blocks_are_skipped_but_not_the_text_after_them():
    filler = "Kommunane samarbeider i nettverk og deler kunnskap om prosjekta sine med kvarandre. " * 25
    text = (
        "Hefte om programmet\n\nLike dokumenter\nErfaringen fra nettverket var at alle lærte mye. Foredrag\n\n"
        "Transkript:\n\nInnhold Forord… 3 Bakgrunn… 4\nResultat… 6 Vedlegg… 9\n"
        f"Forord Dette heftet presenterer programmet. {filler}\n"
        "Erfaringa frå programmet er at kommunar der alle partar dreg lasset saman oppnår meir.\n"
    )
    found = extract_experiences(make_doc(text))
    assert [e.text for e in found] == [
        "Erfaringa frå programmet er at kommunar der alle partar dreg lasset saman oppnår meir."
    ]
