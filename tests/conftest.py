"""Shared fixtures: real warehouses (a DuckDB file, a fresh PostgreSQL database) and extracts."""
from __future__ import annotations

import contextlib
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from queries.warehouse import Warehouse

PG_ADMIN_URL = os.environ.get("STATBOARD_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_or_skip() -> sa.Engine:
    """The PostgreSQL server to make test databases on; in CI a missing server fails the run."""
    engine = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is required in CI and is not reachable: {exc.orig}")
        pytest.skip(f"PostgreSQL at {PG_ADMIN_URL} not reachable")
    return engine


@contextlib.contextmanager
def fresh_postgres_database(copy_of: str | None = None):
    """Create an empty PostgreSQL database (or a copy of the one at URL `copy_of`, which nothing may be connected
    to), yield its URL, and drop it afterwards."""
    admin = _postgres_or_skip()
    name = f"statboard_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        if copy_of is not None:  # its collation and everything in it, copied file by file
            conn.execute(sa.text(f"create database {name} template {sa.engine.make_url(copy_of).database}"))
        else:
            # A linguistic default collation, as many production servers have: ids must still
            # compare by code point, which the warehouse has to ask for itself.
            conn.execute(sa.text(f"create database {name} template template0 encoding 'UTF8' "
                                 "locale_provider icu icu_locale 'en-US'"))
    url = sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f"drop database {name} with (force)"))
    admin.dispose()


@pytest.fixture(scope="session")
def migrated_postgres_store():
    """A PostgreSQL app store migrated to the newest revision, made once per run: the tests' new PostgreSQL
    stores are copies of it (tests/web.py new_store does the same for SQLite; the migrations are tested on empty
    stores, tests/test_store.py)."""
    from store import db
    with fresh_postgres_database() as url:
        engine = db.store_engine(url)
        db.upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture
def new_store_engine(request, tmp_path):
    """`new_store_engine(kind)`: the engine of a new app store at the newest migration, of `kind` "sqlite" (at
    tmp_path/store/statboard.db, or `path`) or "postgresql" (a database of its own, dropped after the test), a copy
    of one migrated once rather than migrated again (a quarter of a second a store on PostgreSQL)."""
    from store import db
    from tests.web import new_store
    with contextlib.ExitStack() as stack:
        def make(kind: str, path: Path | None = None):
            if kind == "sqlite":
                url = f"sqlite:///{new_store(path or tmp_path / 'store' / 'statboard.db')}"
            else:
                copy_of = request.getfixturevalue("migrated_postgres_store")
                url = stack.enter_context(fresh_postgres_database(copy_of=copy_of))
            engine = db.store_engine(url)
            stack.callback(engine.dispose)
            return engine
        yield make


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def duckdb_url(tmp_path):
    return f"duckdb:///{tmp_path / 'instance' / 'warehouse.duckdb'}"


@pytest.fixture(params=["duckdb", "postgresql"])
def warehouse(request, tmp_path):
    """A real, empty warehouse of each supported kind."""
    if request.param == "duckdb":
        url = request.getfixturevalue("duckdb_url")
    else:
        url = request.getfixturevalue("postgres_url")
    wh = Warehouse(url)
    yield wh
    wh.dispose()


@pytest.fixture(scope="session")
def demo_instance(tmp_path_factory):
    """An instance folder whose DuckDB warehouse holds the whole `small` demo agency, loaded once per run.

    Tests read it and never write to it.
    """
    from demodata.generate import generate
    from loader.load import load_extract
    root = tmp_path_factory.mktemp("demo-instance")
    generate(root / "extract", "small", 42)
    warehouse = Warehouse(f"duckdb:///{root / 'instance' / 'warehouse.duckdb'}")
    load_extract(root / "extract", warehouse)
    warehouse.dispose()
    return root / "instance"


@pytest.fixture(scope="session")
def demo_snapshot(demo_instance):
    """The current data version of the `small` demo warehouse, for tests that read it."""
    warehouse = Warehouse(f"duckdb:///{demo_instance / 'warehouse.duckdb'}")
    yield warehouse.snapshot()
    warehouse.dispose()


@pytest.fixture
def run(tmp_path, monkeypatch):
    """`statboard ARGS...` in-process, on an instance folder of its own; `input=` is its standard input."""
    from click.testing import CliRunner

    from cli import main
    monkeypatch.setenv("STATBOARD_INSTANCE_DIR", str(tmp_path / "instance"))
    for var in [v for v in os.environ if v.startswith("STATBOARD_") and not v.startswith("STATBOARD_TEST_")
                and v != "STATBOARD_INSTANCE_DIR"]:
        monkeypatch.delenv(var)
    runner = CliRunner()
    return lambda *args, input=None: runner.invoke(main, [str(a) for a in args], input=input)


@pytest.fixture
def smtp_server():
    """Start a real SMTP server on 127.0.0.1 (tests/mail_server.py): call it for its inbox and URL."""
    from tests.mail_server import smtp_server_fixture
    yield from smtp_server_fixture()


# The slowest files first: with `pytest -n 3 --dist loadfile` (make test) each worker takes whole files in this
# order, so the long ones run side by side from the start rather than one alone at the end. By each file's time in
# a run of the whole suite (pytest --durations=0, summed by file), longest first.
SLOWEST_FIRST = ("test_hardening.py", "test_meeting_pinning.py", "test_meetings.py", "test_accessibility.py",
                 "test_cache_attacks.py", "test_meeting_attacks.py", "test_loader_rules.py", "test_case_reviews.py",
                 "test_indicators.py", "test_browser.py", "test_measures_demo.py", "test_warehouse_loads.py",
                 "test_layout_browser.py", "test_cli.py", "test_present_browser.py", "test_databook.py",
                 "test_live.py", "test_browser_meetings.py", "test_present_charts.py", "test_users.py",
                 "test_cache.py", "test_mail_headers.py", "test_roles.py", "test_disclosure.py",
                 "test_reviews_pick.py")


def pytest_configure(config):
    # pytest-xdist (3.x) hands out files by how many tests each holds, most first, unless told to keep the
    # order below: a file of a few long tests (the meetings' pinning, the browser's meeting walk) then started
    # last and ran alone at the end.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items):
    rank = {name: n for n, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: each file's own order is kept
