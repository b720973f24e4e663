"""What every `saksfinn` command shares: the Typer app and its one-line usage errors, the
consoles, :func:`expected_errors` (a SaksfinnError → one line, exit 1), the settings and store
accessors, and the option help texts and checks used by more than one command."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import typer
import typer.core
from rich.console import Console

from saksfinn import vocabulary as vocab
from saksfinn.models.errors import IndexNotBuiltError, SaksfinnError
from saksfinn.settings import Settings, get_settings

log = logging.getLogger(__name__)

try:  # typer vendors click from 0.26 on
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover
    from click import exceptions as click_errors
# click's Abort (Ctrl-C, EOF at a prompt) is typer's own class since typer vendors click
Abort = getattr(click_errors, "Abort", None) or typer.Abort


class _OneLineErrors(typer.core.TyperGroup):
    """Usage errors (a bad number, an unknown option) as one line and exit 1, not a framed box."""

    def main(self, args: Any = None, prog_name: Any = None, complete_var: Any = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click_errors.ClickException as exc:
            where = f" (se `{exc.ctx.command_path} --help`)" if getattr(exc, "ctx", None) else ""
            err.print(f"[red]Feil:[/red] {exc.format_message()}{where}", highlight=False, soft_wrap=True)
            sys.exit(1)
        except Abort:
            err.print("Avbrutt.")
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) else 0)


def _type_column(self: Any, ctx: Any) -> str | None:
    """Help shows a metavar where one is given (TYPE, ÅR|DATO) and nothing for flags, instead of
    typer's ``<str>``/``<bool>``; the allowed values are in the help text."""
    return None if getattr(self, "is_flag", False) else self.metavar if isinstance(self, typer.core.TyperOption) else None


typer.core.TyperOption.display_type_rich = _type_column  # type: ignore[method-assign]
typer.core.TyperArgument.display_type_rich = _type_column  # type: ignore[method-assign]

app = typer.Typer(
    cls=_OneLineErrors,
    help="saksfinn: find and reuse what Norwegian municipalities wrote in their council papers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
watch_app = typer.Typer(help="Saved searches: get told about new documents that match.", no_args_is_help=True)
app.add_typer(watch_app, name="watch")
console = Console()
err = Console(stderr=True)


@app.callback()
def _main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress details to stderr.")) -> None:
    """saksfinn: find and reuse what Norwegian municipalities wrote in their council papers."""
    import logging

    for out in (console, err):  # to a pipe or file: whole lines, never wrapped at 80 columns
        out.soft_wrap = not out.is_terminal
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("saksfinn").setLevel(level)
    for noisy in ("httpx", "sentence_transformers", "transformers", "faiss"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def fail(message: str) -> None:
    err.print(f"[red]Feil:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


INDEX_MISSING = "søkeindeksen er ikke bygget ennå — kjør `saksfinn ingest MAPPE` først"


def expected_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn SaksfinnError (and a missing file) into one line and exit code 1."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except IndexNotBuiltError as exc:
            log.debug("%s", exc)
            fail(INDEX_MISSING)
        except SaksfinnError as exc:
            fail(str(exc))
        except FileNotFoundError as exc:
            fail(f"fant ikke filen eller mappen {exc.filename} — sjekk stien")
        except PermissionError as exc:
            fail(f"mangler tilgang til {exc.filename} — sjekk rettighetene")
        except KeyboardInterrupt:
            fail("avbrutt")

    return wrapper


def _settings() -> Settings:
    return get_settings()


def _store(settings: Settings):  # noqa: ANN202
    from saksfinn.index.storage.store import Store

    return Store(settings.db_url, files_dir=settings.files_dir)



SINCE_HELP = "From this year or date: 2025, 2025-03-01 or 01.03.2025"
UNTIL_HELP = "Up to and including this year or date"
MIN_CONFIDENCE_HELP = "Leave out findings less certain than this, 0–1 (rules are 1.0; model findings their probability)"


def _choices(values: tuple[str, ...]) -> str:
    return ", ".join(values)


def _municipality(store: Any, value: str | None) -> str | None:
    """A known municipality (gazetteer or already in the archive), canonically spelled."""
    if value is None:
        return None
    return vocab.municipality(value, extra=store.counts_by("municipality", include_retired=True))

