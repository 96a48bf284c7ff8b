"""The `statboard` command: thin wrappers over the library, one-line reasons on failure."""
from __future__ import annotations

import datetime as dt
import functools
import getpass
import logging
import os
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
    from editable.toml_file import FileProblems
    from queries.dialects import WarehouseConfigError
    from settings import SettingsError

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except LoadRefused as exc:
            click.echo(exc.report.render(), err=True)
            _fail(str(exc))
        except FileProblems as exc:  # the catalogue, the contracts file ...: every problem, then one line
            click.echo("\n".join(exc.problems), err=True)
            _fail(exc.summary)
        except (Failure, ExtractNotFound, WarehouseConfigError, SettingsError, ValueError, OSError) as exc:
            _fail(str(exc))
        except BrokenPipeError:  # the reader stopped early (`... | head`): nothing to report
            # Point stdout at /dev/null so Python's flush at exit does not fail again (Python docs' recipe).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except KeyboardInterrupt:
            _fail("interrupted; nothing was changed", status=130)
        except Exception as exc:  # noqa: BLE001 - the last line of defence: one line, then the log
            log.debug("unexpected error", exc_info=True)
            _fail(f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)")
    return wrapper


def _cli_actor() -> str:
    """Who the audit log says did it, from the command line: the operating-system account."""
    return f"cli:{getpass.getuser()}"


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
    from measures.catalogue import load_catalogue
    from store import db
    from queries.warehouse import Warehouse
    settings = Settings.from_env()
    catalogue = load_catalogue(settings.catalogue_path)
    # The audit log must be writable before the warehouse changes, so no load goes unrecorded.
    engine = db.store_engine(settings.database_url)
    db.upgrade(engine)
    from store.meetings import pinned_versions
    warehouse = Warehouse(settings.warehouse_url)
    try:
        # The versions open Stat meetings are pinned to are kept, whatever loads land after them; and no number
        # the store has seen is given to other data.
        result = load_extract(directory, warehouse, catalogue=catalogue, keep_versions=pinned_versions(engine),
                              after_version=db.highest_version_seen(engine))
    finally:
        warehouse.dispose()
    db.record(engine, _cli_actor(), "load",
                 {"version_id": result.version_id, "as_of": result.as_of, "source": str(directory.resolve()),
                  "rows": result.rows})
    click.echo(f"loaded data version {result.version_id}: as of {result.as_of}, {result.rows:,} rows, "
               f"{result.indicators} indicators x {result.months} months, "
               f"in {result.seconds:.1f} s ({result.rows / max(result.seconds, 1e-9):,.0f} rows/s)")


@main.command("versions")
@reasons
def versions():
    """List the data versions loaded so far, newest first."""
    from queries.warehouse import Warehouse
    warehouse = Warehouse(Settings.from_env().warehouse_url)
    snapshot = warehouse.snapshot()
    from store.aggregates import versions as aggregate_versions
    if snapshot is None and not aggregate_versions(_store()):
        raise Failure("no data loaded yet: run `statboard load DIR`")
    for v in snapshot.history() if snapshot is not None else []:
        click.echo(f"{v.version_id:>5}  as of {v.as_of}  loaded {v.loaded_at:%Y-%m-%d %H:%M} UTC  "
                   f"{sum(v.row_counts.values()):>12,} rows  {v.source}")
    from store.aggregates import versions as aggregate_versions
    imported = aggregate_versions(_store())
    if imported:
        click.echo("published figures (`statboard import-aggregates`):")
    for v in imported:
        click.echo(f"{v.id:>5}  {v.source:<24} as of {v.as_of}  loaded {v.loaded_at:%Y-%m-%d %H:%M} UTC  "
                   f"{v.row_count:>8,} rows  {v.format}  {v.origin}")


@main.command("import-aggregates")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["generic", "cfsr-profile"]), default="generic", show_default=True,
              help="generic: Statboard's own (docs/data-contract.md); cfsr-profile: the Children's Bureau's CFSR "
                   "national profile as published.")
@click.option("--source", metavar="NAME", help="The source's name (default: the file's stem, lower-cased); a second "
                                               "import of a name is its next version.")
@reasons
def import_aggregates_command(file: Path, fmt: str, source: str | None):
    """Import published or reported figures from FILE as a version of a named source: every problem named with
    file, line, column, value and rule, and nothing kept unless the whole file is right."""
    from measures.catalogue import load_catalogue
    from store.aggregates import import_aggregates
    engine = _store()
    version = import_aggregates(engine, file, fmt, load_catalogue(Settings.from_env().catalogue_path),
                                _cli_actor(), source.lower() if source else None, via="cli")
    click.echo(f"imported {version.row_count:,} rows from {file} as source {version.source!r}, version "
               f"{version.id} (as of {version.as_of})", err=True)


@main.group("indicators")
def indicators():
    """The indicator catalogue (STATBOARD_CATALOGUE, or the default one)."""


@indicators.command("list")
@reasons
def indicators_list():
    """List the catalogue's indicators with their standards."""
    from measures.catalogue import load_catalogue
    catalogue = load_catalogue(Settings.from_env().catalogue_path)
    click.echo(f"{catalogue.path}")
    for i in catalogue:
        standard = "never coloured" if i.kind == "count" else f"{i.direction} is better, green {i.green}, yellow {i.yellow}"
        click.echo(f"  T{i.tier}  {i.id:<28} {i.domain:<16} {i.kind:<10} {standard}")


@indicators.command("check")
@click.argument("file", type=click.Path(path_type=Path), required=False)
@reasons
def indicators_check(file: Path | None):
    """Validate a catalogue FILE (default: the configured one) without loading anything."""
    from measures.catalogue import load_catalogue
    catalogue = load_catalogue(file or Settings.from_env().catalogue_path)
    click.echo(f"{catalogue.path}: {len(catalogue)} indicators, no problems")


@indicators.command("sql")
@click.argument("indicator_id")
@click.option("--dialect", type=click.Choice(["duckdb", "postgresql"]),
              help="The warehouse engine to write the SQL for (default: the configured warehouse's).")
@reasons
def indicators_sql(indicator_id: str, dialect: str | None):
    """Show the SQL that computes INDICATOR_ID: its members, its cells at every level, and its providers'."""
    from sqlalchemy.engine import make_url

    from measures.build import cells_sql, provider_cells_sql
    from measures.catalogue import load_catalogue
    from queries.dialects import sql_dialect
    settings = Settings.from_env()
    catalogue = load_catalogue(settings.catalogue_path)
    if indicator_id not in catalogue.ids:
        raise Failure(f"unknown indicator {indicator_id!r}; the catalogue has: {', '.join(catalogue.ids)}")
    d = sql_dialect(dialect or make_url(settings.warehouse_url).get_backend_name())
    click.echo(cells_sql(d, catalogue.get(indicator_id)) + ";\n")
    click.echo(provider_cells_sql(d, catalogue.get(indicator_id)) + ";")


@main.group("contracts")
def contracts_group():
    """Outcome contracts with delegate agencies: the file the agency keeps (docs/contracts.md), each load of it
    a new version in the app store."""


def _providers():
    """The current data version's providers (none before a load, or when its extract had no providers table)."""
    import pandas as pd

    from queries.providers import COLUMNS, providers
    from queries.warehouse import Warehouse
    warehouse = Warehouse(Settings.from_env().warehouse_url)
    try:
        snapshot = warehouse.snapshot()
        return providers(snapshot) if snapshot is not None else pd.DataFrame(columns=COLUMNS)
    finally:
        warehouse.dispose()


def _checked_contracts(file: Path):
    from measures.catalogue import load_catalogue
    from measures.contracts import read_contracts
    return read_contracts(file, load_catalogue(Settings.from_env().catalogue_path), set(_providers().provider_id))


def _contracts_said(n: int) -> str:
    return f"{n} contract" + ("" if n == 1 else "s")


@contracts_group.command("check")
@click.argument("file", type=click.Path(path_type=Path))
@reasons
def contracts_check(file: Path):
    """Check a contracts FILE against the catalogue and the warehouse's providers, naming every problem."""
    found = _checked_contracts(file)
    click.echo(f"{file}: {_contracts_said(len(found))}, no problems")


@contracts_group.command("load")
@click.argument("file", type=click.Path(path_type=Path))
@reasons
def contracts_load(file: Path):
    """Check a contracts FILE and keep all its contracts as the next version (or refuse it whole)."""
    from store.contracts import load_contracts
    engine = _store()  # the audit log must be writable before anything is kept
    version = load_contracts(engine, _checked_contracts(file), _cli_actor(), via="cli")
    click.echo(f"loaded {_contracts_said(version.contract_count)} from {file} as contracts version {version.id}")


@contracts_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text", show_default=True)
@reasons
def contracts_list(fmt: str):
    """The contracts in force: the newest version's, with each metric's target and floor."""
    import pandas as pd

    from measures.catalogue import load_catalogue
    from store.contracts import contract_versions, contracts_of
    engine = _store()
    loaded = contract_versions(engine)
    if not loaded:
        raise Failure("no contracts loaded yet: run `statboard contracts load FILE`")
    version, catalogue = loaded[0], load_catalogue(Settings.from_env().catalogue_path)
    known = _providers()
    names = dict(zip(known.provider_id, known.provider_name))

    def indicator_name(ident: str) -> str:
        found = catalogue.get(ident) if ident in catalogue.ids else catalogue.imported_indicator(ident)
        return ident if found is None else found.name
    found = contracts_of(engine, version.id)
    if fmt == "csv":
        _emit(pd.DataFrame([{
            "version": version.id, "contract_id": c.id, "provider_id": c.provider_id,
            "provider_name": names.get(c.provider_id, ""), "program": c.program, "start": c.start.isoformat(),
            "end": c.end.isoformat(), "cadence": c.cadence, "indicator_id": m.indicator_id,
            "indicator_name": indicator_name(m.indicator_id), "target": str(m.target),
            "floor": "" if m.floor is None else str(m.floor)} for c in found for m in c.metrics]), None)
        return
    click.echo(f"contracts version {version.id}: {_contracts_said(version.contract_count)}, loaded "
               f"{version.loaded_at:%Y-%m-%d %H:%M} UTC by {version.loaded_by} from {version.origin}")
    for c in found:
        provider = f"{names[c.provider_id]} ({c.provider_id})" if c.provider_id in names else c.provider_id
        click.echo(f"{c.id}  {provider}  {c.program}  {c.start} to {c.end}  {c.cadence}")
        for m in c.metrics:
            floor = "" if m.floor is None else f", floor {m.floor}"
            click.echo(f"    {indicator_name(m.indicator_id)}: target {m.target}{floor}")


@main.group("export")
def export():
    """CSV exports of the current data version (the format other tools rely on)."""


def _snapshot():
    from queries.warehouse import Warehouse
    snapshot = Warehouse(Settings.from_env().warehouse_url).snapshot()
    if snapshot is None:
        raise Failure("no data loaded yet: run `statboard load DIR`")
    return snapshot


def _emit(frame, out: Path | None) -> None:
    from queries.exports import to_csv, write_export
    text = to_csv(frame)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_export(text, out)
        click.echo(f"wrote {len(frame):,} rows to {out}", err=True)


@export.command("scorecard")
@click.option("--month", required=True, metavar="YYYY-MM", help="The report month.")
@click.option("--level", required=True,
              type=click.Choice(["department", "bureau", "office", "unit", "worker", "provider"]),
              help="provider: the delegate agencies' cells (members attributed to a provider).")
@click.option("--parent", metavar="LEVEL:ID", help="Only the entities under this one, e.g. bureau:B01.")
@click.option("--indicator", "indicator_ids", multiple=True, metavar="ID", help="Only these indicators (repeat).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@reasons
def export_scorecard(month: str, level: str, parent: str | None, indicator_ids: tuple[str, ...], out: Path | None):
    """One month's scorecard cells for every entity of LEVEL, as CSV."""
    from access.scope import Scope
    from queries.scorecard import parse_entity, parse_month, scorecard
    frame = scorecard(_snapshot(), Scope.everything(), parse_month(month), level,
                      parse_entity(parent) if parent else None, list(indicator_ids) or None)
    _emit(frame, out)


@export.command("aggregates")
@click.option("--source", required=True, metavar="NAME", help="The source (`statboard versions` lists them).")
@click.option("--indicator", "indicator_id", metavar="ID", help="Only this indicator.")
@click.option("--period", metavar="CODE", help="Only this period (its code, e.g. 23B24A).")
@click.option("--by", metavar="USERNAME", help="As this user, with their role (a viewer's values are rounded).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@reasons
def export_aggregates(source: str, indicator_id: str | None, period: str | None, by: str | None, out: Path | None):
    """A published source's newest version, one row per imported row, each value recomputed from numerator and
    denominator (empty where either is missing or no value was published), as CSV."""
    from store import db
    from store.aggregates import export_frame, load_source
    engine = _store()
    reader, via = _reader_acting_as(engine, by)
    where = f"statboard export aggregates --source {source}"
    found = _refused_if_outside(engine, reader.username, where, via, lambda: load_source(engine, reader, source))
    frame = export_frame(found, reader, indicator_id, period)
    db.record(engine, reader.username, "aggregates-exported", {"source": found.name, "version": found.version.id,
                                                                "rows": len(frame), "via": via})
    _emit(frame, out)


@export.command("members")
@click.option("--indicator", "indicator_id", required=True, metavar="ID")
@click.option("--month", required=True, metavar="YYYY-MM", help="The report month.")
@click.option("--entity", metavar="LEVEL:ID", help="Only the members attributed to this entity's subtree.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@reasons
def export_members(indicator_id: str, month: str, entity: str | None, out: Path | None):
    """The members behind one indicator's cell in one month (case-level: child and worker ids), as CSV."""
    from access.scope import Scope
    from queries.scorecard import members_behind_cell, parse_entity, parse_month
    from store import db
    month_date = parse_month(month)
    frame = members_behind_cell(_snapshot(), Scope.everything(), indicator_id, month_date,
                                parse_entity(entity) if entity else None)
    # Case-level records leave the warehouse: written down first (if the log cannot be written, nothing is).
    engine = db.store_engine(Settings.from_env().database_url)
    db.upgrade(engine)
    db.record(engine, _cli_actor(), "members-listed",
                 {"indicator": indicator_id, "month": f"{month_date:%Y-%m}", "entity": entity or "department",
                  "rows": len(frame), "via": "cli" if out is None else f"cli, to {out}"})
    _emit(frame, out)


@main.group("users")
def users_group():
    """Who may sign in, with which role and scope (the app store, STATBOARD_DATABASE_URL).

    Passwords are read from standard input (one line) or asked for at a prompt, never given as an argument.
    """


def _store():
    from store import db
    engine = db.store_engine(Settings.from_env().database_url)
    db.upgrade(engine)
    return engine


def _read_password(prompt: str = "Password") -> str:
    """A password from a prompt (asked twice) or, when stdin is not a terminal, its first line."""
    if sys.stdin.isatty():
        first = getpass.getpass(f"{prompt}: ")
        if getpass.getpass(f"{prompt} again: ") != first:
            raise Failure("the two passwords differ; nothing was changed")
        return first
    line = sys.stdin.readline()
    if not line:
        raise Failure("no password on standard input: pipe it in (one line), or run in a terminal to be asked")
    return line.rstrip("\r\n")


def _check_scope_exists(scope: str | None) -> None:
    """A scope must name a place in the loaded data (a typo would give a manager nothing)."""
    if not scope:
        return
    from access.scope import ScorecardQueryError
    from queries.scorecard import _check_entity, parse_entity
    from access.scope import Scope
    from queries.warehouse import Warehouse
    warehouse = Warehouse(Settings.from_env().warehouse_url)
    try:
        snapshot = warehouse.snapshot()
        if snapshot is None:
            click.echo(f"warning: no data loaded yet, so {scope} could not be checked", err=True)
            return
        try:
            _check_entity(snapshot, Scope.everything(), parse_entity(scope))
        except ScorecardQueryError as exc:
            raise Failure(f"--scope {scope}: {exc}") from None
    finally:
        warehouse.dispose()


@users_group.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["admin", "executive", "manager", "analyst", "viewer"]),
              help="admin: users, settings, audit log; executive: everything; manager: their scope; "
                   "analyst: every aggregate, no case-level records; viewer: aggregates, small cells hidden.")
@click.option("--scope", metavar="LEVEL:ID", help="A manager's (or viewer's) part of the organisation, "
                                                  "e.g. office:O004.")
@reasons
def users_add(username: str, role: str, scope: str | None):
    """Add USERNAME with ROLE; the password is read from stdin or a prompt."""
    from access.roles import check_role
    from store.users import add_user, check_password, normalise_username
    name = normalise_username(username)
    scope = check_role(role, scope)
    _check_scope_exists(scope)
    password = _read_password()
    check_password(password, name)
    user = add_user(_store(), name, role, scope, password, _cli_actor())
    click.echo(f"added {user.username}: {user.role}" + (f", {user.scope}" if user.scope else ""))


@users_group.command("list")
@reasons
def users_list():
    """List the users: name, role, scope, status and last sign-in."""
    from store.users import list_users
    rows = list_users(_store())
    if not rows:
        click.echo("no users yet: `statboard users add USERNAME --role ROLE`")
        return
    click.echo(f"{'username':<24} {'role':<10} {'scope':<16} {'status':<9} last sign-in (UTC)")
    for u in rows:
        last = f"{u.last_sign_in_at:%Y-%m-%d %H:%M}" if u.last_sign_in_at else "never"
        scope = "-" if u.role == "admin" else (u.scope or "department")
        click.echo(f"{u.username:<24} {u.role:<10} {scope:<16} {u.status:<9} {last}")


@users_group.command("disable")
@click.argument("username")
@reasons
def users_disable(username: str):
    """Stop USERNAME signing in, and end their sessions now."""
    from store.users import set_disabled
    user = set_disabled(_store(), username, True, _cli_actor())
    click.echo(f"disabled {user.username}; their sessions have ended")


@users_group.command("enable")
@click.argument("username")
@reasons
def users_enable(username: str):
    """Let a disabled USERNAME sign in again."""
    from store.users import set_disabled
    user = set_disabled(_store(), username, False, _cli_actor())
    click.echo(f"enabled {user.username}")


@users_group.command("set-password")
@click.argument("username")
@reasons
def users_set_password(username: str):
    """Set USERNAME's password (stdin or a prompt); ends their sessions and unlocks a locked account."""
    from store.users import get_user, set_password
    engine = _store()
    if get_user(engine, username) is None:
        raise Failure(f"there is no user {username!r}: `statboard users list` shows them")
    user = set_password(engine, username, _read_password("New password"), _cli_actor())
    click.echo(f"set the password of {user.username}; their sessions have ended")


DEMO_PASSWORD = "statboard-demo"


@users_group.command("demo")
@reasons
def users_demo():
    """Development only: one user of each role, all with the password statboard-demo (reset if present)."""
    from store.users import add_user, get_user, set_password
    if Settings.from_env().environment != "development":
        raise Failure("demo users have a published password: they are made only with STATBOARD_ENV=development")
    office, provider = _first_office()
    wanted = [("executive", "executive", None), ("manager", "manager", office), ("analyst", "analyst", None),
              ("viewer", "viewer", None), ("admin", "admin", None)]
    if provider:  # a delegate agency's staff, when the extract names providers
        wanted.append(("provider", "provider", provider))
    engine = _store()
    for username, role, scope in wanted:
        if get_user(engine, username) is None:
            add_user(engine, username, role, scope, DEMO_PASSWORD, _cli_actor())
        else:
            set_password(engine, username, DEMO_PASSWORD, _cli_actor())
    click.echo(f"Demo sign-in: username executive, password {DEMO_PASSWORD}")
    also = f"manager of {office}, analyst, viewer, admin" + (f" and provider (staff of {provider})" if provider else "")
    click.echo(f"  (also {also}, with the same password)")


def _first_office() -> tuple[str, str | None]:
    """The demo manager's office, and the demo provider user's provider (Bright Futures, FFA07, in the demo agency,
    whose contract changed; else the first provider; None when the extract names none)."""
    from queries.providers import providers
    from queries.warehouse import Warehouse
    warehouse = Warehouse(Settings.from_env().warehouse_url)
    try:
        snapshot = warehouse.snapshot()
        if snapshot is None:
            raise Failure("no data loaded yet: run `statboard load DIR` first (the demo manager needs an office)")
        office = snapshot.read("select entity_id from entities where level = 'office' order by entity_id limit 1")
        known = sorted(providers(snapshot).provider_id)
    finally:
        warehouse.dispose()
    if office.empty:
        raise Failure("the loaded data has no office for the demo manager")
    provider = "FFA07" if "FFA07" in known else (known[0] if known else None)
    return f"office:{office.entity_id.iloc[0]}", (f"provider:{provider}" if provider else None)


@export.command("audit")
@click.option("--since", metavar="YYYY-MM-DD", help="From this day (UTC).")
@click.option("--until", metavar="YYYY-MM-DD", help="Up to and including this day (UTC).")
@click.option("--actor", help="Only this person's entries.")
@click.option("--action", help="Only this action, e.g. members-listed, sign-in-failed, access-refused.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@reasons
def export_audit(since, until, actor, action, out):
    """The audit log (newest first) as CSV: at, actor, action, detail, remote_addr."""
    from store import db
    from queries.exports import audit_csv, write_export
    try:  # the same reading of the filters as the Admin page and the download (9999-12-31: to the end)
        chosen = db.audit_filter(actor, action, since, until)
    except db.AuditQueryError as exc:
        raise Failure(str(exc)) from None
    entries = db.audit_entries(_store(), None, **chosen)
    text = audit_csv(entries)
    if out is None:
        click.echo(text, nl=False)
    else:
        write_export(text, out)
        click.echo(f"wrote {len(entries):,} entries to {out}", err=True)


@main.group("reviews")
def reviews_group():
    """Cases drawn for review from the members behind a cell (the app store keeps each selection).

    The draw is reproducible by anyone: see "Picking cases for review" in README.md.
    """


def _acting_as(engine, by: str | None):
    """Whose draw it is: without --by, the whole department as the other CLI commands; with --by, that
    user's role and scope. Returns (scope, actor, via); a role that reads no data raises OutsideScope."""
    reader, via = _reader_acting_as(engine, by)
    return reader.data_scope(), reader.username, via


def _reader_acting_as(engine, by: str | None):
    """Who is acting, as the query layer sees them: without --by, the command line with an executive's reach
    (the whole department, as the other commands); with --by, that user. Returns (reader, via)."""
    from access.roles import Reader, reader_for
    from access.scope import Scope
    from store.users import get_user
    if by is None:
        return Reader(_cli_actor(), "executive", Scope.everything()), "cli"
    user = get_user(engine, by.strip().lower())
    if user is None:
        raise Failure(f"--by {by}: there is no such user (`statboard users list` shows them)")
    if user.disabled:
        raise Failure(f"--by {by}: {user.username} is disabled; `statboard users enable {user.username}` first")
    settings = Settings.from_env()
    reader = reader_for(user.username, user.role, user.scope, settings.managers_see_peers, settings.small_cell_min)
    return reader, f"{_cli_actor()} --by {user.username}"


def _refused_if_outside(engine, actor: str, where: str, via: str, action):
    """Run `action()`; a read outside the actor's scope is written to the audit log, then refused."""
    from store import db
    from access.scope import OutsideScope
    try:
        return action()
    except OutsideScope as exc:
        db.record(engine, actor, "access-refused", {"where": where, "reason": str(exc), "via": via})
        raise Failure(str(exc)) from None


def _whole_number(option: str, text: str | None, what: str) -> int | None:
    if text is None:
        return None
    if not text.strip().isdigit() or not text.isascii():
        raise Failure(f"{option} {text!r} is not a whole number: give {what}")
    return int(text)


def _elimination_reasons(path: Path | None = None):
    from store.reviews import ReasonsError, load_elimination_reasons
    try:
        return load_elimination_reasons(path or Settings.from_env().elimination_reasons_path)
    except ReasonsError as exc:
        click.echo("\n".join(exc.problems), err=True)
        raise Failure(exc.summary) from None


@reviews_group.command("pick")
@click.option("--indicator", "indicator_id", metavar="ID", help="The cell's indicator.")
@click.option("--month", metavar="YYYY-MM", help="The cell's report month.")
@click.option("--entity", metavar="LEVEL:ID", help="The cell's entity, e.g. office:O001 (its whole subtree).")
@click.option("--n", "n_text", metavar="N", help="Cases to pick per stratum (1 to 1000).")
@click.option("--seed", metavar="S", help="Any text without spaces, recorded with the selection; "
                                          "the same seed draws the same cases.")
@click.option("--stratify", metavar="unit|worker|met", help="Pick N per unit, per worker, or N met and N not met.")
@click.option("--only", metavar="met|not-met", help="Only the members that met (or did not meet) the indicator.")
@click.option("--exclude-reviewed-within", "within_text", metavar="MONTHS",
              help="Leave out children picked (and not eliminated) in a selection saved in the last MONTHS months.")
@click.option("--member", "members", multiple=True, metavar="ID",
              help="Hand-pick this member (repeat; instead of --n): the picks in the order given.")
@click.option("--by", metavar="USERNAME", help="Pick as this user, with their role and scope (default: the whole "
                                              "department, as the other commands).")
@click.option("--dry-run", is_flag=True, help="Print the picks without saving the selection.")
@reasons
def reviews_pick(indicator_id, month, entity, n_text, seed, stratify, only, within_text, members, by, dry_run):
    """Draw cases for review from the members behind one cell; print the picks as CSV in draw order.

    Columns: draw, member_type, member_id, child_id, worker_id, unit_id, met (true/false; empty for a rate,
    median or count), stratum (empty when not stratified). The selection is saved (its id on stderr)
    unless --dry-run.
    """
    from store import reviews
    from queries.exports import to_csv
    from queries.scorecard import parse_entity, parse_month
    for option, value in (("--indicator ID", indicator_id), ("--month YYYY-MM", month),
                          ("--entity LEVEL:ID", entity), ("--seed S", seed)):
        if value is None:
            raise Failure(f"give {option}")
    n = _whole_number("--n", n_text, "the cases to pick per stratum, e.g. --n 5")
    if (n is None) == (not members):
        raise Failure("give either --n N (cases per stratum) or --member ID for each hand-picked case")
    criteria = reviews.Criteria(n, stratify, only, _whole_number(
        "--exclude-reviewed-within", within_text, "a number of months, e.g. 6"), tuple(members))
    cell = reviews.Cell(indicator_id, parse_month(month), parse_entity(entity))
    reviews.check_criteria(criteria, seed)
    engine = _store()
    scope, actor, via = _refused_if_outside(engine, by or _cli_actor(), "statboard reviews pick", "cli",
                                            lambda: _acting_as(engine, by))
    snapshot = _snapshot()
    selection = _refused_if_outside(engine, actor, "statboard reviews pick", via,
                                    lambda: reviews.pick(snapshot, scope, engine, [cell], seed, criteria))
    # Case-level records leave the store only once the draw is written down.
    if dry_run:
        reviews.record_draw(engine, selection, actor, via)
    else:
        selection = reviews.save_selection(engine, selection, actor, via)
    click.echo(to_csv(selection.picks_frame()), nl=False)
    short = reviews.shortfall_text(selection)
    if short:
        click.echo(short, err=True)
    said = f"{len(selection.picks)} picked, {len(selection.replacements)} in the replacement lists"
    click.echo(f"dry run, not saved: {said}" if dry_run else f"saved selection {selection.id}: {said}", err=True)


@reviews_group.command("eliminate")
@click.argument("selection_id")
@click.argument("member_id")
@click.option("--reason", help="The reason's id (`statboard reviews reasons` lists them).")
@click.option("--note", help="Why the reason applies to this case.")
@click.option("--by", metavar="USERNAME", help="Eliminate as this user, with their role and scope.")
@reasons
def reviews_eliminate(selection_id, member_id, reason, note, by):
    """Set aside a picked case (MEMBER_ID) of a saved selection for a listed reason, with a note.

    The next case of its stratum's replacement list takes its place; it is printed as CSV (the columns of
    `reviews pick`), with nothing but the header when the stratum has none left.
    """
    from store import reviews
    from queries.exports import to_csv
    number = _whole_number("SELECTION_ID", selection_id, "the id `reviews pick` said, e.g. 3")
    if reason is None or note is None:
        raise Failure("give --reason R (`statboard reviews reasons` lists them) and --note TEXT")
    listed = _elimination_reasons()
    engine = _store()
    scope, actor, via = _refused_if_outside(engine, by or _cli_actor(), "statboard reviews eliminate", "cli",
                                            lambda: _acting_as(engine, by))
    gone, replacement = _refused_if_outside(
        engine, actor, "statboard reviews eliminate", via,
        lambda: reviews.eliminate(engine, scope, number, member_id, reason, note, actor, listed, via))
    click.echo(to_csv(reviews.cases_frame([replacement] if replacement else [])), nl=False)
    click.echo(f"eliminated draw {gone.draw} of selection {number} ({gone.elimination_label}); " +
               (f"draw {replacement.draw} takes its place" if replacement else
                f"no replacement left in {'stratum ' + gone.stratum if gone.stratum else 'the selection'}"),
               err=True)


@reviews_group.command("show")
@click.argument("selection_id")
@click.option("--by", metavar="USERNAME", help="Show as this user, with their role and scope.")
@reasons
def reviews_show(selection_id, by):
    """Every case of a saved selection as CSV: the picks in draw order, then the replacement lists.

    Columns: those of `reviews pick`, then rank (in its stratum's order), replaces_draw (the eliminated pick
    a replacement took the place of), eliminated_at (UTC), eliminated_by, reason and note.
    """
    from store import db, reviews
    from queries.exports import to_csv
    number = _whole_number("SELECTION_ID", selection_id, "the id `reviews pick` said, e.g. 3")
    engine = _store()
    scope, actor, via = _refused_if_outside(engine, by or _cli_actor(), "statboard reviews show", "cli",
                                            lambda: _acting_as(engine, by))
    selection = _refused_if_outside(engine, actor, "statboard reviews show", via,
                                    lambda: reviews.load_selection(engine, scope, number))
    db.record(engine, actor, "review-selection-shown", {"selection": number, "via": via})
    click.echo(to_csv(reviews.selection_frame(selection)), nl=False)
    cells = ", ".join(f"{c.indicator_id} {c.month:%Y-%m}" for c in selection.cells)
    click.echo(f"selection {number}: {selection.entity}, {cells}, seed {selection.seed}, data version "
               f"{selection.version_id}, by {selection.created_by} at {selection.created_at:%Y-%m-%d %H:%M} UTC",
               err=True)


REVIEW_COLUMNS = ["review", "selection", "draw", "indicator_id", "month", "entity", "member_type", "member_id",
                  "child_id", "worker_id", "unit_id", "assignee", "due", "status", "completed_at", "completed_by"]


def _reviews_frame(found):
    import pandas as pd
    return pd.DataFrame([(r.id, r.selection_id, r.draw, r.indicator_id, f"{r.month:%Y-%m}", str(r.entity),
                          r.member_type, r.member_id, r.child_id, r.worker_id, r.unit_id, r.assignee,
                          f"{r.due:%Y-%m-%d}", r.status, r.completed_at and f"{r.completed_at:%Y-%m-%dT%H:%M:%SZ}",
                          r.completed_by) for r in found], columns=REVIEW_COLUMNS)


@reviews_group.command("assign")
@click.argument("selection_id")
@click.option("--reviewer", metavar="USERNAME", help="Who reviews the cases: a manager whose scope covers the "
                                                    "selection's entity, or an executive.")
@click.option("--due", metavar="YYYY-MM-DD", help="The day the reviews are due.")
@click.option("--by", metavar="USERNAME", help="Assign as this user, with their role and scope.")
@reasons
def reviews_assign(selection_id, reviewer, due, by):
    """Open a review of each case picked (and not eliminated) in a saved selection that has none yet,
    assigned to --reviewer and due on --due; print them as CSV (the columns of `reviews queue`)."""
    from store import case_reviews
    from queries.exports import to_csv
    number = _whole_number("SELECTION_ID", selection_id, "the id `reviews pick` said, e.g. 3")
    if reviewer is None or due is None:
        raise Failure("give --reviewer USERNAME and --due YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(due) if len(due) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise Failure(f"--due {due!r} is not a day: write YYYY-MM-DD, e.g. 2026-12-31")
    engine = _store()
    reader, via = _refused_if_outside(engine, by or _cli_actor(), "statboard reviews assign", "cli",
                                      lambda: _reader_acting_as(engine, by))
    opened = _refused_if_outside(engine, reader.username, "statboard reviews assign", via,
                                 lambda: case_reviews.open_reviews(engine, reader, number, reviewer, day, via))
    click.echo(to_csv(_reviews_frame(opened)), nl=False)
    click.echo(f"opened {len(opened)} review(s) of selection {number} for {opened[0].assignee}, due {day}", err=True)


@reviews_group.command("queue")
@click.option("--assignee", metavar="USERNAME", help="Only the reviews assigned to this user.")
@click.option("--status", metavar="STATUS", help="Only the reviews of this status: assigned, in progress, completed.")
@click.option("--by", metavar="USERNAME", help="List as this user, with their role and scope.")
@reasons
def reviews_queue(assignee, status, by):
    """The reviews of picked cases, the soonest due first, as CSV: review, selection, draw, indicator_id, month,
    entity, member_type, member_id, child_id, worker_id, unit_id, assignee, due, status, completed_at (UTC),
    completed_by."""
    from store import case_reviews, db
    from queries.exports import to_csv
    engine = _store()
    reader, via = _refused_if_outside(engine, by or _cli_actor(), "statboard reviews queue", "cli",
                                      lambda: _reader_acting_as(engine, by))
    found = _refused_if_outside(engine, reader.username, "statboard reviews queue", via,
                                lambda: case_reviews.list_queue(engine, reader, assignee, status))
    db.record(engine, reader.username, "case-review-queue-shown",
                 {"assignee": assignee, "status": status, "reviews": len(found), "via": via})
    click.echo(to_csv(_reviews_frame(found)), nl=False)
    click.echo(f"{len(found)} review(s)", err=True)


@reviews_group.command("reasons")
@click.argument("file", type=click.Path(path_type=Path), required=False)
@reasons
def reviews_reasons(file: Path | None):
    """List the elimination reasons, checking FILE (default: STATBOARD_ELIMINATION_REASONS, or
    reviews/elimination_reasons.toml)."""
    listed = _elimination_reasons(file)
    click.echo(f"{listed.path}")
    for ident, label in listed.reasons:
        click.echo(f"  {ident:<28} {label}")


@main.group("meetings")
def meetings_group():
    """Stat meetings (the app store) and their data books. The command line acts with an executive's reach."""


def _meetings_reader():
    from access.roles import Reader
    from access.scope import Scope
    return Reader(_cli_actor(), "executive", Scope.everything())


@meetings_group.command("new")
@click.option("--entity", metavar="LEVEL:ID", help="Whose meeting: department, bureau:ID or office:ID; provider:ID "
                                                   "for a provider's performance review (its contract's metrics).")
@click.option("--month", metavar="YYYY-MM", help="The data month it discusses.")
@click.option("--title", help="Default: \"<entity> Stat, <month>\".")
@click.option("--date", "held_on", metavar="YYYY-MM-DD", help="The day it is held (default: today).")
@click.option("--attendee", "attendees", multiple=True, metavar="'NAME <ADDRESS>'",
              help="Someone who attends: a name, an address, or both as Name <name@agency.gov>; repeat for each.")
@click.option("--by", metavar="USERNAME", help="Open it as this user, with their role and scope.")
@reasons
def meetings_new(entity, month, title, held_on, attendees, by):
    """Open a meeting of --entity on --month, pinned to the current data version; print its id."""
    from store import meetings
    from store.meeting_numbers import parse_meeting_entity, prepare
    from queries.scorecard import parse_month
    if entity is None or month is None:
        raise Failure("give --entity LEVEL:ID (e.g. bureau:B01, or provider:FFA07 for a provider's performance "
                      "review) and --month YYYY-MM")
    where, when = parse_meeting_entity(entity), parse_month(month)
    engine = _store()
    reader, via = _reader_acting_as(engine, by)
    snapshot = _snapshot()
    name, ancestry, when = _refused_if_outside(engine, reader.username, "statboard meetings new", via,
                                               lambda: prepare(snapshot, meetings.change_scope(reader), where, when,
                                                               engine))
    # each --attendee is one line of the page's attendees box, so one attendee cannot smuggle in a second
    if any(";" in a or len(a.splitlines()) != 1 for a in attendees):
        raise Failure("each --attendee is one person on one line, without ';': give a name, an address, or "
                      "Name <address>, and repeat --attendee for the next")
    people = meetings.parse_attendees("\n".join(attendees)) if attendees else ""
    meeting = _refused_if_outside(engine, reader.username, "statboard meetings new", via, lambda: (
        meetings.create_meeting(engine, reader, where, name, ancestry, when, snapshot.version.version_id,
                                snapshot.version.as_of, held_on, title, people, via=via,
                                today=Settings.from_env().today())))
    click.echo(meeting.id)
    click.echo(f"opened meeting {meeting.id}: {meeting.title}, {meeting.held_on}, on data version "
               f"{meeting.version_id} (as of {meeting.as_of})", err=True)


@meetings_group.command("list")
@reasons
def meetings_list():
    """The meetings, newest first: id, date, status, entity, data month and version, title."""
    from store import meetings
    found = meetings.list_meetings(_store(), _meetings_reader())
    if not found:
        click.echo("no meetings yet: `statboard meetings new --entity LEVEL:ID --month YYYY-MM`", err=True)
    for m in found:
        click.echo(f"{m.id:>5}  {m.held_on}  {m.status:<6}  {str(m.entity):<16} {m.month:%Y-%m}  "
                   f"v{m.version_id:<4} {m.title}")


@meetings_group.command("databook")
@click.argument("meeting_id")
@click.option("--format", "fmt", type=click.Choice(["pptx", "pdf"]), required=True, help="PowerPoint or PDF.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (readable by this account only).")
@reasons
def meetings_databook(meeting_id, fmt, out):
    """Write MEETING_ID's data book: title, scorecard, agenda items with their charts, actions."""
    import databook
    from store import meetings
    from store.meeting_book import assemble
    from queries.warehouse import Warehouse
    from reviews.instrument import load_instrument
    number = _whole_number("MEETING_ID", meeting_id, "the id `meetings new` printed, e.g. 3")
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise Failure(f"--out {out}: there is no folder {folder}; make it first, or write the book elsewhere")
    engine = _store()
    reader = _meetings_reader()
    settings = Settings.from_env()
    warehouse = Warehouse(settings.warehouse_url)
    try:
        book = assemble(warehouse, engine, reader, number, load_instrument(settings.instrument_path))
        data = databook.build(book, fmt)
    finally:
        warehouse.dispose()
    # Written down before it is handed over, as every export is.
    meetings.record_export(engine, reader, book.meeting, fmt, via=f"cli, to {out}")
    _write_private(data, out)
    click.echo(f"wrote the {fmt.upper()} data book of meeting {number} ({len(data):,} bytes) to {out}", err=True)


@meetings_group.command("followup")
@click.argument("meeting_id")
@click.option("--send", is_flag=True, help="Mail it to the attendees as the meeting page's Send does (its checks, "
              "its limit and its log); without it, only print it.")
@click.option("--by", metavar="USERNAME", help="As this user, with their role and scope.")
@reasons
def meetings_followup(meeting_id, send, by):
    """Print MEETING_ID's follow-up (the saved edit, else the one drawn from the meeting); --send mails it."""
    from store.meeting_book import assemble
    from queries.warehouse import Warehouse
    from reviews.instrument import load_instrument
    from web.mail import MailError, send_and_record
    from store.followup import followup_for
    number = _whole_number("MEETING_ID", meeting_id, "the id `meetings new` printed, e.g. 3")
    engine = _store()
    reader, via = _reader_acting_as(engine, by)
    settings = Settings.from_env()
    warehouse = Warehouse(settings.warehouse_url)
    where = f"statboard meetings followup {number}" + (" --send" if send else "")
    try:
        book = _refused_if_outside(engine, reader.username, where, via, lambda: assemble(
            warehouse, engine, reader, number, load_instrument(settings.instrument_path)))
    finally:
        warehouse.dispose()
    text = followup_for(book)
    click.echo(text, nl=False)
    if send:
        try:
            sent = _refused_if_outside(engine, reader.username, where, via,
                                       lambda: send_and_record(settings, engine, reader, book, via=via))
        except MailError as exc:
            raise Failure(f"the follow-up of meeting {number} was not sent: {exc}") from None
        click.echo(f"{sent} (meeting {number})", err=True)


def _meeting_book(engine, reader, via: str, where: str, number: int, settings=None):
    """The meeting as its page shows it to `reader` (scope checked, a refusal audited)."""
    from store.meeting_book import assemble
    from queries.warehouse import Warehouse
    from reviews.instrument import load_instrument
    settings = settings or Settings.from_env()
    warehouse = Warehouse(settings.warehouse_url)
    try:
        return _refused_if_outside(engine, reader.username, where, via, lambda: assemble(
            warehouse, engine, reader, number, load_instrument(settings.instrument_path)))
    finally:
        warehouse.dispose()


MEETING_PARTS = ("agenda", "actions", "reviews")


@meetings_group.command("show")
@click.argument("meeting_id")
@click.option("--format", "fmt", type=click.Choice(["text", "csv"]), default="text", show_default=True,
              help="text: the whole meeting to read; csv: one part (--part) as a table.")
@click.option("--part", type=click.Choice(MEETING_PARTS), help="With --format csv: the agenda, the actions (carried "
              "over and agreed) or the case reviews (case-level access only).")
@click.option("--by", metavar="USERNAME", help="As this user, with their role and scope.")
@reasons
def meetings_show(meeting_id, fmt, part, by):
    """MEETING_ID as its page shows it: status, agenda (each cell's value and status), actions and case reviews
    (ids masked)."""
    from queries.exports import to_csv
    from store.meeting_text import meeting_frames, meeting_text
    number = _whole_number("MEETING_ID", meeting_id, "the id `meetings new` printed, e.g. 3")
    if fmt == "csv" and part is None:
        raise Failure(f"--format csv writes one table: give --part {'|'.join(MEETING_PARTS)}")
    engine = _store()
    reader, via = _reader_acting_as(engine, by)
    book = _meeting_book(engine, reader, via, f"statboard meetings show {number}", number)
    if fmt == "text":
        click.echo(meeting_text(book), nl=False)
        return
    frames = meeting_frames(book)
    if part == "reviews" and not reader.data_scope().case_level:
        raise Failure("case reviews are case-level records, which your access does not include")
    click.echo(to_csv(frames[part]), nl=False)
    click.echo(f"{len(frames[part])} row{'' if len(frames[part]) == 1 else 's'} ({part} of meeting {number})",
               err=True)


@meetings_group.group("agenda")
def meetings_agenda():
    """A meeting's agenda, prepared ahead."""


def _cell_option(indicator, entity) -> tuple[str, "EntityRef"]:
    from store.meeting_numbers import parse_meeting_entity
    if not indicator or not entity:
        raise Failure("give --indicator ID (e.g. timely_contacts) and --entity LEVEL:ID (e.g. office:O001, or the "
                      "provider of a performance review, provider:FFA07)")
    return indicator, parse_meeting_entity(entity)


@meetings_agenda.command("add")
@click.argument("meeting_id")
@click.option("--indicator", metavar="ID", help="The indicator (`statboard indicators list`).")
@click.option("--entity", metavar="LEVEL:ID", help="Where: the meeting's entity or one under it, e.g. office:O001; "
                                                   "with --source, the source's entity, e.g. state:CA.")
@click.option("--source", metavar="NAME", help="A published source (`statboard versions` lists them): put its "
                                               "figure of --indicator for --entity on the agenda, as published.")
@click.option("--note", metavar="TEXT", default="", help="The story behind the data, for the room.")
@click.option("--by", metavar="USERNAME", help="As this user, with their role and scope.")
@reasons
def meetings_agenda_add(meeting_id, indicator, entity, source, note, by):
    """Put a cell (--indicator for --entity, in the meeting's data version) on MEETING_ID's agenda, as flagging it
    on the meeting's scorecard does; with --source, a published figure (pinned to the source's newest version)."""
    from store import meeting_acts, meetings
    from queries.warehouse import Warehouse
    number = _whole_number("MEETING_ID", meeting_id, "the id `meetings new` printed, e.g. 3")
    indicator_id, where = _cell_option(indicator, entity) if source is None else (None, None)
    engine = _store()
    reader, via = _reader_acting_as(engine, by)
    if source is not None:
        item, name = _published_item(engine, reader, via, number, source, indicator, entity)
    else:
        warehouse = Warehouse(Settings.from_env().warehouse_url)
        try:
            item, name = _refused_if_outside(engine, reader.username, f"statboard meetings agenda add {number}",
                                             via, lambda: meeting_acts.flag_cell(warehouse, engine, reader, number,
                                                                                 indicator_id, where))
        finally:
            warehouse.dispose()
    if note:
        meetings.set_notes(engine, reader, number, item.id, note)
    click.echo(item.id)
    said = f"{name} for {item.entity_name}" + (", as published," if source is not None else "")
    click.echo(f"added {said} to meeting {number}'s agenda (item {item.position})", err=True)


def _published_item(engine, reader, via: str, number: int, source: str, indicator: str | None, entity: str | None):
    """`meetings agenda add --source`: the published figure's item and its indicator's name."""
    from store import meeting_acts
    entity_type, _, entity_id = (entity or "").partition(":")
    if not indicator or not entity_type or not entity_id:
        raise Failure("with --source, give --indicator ID (e.g. cfsr_reentry) and --entity TYPE:ID (e.g. state:CA)")
    return _refused_if_outside(engine, reader.username, f"statboard meetings agenda add {number}", via,
                               lambda: meeting_acts.flag_published(engine, reader, number, source, indicator,
                                                                   entity_type, entity_id))


@meetings_group.group("action")
def meetings_action():
    """A meeting's actions, agreed ahead or after."""


@meetings_action.command("add")
@click.argument("meeting_id")
@click.option("--what", metavar="TEXT", help="What is to be done.")
@click.option("--owner", metavar="NAME", help="Who does it.")
@click.option("--due", metavar="YYYY-MM-DD", help="By when: on or after the meeting's day.")
@click.option("--indicator", metavar="ID", help="The indicator it is meant to move.")
@click.option("--entity", metavar="LEVEL:ID", help="Where: the meeting's entity or one under it.")
@click.option("--by", metavar="USERNAME", help="As this user, with their role and scope.")
@reasons
def meetings_action_add(meeting_id, what, owner, due, indicator, entity, by):
    """Agree an action at MEETING_ID (open), as the meeting page's form does; print its id."""
    from store import meeting_acts
    from queries.warehouse import Warehouse
    number = _whole_number("MEETING_ID", meeting_id, "the id `meetings new` printed, e.g. 3")
    missing = [f"--{n}" for n, v in (("what", what), ("owner", owner), ("due", due)) if not v]
    if missing:
        raise Failure(f"give {', '.join(missing)}: what is to be done, who does it, and by when (YYYY-MM-DD)")
    indicator_id, where = _cell_option(indicator, entity)
    engine = _store()
    reader, via = _reader_acting_as(engine, by)
    warehouse = Warehouse(Settings.from_env().warehouse_url)
    try:
        action, _new = _refused_if_outside(
            engine, reader.username, f"statboard meetings action add {number}", via,
            lambda: meeting_acts.agree_action(warehouse, engine, reader, number, what, owner, due, indicator_id,
                                              where))
    finally:
        warehouse.dispose()
    click.echo(action.id)
    click.echo(f"agreed action {action.id} at meeting {number}: {action.owner}, due {action.due}", err=True)


@meetings_group.command("close")
@click.argument("meeting_id")
@click.option("--by", metavar="USERNAME", help="As this user (the chair: a manager whose scope holds the meeting's "
                                                "entity, or an executive).")
@reasons
def meetings_close(meeting_id, by):
    """Close MEETING_ID, keeping the numbers it showed; its open actions carry over to the next meeting."""
    from store import meeting_acts
    from queries.warehouse import Warehouse
    number = _whole_number("MEETING_ID", meeting_id, "the id `meetings new` printed, e.g. 3")
    engine = _store()
    reader, via = _reader_acting_as(engine, by)
    warehouse = Warehouse(Settings.from_env().warehouse_url)
    try:
        meeting = _refused_if_outside(engine, reader.username, f"statboard meetings close {number}", via,
                                      lambda: meeting_acts.close(warehouse, engine, reader, number, via=via))
    finally:
        warehouse.dispose()
    click.echo(f"closed meeting {meeting.id} ({meeting.title}), keeping its numbers (data version "
               f"{meeting.version_id})", err=True)


@meetings_group.command("reopen")
@click.argument("meeting_id")
@click.option("--by", metavar="USERNAME", help="As this user (the meeting's owner, or an executive).")
@reasons
def meetings_reopen(meeting_id, by):
    """Reopen closed MEETING_ID to correct it (logged); close it again when done."""
    from store import meetings
    number = _whole_number("MEETING_ID", meeting_id, "the id `meetings new` printed, e.g. 3")
    engine = _store()
    reader, via = _reader_acting_as(engine, by)
    meeting = _refused_if_outside(engine, reader.username, f"statboard meetings reopen {number}", via,
                                  lambda: meetings.reopen_meeting(engine, reader, number, via=via))
    click.echo(f"reopened meeting {meeting.id} ({meeting.title})", err=True)


def _write_private(data: bytes, out: Path) -> None:
    """`data` to `out` whole or not at all, readable by this account only (it names children's offices' numbers
    and masked cases): a private temporary file renamed into place."""
    import tempfile
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent if str(out.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@main.group("db")
def db_group():
    """The app's own store (users, reviews, actions, audit log)."""


@db_group.command("upgrade")
@reasons
def db_upgrade():
    """Create or migrate the app store's tables to the latest schema."""
    from store import db
    settings = Settings.from_env()
    db.upgrade(db.store_engine(settings.database_url))
    click.echo("app store is up to date")


@main.command("dev")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@reasons
def dev(host: str, port: int):
    """Run the development server (one process, reloads nothing; not for production)."""
    from app import create_app
    from store import db
    # Development: the development secret key is allowed and cookies go over plain HTTP (this machine only).
    overrides = {} if os.environ.get("STATBOARD_ENV") else {"environment": "development"}
    app = create_app(overrides)
    db.upgrade(db.store_engine(Settings.from_env().database_url))
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
    from store import db
    settings = Settings.from_env()
    settings.check_for_app()  # refuse here, with the reason, not in each worker
    db.upgrade(db.store_engine(settings.database_url))

    class Server(BaseApplication):
        def load_config(self):
            for name, value in gunicorn_options(host, port, workers).items():
                self.cfg.set(name, value)

        def load(self):
            return create_app().server

    Server().run()


def gunicorn_options(host: str, port: int, workers: int) -> dict:
    """The gunicorn settings `statboard serve` runs with."""
    return {
        "bind": f"{host}:{port}",
        "workers": workers,
        # Threads let one process answer a page's parallel callback requests.
        "worker_class": "gthread",
        "threads": 4,
        # STATBOARD_TRUSTED_PROXIES alone decides which X-Forwarded-* headers are believed (ProxyFix, in
        # web/auth.py). Left to itself, gunicorn believes X-Forwarded-Proto from 127.0.0.1 and ::1 (and from
        # any Unix socket) whatever that setting says.
        "forwarded_allow_ips": "",
        "secure_scheme_headers": {},
        "forwarder_headers": "",
    }


if __name__ == "__main__":
    main()
