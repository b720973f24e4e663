"""The `saksfinn` command: a thin shell over the library. Expected errors print one
line and exit 1; nothing heavy is imported until a command needs it.

The commands live by concern (:mod:`.ingesting`, :mod:`.searching`, :mod:`.exporting`,
:mod:`.serving`, shared pieces in :mod:`.common`); they are registered here, in the
order ``saksfinn --help`` lists them."""

from __future__ import annotations

from saksfinn.cli.common import app, watch_app
from saksfinn.cli.exporting import export
from saksfinn.cli.ingesting import ingest, schedule, status
from saksfinn.cli.searching import search, show, watch_add, watch_list, watch_remove
from saksfinn.cli.serving import serve

for command in (ingest, status, search, export, show, serve, schedule):
    app.command()(command)
watch_app.command("add")(watch_add)
watch_app.command("list")(watch_list)
watch_app.command("remove")(watch_remove)

__all__ = ["app", "main", "serve"]


def main() -> None:  # pragma: no cover
    app()
