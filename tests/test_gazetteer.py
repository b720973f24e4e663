"""Municipality gazetteer: letterheads, council phrases, ambiguous names, former names."""

from __future__ import annotations

import pytest

from saksfinn.extractors.gazetteer import Municipality, find_municipality, lookup


@pytest.mark.parametrize(
    ("text", "name", "number"),
    [
        ("Levanger kommune\n\nSaksframlegg\n\nArkivreferanse: 2026/1477-1", "Levanger", "5037"),
        ("STEINKJER KOMMUNE\nPostboks 2530\n7729 STEINKJER", "Steinkjer", "5006"),
        ("Følgende innspill gis fra Steinkjer kommune:", "Steinkjer", "5006"),
        ("Kommunestyret i Levanger vedtok planen.", "Levanger", "5037"),
        ("Bærum kommune har initiert «Omstilling 2024»", "Bærum", "3024"),
        ("Harstad kommune  \nAttraktivt hele livet", "Harstad", "5402"),
        ("Fra: ste-postmottak[postmottak@steinkjer.kommune.no]", "Steinkjer", "5006"),
        ("Nordre Follo kommune\nSaksframlegg", "Nordre Follo", "3020"),
        ("Guovdageaidnu suohkan / Kautokeino kommune", "Kautokeino", "5430"),
        # Nynorsk letterhead
        ("Kinn kommune\nSaksframlegg\nSakshandsamar: Ola Nordmann", "Kinn", "4602"),
        # a plan map: the name on a line of its own above "kommune"
        ("REGULERINGSPLAN\nHarstad\nkommune Med tilhørende bestemmelser", "Harstad", "5402"),
        # a form field in reguleringsbestemmelser
        ("REGULERINGSENDRING\nKOMMUNE : Levanger\nREGULERINGSOMRÅDE : Sentrum", "Levanger", "5037"),
        # one letter off in a map's title block
        ("08.05.2025 Plan og bygg, Kristansand kommune", "Kristiansand", "4204"),
    ],
)
def test_find_municipality(text: str, name: str, number: str) -> None:
    m = find_municipality(text)
    assert m is not None
    assert (m.name, m.number) == (name, number)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Bø exists in Nordland and was a municipality in Telemark until 2020
        ("Bø kommune\nMøtebok", Municipality(name="Bø")),
        ("Bø kommune i Telemark\nMøtebok", lookup("Bø")[1]),
        ("Bø kommune, Vesterålen i Nordland", lookup("Bø")[0]),
        ("Herøy kommune\nMøre og Romsdal", lookup("Herøy")[0]),
        ("Våler kommune\nHedmark", next(m for m in lookup("Våler") if m.county == "Innlandet")),
        ("Våler kommune", Municipality(name="Våler")),
    ],
)
def test_ambiguous_names_need_county_evidence(text: str, expected: Municipality) -> None:
    assert find_municipality(text) == expected


_DEEP = "Saksopplysninger:\n" + "Saken gjelder tilskudd til lag og foreninger i kommunen. " * 40


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # a signature's place and date, by the mayor (a Steinkjer reporting form)
        ("SAK\n10/25\n\nRAPPORTERINGSSKJEMA\n\nBeskrivelse: Støtte til julegata 2025\n\nMottaker: Steinkjer "
         "næringsforening\n\nBeløp: 10.000\n\nSteinkjer 31.12.2025\n\nGunnar Thorsen\nordfører\n", "Steinkjer"),
        (_DEEP + "\nLevanger, 3. mars 2026\n\nOla Nordmann\nkommunedirektør\n", "Levanger"),
        # the municipality's own council, once, deep in the text
        (_DEEP + "Godkjent av Bystyret i Kristiansand den 12.02.2014 som sak nr. 23.", "Kristiansand"),
        (_DEEP + "Så langt har kommunestyret i Steinkjer praktisert at første varamedlem rykker opp.", "Steinkjer"),
        # a line break between the name and "kommune" (wrapped prose), twice
        (_DEEP + "status for omorganisering og nedbemanning i Steinkjer\nkommune pr. februar 2026. Omstilling i "
         "Steinkjer\nkommune fortsetter.", "Steinkjer"),
        # a municipal enterprise's board in the Saksgang
        ("SAKSFRAMLEGG\nSaksgang\nUtvalg\nStyret for Steinkjer kommuneskoger Ogndalsbruket KF\n\nMøtedato", "Steinkjer"),
        ("Saken skal behandles i Verdal kommunestyre 24.04.2026.", "Verdal"),
    ],
)
def test_statements_of_the_municipality(text: str, name: str) -> None:
    m = find_municipality(text)
    assert m is not None and m.name == name


@pytest.mark.parametrize(
    "text",
    [
        # surnames, associations and schools named after a place are not the sender
        "Lisbeth Melhus (UAVH) har sendt e-post til leder av forretningsutvalget.",
        "Mottaker: Steinkjer næringsforening\nBeløp: 10.000",
        "Binde skole skal til Steinkjer ungdomsskole fra høsten.",
        # a county body is not a municipality
        "Protokoll fra møte i eldrerådet i Trøndelag fylkeskommune 12.01.2026",
        # a passing mention deep in the text, even one with a line break
        _DEEP + "Jf. erfaringer fra Trondheim\nkommune.",
        # a date line whose place is no municipality
        _DEEP + "\nStatsforvalteren 31.12.2025\n",
    ],
)
def test_not_statements_of_the_municipality(text: str) -> None:
    assert find_municipality(text) is None


def test_former_municipality() -> None:
    m = find_municipality("Søgne kommune\nTeknisk etat")
    assert m is not None and m.former and m.successor == "Kristiansand" and m.number is None
    assert any(x.successor == "Steinkjer" for x in lookup("Verran"))
    assert any(x.successor == "Midt-Telemark" for x in lookup("Sauherad"))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Kommunestyret vedtok budsjettet enstemmig.",
        "Trøndelag fylkeskommune | Trööndelagen fylhkentjïelte",  # a county, not a municipality
        "Saksopplysninger:\n" + "Lang tekst om barnehager. " * 80 + "Jf. erfaringer fra Trondheim kommune.",
        "Oslo kommune og Bergen kommune samarbeider.",  # a tie is not evidence
    ],
)
def test_unknown_stays_unknown(text: str) -> None:
    assert find_municipality(text) is None


def test_letterhead_beats_later_mentions() -> None:
    body = "Saken gjelder samarbeid. " * 80
    text = "Levanger kommune\nSaksframlegg\n" + body + "Vi viser til Steinkjer kommune og Steinkjer kommune sitt vedtak."
    m = find_municipality(text)
    assert m is not None and m.name == "Levanger"


def test_every_current_municipality_is_found_by_its_letterhead() -> None:
    from saksfinn.extractors import gazetteer

    names = {m.name for ms in gazetteer._index().values() for m in ms if not m.former}
    assert len(names) >= 350
    missed = []
    for name in sorted(names):
        m = find_municipality(f"{name} kommune\nSaksframlegg")
        if m is None or m.name != name:
            missed.append(name)
    assert missed == []


@pytest.mark.parametrize("word", ["Kristiansund", "Steinkjær", "Kommunen"])
def test_a_name_one_letter_off_is_only_read_when_it_is_no_name_and_unique(word: str) -> None:
    m = find_municipality(f"{word} kommune\nSaksframlegg")
    assert m is None or m.name in (word, "Steinkjer")  # a real name stays itself; a known misspelling maps
