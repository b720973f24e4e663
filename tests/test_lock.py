"""One ingestion run at a time per home; a dead holder never blocks."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from saksfinn.flows.lock import run_lock
from saksfinn.models.errors import RunLockedError

HOLD = """
import sys, time
from pathlib import Path
from saksfinn.flows.lock import run_lock
with run_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    time.sleep(60)
"""


def _holder(home):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(home)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_second_run_gets_a_clear_message(tmp_path):
    proc = _holder(tmp_path)
    try:
        with pytest.raises(RunLockedError, match=f"pid {proc.pid}"):
            with run_lock(tmp_path):
                pass
    finally:
        proc.kill()
        proc.wait()


def test_lock_is_released_when_holder_is_killed(tmp_path):
    proc = _holder(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    started = time.monotonic()
    with run_lock(tmp_path, wait_seconds=5):
        pass
    assert time.monotonic() - started < 5


def test_waiting_run_gets_the_lock_after_the_first_ends(tmp_path):
    proc = _holder(tmp_path)
    killer = subprocess.Popen([sys.executable, "-c", f"import os,time,signal; time.sleep(1); os.kill({proc.pid}, signal.SIGTERM)"])
    try:
        with run_lock(tmp_path, wait_seconds=20):
            assert proc.wait(timeout=1) is not None
    finally:
        killer.wait()
        proc.kill()


def test_health_and_status_see_an_ingestion_running_in_another_process(home, tmp_path):
    import subprocess
    import sys
    import time

    from fastapi.testclient import TestClient

    from saksfinn.flows.lock import ingest_running
    from saksfinn.flows.status import collect_status
    from saksfinn.index.storage.store import Store
    from saksfinn.settings import get_settings
    from saksfinn.web.app import create_app

    settings = get_settings(home=home, embedder="hash")
    client = TestClient(create_app(settings))
    assert client.get("/api/health").json()["ingest"] == "idle"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from saksfinn.flows.lock import run_lock\n"
         "with run_lock(Path(sys.argv[1])):\n    print('locked', flush=True); time.sleep(60)", str(home)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        health = client.get("/api/health").json()
        assert health["ingest"] == "running" and health["ingest_pid"] == holder.pid
        store = Store(settings.db_url, files_dir=settings.files_dir)
        assert collect_status(store, home)["ingest"] == {"state": "running", "pid": holder.pid}
        assert health["documents"] == collect_status(store, home)["documents"]
    finally:
        holder.kill()
        holder.wait()
    deadline = time.monotonic() + 5
    while ingest_running(home) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ingest_running(home) is None, "a killed holder is not reported as running"
    assert client.get("/api/health").json()["ingest"] == "idle"
