"""The agenda prepared ahead from the command line, with the page's rules: `statboard meetings show` (text, and
each part as CSV), `meetings agenda add`, `meetings action add`, `meetings close` and `reopen`, each `--by` a user
whose role and scope are checked and whose refusals are audited."""
from __future__ import annotations

import io

import pandas as pd
import pytest

from store import db
from store.users import add_user
from tests.test_cli_meetings import cli  # noqa: F401 - the fixture

PASS = "a long enough passphrase"


@pytest.fixture
def people(cli):  # noqa: F811
    add_user(cli.engine, "north", "manager", "bureau:B01", PASS, "test")
    add_user(cli.engine, "south", "manager", "bureau:B02", PASS, "test")
    add_user(cli.engine, "ana", "analyst", None, PASS, "test")
    return cli


def ok(result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_an_analyst_prepares_the_agenda_and_the_chair_closes_and_reopens(people):
    cli = people
    meeting = ok(cli("meetings", "new", "--entity", "bureau:B01", "--month", "2026-10", "--date", "2026-11-12",
                     "--by", "north")).strip()
    item = cli("meetings", "agenda", "add", meeting, "--indicator", "reentry", "--entity", "office:O001",
               "--note", "Two families came back in October", "--by", "ana")
    assert ok(item).strip().isdigit()
    assert "added Re-entry" in item.stderr and "Alder Office" in item.stderr
    action = cli("meetings", "action", "add", meeting, "--what", "Weekly huddle on re-entries", "--owner",
                 "Ana Diaz", "--due", "2026-12-01", "--indicator", "reentry", "--entity", "office:O001", "--by", "ana")
    action_id = ok(action).strip()
    text = ok(cli("meetings", "show", meeting, "--by", "ana"))
    assert f"Meeting {meeting}: North Bureau Stat, October 2026 (open)" in text
    assert "1. Re-entry" in text and "Alder Office" in text and "Two families came back in October" in text
    assert f"{action_id}. Weekly huddle on re-entries" in text and "Ana Diaz, due 01 Dec 2026" in text
    assert "reentry" not in text  # names, not ids
    agenda = pd.read_csv(io.StringIO(ok(cli("meetings", "show", meeting, "--format", "csv", "--part", "agenda",
                                            "--by", "ana"))))
    assert list(agenda.indicator_id) == ["reentry"] and list(agenda.entity) == ["office:O001"]
    assert agenda.status[0] in ("green", "yellow", "red", "none", "suppressed")
    actions = pd.read_csv(io.StringIO(ok(cli("meetings", "show", meeting, "--format", "csv", "--part", "actions"))))
    assert list(actions.action) == [int(action_id)] and list(actions.carried_over) == [False]
    # the analyst prepares; closing is the chair's
    refused = cli("meetings", "close", meeting, "--by", "ana")
    assert refused.exit_code == 1 and "chair" in refused.stderr and refused.stderr.count("\n") == 1
    closed = cli("meetings", "close", meeting, "--by", "north")
    assert closed.exit_code == 0 and "closed meeting" in closed.stderr
    assert "(closed on" in ok(cli("meetings", "show", meeting))
    late = cli("meetings", "action", "add", meeting, "--what", "x", "--owner", "y", "--due", "2026-12-01",
               "--indicator", "reentry", "--entity", "office:O001", "--by", "north")
    assert late.exit_code == 1 and "is closed" in late.stderr
    assert cli("meetings", "reopen", meeting, "--by", "ana").exit_code == 1
    reopened = cli("meetings", "reopen", meeting, "--by", "north")
    assert reopened.exit_code == 0 and "reopened meeting" in reopened.stderr
    assert "(open)" in ok(cli("meetings", "show", meeting))
    entries = db.audit_entries(cli.engine, None, action="meeting-reopened")
    assert [e["actor"] for e in entries] == ["north"] and entries[0]["detail"]["via"].startswith("cli")


def test_outside_the_scope_is_refused_and_audited(people):
    cli = people
    meeting = ok(cli("meetings", "new", "--entity", "bureau:B01", "--month", "2026-10", "--date", "2026-11-12",
                     "--by", "north")).strip()
    for args in (("show", meeting), ("agenda", "add", meeting, "--indicator", "reentry", "--entity", "bureau:B01"),
                 ("action", "add", meeting, "--what", "x", "--owner", "y", "--due", "2026-12-01", "--indicator",
                  "reentry", "--entity", "bureau:B01"), ("close", meeting)):
        result = cli("meetings", *args, "--by", "south")
        assert result.exit_code == 1 and f"there is no meeting {meeting} that you may see" in result.stderr, args
        assert result.stdout == ""
    refusals = db.audit_entries(cli.engine, None, action="access-refused", actor="south")
    assert len(refusals) == 4


@pytest.mark.parametrize("args, reason", [
    (("show", "1", "--format", "csv"), "give --part agenda|actions|reviews"),
    (("show", "x"), "MEETING_ID"),
    (("agenda", "add", "1", "--indicator", "reentry"), "give --indicator ID"),
    (("agenda", "add", "1", "--indicator", "no_such", "--entity", "bureau:B01"), "no_such"),
    (("agenda", "add", "1", "--indicator", "reentry", "--entity", "bureau:B02"), "not part of North Bureau"),
    (("action", "add", "1", "--what", "x"), "give --owner, --due"),
    (("action", "add", "1", "--what", "x", "--owner", "y", "--due", "2026-11-01", "--indicator", "reentry",
      "--entity", "bureau:B01"), "before the meeting"),
    (("action", "add", "1", "--what", "x", "--owner", "y", "--due", "soon", "--indicator", "reentry",
      "--entity", "bureau:B01"), "is not a day: write YYYY-MM-DD"),
    (("reopen", "1"), "is open already"),
])
def test_each_mistake_is_one_line(people, args, reason):
    ok(people("meetings", "new", "--entity", "bureau:B01", "--month", "2026-10", "--date", "2026-11-12"))
    result = people("meetings", *args)
    assert result.exit_code in (1, 2) and reason in result.stderr, result.stderr
    assert result.stdout == ""
