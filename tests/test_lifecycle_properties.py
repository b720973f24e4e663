"""The nightly invariant, as a stateful property: after any sequence of add / change /
delete / restore / duplicate / rename / corrupt between runs (and a run SIGKILLed at a
random moment), the next run leaves exactly the current versions of the present,
readable sources reachable — through search, export, `status` counts, the overview
charts and saved searches — nothing of a superseded or withdrawn version, and a second
run changes nothing. Two versions of the same body (they differ in a reference word)
are twins: no two searchable documents are twins, and every current version is either
searchable or an alternate format of a searchable twin.

Runs on SQLite and on a real PostgreSQL server (tests/postgres.py). Examples and steps
are kept small (each step is a real ingestion); raise ``SAKSFINN_PROPERTY_EXAMPLES`` to
search harder."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import select

from saksfinn.extractors import twins as detect
from saksfinn.flows.ingest import run_ingest
from saksfinn.flows.searching import Searcher
from saksfinn.flows.status import collect_status, document_json
from saksfinn.flows.watches import add_watch
from saksfinn.index.storage import tables as t, twins as stored_twins
from saksfinn.index.exports.export import ExportFilters, finding_rows
from saksfinn.index.storage.store import Store
from saksfinn.settings import get_settings
from saksfinn.web.data import OverviewCache
from tests.ingest_helpers import REPO, env_for, index_chunk_ids

pytestmark = pytest.mark.slow
EXAMPLES = int(os.environ.get("SAKSFINN_PROPERTY_EXAMPLES", "25"))

# Small case papers in both written standards; every version written gets its own
# reference word, so search can tell versions apart.
BODIES = (
    "Saksframlegg\n\nTiltak mot sykefravær i hjemmetjenesten\n\nSaksopplysninger\n"
    "Sykefraværet i hjemmetjenesten var 11,2 prosent i 2024. Prosjektet Nærværsløftet ble startet i mars.\n\n"
    "Vurdering\nErfaringene så langt er gode: fraværet gikk ned til 9,1 prosent.\n\n"
    "Innstilling til vedtak\nFormannskapet tar orienteringen til etterretning.\n",
    "Saksframlegg\n\nHeltidskultur i helse og omsorg\n\nSaksopplysninger\n"
    "Målet er at flere ansatte skal ha hele stillinger. Andelen heltidsansatte var 38 prosent.\n\n"
    "Innstilling til vedtak\nKommunestyret vedtar retningslinjer for heltidskultur.\n",
    "Saksframlegg\n\nSkulestruktur i kommunen\n\nSaksopplysningar\n"
    "Kommunen har fem skular. Elevtalet har gått ned kvart år sidan 2019.\n\n"
    "Vurdering\nDet har vore vanskeleg å rekruttere lærarar til dei minste skulane.\n\n"
    "Innstilling\nKommunestyret vedtek å greie ut ny skulestruktur.\n",
    "Møteprotokoll\n\nSak 12/2026 Digitalisering av byggesak\n\n"
    "Vedtak\nKommunestyret vedtar å innføre digital byggesøknad fra 2027.\n"
    "Enstemmig vedtatt.\n",
)
CORRUPT = (b"", b"\x00\x01\x02\x03binary\x00\x00\xff\xfe" * 20)
FOLDERS = ("Volda", "Steinkjer")
NAMES = tuple(f"{folder}/sak{i}.txt" for folder in FOLDERS for i in range(4))
LETTERS = "bcdfghjklmnpqrstvxz"
WATCH = "sykefravær"


def reference_word(n: int) -> str:
    """A word no document shares: 'refbcd', 'refbcf', … (letters only, so it is one token)."""
    out = ""
    for _ in range(4):
        n, r = divmod(n, len(LETTERS))
        out += LETTERS[r]
    return "kode" + out


class Lifecycle(RuleBasedStateMachine):
    """The model: ``files`` (what the folder holds); everything else is derived."""

    make_url = staticmethod(lambda root: f"sqlite:///{root / 'db.sqlite'}")
    kill_runs = False
    cli_seconds: float | None = None

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="saksfinn-lifecycle-"))
        self.docs = self.root / "docs"
        self.docs.mkdir()
        url = self.make_url(self.root)
        self.settings = get_settings(home=self.root / "home", embedder="hash", orchestrator="local", database_url=url)
        self.store = Store(self.settings.db_url, files_dir=self.settings.files_dir)
        self.files: dict[str, bytes] = {}
        self.words: dict[bytes, str] = {}  # bytes of every readable version written -> its reference word
        self.gone: list[tuple[str, bytes]] = []  # deleted or overwritten (name, bytes), for restore
        self.counter = 0
        add_watch(self.store, WATCH)

    def teardown(self) -> None:
        self.store.dispose()
        shutil.rmtree(self.root, ignore_errors=True)

    # ---- the folder ------------------------------------------------------------------
    def _write(self, name: str, data: bytes) -> None:
        path = self.docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name in self.files:
            self.gone.append((name, self.files[name]))
        path.write_bytes(data)
        self.files[name] = data

    def _version(self, body: str) -> bytes:
        self.counter += 1
        word = reference_word(self.counter)
        data = f"{body}\nReferanse: {word}.\n".encode()
        self.words[data] = word
        return data

    @initialize(names=st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True),
                bodies=st.lists(st.sampled_from(BODIES), min_size=3, max_size=3),
                fraction=st.floats(min_value=0.0, max_value=1.0))
    def start(self, names: list[str], bodies: list[str], fraction: float) -> None:
        for name, body in zip(names, bodies):  # the same body twice: twins from the first run
            self._write(name, self._version(body))
        self.killed_run(fraction) if self.kill_runs else self._run_and_check()

    @rule(name=st.sampled_from(NAMES), body=st.sampled_from(BODIES))
    def add(self, name: str, body: str) -> None:
        if name not in self.files:
            self._write(name, self._version(body))

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def change(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.files)))
        self._write(name, self._version(data.draw(st.sampled_from(BODIES)) + "\nTillegg: saken er rettet.\n"))

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.files)))
        (self.docs / name).unlink()
        self.gone.append((name, self.files.pop(name)))

    @precondition(lambda self: self.gone)
    @rule(data=st.data())
    def restore(self, data: st.DataObject) -> None:
        name, content = data.draw(st.sampled_from(self.gone))
        self._write(name, content)

    @precondition(lambda self: self.files and len(self.files) < len(NAMES))
    @rule(data=st.data())
    def duplicate(self, data: st.DataObject) -> None:
        original = data.draw(st.sampled_from(sorted(self.files)))
        copy = data.draw(st.sampled_from([n for n in NAMES if n not in self.files]))
        self._write(copy, self.files[original])

    @precondition(lambda self: self.files and len(self.files) < len(NAMES))
    @rule(data=st.data())
    def republish(self, data: st.DataObject) -> None:
        """The same case again under another name with a small change (a new reference
        word): a twin of the original, when the original is readable."""
        original = data.draw(st.sampled_from(sorted(self.files)))
        copy = data.draw(st.sampled_from([n for n in NAMES if n not in self.files]))
        word = self.words.get(self.files[original])
        body = self.files[original].decode("utf-8", "replace").replace(f"\nReferanse: {word}.\n", "") if word else None
        self._write(copy, self._version(body) if body else self.files[original])

    @precondition(lambda self: self.files and len(self.files) < len(NAMES))
    @rule(data=st.data())
    def rename(self, data: st.DataObject) -> None:
        old = data.draw(st.sampled_from(sorted(self.files)))
        new = data.draw(st.sampled_from([n for n in NAMES if n not in self.files]))
        (self.docs / new).parent.mkdir(parents=True, exist_ok=True)
        (self.docs / old).rename(self.docs / new)
        self.files[new] = self.files.pop(old)
        self.gone.append((old, self.files[new]))

    @precondition(lambda self: self.files)
    @rule(data=st.data())
    def corrupt(self, data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(sorted(self.files)))
        self._write(name, data.draw(st.sampled_from(CORRUPT)))

    @precondition(lambda self: not self.kill_runs)
    @rule()
    def run(self) -> None:
        self._run_and_check()

    @precondition(lambda self: self.kill_runs)
    @rule(fraction=st.floats(min_value=0.0, max_value=1.0))
    def kill_then_run(self, fraction: float) -> None:
        self.killed_run(fraction)

    def killed_run(self, fraction: float) -> None:
        """A CLI run SIGKILLed at ``fraction`` of a whole run's duration (mid-import,
        mid-batch, mid-index, or after it finished): the next run must put all right."""
        env = env_for(self.settings.home, SAKSFINN_DATABASE_URL=self.settings.db_url)
        args = [sys.executable, "-m", "saksfinn.cli", "ingest", str(self.docs)]
        started = time.monotonic()
        proc = subprocess.Popen(args, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if Lifecycle.cli_seconds is None:  # learn how long a whole run takes, once
            proc.wait()
            Lifecycle.cli_seconds = time.monotonic() - started
        deadline = started + fraction * Lifecycle.cli_seconds
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        self._run_and_check()

    # ---- the invariant ---------------------------------------------------------------
    def expected(self) -> set[str]:
        return {hashlib.sha256(b).hexdigest() for b in self.files.values() if b not in CORRUPT}

    def _run_and_check(self) -> None:
        first = run_ingest([str(self.docs)], self.settings)
        self.check_reachable(first)
        second = run_ingest([str(self.docs)], self.settings)
        counts = second.counts()
        moved = {k: counts[k] for k in ("new", "changed", "withdrawn", "restored", "duplicate", "rederived")}
        assert not any(moved.values()), f"a second run changed something: {counts}"
        assert second.index.get("rebuilt") is False, "a second run rebuilt the index"
        failing = sum(1 for b in self.files.values() if b in CORRUPT)
        assert counts["failed"] == failing, f"still-failing sources must count as failed: {counts}"
        self.check_reachable(second)

    def _twins(self) -> tuple[set[str], dict[str, str], dict[str, detect.Candidate]]:
        """(searchable ids, {alternate: the one searched}, candidates) of the live documents."""
        d = t.documents.c
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(d.document_id, d.twin_of, d.signature, d.media_type, d.case_number).where(
                d.status.in_(["ingested", "partial", "needs_ocr"]))).all()
        searchable = {r[0] for r in rows if r[1] is None}
        cands = {r[0]: detect.Candidate(r[0], r[3] == "application/pdf", detect.stored_values(r[2]) or [], r[4])
                 for r in rows}
        return searchable, {r[0]: r[1] for r in rows if r[1] is not None}, cands

    def check_reachable(self, run) -> None:  # noqa: ANN001
        expected = self.expected()
        searchable, twin_of, cands = self._twins()
        assert searchable | set(twin_of) == expected, "live documents != current versions"
        live = {r["document_id"] for r in self.store.documents()}
        assert live == searchable, "store.documents() lists an alternate format"
        for alternate, canonical in twin_of.items():
            assert canonical in searchable, f"{alternate} is an alternate of {canonical}, which is not searched"
            group = [canonical] + [a for a, c in twin_of.items() if c == canonical and a != alternate]
            assert any(detect.are_twins(cands[alternate], cands[g]) for g in group), (
                f"{alternate} is no twin of any document of its group")
            # reachable: listed on the searched one's record, and its own record says where it is searched
            assert alternate in [a["document_id"] for a in stored_twins.alternates(self.store, canonical)]
            assert document_json(self.store, alternate)["twin_of"] == canonical
        ordered = sorted(searchable)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                assert not detect.are_twins(cands[a], cands[b]), f"{a} and {b} are twins, both searched"
        expected = searchable
        chunk_docs = self._index_documents()
        assert chunk_docs == expected, "the index holds other documents than the searchable current versions"
        exported = {row["document_id"] for row in finding_rows(self.store, ExportFilters())}
        assert exported <= expected, "export reaches a non-current version"
        assert exported or not expected, "export lost the current versions' findings"
        status = collect_status(self.store, self.settings.home)
        assert status["documents"] == len(expected)
        assert sum(status["by_municipality"].get(m, {}).get("failed", 0) for m in FOLDERS) == sum(
            1 for b in self.files.values() if b in CORRUPT)
        assert "ukjent" not in status["by_municipality"], "a source under a municipality folder was filed as 'ukjent'"
        overview = OverviewCache().get(self.store)
        assert overview.documents == len(expected)
        matched = {d for ids in run.watch_matches.values() for d in ids}
        assert matched <= expected, "a saved search matched a non-current version"
        searcher = Searcher(self.settings, self.store)
        for content, word in self.words.items():
            hits = {h.document_id for h in searcher.search(word, top=20, mode="bm25")}
            doc_id = hashlib.sha256(content).hexdigest()
            assert hits <= expected, f"search for {word} reaches a non-current version"
            if doc_id in expected:
                assert doc_id in hits, f"search for {word} misses the current version holding it"
            if doc_id in twin_of:
                assert doc_id not in hits, f"search for {word} finds an alternate format"

    def _index_documents(self) -> set[str]:
        ids = set(index_chunk_ids(self.settings.home))
        with self.store.engine.connect() as conn:
            rows = conn.execute(select(t.chunks.c.chunk_id, t.chunks.c.document_id))
            return {doc for chunk, doc in rows if chunk in ids}


# Shrinking a failure costs minutes of real runs: off unless asked for (SAKSFINN_PROPERTY_SHRINK=1).
PHASES = [p for p in Phase if p != Phase.shrink or os.environ.get("SAKSFINN_PROPERTY_SHRINK")]
SETTINGS = settings(max_examples=EXAMPLES, stateful_step_count=8, deadline=None,
                    suppress_health_check=list(HealthCheck), database=None, phases=PHASES)


def _machine(url_factory, kill: bool = False) -> type[Lifecycle]:
    return type("LifecycleRun", (Lifecycle,), {"make_url": staticmethod(url_factory), "kill_runs": kill})


def test_lifecycle_invariant_sqlite():
    run_state_machine_as_test(_machine(Lifecycle.make_url), settings=SETTINGS)


def test_lifecycle_invariant_postgres(postgres_server):
    run_state_machine_as_test(_machine(lambda _root: postgres_server.create_database()), settings=SETTINGS)


def test_lifecycle_invariant_with_killed_runs():
    """SIGKILL at a random moment of a real CLI run; the invariant holds after the next run."""
    machine = _machine(Lifecycle.make_url, kill=True)
    run_state_machine_as_test(machine, settings=settings(SETTINGS, max_examples=max(3, EXAMPLES // 5)))
