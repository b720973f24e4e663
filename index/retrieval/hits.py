"""Hits from ranked rows: each content once (a finding inside its passage, twins), highlighting."""

from __future__ import annotations

import re
from collections.abc import Sequence

from saksfinn.index.retrieval.analysis import Analyzer
from saksfinn.models.chunk import MARK_END, MARK_START, Chunk, Hit

_WORD = re.compile(r"\w+", re.UNICODE)
TWIN_MIN_WORDS = 20  # shorter texts may repeat in unrelated papers (a standard sentence)
TWIN_SIMILARITY = 0.7  # word-3-shingle Jaccard of two documents' texts that are one content
TWIN_SIMILARITY_SAME_TITLE = 0.5  # a PDF and its text export: extraction differs more
TWIN_SAME_WORDS = 8  # a shorter text is one content in two documents only when word for word the same
LABEL_WORDS = 6  # a first line this short above more text is a label ("Vedtak", "Kommunedirektørens forslag til vedtak:")
COPY_SHARE = 0.9  # of a hit's word-3-shingles inside a shown hit of another document: it adds nothing
REPEAT_SHARE = 0.8  # of the shorter text's word-3-shingles: one document saying the same thing twice
REPEAT_MIN_WORDS = 8  # shorter texts ("Saken tas til orientering.") recur for different cases of one protocol


def unique_texts(
    ranked: list[tuple[int, float]], chunks: list[Chunk], top: int
) -> tuple[list[tuple[int, float]], list[Chunk]]:
    """Each content once, in rank order.

    * A finding and the passage holding it (same document, the finding's span inside
      the passage's) are one hit at the pair's best place: the finding (kind, polarity,
      themes, id) shown with the passage's text as its context. Further findings of an
      already shown passage are dropped.
    * A hit whose text repeats an earlier hit of the same document is dropped (a
      decision that is both passage and finding with the same text keeps the finding).
      Documents with the same title count as one here: the PDF and the text export of
      one case paper would otherwise show every passage twice.
    * A hit that says again what a shown hit of the same document says (:func:`repeats`:
      the proposal and the decision that adopted it, a decision found twice, a passage
      straddling a finding's span) is folded into it, as a finding and its passage are.
    * A text of another document that is near-identical to a shown hit (:func:`is_twin`:
      a re-published or re-formatted copy) is dropped; the shown hit takes the copy's
      municipality when it has none. Twin documents are already one at ingestion; this
      catches different documents holding the same passage (a proposal quoted in its protocol);
      a hit whose text another document's shown hit holds (:func:`is_copy`) is dropped too.
    """
    slots: dict[tuple[str, str], int] = {}
    out: list[tuple[tuple[int, float], Chunk]] = []
    shingles: dict[str, frozenset[tuple[str, ...]]] = {}
    for item, chunk in zip(ranked, chunks):
        if merge_held(out, item, chunk):
            continue
        twin = next((i for i, (_, shown) in enumerate(out) if shows_again(shown, chunk, shingles)), None)
        if twin is not None:
            (row, score), shown = out[twin]
            if shown.municipality is None and chunk.municipality is not None:
                out[twin] = ((row, score), shown.model_copy(update={"municipality": chunk.municipality}))
            continue
        same = next((i for i, (_, shown) in enumerate(out) if repeats(shown, chunk, shingles)), None)
        if same is not None:
            (row, score), shown = out[same]
            if shown.type == "passage" and chunk.type != "passage":
                out[same] = ((row, score), finding_in_passage(chunk, shown))
            continue
        key = (chunk.title or chunk.document_id, comparable_text(chunk))
        if key in slots:
            first = slots[key]
            (row, score), shown = out[first]
            if shown.type == "passage" and chunk.type != "passage":
                out[first] = ((item[0], max(score, item[1])), chunk)
            continue
        slots[key] = len(out)
        out.append((item, chunk))
    out = _drop_twins(out, shingles)[:top]  # a finding that took its passage's text may now repeat a hit
    return [item for item, _ in out], [chunk for _, chunk in out]


def _drop_twins(out: list[tuple[tuple[int, float], Chunk]], cache: dict) -> list[tuple[tuple[int, float], Chunk]]:
    kept: list[tuple[tuple[int, float], Chunk]] = []
    for item, chunk in out:
        if not any(shows_again(shown, chunk, cache) for _, shown in kept):
            kept.append((item, chunk))
    return kept


def shingles(text: str) -> frozenset[tuple[str, ...]]:
    """The word-3-shingles of ``text`` (lower-cased ``\\w+`` words): every run of three
    consecutive words. Empty for a text of fewer than three words. The one measure of
    shared wording behind twins, copies and repeats, here and in ``evaluate``."""
    words = _WORD.findall(text.lower())
    return frozenset(tuple(words[i : i + 3]) for i in range(len(words) - 2))


def _shingles(chunk: Chunk, cache: dict[str, frozenset[tuple[str, ...]]]) -> frozenset[tuple[str, ...]]:
    found = cache.get(chunk.text)  # by text: a finding shown with its passage's text has the finding's id
    if found is None:
        found = cache[chunk.text] = shingles(chunk.text)
    return found


def shows_again(shown: Chunk, chunk: Chunk, cache: dict[str, frozenset[tuple[str, ...]]]) -> bool:
    """``chunk``, ranked below ``shown``, is content of another document already shown:
    a twin (:func:`is_twin`) or a copy (:func:`is_copy`)."""
    return is_twin(shown, chunk, cache) or is_copy(shown, chunk, cache)


def is_copy(shown: Chunk, chunk: Chunk, cache: dict[str, frozenset[tuple[str, ...]]] | None = None) -> bool:
    """``chunk`` is a copy of part of ``shown`` in another document — a saksframlegg's proposal
    quoted in the protocol's longer passage: at least :data:`TWIN_MIN_WORDS` words and
    :data:`COPY_SHARE` of its word-3-shingles in ``shown``. Not symmetric: a longer ``chunk``
    holding ``shown`` adds text of its own and stays."""
    if shown.document_id == chunk.document_id:
        return False
    cache = {} if cache is None else cache
    ss, sc = _shingles(shown, cache), _shingles(chunk, cache)
    return len(sc) >= TWIN_MIN_WORDS - 2 and len(sc & ss) >= COPY_SHARE * len(sc)


def is_twin(a: Chunk, b: Chunk, cache: dict[str, frozenset[tuple[str, ...]]] | None = None) -> bool:
    """``a`` and ``b`` are one content in two documents: both at least
    :data:`TWIN_MIN_WORDS` words and their word-3-shingle Jaccard similarity at least
    :data:`TWIN_SIMILARITY` — under the same title (a PDF and its text export) any
    length and :data:`TWIN_SIMILARITY_SAME_TITLE`. Shorter texts, one of them a decision,
    are twins when, below a label line each may have ("Kommunedirektørens forslag til
    vedtak:" / "Vedtak"), one is word for word the other and at least :data:`TWIN_SAME_WORDS`
    words: a proposal and the decision that adopted it ("Saken tas til orientering." is no twin;
    other short findings may repeat a standard phrase in unrelated papers)."""
    if a.document_id == b.document_id:
        return False
    cache = {} if cache is None else cache
    sa, sb = _shingles(a, cache), _shingles(b, cache)
    same_title = bool(a.title) and a.title == b.title
    if not sa or not sb:
        return False
    if not same_title and min(len(sa), len(sb)) < TWIN_MIN_WORDS - 2:
        if "decision" not in (a.type, b.type):
            return False
        body = _body_words(a.text)
        return len(body) >= TWIN_SAME_WORDS and body == _body_words(b.text)
    threshold = TWIN_SIMILARITY_SAME_TITLE if same_title else TWIN_SIMILARITY
    return len(sa & sb) >= threshold * len(sa | sb)


def repeats(a: Chunk, b: Chunk, cache: dict[str, frozenset[tuple[str, ...]]] | None = None) -> bool:
    """``b`` says again what ``a`` says in the same document: at least
    :data:`REPEAT_SHARE` of the shorter text's word-3-shingles are the other's, and the shorter
    has at least :data:`REPEAT_MIN_WORDS` words."""
    if a.document_id != b.document_id:
        return False
    cache = {} if cache is None else cache
    sa, sb = _shingles(a, cache), _shingles(b, cache)
    shorter = min(len(sa), len(sb))
    return shorter >= REPEAT_MIN_WORDS - 2 and len(sa & sb) >= REPEAT_SHARE * shorter


def _body_words(text: str) -> list[str]:
    """The lower-case words of ``text`` below a first line of at most :data:`LABEL_WORDS` words."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and len(_WORD.findall(lines[0])) <= LABEL_WORDS:
        lines = lines[1:]
    return _WORD.findall(" ".join(lines).lower())


def contains(outer: Chunk, inner: Chunk) -> bool:
    return outer.document_id == inner.document_id and inner.end > inner.start and outer.start <= inner.start and inner.end <= outer.end


def merge_held(out: list[tuple[tuple[int, float], Chunk]], item: tuple[int, float], chunk: Chunk) -> bool:
    """Fold ``chunk`` into a shown hit when one holds the other (see :func:`unique_texts`);
    True when it was folded (or dropped as already shown)."""
    for i, ((row, score), shown) in enumerate(out):
        if chunk.type != "passage" and contains(shown, chunk):
            if shown.type == "passage":
                out[i] = ((item[0], max(score, item[1])), finding_in_passage(chunk, shown))
            return True
        if chunk.type == "passage" and shown.type != "passage" and contains(chunk, shown) and shown.end - shown.start < chunk.end - chunk.start:
            out[i] = ((row, score), finding_in_passage(shown, chunk))
            return True
    return False


def finding_in_passage(finding: Chunk, passage: Chunk) -> Chunk:
    return finding.model_copy(
        update={"text": passage.text, "start": passage.start, "end": passage.end, "page": passage.page,
                "page_end": passage.page_end, "section": passage.section or finding.section, "context": passage.context}
    )


def comparable_text(chunk: Chunk) -> str:
    """The chunk's words, lower-cased, without a leading copy of its section heading."""
    words = _WORD.findall(chunk.text.lower())
    heading = _WORD.findall((chunk.section or "").lower())
    if heading and words[: len(heading)] == heading and len(words) > len(heading):
        words = words[len(heading) :]
    return " ".join(words)


def highlight(text: str, analyzer: Analyzer, terms: Sequence[str]) -> str:
    """``text`` with every word that matches a query term (by stem or compound part) between
    :data:`~saksfinn.models.chunk.MARK_START` and ``MARK_END``."""
    wanted = set(terms)
    if not wanted:
        return text
    out: list[str] = []
    pos = 0
    for m in _WORD.finditer(text):
        word = m.group().lower()
        # lenient split: a word is marked when a known part matches, even if its other part is unknown
        if not analyzer.words(word) or not wanted.intersection(analyzer.terms_of_word(word, query=True)):
            continue
        out.append(text[pos : m.start()])
        out.append(f"{MARK_START}{m.group()}{MARK_END}")
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def make_hit(rank: int, score: float, chunk: Chunk, scores: dict[str, float], analyzer: Analyzer, terms: list[str]) -> Hit:
    return Hit(
        rank=rank,
        score=score,
        text=chunk.text,
        highlighted=highlight(chunk.text, analyzer, terms),
        document_id=chunk.document_id,
        title=chunk.title,
        municipality=chunk.municipality,
        doc_type=chunk.doc_type,
        date=chunk.date,
        page=chunk.page,
        page_end=chunk.page_end if chunk.page_end and chunk.page_end > chunk.page else None,
        section=chunk.section,
        type=chunk.type,
        polarity=chunk.polarity,
        themes=chunk.themes,
        chunk_id=chunk.chunk_id,
        finding_id=chunk.finding_id,
        extractor=chunk.extractor,
        confidence=chunk.confidence,
        scores=scores,
    )