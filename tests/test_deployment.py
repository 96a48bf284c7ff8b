"""What an operator's machine sees: instance files only their owner can read, and a server that believes
X-Forwarded-* headers exactly as STATBOARD_TRUSTED_PROXIES says."""
from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest

from loader.load import load_extract
from store import db
from queries.warehouse import Warehouse
from settings import Settings
from tests.extracts import write_extract

SECRET = "0123456789abcdef" * 4


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@contextmanager
def umask(value: int):
    """The usual umask of a login shell, under which files would be readable by every local account."""
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def statboard_env(instance) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATBOARD_") or k.startswith("STATBOARD_TEST_")}
    return env | {"STATBOARD_INSTANCE_DIR": str(instance)}


def assert_private(instance) -> list[str]:
    """The instance folder is 0700 and everything in it 0600 (links aside: their own mode means nothing)."""
    assert mode(instance) == 0o700, oct(mode(instance))
    names = []
    for path in instance.iterdir():
        if path.is_symlink():
            continue
        assert mode(path) == 0o600, f"{path.name} is {oct(mode(path))}"
        names.append(path.name)
    return sorted(names)


# -- instance files ----------------------------------------------------------------------------

def test_statboard_load_writes_a_private_instance(tmp_path):
    instance = tmp_path / "instance"
    extract = write_extract(tmp_path / "extract")
    loaded = subprocess.run([sys.executable, "-c", "from cli import main; main()", "load", str(extract)],
                            env=statboard_env(instance), capture_output=True, text=True, timeout=120,
                            preexec_fn=lambda: os.umask(0o022))
    assert loaded.returncode == 0, loaded.stderr
    assert assert_private(instance) == ["statboard.db", "warehouse.duckdb.lock", "warehouse.duckdb.v000001"]


def test_the_app_store_and_every_load_are_private_under_a_permissive_umask(tmp_path):
    instance = tmp_path / "instance"
    settings = Settings.from_env({"instance_dir": str(instance)}, environ={})
    with umask(0o022):
        engine = db.store_engine(settings.database_url)
        db.upgrade(engine)
        db.record(engine, "test", "load", {})
        engine.dispose()
        assert assert_private(instance) == ["statboard.db"]
        warehouse = Warehouse(settings.warehouse_url)
        for n in (1, 2):
            load_extract(write_extract(tmp_path / f"extract{n}"), warehouse)
        warehouse.dispose()
    assert assert_private(instance) == ["statboard.db", "warehouse.duckdb.lock", "warehouse.duckdb.v000001",
                                        "warehouse.duckdb.v000002"]


def test_a_warehouse_folder_of_its_own_is_made_private_too(tmp_path):
    with umask(0o022):
        load_extract(write_extract(tmp_path / "extract"), Warehouse(f"duckdb:///{tmp_path / 'a' / 'b' / 'w.duckdb'}"))
    assert mode(tmp_path / "a") == 0o700 and assert_private(tmp_path / "a" / "b") == ["w.duckdb.lock", "w.duckdb.v000001"]


def test_an_app_store_made_before_is_made_private_when_opened(tmp_path):
    path = tmp_path / "statboard.db"
    db.upgrade(db.store_engine(f"sqlite:///{path}"))
    path.chmod(0o644)
    db.store_engine(f"sqlite:///{path}").dispose()
    assert mode(path) == 0o600


# -- the server and proxies --------------------------------------------------------------------

def test_gunicorn_believes_no_forwarded_header_itself():
    from cli import gunicorn_options
    options = gunicorn_options("127.0.0.1", 8050, 1)
    # ProxyFix (web/auth.py) alone decides, from STATBOARD_TRUSTED_PROXIES; gunicorn's own default trusts
    # X-Forwarded-Proto from 127.0.0.1 and ::1 whatever the setting says.
    assert options["forwarded_allow_ips"] == "" and options["secure_scheme_headers"] == {}
    assert options["forwarder_headers"] == ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(tmp_path, workers: int = 1, **env):
    """`statboard serve` in production on a free port, on an instance of its own (`tmp_path`/instance)."""
    port = _free_port()
    command = [sys.executable, "-c", "from cli import main; main()", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=statboard_env(tmp_path / "instance") | {"STATBOARD_SECRET_KEY": SECRET} | env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "statboard serve did not answer within 60 s"
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _sign_in_page(url: str) -> int:
    """The status of the sign-in page asked for over plain HTTP from 127.0.0.1, claiming to be HTTPS."""
    request = urllib.request.Request(f"{url}/login", headers={"X-Forwarded-Proto": "https",
                                                              "X-Forwarded-For": "203.0.113.9"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize("proxies, status", [(None, 400), ("0", 400), ("1", 200)])
def test_serve_believes_x_forwarded_proto_only_from_trusted_proxies(tmp_path, proxies, status):
    # Secure cookies (production's default) need HTTPS: with no trusted proxy a forged header must not
    # pass for it (400, the page that says to use https://); with one, the proxy's word is taken.
    with serving(tmp_path, **({"STATBOARD_TRUSTED_PROXIES": proxies} if proxies else {})) as url:
        assert _sign_in_page(url) == status
