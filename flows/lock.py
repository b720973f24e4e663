"""One ingestion run at a time per SAKSFINN_HOME (an OS file lock, released on crash)."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from saksfinn.models.errors import RunLockedError


@contextmanager
def run_lock(home: Path, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold ``home/ingest.lock``; wait up to ``wait_seconds`` then raise RunLockedError.

    The kernel drops the lock when the holder dies (even by SIGKILL), so a crashed
    run never blocks the next one.
    """
    home.mkdir(parents=True, exist_ok=True)
    path = home / "ingest.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                    raise RunLockedError(
                        f"another ingestion run (pid {holder}) is using {home}; wait for it or use --wait"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def ingest_running(home: Path) -> int | None:
    """The pid of the process running an ingestion in ``home`` now (any process: the CLI,
    a cron job, the web app, a Prefect worker), or None.

    Reads the pid the holder wrote, and only when that process exists asks the kernel
    whether the lock is held (a shared lock is refused while an exclusive one is held);
    a stale pid from a killed run is therefore never reported as running."""
    path = home / "ingest.lock"
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        raw = os.pread(fd, 64, 0).decode(errors="replace").strip()
        if not raw.isdigit() or not _alive(int(raw)):
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return int(raw)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
