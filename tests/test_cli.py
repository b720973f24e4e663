"""The CLI is a thin shell: every command has help; expected errors are one line, exit 1."""

from __future__ import annotations

import json

import click
import pytest
import typer.main
from typer.testing import CliRunner

from saksfinn.cli import app

runner = CliRunner()


def _commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in group.commands.items():
        out.append(prefix + (name,))
        if isinstance(cmd, click.Group):
            out.extend(_commands(cmd, prefix + (name,)))
    return out


COMMANDS = _commands(typer.main.get_command(app))


def test_all_verbs_exist():
    names = {c[0] for c in COMMANDS}
    assert {"ingest", "status", "search", "export", "show", "serve", "schedule", "watch"} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    assert len(result.output.strip().splitlines()) > 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "/definitely/not/here"], "fant ikke filen eller mappen /definitely/not/here — sjekk stien"),
        (["export", "--format", "docx"], "ukjent format «docx» — bruk jsonl, csv, xlsx, parquet"),
        (["watch", "remove", "w0000000000"], "fant ikke noe lagret søk «w0000000000»"),
        (["export", "--since", "17.13.2026"], "et år (2025) eller en dato"),
        (["show", "deadbeefdeadbeef"], "fant ikke noe dokument «deadbeefdeadbeef»"),
        (["search", "heltid"], "søkeindeksen er ikke bygget ennå — kjør `saksfinn ingest MAPPE` først"),
    ],
)
def test_expected_errors_are_one_line(home, args, message):
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_status_json_on_empty_home(home):
    result = runner.invoke(app, ["status", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["documents"] == 0 and report["sources"] == [] and report["runs"] == []
