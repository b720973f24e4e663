"""Sample saksframlegg: Bærum heltidskultur, Steinkjer sykefravær, Volda skule (Nynorsk), Bærum arealdel (HTML).

Fictional documents (see sample_docs.py)."""

from __future__ import annotations

from sample_blocks import Fields, Heading, Item, Items, PageBreak, Para, SampleDoc, Table, bullets, decision, experiences, goal, numbered, project, saksgang, saksgang_nn


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
