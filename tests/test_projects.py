"""Named projects, programmes and pilots; one record per project per document."""

from __future__ import annotations

import pytest

from saksfinn.extractors.projects import EXTRACTOR, extract_projects
from tests.finding_docs import corpus_doc, make_doc


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("FAU har initiert prosjektet «Eldre i skolen». Positive erfaringer fra Steinkjer skole.", "Eldre i skolen",
         "prosjekt"),
        ("Effekter og resultater av prosjekter i Forbedringsprogrammet\n", "Forbedringsprogrammet", "program"),
        ("# Læringslean fase 2\n\nFoto: Trym Ivar Bergsmo\n", "Læringslean fase 2", "prosjekt"),
        ("Med skjønnsmidler er prosjektet «Smidig, hel og nær» igangsatt.", "Smidig, hel og nær", "prosjekt"),
        ("Bærum kommune har initiert «Omstilling 2024» hvor hensikten er omstilling.", "Omstilling 2024", "prosjekt"),
        ("Et eksempel er «tilgangsprosjektet» som ble avsluttet før alle behov ble løst.", "tilgangsprosjektet",
         "prosjekt"),
        ("Kommunen deltar i programmet \"Saman om ein betre kommune.\"", "Saman om ein betre kommune", "program"),
        # PDF text wraps inside the quoted name
        ("KS er med i programmet «Saman om ein\nbetre kommune». Hensikten er læring.", "Saman om ein betre kommune",
         "program"),
    ],
)
def test_named_projects(text, name, kind):
    projects = extract_projects(make_doc(text, sections=False))
    assert [(p.name, p.kind) for p in projects] == [(name, kind)]
    assert projects[0].extractor == EXTRACTOR


def test_enumerated_projects_and_dedup():
    text = (
        "Rapporten gjelder prosjekter i Forbedringsprogrammet.\n\n"
        "En rekke positive prosjekter har blitt gjennomført, deriblant Prosessforbedringsteamet, etablering av "
        "Seksjon for anskaffelser, Heltidskultur og Fremtidens helsetjenester for hjemmeboende.\n\n"
        "Arbeidet i forbedringsprogrammet videreføres.\n"
    )
    projects = extract_projects(make_doc(text, sections=False))
    assert [p.name for p in projects] == [
        "Forbedringsprogrammet", "Prosessforbedringsteamet", "Heltidskultur", "Fremtidens helsetjenester for hjemmeboende",
    ]
    assert projects[2].description.startswith("En rekke positive prosjekter")


def test_pilot_bullets():
    text = (
        "## Piloter Lærings-Lean Fase 2\n\n- **Piloter**\n  - Omsorg Sør – hjemmetjenesten for psykisk "
        "utviklingshemmede\n  - NAV Flyktningetjenesten\n- **Gjennomføring i tråd med Vestre Toten-modellen**\n"
        "  - Oppstart i januar 2015\n"
    )
    projects = extract_projects(make_doc(text, sections=False))
    pilots = [(p.name, p.description) for p in projects if p.kind == "pilot"]
    assert pilots == [
        ("Omsorg Sør", "Omsorg Sør – hjemmetjenesten for psykisk utviklingshemmede"),
        ("NAV Flyktningetjenesten", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Prosjektet skal evalueres i 2026.",
        "Utviklingsprogrammet gir støtte til lokale prosjekter.",
        "Saken gjelder et forprosjekt for ny skole.",
    ],
)
def test_generic_words_are_not_projects(text):
    assert extract_projects(make_doc(text, sections=False)) == []


def test_seed_000_projects(shared_corpus):
    projects = extract_projects(corpus_doc(next((shared_corpus / "seeds" / "txt").glob("000_*.txt"))))
    names = [p.name for p in projects]
    assert names[0] == "Forbedringsprogrammet"
    assert {"Prosessforbedringsteamet", "Heltidskultur", "Fremtidens helsetjenester for hjemmeboende"} <= set(names)
    assert len(names) == len({n.lower() for n in names})


def test_seed_002_like_documents_list_is_skipped(shared_corpus):
    """The web page's "Like dokumenter" list names the programme; the booklet text names it again."""
    doc = corpus_doc(next((shared_corpus / "seeds" / "txt").glob("002_*.txt")))
    projects = extract_projects(doc)
    boilerplate = [s for s in doc.sections if s.kind == "boilerplate"]
    assert boilerplate
    assert not any(s.start <= p.start < s.end for p in projects for s in boilerplate)


def test_enumeration_wrapped_before_deriblant():
    text = (
        "En rekke positive prosjekter er gjennomført i perioden,\nderiblant Heltidskultur og Leve hele livet.\n"
    )
    assert [p.name for p in extract_projects(make_doc(text, sections=False))] == ["Heltidskultur", "Leve hele livet"]


def test_like_documents_titles_are_not_projects():
    text = (
        "Hefte\n\nLike dokumenter Saman om ein betre kommune\nKvalitetskommuneprogrammet\nTranskript:\n\n"
        "Kommunen deltar i Forbedringsprogrammet.\n"
    )
    assert [p.name for p in extract_projects(make_doc(text, sections=False))] == ["Forbedringsprogrammet"]


@pytest.mark.parametrize(
    ("text", "name", "description"),
    [
        # PDF text: sentences end at a line break, not only at ". "
        ("En viktig erfaring er at det tar tid.\nEn rekke prosjekter er gjennomført, deriblant\n"
         "Prosessforbedringsteamet og Heltidskultur. Neste setning.",
         "Heltidskultur", "En rekke prosjekter er gjennomført, deriblant Prosessforbedringsteamet og Heltidskultur."),
        ("Kommunen deltek i prosjektet «Tørn – saman om framtidas helse og omsorg». Det varer til 2027.",
         "Tørn – saman om framtidas helse og omsorg",
         "Kommunen deltek i prosjektet «Tørn – saman om framtidas helse og omsorg»."),
    ],
)
def test_project_description_is_the_sentence_of_the_mention(text, name, description):
    found = {p.name: p for p in extract_projects(make_doc(text))}
    assert found[name].description == description
