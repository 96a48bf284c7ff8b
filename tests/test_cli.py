"""The statboard command: help everywhere, results on stdout, one-line reasons and non-zero exits."""
from __future__ import annotations

import pytest

from cli import main
from tests.extracts import good_rows, write_extract


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield prefix + (name,)
        if hasattr(command, "commands"):
            yield from _commands(command, prefix + (name,))


@pytest.mark.parametrize("command", list(_commands(main)), ids=" ".join)
def test_every_command_has_help(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert len(result.output.split("\n\n")[1].strip()) > 20  # a real description, not just usage


def test_demo_data_then_load_then_versions(run, tmp_path):
    assert run("demo-data", tmp_path / "x", "--scale", "small", "--seed", 3).exit_code == 0
    loaded = run("load", tmp_path / "x")
    assert loaded.exit_code == 0, loaded.output
    assert loaded.output.startswith("loaded data version 1: as of 2026-11-10, ")
    assert "rows/s" in loaded.output
    listed = run("versions")
    assert listed.exit_code == 0 and "as of 2026-11-10" in listed.output


def test_a_load_is_written_to_the_audit_log(run, tmp_path):
    from store.db import audit_entries, store_engine
    run("load", write_extract(tmp_path / "x"))
    entries = audit_entries(store_engine(f"sqlite:///{tmp_path / 'instance' / 'statboard.db'}"))
    assert [(e["action"], e["detail"]["version_id"], e["detail"]["as_of"]) for e in entries] == [("load", 1, "2024-06-30")]


def test_a_refused_load_lists_problems_and_ends_with_a_one_line_reason(run, tmp_path):
    rows = good_rows()
    rows["children"][0]["sex"] = "female"
    result = run("load", write_extract(tmp_path / "x", rows))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines == ["children.csv, line 2, column sex, value 'female': must be one of: f, m, x, u",
                     "statboard: load refused: 1 problem(s) in 1 file(s); the warehouse was not changed. "
                     "Fix the extract and load it again."]


@pytest.mark.parametrize("args,reason", [
    (("load", "/nonexistent/extract"), "statboard: /nonexistent/extract is not a directory"),
    (("versions",), "statboard: no data loaded yet: run `statboard load DIR`"),
])
def test_failures_exit_non_zero_with_one_line(run, args, reason):
    result = run(*args)
    assert result.exit_code == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith(reason)


def test_a_bad_warehouse_url_is_one_line(run, tmp_path, monkeypatch):
    monkeypatch.setenv("STATBOARD_WAREHOUSE_URL", "oracle://db/x")
    result = run("load", write_extract(tmp_path / "x"))
    assert result.exit_code == 1
    assert result.stderr.startswith("statboard: Statboard has no warehouse dialect for 'oracle'")


def test_serve_runs_the_production_server(tmp_path):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-c", "from cli import main; main()", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", "1"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("STATBOARD_")}
    env["STATBOARD_INSTANCE_DIR"] = str(tmp_path / "instance")
    # Production with no secret key, or the development one: refused before anything listens.
    for key in (None, "statboard-development-key-not-for-production"):
        refused = subprocess.run(command, env=env | ({"STATBOARD_SECRET_KEY": key} if key else {}),
                                 capture_output=True, text=True, timeout=60)
        assert refused.returncode == 1 and "STATBOARD_SECRET_KEY is missing, the development key" in refused.stderr
    env |= {"STATBOARD_SECRET_KEY": "0123456789abcdef" * 4, "STATBOARD_SECURE_COOKIES": "false"}
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # Signed out: the scorecard redirects to the sign-in form.
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/scorecard") as response:
                    assert response.status == 200 and response.url.endswith("/login?next=/scorecard")
                    assert b'name="password"' in response.read()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "statboard serve did not answer within 60 s"
                time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_an_unusable_app_store_stops_the_load_before_the_warehouse_changes(run, tmp_path, monkeypatch):
    (tmp_path / "blocked").write_text("a file where the store's folder should be")
    monkeypatch.setenv("STATBOARD_DATABASE_URL", f"sqlite:///{tmp_path / 'blocked' / 'statboard.db'}")
    result = run("load", write_extract(tmp_path / "x"))
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "instance" / "warehouse.duckdb").exists()


def test_users_from_the_command_line(run, tmp_path):
    assert run("load", write_extract(tmp_path / "x")).exit_code == 0
    added = run("users", "add", "Ana", "--role", "manager", "--scope", "office:O1", input="a long passphrase\n")
    assert added.exit_code == 0 and added.stdout == "added ana: manager, office:O1\n"
    assert run("users", "add", "ben", "--role", "admin", input="another passphrase\n").exit_code == 0
    for args, stdin, says in [
        (("users", "add", "cy", "--role", "manager", "--scope", "office:O9"), "a long passphrase\n",
         "--scope office:O9: there is no office 'O9'"),
        (("users", "add", "cy", "--role", "manager"), "a long passphrase\n", "a manager needs the bureau"),
        (("users", "add", "ana", "--role", "analyst"), "a long passphrase\n", "there is already a user 'ana'"),
        (("users", "add", "cy", "--role", "analyst"), "", "no password on standard input"),
        (("users", "disable", "nobody"), None, "there is no user 'nobody'"),
        (("users", "set-password", "nobody"), "a long passphrase\n", "there is no user 'nobody'"),
        (("users", "demo"), None, "only with STATBOARD_ENV=development"),
    ]:
        result = run(*args, input=stdin)
        assert result.exit_code == 1 and says in result.stderr, (args, result.stderr)
    assert run("users", "disable", "ana").exit_code == 0
    lines = run("users", "list").stdout.splitlines()
    assert lines[1].split() == ["ana", "manager", "office:O1", "disabled", "never"]
    assert lines[2].split() == ["ben", "admin", "-", "active", "never"]
    assert run("users", "enable", "ana").exit_code == 0
    assert run("users", "set-password", "ana", input="a new passphrase too\n").exit_code == 0
    from store.db import store_engine
    from store.users import authenticate
    engine = store_engine(f"sqlite:///{tmp_path / 'instance' / 'statboard.db'}")
    assert authenticate(engine, "ana", "a new passphrase too", None).status == "active"
    log = run("export", "audit", "--actor", "cli:" + __import__("getpass").getuser()).stdout
    assert [line.split(",")[2] for line in log.splitlines()[1:4]] == ["password-set", "user-enabled", "user-disabled"]
    # The same filters as the download: the last day there is means "to the end"; a bad day says what to write.
    assert run("export", "audit", "--until", "9999-12-31").stdout == run("export", "audit").stdout
    bad = run("export", "audit", "--since", "0000-01-01")
    assert bad.exit_code == 1 and "since '0000-01-01' is not a day: write YYYY-MM-DD" in bad.stderr


def test_demo_users_in_development(run, tmp_path, monkeypatch):
    assert run("load", write_extract(tmp_path / "x")).exit_code == 0
    monkeypatch.setenv("STATBOARD_ENV", "development")
    result = run("users", "demo")
    assert result.exit_code == 0 and "username executive, password statboard-demo" in result.stdout
    assert run("users", "demo").exit_code == 0  # again: the passwords are reset, nothing is added twice
    names = [line.split()[0] for line in run("users", "list").stdout.splitlines()[1:]]
    assert names == ["admin", "analyst", "executive", "manager", "provider", "viewer"]
    assert "provider (staff of provider:" in result.stdout  # the extract names providers: one's staff too
