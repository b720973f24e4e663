"""Why a source failed, in Norwegian Bokmål, saying what to do.

The stored reason stays the English one-liner the readers and stages write (it is what the
logs and ``status --json`` carry); reports, the CLI and the web pages show
:func:`in_norwegian` of it. Each rule is (pattern over the English reason, Norwegian text);
``{name}`` fields come from the pattern's named groups. A reason no rule knows is shown as it is.
"""

from __future__ import annotations

import re

RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p, re.IGNORECASE), nb) for p, nb in (
    (r"password-protected", "PDF-en er passordbeskyttet — lagre en kopi uten passord og legg inn den"),
    (r"not a readable PDF: it has no pages", "PDF-en har ingen sider — hent den på nytt"),
    (r"not a readable PDF|PDFium|Data format error|incorrect startxref|EOF marker",
     "PDF-en er skadet eller avkuttet — hent den på nytt"),
    (r"is empty \(0 bytes\)", "filen er tom (0 byte) — hent den på nytt"),
    (r"PDF has (?P<n>\d+) pages, more than the limit of (?P<max>\d+)",
     "PDF-en har {n} sider, mer enn grensen på {max} — del den opp"),
    (r"is (?P<what>[^,]+), not PDF, HTML or text",
     "filen er ikke PDF, HTML eller tekst ({what}) — konverter den til PDF"),
    (r"binary data, not PDF", "filen er ikke PDF, HTML eller tekst — konverter den til PDF"),
    (r"UTF-16 mark but is not UTF-16", "tekstfilen har feil tegnkoding — lagre den som UTF-8"),
    (r"no text layer and OCR is unavailable",
     "skannet dokument uten tekstlag, og OCR er ikke installert — installer tesseract-ocr-nor og les inn på nytt"),
    (r"pages? (?P<pages>[\d, –-]+) ha(?:ve|s) no text layer",
     "side {pages} har ikke tekstlag og ble ikke OCR-lest — installer tesseract-ocr-nor og les inn på nytt"),
    (r"no text found in the document", "fant ingen tekst i dokumentet — sjekk at det er riktig fil"),
    (r"sectioning failed", "inndelingen i avsnitt feilet; teksten er søkbar — meld fra til drift (se loggen)"),
    (r"finding extraction failed", "uttrekket av funn feilet; teksten er søkbar — meld fra til drift (se loggen)"),
    (r"chunking failed", "dokumentet kunne ikke deles opp for søk — meld fra til drift (se loggen)"),
    (r"removed at the source \(HTTP (?P<code>\d+)\)", "fjernet hos kilden (HTTP {code})"),
    (r"removed at the source", "fjernet hos kilden"),
    (r"could not fetch", "kunne ikke hentes — sjekk adressen og nettet; prøves igjen ved neste innlesing"),
    (r"OCR failed|tesseract", "OCR-lesingen feilet — sjekk tesseract-installasjonen og les inn på nytt"),
    (r"reader bug|Error:|Exception", "dokumentet kunne ikke leses på grunn av en feil i saksfinn — meld fra til drift"),
))


ADVICE = re.compile(r"^(fetch it again|convert it to PDF( first)?|split it or raise max_pages)$", re.IGNORECASE)
"""The English advice after "; " in a reader's reason: its rule's Norwegian text already says it."""


def in_norwegian(reason: str | None) -> str:
    """The Norwegian text for an English ``reason``; several reasons joined by "; " each translated
    (a part that is only the advice of the one before it is dropped)."""
    if not reason:
        return ""
    parts = [p.strip() for p in reason.split("; ") if p.strip()]
    kept = [p for i, p in enumerate(parts) if not (i and ADVICE.match(p))]
    return "; ".join(dict.fromkeys(_one(p) for p in kept))


def _one(reason: str) -> str:
    for pattern, text in RULES:
        m = pattern.search(reason)
        if m:
            return text.format(**{k: (v or "").strip() for k, v in m.groupdict().items()})
    return reason
