"""The CLI and the API share one vocabulary (saksfinn/vocabulary.py): an unknown type,
polarity, document type, theme or municipality, a bad date, an inverted range or a bad
number is one Norwegian line naming what is allowed, exit 1 — never "Ingen treff."."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saksfinn import vocabulary as vocab
from saksfinn.cli import app
from saksfinn.index.storage.store import Store
from saksfinn.models import DocStatus
from saksfinn.models.errors import InvalidValueError
from saksfinn.settings import get_settings
from tests.factories import make_chunks, make_document

runner = CliRunner()


def one_line_error(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert "╭" not in result.output and "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["search", "heltid", "--type", "experiance"],
         ["ukjent type «experiance»", "mente du experience?", "passage, decision, goal, experience, project"]),
        (["search", "heltid", "--polarity", "positiv"], ["ukjent polaritet «positiv»", "positive, negative"]),
        (["search", "heltid", "--doc-type", "saksframleg"], ["mente du saksfremlegg?", "møteprotokoll"]),
        (["search", "heltid", "--theme", "turnus"], ["ukjent tema «turnus»", "heltid", "sykefravaer"]),
        (["search", "heltid", "-m", "Stenkjer"], ["ukjent kommune «Stenkjer»", "mente du Steinkjer?"]),
        (["search", "heltid", "--mode", "magisk"], ["ukjent søkemodus", "hybrid, bm25, dense"]),
        (["search", "heltid", "--since", "20x5"], ["--since må være et år (2025) eller en dato"]),
        (["search", "heltid", "--until", "31.02.2025"], ["--until må være et år"]),
        (["search", "heltid", "--since", "2026", "--until", "2020"], ["--since (2026) er etter --until (2020)"]),
        (["search", "heltid", "--since", "2025-06-01", "--until", "2025-05-31"], ["er etter --until"]),
        (["search", "heltid", "-n", "0"], ["--top må være mellom 1 og 100"]),
        (["search", "heltid", "-n", "mange"], ["Feil:", "--top"]),
        (["search", "heltid", "--bogus"], ["Feil:", "--bogus"]),
        (["export", "--type", "passage"], ["ukjent funntype «passage»", "decision, goal, experience, project"]),
        (["export", "-m", "Bærumm"], ["mente du Bærum?"]),
        (["search", "heltid", "--min-confidence", "85"], ["--min-confidence må være mellom 0 og 1", "ikke 85"]),
        (["export", "--min-confidence", "-0.2"], ["--min-confidence må være mellom 0 og 1"]),
        (["export", "--min-confidence", "nan"], ["--min-confidence må være mellom 0 og 1"]),
        (["watch", "add", "heltid", "-m", "Levangr"], ["mente du Levanger?"]),
        (["watch", "add", "heltid", "--type", "vedtak"], ["ukjent type «vedtak»"]),
    ],
)
def test_unknown_values_are_one_line_listing_the_valid_ones(home, args, says):
    line = one_line_error(args)
    for part in says:
        assert part in line


def test_known_values_in_any_spelling_pass_the_check(home):
    # the check passes, so the command reaches the (missing) index instead of refusing
    line = one_line_error(["search", "heltid", "-m", "steinkjer", "--theme", "sykefravær", "--type", "Experience",
                           "--since", "01.03.2025", "--until", "2025"])
    assert "søkeindeksen er ikke bygget ennå" in line


def test_ingest_accepts_only_known_municipalities(home, tmp_path, monkeypatch):
    monkeypatch.setenv("SAKSFINN_ORCHESTRATOR", "local")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "sak.txt").write_text("Saksframlegg\n\nInnstilling til vedtak:\n1. Heltidskultur videreføres.\n",
                                  encoding="utf-8")
    line = one_line_error(["ingest", str(docs), "-m", "Voldaa"])
    assert "mente du Volda?" in line and "--new-municipality" in line
    settings = get_settings()
    assert not Store(settings.db_url).documents(), "a refused ingest must not store anything"

    result = runner.invoke(app, ["ingest", str(docs), "-m", "volda", "--json"])
    assert result.exit_code == 0, result.output
    assert [o["municipality"] for o in json.loads(result.stdout)["outcomes"]] == ["Volda"]

    (docs / "sak.txt").write_text("Saksframlegg\n\nEn annen sak.\n", encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(docs), "-m", "Nykommune", "--new-municipality", "--json"])
    assert result.exit_code == 0, result.output
    # now the archive knows it, so searching and exporting by it is allowed
    assert runner.invoke(app, ["export", "-m", "nykommune"]).exit_code == 0


def test_show_with_an_ambiguous_prefix_lists_the_candidates(home):
    settings = get_settings()
    store = Store(settings.db_url, files_dir=settings.files_dir)
    ids = []
    for n in range(17):  # 17 ids over 16 hex digits: two share their first digit
        doc = make_document("Levanger", source=f"/srv/docs/sak{n}.pdf")
        store.save_document(doc, status=DocStatus.INGESTED, reason=None, findings=[], chunks=make_chunks(doc),
                            reader_version="t", findings_version="t", themes=(), data=f"%PDF {n}".encode())
        ids.append(doc.document_id)
    first = next(c for c in "0123456789abcdef" if sum(i.startswith(c) for i in ids) > 1)
    sharing = sorted(i for i in ids if i[0] == first)
    line = one_line_error(["show", first])
    assert "tvetydig" in line and f"{len(sharing)} dokumenter" in line
    for document_id in sharing[:8]:
        assert document_id[:12] in line
    unique = next(i for i in ids if sum(j.startswith(i[:8]) for j in ids) == 1)
    result = runner.invoke(app, ["show", unique[:8]])
    assert result.exit_code == 0 and unique in result.output.replace("\n", "")


@pytest.mark.parametrize("command", [["search"], ["export"], ["ingest"], ["watch", "add"]])
def test_help_lists_allowed_values_without_type_noise(command):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    assert "<str>" not in result.output and "<bool>" not in result.output and "<int" not in result.output
    if command != ["ingest"]:
        assert "decision, goal, experience, project" in result.output
    if command in (["search"], ["export"]):
        assert "sykefravaer" in result.output


@pytest.mark.parametrize(
    ("since", "until", "start", "end"),
    [("2025", None, "2025-01-01", None), (None, "2025", None, "2025-12-31"),
     ("01.03.2025", "2025-03-31", "2025-03-01", "2025-03-31"), ("2025", "2025", "2025-01-01", "2025-12-31")],
)
def test_periods_from_years_or_dates(since, until, start, end):
    p = vocab.period(since, until)
    assert (str(p.start) if p.start else None, str(p.end) if p.end else None) == (start, end)


def test_every_gazetteer_municipality_is_known_in_any_case():
    names = vocab.known_municipalities()
    assert len(names) > 400 and names.index("Åsnes") > names.index("Ørland") > names.index("Vågå")
    for name in names:
        assert vocab.municipality(name.upper()) in names
    with pytest.raises(InvalidValueError):
        vocab.municipality("Ikkeeksisterendeby")
