"""What the CLI prints for people and for pipes: plain lines when stdout is not a terminal
(no wrapping, no cut ids or paths, no colour codes), ``show --json`` in full, ``watch list``
as a table and as JSON, saved searches named by their query with Norwegian plurals, and
failure reasons in Norwegian that say what to do."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saksfinn.cli import app
from saksfinn.extractors.read import read_document
from saksfinn.flows.ingest import run_ingest
from saksfinn.flows.reasons import in_norwegian
from saksfinn.flows.report import new_documents, render_html, render_markdown
from saksfinn.flows.watches import add_watch
from saksfinn.index.storage.store import Store
from saksfinn.models import IngestRun
from saksfinn.models.errors import ReadError
from saksfinn.settings import get_settings
from tests.badfiles import make_bad_files

runner = CliRunner()
OSLO = dt.timezone(dt.timedelta(hours=1))


@pytest.fixture(scope="module")
def sample_home(tmp_path_factory, sample_corpus):
    """The sample corpus under a deliberately long path, ingested with two saved searches."""
    base = tmp_path_factory.mktemp("output") / ("et-svært-langt-mappenavn-for-kommunale-saksdokumenter-" * 2)
    shutil.copytree(sample_corpus, base / "dokumenter")
    settings = get_settings(home=base / "home", embedder="hash", orchestrator="local")
    store = Store(settings.db_url, files_dir=settings.files_dir)
    add_watch(store, "sykefravær")
    add_watch(store, "heltidskultur", municipality="Steinkjer")
    run = run_ingest([str(base / "dokumenter")], settings)
    return settings, store, run


@pytest.fixture()
def cli_env(sample_home, monkeypatch):
    settings, store, run = sample_home
    monkeypatch.setenv("SAKSFINN_HOME", str(settings.home))
    monkeypatch.setenv("SAKSFINN_EMBEDDER", "hash")
    monkeypatch.setenv("SAKSFINN_ORCHESTRATOR", "local")
    return settings, store, run


def invoke(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    assert "\x1b[" not in result.output, "colour codes in piped output"
    return result.stdout


def test_piped_status_keeps_run_ids_whole_and_prints_tab_separated_tables(cli_env):
    _, _, run = cli_env
    out = invoke("status")
    assert "…" not in out and "╭" not in out and "┃" not in out
    runs = [line.split("\t") for line in out.splitlines() if line.startswith(run.run_id)]
    assert runs and runs[0][0] == run.run_id
    header = next(line for line in out.splitlines() if line.startswith("Kommune\t"))
    assert header.split("\t")[1:3] == ["lest", "delvis lest"]


def test_status_report_speaks_bokmal_throughout(cli_env):
    """The report the secretariat reads each morning is Norwegian, like the ingest report."""
    out = invoke("status").splitlines()
    summary = out[0]
    assert " søkbare dokumenter fra " in summary and " kilder: " in summary
    assert "ingested" not in summary and "lest" in summary, "statuses are shown by their Norwegian labels"
    runs_header = next(line for line in out if line.startswith("Kjøring\t"))
    assert runs_header.split("\t") == ["Kjøring", "Startet", "nye", "endret", "uendret", "feilet", "trukket tilbake"]
    assert out[-1].startswith("Klar til søk:")
    english = {"searchable", "sources", "Run", "Started", "Ready", "withdrawn", "unchanged"}
    assert not english & set(" ".join(out).replace("\t", " ").split())


def test_piped_search_keeps_long_source_paths_on_one_line(cli_env):
    out = invoke("search", "sykefravær", "-n", "5")
    hits = json.loads(invoke("search", "sykefravær", "-n", "5", "--json"))
    assert hits
    for hit in hits:
        assert len(hit["source"]) > 120
        assert any(line.strip() == f"{hit['source']}#page={hit['page']}" for line in out.splitlines())


def test_show_json_has_every_finding_in_full(cli_env):
    _, store, _ = cli_env
    longest = max(store.findings(), key=lambda f: len(f.text))
    assert len(longest.text) > 300, "the sample corpus should have a long finding"
    shown = json.loads(invoke("show", longest.document_id[:10], "--json"))
    assert shown["document_id"] == longest.document_id
    stored = {f.finding_id: f.model_dump(mode="json") for f in store.findings(document_id=longest.document_id)}
    assert {f["finding_id"]: f for f in shown["findings"]} == stored
    # and the plain view on a pipe does not cut it either
    text = " ".join(longest.text.split())
    assert text in invoke("show", longest.document_id)


def test_watch_list_as_table_and_json(cli_env):
    out = invoke("watch", "list")
    lines = [line.split("\t") for line in out.splitlines()]
    assert lines[0] == ["Id", "Søk", "Kommune", "Type", "Lagret"]
    assert {(row[1], row[2]) for row in lines[1:]} == {("sykefravær", ""), ("heltidskultur", "Steinkjer")}
    rows = json.loads(invoke("watch", "list", "--json"))
    assert {r["query"] for r in rows} == {"sykefravær", "heltidskultur"}
    assert all(r["watch_id"] in out for r in rows)


@pytest.mark.parametrize(("n", "words"), [(0, "0 nye dokumenter"), (1, "1 nytt dokument"), (2, "2 nye dokumenter"),
                                          (21, "21 nye dokumenter")])
def test_norwegian_plural_of_new_documents(n, words):
    assert new_documents(n) == words


def test_reports_name_saved_searches_by_their_query(cli_env):
    _, _, run = cli_env
    assert run.watch_matches, "the sample corpus should match a saved search"
    for watch_id, ids in run.watch_matches.items():
        name = run.watch_names[watch_id]
        assert name.startswith("«") and watch_id not in name
        assert f"**{name}**: {new_documents(len(ids))}" in render_markdown(run)
    one = IngestRun(run_id="r", started=dt.datetime(2026, 3, 1, tzinfo=OSLO), watch_matches={"w1": ["d" * 64]},
                    watch_names={"w1": "«heltid» (kommune Steinkjer)"})
    assert "«heltid» (kommune Steinkjer)</b>: 1 nytt dokument" in render_html(one)
    assert "nye dokument\n" not in render_markdown(one) and "1 nye" not in render_markdown(one)


BAD_FILE_REASONS = {
    "truncated": "PDF-en er skadet eller avkuttet — hent den på nytt",
    "corrupt": "PDF-en er skadet eller avkuttet — hent den på nytt",
    "empty": "filen er tom (0 byte) — hent den på nytt",
    "encrypted": "PDF-en er passordbeskyttet",
    "random_docx": "konverter den til PDF",
}


@pytest.mark.parametrize("kind", sorted(BAD_FILE_REASONS))
def test_failure_reasons_in_norwegian_say_what_to_do(tmp_path, kind):
    files = make_bad_files(tmp_path)
    path = files[kind]
    with pytest.raises(ReadError) as caught:
        read_document(path.read_bytes(), source=str(path), document_id="0" * 64)
    english = str(caught.value)
    norwegian = in_norwegian(english)
    assert BAD_FILE_REASONS[kind] in norwegian
    assert norwegian != english


@pytest.mark.parametrize(
    ("english", "norwegian"),
    [
        ("no text layer and OCR is unavailable (install tesseract-ocr-nor)", "installer tesseract-ocr-nor"),
        ("pages 3, 4 have no text layer and were not OCR'd", "side 3, 4 har ikke tekstlag"),
        ("removed at the source (HTTP 410)", "fjernet hos kilden (HTTP 410)"),
        ("could not fetch: ConnectError: timed out", "kunne ikke hentes — sjekk adressen"),
        ("PDF has 3001 pages, more than the limit of 2000; split it or raise max_pages",
         "PDF-en har 3001 sider, mer enn grensen på 2000 — del den opp"),
    ],
)
def test_stage_reasons_in_norwegian(english, norwegian):
    assert norwegian in in_norwegian(english)


@pytest.mark.parametrize(
    ("english", "norwegian"),
    [
        ("/k/tom.pdf is empty (0 bytes); fetch it again", "filen er tom (0 byte) — hent den på nytt"),
        ("/k/a.docx is a Word document, not PDF, HTML or text; convert it to PDF first",
         "filen er ikke PDF, HTML eller tekst (a Word document) — konverter den til PDF"),
        ("PDF has 3001 pages, more than the limit of 2000; split it or raise max_pages",
         "PDF-en har 3001 sider, mer enn grensen på 2000 — del den opp"),
        ("/k/tom.pdf is empty (0 bytes); fetch it again; could not fetch: timed out",
         "filen er tom (0 byte) — hent den på nytt; kunne ikke hentes — sjekk adressen og nettet; "
         "prøves igjen ved neste innlesing"),
    ],
)
def test_english_advice_after_a_translated_reason_is_not_repeated(english, norwegian):
    assert in_norwegian(english) == norwegian


def test_ingest_summary_is_norwegian(tmp_path, monkeypatch, sample_corpus):
    folder = tmp_path / "Bærum"
    shutil.copytree(sample_corpus / "Bærum", folder)
    (folder / "tom.pdf").write_bytes(b"")
    monkeypatch.setenv("SAKSFINN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SAKSFINN_EMBEDDER", "hash")
    monkeypatch.setenv("SAKSFINN_ORCHESTRATOR", "local")
    first = runner.invoke(app, ["ingest", str(folder)], env={"COLUMNS": "80"}).stdout
    assert first.startswith("Innlesing ") and "2 nye, 0 endret, 0 uendret" in first and "1 feilet" in first
    assert "  ny " in first and "  feilet " in first and "filen er tom (0 byte) — hent den på nytt" in first
    assert "Søkeindeks: " in first and "tekstbiter" in first
    again = runner.invoke(app, ["ingest", str(folder)], env={"COLUMNS": "80"}).stdout
    assert "0 nye, 0 endret, 2 uendret" in again
    for english in (" new,", " changed,", " unchanged", " withdrawn", "Search index", "chunks", "Run ", "fetch it"):
        assert english not in first + again, english


def test_output_cut_short_by_the_reader_ends_quietly(cli_env):
    """`saksfinn search … | head`: the reader closes the pipe; no traceback, exit 1."""
    import os
    import subprocess
    import sys

    settings, *_ = cli_env
    env = {**os.environ, "SAKSFINN_HOME": str(settings.home), "SAKSFINN_EMBEDDER": "hash"}
    code = "import sys; from saksfinn.cli import app; sys.argv = ['saksfinn', 'search', 'sykefravær', '-n', '20']; app()"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    proc.stdout.close()  # the reader is gone before the first line (a pipe buffer would hide a later close)
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in stderr and "AttributeError" not in stderr, stderr

