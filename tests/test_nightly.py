"""The nightly deployment (built, not served) and the run report pages."""

from __future__ import annotations

import datetime as dt
import json

from saksfinn.flows.report import render_html, render_markdown, write_report
from saksfinn.index.storage.store import OSLO
from saksfinn.models import Change, DocStatus, IngestRun, SourceOutcome


def test_deployment_runs_nightly_in_oslo_time_one_at_a_time(home):
    from prefect.client.schemas.objects import ConcurrencyLimitStrategy

    from saksfinn.flows.nightly import build_deployment

    d = build_deployment(["/srv/papirer", "kilder.toml"], cron="30 1 * * 1-5", name="natt")

    [schedule] = d.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone, schedule.active) == ("30 1 * * 1-5", "Europe/Oslo", True)
    assert d.concurrency_limit == 1
    assert d.concurrency_options.collision_strategy == ConcurrencyLimitStrategy.ENQUEUE
    assert d.parameters == {"paths": ["/srv/papirer", "kilder.toml"]}
    assert (d.name, d.flow_name, d.entrypoint) == ("natt", "saksfinn-ingest", "saksfinn.flows.ingest.ingest_flow")


def _run() -> IngestRun:
    t0 = dt.datetime(2026, 3, 17, 2, 0, tzinfo=OSLO)
    outcomes = (
        SourceOutcome(source="https://k.no/a.pdf", document_id="a" * 64, change=Change.NEW,
                      status=DocStatus.INGESTED, municipality="Levanger"),
        SourceOutcome(source="/p/<b>.pdf", change=Change.FAILED, status=DocStatus.FAILED,
                      reason="could not read: <script>alert(1)</script>", municipality="Bærum"),
        SourceOutcome(source="https://k.no/c.pdf", document_id="c" * 64, change=Change.WITHDRAWN,
                      status=DocStatus.WITHDRAWN, reason="removed at the source", municipality="Levanger"),
    )
    return IngestRun(run_id="20260317T020000-abc123", started=t0, finished=t0 + dt.timedelta(seconds=42),
                     outcomes=outcomes, stage_seconds={"read": 12.5, "index": 3.0},
                     watch_matches={"w123": ["a" * 64]})


def test_html_report_escapes_and_lists_everything():
    page = render_html(_run())
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "/p/&lt;b&gt;.pdf" in page
    assert "<td>Levanger</td><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td>" in page  # new … withdrawn
    assert "<td>read</td><td>12.50</td>" in page
    assert "w123" in page and "https://k.no/a.pdf" in page


def test_markdown_report_lists_watch_matches_by_source():
    text = render_markdown(_run())
    assert "- **w123**: 1 nytt dokument" in text and "  - https://k.no/a.pdf" in text
    assert "| Levanger | 1 | 0 | 0 | 0 | 1 |" in text


def test_write_report_writes_json_markdown_html_and_latest(tmp_path):
    path = write_report(_run(), tmp_path)
    assert json.loads(path.read_text())["run_id"] == "20260317T020000-abc123"
    for suffix in ("json", "md", "html"):
        assert (tmp_path / f"20260317T020000-abc123.{suffix}").read_text() == (tmp_path / f"latest.{suffix}").read_text()
