"""A real PostgreSQL server for the test session: Debian's ``postgresql`` binaries, a
fresh data directory in a temporary folder, a private Unix socket (no TCP port), run as
an unprivileged user, stopped at the end. One new database per test.

Skipped, with the reason, only where PostgreSQL is not installed (``make system-deps``
installs it as root)."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def _bin_dir() -> Path | None:
    found = shutil.which("initdb") or shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


def _demote() -> tuple[int, int] | None:
    """(uid, gid) to run the server as when we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            continue
    return None


@dataclass
class PostgresServer:
    socket_dir: Path
    port: int

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def create_database(self) -> str:
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(host=str(self.socket_dir), port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def start_server() -> Iterator[PostgresServer]:
    bin_dir = _bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL is not installed (run `make system-deps` as root, or apt-get install postgresql)")
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("the psycopg driver is not installed (pip install 'psycopg[binary]')")
    ids = _demote()
    root = Path(tempfile.mkdtemp(prefix="saksfinn-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    preexec = None
    if ids is not None:
        uid, gid = ids
        os.chown(root, uid, gid)
        os.chown(sock, uid, gid)

        def preexec() -> None:  # the server and its tools as the unprivileged user
            os.setgid(gid)
            os.setuid(uid)

    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    run = lambda *args: subprocess.run(  # noqa: E731
        [str(bin_dir / args[0]), *args[1:]], check=True, capture_output=True, text=True, preexec_fn=preexec,
        env=env, cwd=root,
    )
    port = 5400 + (os.getpid() % 500)
    run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
    options = f"-k {sock} -p {port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    run("pg_ctl", "-D", str(data), "-o", options, "-l", str(root / "server.log"), "-w", "-t", "60", "start")
    try:
        yield PostgresServer(sock, port)
    finally:
        subprocess.run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, preexec_fn=preexec, cwd=root, env=env)
        shutil.rmtree(root, ignore_errors=True)
