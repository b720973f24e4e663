"""Votes export: one row per votering, and for tabular formats a second table, one row per person-vote.

JSONL rows have the keys of :data:`VOTE_COLUMNS`; ``voters`` (``{name, party, vote}``),
``alternatives`` (``{label, count, voters, proposal_kind, proposer, party, text}``) and
``absent`` stay lists. CSV, XLSX and Parquet flatten those lists to text in the votes table
and add :data:`PERSON_COLUMNS` rows: CSV and Parquet as a second file next to ``out``
(``votes.csv`` → ``votes_stemmer.csv``), XLSX as a second sheet (*Stemmer*).

``person`` is the name a voter is known by within the municipality
(:func:`saksfinn.models.votes.merge_people`; never merged across municipalities);
``on_winning_side`` is ``None`` when the outcome is unknown.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from saksfinn.index.exports.export import parse_since
from saksfinn.index.storage.store import Store
from saksfinn.models.errors import SaksfinnError
from saksfinn.models.votes import Vote, merge_people, normalise_party

VOTE_COLUMNS = (
    "type", "vote_id", "document_id", "source", "title", "municipality", "body", "meeting_date", "year", "case_ref",
    "position", "proposal_kind", "proposer", "party", "text", "amends", "amends_vote_id", "decision_id",
    "votes_for", "votes_against", "unanimous", "result", "casting_vote", "adopted_alternative",
    "voters", "absent", "alternatives", "warning", "page", "start", "end", "extractor", "vote_text",
)  # fmt: skip
PERSON_COLUMNS = (
    "vote_id", "document_id", "municipality", "body", "meeting_date", "case_ref", "position", "proposal_kind",
    "result", "name", "person", "party", "vote", "on_winning_side",
)  # fmt: skip
FORMATS = ("jsonl", "csv", "xlsx", "parquet")
RESULTS = ("vedtatt", "falt")
_INT = {"year", "position", "votes_for", "votes_against", "page", "start", "end"}
_BOOL = {"unanimous", "casting_vote", "on_winning_side"}
_LISTS = {"voters", "absent", "alternatives"}


@dataclass(frozen=True)
class VoteFilters:
    municipality: str | None = None
    body: str | None = None
    party: str | None = None  # the proposer's or any voter's party (normalised: "Ap" finds "AP")
    person: str | None = None  # the proposer or any voter, as written or as merged
    year: int | None = None
    result: str | None = None
    since: dt.date | None = None
    case_ref: str | None = None
    document_id: str | None = None

    @classmethod
    def parse(cls, *, since: str | None = None, year: int | str | None = None, result: str | None = None,
              **values: Any) -> VoteFilters:
        if result is not None and result not in RESULTS:
            raise SaksfinnError(f"ukjent resultat {result!r}; bruk {' eller '.join(RESULTS)}")
        day = parse_since(since)
        try:
            number = int(year) if year not in (None, "") else None
        except ValueError:
            raise SaksfinnError(f"year must be a number, got {year!r}") from None
        return cls(since=day, year=number, result=result, **values)


def people_by_municipality(pairs: Iterable[tuple[Vote, dict[str, Any]]]) -> dict[str | None, dict[str, str]]:
    """{municipality: {name as written: person}} over the proposers and voters of ``pairs``."""
    names: dict[str | None, set[str]] = defaultdict(set)
    for vote, doc in pairs:
        bucket = names[doc.get("municipality")]
        bucket.update(v.name for v in vote.voters)
        if vote.proposer:
            bucket.add(vote.proposer)
        for alt in vote.alternatives:
            if alt.proposer:
                bucket.add(alt.proposer)
    return {municipality: merge_people(found) for municipality, found in names.items()}


def vote_rows(store: Store, filters: VoteFilters = VoteFilters()) -> list[dict[str, Any]]:
    """Voteringer of live documents with their document's metadata, filtered, in meeting order."""
    pairs = store.votes(document_id=filters.document_id, case_ref=filters.case_ref)
    people = people_by_municipality(pairs)
    rows = []
    for vote, doc in pairs:
        row = vote_row(vote, doc)
        if _keep(vote, row, filters, people.get(doc.get("municipality"), {})):
            rows.append(row)
    return rows


def vote_row(vote: Vote, doc: dict[str, Any]) -> dict[str, Any]:
    data = vote.model_dump(mode="json")
    return {
        "type": "vote", "vote_id": vote.vote_id, "document_id": vote.document_id, "source": doc.get("source"),
        "title": doc.get("title"), "municipality": doc.get("municipality"), "body": vote.body,
        "meeting_date": data["meeting_date"], "year": vote.meeting_date.year if vote.meeting_date else None,
        "case_ref": vote.case_ref, "position": vote.position, "proposal_kind": vote.proposal_kind,
        "proposer": vote.proposer, "party": vote.party, "text": vote.proposal_text, "amends": vote.amends,
        "amends_vote_id": vote.amends_vote_id, "decision_id": vote.decision_id, "votes_for": vote.votes_for,
        "votes_against": vote.votes_against, "unanimous": vote.unanimous, "result": vote.result,
        "casting_vote": vote.casting_vote, "adopted_alternative": vote.adopted_alternative,
        "voters": data["voters"], "absent": data["absent"], "alternatives": data["alternatives"],
        "warning": vote.warning, "page": vote.page, "start": vote.start, "end": vote.end,
        "extractor": vote.extractor, "vote_text": vote.text,
    }  # fmt: skip


def _keep(vote: Vote, row: dict[str, Any], filters: VoteFilters, people: dict[str, str]) -> bool:
    fold = str.casefold
    if filters.municipality and fold(row["municipality"] or "") != fold(filters.municipality):
        return False
    if filters.body and fold(filters.body) not in fold(vote.body or ""):
        return False
    if filters.result and vote.result != filters.result:
        return False
    if filters.year and row["year"] != filters.year:
        return False
    if filters.since and (vote.meeting_date is None or vote.meeting_date < filters.since):
        return False
    if filters.party:
        party = normalise_party(filters.party)
        if vote.party != party and all(v.party != party for v in vote.voters):
            return False
    if filters.person:
        wanted = fold(" ".join(filters.person.split()))
        # the person the name stands for in this municipality ("Per Aunan" → "Per Espen Aunan")
        wanted = next((fold(person) for name, person in people.items() if fold(name) == wanted), wanted)
        names = [v.name for v in vote.voters] + ([vote.proposer] if vote.proposer else [])
        if all(fold(people.get(n, n)) != wanted and fold(n) != wanted for n in names):
            return False
    return True


def person_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per person-vote of the vote ``rows``."""
    people = _people_of_rows(rows)
    out = []
    for row in rows:
        won = winner(row)
        for voter in row["voters"]:
            out.append({
                **{key: row[key] for key in PERSON_COLUMNS if key in row},
                "name": voter["name"], "person": people[row["municipality"]].get(voter["name"], voter["name"]),
                "party": voter["party"], "vote": voter["vote"],
                "on_winning_side": None if won is None else voter["vote"] == won,
            })  # fmt: skip
    return out


def _people_of_rows(rows: list[dict[str, Any]]) -> dict[str | None, dict[str, str]]:
    names: dict[str | None, set[str]] = defaultdict(set)
    for row in rows:
        names[row["municipality"]].update(v["name"] for v in row["voters"])
    return {municipality: merge_people(found) for municipality, found in names.items()}


def winner(row: dict[str, Any]) -> str | None:
    if row["alternatives"]:
        return row["adopted_alternative"]
    if row["result"] is None:
        return None
    return "for" if row["result"] == "vedtatt" else "mot"


def export_votes(store: Store, filters: VoteFilters, fmt: str, out: str | Path) -> int:
    """Write the voteringer to ``out`` (a path, or ``"-"`` for stdout: the votes table only);
    return the number of voteringer."""
    if fmt not in FORMATS:
        raise SaksfinnError(f"ukjent format «{fmt}» — bruk {', '.join(FORMATS)}")
    rows = vote_rows(store, filters)
    people = person_rows(rows)
    if fmt == "xlsx":
        _write(out, _xlsx(rows, people))
    elif fmt == "jsonl":
        _write(out, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8"))
    else:
        render = _csv if fmt == "csv" else _parquet
        _write(out, render([_flat(r) for r in rows], VOTE_COLUMNS))
        if str(out) != "-":
            _write(person_table_path(out), render(people, PERSON_COLUMNS))
    return len(rows)


def person_table_path(out: str | Path) -> Path:
    """``votes.csv`` → ``votes_stemmer.csv``: where CSV and Parquet put the person-vote table."""
    path = Path(out)
    return path.with_name(f"{path.stem}_stemmer{path.suffix}")


def _write(out: str | Path, data: bytes) -> None:
    if str(out) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_bytes(data)


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    """Lists as text: ``Kari Nordmann (AP): for; …``, ``1: 25; 2: 10``."""
    return {
        **row,
        "voters": "; ".join(f"{v['name']} ({v['party'] or '-'}): {v['vote']}" for v in row["voters"]),
        "absent": "; ".join(row["absent"]),
        "alternatives": "; ".join(f"{a['label']}: {a['count']}" for a in row["alternatives"]),
    }


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _xlsx(rows: list[dict[str, Any]], people: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, columns, table in (("Voteringer", VOTE_COLUMNS, [_flat(r) for r in rows]), ("Stemmer", PERSON_COLUMNS, people)):
        ws = wb.create_sheet(title)
        ws.append(list(columns))
        for r in table:
            ws.append([_cell(r.get(c)) for c in columns])
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 32)[:32000]
    return value


def _parquet(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    def arrow(column: str) -> Any:
        return pa.int64() if column in _INT else pa.bool_() if column in _BOOL else pa.string()

    schema = pa.schema([(c, arrow(c)) for c in columns])
    table = pa.Table.from_pylist([{c: r.get(c) for c in columns} for r in rows], schema=schema)
    sink: BinaryIO = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()  # type: ignore[attr-defined]
