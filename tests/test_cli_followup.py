"""`statboard meetings new --attendee ...` and `statboard meetings followup MEETING_ID [--send] [--by USERNAME]`:
a script prepares and sends a follow-up with the page's checks, limit and log, and the header-injection payloads
of issue 22 sent from the command line come out as harmlessly as from the page."""
from __future__ import annotations

import pytest

from store import meetings as M
from store import db
from access.roles import reader_for
from store.users import add_user
from tests.test_cli_meetings import cli  # noqa: F401 (the fixture)
from tests.test_mail_headers import EVE_ATTENDEE, TITLE, assert_only_our_headers

EXEC = reader_for("exec", "executive", None)


@pytest.fixture
def mailing(cli, smtp_server, monkeypatch):
    inbox, url = smtp_server()
    monkeypatch.setenv("STATBOARD_SMTP_URL", url)
    monkeypatch.setenv("STATBOARD_MAIL_FROM", "stat@agency.gov")
    cli.inbox = inbox
    return cli


def new(cli, *more) -> int:
    made = cli("meetings", "new", "--entity", "bureau:B01", "--month", "2026-10", "--date", "2026-11-30", *more)
    assert made.exit_code == 0, made.stderr
    return int(made.stdout)


def test_a_script_prepares_prints_and_sends_a_followup(mailing):
    meeting_id = new(mailing, "--attendee", "Ann Lee <ann@agency.gov>", "--attendee", "bob@agency.gov",
                     "--attendee", "Cy Po")
    meeting = M.load_meeting(mailing.engine, EXEC, meeting_id)
    assert [str(a) for a in meeting.attendees] == ["Ann Lee <ann@agency.gov>", "bob@agency.gov <bob@agency.gov>",
                                                  "Cy Po"]
    printed = mailing("meetings", "followup", str(meeting_id))
    assert printed.exit_code == 0 and printed.stdout.startswith("Follow-up: North Bureau Stat, October 2026\n")
    assert "Attendees: Ann Lee <ann@agency.gov>; bob@agency.gov <bob@agency.gov>; Cy Po" in printed.stdout
    assert mailing.inbox.raw == []  # printing sends nothing
    sent = mailing("meetings", "followup", str(meeting_id), "--send")
    assert sent.exit_code == 0, sent.stderr
    assert sent.stderr == f"Sent to 2 attendees: ann@agency.gov, bob@agency.gov (meeting {meeting_id})\n"
    [raw] = mailing.inbox.raw
    assert_only_our_headers(raw, ["ann@agency.gov", "bob@agency.gov"])
    assert mailing.inbox.received[0][2].get_content().replace("\r\n", "\n") == printed.stdout
    [entry] = db.audit_entries(mailing.engine, None, action=M.FOLLOWUP_SENT)
    assert entry["detail"]["via"] == "cli" and entry["detail"]["recipients"] == 2
    assert [e.change for e in M.change_log(mailing.engine, EXEC, meeting_id)][-1] == \
        "sent the follow-up to 2 attendees"


def test_the_reported_payloads_from_the_command_line_add_no_header_and_no_address(mailing):
    meeting_id = new(mailing, "--title", TITLE, "--attendee", EVE_ATTENDEE)
    sent = mailing("meetings", "followup", str(meeting_id), "--send")
    assert sent.exit_code == 0, sent.stderr
    [raw] = mailing.inbox.raw
    assert_only_our_headers(raw, ["carol@agency.gov"])
    assert mailing.inbox.received[0][1] == ["carol@agency.gov"]


@pytest.mark.parametrize("attendee", ["Ann <ann@agency.gov>; Eve <eve@evil.example>",
                                      "Ann <ann@agency.gov>\nEve <eve@evil.example>"])
def test_one_attendee_option_is_one_person(mailing, attendee):
    made = mailing("meetings", "new", "--entity", "bureau:B01", "--month", "2026-10", "--attendee", attendee)
    assert made.exit_code == 1 and "each --attendee is one person" in made.stderr and made.stdout == ""
    assert M.list_meetings(mailing.engine, EXEC) == []


def test_sending_is_the_chairs_and_within_the_limit_with_a_reason_and_status_when_refused(mailing):
    add_user(mailing.engine, "ana", "analyst", None, "a long enough passphrase", "test")
    meeting_id = new(mailing, "--attendee", "Ann <ann@agency.gov>")
    by_analyst = mailing("meetings", "followup", str(meeting_id), "--send", "--by", "ana")
    assert by_analyst.exit_code == 1 and "sending the follow-up is for the meeting's chair" in by_analyst.stderr
    assert mailing("meetings", "followup", str(meeting_id), "--by", "ana").exit_code == 0  # reading it is not
    for _ in range(M.FOLLOWUP_SENDS_MAX):
        assert mailing("meetings", "followup", str(meeting_id), "--send").exit_code == 0
    over = mailing("meetings", "followup", str(meeting_id), "--send")
    assert over.exit_code == 1 and "sent 5 times already, the most it may be" in over.stderr
    assert len(mailing.inbox.raw) == M.FOLLOWUP_SENDS_MAX


def test_a_mail_server_refusal_is_one_line_and_gives_the_send_back(cli, smtp_server, monkeypatch):
    inbox, url = smtp_server("DATA")
    monkeypatch.setenv("STATBOARD_SMTP_URL", url)
    meeting_id = new(cli, "--attendee", "Ann <ann@agency.gov>")
    refused = cli("meetings", "followup", str(meeting_id), "--send")
    assert refused.exit_code == 1 and refused.stderr.count("\n") == 1
    assert f"the follow-up of meeting {meeting_id} was not sent: the mail server" in refused.stderr
    assert "550" in refused.stderr and db.audit_entries(cli.engine, None, action=M.FOLLOWUP_SENT) == []
    assert M.load_meeting(cli.engine, EXEC, meeting_id).followup_sent_at is None
    with cli.engine.connect() as conn:
        assert conn.execute(db.meetings.select()).first().followup_sends == 0
