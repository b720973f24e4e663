"""Voteringer as records: roll-calls, alternatives, unanimous and inline votes, Bokmål and Nynorsk."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saksfinn.extractors.voterings import extract_votes
from saksfinn.models.votes import normalise_party
from tests.finding_docs import corpus_doc, make_doc

HEADER = "Kommunestyrets behandling av sak 33/2026 i møte den 18.06.2026:\n\nBehandling\n"


def _votes(text: str):
    return extract_votes(make_doc(text))


def _summary(vote):
    return (vote.proposal_kind, vote.proposer, vote.party, vote.votes_for, vote.votes_against, vote.result)


CASES = [
    (
        "roll-call with names",
        HEADER
        + "Kari Nordmann (Arbeiderpartiet) fremmet følgende endringsforslag:\n\nPunkt 2 strykes.\n\n"
        "For forslaget stemte 3: Kari Nordmann (AP), Ola Hansen (Sp), Per Olsen (FrP).\n"
        "Imot forslaget stemte 2: Liv Berg (H), Anne Dahl (Rødt).\n"
        "Dermed ble endringsforslag vedtatt.\n",
        [("endringsforslag", "Kari Nordmann", "AP", 3, 2, "vedtatt")],
    ),
    (
        "count with (med vedtatt endring), against missing",
        HEADER
        + "Innstilling:\nPlanen vedtas.\n\n"
        "For forslaget (med vedtatt endring) stemte 4: Kari Nordmann (AP), Ola Hansen (SP), Per Olsen (FRP),\n"
        "Liv Berg (H).\nDermed ble innstillingen vedtatt.\n",
        [("innstilling", None, None, 4, 0, "vedtatt")],
    ),
    (
        "for and against never swapped (10–2)",
        HEADER
        + "Innstilling:\nSkolen bygges.\n\nFor forslaget stemte 10.\nImot forslaget stemte 2.\n"
        "Dermed ble innstillingen vedtatt.\n",
        [("innstilling", None, None, 10, 2, "vedtatt")],
    ),
    (
        "tilleggsforslag lost",
        HEADER
        + "Liv Berg (Høyre) fremmet følgende tilleggsforslag:\nKommunedirektøren rapporterer kvartalsvis.\n\n"
        "For forslaget stemte 1: Liv Berg (H).\nImot forslaget stemte 2: Kari Nordmann (AP), Ola Hansen (SP).\n"
        "Dermed ble tilleggsforslag ikke vedtatt.\n",
        [("tilleggsforslag", "Liv Berg", "H", 1, 2, "falt")],
    ),
    (
        "oversendelsesforslag",
        HEADER
        + "Per Olsen (Sosialistisk venstreparti) fremmet følgende forslag:\n\nOVERSENDELSESFORSLAG:\n"
        "Kommunestyret ber om en sak om vedlikehold.\n\nFor forslaget stemte 1: Per Olsen (SV).\n"
        "Imot forslaget stemte 2: Kari Nordmann (AP), Ola Hansen (SP).\nDermed ble forslaget ikke vedtatt.\n",
        [("oversendelsesforslag", "Per Olsen", "SV", 1, 2, "falt")],
    ),
    (
        "unanimous after Avstemning",
        "Ungdomsrådets behandling av sak 4/2026 i møte den 20.05.2026:\n\nForslag i møte:\n"
        "Ungdomsrådet anbefaler ny skole.\n\nAvstemning:\nEnstemmig vedtatt.\n\nVedtak:\nUngdomsrådet anbefaler ny skole.\n",
        [("forslag", None, None, None, 0, "vedtatt")],
    ),
    (
        "two unanimous votes in prose",
        "Arbeidsmiljøutvalgets behandling av sak 2/2026 i møte den 20.01.2026:\nBehandling\n"
        "Kommunedirektøren fremmet følgende tilleggsforslag:\nArbeidsgiver kartlegger deltid.\n"
        "Forslag til vedtak ble enstemmig vedtatt.\nTilleggsforslaget ble enstemmig vedtatt.\nVedtak\nRetningslinjer vedtas.\n",
        [
            ("innstilling", None, None, None, 0, "vedtatt"),
            ("tilleggsforslag", "Kommunedirektøren", None, None, 0, "vedtatt"),
        ],
    ),
    (
        "Nynorsk roll-call",
        "Formannskapet si handsaming av sak 12/2025 i møte den 03.03.2025:\n\nTilråding:\nVegen vert asfaltert.\n\n"
        "For framlegget røysta 2: Kari Nordmann (Ap), Ola Hansen (Sp).\nMot framlegget røysta 1: Liv Berg (H).\n"
        "Dermed vart framlegget vedteke.\n",
        [("innstilling", None, None, 2, 1, "vedtatt")],
    ),
    (
        "Nynorsk inline count, samrøystes",
        "SAKSGANG\nStyre/råd/utval | Møtedato | Sak nr\nUtval for plan | 23.11.2012 | 139/12\n"
        "Kommunestyret | 17.12.2012 | 112/12\n\nPTN-139/12\nTilråding:\nSom rådmannen - samrøystes\n"
        "K-112/12\nVedtak:\nSom PTN-utvalet - vedteke med 14 mot 10 røyster.\n",
        [("innstilling", None, None, None, 0, "vedtatt"), ("innstilling", None, None, 14, 10, "vedtatt")],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_voteringer(name, text, expected):
    assert [_summary(v) for v in _votes(text)] == expected


def test_roll_call_keeps_voters_with_normalised_parties():
    vote = _votes(CASES[0][1])[0]
    assert [(v.name, v.party, v.vote) for v in vote.voters] == [
        ("Kari Nordmann", "AP", "for"), ("Ola Hansen", "SP", "for"), ("Per Olsen", "FRP", "for"),
        ("Liv Berg", "H", "mot"), ("Anne Dahl", "R", "mot"),
    ]  # fmt: skip
    assert vote.case_ref == "sak 33/2026" and vote.body == "Kommunestyret"
    assert vote.meeting_date == dt.date(2026, 6, 18)
    assert vote.proposal_text == "Punkt 2 strykes." and vote.amends == "Punkt 2"
    assert vote.warning is None and not vote.unanimous


def test_alternatives_between_numbered_proposals():
    text = (
        HEADER + "1)\nInnstilling:\nTilskudd inntil kr 500 000.\n\nDette ble satt opp mot:\n2)\n"
        "Liv Berg (Uavhengig) fremmet følgende endringsforslag:\nBeløpet endres til 250 000.\n\n"
        "For forslag 1 stemte 2: Kari Nordmann (AP), Ola Hansen (AP).\n"
        "For forslag 2 stemte 3: Liv Berg (UAVH), Per Olsen (H), Anne Dahl (SP).\nDermed ble forslag 2 vedtatt.\n"
    )
    (vote,) = _votes(text)
    assert vote.proposal_kind == "innstilling" and vote.proposal_text == "Tilskudd inntil kr 500 000."
    assert [(a.label, a.count, a.proposal_kind, a.proposer, a.party) for a in vote.alternatives] == [
        ("1", 2, "innstilling", None, None), ("2", 3, "endringsforslag", "Liv Berg", "UAVH"),
    ]  # fmt: skip
    assert vote.adopted_alternative == "2" and vote.result == "falt"
    assert (vote.votes_for, vote.votes_against) == (2, 3)
    assert [v.vote for v in vote.voters] == ["1", "1", "2", "2", "2"]
    assert vote.winning_side() == "2"


def test_casting_vote():
    text = (
        HEADER + "Innstilling:\nBudsjettet vedtas.\n\nFor forslaget stemte 2: Kari Nordmann (AP), Ola Hansen (SP).\n"
        "Imot forslaget stemte 2: Liv Berg (H), Per Olsen (FrP).\n"
        "Dermed ble forslaget vedtatt, med leders dobbeltstemme.\n"
    )
    (vote,) = _votes(text)
    assert vote.casting_vote and vote.result == "vedtatt" and vote.warning is None


def test_names_not_adding_up_keep_the_vote_with_a_warning():
    text = (
        HEADER + "Innstilling:\nPlanen vedtas.\n\nFor forslaget stemte 3: Kari Nordmann (AP), Ola Hansen (SP).\n"
        "Imot forslaget stemte 1: Liv Berg (H).\nDermed ble innstillingen vedtatt.\n"
    )
    (vote,) = _votes(text)
    assert (vote.votes_for, vote.votes_against) == (3, 1)  # the stated count, never corrected
    assert len(vote.voters) == 3 and vote.warning == "for: 3 oppgitt, 2 navn"


def test_six_tilleggsforslag_are_six_records():
    blocks = "".join(
        f"Per Olsen (Rødt) fremmet følgende tilleggsforslag:\nTillegg nummer {n}.\n\n"
        f"For forslaget stemte {n}: " + ", ".join(f"Person{k} Etternavn (R)" for k in range(n)) + ".\n"
        f"Imot forslaget stemte 1: Liv Berg (H).\nDermed ble tilleggsforslag vedtatt.\n\n"
        for n in range(2, 8)
    )
    votes = _votes(HEADER + blocks)
    assert [(v.proposal_kind, v.votes_for, v.position) for v in votes] == [
        ("tilleggsforslag", n, n - 2) for n in range(2, 8)
    ]
    assert all(v.warning is None for v in votes)


def test_endringsforslag_links_to_the_point_it_changes():
    text = (
        HEADER + "Siv Berg (SV) fremmet følgende endringsforslag:\n3. Tilskuddet avvikles.\n\n"
        "For forslaget stemte 1: Siv Berg (SV).\nImot forslaget stemte 2: Kari Nordmann (AP), Ola Hansen (SP).\n"
        "Dermed ble endringsforslag ikke vedtatt.\n\nAvstemning av formannskapets innstilling med vedtatte endringer:\n"
        "For forslaget stemte 3: Kari Nordmann (AP), Ola Hansen (SP), Siv Berg (SV).\n"
        "Dermed ble formannskapets innstilling med vedtatte endringer vedtatt.\n"
    )
    amendment, main = _votes(text)
    assert amendment.amends == "pkt 3" and amendment.amends_vote_id == main.vote_id
    assert main.proposal_kind == "innstilling" and main.amends_vote_id is None


def test_vote_without_outcome_or_outside_a_case_gives_no_record():
    assert _votes(HEADER + "Innstilling:\nX.\nFor forslaget stemte 3: A (AP), B (H), C (SP).\n") == []
    assert _votes("Saksopplysninger\nForslag til vedtak ble enstemmig vedtatt med tilleggspunkt.\n") == []
    assert _votes(HEADER + "Frode Lund (SP) ble av et enstemmig formannskap erklært inhabil.\n") == []


def test_ids_are_stable():
    assert [v.vote_id for v in _votes(CASES[0][1])] == [v.vote_id for v in _votes(CASES[0][1])]


@pytest.mark.parametrize(
    ("written", "party"),
    [
        ("AP", "AP"), ("Ap", "AP"), ("Arbeiderpartiet", "AP"), ("FrP", "FRP"), ("FRP", "FRP"), ("H", "H"),
        ("Høyre", "H"), ("Sp", "SP"), ("Senterpartiet", "SP"), ("SV", "SV"), ("R", "R"), ("Rødt", "R"),
        ("V", "V"), ("KrF", "KRF"), ("Kristelig Folkeparti", "KRF"), ("MDG", "MDG"),
        ("Miljøpartiet De Grønne", "MDG"), ("INP", "INP"), ("PP", "PP"), ("PENSJ", "PP"),
        ("Pensjonistpartiet", "PP"), ("UAVH", "UAVH"), ("Uavhengig", "UAVH"), ("Uavh.", "UAVH"),
        ("Bygdelista", "Bygdelista"), ("Felleslista for  Øksnes", "Felleslista for Øksnes"),
    ],
)  # fmt: skip
def test_normalise_party(written, party):
    assert normalise_party(written) == party


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=5))
def test_counts_come_out_as_written(pairs):
    text = HEADER + "".join(
        f"Ola Hansen (SP) fremmet følgende endringsforslag:\nEndring {k}.\n\nFor forslaget stemte {f}.\n"
        f"Imot forslaget stemte {a}.\nDermed ble endringsforslag {'vedtatt' if f > a else 'ikke vedtatt'}.\n\n"
        for k, (f, a) in enumerate(pairs)
    )
    votes = _votes(text)
    assert [(v.votes_for, v.votes_against) for v in votes] == pairs
    assert all(v.warning is None for v in votes)


# ---- real documents: the peer's hand-checked cases and every votering of the corpus -------------

STEINKJER_7585 = [
    # (kind, proposer, party, for, against, result, alternatives [(label, count, names)], for-names, against-names)
    ("innstilling", None, None, 4, 3, "vedtatt",
     [("1", 4, ["Bente Merete Aune Bragstad", "Bjørg Helland", "Robert Ertsås", "Torbjørn Alstad Austad"]),
      ("2", 3, ["Bjarne Jostein Arnøy", "Gunn Bratberg", "Lisbeth Melhus"])], [], []),
    ("innstilling", None, None, 7, 0, "vedtatt", [],
     ["Bente Merete Aune Bragstad", "Bjørg Helland", "Robert Ertsås", "Bjarne Jostein Arnøy",
      "Torbjørn Alstad Austad", "Gunn Bratberg", "Lisbeth Melhus"], []),
    ("tilleggsforslag", "Lisbeth Melhus", "UAVH", 4, 3, "vedtatt", [],
     ["Bjarne Jostein Arnøy", "Torbjørn Alstad Austad", "Gunn Bratberg", "Lisbeth Melhus"],
     ["Bente Merete Aune Bragstad", "Bjørg Helland", "Robert Ertsås"]),
]  # fmt: skip


def _record(vote):
    return (
        vote.proposal_kind, vote.proposer, vote.party, vote.votes_for, vote.votes_against, vote.result,
        [(a.label, a.count, [v.name for v in a.voters]) for a in vote.alternatives],
        [v.name for v in vote.voters if v.vote == "for"], [v.name for v in vote.voters if v.vote == "mot"],
    )  # fmt: skip


def test_peer_case_steinkjer_7585(shared_corpus):
    doc = corpus_doc(shared_corpus / "real/text/steinkjer_2025_saksprotokoll_hovedutvalg_helse_omsorg_7585_nte-utbyttefond.txt")
    votes = extract_votes(doc)
    assert [_record(v) for v in votes] == STEINKJER_7585
    assert {(v.case_ref, v.body, v.meeting_date) for v in votes} == {
        ("sak 15/2025", "Hovedutvalg helse og omsorg", dt.date(2025, 12, 9))
    }
    assert votes[0].alternatives[1].proposer == "Lisbeth Melhus" and votes[0].alternatives[1].party == "UAVH"
    assert votes[1].proposal_text.startswith("Følgende retningslinjer legges til grunn")


def test_peer_case_levanger_9366(shared_corpus):
    (vote,) = extract_votes(corpus_doc(shared_corpus / "real/text/levanger_2026_saksprotokoll_ungdomsraadet_9366.txt"))
    assert (vote.unanimous, vote.votes_for, vote.votes_against, vote.result, vote.voters) == (True, None, 0, "vedtatt", ())
    assert vote.proposal_text.startswith("Magnus Matberg og Linnea Margrete Granum Trana skriver")


# Voteringer counted by reading each protocol (a "Dermed ble …" line, an "enstemmig vedtatt" line,
# a "samrøystes" / "vedteke med N mot M" line); see the module docstring of extractors/voterings.py.
CORPUS_COUNTS = {
    "real/text/levanger_2026_moteprotokoll_kommunestyret_2026-03-25_mote461.txt": 33,
    "real/text/levanger_2026_saksprotokoll_ungdomsraadet_9366.txt": 1,
    "real/text/steinkjer_2025_saksprotokoll_hovedutvalg_helse_omsorg_7585_nte-utbyttefond.txt": 3,
    "real/text/levanger_2026_saksframlegg_325790_formannskapet_oversendelsesforslag_fo2-2025.txt": 0,
    "real/text/steinkjer_2026_saksframlegg_738014_17mai-komite.txt": 0,
    "steinkjer/7525.txt": 3, "steinkjer/7589.txt": 0, "steinkjer/7601.txt": 1, "steinkjer/7623.txt": 2,
    "steinkjer/7635.txt": 2, "steinkjer/7662.txt": 0, "steinkjer/7688.txt": 15, "steinkjer/7883.txt": 1,
    "steinkjer/8067.txt": 1, "steinkjer/8164.txt": 1, "steinkjer/8232.txt": 1, "steinkjer/8237.txt": 1,
    "steinkjer/8239.txt": 0, "steinkjer/742464.txt": 0,
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(CORPUS_COUNTS))
def test_every_votering_of_the_corpus(shared_corpus, name):
    votes = extract_votes(corpus_doc(shared_corpus / name))
    assert len(votes) == CORPUS_COUNTS[name]
    for vote in votes:
        assert vote.result in ("vedtatt", "falt")
        named = [v for v in vote.voters]
        if named and not vote.alternatives:
            assert len([v for v in named if v.vote == "for"]) == vote.votes_for or vote.warning
        assert vote.warning is None  # the corpus's names add up


def test_levanger_protocol_alternatives_and_amendments(shared_corpus):
    votes = extract_votes(corpus_doc(shared_corpus / "real/text/levanger_2026_moteprotokoll_kommunestyret_2026-03-25_mote461.txt"))
    sak13 = [v for v in votes if v.case_ref == "sak 13/2026"]
    assert [(a.label, a.count, a.proposer) for a in sak13[0].alternatives] == [("1", 25, None), ("2", 10, "Randi Haugskott")]
    assert (sak13[1].proposal_kind, sak13[1].proposer, sak13[1].party, sak13[1].result) == (
        "tilleggsforslag", "Håvard Lutdal", "H", "falt")
    sak14 = [v for v in votes if v.case_ref == "sak 14/2026"]
    assert len(sak14) == 23 and sak14[-1].proposal_kind == "innstilling" and (sak14[-1].votes_for, sak14[-1].votes_against) == (20, 15)
    assert sum(v.proposal_kind == "tilleggsforslag" for v in sak14) == 8
    assert all(v.amends_vote_id for v in sak14 if v.proposal_kind in ("endringsforslag", "tilleggsforslag"))


def test_boe_moetebok_nynorsk(shared_corpus):
    votes = extract_votes(corpus_doc(shared_corpus / "real/pdf/boe_2012_moetebok_saksframlegg_breisaas_syd_2gongs.pdf"))
    assert [(v.case_ref, v.unanimous, v.votes_for, v.votes_against, v.result) for v in votes] == [
        ("PTN-139/12", True, None, 0, "vedtatt"), ("K-112/12", False, 14, 10, "vedtatt"),
    ]  # fmt: skip
    assert votes[1].body == "Kommunestyret" and votes[1].meeting_date == dt.date(2012, 12, 17)
    assert [(a.label, a.count) for a in votes[1].alternatives] == [("1", 14), ("2", 10)]
    assert votes[1].alternatives[1].proposer == "Per Atle Einan" and votes[1].alternatives[1].party == "SV"


def test_link_decisions_points_votes_at_the_vedtak_they_produced():
    from saksfinn.extractors.decisions import extract_decisions
    from saksfinn.extractors.voterings import link_decisions

    text = CASES[0][1] + "\nVedtak:\nPunkt 2 strykes.\n\nFormannskapets behandling av sak 34/2026 i møte den 18.06.2026:\n"
    doc = make_doc(text)
    decisions = extract_decisions(doc)
    (vote,) = link_decisions(doc, extract_votes(doc), decisions)
    vedtak = next(d for d in decisions if d.kind == "vedtak")
    assert vote.decision_id == vedtak.finding_id


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Per Aunan", "Per Espen Aunan"], {"Per Aunan": "Per Espen Aunan", "Per Espen Aunan": "Per Espen Aunan"}),
        (["Janne K. J. Larsen", "Janne Kathrine Jørstad Larsen"], {"Janne K. J. Larsen": "Janne Kathrine Jørstad Larsen"}),
        (["Nina Groven", "Nina Egenæs Groven", "Nina Lise Groven"], {"Nina Groven": "Nina Groven"}),  # ambiguous: kept
        (["Lars Erik Ertsås", "Lars Ertsås", "Robert Ertsås"], {"Lars Ertsås": "Lars Erik Ertsås", "Robert Ertsås": "Robert Ertsås"}),
        (["Per Olsen", "Per Olsen-Berg"], {"Per Olsen": "Per Olsen"}),
    ],
)
def test_merge_people_is_conservative(names, expected):
    from saksfinn.models.votes import merge_people

    merged = merge_people(names)
    assert {name: merged[name] for name in expected} == expected
