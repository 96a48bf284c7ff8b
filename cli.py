"""The `statboard` command: thin wrappers over the library, one-line reasons on failure."""
from __future__ import annotations

import datetime as dt
import functools
import getpass
import logging
import sys
from pathlib import Path

import click

from settings import Settings

log = logging.getLogger("statboard")


class Failure(Exception):
    """A failure the user can fix; its message is the one-line reason."""


def reasons(func):
    """Turn the errors a user can cause into a one-line reason on stderr and exit status 1."""
    from loader.load import ExtractNotFound
    from loader.problems import LoadRefused
    from queries.dialects import WarehouseConfigError
    from settings import SettingsError

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except LoadRefused as exc:
            click.echo(exc.report.render(), err=True)
            _fail(str(exc))
        except (Failure, ExtractNotFound, WarehouseConfigError, SettingsError, ValueError, OSError) as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            _fail("interrupted; nothing was changed", status=130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, then the log
            log.debug("unexpected error", exc_info=True)
            _fail(f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)")
    return wrapper


def _fail(reason: str, status: int = 1):
    click.echo(f"statboard: {reason.splitlines()[0] if reason else 'failed'}", err=True)
    sys.exit(status)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Log in detail, with tracebacks for unexpected errors.")
def main(debug: bool):
    """Statboard: outcome scorecards and Stat meetings for child-welfare agencies.

    Settings come from STATBOARD_* environment variables (see README.md).
    """
    logging.basicConfig(level=logging.DEBUG if debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@main.command("demo-data")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--scale", type=click.Choice(["small", "county", "state"]), default="small", show_default=True,
              help="small: seconds, for tests; county: a large county agency; state: 5x county.")
@click.option("--seed", type=int, default=42, show_default=True, help="The same seed writes the same extract.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default="2026-11-10", show_default=True,
              help="The extract's as_of date; history ends there.")
@click.option("--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True)
@reasons
def demo_data(directory: Path, scale: str, seed: int, as_of: dt.datetime, fmt: str):
    """Write a synthetic agency's extract into DIRECTORY (deterministic by seed)."""
    from demodata.generate import generate
    counts = generate(directory, scale, seed, as_of.date(), fmt)
    click.echo(f"wrote {sum(counts.values()):,} rows ({scale}, seed {seed}) to {directory}")


@main.command("load")
@click.argument("directory", type=click.Path(path_type=Path))
@reasons
def load(directory: Path):
    """Validate the extract in DIRECTORY and publish it as the warehouse's new data version.

    The whole extract is checked first; any problem refuses the load, lists every
    problem found (file, line, column, value, rule), and changes nothing.
    """
    from loader.load import load_extract
    from queries import store
    from queries.warehouse import Warehouse
    settings = Settings.from_env()
    # The audit log must be writable before the warehouse changes, so no load goes unrecorded.
    engine = store.store_engine(settings.database_url)
    store.upgrade(engine)
    warehouse = Warehouse(settings.warehouse_url)
    try:
        result = load_extract(directory, warehouse)
    finally:
        warehouse.dispose()
    store.record(engine, getpass.getuser(), "load",
                 {"version_id": result.version_id, "as_of": result.as_of, "source": str(directory.resolve()),
                  "rows": result.rows})
    click.echo(f"loaded data version {result.version_id}: as of {result.as_of}, {result.rows:,} rows "
               f"in {result.seconds:.1f} s ({result.rows / max(result.seconds, 1e-9):,.0f} rows/s)")


@main.command("versions")
@reasons
def versions():
    """List the data versions loaded so far, newest first."""
    from queries.warehouse import Warehouse
    warehouse = Warehouse(Settings.from_env().warehouse_url)
    snapshot = warehouse.snapshot()
    if snapshot is None:
        raise Failure("no data loaded yet: run `statboard load DIR`")
    for v in snapshot.history():
        click.echo(f"{v.version_id:>5}  as of {v.as_of}  loaded {v.loaded_at:%Y-%m-%d %H:%M} UTC  "
                   f"{sum(v.row_counts.values()):>12,} rows  {v.source}")


@main.group("db")
def db():
    """The app's own store (users, reviews, actions, audit log)."""


@db.command("upgrade")
@reasons
def db_upgrade():
    """Create or migrate the app store's tables to the latest schema."""
    from queries import store
    settings = Settings.from_env()
    store.upgrade(store.store_engine(settings.database_url))
    click.echo("app store is up to date")


@main.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@reasons
def dev(host: str, port: int):
    """Run the development server (one process, reloads nothing; not for production)."""
    from app import create_app
    from queries import store
    app = create_app()
    store.upgrade(store.store_engine(Settings.from_env().database_url))
    click.echo(f"Statboard is running at http://{host}:{port}/  (Ctrl-C to stop)")
    app.run(host=host, port=port, debug=False)


@main.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn worker processes.")
@reasons
def serve(host: str, port: int, workers: int):
    """Run the production server (gunicorn)."""
    from gunicorn.app.base import BaseApplication

    from app import create_app
    from queries import store
    store.upgrade(store.store_engine(Settings.from_env().database_url))

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            # Threads let one process answer a page's parallel callback requests.
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", 4)

        def load(self):
            return create_app().server

    Server().run()


if __name__ == "__main__":
    main()
