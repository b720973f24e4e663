"""Front matter: how much of a passage is a case paper's form, not its content.

A saksframlegg opens with a form — "SAKSFRAMLEGG / Saksgang / Utvalg … / Møtedato /
Arkivsaksnr: 2026/9 / Saksbehandler: …" and then the case title —, a letter with its
address block and "Vår ref / Deres ref / Dato", a protocol with "Møtested / Tidspunkt /
Til stede / Forfall" and its list of members, an e-mail with "Fra / Sendt / Til / Emne";
a paper closes with a list of attachments ("Vedlegg: 1 … 2 …"), a distribution list or a
signature. Such text repeats the case title and little else, so it matches a query about
the case as well as the case text does, yet tells the reader nothing. :func:`front_matter_share`
measures it by structure, in Bokmål and Nynorsk alike:

* **field lines** — a line that starts with a field label of the forms (:data:`FIELD_LABELS`:
  *Saksbehandler / Sakshandsamar*, *Arkivsaksnr*, *Møtedato*, *Vår ref / Dykkar ref*,
  *Kopi til*, …), at most :data:`FIELD_LINE_WORDS` words, or longer when the label
  introduces people (*Til stede*, *Forfall*, *Kopi*: a list of names);
* **value lines** — most of whose words are dates, case or reference numbers, file names,
  e-mail addresses, telephone numbers, clock times or "Side 2 av 3";
* **list lines** — the lines under a list label (*Vedlegg*, *Kopi til*, *Saksliste*, …)
  up to the next blank line or running sentence: attachment titles and recipients;
* **form lines** — in a passage with at least :data:`MIN_FIELDS` field lines, short lines
  (≤ :data:`FORM_LINE_WORDS` words) that end no sentence and hold no common finite verb:
  the names, committees and roles that fill a form's cells.

The share is of the passage's words (lines repeating the document title are its context
and count for nothing). 0 is running text; 1 is form only. A pure function of the text.
"""

from __future__ import annotations

import re
from functools import lru_cache

FIELD_LINE_WORDS = 12
FORM_LINE_WORDS = 7
MIN_FIELDS = 2

_WORD = re.compile(r"\w+(?:[-./@']\w+)*", re.UNICODE)

# Field labels of case papers, letters, protocols and e-mails (Bokmål, Nynorsk, English
# headers of forwarded mail). Matched case-insensitively at the start of a line, whole words.
FIELD_LABELS: tuple[str, ...] = (
    # case paper header and its Saksgang table
    "saksframlegg", "saksfremlegg", "saksgang", "saksgong", "utvalg", "utval", "styre/råd/utval",
    "utvalgssak", "utvalssak", "utv.saksnr", "møtedato", "saknr", "saksnr", "sak nr", "saksnummer",
    "arkivsaksnr", "arkivsaknr", "arkivsak", "arkivref", "arkivreferanse", "arkivkode", "arkiv",
    "j.nr", "journalpostid", "løpenr", "l.nr", "saksbehandler", "sakshandsamar", "saksbeh",
    "saksansvarlig", "saksansvarleg", "ansvarlig", "ansvarleg", "oppfølgingsansvar", "tidsfrist",
    "gradering", "klassering", "tilgangskode", "unntatt offentlighet", "unnateke offentlegheit",
    "dokumentdato", "dokumenttype",
    # letters
    "vår ref", "vår referanse", "vår dato", "deres ref", "deres referanse", "deres dato",
    "dykkar ref", "dykkar referanse", "dykkar dato", "dato", "referanse", "mottaker", "mottakar",
    "mottakere", "mottakarar", "kopi til", "kopi", "gjenpart", "adresse", "postadresse",
    "besøksadresse", "besøksadr", "postboks", "telefon", "tlf", "telefaks", "e-post", "epost",
    "org.nr", "organisasjonsnummer", "bankkonto", "kontonummer", "nettside", "internett",
    "innvalgstelefon",
    # protocols and minutes
    "møteprotokoll", "møtebok", "møtereferat", "referat", "møtested", "møtestad", "møtetid",
    "tidspunkt", "sted", "stad", "til stede", "til stades", "tilstede", "innkalt", "forfall",
    "frafall", "meldt frafall", "meldt fravær", "møtt varamedlem", "møtande varamedlemmer",
    "varamedlemmer", "varamedlem", "referent", "møteleder", "møteleiar", "sekretær",
    "møtesekretær", "fra administrasjonen", "frå administrasjonen", "protokollen er godkjent av",
    "protokollen godkjennes av", "protokollen vert godkjend av", "underskrift", "saksliste",
    "sakliste", "sakskart",
    # attachments and closing
    "vedlegg", "trykte vedlegg", "utrykte vedlegg", "utrykt vedlegg", "vedlagt", "med vennlig hilsen",
    "vennlig hilsen", "med hilsen", "med venleg helsing", "venleg helsing", "helsing",
    "dokumentet er elektronisk godkjent", "dokumentet er elektronisk signert",
    # e-mail headers
    "fra", "frå", "sendt", "til", "emne", "tittel", "from", "sent", "to", "cc", "subject", "date",
)
# labels whose value is a list of people or documents, however long the line
LIST_LABELS = frozenset({
    "vedlegg", "trykte vedlegg", "utrykte vedlegg", "utrykt vedlegg", "kopi til", "kopi", "gjenpart",
    "mottakere", "mottakarar", "saksliste", "sakliste", "sakskart", "til stede", "til stades",
    "tilstede", "innkalt", "forfall", "frafall", "meldt frafall", "meldt fravær", "møtt varamedlem",
    "møtande varamedlemmer", "varamedlemmer", "til", "to", "cc", "fra administrasjonen",
    "frå administrasjonen",
})
# labels that are ordinary words too: a field only when a colon, a value-like token or nothing follows
_LOOSE = frozenset({"til", "to", "fra", "frå", "from", "sent", "sendt", "date", "dato", "kopi", "sted", "stad",
                    "referat", "arkiv", "ansvarlig", "ansvarleg", "adresse", "helsing", "vedlagt", "utvalg",
                    "utval", "tittel", "emne", "referanse", "telefon", "tlf"})

_LABEL = re.compile(
    r"^\s*(?P<label>" + "|".join(re.escape(label) for label in sorted(FIELD_LABELS, key=len, reverse=True))
    + r")(?![\w])\.?\s*(?P<colon>:)?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_VALUE = re.compile(
    r"""^(?:
        \d{1,2}\.\s?\d{1,2}\.(?:\d{2}|\d{4})?       # 25.03.2026, 9.12.25
      | \d{4}-\d{2}-\d{2}                            # 2026-03-25
      | \d{1,6}/\d{1,6}(?:[-/]\w+)*                  # 2026/44, 25/1234-5, 2024/7630-2583/2026/KETLYS1
      | \d{2}/\d{5}-\d+                              # 19/02457-5
      | [\w.-]+@[\w.-]+                              # e-mail
      | (?:https?://|www\.)\S+                       # address on the web
      | \S+\.(?:pdf|docx?|xlsx?|odt|txt|msg|jpe?g|png)  # an attachment's file name
      | \d{1,2}[:.]\d{2}(?:\s?[-–]\s?\d{1,2}[:.]\d{2})? # 17:00, 14.15-15.15
      | kl\.?                                        # "kl. 17.00"
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_PHONE = re.compile(r"(?<!\d)(?:\+47\s?)?(?:\d{2}\s\d{2}\s\d{2}\s\d{2}|\d{3}\s\d{2}\s\d{3}|\d{8})(?!\d)")
_VALUE_CHAR = re.compile(r"[\d@]|www\.|\.(?:pdf|docx?|xlsx?|odt|txt|msg|jpe?g|png)\b", re.IGNORECASE)
_VALUE_CHAR_TOKEN = re.compile(r"[\d@.]")
_PAGE = re.compile(r"^\s*side\s+\d+\s+(?:av|of)\s+\d+\s*$", re.IGNORECASE)
_ENUMERATED = re.compile(r"^\s*(?:\d{1,2}[.)]?\s|[-–•▪o*]\s|vedlegg\s+\d|(?:ps|rs|fs|sak)\s+\d+/\d+)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]\s*$")
# common finite verbs and auxiliaries (Bokmål and Nynorsk): a line holding one says something
_VERBS = frozenset(
    "er var har hadde blir ble vart vert vil ville skal skulle kan kunne må bør får fikk gjør gjer gjorde "
    "gir gav ga går gikk tas legges gis vedtas vedtok vedtek foreslår ønsker ynskjer viser mener meiner "
    "meldte orienterte informerte fremmet fremma sendte".split()
)


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _is_value_word(token: str) -> bool:
    return bool(_VALUE.match(token))


def _field(line: str) -> str | None:
    """The field label ``line`` starts with (lower-cased), or None."""
    m = _LABEL.match(line)
    if not m:
        return None
    label = " ".join(m.group("label").lower().split())
    rest = m.group("rest").strip()
    if not m.group("colon") and rest:
        # without a colon a label word may just start a sentence ("Til sammen …", "Referent
        # avklares …"): a field only when a value follows, or a few words that end no sentence
        first = rest.split()[0].rstrip(",;")
        short = len(rest.split()) <= (4 if label in _LOOSE else 6) and not _SENTENCE_END.search(rest)
        if not (_is_value_word(first) or short and (label not in _LOOSE or rest[:1].isupper())):
            return None
    words = len(_words(line))
    if words > FIELD_LINE_WORDS and label not in LIST_LABELS:
        return None
    return label


def _is_value_line(line: str) -> bool:
    if not _VALUE_CHAR.search(line):
        return False  # no digit, address or file name: no value to speak of
    tokens = [t.strip(",;:()[]") for t in line.split()]
    tokens = [t for t in tokens if t and t not in {"-", "–", "|"}]
    if not tokens:
        return False
    if _PAGE.match(line):
        return True
    phone_tokens = sum(len(m.group().split()) for m in _PHONE.finditer(line))
    # every value pattern holds a digit, "@" or "." but "kl": a quick no for most words
    values = sum(1 for t in tokens if (_VALUE_CHAR_TOKEN.search(t) or t.lower() == "kl") and _VALUE.match(t))
    return (values + phone_tokens) / len(tokens) >= 0.5


def _has_verb(words: list[str]) -> bool:
    return any(w.lower() in _VERBS for w in words)


def _is_form_line(line: str) -> bool:
    """A short line that ends no sentence, introduces nothing (":") and holds no common verb."""
    words = _words(line)
    if not words or len(words) > FORM_LINE_WORDS or _SENTENCE_END.search(line) or line.endswith(":"):
        return False
    return not _has_verb(words)


def _is_list_line(line: str, previous: str | None) -> bool:
    """Under a list label: an enumerated item without a verb ("1 Høringsuttalelse …"), a short
    verbless line (a recipient), or the wrapped rest of the item before it."""
    words = _words(line)
    if _has_verb(words):
        return False
    if _ENUMERATED.match(line) or len(words) <= FORM_LINE_WORDS and not _SENTENCE_END.search(line):
        return True
    return previous == "list" and line[:1].islower()


def _title_lines(title: str | None) -> str:
    return " ".join((title or "").split()).lower()


def front_matter_lines(text: str, title: str | None = None) -> list[tuple[str, str | None]]:
    """Each non-blank line of ``text`` (whitespace collapsed) with its front-matter kind:
    ``"field"``, ``"value"``, ``"list"``, ``"form"``, ``"title"`` (the document ``title`` or
    a line of it) or ``None`` (content). See the module doc."""
    norm_title = _title_lines(title)
    lines: list[str | None] = []  # None: a blank line
    for raw in text.splitlines():
        line = " ".join(raw.split())
        lines.append(line or None)
    fields = [(_field(line) if line else None) for line in lines]
    form = sum(f is not None for f in fields) >= MIN_FIELDS
    kinds: list[str | None] = []
    texts: list[str] = []
    in_list = False
    for line, label in zip(lines, fields):
        if line is None:
            in_list = False
            continue
        kind: str | None = None
        if norm_title and len(_words(line)) >= 2 and line.lower() in norm_title:
            kind = "title"
        elif label is not None:
            kind, in_list = "field", label in LIST_LABELS
        elif _is_value_line(line):
            kind = "value"
        elif in_list and _is_list_line(line, kinds[-1] if kinds else None):
            kind = "list"
        else:
            in_list = False
            if form and _is_form_line(line):
                kind = "candidate"
        kinds.append(kind)
        texts.append(line)
    _settle_form_runs(kinds)
    return list(zip(texts, kinds))


def _settle_form_runs(kinds: list[str | None]) -> None:
    """A run of short verbless lines is a form's cells ("form") when a field, value or list
    line borders it (titles skipped); otherwise content (None). In place."""
    i = 0
    while i < len(kinds):
        if kinds[i] != "candidate":
            i += 1
            continue
        j = i
        while j < len(kinds) and kinds[j] in ("candidate", "title"):
            j += 1
        before = next((k for k in reversed(kinds[:i]) if k != "title"), None)
        after = kinds[j] if j < len(kinds) else None
        cells = before in ("field", "value", "list") or after in ("field", "value", "list")
        for k in range(i, j):
            if kinds[k] == "candidate":
                kinds[k] = "form" if cells else None
        i = j


@lru_cache(maxsize=16384)  # pure: searches meet the same passages again
def front_matter_share(text: str, title: str | None = None) -> float:
    """Share of ``text``'s words on front-matter lines (:func:`front_matter_lines`), 0..1;
    title lines count for nothing. A text without words (or only its title) is 0."""
    total = matter = 0
    for line, kind in front_matter_lines(text, title):
        if kind == "title":
            continue
        count = len(_words(line))
        total += count
        matter += count if kind else 0
    return matter / total if total else 0.0
