"""Source data for the sample corpus: every document as a list of typed blocks.

Fictional documents written for saksfinn (names of people, schools, projects and all
numbers are invented). ``make_corpus.py`` renders these blocks to PDF, plain text or
HTML, and writes the answer key from the findings attached to the same blocks, so the
key cannot drift from the documents.

A finding is a dict of fields named as in ``saksfinn.models.findings`` (``type`` is
``decision``, ``goal``, ``experience`` or ``project``). Its ``text`` defaults to the
text of the block (or list item) it is attached to; a finding may give its own
``text`` when it is one sentence of a longer paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

Finding = dict[str, Any]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 0 = document title, 1 = section, 2 = subsection


@dataclass(frozen=True)
class Para:
    text: str
    findings: tuple[Finding, ...] = ()
    bold: bool = False


@dataclass(frozen=True)
class Item:
    text: str
    finding: Finding | None = None


@dataclass(frozen=True)
class Items:
    """A bulleted or numbered list; ``finding`` (if any) covers the whole list."""

    items: tuple[Item, ...]
    numbered: bool = False
    finding: Finding | None = None


@dataclass(frozen=True)
class Fields:
    """Key/value lines of a letterhead, e.g. ("Arkivsaksnr.:", "24/08817-4")."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A table drawn with cell borders; the first row is the header row."""

    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] | None = None


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Slide:
    """One landscape page of a slide deck: a title, optional lines, bullets."""

    title: str
    lines: tuple[str, ...] = ()
    bullets: tuple[Item, ...] = ()


Block = Union[Heading, Para, Items, Fields, Table, PageBreak, Slide]


@dataclass(frozen=True)
class SampleDoc:
    path: str  # relative to corpus/documents/
    municipality: str
    doc_type: str  # a saksfinn.models.DocType value
    title: str
    language: str  # "nb" or "nn"
    date: str  # ISO date: the document's main date
    themes: tuple[str, ...]
    blocks: tuple[Block, ...]
    case_number: str | None = None
    meetings: tuple[tuple[str, str, str], ...] = ()  # (body, dd.mm.yyyy, case_ref)
    layout: str = "portrait"  # "portrait", "landscape" (slides)
    running_header: str | None = None  # printed on every page, with "Side N av M" in the footer
    extra: dict[str, Any] = field(default_factory=dict)


# --- finding helpers ---------------------------------------------------------------


def experiences(polarity: str, *texts: str) -> Items:
    return Items(tuple(Item(t, {"type": "experience", "polarity": polarity, "kind": "list"}) for t in texts))


def decision(kind: str, **fields: Any) -> Finding:
    return {"type": "decision", "kind": kind, **fields}


def goal(kind: str, text: str | None = None, target: str | None = None, value: float | None = None,
         unit: str | None = None) -> Finding:
    found: Finding = {"type": "goal", "kind": kind, "target": target, "target_value": value, "target_unit": unit}
    if text is not None:
        found["text"] = text
    return found


def project(name: str, kind: str, text: str | None = None) -> Finding:
    found: Finding = {"type": "project", "name": name, "kind": kind}
    if text is not None:
        found["text"] = text
    return found


def numbered(*texts: str, finding: Finding | None = None, item_findings: dict[int, Finding] | None = None) -> Items:
    item_findings = item_findings or {}
    return Items(tuple(Item(t, item_findings.get(i)) for i, t in enumerate(texts)), numbered=True, finding=finding)


def bullets(*texts: str) -> Items:
    return Items(tuple(Item(t) for t in texts))


def saksgang(*rows: tuple[str, str, str]) -> Table:
    return Table((("Utvalg", "Møtedato", "Saksnr"), *rows), widths=(90, 45, 45))


def saksgang_nn(*rows: tuple[str, str, str]) -> Table:
    return Table((("Utval", "Møtedato", "Saksnr"), *rows), widths=(90, 45, 45))


# --- 1. Bærum: heltidskultur (saksfremlegg) ----------------------------------------

BAERUM_HELTID = SampleDoc(
    path="Bærum/2025-02-04_saksfremlegg_heltidskultur.pdf",
    municipality="Bærum",
    doc_type="saksfremlegg",
    title="Heltidskultur i helse og omsorg – evaluering og videre arbeid",
    language="nb",
    date="2025-02-18",
    themes=("heltid",),
    case_number="24/08817-4",
    meetings=(
        ("Administrasjonsutvalget", "18.02.2025", "004/25"),
        ("Formannskapet", "26.02.2025", "019/25"),
        ("Kommunestyret", "12.03.2025", "027/25"),
    ),
    blocks=(
        Para("Bærum kommune", bold=True),
        Heading("SAKSFREMLEGG", 1),
        Fields((
            ("Arkivsaksnr.:", "24/08817-4"),
            ("Saksbehandler:", "Ingrid Solberg Haugen"),
            ("Arkivkode:", "400"),
            ("Dato:", "04.02.2025"),
        )),
        Heading("Saksgang", 2),
        saksgang(
            ("Administrasjonsutvalget", "18.02.2025", "004/25"),
            ("Formannskapet", "26.02.2025", "019/25"),
            ("Kommunestyret", "12.03.2025", "027/25"),
        ),
        Heading("Heltidskultur i helse og omsorg – evaluering og videre arbeid", 0),
        Heading("Innstilling til vedtak", 1),
        numbered(
            "Kommunestyret tar evalueringen av prosjektet «Heltid i Bærum» til orientering.",
            "Heltidskultur skal være et styrende prinsipp for all bemanningsplanlegging i helse og omsorg "
            "fra 1. januar 2026.",
            "Gjennomsnittlig stillingsstørrelse for fast ansatte i turnus skal økes til minst 85 % innen "
            "utgangen av 2027.",
            "Kommunedirektøren legger fram en årlig statusrapport for administrasjonsutvalget.",
            finding=decision("innstilling"),
            item_findings={2: goal("mål", target="85 %", value=85.0, unit="%")},
        ),
        Heading("Sammendrag", 1),
        Para(
            "Prosjektet «Heltid i Bærum» ble gjennomført ved fire sykehjem og to hjemmetjenestedistrikter i "
            "perioden 2022–2024. Andelen fast ansatte i hel stilling økte fra 38 % til 54 %, og bruken av "
            "innleid arbeidskraft gikk ned. Kommunedirektøren anbefaler at arbeidet videreføres i hele helse "
            "og omsorg, og at heltid blir hovedregelen ved nye utlysninger.",
            findings=(project("Heltid i Bærum", "prosjekt",
                              text="Prosjektet «Heltid i Bærum» ble gjennomført ved fire sykehjem og to "
                                   "hjemmetjenestedistrikter i perioden 2022–2024."),),
        ),
        Heading("Saksopplysninger", 1),
        Para(
            "Kommunestyret vedtok i sak 041/21 at Bærum kommune skulle utvikle en heltidskultur i tjenester "
            "med turnus. Bakgrunnen var en høy andel små stillinger, stor bruk av vikarer og vansker med å "
            "rekruttere sykepleiere. Prosjektet har vært organisert med en styringsgruppe ledet av "
            "kommunalsjef for helse og omsorg, med deltakelse fra hovedtillitsvalgte og hovedverneombud."
        ),
        Para(
            "Prosjektets hovedmål var at minst 60 % av de fast ansatte i turnus skulle ha hel stilling innen "
            "utgangen av 2024. Målet er ikke nådd, men utviklingen har gått i riktig retning ved alle enhetene.",
            findings=(goal("hovedmål",
                           text="Prosjektets hovedmål var at minst 60 % av de fast ansatte i turnus skulle ha "
                                "hel stilling innen utgangen av 2024.",
                           target="60 %", value=60.0, unit="%"),),
        ),
        Para(
            "Enhetene har prøvd ut langvakter i helg, årsturnus, kombinerte stillinger på tvers av avdelinger "
            "og en felles vikarpool. Evalueringen bygger på personaldata, en spørreundersøkelse blant ansatte "
            "(svarprosent 61) og fokusgruppeintervjuer med ledere og tillitsvalgte."
        ),
        PageBreak(),
        Heading("Erfaringer fra prosjektet", 1),
        Heading("Positive erfaringer", 2),
        experiences(
            "positive",
            "Flere ansatte har fått større stillinger, og andelen i hel stilling økte med 16 prosentpoeng.",
            "Færre vikarer ga mer kontinuitet for beboerne og bedre oversikt for pårørende.",
            "Årsturnus gjorde det lettere for ansatte å planlegge ferie og fritid.",
            "Felles vikarpool reduserte tiden lederne brukte på å skaffe vikarer.",
        ),
        Heading("Negative erfaringer", 2),
        experiences(
            "negative",
            "Arbeidet med nye turnuser tok lengre tid enn planlagt og krevde mye av lederne.",
            "Noen ansatte opplevde flere helgevakter som en belastning.",
            "Kombinerte stillinger på tvers av avdelinger ga uklare ansvarsforhold i starten.",
        ),
        Heading("Vurdering", 1),
        Para(
            "Kommunedirektøren vurderer at prosjektet har gitt gode resultater for både ansatte og brukere. "
            "Erfaringene viser at heltid ikke oppnås med ett enkelt tiltak, men krever langsiktig arbeid med "
            "turnus, rekruttering og kultur. Det er derfor viktig at heltidskultur forankres som et varig "
            "prinsipp og ikke som et tidsavgrenset prosjekt."
        ),
        Para(
            "Økonomisk har prosjektet vært gjennomført innenfor eksisterende rammer. Redusert innleie ga en "
            "besparelse på om lag 4,2 millioner kroner i 2024, som delvis er brukt til å finansiere økte "
            "stillinger. Kommunedirektøren tilrår at kommunestyret slutter seg til innstillingen."
        ),
        Heading("Vedlegg", 2),
        bullets("Evalueringsrapport «Heltid i Bærum» 2022–2024", "Protokoll fra partssammensatt arbeidsgruppe"),
    ),
)

# --- 2. Steinkjer: sykefravær (saksframlegg) ---------------------------------------

STEINKJER_SYKEFRAVAER = SampleDoc(
    path="Steinkjer/2025-04-22_saksframlegg_sykefravaer.pdf",
    municipality="Steinkjer",
    doc_type="saksfremlegg",
    title="Handlingsplan for nærvær og redusert sykefravær 2025–2027",
    language="nb",
    date="2025-05-06",
    themes=("sykefravær",),
    case_number="2025/2231-3",
    meetings=(
        ("Partssammensatt utvalg", "06.05.2025", "12/25"),
        ("Formannskapet", "13.05.2025", "48/25"),
        ("Kommunestyret", "28.05.2025", "62/25"),
    ),
    blocks=(
        Para("Steinkjer kommune", bold=True),
        Heading("Saksframlegg", 1),
        Fields((
            ("Arkivref.:", "2025/2231-3"),
            ("Saksbehandler:", "Per Arne Aune"),
            ("Dato:", "22.04.2025"),
        )),
        saksgang(
            ("Partssammensatt utvalg", "06.05.2025", "12/25"),
            ("Formannskapet", "13.05.2025", "48/25"),
            ("Kommunestyret", "28.05.2025", "62/25"),
        ),
        Heading("Handlingsplan for nærvær og redusert sykefravær 2025–2027", 0),
        Heading("Kommunedirektørens forslag til vedtak", 1),
        numbered(
            "Kommunestyret vedtar handlingsplan for nærvær og redusert sykefravær 2025–2027.",
            "Målet er å redusere sykefraværet til 7 % innen 2027.",
            "Det settes av 1,8 millioner kroner årlig i perioden til tiltakene i planen. Tiltakene "
            "finansieres innenfor rammen til lønn og personal.",
            "Kommunedirektøren rapporterer utviklingen i sykefraværet kvartalsvis til partssammensatt utvalg.",
            finding=decision("innstilling"),
            item_findings={1: goal("mål", target="7 %", value=7.0, unit="%")},
        ),
        Heading("Bakgrunn", 1),
        Para(
            "Sykefraværet i Steinkjer kommune var 9,4 % i 2024, mot 8,9 % året før. Fraværet er høyest i "
            "helse og velferd og i barnehagene. Om lag to tredjedeler av fraværet er legemeldt langtidsfravær. "
            "Høyt fravær gir økte vikarkostnader, mer belastning på kolleger og mindre stabile tjenester."
        ),
        Table(
            (
                ("Tjenesteområde", "2022", "2023", "2024"),
                ("Helse og velferd", "11,2 %", "11,6 %", "12,1 %"),
                ("Oppvekst", "8,1 %", "8,4 %", "8,8 %"),
                ("Samfunnsutvikling", "5,6 %", "5,2 %", "5,9 %"),
                ("Stab og støtte", "4,9 %", "5,3 %", "4,7 %"),
                ("Hele kommunen", "8,6 %", "8,9 %", "9,4 %"),
            ),
            widths=(75, 35, 35, 35),
        ),
        Heading("Mål", 1),
        Para(
            "Hovedmålet for planen er et samlet sykefravær på 7 % eller lavere innen utgangen av 2027.",
            findings=(goal("hovedmål", target="7 %", value=7.0, unit="%"),),
        ),
        Heading("Effektmål", 2),
        Items((
            Item("Korttidsfraværet skal ned til 1,5 % innen 2026.",
                 goal("effektmål", target="1,5 %", value=1.5, unit="%")),
            Item("Alle enheter med fravær over 10 % skal ha en egen nærværsplan innen 1. oktober 2025.",
                 goal("effektmål", target="10 %", value=10.0, unit="%")),
            Item("Minst 80 % av lederne skal ha gjennomført opplæring i oppfølging av sykmeldte innen 2026.",
                 goal("effektmål", target="80 %", value=80.0, unit="%")),
        )),
        Heading("Tiltak", 1),
        Items((
            Item("Nærværsteam: HR, bedriftshelsetjenesten og NAV arbeidslivssenter bistår enheter med høyt "
                 "fravær.", project("Nærværsteam", "tiltak")),
            Item("Pilot Aktiv på jobb: trening i arbeidstiden for ansatte i hjemmetjenesten og barnehagene.",
                 project("Aktiv på jobb", "pilot")),
            Item("Tidlig dialog: leder tar kontakt med den sykmeldte innen tre dager."),
            Item("Tilrettelegging: kommunen bruker tilretteleggingstilskudd og graderte sykmeldinger aktivt."),
        )),
        Heading("Vurdering", 1),
        Para(
            "Kommunedirektøren mener at målet om 7 % er ambisiøst, men realistisk dersom tiltakene følges opp "
            "systematisk. Erfaringer fra andre kommuner viser at tett lederoppfølging og samarbeid med "
            "tillitsvalgte er avgjørende. Tiltakene er drøftet med hovedtillitsvalgte, som støtter planen."
        ),
    ),
)

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

# --- 4. Volda: skulestruktur (saksframlegg, nynorsk) -------------------------------

_VOLDA_TILRAADING = (
    "Fjellsida skule vert slått saman med Sentrum skule frå skuleåret 2026/2027.",
    "Elevane frå Fjellsida får skuleskyss til Sentrum skule.",
    "Skulebygget på Fjellsida vert vurdert nytta til barnehage og grendehus. Kommunedirektøren legg fram "
    "ei eiga sak om dette innan utgangen av 2025.",
)


def _numbered_text(texts: tuple[str, ...]) -> str:
    return "\n".join(f"{i}. {t}" for i, t in enumerate(texts, 1))


VOLDA_SKULE = SampleDoc(
    path="Volda/2025-04-24_saksframlegg_skulestruktur.pdf",
    municipality="Volda",
    doc_type="saksfremlegg",
    title="Framtidig skulestruktur – Fjellsida skule og Sentrum skule",
    language="nn",
    date="2025-04-03",
    themes=("oppvekst",),
    case_number="24/1533",
    meetings=(
        ("Utval for oppvekst og kultur", "03.04.2025", "018/25"),
        ("Kommunestyret", "24.04.2025", "041/25"),
    ),
    blocks=(
        Para("Volda kommune", bold=True),
        Heading("Saksframlegg", 1),
        Fields((
            ("Saksbehandlar:", "Kari Bjørkedal"),
            ("Arkivsak:", "24/1533"),
            ("Dato:", "17.03.2025"),
        )),
        saksgang_nn(
            ("Utval for oppvekst og kultur", "03.04.2025", "018/25"),
            ("Kommunestyret", "24.04.2025", "041/25"),
        ),
        Heading("Framtidig skulestruktur – Fjellsida skule og Sentrum skule", 0),
        Heading("Kommunedirektøren tilrår at kommunestyret gjer slikt vedtak:", 1),
        numbered(*_VOLDA_TILRAADING, finding=decision("innstilling")),
        Heading("Saksopplysningar", 1),
        Para(
            "Fjellsida skule har i dag 34 elevar fordelte på fire kombinerte klassar. Elevtalet er venta å "
            "gå ned til 22 innan 2030. Sentrum skule ligg 11 kilometer unna og har ledig kapasitet. Skulebygget "
            "på Fjellsida treng vedlikehald for om lag 14 millionar kroner dei neste ti åra."
        ),
        Para(
            "Saka har vore på høyring hausten 2024. Det kom inn 27 høyringsfråsegner. Foreldrerådet ved "
            "Fjellsida og grendelaget går imot samanslåing, medan samarbeidsutvalet ved Sentrum skule er positivt."
        ),
        Heading("Positive erfaringar frå andre kommunar", 2),
        experiences(
            "positive",
            "Større fagmiljø for lærarane gjer det lettare å rekruttere lærarar med fordjuping i fag.",
            "Elevane får fleire jamaldrande å vere saman med, både i timane og i friminutta.",
        ),
        Heading("Negative erfaringar frå andre kommunar", 2),
        experiences(
            "negative",
            "Lang skuleskyss gjev kortare fritid for dei yngste elevane.",
            "Grenda mistar ein viktig møtestad når skulen vert lagd ned.",
        ),
        Heading("Vurdering", 1),
        Para(
            "Kommunedirektøren meiner at ein samla skule gjev eit betre og meir stabilt tilbod til elevane, og "
            "at dei innsparte midlane bør nyttast til fleire lærarar. Kommunedirektøren har forståing for at "
            "samanslåinga er krevjande for bygda, og tilrår difor at skulebygget vert teke i bruk til andre "
            "føremål."
        ),
        PageBreak(),
        Heading("Handsaming i Utval for oppvekst og kultur - 03.04.2025", 1),
        Para("Tilrådinga vart samrøystes vedteken."),
        Heading("Tilråding", 2),
        Para(_numbered_text(_VOLDA_TILRAADING), findings=(decision(
            "innstilling", body="Utval for oppvekst og kultur", meeting_date="2025-04-03", case_ref="018/25",
            adopted=True, unanimous=True, vote_text="Tilrådinga vart samrøystes vedteken."),)),
        Heading("Handsaming i Kommunestyret - 24.04.2025", 1),
        Para("Per Kjetil Hovden (Sp) sette fram slikt forslag: «Fjellsida skule vert vidareført. Saka vert "
             "sendt tilbake til kommunedirektøren for ei ny vurdering av økonomien.»"),
        Para("Røysting: Tilrådinga frå utvalet vart vedteke med 14 mot 10 røyster. Forslaget frå Sp fall."),
        Heading("Vedtak", 2),
        Para(_numbered_text(_VOLDA_TILRAADING), findings=(decision(
            "vedtak", body="Kommunestyret", meeting_date="2025-04-24", case_ref="041/25", adopted=True,
            votes_for=14, votes_against=10, unanimous=False,
            vote_text="Røysting: Tilrådinga frå utvalet vart vedteke med 14 mot 10 røyster."),)),
    ),
)

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

# --- 9. Bærum: kommuneplanens arealdel (HTML) --------------------------------------

BAERUM_AREAL = SampleDoc(
    path="Bærum/2025-09-09_saksfremlegg_arealdel.html",
    municipality="Bærum",
    doc_type="saksfremlegg",
    title="Kommuneplanens arealdel 2025–2040 – utlegging til offentlig ettersyn",
    language="nb",
    date="2025-09-17",
    themes=("plan og areal",),
    case_number="23/04412-21",
    meetings=(
        ("Planutvalget", "17.09.2025", "058/25"),
        ("Formannskapet", "24.09.2025", "077/25"),
    ),
    blocks=(
        Para("Bærum kommune"),
        Heading("Kommuneplanens arealdel 2025–2040 – utlegging til offentlig ettersyn", 0),
        Fields((
            ("Arkivsaksnr.:", "23/04412-21"),
            ("Saksbehandler:", "Jonas Lie Mathisen"),
            ("Dato:", "09.09.2025"),
        )),
        saksgang(
            ("Planutvalget", "17.09.2025", "058/25"),
            ("Formannskapet", "24.09.2025", "077/25"),
        ),
        Heading("Innstilling til vedtak", 1),
        numbered(
            "Forslag til kommuneplanens arealdel 2025–2040 legges ut til offentlig ettersyn og sendes på høring "
            "i samsvar med plan- og bygningsloven § 11-14.",
            "Høringsfristen settes til 15. desember 2025.",
            "Minst 80 % av nye boliger skal komme innenfor de prioriterte utviklingsområdene.",
            finding=decision("innstilling"),
            item_findings={2: goal("mål", target="80 %", value=80.0, unit="%")},
        ),
        Heading("Saksopplysninger", 1),
        Para(
            "Arealdelen fastsetter hvor i kommunen det kan bygges, og hvilke områder som skal bevares for natur, "
            "landbruk og friluftsliv. Planforslaget viderefører prinsippet om fortetting rundt kollektivknutepunkter "
            "og tar ut tre tidligere avsatte boligområder i marka."
        ),
        Heading("Medvirkning", 2),
        Para(
            "Det er holdt åpne møter i alle kommunedeler, og 1 340 innbyggere svarte på den digitale kartløsningen "
            "for innspill. Barn og unge ble involvert gjennom skoleprosjektet «Mitt nærmiljø».",
            findings=(project("Mitt nærmiljø", "prosjekt",
                              text="Barn og unge ble involvert gjennom skoleprosjektet «Mitt nærmiljø»."),),
        ),
        Heading("Vurdering", 1),
        Para(
            "Kommunedirektøren vurderer at planforslaget gir en god balanse mellom behovet for nye boliger og "
            "hensynet til natur og klima. Planforslaget er klart for offentlig ettersyn."
        ),
    ),
)

DOCUMENTS: tuple[SampleDoc, ...] = (
    BAERUM_HELTID,
    STEINKJER_SYKEFRAVAER,
    LEVANGER_PROTOKOLL,
    VOLDA_SKULE,
    HARSTAD_RAPPORT,
    HARSTAD_LEAN,
    LEVANGER_TERTIAL,
    STEINKJER_PROTOKOLL,
    BAERUM_AREAL,
)
