"""Decisions (innstilling / vedtak) from real Norwegian layouts, Bokmål and Nynorsk."""

from __future__ import annotations

import datetime as dt

import pytest

from saksfinn.extractors.dates import parse_exact_date as parse_date
from saksfinn.extractors.decisions import EXTRACTOR, extract_decisions
from saksfinn.extractors.votes import parse_votes
from tests.finding_docs import corpus_doc, make_doc

SAKSFRAMLEGG = (
    "Arkivsaknr 19/02457-5\n\nSaksgang\nFormannskapet\nKommunestyret\n\nMøtedato\n17.03.2020\n25.03.2020\n\n"
    "Effekter og resultater av prosjekter i Forbedringsprogrammet\n\nInnstilling til vedtak:\n\n"
    "Rapporten om effekter og resultater av alle prosjektene i Forbedringsprogrammet tas til orientering.\n\n"
    "Britt Elin Steinveg\nKommunedirektør\n\nHva saken gjelder\n\nViser til sak 19/02457.\n"
)

BOE = (
    "Bø komune Møtebok\nSAKSGANG \nStyre/råd/utval Møtedato Sak nr Saksbeh. \n"
    "Utval for plan, teknikk og næring 23.11.2012 139/12 KVH \nKommunestyret 17.12.2012 112/12 KVH \n"
    "Endring av reguleringsplan for Breisås syd, 2. gongs handsaming \n\f"
    "Rådmannen \ntilrår: \nHovudutval for plan, teknikk og næring tilrår at før endring av detaljplan for \n"
    "Breisås syd vert vedtatt må følgjande endrast i føresegnene (F1): \n"
    " Området skal opparbeides som enkel balløkke. \n"
    "Planen vert oversendt kommunestyre for endeleg godkjenning. \n"
    "PTN-139/12 \nTilråding: \nSom rådmannen - samrøystes \n"
    "K-112/12 \nVedtak: \nSom PTN-utvalet (plan, teknikk, næring) - vedteke med 14 mot 10 røyster. \n"
    "Mindretalet - 10 - røysta for representanten sitt framlegg om at saka sendast attende. \n"
)

PROTOKOLL = (
    "PS 13/26 Søknad om lån - Levanger Fotballklubb\n"
    "Kommunestyrets behandling av sak 13/2026 i møte den 25.03.2026:\n\nBehandling\n\n1)\n\n"
    "Formannskapet 25.03.26\n\nINNSTILLING\n\n"
    "1. Levanger kommune avslår søknad om ansvarlig lån til Levanger Fotballklubb.\n\n"
    "2. Levanger kommune kan stille kommunal garanti for lån på inntil kr 1 000 000, forutsatt at:\n\n"
    " a) Lånet tas opp i ekstern finansinstitusjon\n\n b) Det foreligger en forpliktende nedbetalingsplan\n\n\n"
    "Dette ble satt opp mot:\n\n2)\n\nRandi Haugskott (Senterpartiet) fremmet følgende forslag:\n\n"
    "Vedlagte søknad om lån imøtekommes ikke.\n"
    "For forslag 1 stemte 25: Anne Grete Krogstad (AP), Astrid Vordal (AP).\n"
    "For forslag 2 stemte 10: Magne Nydal (KrF), Nina Groven (KrF).\nDermed ble forslag 1 vedtatt.\n\n"
    "Håvard Lutdal (Høyre) fremmet følgende tilleggsforslag:\n\nKlubben sender kvartalsrapporter.\n\n"
    "For forslaget stemte 4: Jens Olaf Kleinau (MDG).\nImot forslaget stemte 31: Anne Grete Krogstad (AP).\n"
    "Dermed ble tilleggsforslag ikke vedtatt.\n\n\nVEDTAK\n\n"
    "1. Levanger kommune avslår søknad om ansvarlig lån til Levanger Fotballklubb.\n\n"
    "2. Levanger kommune kan stille kommunal garanti for lån på inntil kr 1 000 000, forutsatt at:\n"
    " a) Lånet tas opp i ekstern finansinstitusjon\n\n b) Det foreligger en forpliktende nedbetalingsplan\n\n\n"
    "PS 14/26 Kommunekommisjonens første delutredning\n"
)


def test_saksframlegg_innstilling_stops_before_signature():
    decisions = extract_decisions(make_doc(SAKSFRAMLEGG))
    assert len(decisions) == 1
    d = decisions[0]
    assert d.kind == "innstilling"
    assert d.text == "Rapporten om effekter og resultater av alle prosjektene i Forbedringsprogrammet tas til orientering."
    assert (d.body, d.meeting_date) == ("Formannskapet", dt.date(2020, 3, 17))
    assert d.extractor == EXTRACTOR and d.section == "Innstilling til vedtak"
    assert d.themes == ("lean",)


def test_boe_moetebok_tilraading_and_vedtak_refer_back():
    doc = make_doc(BOE)
    tilraar, tilraading, vedtak = extract_decisions(doc)
    assert tilraar.kind == tilraading.kind == "innstilling"
    assert tilraar.text.endswith("Planen vert oversendt kommunestyre for endeleg godkjenning.")
    assert "PTN-139/12" not in tilraar.text and tilraar.page == 2
    assert tilraading.text == "Som rådmannen - samrøystes"
    assert tilraading.resolved_text == tilraar.text and tilraading.unanimous is True
    assert (tilraading.case_ref, tilraading.body) == ("PTN-139/12", "Utval for plan, teknikk og næring")
    assert vedtak.kind == "vedtak" and vedtak.text.startswith("Som PTN-utvalet")
    assert "Mindretalet" not in vedtak.text
    assert vedtak.resolved_text == tilraar.text
    assert (vedtak.votes_for, vedtak.votes_against, vedtak.adopted) == (14, 10, True)
    assert (vedtak.body, vedtak.meeting_date, vedtak.case_ref) == ("Kommunestyret", dt.date(2012, 12, 17), "K-112/12")


def test_protocol_case_keeps_subpoints_and_skips_competing_motions():
    decisions = extract_decisions(make_doc(PROTOKOLL))
    assert [d.kind for d in decisions] == ["innstilling", "vedtak"]
    innstilling, vedtak = decisions
    for d in decisions:
        assert d.text.startswith("1. Levanger kommune avslår")
        assert d.text.endswith("b) Det foreligger en forpliktende nedbetalingsplan")
        assert "imøtekommes ikke" not in d.text and "kvartalsrapporter" not in d.text
    assert (innstilling.body, innstilling.meeting_date) == ("Formannskapet", dt.date(2026, 3, 25))
    assert innstilling.adopted is True
    assert (vedtak.body, vedtak.meeting_date, vedtak.case_ref) == ("Kommunestyret", dt.date(2026, 3, 25), "sak 13/2026")
    assert (vedtak.votes_for, vedtak.votes_against, vedtak.unanimous) == (25, 10, False)
    assert "forslag 1 vedtatt" in vedtak.vote_text


@pytest.mark.parametrize(
    ("text", "kind", "first_line"),
    [
        ("Kommunedirektørens forslag til vedtak:\nKommunestyret tar Eldrerådets årsmelding for 2025 til orientering.\n\n"
         "Saksopplysninger:\nEldrerådet har hatt 6 møter.", "innstilling", "Kommunestyret tar Eldrerådets"),
        ("Rådmannens forslag til vedtak:\nPlanforslaget vert lagt ut til offentleg ettersyn.\n\nVedlegg:\n1 Plankart",
         "innstilling", "Planforslaget vert lagt ut"),
        ("Administrasjonens innstilling:\nSøknaden innvilges.\n\nSaksopplysninger\nSøker ønsker", "innstilling",
         "Søknaden innvilges."),
        ("Tilråding:\nSøknaden vert avslått.\n\nSaksomtale:\nSøkjar ønskjer", "innstilling", "Søknaden vert avslått."),
        ("Vedtak:\nMagnus Matberg skriver en uttalelse til kommunen.\nUngdomsrådet anbefaler opprettelse av en privat skole.",
         "vedtak", "Magnus Matberg skriver"),
        ("Formannskapets vedtak:\nSaken utsettes.\n\nBehandling\nFlertallet", "vedtak", "Saken utsettes."),
    ],
)
def test_labels(text, kind, first_line):
    decisions = extract_decisions(make_doc(text, sections=False))
    assert [d.kind for d in decisions] == [kind]
    assert decisions[0].text.startswith(first_line)
    for stop in ("Saksopplysninger", "Vedlegg", "Saksomtale", "Behandling"):
        assert stop not in decisions[0].text


@pytest.mark.parametrize(
    "text",
    [
        "Vegard Austmo (Arbeiderpartiet) fremmet følgende endringsforslag:\nLærernormen bør opprettholdes.\n",
        "Endringsforslag:\nKulepunkt 3 strykes.\n",
        "Forslag til vedtak for oversending:\nKommunestyret ber administrasjonen legga fram ei sak.\n",
        "Vedtakskompetanse\n\nKommunestyret\n",
        "Det ble gjort følgende vedtak i saken i Kommunestyret i desember 2019:\n",
        "Forslag fremmet i møtet:\n\nReferatsakene tas til orientering.\n",
    ],
)
def test_not_decisions(text):
    assert extract_decisions(make_doc(text, sections=False)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Som PTN-utvalet - vedteke med 14 mot 10 røyster.", (14, 10, False, True)),
        ("Innstillingen ble enstemmig vedtatt.", (None, None, True, True)),
        ("Som rådmannen - samrøystes", (None, None, True, True)),
        ("Innstillingen ble vedtatt mot 3 stemmer.", (None, 3, False, True)),
        ("For forslaget stemte 7: Bente (AP), Bjørg (AP).\nDermed ble innstillingen vedtatt.", (7, None, True, True)),
        ("For forslaget stemte 4: A (MDG).\nImot forslaget stemte 31: B (AP).\nDermed ble tilleggsforslag ikke vedtatt.",
         (4, 31, False, False)),
        ("Avstemning:\nEnstemmig vedtatt.", (None, None, True, True)),
        ("Imot forslaget stemte 38: A (AP), B (H).\nDermed ble innstillingen ikke vedtatt.", (None, 38, True, False)),
        ("For framlegget røysta 7: A (SV).\nImot framlegget røysta 2: B (H).\nDermed vart framlegget vedteke.",
         (7, 2, False, True)),
        ("Imot framlegget røysta 12: A (AP).\nDermed vart framlegget ikkje vedteke.", (None, 12, True, False)),
        ("Tilrådinga vart vedteken med 9 mot 4 røyster.", (9, 4, False, True)),
    ],
)
def test_parse_votes(text, expected):
    result = parse_votes(text)
    assert (result.votes_for, result.votes_against, result.unanimous, result.adopted) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("25.03.2026", dt.date(2026, 3, 25)), ("25.03.26", dt.date(2026, 3, 25)), ("31.02.2026", None), ("2026", None)],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_levanger_moteprotokoll_one_record_per_case(shared_corpus):
    path = next((shared_corpus / "real" / "text").glob("levanger_*moteprotokoll*.txt"))
    decisions = extract_decisions(corpus_doc(path))
    vedtak = [d for d in decisions if d.kind == "vedtak"]
    innstillinger = [d for d in decisions if d.kind == "innstilling"]
    # read by hand: PS 6/26-14/26 each end in a VEDTAK; PS 7-13 carry an innstilling/forslag til vedtak
    assert [d.case_ref for d in vedtak] == [f"sak {n}/2026" for n in range(6, 15)]
    assert len(innstillinger) == 7
    assert all(d.body == "Kommunestyret" and d.meeting_date == dt.date(2026, 3, 25) for d in vedtak)
    assert all("fremmet følgende" not in d.text and "stemte" not in d.text for d in decisions)
    last = vedtak[-1]
    assert (last.votes_for, last.votes_against) == (20, 15)
    assert last.text.startswith("Generelt") and last.text.rstrip().endswith("skal bevares.")


def test_seed_saksframlegg_has_one_innstilling(shared_corpus):
    path = next((shared_corpus / "seeds" / "txt").glob("000_*.txt"))
    decisions = extract_decisions(corpus_doc(path))
    assert [d.kind for d in decisions] == ["innstilling"]


@pytest.mark.parametrize(
    ("name", "kinds", "votes_for"),
    [
        ("7601.txt", ["innstilling", "vedtak"], 9),
        ("7688.txt", ["innstilling"] * 9 + ["vedtak"], None),  # voted point by point: no count for the whole
        ("7589.txt", [], None),  # "Vedtak" with nothing under it (the case was postponed)
        ("731677.txt", ["innstilling"], None),
        ("764074.txt", ["innstilling"], None),
    ],
)
def test_steinkjer_sample(shared_corpus, name, kinds, votes_for):
    decisions = extract_decisions(corpus_doc(shared_corpus / "steinkjer" / name))
    assert [d.kind for d in decisions] == kinds
    if decisions:
        assert decisions[-1].votes_for == votes_for


def test_boe_pdf(shared_corpus):
    path = shared_corpus / "real" / "pdf" / "boe_2012_moetebok_saksframlegg_breisaas_syd_2gongs.pdf"
    decisions = extract_decisions(corpus_doc(path))
    assert [d.kind for d in decisions] == ["innstilling", "innstilling", "vedtak"]
    assert decisions[2].votes_for == 14 and decisions[2].resolved_text == decisions[0].text


def test_body_and_date_from_behandling_line():
    text = (
        "Kommunedirektørens forslag til vedtak:\nSaken tas til orientering.\n\n"
        "Formannskapet behandling 12.02.2026:\n\nInnstillingen ble enstemmig vedtatt.\n\n"
        "Formannskapets vedtak:\nSaken tas til orientering.\n"
    )
    innstilling, vedtak = extract_decisions(make_doc(text, sections=False))
    assert innstilling.text == vedtak.text == "Saken tas til orientering."
    assert innstilling.adopted is True and innstilling.unanimous is True
    assert (vedtak.body, vedtak.meeting_date) == ("Formannskapet", dt.date(2026, 2, 12))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "forslag til vedtak i <utvalg>:" — one proposal per body (Bokmål)
        ("Kommunedirektørens forslag til vedtak I AMU:\nArbeidsmiljøutvalget gir sin tilslutning til kvalitetshåndboka\n"
         "Kommunedirektørens forslag til vedtak i administrasjonsutvalget:\nKvalitetshåndboka vedtas\n\n"
         "Saksopplysninger:\nHåndboka er revidert.\n",
         [("innstilling", "Arbeidsmiljøutvalget gir sin tilslutning til kvalitetshåndboka", "AMU"),
          ("innstilling", "Kvalitetshåndboka vedtas", "Administrasjonsutvalget")]),
        # Nynorsk possessive label; Nynorsk stop heading
        ("Rådmannen sitt framlegg til vedtak:\nPlanen vert lagd ut til offentleg ettersyn.\n\n"
         "Saksopplysningar:\nPlanen gjeld eit bustadfelt.\n",
         [("innstilling", "Planen vert lagd ut til offentleg ettersyn.", None)]),
        # an appeal body's decision heading without a colon; its finality line is not part of it
        ("Statsforvalterens vedtak\nStatsforvalteren stadfester kommunens vedtak av 24. september 2024.\n"
         "Dette vedtaket er endelig og kan ikke påklages, se forvaltningsloven § 28.\n",
         [("vedtak", "Statsforvalteren stadfester kommunens vedtak av 24. september 2024.", None)]),
        ("Statsforvaltaren sitt vedtak\nStatsforvaltaren stadfestar kommunen sitt vedtak av 3. mars 2025 i saka.\n\n"
         "Vedtaket er endeleg og kan ikkje påklagast.\n",
         [("vedtak", "Statsforvaltaren stadfestar kommunen sitt vedtak av 3. mars 2025 i saka.", None)]),
        # a form field stays a form field
        ("Bystyrets vedtak\nDato\n", []),
        # "Kopi sendes ..." closes minutes: neither a decision nor part of one
        ("Vedtak:\n\nKopi sendes hovedutvalg oppvekst og kultur\n", []),
        ("Vedtak: SU takker for orienteringen.\n\nKopi sendes hovudutval for oppvekst og kultur\n",
         [("vedtak", "SU takker for orienteringen.", None)]),
        # a column of four-digit numbers in a proposed regulation is not a postcode
        ("Kommunedirektørens forslag til vedtak:\n§2. Minstearealet settes til:\nSparbu\nOgndal\n\n750\n2500\n1500\n"
         "§3 Forskriften trer i kraft 1. september 2026.\n\nSaksopplysninger:\nForslaget har vært på høring.\n",
         [("innstilling", "§2. Minstearealet settes til:\nSparbu\nOgndal\n\n750\n2500\n1500\n"
           "§3 Forskriften trer i kraft 1. september 2026.", None)]),
        # ... but a postcode after the decision still ends it
        ("Tilråding:\nSøknaden vert innvilga.\n\n3800\nBØ I TELEMARK\n", [("innstilling", "Søknaden vert innvilga.", None)]),
        # name and title on one line (PDF text) end the proposal
        ("Innstilling til vedtak:\nRapporten tas til orientering.\nBritt Elin Steinveg Kommunedirektør\n"
         "Mari Enoksen Hult Fung. Stabssjef for personal\nHva saken gjelder\n",
         [("innstilling", "Rapporten tas til orientering.", None)]),
        ("Tilråding:\nPlanen vert godkjend.\nKari Nordmann Rådmann\n", [("innstilling", "Planen vert godkjend.", None)]),
    ],
)
def test_decision_spans(text, expected):
    decisions = extract_decisions(make_doc(text, sections=False))
    assert [(d.kind, d.text, d.body) for d in decisions] == expected


POINT_BY_POINT = (
    "Kommunestyres behandling av sak 1/2026 i møte den 04.02.2026:\n\nBehandling\n\n1)\nInnstilling:\n"
    "4. Politisk behandling samles i en felles sak inntil fire ganger i året.\n\nDette ble satt opp mot:\n\n2)\n"
    "Lisbeth Melhus (Uavhengig) fremmet følgende alternative forslag:\n4. Politisk behandling samles i en felles sak.\n"
    "For forslag 1 stemte 9: Amalie Rodum (H).\nFor forslag 2 stemte 29: Anders Schjefte (AP).\n"
    "Dermed ble forslag 2 vedtatt.\n\n\nInnstilling:\n5. Tildeling delegeres til formannskapet.\n\n"
    "Imot forslaget stemte 38: Anders Schjefte (AP), Amalie Rodum (H).\nDermed ble innstillingen ikke vedtatt.\n\n"
    "Vedtak\n4. Politisk behandling samles i en felles sak.\n"
)
POINT_BY_POINT_NN = (
    "Kommunestyret si handsaming av sak 3/2026 i møte den 04.02.2026:\n\nHandsaming\n\n1)\nInnstilling:\n"
    "Saka vert sendt på høyring.\n\nDette vart sett opp mot:\n\n2)\nPer Hansen (SV) fremja slikt framlegg:\n"
    "Saka vert sendt attende.\nFor forslag 1 røysta 15: Kari Lie (AP).\nFor forslag 2 røysta 10: Per Hansen (SV).\n"
    "Dermed vart forslag 1 vedteke.\n\nInnstilling:\nHøyringsfristen er seks veker.\n\n"
    "Imot framlegget røysta 25: Kari Lie (AP), Per Hansen (SV).\nDermed vart innstillinga ikkje vedteken.\n\n"
    "Vedtak:\nSaka vert sendt på høyring.\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (POINT_BY_POINT, [("innstilling", False, 9, 29), ("innstilling", False, None, 38), ("vedtak", True, None, None)]),
        (POINT_BY_POINT_NN, [("innstilling", True, 15, 10), ("innstilling", False, None, 25), ("vedtak", True, None, None)]),
        # a saksframlegg's proposal does not borrow a vote told in its background text
        ("Kommunedirektørens forslag til vedtak:\nInnherredsbyen videreføres også etter 2027.\n\nSaksopplysninger:\n"
         "Forslag til vedtak ble enstemmig vedtatt i regionrådet.\n", [("innstilling", None, None, None)]),
        ("Rådmannen sitt framlegg til vedtak:\nSaka vert teken til vitande.\n\nSaksopplysningar:\n"
         "Regionrådet vedtok samrøystes å tilrå dette.\n", [("innstilling", None, None, None)]),
    ],
)
def test_votes_per_proposal(text, expected):
    decisions = extract_decisions(make_doc(text, sections=False))
    assert [(d.kind, d.adopted, d.votes_for, d.votes_against) for d in decisions] == expected
    for d in (d for d in decisions if d.kind == "vedtak"):  # "Kommunestyres behandling" / "Kommunestyret si handsaming"
        assert d.body.startswith("Kommunestyre") and d.meeting_date == dt.date(2026, 2, 4)
    assert all(d.unanimous is None for d in decisions if d.kind == "vedtak" or d.adopted is None)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("7688.txt", [False, True, True, True, False, False, False, False, True]),  # adopted, point by point
        ("742464.txt", [None]),  # "enstemmig" in the background belongs to another body
    ],
)
def test_steinkjer_innstilling_adopted(shared_corpus, name, expected):
    decisions = extract_decisions(corpus_doc(shared_corpus / "steinkjer" / name))
    assert [d.adopted for d in decisions if d.kind == "innstilling"] == expected


def test_steinkjer_letters_and_minutes(shared_corpus):
    def texts(name):
        return [d.text for d in extract_decisions(corpus_doc(shared_corpus / "steinkjer" / name))]

    assert texts("744100.txt") == [
        "Statsforvalteren i Møre og Romsdal stadfester Steinkjer kommune sitt vedtak 2022/160144922/2024/BENELV1 "
        "av 24. september 2024."
    ]
    assert texts("746623.txt")[0].endswith("som er datert 12.08.2025.")
    assert not any("Kopi sendes" in t for t in texts("758081.txt"))
    assert texts("747743.txt")[0].endswith("Steinkjer kommune, Nord-Trøndelag.")
    assert len(texts("729738.txt")) == 2


@pytest.mark.parametrize(
    ("case_lines", "votes_for", "votes_against", "adopted"),
    [
        # the amendment's vote is not the case's decisive vote
        (["Endringsforslag fra Ap:", "For forslaget stemte 10", "Imot forslaget stemte 25",
          "Dermed ble endringsforslaget ikke vedtatt.", "For innstillingen stemte 30", "Imot innstillingen stemte 5",
          "Dermed ble innstillingen vedtatt."], 30, 5, True),
        (["Innstillinga vart vedteken med 14 mot 10 røyster."], 14, 10, True),
    ],
)
def test_decisive_vote(case_lines, votes_for, votes_against, adopted):
    from saksfinn.extractors.votes import decisive_vote

    result = decisive_vote(case_lines)
    assert (result.votes_for, result.votes_against, result.adopted) == (votes_for, votes_against, adopted)


@pytest.mark.parametrize(
    ("window", "numbered_first", "adopted"),
    [
        (["For forslag 1 stemte 12", "For forslag 2 stemte 23", "Dermed ble forslag 2 vedtatt."], True, False),
        (["For forslag 1 stemte 23", "For forslag 2 stemte 12", "Dermed ble forslag 1 vedtatt."], True, True),
        (["Dermed ble tilleggsforslaget vedtatt."], False, None),  # another motion's vote says nothing
        (["Enstemmig vedtatt."], False, True),
    ],
)
def test_vote_after_proposal(window, numbered_first, adopted):
    from saksfinn.extractors.votes import vote_after_proposal

    assert vote_after_proposal(window, numbered_first=numbered_first).adopted is adopted
