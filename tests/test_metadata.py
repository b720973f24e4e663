"""Document metadata: dates, case numbers, Saksgang tables, doc type, title, language,
municipality precedence; plus agreement with the Steinkjer MANIFEST."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from saksfinn.extractors.analyse import analyse_document
from saksfinn.extractors.read import read_document
from saksfinn.extractors.dates import parse_dates
from saksfinn.extractors.metadata import (
    detect_language,
    extract_metadata,
    municipality_from_path,
    parse_meetings,
)
from saksfinn.extractors.textdoc import document_from_text
from saksfinn.models import DocType, Meeting
from tests.eval_modules import load_eval

D = dt.date


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("Møtedato 17.03.2020", (D(2020, 3, 17),)),
        ("Møtedato: 04.12.25", (D(2025, 12, 4),)),
        ("gjeldende fra 1.1.26", (D(2026, 1, 1),)),
        ("vedtak i kommunestyret, 13. desember 2023 er presisert", (D(2023, 12, 13),)),
        ("Trøndelagsrådet, 17. november 2014", (D(2014, 11, 17),)),
        ("møte 25. mars 2020 og 3. jan. 2021", (D(2020, 3, 25), D(2021, 1, 3))),
        ("31.02.2020 er ingen dato", ()),
        ("kapittel 3.2.1 og 1.1", ()),
        ("kr 25.000,- pr. sak", ()),
    ],
)
def test_parse_dates(text: str, dates: tuple[dt.date, ...]) -> None:
    assert parse_dates(text) == dates


SAKSGANG_BLOCKS = "Saksgang\nFormannskapet\nKommunestyret\n\nMøtedato\n17.03.2020\n25.03.2020\n\nTittel på saken\n"
SAKSGANG_STEINKJER = (
    "SAKSFRAMLEGG\nSaksgang\nUtvalg\nHovedutvalg oppvekst og kultur\nFormannskap\nKommunestyre\n\n"
    "Møtedato\n14.10.2026\n\nUtvalgssak\n26/26\n\nArkivsaksnr: 2025/6820\n"
)


@pytest.mark.parametrize(
    ("text", "meetings"),
    [
        (
            SAKSGANG_BLOCKS,
            (Meeting(body="Formannskapet", date=D(2020, 3, 17)), Meeting(body="Kommunestyret", date=D(2020, 3, 25))),
        ),
        (
            SAKSGANG_STEINKJER,
            (
                Meeting(body="Hovedutvalg oppvekst og kultur", date=D(2026, 10, 14), case_ref="26/26"),
                Meeting(body="Formannskap"),
                Meeting(body="Kommunestyre"),
            ),
        ),
        (
            "Formannskaps behandling av sak 10/2026 i møte den 12.02.2026:\n\nBehandling\n",
            (Meeting(body="Formannskap", date=D(2026, 2, 12), case_ref="10/2026"),),
        ),
        (
            "SAKSGANG\nStyre/råd/utval\nPlan- og teknikkutvalet 12.11.2012 PTN-139/12 KVH\nKommunestyret 17.12.2012 K-112/12\n",
            (
                Meeting(body="Plan- og teknikkutvalet", date=D(2012, 11, 12), case_ref="PTN-139/12"),
                Meeting(body="Kommunestyret", date=D(2012, 12, 17), case_ref="K-112/12"),
            ),
        ),
    ],
)
def test_parse_meetings(text: str, meetings: tuple[Meeting, ...]) -> None:
    assert parse_meetings(text) == meetings


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Saksbehandler: Trude Marian Nøst\n", "Trude Marian Nøst"),
        ("Sakshandsamar: Kari Verpe Hynne\n", "Kari Verpe Hynne"),
        ("Saksansvarleg: Kari Verpe Hynne Arkiv: SONE\n", "Kari Verpe Hynne"),
        ("Saksbehandler, innvalgstelefon\n", None),
    ],
)
def test_saksbehandler(text: str, name: str | None) -> None:
    assert extract_metadata(document_from_text(text)).saksbehandler == name


def test_saksframlegg_metadata() -> None:
    text = (
        "Arkivsaknr 19/02457-5\nSaksbehandler Guri Homb Hansen\n\n" + SAKSGANG_BLOCKS.replace("Tittel på saken\n", "")
        + "\nEffekter og resultater av prosjekter i Forbedringsprogrammet\n\n"
        "Innstilling til vedtak:\n\nRapporten tas til orientering.\n\nSaksutredning\n\n"
        "Dette saksfremlegget svarer på vedtakets del to og gir en helhetlig gjennomgang.\n"
    )
    meta = extract_metadata(document_from_text(text))
    assert meta.doc_type == DocType.SAKSFREMLEGG
    assert meta.title == "Effekter og resultater av prosjekter i Forbedringsprogrammet"
    assert meta.case_number == "19/02457-5"
    assert meta.saksbehandler == "Guri Homb Hansen"
    assert meta.date == D(2020, 3, 17)
    assert meta.municipality is None  # the text never names it


@pytest.mark.parametrize(
    ("text", "case_number"),
    [
        ("Arkivreferanse: 2026/1477-1\n", "2026/1477-1"),
        ("Arkivsaksnr: 2025/6820\n", "2025/6820"),
        ("Arkivsaknr.: 12/1234\n", "12/1234"),
        ("Vår ref: 2024/7630\n", "2024/7630"),
        ("Saksnr. PLAN-22/02295\n", "PLAN-22/02295"),
        ("Ingen referanse her\n", None),
    ],
)
def test_case_number(text: str, case_number: str | None) -> None:
    assert extract_metadata(document_from_text(text)).case_number == case_number


@pytest.mark.parametrize(
    ("head", "doc_type"),
    [
        ("Levanger kommune\n\nSaksframlegg\n\nArkivreferanse: 2026/1477-1\n", DocType.SAKSFREMLEGG),
        ("Møteprotokoll\n\nUtvalg: Kommunestyret\n", DocType.MOTEPROTOKOLL),
        ("Saksprotokoll i Formannskapet\n", DocType.MOTEPROTOKOLL),
        ("Ungdomsrådets behandling av sak 14/2026 i møte den 20.05.2026:\n", DocType.MOTEPROTOKOLL),
        ("HENNING SKOLE\nREFERAT\nSAMARBEIDSUTVALGET\n", DocType.MOTEPROTOKOLL),
        ("Rapport\n\nfra arbeidsgruppe 2 – Drift\n", DocType.RAPPORT),
        ("Til eiere av eiendommer i området\n\nVi informerer om vegarbeid.\n", DocType.ANNET),
    ],
)
def test_doc_type(head: str, doc_type: DocType) -> None:
    assert extract_metadata(document_from_text(head + "Mer tekst.\n")).doc_type == doc_type


def test_slides_are_presentations() -> None:
    doc = document_from_text("\f".join(f"Lysark {i}\n- kort punkt\n- enda et punkt" for i in range(8)))
    assert extract_metadata(doc).doc_type == DocType.PRESENTASJON


BOKMAL = "Kommunestyret har ikke vedtatt en helhetlig plan. Hva som skal gjøres er noe vi ikke vet, men det blir bare mye arbeid fra nå."
NYNORSK = "Kommunestyret har ikkje vedteke ein heilskapleg plan. Kva som skal gjerast er noko vi ikkje veit, men det vert berre mykje arbeid frå no."


@pytest.mark.parametrize(
    ("text", "language"),
    [(BOKMAL, "nb"), (NYNORSK, "nn"), (BOKMAL + " " + NYNORSK, "mixed"), ("Kort tekst.", None)],
)
def test_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_municipality_precedence() -> None:
    doc = document_from_text("Levanger kommune\n\nSaksframlegg\n")
    assert extract_metadata(doc).municipality == "Levanger"
    assert extract_metadata(doc, path="corpus/steinkjer/1.txt").municipality == "Steinkjer"
    meta = extract_metadata(doc, municipality="Verdal", path="corpus/steinkjer/1.txt")
    assert (meta.municipality, meta.municipality_number) == ("Verdal", "5038")
    assert extract_metadata(doc, path="corpus/data/1.txt").municipality == "Levanger"


@pytest.mark.parametrize(
    ("path", "name"),
    [("steinkjer/711286.txt", "Steinkjer"), ("/x/baerum/2020/r.pdf", "Bærum"), ("docs/a.pdf", None), ("a.pdf", None)],
)
def test_municipality_from_path(path: str, name: str | None) -> None:
    m = municipality_from_path(path)
    assert (m.name if m else None) == name


def test_boilerplate_does_not_name_the_municipality() -> None:
    text = (
        "HOVEDFUNN\n\nLike dokumenter\nStrategi for Langtidfrisk i Notodden kommune\n\n"
        "Hvordan komme i gang. Eksempel fra Kristiansund kommune.\n\nTranskript:\n\nKS har evaluert nettverkene.\n"
    )
    assert extract_metadata(document_from_text(text)).municipality is None


def test_analyse_document_fills_sections_and_meta() -> None:
    doc = document_from_text("Levanger kommune\n\nSaksframlegg\n\nVurdering:\nDette er vurderingen.\n", source="a.txt")
    out = analyse_document(doc)
    assert out.sections and out.meta.municipality == "Levanger"
    assert out.pages == doc.pages and doc.sections == ()


# --- real corpus -------------------------------------------------------------------------

_TYPES = {"saksframlegg": "saksfremlegg", "protokoll": "møteprotokoll", "rapport": "rapport", "other": "annet"}
reference = load_eval("metadata_reference")


def steinkjer_agreement(root: Path) -> dict[str, float]:
    """Agreement of extract_metadata with steinkjer/MANIFEST.tsv (also used for the report);
    ``root`` is the corpus folder's ``steinkjer/``."""
    rows = reference.manifest_rows(root.parent)
    n = len(rows)
    c = dict.fromkeys(("muni_path", "muni_text", "muni_text_wrong", "type", "title", "dated", "date"), 0)
    for r in rows:
        f = root / r["file"]
        data = f.read_bytes()
        with_path = reference.analysed_meta(data, f, document_id=r["file"], with_path=True)
        text_only = reference.analysed_meta(data, f, document_id=r["file"])
        c["muni_path"] += with_path.municipality == r["municipality"]
        c["muni_text"] += text_only.municipality == r["municipality"]
        c["muni_text_wrong"] += text_only.municipality not in (None, r["municipality"])
        c["type"] += with_path.doc_type.value == _TYPES[r["document_type"]]
        c["title"] += reference.title_agrees(with_path.title, r["title"])
        dates = parse_dates(r["date"].split(";")[0]) if r["date"] else ()
        if len(dates) == 1:
            c["dated"] += 1
            c["date"] += with_path.date == dates[0]
    return {
        "municipality_with_path": c["muni_path"] / n,
        "municipality_text_only": c["muni_text"] / n,
        "municipality_text_wrong": c["muni_text_wrong"] / n,
        "doc_type": c["type"] / n,
        "title": c["title"] / n,
        "date": c["date"] / max(1, c["dated"]),
    }


@pytest.mark.corpus
@pytest.mark.slow
def test_steinkjer_manifest_agreement(shared_corpus: Path) -> None:
    rates = steinkjer_agreement(shared_corpus / "steinkjer")
    print(rates)
    assert rates["municipality_with_path"] >= 0.95
    assert rates["municipality_text_wrong"] == 0.0  # text-only may say "unknown", never another municipality
    assert rates["municipality_text_only"] >= 0.45
    assert rates["doc_type"] >= 0.9
    assert rates["title"] >= 0.8
    assert rates["date"] >= 0.85


@pytest.mark.corpus
def test_real_text_metadata(shared_corpus: Path) -> None:
    root = shared_corpus / "real" / "text"
    for f in sorted(root.glob("*.txt")):
        meta = analyse_document(document_from_text(f.read_text(encoding="utf-8"), source=str(f))).meta
        expected_muni = f.name.split("_")[0].capitalize()
        assert meta.municipality in (None, expected_muni), f.name
        expected_type = "saksfremlegg" if "saksframlegg" in f.name else "møteprotokoll"
        assert meta.doc_type.value == expected_type, f.name
        assert meta.language == "nb", f.name
    levanger = analyse_document(document_from_text(next(root.glob("levanger_2026_saksframlegg_*.txt")).read_text(encoding="utf-8"))).meta
    assert levanger.case_number == "2026/1477-1" and levanger.municipality == "Levanger"
    assert levanger.title and levanger.title.startswith("Oversendelsesforslag FO 2-2025")


@pytest.mark.corpus
def test_real_seeds_metadata(shared_corpus: Path) -> None:
    seeds = {f.name[:3]: f for f in (shared_corpus / "seeds" / "txt").glob("*.txt")}
    metas = {k: analyse_document(document_from_text(f.read_text(encoding="utf-8"))).meta for k, f in seeds.items()}
    assert metas["000"].doc_type == DocType.SAKSFREMLEGG and metas["000"].date == D(2020, 3, 17)
    assert metas["000"].case_number == "19/02457-5"
    assert metas["001"].municipality is None  # a KS report; municipalities only in the "Like dokumenter" list
    assert metas["003"].municipality == "Bærum" and metas["003"].doc_type == DocType.RAPPORT
    assert metas["004"].municipality == "Harstad"
    assert metas["002"].language == "mixed"


@pytest.mark.parametrize(
    ("date", "case_number", "dates", "year"),
    [
        (dt.date(2025, 3, 19), "2026/44", (), 2025),  # the document's own date wins
        (None, "2026/943", (), 2026),  # Elements: yyyy/n
        (None, "21/01234", (), 2021),  # ePhorte: yy/n
        (None, "8/2026", (), 2026),  # a meeting's case: n/yyyy
        (None, "PTN-139/12", (dt.date(2012, 5, 3),), 2012),  # a case ref, not an archive number
        (None, "1850/2", (dt.date(2019, 1, 2), dt.date(2024, 6, 1)), 2024),  # not a plausible year
        (None, None, (dt.date(2024, 6, 1), dt.date(2031, 1, 1)), 2024),  # a deadline is not the year
        (None, None, (), None),  # unknown stays unknown
    ],
)
def test_document_year(date, case_number, dates, year):
    from saksfinn.extractors.dates import document_year

    assert document_year(date, case_number, dates, today=dt.date(2026, 12, 1)) == year


@pytest.mark.parametrize(
    ("head", "title"),
    [
        # a letterhead with the municipality's name is not the title
        ("Bærum kommune\n\nKommuneplanens arealdel 2025–2040 – utlegging til offentlig ettersyn\n\nArkivsaksnr.:\n23/04412-21",
         "Kommuneplanens arealdel 2025–2040 – utlegging til offentlig ettersyn"),
        ("Steinkjer kommune\n\nSaksprotokoll: Digitale læremidler og skjermbruk i Steinkjerskolen\n\nUtvalg: Hovedutvalg for oppvekst",
         "Digitale læremidler og skjermbruk i Steinkjerskolen"),
        # Saksgang table rows above a saksframlegg's title are not part of it
        ("Bærum kommune\nSAKSFREMLEGG\nArkivsaksnr.: 24/08817-4\nSaksgang\nUtvalg | Møtedato | Saksnr\n"
         "Formannskapet | 26.02.2025 | 019/25\nHeltidskultur i helse og omsorg – evaluering\nInnstilling til vedtak\n"
         "1. Kommunestyret tar evalueringen til orientering.",
         "Heltidskultur i helse og omsorg – evaluering"),
        # Nynorsk: the innstilling heading "Kommunedirektøren tilrår at … gjer slikt vedtak:" ends the title
        ("Volda kommune\nSaksframlegg\nArkivsak: 24/1533\nUtval | Møtedato | Saksnr\nKommunestyret | 24.04.2025 | 041/25\n"
         "Framtidig skulestruktur – Fjellsida skule\nKommunedirektøren tilrår at kommunestyret gjer slikt vedtak:\n"
         "1. Fjellsida skule vert slått saman med Sentrum skule.",
         "Framtidig skulestruktur – Fjellsida skule"),
    ],
)
def test_title_skips_letterheads_and_tables(head, title):
    doc = analyse_document(read_document(head.encode(), source="/tmp/x.txt", document_id="t"))
    assert doc.meta.title == title
