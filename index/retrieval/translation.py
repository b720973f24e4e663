"""A query in the other written standard: Nynorsk ↔ Bokmål machine translation by Apertium.

Why Apertium: ``apertium-nno-nob`` (Debian/Ubuntu package) is a well-kept rule-based
translation pair between the two written standards — a full morphological analyser,
tagger, bilingual dictionary and generator for each, so *tilsette* → *ansatte*,
*sjukefråvær* → *sykefravær*, *korleis* → *hvordan* and the inflections come from
dictionaries rather than the hand-made spelling rules of
:mod:`~saksfinn.index.retrieval.written_standards`. It runs locally (no model
weights, nothing downloaded), in a few milliseconds per query once started.

:class:`ApertiumTranslator` keeps one pipeline per direction running in Apertium's
*null-flush* mode (each request ends with a NUL byte and every stage flushes on it), so a
query costs ~5 ms instead of the ~0.3 s of starting ``apertium`` each time.
:class:`QueryTranslator` decides which standard a query is written in — the direction
whose analyser knows more of its words (Apertium marks the words it does not know with
``*``) — and returns the query in the other one, cached per query.

Failures never reach the user: Apertium missing, a pipeline that dies or does not answer
within the timeout → :meth:`QueryTranslator.other_standard` returns ``None`` (search
then uses the counterpart tables alone, as before), logged once as a warning.
"""

from __future__ import annotations

import logging
import os
import re
import select
import shutil
import signal
import subprocess
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

log = logging.getLogger(__name__)

Direction = Literal["nno-nob", "nob-nno"]
DIRECTIONS: tuple[Direction, Direction] = ("nno-nob", "nob-nno")
MODES_DIR = Path("/usr/share/apertium/modes")
TIMEOUT_SECONDS = 2.0  # per request; a first request also starts the pipeline (~0.5 s)
CACHE_SIZE = 2048
MAX_FAILURES = 3  # a pipeline that failed this many times in a row is not started again

_UNSAFE = re.compile(r"[^\w\s\-.,:;!?()%&+'\"]+")  # Apertium's stream format reserves []^$/\@*#<>{}
_MARKED = re.compile(r"(?<!\w)[*#@](?=\w)")


class Translator(Protocol):
    """Machine translation of a short text. ``translate`` returns Apertium's raw output
    (unknown words marked ``*word``, ungenerated ``#word``, untranslated ``@word``) or
    ``None`` when translation failed."""

    def translate(self, text: str, direction: Direction) -> str | None: ...


@dataclass(frozen=True)
class OtherStandard:
    """A query in the other written standard. ``source`` is the standard the query was
    judged to be written in (``nn`` Nynorsk, ``nb`` Bokmål); ``text`` the translation with
    Apertium's marks removed."""

    source: Literal["nn", "nb"]
    text: str


def safe_text(text: str) -> str:
    """``text`` with the characters Apertium's stream format reserves (and NUL, newlines)
    replaced by spaces, so it can be sent as plain text."""
    return " ".join(_UNSAFE.sub(" ", text.replace("\0", " ")).split())


def unknown_words(raw: str) -> int:
    """How many words of an Apertium output are marked unknown (``*``)."""
    return sum(1 for m in _MARKED.finditer(raw) if m.group() == "*")


def clean(raw: str) -> str:
    """An Apertium output without its ``*``/``#``/``@`` marks, whitespace normalised."""
    return " ".join(_MARKED.sub("", raw).split())


def pipeline_command(direction: Direction, modes_dir: Path = MODES_DIR) -> str | None:
    """The shell pipeline of ``direction`` in null-flush mode (``apertium-wblank-mode -z``
    over the installed mode file), or ``None`` when Apertium or the pair is not installed."""
    mode = modes_dir / f"{direction}.mode"
    if not mode.exists() or shutil.which("apertium-wblank-mode") is None or shutil.which("lt-proc") is None:
        return None
    try:
        out = subprocess.run(["apertium-wblank-mode", "-z", str(mode)], capture_output=True, text=True, timeout=10,
                             check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("apertium-wblank-mode failed: %s", exc)
        return None
    return out or None


class _Pipeline:
    """One running null-flush pipeline: write ``text\\n\\0``, read up to the next NUL."""

    def __init__(self, command: str) -> None:
        # $1 = the generator's mode (-g: keep the marks, we count and remove them), $2 = tagger option (none)
        self.proc = subprocess.Popen(["bash", "-c", command, "apertium", "-g", ""], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)

    def ask(self, text: str, timeout: float) -> str:
        proc = self.proc
        assert proc.stdin is not None and proc.stdout is not None
        # the trailing blank matters: lt-proc -b waits for what follows the last word before a NUL
        proc.stdin.write(text.encode("utf-8") + b"\n\0")
        proc.stdin.flush()
        fd, out, deadline = proc.stdout.fileno(), b"", time.monotonic() + timeout
        while not out.endswith(b"\0"):
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError(f"no answer within {timeout} s")
            chunk = os.read(fd, 65536)
            if not chunk:
                raise BrokenPipeError("pipeline ended")
            out += chunk
        return out.rstrip(b"\0").decode("utf-8", errors="replace").strip()

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait(timeout=2)


class ApertiumTranslator:
    """:class:`Translator` over Apertium's installed pairs, one persistent pipeline per
    direction (started at the first request, restarted after a failure, given up after
    :data:`MAX_FAILURES` failures in a row). Thread-safe; :meth:`close` ends the pipelines."""

    def __init__(self, *, timeout: float = TIMEOUT_SECONDS, modes_dir: Path = MODES_DIR) -> None:
        self.timeout = timeout
        self.modes_dir = modes_dir
        self._pipes: dict[str, _Pipeline] = {}
        self._failures: dict[str, int] = {}
        self._locks = {d: threading.Lock() for d in DIRECTIONS}
        self._warned = False

    @staticmethod
    def available(modes_dir: Path = MODES_DIR) -> bool:
        """Whether Apertium and both directions of the Nynorsk–Bokmål pair are installed."""
        return all(pipeline_command(d, modes_dir) for d in DIRECTIONS)

    def translate(self, text: str, direction: Direction) -> str | None:
        text = safe_text(text)
        if not text:
            return ""
        with self._locks[direction]:
            if self._failures.get(direction, 0) >= MAX_FAILURES:
                return None
            try:
                pipe = self._pipes.get(direction)
                if pipe is None:
                    command = pipeline_command(direction, self.modes_dir)
                    if command is None:
                        raise FileNotFoundError(f"Apertium pair {direction} not installed (apt-get install apertium-nno-nob)")
                    pipe = self._pipes[direction] = _Pipeline(command)
                answer = pipe.ask(text, self.timeout)
            except (OSError, ValueError, TimeoutError) as exc:
                self._fail(direction, exc)
                return None
            self._failures[direction] = 0
            return answer

    def _fail(self, direction: str, exc: Exception) -> None:
        self._failures[direction] = self._failures.get(direction, 0) + 1
        pipe = self._pipes.pop(direction, None)
        if pipe is not None:
            pipe.close()
        if isinstance(exc, FileNotFoundError):
            self._failures[direction] = MAX_FAILURES  # not installed: do not look again
        (log.debug if self._warned else log.warning)(
            "Apertium %s failed (%s): searching without machine translation of the query", direction, exc)
        self._warned = True

    def close(self) -> None:
        for direction in list(self._pipes):
            with self._locks[direction]:
                pipe = self._pipes.pop(direction, None)
                if pipe is not None:
                    pipe.close()

    def __del__(self) -> None:  # a pipeline outliving its translator would linger
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown: nothing left to report to
            pass


class QueryTranslator:
    """A query in the other written standard (:meth:`other_standard`), an LRU cache of
    ``cache_size`` queries in front of ``translator`` (``None``: always ``None``)."""

    def __init__(self, translator: Translator | None, *, cache_size: int = CACHE_SIZE) -> None:
        self.translator = translator
        self.cache_size = cache_size
        self._cache: OrderedDict[str, OtherStandard | None] = OrderedDict()
        self._lock = threading.Lock()

    def other_standard(self, query: str) -> OtherStandard | None:
        """``query`` translated into the standard it is not written in, or ``None`` (no
        translator, translation failed, or the translation equals the query).

        Both directions are asked; the query is in the standard whose analyser marks fewer
        of its words unknown (a tie: Nynorsk when the Nynorsk→Bokmål translation changes
        the query, else Bokmål)."""
        with self._lock:
            if query in self._cache:
                self._cache.move_to_end(query)
                return self._cache[query]
        result = self._translate(query)
        with self._lock:
            self._cache[query] = result
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return result

    def _translate(self, query: str) -> OtherStandard | None:
        if self.translator is None or not query.strip():
            return None
        raw = {d: self.translator.translate(query, d) for d in DIRECTIONS}
        if any(r is None for r in raw.values()):
            return None
        return choose(query, raw["nno-nob"] or "", raw["nob-nno"] or "")


def choose(query: str, to_bokmal: str, to_nynorsk: str) -> OtherStandard | None:
    """Which translation of ``query`` to use, from the raw outputs of both directions.

    The query is in the standard whose analyser marks fewer of its words unknown. Both
    analysers accept many words of the other standard, so that often ties; then it is in
    the standard whose translation *out of* it changes more words (translating a Bokmål
    query "from Nynorsk" leaves most of it alone), and Bokmål when that ties too (the
    common case, and misreading Bokmål as Nynorsk gives *et* → *spiser*)."""
    unknown_nn, unknown_nb = unknown_words(to_bokmal), unknown_words(to_nynorsk)
    words = safe_text(query).lower().split()
    nb_text, nn_text = clean(to_bokmal), clean(to_nynorsk)
    changed_nn, changed_nb = _changed(words, nb_text), _changed(words, nn_text)
    nynorsk = (unknown_nn, -changed_nn) < (unknown_nb, -changed_nb)
    source, text, changed = ("nn", nb_text, changed_nn) if nynorsk else ("nb", nn_text, changed_nb)
    return OtherStandard(source, text) if changed else None


def _changed(words: Sequence[str], translation: str) -> int:
    """How many of the query's ``words`` the translation does not hold."""
    out = set(translation.lower().split())
    return sum(1 for w in words if w not in out)


def translator_from(enabled: bool, timeout: float = TIMEOUT_SECONDS) -> QueryTranslator:
    """The query translator a setting asks for: Apertium when ``enabled`` (and installed),
    else one that never translates."""
    return QueryTranslator(ApertiumTranslator(timeout=timeout) if enabled else None)


def translations(translator: QueryTranslator | None, queries: Sequence[str]) -> list[OtherStandard | None]:
    """:meth:`QueryTranslator.other_standard` of each query (all ``None`` without a translator)."""
    return [translator.other_standard(q) if translator is not None else None for q in queries]
