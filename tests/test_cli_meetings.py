"""`statboard meetings new|list|databook` on the `small` demo agency: the meeting is pinned to the current data
version, the data book is written privately with its export in the audit log, and every mistake is one line."""
from __future__ import annotations

import io
import os
import stat

import pytest

from store import db
from tests.test_databook import chromium_or_skip


@pytest.fixture
def cli(run, demo_instance, tmp_path, monkeypatch):
    """`statboard` on the demo warehouse, with an app store of its own."""
    url = f"sqlite:///{tmp_path / 'store' / 'statboard.db'}"
    monkeypatch.setenv("STATBOARD_WAREHOUSE_URL", f"duckdb:///{demo_instance / 'warehouse.duckdb'}")
    monkeypatch.setenv("STATBOARD_DATABASE_URL", url)
    engine = db.store_engine(url)
    db.upgrade(engine)
    run.engine = engine
    yield run
    engine.dispose()


def test_new_prints_the_meetings_id_and_pins_it_to_the_current_version(cli):
    made = cli("meetings", "new", "--entity", "bureau:B01", "--month", "2026-10", "--date", "2026-11-30")
    assert made.exit_code == 0, made.stderr
    assert made.stdout == "1\n"
    assert made.stderr == ("opened meeting 1: North Bureau Stat, October 2026, 2026-11-30, on data version 1 "
                           "(as of 2026-11-10)\n")
    again = cli("meetings", "new", "--entity", "department", "--month", "2026-09", "--title", "Department Stat")
    assert again.stdout == "2\n"
    listed = cli("meetings", "list")
    assert listed.exit_code == 0
    lines = listed.stdout.splitlines()
    assert "department:all" in lines[0] and "2026-09" in lines[0] and "Department Stat" in lines[0]
    assert "bureau:B01" in lines[1] and "2026-11-30" in lines[1] and "v1" in lines[1]
    entries = db.audit_entries(cli.engine, None, action="meeting-created")
    assert {e["detail"]["via"] for e in entries} == {"cli"}


@pytest.mark.parametrize("args, reason", [
    (("--month", "2026-10"), "give --entity LEVEL:ID"),
    (("--entity", "bureau:B01"), "give --entity LEVEL:ID (e.g. bureau:B01, or provider:FFA07 for a provider's performance "
                                 "review) and --month YYYY-MM"),
    (("--entity", "office:NOPE", "--month", "2026-10"), "there is no office 'NOPE'"),
    (("--entity", "bureau:B01", "--month", "2031-10"), "no indicators for 2031-10"),
    (("--entity", "bureau:B01", "--month", "October"), "is not a month: write YYYY-MM"),
    (("--entity", "unit:U0019", "--month", "2026-10"), "not a unit: hold it for the office the unit is in"),
    (("--entity", "bureau:B01", "--month", "2026-10", "--date", "30/11/2026"), "is not a day: write YYYY-MM-DD"),
])
def test_new_refuses_what_it_cannot_hold_in_one_line(cli, args, reason):
    result = cli("meetings", "new", *args)
    assert result.exit_code == 1
    assert reason in result.stderr and result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_databook_writes_a_private_file_and_audits_the_export(cli, tmp_path):
    chromium_or_skip()
    from pptx import Presentation
    from pypdf import PdfReader
    assert cli("meetings", "new", "--entity", "bureau:B01", "--month", "2026-10",
               "--date", "2026-11-30").exit_code == 0
    out = tmp_path / "book.pptx"
    result = cli("meetings", "databook", "1", "--format", "pptx", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("wrote the PPTX data book of meeting 1 (") and str(out) in result.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    slides = list(Presentation(io.BytesIO(out.read_bytes())).slides)
    texts = ["\n".join(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in slides]
    assert "North Bureau Stat, October 2026" in texts[0] and "Data version 1, as of 10 November 2026" in texts[0]
    assert any("Scorecard, October 2026: Safety" in t for t in texts)
    assert "Actions carried over" in texts[-2] and "Actions agreed at this meeting" in texts[-1]
    pdf = tmp_path / "book.pdf"
    assert cli("meetings", "databook", "1", "--format", "pdf", "--out", pdf).exit_code == 0
    assert len(PdfReader(pdf).pages) == len(slides)
    entries = db.audit_entries(cli.engine, None, action="meeting-exported")
    assert sorted((e["detail"]["meeting"], e["detail"]["format"], e["detail"]["version_id"]) for e in entries) == [
        (1, "pdf", 1), (1, "pptx", 1)]


@pytest.mark.parametrize("args, reason", [
    (("7", "--format", "pdf", "--out", "{tmp}/b.pdf"), "there is no meeting 7 that you may see"),
    (("x1", "--format", "pdf", "--out", "{tmp}/b.pdf"), "MEETING_ID 'x1' is not a whole number"),
    (("1", "--format", "docx", "--out", "{tmp}/b.pdf"), "Invalid value for '--format'"),
    (("1", "--format", "pdf", "--out", "{tmp}/no/such/b.pdf"), "there is no folder"),
])
def test_databook_refuses_in_one_line(cli, tmp_path, args, reason):
    assert cli("meetings", "new", "--entity", "bureau:B01", "--month", "2026-10").exit_code == 0
    result = cli("meetings", "databook", *(a.format(tmp=tmp_path) for a in args))
    assert result.exit_code != 0
    assert reason in result.stderr
    assert not db.audit_entries(cli.engine, None, action="meeting-exported")
    assert not list(tmp_path.glob("**/b.pdf"))


def test_a_meeting_without_a_date_is_held_on_the_agencys_day_not_the_servers(cli, monkeypatch):
    import datetime as dt
    from zoneinfo import ZoneInfo

    from store import meetings as M
    from access.roles import reader_for
    days = {}
    # UTC+14 and UTC-11: 25 hours apart, so never the same day, and at most one of them is the server's (UTC)
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        monkeypatch.setenv("STATBOARD_TIMEZONE", zone)
        made = cli("meetings", "new", "--entity", "bureau:B01", "--month", "2026-10", "--title", zone)
        assert made.exit_code == 0, made.stderr
        days[zone] = M.load_meeting(cli.engine, reader_for("x", "executive", None), int(made.stdout)).held_on
        assert days[zone] == dt.datetime.now(ZoneInfo(zone)).date()
    assert days["Pacific/Kiritimati"] != days["Pacific/Pago_Pago"]


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe/Nowhere", "../etc/passwd", ""])
def test_an_unknown_time_zone_is_refused_naming_the_setting(cli, monkeypatch, zone):
    from settings import Settings, SettingsError
    if not zone:
        assert Settings.from_env(environ={"STATBOARD_TIMEZONE": zone}).timezone == "UTC"  # unset: UTC
        return
    with pytest.raises(SettingsError, match="STATBOARD_TIMEZONE must be a time zone's IANA name"):
        Settings.from_env(environ={"STATBOARD_TIMEZONE": zone})
