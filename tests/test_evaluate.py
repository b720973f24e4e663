"""The search evaluation: judged query files, hard queries, bare headings and twin pairs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from saksfinn.index.retrieval.evaluate import is_bare_heading, load_queries, near_duplicate_text, repeat_pairs, twin_pairs
from saksfinn.index.retrieval.hits import is_copy, is_twin, shingles
from saksfinn.models import Hit
from saksfinn.models.chunk import Chunk

EVAL = Path(__file__).resolve().parents[1] / "eval"


def hit(rank: int, document_id: str, text: str) -> Hit:
    return Hit(rank=rank, score=1.0, text=text, document_id=document_id, page=1, type="passage", chunk_id=f"c{rank}")


@pytest.mark.parametrize(
    "text",
    [
        "Lean kontinuerlig forbedring som virksomhetsstrategi",
        "Ungdomsrådets behandling av sak 14/2026 i møte den 20.05.2026:",
        "Saksframlegg Tiltak mot sykefravær i skulane",
        "  ",
    ],
)
def test_titles_and_headings_alone_are_bare(text: str) -> None:
    assert is_bare_heading(text)


@pytest.mark.parametrize(
    "text",
    [
        "Forslag til vedtak ble enstemmig vedtatt.",
        "Tiltak mot sykefravær\nDet høye sykefraværet har ført til at kommunen vil gjennomføre tiltak.",
        "Skoleruta i Steinkjer kommune er lik skoleruta for Trøndelag fylkeskommune, og avvik fra den vil gi "
        "kommunen ekstraordinære skysskostnader som ingen budsjett har rom for i dag",
    ],
)
def test_content_is_not_bare(text: str) -> None:
    assert not is_bare_heading(text)


def test_twin_pairs_count_the_same_text_in_two_documents() -> None:
    text = "Kommunen vil gjennomføre tiltak for å redusere sykefraværet på utvalgte enheter i løpet av 2026."
    retyped = text.replace("2026.", "2026 .").replace("  ", " ")
    hits = [hit(1, "pdf", text), hit(2, "txt", retyped), hit(3, "pdf", "Helt annen tekst om boplikt på landbrukseiendom.")]
    assert near_duplicate_text(text, retyped)
    assert twin_pairs(hits, {}) == 1
    # a lower hit standing whole in a higher one of another document counts; the other way round does not
    longer = (text + " Tiltakene evalueres av arbeidsmiljøutvalget i desember, og resultatene legges fram for kommunestyret."
              " Hovedverneombudet deltar i arbeidet, og enhetslederne rapporterer fraværstallene hver måned til HR.")
    assert twin_pairs([hit(1, "protokoll", longer), hit(2, "saksframlegg", text + " Ny setning om sykefravær.")], {}) == 0
    quote = longer.split(" Tiltakene")[0] + " Tiltakene evalueres av arbeidsmiljøutvalget i desember."
    assert twin_pairs([hit(1, "protokoll", longer), hit(2, "saksframlegg", quote)], {}) == 1
    assert twin_pairs([hit(1, "saksframlegg", quote), hit(2, "protokoll", longer)], {}) == 0
    # the same document twice is grouping's business, not a twin pair
    assert twin_pairs([hit(1, "pdf", text), hit(2, "pdf", text)], {}) == 0


def test_repeat_pairs_count_one_document_saying_the_same_twice() -> None:
    proposal = "Kommunedirektørens forslag til vedtak: Formannskapet innvilger søknaden om skjenkebevilling for 2026."
    decision = "Vedtak: Formannskapet innvilger søknaden om skjenkebevilling for 2026."
    assert repeat_pairs([hit(1, "p", proposal), hit(2, "p", decision)]) == 1
    assert repeat_pairs([hit(1, "p", proposal), hit(2, "q", decision)]) == 0, "two documents: a twin question"
    # a protocol's standard sentence for two cases is two contents
    assert repeat_pairs([hit(1, "p", "Vedtak: Saken tas til orientering."), hit(2, "p", "Saken tas til orientering.")]) == 0


@pytest.mark.parametrize("name", ["queries.jsonl", "queries_heldout.jsonl", "queries_dev2.jsonl"])
def test_judged_query_files_are_well_formed(name: str) -> None:
    queries = load_queries(EVAL / name)
    assert len({q.id for q in queries}) == len(queries)
    assert all(q.relevant and q.query.strip() for q in queries)
    if name in ("queries_heldout.jsonl", "queries_dev2.jsonl"):
        assert len(queries) >= 40
        assert sum(q.is_hard for q in queries) * 3 >= len(queries)  # a third Nynorsk or paraphrase


@pytest.mark.parametrize("name", ["queries.jsonl", "queries_heldout.jsonl", "queries_dev2.jsonl"])
def test_every_judged_phrase_is_in_its_file(name: str, shared_corpus: Path) -> None:
    """A judgement that no text can satisfy would silently cap the score."""
    norm = lambda s: re.sub(r"\s+", " ", s).strip().lower()  # noqa: E731
    texts: dict[str, str] = {}
    for q in load_queries(EVAL / name):
        for j in q.relevant:
            if j.file not in texts:
                path = shared_corpus / j.file
                if path.suffix == ".pdf":
                    import pypdfium2

                    pdf = pypdfium2.PdfDocument(str(path))
                    texts[j.file] = norm(" ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf))))
                    pdf.close()
                else:
                    texts[j.file] = norm(path.read_text(encoding="utf-8", errors="replace"))
            assert norm(j.phrase) in texts[j.file], (q.id, j)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Saken tas til orientering.", {("saken", "tas", "til"), ("tas", "til", "orientering")}),
        ("Vedtak:  Godkjent\n\nSAKEN", {("vedtak", "godkjent", "saken")}),  # lower-cased, whitespace and marks ignored
        ("Behandling\n\n1)", set()),  # fewer than three words: no shingle, so never a twin, copy or repeat
        ("Godkjent.", set()),
        ("", set()),
    ],
)
def test_one_shingle_measure_for_search_and_evaluation(text: str, expected: set) -> None:
    assert shingles(text) == expected


def test_two_word_texts_are_no_twin_pair_as_search_keeps_them() -> None:
    """evaluate counts twins with the shingles hits.py drops them by, so a pair search keeps
    (two documents' "Behandling 1)") is not counted against it."""
    short = [hit(1, "protokoll-a", "Behandling\n\n1)"), hit(2, "protokoll-b", "Behandling\n\n1)")]
    assert not near_duplicate_text(short[0].text, short[1].text)
    assert twin_pairs(short, {}) == 0
    chunks = [Chunk(chunk_id=h.chunk_id, document_id=h.document_id, text=h.text, page=1, start=0, end=len(h.text))
              for h in short]
    assert not is_twin(*chunks) and not is_copy(*chunks)
