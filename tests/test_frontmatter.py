"""Front matter by structure (index/retrieval/frontmatter.py) and its demotion in ranking.

The snippets are written for these tests in the shape of case papers, letters, protocols and
e-mails (Bokmål and Nynorsk); names, numbers and titles are made up.
"""

from __future__ import annotations

import numpy as np
import pytest

from saksfinn.index.retrieval.frontmatter import front_matter_lines, front_matter_share
from saksfinn.index.retrieval.passages import demote_front_matter
from saksfinn.models import Chunk

TITLE_NB = "Tilskudd til nærmiljøanlegg ved Nordbygda skole"
TITLE_NN = "Retningslinjer for kulturmidlar 2025"

CASE_HEADER_NB = (
    "SAKSFRAMLEGG\nSaksgang\nUtvalg\nHovedutvalg oppvekst og kultur\nFormannskap\nKommunestyre\n\n"
    "Møtedato\n\nUtvalgssak\n\nArkivsaksnr: 2025/3317\nSaksbehandler: Helga Brattås\n\n" + TITLE_NB
)
CASE_HEADER_NN = (
    "SAKSFRAMLEGG\n\nSakshandsamar: Eirik Hovland\nArkiv: FE-223\nArkivsak: 24/1187\n\n"
    "Saksgong\nUtval\nMøtedato\nSaknr\nKultur- og oppvekstutvalet\n12.03.2025\n14/25\nKommunestyret\n"
    "27.03.2025\n22/25\n\n" + TITLE_NN
)
WRAPPED_TITLE = (  # the title runs over two lines of the header
    "Saksfremlegg\n\nArkivreferanse: 2026/881-2\nSaksbehandler: Oddny Rise\n\n"
    "Søknad om dispensasjon fra kommuneplanens arealdel for oppføring av\nnaust på gnr. 14 bnr. 6"
)
LETTER_HEAD = (
    "Nordbygda idrettslag\nPostboks 112\n7790 NORDBYGDA\n\nVår dato:\n\nVår ref:\n\n03.02.2025\n\n2025/418\n\n"
    "Deres dato:\n\nDeres ref:\n\n20.01.2025\n\n\nSaksbehandler, innvalgstelefon\n\nTor Vikan, 74 16 52 90"
)
LETTER_NN = "Vår ref.: 2024/9921-4\nDykkar ref.:\nDato: 18.11.2024\n\nKopi til:\nStatsforvaltaren i Vestland\nFylkeskommunen v/ kulturavdelinga"
ATTACHMENTS = (
    "Vedlegg:\n1 Søknad om tilskudd til nærmiljøanlegg Nordbygda 2025.pdf\n"
    "2 Kart over området og plassering av ballbinge, aktivitetsløype og lekeapparater for de minste\n"
    "barna\n3 Uttalelse fra idrettsrådet datert 03.03.2025"
)
SIGNATURE_NN = "Med venleg helsing\n\nIngrid Haugland\nkommunedirektør\n\nSolveig Myklebust\nrådgjevar\n\nDokumentet er elektronisk godkjent"
PROTOCOL_NN = (
    "Møteprotokoll\n\nUtval: Kommunestyret\nMøtestad: Kommunehuset, store salen\nDato: 12.09.2024\n"
    "Tidspunkt: 09:00 - 14:30\n\nTil stades:\nNamn Funksjon Parti\nOla Tveit ordførar SP\nLiv Rognaldsen medlem AP\n"
    "Arne Sæbø medlem H\n\nForfall:\nMarta Lid medlem KRF"
)
EMAIL = (
    "Fra: Siri Haugen[siri.haugen@nordbygda.kommune.no]\nSendt: 03.03.2025 09:12:40\n"
    "Til: Postmottak[postmottak@nordbygda.kommune.no]\nKopi: Tor Vikan\nEmne: Innspill til planarbeid for Nordbygda sentrum"
)
PROSE_NB = (
    "Til sammen har kommunen brukt 2,4 millioner kroner på tiltaket de siste tre årene.\n"
    "Fra 2026 skal ordningen evalueres, og kommunedirektøren vil legge fram en sak om videre drift.\n"
    "Referent for arbeidsgruppen avklares fra møte til møte."
)
PROSE_NN = (
    "Kommunedirektøren meiner at ordninga bør vidareførast, men at søknadsfristen bør flyttast til 1. mars.\n"
    "Utvalet har tidlegare peika på at lag og organisasjonar treng svar før sommaren."
)
DECISION = (
    "Kommunedirektørens forslag til vedtak:\n1. Formannskapet gir Nordbygda idrettslag 250 000 kroner i tilskudd til\n"
    "nærmiljøanlegg ved Nordbygda skole.\n2. Tilskuddet dekkes av disposisjonsfondet."
)
REFERENCES_IN_TEXT = (
    "Vedlegg 2 viser at fraværet har gått ned i alle enheter etter at tiltaket ble innført.\n"
    "Dato for neste evaluering er ikke fastsatt, men den skal skje før budsjettbehandlingen."
)
TABLE = "Enhet\n2023\n2024\nNordbygda skole\n12,4\n11,8\nSentrum skole\n9,1\n8,7"
MINUTES_FIELDS_THEN_TEXT = (
    "Møtedato: 24.02.2026\nTidspunkt: Kl. 14.15 – 15.15\nMøtested: Personalrommet\n"
    "Sak 3/2025-26 Informasjon fra elevrådet\n"
    "Elevrådet har gjennomført trivselsundersøkelse på alle trinn, og resultatene viser at de fleste elevene\n"
    "trives godt. Elevrådet ønsker flere aktiviteter i storefri og har sendt forslag til rektor om dette,\n"
    "blant annet fotballturnering, bordtennis og et eget rom for brettspill i vinterhalvåret."
)


@pytest.mark.parametrize(
    ("text", "title", "low", "high"),
    [
        (CASE_HEADER_NB, TITLE_NB, 1.0, 1.0),  # the form, the title left out
        (CASE_HEADER_NN, TITLE_NN, 1.0, 1.0),  # Nynorsk labels, a Saksgong table of values
        (WRAPPED_TITLE, "Søknad om dispensasjon fra kommuneplanens arealdel for oppføring av naust på gnr. 14 bnr. 6", 1.0, 1.0),
        (LETTER_HEAD, None, 1.0, 1.0),
        (LETTER_NN, None, 1.0, 1.0),
        (ATTACHMENTS, None, 1.0, 1.0),  # long attachment titles and a wrapped one included
        (SIGNATURE_NN, None, 1.0, 1.0),
        (PROTOCOL_NN, None, 1.0, 1.0),
        (EMAIL, None, 1.0, 1.0),
        (PROSE_NB, None, 0.0, 0.0),  # "Til sammen", "Fra 2026", "Referent …" start sentences, not fields
        (PROSE_NN, None, 0.0, 0.0),
        (DECISION, None, 0.0, 0.0),  # a numbered list outside any list label is content
        (REFERENCES_IN_TEXT, None, 0.0, 0.0),
        (TABLE, None, 0.0, 0.0),  # a table of figures is no form
        (MINUTES_FIELDS_THEN_TEXT, None, 0.1, 0.4),  # the fields count, the minutes do not
        (CASE_HEADER_NB + "\n\nSaksopplysninger:\n" + PROSE_NB, TITLE_NB, 0.2, 0.4),  # header, then the case
        (TITLE_NB, TITLE_NB, 0.0, 0.0),  # only the title: nothing to measure
        ("", None, 0.0, 0.0),
    ],
)
def test_front_matter_share(text, title, low, high):
    assert low - 1e-9 <= front_matter_share(text, title) <= high + 1e-9


def test_lines_say_what_they_are():
    kinds = dict(front_matter_lines(CASE_HEADER_NB, TITLE_NB))
    assert kinds["Arkivsaksnr: 2025/3317"] == "field"
    assert kinds["Hovedutvalg oppvekst og kultur"] == "form"  # a committee in the Saksgang table
    assert kinds[TITLE_NB] == "title"
    kinds = dict(front_matter_lines(ATTACHMENTS))
    assert kinds["barna"] == "list" and kinds["3 Uttalelse fra idrettsrådet datert 03.03.2025"] == "list"
    assert dict(front_matter_lines(LETTER_HEAD))["Tor Vikan, 74 16 52 90"] == "value"


def chunk(doc: str, text: str, title: str | None = None) -> Chunk:
    return Chunk(document_id=doc, text=text, title=title, page=1, start=0, end=len(text))


def test_front_matter_gives_way_to_content_across_documents():
    chunks = [chunk("a", CASE_HEADER_NB, TITLE_NB), chunk("b", PROSE_NB), chunk("a", DECISION), chunk("c", PROSE_NN)]
    ranked = [(0, 1.0), (1, 0.9), (2, 0.8), (3, 0.3)]
    out = demote_front_matter(ranked, chunks[:3], 0.5, keys=np.arange(4))
    assert [row for row, _ in out] == [1, 2, 0, 3]  # 1.0 − 0.5 = 0.5: below the content, above the weak match
    assert out[2][1] == pytest.approx(0.5) and out[3] == (3, 0.3)  # rows past the depth follow unchanged
    assert demote_front_matter(ranked, chunks[:3], 0.0, keys=np.arange(4)) == ranked


def test_front_matter_that_is_what_matches_stays_first():
    chunks = [chunk("a", ATTACHMENTS), chunk("b", PROSE_NB)]
    ranked = [(0, 1.0), (1, 0.3)]  # the attachment list leads by more than its penalty
    assert [row for row, _ in demote_front_matter(ranked, chunks, 0.5, keys=np.arange(2))] == [0, 1]
