"""The `serve` command: the web page and JSON API under uvicorn."""

from __future__ import annotations

import typer

from saksfinn.cli.common import _settings, expected_errors


@expected_errors
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to bind (loopback by default)"),
    port: int = typer.Option(8000),
) -> None:
    """Serve the web page and JSON API for advisers."""
    import uvicorn

    from saksfinn.web.app import create_app

    uvicorn.run(create_app(_settings()), host=host, port=port, log_level="info")

