"""The lines that open a case in a protocol or saksframlegg, shared by the decision and the
votering extractors so both cut a text into the same cases.

``CASE_HEADER_RE``: ``Kommunestyrets behandling av sak 8/2026 i møte den 25.03.2026:`` (also
Nynorsk ``… sin handsaming av sak …``); groups ``body`` (genitive, as written), ``ref``
(``8/2026``) and ``date`` (``dd.mm.yyyy``, may be absent). ``CASE_REF_LINE_RE``: a line that is
only a case ref such as ``PTN-139/12`` or ``K - 112/12``; groups ``ref`` (as written) and
``number`` (``139/12``).
"""

from __future__ import annotations

import re

CASE_HEADER_RE = re.compile(
    r"^(?P<body>[A-ZÆØÅ][\wæøåÆØÅ .\-]{2,80}?)\s+(?:sin\s+|si\s+)?(?:behandling|handsaming)"
    r"\s+av\s+sak\s+(?P<ref>\d+/\d+)"
    r"(?:\s+i\s+møte\s+(?:den\s+)?(?P<date>\d{1,2}\.\d{1,2}\.\d{4}))?",
    re.IGNORECASE,
)
CASE_REF_LINE_RE = re.compile(r"^(?P<ref>[A-ZÆØÅ]{1,6}\s?-\s?(?P<number>\d+/\d+))\s*$")
