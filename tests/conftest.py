"""Shared fixtures. Unit tests never reach the network; real-document tests skip
cleanly when ../shared/corpus is absent (a user's fresh clone)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPUS = Path(os.environ.get("SAKSFINN_SHARED_CORPUS", REPO.parent / "shared" / "corpus"))
SAMPLE_CORPUS = REPO / "corpus"


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.skip(f"real documents not present at {SHARED_CORPUS}")
    return SHARED_CORPUS


@pytest.fixture(scope="session")
def sample_corpus() -> Path:
    return SAMPLE_CORPUS / "documents"


@pytest.fixture()
def home(tmp_path, monkeypatch) -> Path:
    """A fresh SAKSFINN_HOME for one test."""
    h = tmp_path / "home"
    monkeypatch.setenv("SAKSFINN_HOME", str(h))
    monkeypatch.setenv("SAKSFINN_EMBEDDER", "hash")
    return h


@pytest.fixture(autouse=True)
def _no_external_network(monkeypatch, request):
    """Block connections to anything but loopback in every test."""
    real_connect = socket.socket.connect

    def guarded(self, address):  # noqa: ANN001
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and not (
            host.startswith("127.") or host in ("localhost", "::1") or host.startswith("/")
        ):
            raise RuntimeError(f"test tried to reach the network: {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect server and database for the session (SQLite in a temp dir, on
    loopback). Only for tests that run flows under Prefect; its start-up takes seconds."""
    from prefect.testing.utilities import prefect_test_harness

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # its heartbeat locks the SQLite db
        with prefect_test_harness(server_startup_timeout=120):
            yield


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for the session (see tests/postgres.py)."""
    from tests.postgres import start_server

    yield from start_server()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """The store's database: each test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'db.sqlite'}"
    return request.getfixturevalue("postgres_server").create_database()
