"""Twins: the same case as PDF and as text, or re-published with small changes, are one
searched document; the others are listed as its alternate formats."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from saksfinn.extractors import twins as detect
from saksfinn.flows.ingest import run_ingest
from saksfinn.flows.searching import Searcher
from saksfinn.flows.status import document_json
from saksfinn.index.storage import twins as stored
from saksfinn.index.storage.store import Store
from saksfinn.settings import get_settings

CASE = (
    "Saksframlegg\n\nTiltak mot sykefravær i hjemmetjenesten\n\nSaksopplysninger\n"
    "Sykefraværet i hjemmetjenesten var 11,2 prosent i 2024. Prosjektet Nærværsløftet ble startet i mars "
    "etter et samarbeid mellom ledere, tillitsvalgte og verneombud. Alle ansatte har fått tilbud om "
    "oppfølgingssamtale innen fjorten dager etter første fraværsdag, og turnusen er lagt om slik at flere "
    "har lengre vakter og færre helger.\n\n"
    "Vurdering\nErfaringene så langt er gode: fraværet gikk ned til 9,1 prosent i løpet av det første året, "
    "og de ansatte melder om bedre arbeidsmiljø. Rådmannen mener tiltaket bør videreføres i alle soner.\n\n"
    "Innstilling til vedtak\nFormannskapet tar orienteringen til etterretning og ber om en ny rapport høsten 2026.\n"
)
# the same case as a PDF's text layer gives it: hyphenated line ends, a running header, page numbers
AS_PDF = (
    "Bærum kommune\nSaksframlegg\n\nTiltak mot sykefravær i hjemmetjenesten\n\nSaksopplysninger\n"
    "Sykefraværet i hjemmetjenesten var 11,2 prosent i 2024. Prosjektet Nærværsløftet ble startet i mars "
    "etter et samarbeid mellom ledere, tillitsvalgte og verneombud. Alle ansatte har fått tilbud om "
    "oppfølgingssamtale innen fjorten dager etter første fraværsdag, og turnusen er lagt om slik at flere "
    "har lengre vakter og færre helger.\nSide 1 av 2\n\n"
    "Vurdering\nErfaringene så langt er gode: fraværet gikk ned til 9,1 prosent i løpet av det første året, "
    "og de ansatte melder om bedre arbeidsmiljø. Rådmannen mener tiltaket bør videreføres i alle soner.\n\n"
    "Innstilling til vedtak\nFormannskapet tar orienteringen til etterretning og ber om en ny rapport høsten 2026.\n"
    "Side 2 av 2\n"
)
# another case from the same municipality, with the same boilerplate headings and a shared vote line
OTHER = (
    "Saksframlegg\n\nHeltidskultur i helse og omsorg\n\nSaksopplysninger\n"
    "Målet er at flere ansatte skal ha hele stillinger. Andelen heltidsansatte var 38 prosent i 2024, "
    "og kommunen har prøvd ut langvakter i to bofellesskap. Deltidsansatte som ønsker større stilling "
    "har fått tilbud om det ved ledighet.\n\n"
    "Vurdering\nErfaringene er blandede: rekrutteringen er bedre, men vaktplanene er krevende å lage.\n\n"
    "Innstilling til vedtak\nFormannskapet tar orienteringen til etterretning og ber om en ny rapport høsten 2026.\n"
)
REPUBLISHED = CASE.replace("i alle soner", "i alle soner fra 1. januar")  # a small correction


def _sig(text: str) -> list[int]:
    sig = detect.signature(text)
    assert sig is not None
    return sig


@pytest.mark.parametrize(
    "a, b, twins",
    [
        (CASE, AS_PDF, True),  # text copy and PDF text layer
        (CASE, REPUBLISHED, True),  # re-published with a small change
        (CASE, CASE.upper(), True),  # case and line breaks do not matter
        (CASE, OTHER, False),  # same template, same closing line, another case
        (AS_PDF, OTHER, False),
    ],
)
def test_twins_by_similarity(a: str, b: str, twins: bool):
    assert (detect.similarity(_sig(a), _sig(b)) >= detect.THRESHOLD) is twins


VOTERS = (
    "For forslaget stemte 38: Bente Merete Aune Bragstad (AP), Eli Djuvsland Rishaug (AP),\nGunnar Thorsen (AP), "
    "Hilde Grevskott (AP), Kristian Hovd Sjøli (AP), Line Anita Hammer\n(AP), Line M Nordkvelle (AP), May Britt "
    "Lagesen (AP), Terje Langli (FRP), Tor Andre Eide (FRP), Amalie Rodum (H), Christine\nAgdestein (H), Erik "
    "Røsegg (INP), Torbjørn Alstad Austad (INP), Knut Roald Ralfsen (PP), Tor-André Hopen\n(PP), Anita Brønstad "
    "Skavdal (R), Anne Berit Lein (SP), Johan Kristian Daling (SP), Lena Hanem Bartnes (SP), Gjertrud Holand (SV), "
    "Mari Grøneng Bartnes (SV), Jens Fredrik Skjelstad (V).\nDermed ble innstillingen vedtatt.\n"
)
# two short Steinkjer protocols: different cases, the same roll call
PROTOCOL_A = (
    "Kommunestyres behandling av sak 42/2026 i møte den 17.06.2026:\n\nBehandling\n\nInnstilling:\n"
    "Kommunestyret godkjenner felles anskaffelsespolitikk for kommunene i Innherred Anskaffelser KO.\n\n"
    + VOTERS + "Vedtak\nKommunestyret godkjenner felles anskaffelsespolitikk for kommunene i Innherred Anskaffelser KO.\n"
)
PROTOCOL_B = (
    "Kommunestyres behandling av sak 44/2026 i møte den 17.06.2026:\n\nBehandling\n\nInnstilling:\n"
    "Kommunestyret vedtar reglement for godtgjøring til folkevalgte med virkning fra 1. juli.\n\n"
    + VOTERS + "Vedtak\nKommunestyret vedtar reglement for godtgjøring til folkevalgte med virkning fra 1. juli.\n"
)


@pytest.mark.parametrize(
    "a, b, twins",
    [
        ((PROTOCOL_A, None), (PROTOCOL_B, None), False),  # the shared roll call does not make them one
        ((PROTOCOL_A, None), (PROTOCOL_A.replace("(AP)", "(Ap)"), None), True),
        ((CASE, "2025/9205"), (AS_PDF, "2025/9205-3"), True),  # one case, a document number added
        ((CASE, "2025/9205"), (REPUBLISHED, "2025/9310"), False),  # another case with the same text is another case
        ((CASE, None), (AS_PDF, "2025/9205"), True),  # one side does not know: the text decides
    ],
)
def test_are_twins(a, b, twins):
    ca = detect.Candidate("a" * 64, False, _sig(a[0]), a[1])
    cb = detect.Candidate("b" * 64, True, _sig(b[0]), b[1])
    assert detect.are_twins(ca, cb) is twins
    assert bool(detect.groups([ca, cb])) is twins


def test_roll_call_names_are_not_shingled():
    assert "thorsen" not in " ".join(detect.shingles(PROTOCOL_A))
    assert any("anskaffelsespolitikk" in g for g in detect.shingles(PROTOCOL_A))


def test_stored_signatures_are_versioned():
    values = _sig(CASE)
    assert detect.stored_values(detect.stored(values)) == values
    assert detect.stored_values(detect.stored(None)) == []  # signed: too short, not signed again
    assert detect.stored_values(values) is None  # an unversioned (older) signature is made again
    assert detect.stored_values({"version": "twins@1", "values": values}) is None
    assert detect.stored_values(None) is None


def test_too_short_has_no_signature():
    assert detect.signature("Saksframlegg\nTiltak mot sykefravær") is None


def test_groups_choose_the_pdf_then_the_smallest_id_whatever_the_order():
    cands = [
        detect.Candidate("c" * 64, False, _sig(CASE)),
        detect.Candidate("b" * 64, True, _sig(AS_PDF)),
        detect.Candidate("a" * 64, False, _sig(REPUBLISHED)),
        detect.Candidate("d" * 64, False, _sig(OTHER)),
    ]
    for order in (cands, cands[::-1], cands[1:] + cands[:1]):
        assert detect.groups(order) == {"a" * 64: "b" * 64, "c" * 64: "b" * 64}
    texts = [c for c in cands if not c.is_pdf]
    assert detect.groups(texts) == {"c" * 64: "a" * 64}


@pytest.mark.parametrize(
    "canonical, twins, merged",
    [
        ({"document_id": "b", "municipality": None, "title": "Tiltak mot sykefravær", "date": None},
         [{"document_id": "a", "municipality": "Bærum", "title": "Annen", "date": dt.date(2026, 3, 1)}],
         {"municipality": "Bærum", "date": dt.date(2026, 3, 1)}),
        ({"document_id": "b", "municipality": "Asker", "title": "Tiltak mot sykefravær", "date": dt.date(2026, 1, 1)},
         [{"document_id": "a", "municipality": "Bærum", "title": None, "date": None}], {}),
        ({"document_id": "b", "municipality": None, "title": None, "date": None},
         [{"document_id": "c", "municipality": "Volda", "title": None, "date": None},
          {"document_id": "a", "municipality": None, "title": "Skulestruktur", "date": None}],
         {"municipality": "Volda", "title": "Skulestruktur"}),
        # a poor title gives way to the twin's good one; a good one stays
        ({"document_id": "b", "municipality": "Harstad", "title": "Y 503900 Y 504000 Y 504100", "date": None},
         [{"document_id": "a", "municipality": None, "title": "Lederlæringsprogram 2014", "date": None}],
         {"title": "Lederlæringsprogram 2014"}),
        ({"document_id": "b", "municipality": None, "title": "Reguleringsplan for Gyldenløves gate 70", "date": None},
         [{"document_id": "a", "municipality": None, "title": "Reguleringsbestemmelser", "date": None}], {}),
    ],
)
def test_merged_fields(canonical, twins, merged):
    assert detect.merged_fields(canonical, twins) == merged


def _settings(root: Path):
    return get_settings(home=root / "home", embedder="hash", orchestrator="local",
                        database_url=f"sqlite:///{root / 'db.sqlite'}")


def test_twins_across_runs(tmp_path: Path):
    """One searched document per case; the twin is an alternate on the record, in `show`, and
    searchable again when the canonical one is withdrawn; the merged municipality is searched."""
    docs = tmp_path / "docs"
    (docs / "Bærum").mkdir(parents=True)
    (docs / "tekst").mkdir()
    (docs / "tekst" / "sak.txt").write_text(CASE + "\nReferanse: kodebbb.\n", encoding="utf-8")
    (docs / "tekst" / "rettet.txt").write_text(REPUBLISHED + "\nReferanse: kodeccc.\n", encoding="utf-8")
    (docs / "tekst" / "annen.txt").write_text(OTHER, encoding="utf-8")
    settings = _settings(tmp_path)
    run_ingest([str(docs)], settings)
    store = Store(settings.db_url, files_dir=settings.files_dir)
    ids = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (docs / "tekst").iterdir()}
    canonical = min(ids["sak.txt"], ids["rettet.txt"])
    twin = max(ids["sak.txt"], ids["rettet.txt"])
    searchable = {r["document_id"] for r in store.documents()}
    assert searchable == {canonical, ids["annen.txt"]}
    assert [a["document_id"] for a in stored.alternates(store, canonical)] == [twin]
    assert document_json(store, canonical)["alternates"] == [twin]
    assert document_json(store, twin)["twin_of"] == canonical
    hits = Searcher(settings, store).search("Nærværsløftet", top=10, mode="bm25")
    assert {h.document_id for h in hits} == {canonical}

    second = run_ingest([str(docs)], settings)
    assert second.index.get("rebuilt") is False  # a second run changes nothing

    canonical_name = "sak.txt" if ids["sak.txt"] == canonical else "rettet.txt"
    (docs / "tekst" / canonical_name).unlink()
    run_ingest([str(docs)], settings)
    assert {r["document_id"] for r in store.documents()} == {twin, ids["annen.txt"]}
    assert stored.alternates(store, twin) == []
    hits = Searcher(settings, store).search("Nærværsløftet", top=10, mode="bm25")
    assert {h.document_id for h in hits} == {twin}
    store.dispose()


def test_canonical_takes_the_twins_municipality(tmp_path: Path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Bærum kommune\n" + CASE, encoding="utf-8")
    (docs / "b.txt").write_text(CASE + "\nSide 1 av 1\n", encoding="utf-8")
    settings = _settings(tmp_path)
    run_ingest([str(docs)], settings)
    store = Store(settings.db_url, files_dir=settings.files_dir)
    rows = store.documents()
    assert len(rows) == 1 and rows[0]["municipality"] == "Bærum"
    hits = Searcher(settings, store).search("Nærværsløftet", top=5, mode="bm25")
    assert hits and all(h.municipality == "Bærum" for h in hits)
    store.dispose()
