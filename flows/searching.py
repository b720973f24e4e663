"""Search as advisers use it (CLI, web, saved searches): the index, the query
embedder loaded once, and each hit's source filled in from the store."""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from rich.console import Console
from rich.markup import escape

from saksfinn.index.storage.store import Store
from saksfinn.models import Hit
from saksfinn.models.chunk import MARK_END, MARK_START
from saksfinn.models.errors import IndexNotBuiltError, SaksfinnError
from saksfinn.settings import Settings

log = logging.getLogger(__name__)
MAX_QUERY_CHARS = 500


def ranking_from_settings(settings: Settings) -> Any:
    """The :class:`~saksfinn.index.retrieval.ranking.Ranking` the ``search_*`` settings describe."""
    from saksfinn.index.retrieval.ranking import Fusion, Ranking

    return Ranking(
        fusion=Fusion(settings.search_fusion, rrf_k=settings.search_rrf_k, dense_weight=settings.search_dense_weight,
                      dense_floor_rank=settings.search_dense_floor_rank),
        counterpart_weight=settings.search_counterpart_weight,
        part_weight=settings.search_part_weight,
        k1=settings.search_bm25_k1,
        b=settings.search_bm25_b,
        feedback_docs=settings.search_feedback_docs,
        feedback_terms=settings.search_feedback_terms,
        feedback_weight=settings.search_feedback_weight,
        doc_weight=settings.search_document_lift,
        doc_depth=settings.search_document_lift_depth,
        pool=settings.search_pool,
        max_per_document=settings.search_max_per_document,
        lead_weight=settings.search_passage_lead,
        prose_weight=settings.search_passage_prose,
        coverage_weight=settings.search_passage_coverage,
        front_matter_demotion=settings.search_front_matter_demotion,
        passage_depth=settings.search_passage_depth,
        passage_within_document=settings.search_passage_within_document,
        translation=settings.search_translation,
        translation_weight=settings.search_translation_weight,
        translation_dense=settings.search_translation_dense,
        translation_dense_weight=settings.search_translation_dense_weight,
    )


class Searcher:
    """Loads the index and the embedder lazily; safe to share between threads."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings.db_url, files_dir=settings.files_dir)
        self._embedder: Any = None
        self._index: Any = None
        self._dense_ok: bool | None = None
        self._lock = threading.Lock()
        self._translator: Any = None

    def warm_up(self) -> None:
        """Load the index and, when dense search will be used, the query embedder, and
        encode one query so the first real one is as fast as the rest."""
        self._get_index()
        translator = self._get_translator()
        if translator is not None:
            translator.other_standard("oppvarming")  # starts Apertium's pipelines
        if self._dense_matches_index():
            self._get_embedder().encode_queries(["oppvarming"])

    @property
    def ready(self) -> bool:
        """Whether a search answers without loading anything first."""
        if self._index is None:
            return False
        return self._embedder is not None or self._dense_ok is False

    def _get_index(self) -> Any:
        from saksfinn.index.retrieval.search import SearchIndex

        with self._lock:
            if self._index is None:
                if not (self.settings.index_dir / "CURRENT").exists():
                    raise IndexNotBuiltError(
                        f"no search index in {self.settings.index_dir}; run `saksfinn ingest FOLDER` first"
                    )
                self._index = SearchIndex.open(self.settings.index_dir, ranking=ranking_from_settings(self.settings))
            return self._index

    def _get_translator(self) -> Any:
        """The query translator (:mod:`~saksfinn.index.retrieval.translation`), or ``None``
        when ``search_translation`` is off."""
        if not self.settings.search_translation:
            return None
        from saksfinn.index.retrieval.translation import translator_from

        with self._lock:
            if self._translator is None:
                self._translator = translator_from(True, self.settings.search_translation_timeout)
            return self._translator

    def _get_embedder(self) -> Any:
        from saksfinn.flows.indexing import query_embedder_from_settings

        with self._lock:
            if self._embedder is None:
                embedder = query_embedder_from_settings(self.settings)
                embedder.warm_up()
                self._embedder = embedder  # only once loaded: `ready` reads it without the lock
            return self._embedder

    def search(self, query: str, *, top: int = 10, mode: str = "hybrid", period: Any = None, **filters: Any) -> list[Hit]:
        """The ``top`` hits for ``query`` under ``filters`` (:class:`SearchFilters` fields).

        ``period`` (start/end dates, either ``None``) narrows to documents dated inside it; the
        index filters by its years, then hits are cut to the exact days.
        """
        from saksfinn.models.chunk import SearchFilters

        if period is not None and (period.start or period.end):
            filters = {**filters, "year_from": period.start.year if period.start else None,
                       "year_to": period.end.year if period.end else None}
            exact = (period.start is None or (period.start.month, period.start.day) == (1, 1)) and (
                period.end is None or (period.end.month, period.end.day) == (12, 31))
            if not exact:
                hits = self.search(query, top=min(top * 5, 500), mode=mode, **filters)
                kept = [h for h in hits if h.date is not None and period.contains(h.date)][:top]
                return [h.model_copy(update={"rank": i}) for i, h in enumerate(kept, 1)]

        query = " ".join(query.split())
        if not query:
            raise SaksfinnError("empty query")
        if len(query) > MAX_QUERY_CHARS:
            raise SaksfinnError(f"query longer than {MAX_QUERY_CHARS} characters")
        if mode not in ("hybrid", "bm25", "dense"):
            raise SaksfinnError(f"unknown search mode {mode!r}; use hybrid, bm25 or dense")
        index = self._get_index()
        if mode != "bm25" and not self._dense_matches_index():
            if mode == "dense":
                raise SaksfinnError("the index was embedded with another model; run `saksfinn ingest` again")
            mode = "bm25"
        translator = self._get_translator()
        other = translator.other_standard(query) if translator is not None else None
        qvec = other_vec = None
        if mode != "bm25":
            both = other is not None and index.ranking.translation_dense != "off"
            vecs = self._get_embedder().encode_queries([query, other.text] if both else [query])
            qvec, other_vec = vecs[0], (vecs[1] if both else None)
        hits = index.search(query, qvec, top=top, filters=SearchFilters(**filters), mode=mode, other=other,
                            other_vec=other_vec)
        return [self._with_source(h) for h in hits]

    def _dense_matches_index(self) -> bool:
        """Whether query vectors from the configured model fit the index's vectors.

        An index built with another embedder (say the hash fake, or e5 before a switch to
        a larger model) would return nonsense for dense search, however equal the
        dimensions; such searches use BM25 alone until ``saksfinn ingest`` re-embeds.
        """
        if self._dense_ok is None:
            from saksfinn.flows.indexing import index_fingerprint

            built = index_fingerprint(self.settings.index_dir) or {}
            wanted = {"embedder": self.settings.embedder, "model": self.settings.embedding_model}
            self._dense_ok = all(built.get(k, v) == v for k, v in wanted.items())
            if not self._dense_ok:
                log.warning(
                    "search index was embedded with %s (%s), settings say %s (%s): using BM25 only; "
                    "run `saksfinn ingest` to re-embed", built.get("embedder"), built.get("model"),
                    wanted["embedder"], wanted["model"],
                )
        return self._dense_ok

    def _with_source(self, hit: Hit) -> Hit:
        if hit.source:
            return hit
        row = self.store.document_row(hit.document_id)
        return hit.model_copy(update={"source": row["source"] if row else None})


_MARK = re.compile(f"{MARK_START}([^{MARK_END}]*){MARK_END}")


def render_hits(hits: list[Hit], console: Console) -> None:
    if not hits:
        console.print("Ingen treff.")
        return
    for hit in hits:
        where = " · ".join(
            x for x in (hit.municipality or "ukjent kommune", hit.title, f"s. {hit.pages}", hit.section) if x
        )
        kind = hit.type if hit.type == "passage" else f"{hit.type}{' ' + hit.polarity if hit.polarity else ''}"
        console.print(f"[bold]{hit.rank}.[/bold] [cyan]{escape(where)}[/cyan] [dim]({kind}, {hit.score:.3f})[/dim]")
        text = escape(" ".join((hit.highlighted or hit.text).split()))
        if len(text) > 400:
            text = text[:397] + "…"
        console.print("   " + _MARK.sub(r"[bold yellow]\1[/bold yellow]", text))
        if hit.source:
            console.print(f"   [dim]{escape(hit.source)}#page={hit.page}[/dim]")
