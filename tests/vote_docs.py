"""Two small protocols (Levanger, Steinkjer) written for the vote tests: roll-calls with names."""

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
