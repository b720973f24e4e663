"""Sample møteprotokoller: Levanger (several cases, votes) and Steinkjer.

Fictional documents (see sample_docs.py)."""

from __future__ import annotations

from sample_blocks import Fields, Heading, Para, SampleDoc, Table, decision


# --- 3. Levanger: møteprotokoll kommunestyret --------------------------------------

_LEV_PLAN_INNST = (
    "Kommunestyret vedtar detaljregulering for Moan sentrum, planID 2023004, med plankart datert "
    "03.02.2025 og bestemmelser datert 03.02.2025, jf. plan- og bygningsloven § 12-12."
)
_LEV_SKOLE_INNST = (
    "Kommunestyret vedtar skolebruksplan for Levanger 2025–2035. Kommunedirektøren legger fram en sak om "
    "utbygging av Nordsiden skole til budsjettbehandlingen for 2026."
)
_LEV_KULTUR_INNST = (
    "Kommunestyret omdisponerer 650 000 kroner fra disposisjonsfondet til kulturskolen for å redusere "
    "ventelisten høsten 2025."
)

LEVANGER_PROTOKOLL = SampleDoc(
    path="Levanger/2025-03-19_moteprotokoll_kommunestyret.pdf",
    municipality="Levanger",
    doc_type="møteprotokoll",
    title="Møteprotokoll – Kommunestyret 19.03.2025",
    language="nb",
    date="2025-03-19",
    themes=("plan og areal", "oppvekst", "økonomi"),
    meetings=(
        ("Kommunestyret", "19.03.2025", "13/25"),
        ("Kommunestyret", "19.03.2025", "14/25"),
        ("Kommunestyret", "19.03.2025", "15/25"),
    ),
    blocks=(
        Para("Levanger kommune", bold=True),
        Heading("Møteprotokoll – Kommunestyret 19.03.2025", 0),
        Fields((
            ("Utvalg:", "Kommunestyret"),
            ("Møtested:", "Rådhuset, kommunestyresalen"),
            ("Dato:", "19.03.2025"),
            ("Tidspunkt:", "17:00 – 21:15"),
        )),
        Para("Til stede: 35 av 35 representanter. Fra administrasjonen møtte kommunedirektør Hanne Vollan "
             "og kommunalsjef for oppvekst Stein Ove Reitan."),
        Table(
            (
                ("Saksnr", "Tittel"),
                ("PS 13/25", "Detaljregulering for Moan sentrum – sluttbehandling"),
                ("PS 14/25", "Skolebruksplan for Levanger 2025–2035"),
                ("PS 15/25", "Omdisponering av midler til kulturskolen"),
            ),
            widths=(35, 145),
        ),
        Heading("PS 13/25 Detaljregulering for Moan sentrum – sluttbehandling", 1),
        Heading("Kommunedirektørens innstilling", 2),
        Para(_LEV_PLAN_INNST, findings=(decision("innstilling", body="Kommunestyret", meeting_date="2025-03-19",
                                                 case_ref="13/25"),)),
        Heading("Behandling", 2),
        Para("Ola Rønning (Sp) fremmet forslag om å utsette saken til det foreligger en ny trafikkanalyse "
             "for Moafjæra. Utsettelsesforslaget fikk 10 stemmer og falt."),
        Para("Innstillingen ble vedtatt med 25 mot 10 stemmer."),
        Heading("Vedtak", 2),
        Para(_LEV_PLAN_INNST, findings=(decision(
            "vedtak", body="Kommunestyret", meeting_date="2025-03-19", case_ref="13/25", adopted=True,
            votes_for=25, votes_against=10, unanimous=False,
            vote_text="Innstillingen ble vedtatt med 25 mot 10 stemmer."),)),
        Heading("PS 14/25 Skolebruksplan for Levanger 2025–2035", 1),
        Heading("Kommunedirektørens innstilling", 2),
        Para(_LEV_SKOLE_INNST, findings=(decision("innstilling", body="Kommunestyret", meeting_date="2025-03-19",
                                                  case_ref="14/25"),)),
        Heading("Behandling", 2),
        Para("Siri Lyngstad (H) fremmet på vegne av H, Ap og SV følgende tilleggsforslag: «Kommunestyret ber "
             "om at trafikksikker skolevei vurderes særskilt i saken om Nordsiden skole.»"),
        Para("Innstillingen med tilleggsforslaget ble enstemmig vedtatt."),
        Heading("Vedtak", 2),
        Para(
            _LEV_SKOLE_INNST + " Kommunestyret ber om at trafikksikker skolevei vurderes særskilt i saken om "
            "Nordsiden skole.",
            findings=(decision("vedtak", body="Kommunestyret", meeting_date="2025-03-19", case_ref="14/25",
                               adopted=True, unanimous=True,
                               vote_text="Innstillingen med tilleggsforslaget ble enstemmig vedtatt."),),
        ),
        Heading("PS 15/25 Omdisponering av midler til kulturskolen", 1),
        Heading("Kommunedirektørens innstilling", 2),
        Para(_LEV_KULTUR_INNST, findings=(decision("innstilling", body="Kommunestyret", meeting_date="2025-03-19",
                                                   case_ref="15/25"),)),
        Heading("Behandling", 2),
        Para("Enstemmig vedtatt."),
        Heading("Vedtak", 2),
        Para("Som innstillingen.", findings=(decision(
            "vedtak", body="Kommunestyret", meeting_date="2025-03-19", case_ref="15/25", adopted=True,
            unanimous=True, vote_text="Enstemmig vedtatt.", resolved_text=_LEV_KULTUR_INNST),)),
        Para("Møtet ble hevet kl. 21:15. Protokollen godkjennes i neste møte."),
    ),
)


# --- 8. Steinkjer: saksprotokoll (ren tekst) ---------------------------------------

_STK_VEDTAK = (
    "Hovedutvalg for oppvekst ber kommunedirektøren innføre felles retningslinjer for skjermbruk i "
    "Steinkjerskolen fra høsten 2025. Elevene på 1.–4. trinn skal ha maksimalt én time skjermtid per "
    "skoledag, og papirbøker skal være hovedregelen i lesing."
)

STEINKJER_PROTOKOLL = SampleDoc(
    path="Steinkjer/2025-03-05_saksprotokoll_skjermbruk.txt",
    municipality="Steinkjer",
    doc_type="møteprotokoll",
    title="Saksprotokoll: Digitale læremidler og skjermbruk i Steinkjerskolen",
    language="nb",
    date="2025-03-05",
    themes=("digitalisering", "oppvekst"),
    case_number="2024/7710-6",
    meetings=(("Hovedutvalg for oppvekst", "05.03.2025", "9/25"),),
    blocks=(
        Para("Steinkjer kommune"),
        Heading("Saksprotokoll: Digitale læremidler og skjermbruk i Steinkjerskolen", 0),
        Fields((
            ("Utvalg:", "Hovedutvalg for oppvekst"),
            ("Møtedato:", "05.03.2025"),
            ("Saksnr.:", "9/25"),
            ("Arkivsak:", "2024/7710-6"),
        )),
        Heading("Behandling", 1),
        Para("Kommunalsjef for oppvekst orienterte om erfaringene med nettbrett og digitale læremidler siden "
             "2019. Utvalget drøftet saken. Det ble ikke fremmet andre forslag."),
        Para("Enstemmig vedtatt."),
        Heading("Vedtak", 1),
        Para(_STK_VEDTAK, findings=(decision("vedtak", body="Hovedutvalg for oppvekst", meeting_date="2025-03-05",
                                             case_ref="9/25", adopted=True, unanimous=True,
                                             vote_text="Enstemmig vedtatt."),)),
        Heading("Erfaringer fra skolene", 1),
        Para(
            "En positiv erfaring er at digitale læremidler gjør det enklere å tilpasse oppgaver til hver enkelt "
            "elev. Samtidig melder lærerne om mer uro og mindre konsentrasjon når elevene bruker nettbrett i "
            "lange økter.",
            findings=(
                {"type": "experience", "polarity": "positive", "kind": "statement",
                 "text": "En positiv erfaring er at digitale læremidler gjør det enklere å tilpasse oppgaver til "
                         "hver enkelt elev."},
                {"type": "experience", "polarity": "negative", "kind": "statement",
                 "text": "Samtidig melder lærerne om mer uro og mindre konsentrasjon når elevene bruker nettbrett "
                         "i lange økter."},
            ),
        ),
    ),
)
