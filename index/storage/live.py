"""Which stored documents are searchable: live (``models.LIVE_STATUSES``, settled by
:mod:`~saksfinn.index.storage.lifecycle`) and no alternate format of another (``twin_of``, set by
:mod:`~saksfinn.index.storage.twins`). The one definition every query of the store uses, so
search, exports and counts agree.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from saksfinn.index.storage import tables as t
from saksfinn.models import LIVE_STATUSES

LIVE = sorted(s.value for s in LIVE_STATUSES)


def searchable() -> tuple[Any, ...]:
    """The conditions on ``documents`` rows that make a document searchable."""
    docs = t.documents.c
    return docs.status.in_(LIVE), docs.twin_of.is_(None)


def searchable_ids() -> Any:
    """``SELECT document_id`` of the searchable documents, for ``IN (…)`` filters."""
    return select(t.documents.c.document_id).where(*searchable())
