"""Sample reports and slides: Harstad evaluation report, Harstad Lean slides, Levanger tertial report.

Fictional documents (see sample_docs.py)."""

from __future__ import annotations

from sample_blocks import Heading, Item, Items, PageBreak, Para, SampleDoc, Slide, Table, bullets, experiences, goal, project


# --- 5. Harstad: evaluering av digitaliseringsprogram (rapport) ---------------------

HARSTAD_RAPPORT = SampleDoc(
    path="Harstad/2025-01-15_rapport_evaluering_digitalisering.pdf",
    municipality="Harstad",
    doc_type="rapport",
    title="Evaluering av digitaliseringsprogrammet «Digitale Harstad» 2022–2024",
    language="nb",
    date="2025-01-15",
    themes=("digitalisering",),
    blocks=(
        Para("Harstad kommune", bold=True),
        Heading("Evaluering av digitaliseringsprogrammet «Digitale Harstad» 2022–2024", 0),
        Para("Rapport fra programstyret, januar 2025"),
        Heading("1 Innledning", 1),
        Para(
            "Digitaliseringsprogrammet «Digitale Harstad» ble vedtatt av kommunestyret i 2021 og avsluttet i "
            "desember 2024. Programmet skulle gjøre det enklere for innbyggerne å kontakte kommunen og frigjøre "
            "tid for ansatte gjennom bedre digitale arbeidsprosesser. Denne rapporten oppsummerer resultater, "
            "erfaringer og læringspunkter.",
            findings=(project("Digitale Harstad", "program",
                              text="Digitaliseringsprogrammet «Digitale Harstad» ble vedtatt av kommunestyret i "
                                   "2021 og avsluttet i desember 2024."),),
        ),
        Heading("2 Mål", 1),
        Heading("Hovedmål", 2),
        Para(
            "Innbyggerne i Harstad skal møte en tilgjengelig og digital kommune, og minst 80 % av henvendelsene "
            "skal kunne gjøres digitalt innen 2024.",
            findings=(goal("hovedmål", target="80 %", value=80.0, unit="%"),),
        ),
        Heading("Effektmål", 2),
        Items((
            Item("Saksbehandlingstiden for byggesaker skal reduseres med 30 %.",
                 goal("effektmål", target="30 %", value=30.0, unit="%")),
            Item("Antall telefonhenvendelser til servicetorget skal reduseres med 25 %.",
                 goal("effektmål", target="25 %", value=25.0, unit="%")),
            Item("Minst 500 brukere av hjemmetjenesten skal ha digitalt tilsyn eller medisindispenser.",
                 goal("effektmål", target="500 brukere", value=500.0, unit="brukere")),
        )),
        Heading("3 Prosjekter i programmet", 1),
        Items((
            Item("Prosjekt Digital innbyggerdialog: nye skjemaer, innsyn i egen sak og SMS-varsling.",
                 project("Digital innbyggerdialog", "prosjekt")),
            Item("Pilot Velferdsteknologi i hjemmetjenesten: digitalt tilsyn og medisindispensere i to soner.",
                 project("Velferdsteknologi i hjemmetjenesten", "pilot")),
            Item("Prosjekt Elektronisk byggesak: søknader, nabovarsel og vedtak helt digitalt.",
                 project("Elektronisk byggesak", "prosjekt")),
            Item("Pilot Chatbot i servicetorget: svar på vanlige spørsmål hele døgnet.",
                 project("Chatbot i servicetorget", "pilot")),
        )),
        PageBreak(),
        Heading("4 Resultater", 1),
        Table(
            (
                ("Mål", "Utgangspunkt 2021", "Resultat 2024", "Nådd"),
                ("Digitale henvendelser", "52 %", "76 %", "Delvis"),
                ("Saksbehandlingstid byggesak", "48 dager", "31 dager", "Ja"),
                ("Telefonhenvendelser", "41 200", "33 900", "Nei"),
                ("Brukere med velferdsteknologi", "120", "540", "Ja"),
            ),
            widths=(65, 45, 40, 30),
        ),
        Para(
            "Programmet har nådd to av fire mål fullt ut. Andelen digitale henvendelser økte kraftig, men "
            "nådde ikke målet på 80 %. Telefonhenvendelsene gikk ned med 18 %, mindre enn forventet."
        ),
        Heading("5 Suksessfaktorer", 1),
        experiences(
            "positive",
            "Tydelig forankring hos kommunedirektøren og jevnlig rapportering til formannskapet.",
            "Tjenestene eide prosjektene selv, med støtte fra IT i stedet for styring fra IT.",
            "Gevinstrealiseringsplaner ble laget før oppstart og fulgt opp hvert halvår.",
        ),
        Heading("6 Utfordringer", 1),
        experiences(
            "negative",
            "Integrasjonen mellom sak/arkiv og fagsystemene tok mye lengre tid enn planlagt.",
            "Chatboten ga for mange feil svar i starten og svekket tilliten hos innbyggerne.",
            "Opplæringen av ansatte ble nedprioritert da budsjettet ble strammet inn i 2023.",
        ),
        Heading("7 Læringspunkter", 1),
        bullets(
            "Start med brukerens behov og test løsningene med innbyggere tidlig.",
            "Sett av tid og penger til opplæring og endring av arbeidsprosesser, ikke bare til teknologi.",
            "Små piloter med klare mål gjør det lettere å avslutte det som ikke virker.",
        ),
    ),
)


# --- 6. Harstad: Lean (presentasjon) ------------------------------------------------

HARSTAD_LEAN = SampleDoc(
    path="Harstad/2025-06-05_presentasjon_lean.pdf",
    municipality="Harstad",
    doc_type="presentasjon",
    title="Lean i Harstad kommune – forbedringsarbeid i praksis",
    language="nb",
    date="2025-06-05",
    themes=("forbedring",),
    layout="landscape",
    blocks=(
        Slide("Lean i Harstad kommune – forbedringsarbeid i praksis",
              lines=("Temamøte i kommunestyret 05.06.2025", "Harstad kommune, seksjon for organisasjon")),
        Slide("Hvorfor Lean?", bullets=(
            Item("Flere eldre og færre i arbeid – vi må bruke ressursene klokt"),
            Item("Mindre venting, dobbeltarbeid og leting etter informasjon"),
            Item("De som gjør jobben, vet best hvor skoen trykker"),
        )),
        Slide("Slik jobber vi", bullets=(
            Item("Tavlemøter 15 minutter hver morgen"),
            Item("Verdistrømsanalyse av hele prosessen, fra søknad til vedtak"),
            Item("5S: orden i lager, medisinrom og felles disker"),
            Item("Forbedringsforslag fra ansatte følges opp innen to uker"),
        )),
        Slide("Pilotene", bullets=(
            Item("Pilot: Lean i hjemmetjenesten Kanebogen", project("Lean i hjemmetjenesten Kanebogen", "pilot")),
            Item("Pilot: Byggesak på tre uker", project("Byggesak på tre uker", "pilot")),
            Item("Prosjekt Forbedringsagenter: 20 ansatte lært opp som veiledere",
                 project("Forbedringsagenter", "prosjekt")),
        )),
        Slide("Mål og resultater", bullets=(
            Item("Mål: byggesaker behandles innen 21 dager",
                 goal("mål", target="21 dager", value=21.0, unit="dager")),
            Item("Resultat: 26 dager i snitt, ned fra 44"),
            Item("Hjemmetjenesten: 11 % mer tid hos brukerne"),
        )),
        Slide("Dette har fungert", bullets=experiences(
            "positive",
            "Ansatte blir hørt og kommer med flere forslag",
            "Kortere ventetid for innbyggerne",
            "Tavlemøtene gir bedre oversikt for lederne",
        ).items),
        Slide("Dette har vært vanskelig", bullets=experiences(
            "negative",
            "Vanskelig å finne tid til forbedring i travle turnuser",
            "Noen opplever Lean som mer kontroll",
            "Gevinstene er vanskelige å måle i kroner",
        ).items),
        Slide("Veien videre", bullets=(
            Item("Lean tas inn i lederopplæringen fra 2026"),
            Item("Nye piloter i barnehage og renhold"),
            Item("Årlig forbedringskonferanse for alle enheter"),
        )),
    ),
)


# --- 7. Levanger: tertialrapport (rapport med topptekst og «Side N av M») ----------

LEVANGER_TERTIAL = SampleDoc(
    path="Levanger/2025-05-20_rapport_tertial.pdf",
    municipality="Levanger",
    doc_type="rapport",
    title="Økonomirapport 1. tertial 2025",
    language="nb",
    date="2025-05-20",
    themes=("økonomi",),
    running_header="Levanger kommune – Økonomirapport 1. tertial 2025",
    blocks=(
        Heading("Økonomirapport 1. tertial 2025", 0),
        Para("Levanger kommune, rapport til formannskapet 20.05.2025"),
        Heading("1 Sammendrag", 1),
        Para(
            "Etter første tertial ligger kommunen an til et merforbruk på 14,6 millioner kroner i driften. "
            "Merforbruket skyldes i hovedsak økte utgifter til ressurskrevende tjenester og høy bruk av vikarer "
            "i helse og omsorg. Skatteinngangen er 2,1 % høyere enn budsjettert. Kommunedirektøren har satt i "
            "verk tiltak for å redusere merforbruket."
        ),
        Heading("2 Økonomiske handlingsregler", 1),
        Para(
            "Kommunestyret har vedtatt at netto driftsresultat over tid skal være minst 1,75 % av "
            "driftsinntektene. Prognosen for 2025 er 0,4 %.",
            findings=(goal("mål",
                           text="Kommunestyret har vedtatt at netto driftsresultat over tid skal være minst "
                                "1,75 % av driftsinntektene.",
                           target="1,75 %", value=1.75, unit="%"),),
        ),
        Para(
            "Disposisjonsfondet skal ikke være lavere enn 5 % av driftsinntektene. Ved utgangen av april var "
            "fondet 6,3 % av driftsinntektene.",
            findings=(goal("mål", text="Disposisjonsfondet skal ikke være lavere enn 5 % av driftsinntektene.",
                           target="5 %", value=5.0, unit="%"),),
        ),
        Heading("3 Drift per tjenesteområde", 1),
        Para("Tabellen viser budsjett, regnskap per 30. april og prognose for årsavvik (millioner kroner). "
             "Negativt avvik betyr merforbruk."),
        Table(
            (
                ("Tjenesteområde", "Budsjett 2025", "Regnskap 30.04", "Forbruk", "Prognose avvik"),
                ("Oppvekst", "612,4", "205,8", "33,6 %", "-2,5"),
                ("Helse og omsorg", "748,9", "262,3", "35,0 %", "-13,8"),
                ("Kultur og fritid", "48,2", "15,1", "31,3 %", "0,4"),
                ("Samfunnsutvikling", "96,7", "30,9", "32,0 %", "1,1"),
                ("Sentrale styringsorganer", "71,5", "24,6", "34,4 %", "0,2"),
                ("Sum", "1 577,7", "538,7", "34,1 %", "-14,6"),
            ),
            widths=(55, 32, 32, 25, 36),
        ),
        PageBreak(),
        Heading("4 Helse og omsorg", 1),
        Para(
            "Helse og omsorg har et forventet merforbruk på 13,8 millioner kroner. Tre nye brukere med "
            "omfattende behov har fått tjenester siden januar. Sykefraværet i sektoren var 11,9 % i første "
            "tertial, og vikarbruken har økt tilsvarende."
        ),
        Heading("Tiltak", 2),
        Items((
            Item("Stillingsstopp i administrative stillinger ut året."),
            Item("Prosjekt Riktig bemanning: ny turnus ved Levanger helsetun fra september.",
                 project("Riktig bemanning", "prosjekt")),
            Item("Tettere oppfølging av innleie fra byrå, med ukentlig rapportering til kommunalsjef."),
        )),
        Heading("5 Oppvekst", 1),
        Para(
            "Oppvekst har et forventet merforbruk på 2,5 millioner kroner, knyttet til spesialundervisning og "
            "flere barn i barnehage enn forutsatt. Kommunen har fått 1,2 millioner kroner i ekstra statstilskudd "
            "som delvis dekker avviket."
        ),
        PageBreak(),
        Heading("6 Investeringer", 1),
        Para(
            "Investeringsbudsjettet for 2025 er 286 millioner kroner. Per 30. april er det brukt 61 millioner "
            "kroner. Utbyggingen av Nordsiden skole er forsinket med om lag tre måneder, men ligger innenfor "
            "kostnadsrammen."
        ),
        Heading("7 Kommunedirektørens vurdering", 1),
        Para(
            "Kommunedirektøren vurderer at merforbruket er alvorlig, men at tiltakene vil redusere det med om "
            "lag 6 millioner kroner innen årsslutt. Det vil bli lagt fram en budsjettjustering i juni."
        ),
    ),
)
