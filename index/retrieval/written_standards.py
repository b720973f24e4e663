"""Nynorsk ↔ Bokmål counterparts of a word: the other written standard's spellings.

Two lists, both read in both directions:

* :data:`WORD_PAIRS` — (Nynorsk, Bokmål) words that differ more than a regular spelling
  does (*tilsett* / *ansatt*, *eining* / *enhet*, *korleis* / *hvordan*). A query word
  matches a pair by its Snowball stem, so inflected forms find the pair too
  (*verksemdene* → *virksomhet*); a pair of five letters or more is also replaced inside
  a compound (*sjukeheimsplass* → *sykehjemsplass*).
* :data:`SPELLINGS` — regular correspondences inside words (*sjuk*/*syk*, *frå*/*fra*,
  *kv*/*hv*, *au*/*ø*, *ei*/*e*, *-ing*/*-ning*). They combine: *sjukefråvær* → *sykefravær* applies two.

Endings the stemmer already conflates (*-leg*/*-lig*, *-ar*/*-er*, *-ane*/*-ene*) need no
entry. A counterpart may be a word no text uses: the caller keeps those the index knows.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations

import Stemmer

# (Nynorsk, Bokmål)
WORD_PAIRS: tuple[tuple[str, str], ...] = (
    ("tilsett", "ansatt"), ("tilsette", "ansatte"), ("tilsetjing", "ansettelse"), ("tilsetting", "ansettelse"),
    ("verksemd", "virksomhet"), ("heim", "hjem"), ("mykje", "mye"), ("noko", "noe"), ("nokon", "noen"),
    ("kva", "hva"), ("korleis", "hvordan"), ("kvifor", "hvorfor"), ("kvar", "hver"), ("sjukeheim", "sykehjem"),
    ("utval", "utvalg"), ("fleire", "flere"), ("meir", "mer"), ("ikkje", "ikke"), ("eining", "enhet"),
    ("høyring", "høring"), ("kunngjering", "kunngjøring"), ("eigedom", "eiendom"), ("einebustad", "enebolig"),
    ("bustad", "bolig"), ("tilbod", "tilbud"), ("sjølv", "selv"), ("berre", "bare"), ("heile", "hele"),
    ("mogleg", "mulig"), ("moglegheit", "mulighet"), ("naudsynt", "nødvendig"), ("difor", "derfor"),
    ("vidare", "videre"), ("gjere", "gjøre"), ("vere", "være"), ("utslepp", "utslipp"), ("rekneskap", "regnskap"),
    ("innbyggjar", "innbygger"), ("teneste", "tjeneste"), ("arbeidstakar", "arbeidstaker"), ("veg", "vei"),
    ("vegen", "veien"), ("auke", "økning"), ("aukande", "økende"), ("open", "åpen"), ("opning", "åpning"),
    ("saksframlegg", "saksfremlegg"), ("framtid", "fremtid"), ("framover", "fremover"), ("busetjing", "bosetting"),
    ("eigen", "egen"), ("eigne", "egne"), ("løyve", "tillatelse"), ("vedteke", "vedtatt"), ("framlegg", "forslag"),
    ("mellombels", "midlertidig"), ("tryggleik", "trygghet"), ("leiar", "leder"), ("leiing", "ledelse"),
    ("stad", "sted"), ("saman", "sammen"), ("samanslåing", "sammenslåing"), ("tal", "tall"), ("born", "barn"),
    ("heiltid", "heltid"), ("fråvær", "fravær"), ("sjukefråvær", "sykefravær"), ("kommuna", "kommunen"),
    ("skule", "skole"), ("ungdomsskule", "ungdomsskole"), ("grunnskule", "grunnskole"), ("lærar", "lærer"),
    ("avgjerd", "avgjørelse"), ("fråsegn", "uttalelse"),
    ("tenestetilbod", "tjenestetilbud"), ("fylkesveg", "fylkesvei"), ("behandla", "behandlet"), ("ønskje", "ønske"),
    ("trengst", "trengs"), ("byggjing", "bygging"), ("retningsline", "retningslinje"), ("kyrkje", "kirke"),
    ("kyrkjegard", "kirkegård"), ("omsorgsbustad", "omsorgsbolig"), ("løn", "lønn"), ("heiltidsstilling", "heltidsstilling"),
    ("arbeidsgjevar", "arbeidsgiver"),
    ("nærleik", "nærhet"), ("tryggare", "tryggere"), ("betre", "bedre"), ("verte", "bli"), ("vart", "ble"),
    ("førebygging", "forebygging"), ("førebyggjande", "forebyggende"), ("høve", "anledning"), ("røynsle", "erfaring"),
    ("heimeteneste", "hjemmetjeneste"),
)

# (Nynorsk, Bokmål) spellings inside a word; ``one_way`` ones go from Nynorsk to Bokmål only
# (Bokmål "e" is not Nynorsk "ei" in general: *hele* is, *lege* and *helse* are not; pairs cover the rest).
SPELLINGS: tuple[tuple[str, str], ...] = (
    ("sjuk", "syk"), ("skul", "skol"), ("heim", "hjem"), ("kv", "hv"), ("au", "ø"), ("frå", "fra"),
    ("fram", "frem"), ("heil", "hel"), ("ei", "e"), ("ing", "ning"), ("tene", "tjene"),
    ("jing", "ing"), ("gjer", "gjør"), ("bust", "bost"), ("slepp", "slipp"), ("øy", "ø"), ("veg", "vei"),
)
ONE_WAY = frozenset({("ei", "e"), ("heil", "hel"), ("øy", "ø"), ("jing", "ing")})
MAX_RULES = 3  # spelling rules combined in one counterpart
MAX_VARIANTS = 12

_PAIRS_BY_STEM: dict[str, list[str]] = {}
_SUBSTRING_PAIRS: list[tuple[str, str]] = []


def _stem(word: str) -> str:
    return _stemmer().stemWord(word)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("norwegian")


def _tables() -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    if not _PAIRS_BY_STEM:
        for nn, nb in WORD_PAIRS:
            for a, b in ((nn, nb), (nb, nn)):
                _PAIRS_BY_STEM.setdefault(_stem(a), []).append(b)
                if len(a) >= 5:
                    _SUBSTRING_PAIRS.append((a, b))
    return _PAIRS_BY_STEM, _SUBSTRING_PAIRS


def _rules() -> list[tuple[str, str]]:
    out = []
    for nn, nb in SPELLINGS:
        out.append((nn, nb))
        if (nn, nb) not in ONE_WAY:
            out.append((nb, nn))
    return out


_RULES = _rules()


@lru_cache(maxsize=50_000)
def counterparts(word: str) -> tuple[str, ...]:
    """Spellings of the lower-case ``word`` in the other written standard, most likely first:
    whole-word pairs (by stem), pairs inside compounds, then combinations of up to
    :data:`MAX_RULES` spelling rules (fewest first). Never ``word`` itself."""
    by_stem, inside = _tables()
    out: list[str] = list(by_stem.get(_stem(word), ()))
    out += [word.replace(a, b) for a, b in inside if a in word and a != word]
    applicable = [(a, b) for a, b in _RULES if a in word]
    for n in range(1, min(MAX_RULES, len(applicable)) + 1):
        for combo in combinations(applicable, n):
            variant = word
            for a, b in combo:
                variant = variant.replace(a, b)
            out.append(variant)
    return tuple([v for v in dict.fromkeys(out) if v != word and len(v) > 1][:MAX_VARIANTS])
