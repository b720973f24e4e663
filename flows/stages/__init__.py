"""The ingestion stages as plain functions over a batch of work items.

Each stage takes the items still alive, calls library code (extractors, index) for
each, and turns any failure into a recorded status on that item — one document's
problem never stops the batch. ``flows/ingest.py`` wraps these as Prefect tasks.

The stages live by concern: ``work`` (the work item, batch and versions), ``triage``
(hashing, new/changed/unchanged/restored/duplicate), ``reading`` (read, analyse, extract,
chunk), ``embedding`` (passage vectors before extraction, for pooled prose features) and ``storing`` (store, record fetch failures, withdraw what is gone).
"""

from saksfinn.flows.stages.embedding import EmbedOptions, embed_passages
from saksfinn.flows.stages.reading import ProseOptions, analyse, chunk, extract, load_stored, read
from saksfinn.flows.stages.storing import record_fetch_failures, store_items, withdraw_missing
from saksfinn.flows.stages.triage import hash_files, triage
from saksfinn.flows.stages.work import Batch, Versions, Work, one_line, source_municipality

__all__ = ["Batch", "EmbedOptions", "ProseOptions", "Versions", "Work", "analyse", "chunk", "embed_passages", "extract", "hash_files", "load_stored", "one_line", "read",
           "record_fetch_failures", "source_municipality", "store_items", "triage", "withdraw_missing"]
