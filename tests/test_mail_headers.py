"""No text a person typed may add a header, a body part or an address to a meeting's follow-up (issue 22's high
finding): a title or an attendee written as RFC 2047 encoded words that decode to CR LF and new headers, line
breaks in every form, in every header the message has, on the real SMTP server (aiosmtpd on 127.0.0.1), whose
raw bytes are read."""
from __future__ import annotations

import base64
import email
import email.policy

import pytest
import sqlalchemy as sa

from store import meetings as M
from store import db
from tests.test_followup import EVE, book_of, engine, mail_settings, new_meeting, sent_entries, warehouse  # noqa: F401
from web.mail import MailError, send_and_record, verified_bytes

INJECTED = "x\r\nReply-To: evil@evil.example\r\nContent-Type: text/html\r\n\r\n" \
           "<h1>Urgent: sign in at http://evil.example/login</h1>\r\n"
TITLE = "Stat =?utf-8?b?" + base64.b64encode(INJECTED.encode()).decode() + "?="
EVE_ATTENDEE = "=?utf-8?b?RXZlIDxldmlsQGV2aWwuZXhhbXBsZT4sIEJvYg==?= <carol@agency.gov>"
HEADERS = ["Subject", "From", "To", "Date", "Message-ID", "Content-Type", "Content-Transfer-Encoding",
           "MIME-Version"]


def _q(text: str) -> str:
    return "=?utf-8?q?" + "".join(f"={b:02X}" for b in text.encode()) + "?="


# A line break and a header after it, in each way a header value can carry one: raw, as the other Unicode line
# ends, and as encoded words (B and Q, other charsets, split over two words, upper case).
BREAKS = ["a\r\nBcc: evil@evil.example", "a\nBcc: evil@evil.example", "a\rBcc: evil@evil.example",
          "a\u2028Bcc: evil@evil.example", "a\x85Bcc: evil@evil.example", "a\x0bBcc: evil@evil.example",
          "a " + _q("\r\nBcc: evil@evil.example"), "a " + _q("\nBcc: evil@evil.example"),
          "a =?UTF-8?B?" + base64.b64encode(b"\r\nBcc: evil@evil.example").decode() + "?=",
          "a =?iso-8859-1?q?=0D=0ABcc:_evil@evil.example?=",
          "a =?utf-8?q?=0D?= =?utf-8?q?=0ABcc:_evil@evil.example?="]


def header_block(raw: bytes) -> list[bytes]:
    return raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")


def assert_only_our_headers(raw: bytes, to: list[str]):
    """The message the server took has our headers, each once, no other, to exactly `to`; nothing evil."""
    names = [line.split(b":", 1)[0].decode() for line in header_block(raw) if line[:1] not in (b" ", b"\t")]
    assert sorted(names) == sorted(HEADERS), names
    message = email.message_from_bytes(raw, policy=email.policy.default)
    # the subject may quote a warehouse's odd name as inert text; no other header says a word of it
    assert all(b"evil" not in line for line in header_block(raw) if not line.startswith(b"Subject:")), raw
    assert not any(c in message["Subject"] for c in "\r\n\x0b\x85\u2028")
    assert [a.addr_spec for a in message["To"].addresses] == to
    assert not message.is_multipart() and message.get_content_type() == "text/plain"
    assert not message.defects


def store_raw(engine, meeting_id: int, **values):
    """Write a meeting's fields as they are, unchecked: what a store kept from before a check, or a warehouse's
    name, may hold."""
    with engine.begin() as conn:
        conn.execute(db.meetings.update().where(db.meetings.c.id == meeting_id).values(**values))


def test_the_reported_title_adds_no_header_and_no_html(warehouse, engine, smtp_server):
    inbox, url = smtp_server()
    assert len(TITLE) == 169
    meeting = new_meeting(engine, warehouse.snapshot(), "2026-11-10", "Ann Lee <ann@agency.gov>")
    meeting = M.update_meeting(engine, EVE, meeting.id, title=TITLE)  # one line: it passes the title's checks
    send_and_record(mail_settings(url), engine, EVE, book_of(warehouse, engine, meeting))
    [raw] = inbox.raw
    assert_only_our_headers(raw, ["ann@agency.gov"])
    message = inbox.received[0][2]
    assert message["Reply-To"] is None and "<h1>" not in message["Subject"]
    assert message["Subject"] == f"Follow-up: {meeting.entity_name} Stat, October 2026 (10 November 2026)"
    assert message.get_content().replace("\r\n", "\n").startswith(f"Follow-up: {TITLE}\n")


def test_the_reported_attendee_adds_no_address(warehouse, engine, smtp_server):
    inbox, url = smtp_server()
    meeting = new_meeting(engine, warehouse.snapshot(), "2026-11-10", EVE_ATTENDEE)
    send_and_record(mail_settings(url), engine, EVE, book_of(warehouse, engine, meeting))
    [raw] = inbox.raw
    assert_only_our_headers(raw, ["carol@agency.gov"])
    assert inbox.received[0][1] == ["carol@agency.gov"] and b"evil" not in raw.split(b"\r\n\r\n", 1)[0]
    assert inbox.received[0][2]["To"].addresses[0].display_name == ""  # a name that decodes to more is dropped


@pytest.mark.parametrize("payload", BREAKS)
@pytest.mark.parametrize("field", ["title", "entity_name", "attendee"])
def test_no_line_break_in_any_form_adds_a_header(warehouse, engine, smtp_server, field, payload):
    inbox, url = smtp_server()
    meeting = new_meeting(engine, warehouse.snapshot(), "2026-11-10", "Ann Lee <ann@agency.gov>")
    if field == "attendee":  # kept as stored, as if from before the attendees were checked
        store_raw(engine, meeting.id, attendees=f'[{{"name": {payload!r}, "email": "ann@agency.gov"}}]'
                  .replace("'", '"').replace("\\x", "\\u00"))
    else:
        store_raw(engine, meeting.id, **{field: payload})
    try:
        send_and_record(mail_settings(url), engine, EVE, book_of(warehouse, engine, meeting))
    except MailError as refused:  # refusing is as good as sending it safely; saying why is required
        assert "not sent" in str(refused) and inbox.raw == [] and sent_entries(engine) == []
        return
    [raw] = inbox.raw
    assert_only_our_headers(raw, ["ann@agency.gov"])
    assert inbox.received[0][1] == ["ann@agency.gov"]


def test_a_message_whose_headers_came_out_other_than_written_is_not_sent():
    good = (b"Subject: Follow-up\r\nFrom: stat@agency.gov\r\nTo: ann@agency.gov\r\nDate: Tue, 10 Nov 2026 10:00:00 "
            b"+0000\r\nMessage-ID: <1@agency.gov>\r\nContent-Type: text/plain; charset=\"utf-8\"\r\n"
            b"Content-Transfer-Encoding: 7bit\r\nMIME-Version: 1.0\r\n\r\nthe follow-up\r\n")
    message = email.message_from_bytes(good, policy=email.policy.SMTP)
    assert verified_bytes(message, "Follow-up", ["ann@agency.gov"], "the follow-up\n") == good
    for bad, why in [
            (good.replace(b"To: ann@", b"Reply-To: evil@evil.example\r\nTo: ann@"), "Reply-To"),
            (good.replace(b"To: ann@agency.gov", b"To: ann@agency.gov, evil@evil.example"), "addressed"),
            (good.replace(b"Subject: Follow-up", b"Subject: Follow-up\r\nSubject: Other"), "Subject"),
            (good.replace(b"text/plain", b"text/html"), "text/plain"),
            (good.replace(b"the follow-up", b"other words"), "body")]:
        with pytest.raises(MailError, match=why):
            verified_bytes(email.message_from_bytes(bad, policy=email.policy.SMTP), "Follow-up",
                           ["ann@agency.gov"], "the follow-up\n")
