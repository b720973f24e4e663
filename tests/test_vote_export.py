"""``saksfinn export --type vote``: one row per votering, the peer's field names, a person-vote table."""

from __future__ import annotations

import csv
import io
import json

import pytest

from saksfinn.flows.ingest import run_ingest
from saksfinn.index.exports.votes import VOTE_COLUMNS, VoteFilters, person_table_path, vote_rows
from saksfinn.models.errors import SaksfinnError
from tests.ingest_helpers import invoke, local_settings, store_of, use_home
from tests.vote_docs import write_protocols


@pytest.fixture()
def ingested(home, tmp_path, monkeypatch):
    use_home(monkeypatch, home)
    write_protocols(tmp_path / "docs")
    run_ingest([str(tmp_path / "docs")], local_settings(home))
    return home


def test_jsonl_one_row_per_votering_with_lists(ingested, tmp_path):
    out = tmp_path / "votes.jsonl"
    invoke("export", "--type", "vote", "--format", "jsonl", "--out", str(out))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["municipality"], r["proposal_kind"], r["votes_for"], r["votes_against"], r["result"]) for r in rows] == [
        ("Levanger", "tilleggsforslag", 2, 3, "falt"),
        ("Levanger", "innstilling", 4, 1, "vedtatt"),
        ("Steinkjer", "innstilling", 3, 0, "vedtatt"),
    ]
    first = rows[0]
    assert list(first) == list(VOTE_COLUMNS) and first["type"] == "vote"
    assert (first["proposer"], first["party"], first["body"], first["meeting_date"], first["case_ref"]) == (
        "Håvard Lutdal", "H", "Kommunestyret", "2026-03-25", "sak 13/2026")
    assert first["text"].startswith("Levanger fotballklubb sender kvartalsrapporter")
    assert first["voters"][0] == {"name": "Håvard Lutdal", "party": "H", "vote": "for"}
    assert first["source"].endswith("2026_saksprotokoll_levanger.txt") and first["alternatives"] == []


def test_csv_writes_a_person_vote_table_with_people_merged_within_a_municipality(ingested, tmp_path):
    out = tmp_path / "votes.csv"
    invoke("export", "--type", "vote", "--format", "csv", "--out", str(out))
    votes = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    people = list(csv.DictReader(io.StringIO(person_table_path(out).read_text(encoding="utf-8-sig"))))
    assert len(votes) == 3 and votes[0]["voters"].startswith("Håvard Lutdal (H): for; Per Aunan (AP): for")
    assert len(people) == 5 + 5 + 3
    levanger = {(p["name"], p["person"]) for p in people if p["municipality"] == "Levanger"}
    assert ("Per Aunan", "Per Espen Aunan") in levanger  # same person, with and without middle name
    steinkjer = {(p["name"], p["person"]) for p in people if p["municipality"] == "Steinkjer"}
    assert ("Per Aunan", "Per Aunan") in steinkjer  # never merged across municipalities
    lutdal = [p["on_winning_side"] for p in people if p["name"] == "Håvard Lutdal"]
    assert lutdal == ["False", "True"]


def test_xlsx_and_parquet_have_both_tables(ingested, tmp_path):
    from openpyxl import load_workbook
    import pyarrow.parquet as pq

    invoke("export", "--type", "vote", "--format", "xlsx", "--out", str(tmp_path / "v.xlsx"))
    wb = load_workbook(tmp_path / "v.xlsx")
    assert wb.sheetnames == ["Voteringer", "Stemmer"] and wb["Voteringer"].max_row == 4 and wb["Stemmer"].max_row == 14
    invoke("export", "--type", "vote", "--format", "parquet", "--out", str(tmp_path / "v.parquet"))
    assert pq.read_table(tmp_path / "v.parquet").num_rows == 3
    assert pq.read_table(tmp_path / "v_stemmer.parquet").num_rows == 13


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (dict(municipality="steinkjer"), 1),
        (dict(party="SV"), 2),  # Siv Gjertrud Skjerve voted in both Levanger voteringer
        (dict(party="Høyre"), 2),  # proposer and voter
        (dict(person="Per Espen Aunan"), 2),  # incl. as "Per Aunan" in Levanger, not Steinkjer's Per Aunan
        (dict(person="per aunan"), 3),  # in both municipalities: in Levanger the same person as Per Espen Aunan
        (dict(person="Per Aunan", municipality="Steinkjer"), 1),
        (dict(result="falt"), 1),
        (dict(year=2026, body="kommunestyre"), 3),
        (dict(year=2025), 0),
    ],
)
def test_filters(ingested, filters, expected):
    assert len(vote_rows(store_of(ingested), VoteFilters.parse(**filters))) == expected


def test_bad_filters_are_one_line_errors():
    with pytest.raises(SaksfinnError):
        VoteFilters.parse(result="kanskje")
    with pytest.raises(SaksfinnError):
        VoteFilters.parse(year="tjue")
