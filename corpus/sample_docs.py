"""Source data for the sample corpus: every document as a list of typed blocks.

Fictional documents written for saksfinn (names of people, schools, projects and all
numbers are invented). ``make_corpus.py`` renders these blocks to PDF, plain text or
HTML, and writes the answer key from the findings attached to the same blocks, so the
key cannot drift from the documents.

A finding is a dict of fields named as in ``saksfinn.models.findings`` (``type`` is
``decision``, ``goal``, ``experience`` or ``project``). Its ``text`` defaults to the
text of the block (or list item) it is attached to; a finding may give its own
``text`` when it is one sentence of a longer paragraph.

The blocks live in ``sample_blocks.py``; the documents, by kind, in ``sample_saksframlegg.py``,
``sample_protocols.py`` and ``sample_reports.py``. This module lists them in corpus order.
"""

from __future__ import annotations

from sample_blocks import Block, Fields, Finding, Heading, Item, Items, PageBreak, Para, SampleDoc, Slide, Table
from sample_protocols import LEVANGER_PROTOKOLL, STEINKJER_PROTOKOLL
from sample_reports import HARSTAD_LEAN, HARSTAD_RAPPORT, LEVANGER_TERTIAL
from sample_saksframlegg import BAERUM_AREAL, BAERUM_HELTID, STEINKJER_SYKEFRAVAER, VOLDA_SKULE

__all__ = ["DOCUMENTS", "Block", "Fields", "Finding", "Heading", "Item", "Items", "PageBreak", "Para", "SampleDoc",
           "Slide", "Table"]

DOCUMENTS: tuple[SampleDoc, ...] = (
    BAERUM_HELTID,
    STEINKJER_SYKEFRAVAER,
    LEVANGER_PROTOKOLL,
    VOLDA_SKULE,
    HARSTAD_RAPPORT,
    HARSTAD_LEAN,
    LEVANGER_TERTIAL,
    STEINKJER_PROTOKOLL,
    BAERUM_AREAL,
)
