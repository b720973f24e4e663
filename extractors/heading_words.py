"""The Norwegian case-paper headings sections are split on (Bokmål and Nynorsk): the
vocabulary of :mod:`saksfinn.extractors.sections`, kept apart from the splitting so the
list can grow without touching the algorithm.

:data:`KNOWN_HEADINGS` pairs a pattern for the heading words with the section ``kind``;
:data:`HEADING_MATCHERS` holds each as (whole-line matcher, ``Heading: text`` matcher, kind).
"""

from __future__ import annotations

import re

BOILERPLATE = "boilerplate"

# (pattern for the heading words, kind). Matched case-insensitively against a line whose
# numbering, Markdown marks and case-ref prefix have been removed.
_P = r"(?:kommunedirektørens|kommunedirektøren\s+sin|rådmannens|rådmannen\s+sin|administrasjonens|administrasjonssjefens|kontrollutvalgets|kontrollutvalets|formannskapets|[a-zæøå-]+(?:utvalgets|utvalets))"
# an administrative official's proposal: "Skogsjefens forslag til vedtak", "Virksomhetsleders
# innstilling", "Einingsleiaren sitt framlegg til vedtak" — not a politician's or a party's
# ("Ordførerens forslag", "Utvalgsleders forslag", "Senterpartiets forslag" are proposals in the meeting)
_ROLE = (
    r"(?:[a-zæøå-]*(?:sjef|direktør|rådmann|sekretær|sekretariat|forvalter|rådgiver|rådgjevar|koordinator)"
    r"|(?!(?:utvalgs|utvals|komit[eé]|gruppe|parti|møte|styre)(?:leder|leiar))[a-zæøå-]+(?:leder|leiar)"
    r"|daglig\s+leder|dagleg\s+leiar)"
)
_OFFICIAL = rf"(?:{_ROLE}(?:ens|ets|s|(?:en|et)?\s+(?:sin|si|sitt)))"
KNOWN_HEADINGS: tuple[tuple[str, str], ...] = (
    (r"saksfr[ae]mlegg", "saksframlegg"),
    (r"(?:endelig\s+)?innstilling(?:\s+til\s+vedtak)?", "innstilling"),
    (
        rf"(?:{_P}|{_OFFICIAL})\s+(?:(?:sitt\s+)?(?:forslag|framlegg)\s+til\s+(?:vedtak|innstilling)|innstilling|tilråding)",
        "innstilling",
    ),
    (r"(?:forslag\s+til\s+(?:vedtak|innstilling)|framlegg\s+til\s+vedtak)", "innstilling"),
    # "Kommunedirektøren tilrår at kommunestyret gjer slikt vedtak:"
    (r"(?:rådmannen|kommunedirektøren|administrasjonen)\s+(?:tilrår|rår\s+til|innstiller)"
     r"(?:\s+at\s+[a-zæøå -]{3,40}?\s+(?:gjer|gjør|fattar|fatter|treff|treffer)\s+(?:slikt|følgende|fylgjande)\s+vedtak)?",
     "innstilling"),
    (r"tilrådn?ing(?:\s+til\s+vedtak)?", "innstilling"),
    (r"(?:[a-zæøå-]+s\s+)?vedtak", "vedtak"),
    (r"behandling(?:\s+i\s+[a-zæøå -]{3,60}?)?", "behandling"),
    (r"saks?opplysning(?:er|ar)|saksutgreiing|saksutredning|saksomtale|sakens\s+bakgrunn", "saksopplysninger"),
    (r"fakta(?:\s+i\s+saken)?|faktiske\s+opplysninger|saksframstilling|saksfremstilling", "saksopplysninger"),
    (rf"(?:{_P}\s+)?(?:vurdering(?:ar|er)?|saks?vurdering(?:ar|er)?|drøfting)", "vurdering"),
    (r"(?:[a-zæøå-]+s\s+|samla?de?t?\s+)vurdering(?:ar|er)?", "vurdering"),
    (r"bakgrunn(?:\s+for\s+saken)?", "bakgrunn"),
    (r"konklusjon(?:ar|er)?", "konklusjon"),
    (r"(?:trykte\s+|utrykte\s+)?vedlegg|andre\s+dokument(?:er)?\s+i\s+saken", "vedlegg"),
    (r"hva\s+saken\s+gjelder|saken\s+gjelder|kva\s+saka\s+gjeld|saka\s+gjeld", "saken_gjelder"),
    (r"sammendrag|samandrag|oppsummering|hovedfunn(?:\s+og\s+sammendrag)?", "sammendrag"),
    (r"innledning|innleiing|forord", "innledning"),
    (r"økonomiske\s+(?:og\s+administrative\s+)?konsekvens(?:er|ar)|økonomi", "okonomi"),
    (r"positive\s+erfaring(?:er|ar)|hva\s+fungerte\s+godt|kva\s+fungerte\s+godt|suksessfaktor(?:er|ar)|styrker|gevinster", "experience_positive"),
    (r"negative\s+erfaring(?:er|ar)|hva\s+fungerte\s+(?:dårlig|mindre\s+godt|ikke)|kva\s+fungerte\s+(?:dårleg|ikkje)|utfordring(?:er|ar)|svakheter|hindringer|barrierer", "experience_negative"),
    (r"læringspunkt(?:er)?|erfaring(?:er|ar)|lærdom(?:mer)?", "lessons"),
    (r"(?:hoved|effekt|resultat|del)?mål(?:setting(?:er|ar)?|et)?|mål\s+og\s+målgrupper?", "goals"),
    (r"tiltak", "tiltak"),
    (r"mandat(?:et)?", "mandat"),
    (r"hjemmel|lovgrunnlag|heimel", "hjemmel"),
    (r"like\s+dokumenter|innhold(?:sfortegnelse)?|innhald(?:sliste)?|kontaktinformasjon|kontaktpersoner|kontakt\s+oss", BOILERPLATE),
    (r"transkript", "transcript"),
)

# a short tail after the heading words: "Positive erfaringer fra programperioden", "Vurdering av planforslaget"
_TAIL = r"(?:\s+(?:av|fra|frå|for|til|i|og|med|om|på|\d)[^.!?]{0,50})?"
HEADING_MATCHERS = [
    (re.compile(rf"(?:{p}){_TAIL}\s*:?\s*$", re.IGNORECASE), re.compile(rf"(?:{p})\s*:\s*(?=\S)", re.IGNORECASE), k)
    for p, k in KNOWN_HEADINGS
]
