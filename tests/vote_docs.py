"""Small protocols (Levanger, Steinkjer) written for the vote tests: roll-calls with names; and one
Levanger case on paper twice, its saksframlegg and the protocol of its kommunestyre meeting."""

from __future__ import annotations

from pathlib import Path

LEVANGER = """Møteprotokoll

Utvalg: Kommunestyret
Dato: 25.03.2026

PS 13/26 Søknad om lån - Levanger Fotballklubb
Kommunestyrets behandling av sak 13/2026 i møte den 25.03.2026:

Behandling
Formannskapet 18.03.2026

INNSTILLING
Levanger kommune avslår søknad om ansvarlig lån til Levanger Fotballklubb.

Håvard Lutdal (Høyre) fremmet følgende tilleggsforslag:
Levanger fotballklubb sender kvartalsrapporter på økonomi til kommunedirektøren.

For forslaget stemte 2: Håvard Lutdal (H), Per Aunan (AP).
Imot forslaget stemte 3: Anne Grete Krogstad (AP), Randi Haugskott (SP), Siv Gjertrud Skjerve (SV).
Dermed ble tilleggsforslag ikke vedtatt.

For forslaget stemte 4: Anne Grete Krogstad (AP), Randi Haugskott (SP), Håvard Lutdal (H),
Per Espen Aunan (AP).
Imot forslaget stemte 1: Siv Gjertrud Skjerve (SV).
Dermed ble innstillingen vedtatt.

VEDTAK
Levanger kommune avslår søknad om ansvarlig lån til Levanger Fotballklubb.
"""

STEINKJER = """Kommunestyres behandling av sak 17/2026 i møte den 20.05.2026:
Behandling
Innstilling:
Årsregnskap 2025 for Steinkjer kommune godkjennes.
For forslaget stemte 3: Per Aunan (AP), Tor Borgan (SP), Lisbeth Melhus (UAVH).
Dermed ble innstillingen vedtatt.
Vedtak
Årsregnskap 2025 for Steinkjer kommune godkjennes.
"""


def write_protocols(root: Path) -> dict[str, Path]:
    """``root/Levanger/…`` and ``root/Steinkjer/…`` protocol texts; returns their paths by municipality."""
    paths = {}
    for municipality, text in (("Levanger", LEVANGER), ("Steinkjer", STEINKJER)):
        path = root / municipality / f"2026_saksprotokoll_{municipality.lower()}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths[municipality] = path.resolve()
    return paths


LEVANGER_PROTOCOL = """Levanger kommune

Møteprotokoll

Utvalg: Kommunestyret
Møtested: Kommunestyresalen, Levanger rådhus
Dato: 25.03.2026
Tidspunkt: 10:00 – 15:30

PS 13/26 Søknad om lån - Levanger Fotballklubb
Kommunestyrets behandling av sak 13/2026 i møte den 25.03.2026:

Behandling

Formannskapet 18.03.2026

INNSTILLING

1. Levanger kommune avslår søknad om ansvarlig lån til Levanger Fotballklubb.

2. Levanger kommune kan stille kommunal garanti for lån på inntil kr 1 000 000, forutsatt at
lånet tas opp i ekstern finansinstitusjon og det foreligger en forpliktende nedbetalingsplan.

Vegard Austmo (Arbeiderpartiet) fremmet følgende endringsforslag:

Pkt 2: Garantien tidsbegrenses til maksimalt 5 år.

For forslaget stemte 4: Vegard Austmo (AP), Anne Grete Krogstad (AP), Randi Haugskott (SP),
Siv Gjertrud Skjerve (SV).
Imot forslaget stemte 2: Håvard Lutdal (H), Julianne Hjelmstad (H).
Dermed ble endringsforslag vedtatt.

Håvard Lutdal (Høyre) fremmet følgende tilleggsforslag:

Levanger fotballklubb sender kvartalsrapporter på økonomi til kommunedirektøren.

For forslaget stemte 2: Håvard Lutdal (H), Julianne Hjelmstad (H).
Imot forslaget stemte 4: Vegard Austmo (AP), Anne Grete Krogstad (AP), Randi Haugskott (SP),
Siv Gjertrud Skjerve (SV).
Dermed ble tilleggsforslag ikke vedtatt.

For forslaget stemte 5: Vegard Austmo (AP), Anne Grete Krogstad (AP), Randi Haugskott (SP),
Håvard Lutdal (H), Julianne Hjelmstad (H).
Imot forslaget stemte 1: Siv Gjertrud Skjerve (SV).
Dermed ble innstillingen vedtatt.

Randi Haugskott (Senterpartiet) fremmet følgende oversendelsesforslag:

Kommunedirektøren legger fram en sak om kommunens retningslinjer for lån og garantier til lag og
foreninger.

For forslaget stemte 2: Randi Haugskott (SP), Siv Gjertrud Skjerve (SV).
Imot forslaget stemte 4: Vegard Austmo (AP), Anne Grete Krogstad (AP), Håvard Lutdal (H),
Julianne Hjelmstad (H).
Dermed ble oversendelsesforslaget ikke vedtatt.

VEDTAK

1. Levanger kommune avslår søknad om ansvarlig lån til Levanger Fotballklubb.

2. Levanger kommune kan stille kommunal garanti for lån på inntil kr 1 000 000, forutsatt at
lånet tas opp i ekstern finansinstitusjon og det foreligger en forpliktende nedbetalingsplan.
Garantien tidsbegrenses til maksimalt 5 år.
"""

LEVANGER_SAKSFRAMLEGG = """Levanger kommune

Saksframlegg

Arkivreferanse: 2026/1102-3
Saksbehandler: Kari Nordvik

Behandling:
Saksnummer
21/26
13/26

Møtedato
18.03.2026
25.03.2026

Utvalg
Formannskapet
Kommunestyret

Søknad om lån - Levanger Fotballklubb

Kommunedirektørens forslag til vedtak:
1. Levanger kommune avslår søknad om ansvarlig lån til Levanger Fotballklubb.
2. Levanger kommune kan stille kommunal garanti for lån på inntil kr 1 000 000.

Saksopplysninger:
Levanger Fotballklubb har søkt kommunen om et ansvarlig lån på kr 1 000 000 for å dekke
underskudd etter sesongen 2025. Klubben har lagt fram regnskap og budsjett for 2026.
"""


def write_case(root: Path) -> dict[str, Path]:
    """``root/Levanger/…``: the saksframlegg and the protocol of Kommunestyret's sak 13/2026 (an
    endringsforslag that passed, a tilleggsforslag that fell, the innstilling, then an
    oversendelsesforslag that fell); returns their paths as ``protocol`` / ``saksframlegg``."""
    folder = root / "Levanger"
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"protocol": folder / "2026_moteprotokoll_kommunestyret_2026-03-25.txt",
             "saksframlegg": folder / "2026_saksframlegg_soknad_om_lan_levanger_fotballklubb.txt"}
    paths["protocol"].write_text(LEVANGER_PROTOCOL, encoding="utf-8")
    paths["saksframlegg"].write_text(LEVANGER_SAKSFRAMLEGG, encoding="utf-8")
    return {k: p.resolve() for k, p in paths.items()}
