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
