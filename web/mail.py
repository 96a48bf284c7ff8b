"""Mailing a Stat meeting's follow-up to its attendees (a provider's performance review's also to its contract's
contacts and manager), through the SMTP server STATBOARD_SMTP_URL names.

The standard library's smtplib and email packages are all this needs: one plain-text message, sent while the
person who asked waits, to a handful of attendees. A mail library or a queue would add a dependency and a
worker for nothing a follow-up needs; if the server is down, the page says so and the follow-up can still be
copied or downloaded.

Every failure is a `MailError` whose message says what went wrong and what to do, names the server as
host:port and never holds the password (smtplib's exceptions are not passed on as they are). Nothing is
recorded as sent unless the server accepted the message for at least one attendee.
"""
from __future__ import annotations

import smtplib
import socket
import ssl
import unicodedata
from dataclasses import dataclass
from email import message_from_bytes
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, default
from email.utils import formatdate, make_msgid

from sqlalchemy.engine import Engine

from access.roles import Reader
from settings import Settings, SmtpServer
from store import meetings
from store.followup import followup_for
from store.meeting_book import Book, assemble
from store.meetings import EMAIL, FOLLOWUP_MAX, Meeting
from store.review_numbers import followup_people

TIMEOUT_SECONDS = 20  # long enough for a slow relay, short enough that the page does not seem to hang
REPLY_MAX = 200       # of a server's refusal, quoted in the message
HEADERS = ("Subject", "From", "To", "Date", "Message-ID", "MIME-Version", "Content-Type", "Content-Transfer-Encoding")


class MailError(Exception):
    """The follow-up was not mailed; the message says why and what to do."""


@dataclass(frozen=True)
class Sent:
    """Who the server accepted the follow-up for, and the attendees it refused (address: its reply)."""
    recipients: tuple[str, ...]
    refused: tuple[tuple[str, str], ...] = ()

    def __len__(self) -> int:
        """How many attendees the server took it for (at least one: otherwise `MailError` is raised)."""
        return len(self.recipients)

    def __str__(self) -> str:
        said = f"Sent to {len(self.recipients)} attendee{'' if len(self.recipients) == 1 else 's'}: " \
               + ", ".join(self.recipients)
        if self.refused:
            said += "; the mail server refused " + ", ".join(f"{a} ({why})" for a, why in self.refused)
        return said


def header_text(text: str) -> str:
    """App-made text (an entity's name, a month) made fit for a header: one line of printable characters, with no
    encoded word in it. A header value is parsed by the email package, which decodes RFC 2047 encoded words
    (`=?utf-8?b?...?=`) and, before CVE-2024-6923 was fixed, wrote what they decode to (a CR LF and a header
    after it) back raw; so no `=?` reaches a header, and nothing a person typed is put in one."""
    text = " ".join(str(text).split())  # every line end and space Unicode knows, folded to one space
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    return text.replace("=?", "= ?")


def _display_name(attendee) -> str:
    """An attendee's name for the To header when it is plain text (as `header_text` leaves it, and short);
    otherwise none: the address alone reaches them, and a name that could turn into something else never goes."""
    name = attendee.name
    if name == attendee.email or name != header_text(name) or len(name) > 100:
        return ""
    return name


def recipients(meeting: Meeting, also=()) -> tuple[list[Address], list[tuple[str, str]]]:
    """The attendees who have an e-mail address, then `also` (a provider review's contacts and contract manager),
    each once (compared without regard to case), and the addresses a mail header cannot carry (an attendee's
    address is checked loosely when it is typed), with why."""
    seen, found, unusable = set(), [], []
    for attendee in (*meeting.attendees, *also):
        if not attendee.email or attendee.email.lower() in seen:
            continue
        seen.add(attendee.email.lower())
        try:
            address = Address(display_name=_display_name(attendee), addr_spec=attendee.email)
        except (ValueError, HeaderParseError):
            address = None
        if address is None or address.addr_spec != attendee.email or not EMAIL.match(address.addr_spec):
            unusable.append((attendee.email, "not an address mail can carry: write it in plain ASCII letters"))
        else:
            found.append(address)
    return found, unusable


def subject(meeting: Meeting) -> str:
    """Built from what the app knows, not the title people type: the entity, the data month and the day."""
    what = "performance review" if meeting.is_review else "Stat"
    return header_text(f"Follow-up: {meeting.entity_name} {what}, {meeting.month:%B %Y} "
                       f"({meeting.held_on.day} {meeting.held_on:%B %Y})")


def followup_message(settings: Settings, meeting: Meeting, text: str, to: list[Address]) -> EmailMessage:
    """The message: the follow-up as a UTF-8 plain-text body, to every attendee with an address at once (they
    were in the room together, and a reply-all reaches them all)."""
    message = EmailMessage(policy=SMTP)
    message["Subject"] = subject(meeting)
    message["From"] = settings.mail_from
    message["To"] = tuple(to)
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid("statboard.followup", domain=settings.mail_from.rpartition("@")[2])
    message.set_content(text, charset="utf-8")
    return message


def verified_bytes(message: EmailMessage, subject_text: str, to: list[str], text: str) -> bytes:
    """The message as it will cross the wire, once it is read back and found to be exactly what was written:
    our headers, each once, and no other; the subject as made; addressed to `to` and no one else; one plain-text
    part holding `text`. Anything else is a `MailError` and nothing is sent: a header the email package wrote
    otherwise than it was given (as unpatched Pythons do with encoded words) is caught here, whatever caused it.
    """
    def refuse(why: str) -> MailError:
        return MailError(f"the follow-up was not sent: the message came out other than written ({why}); correct "
                         "the meeting's attendees (one Name <address> a line) and try again, or copy or download "
                         "the follow-up")
    try:
        raw = message.as_bytes(policy=SMTP)
    except Exception as exc:  # a patched Python refuses to write a header holding a line break (HeaderWriteError)
        raise refuse(f"a header would hold a line break: {type(exc).__name__}") from None
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    names = [line.split(b":", 1)[0].decode("ascii", "replace") for line in head if line[:1] not in (b" ", b"\t")]
    if sorted(n.lower() for n in names) != sorted(n.lower() for n in HEADERS):
        extra = sorted(set(names) - set(HEADERS)) or sorted(n for n in names if names.count(n) > 1)
        raise refuse("headers " + ", ".join(extra) if extra else "a header is missing")
    parsed = message_from_bytes(raw, policy=default)
    if parsed["Subject"] != subject_text:
        raise refuse("the Subject header")
    if [a.addr_spec for a in parsed["To"].addresses] != list(to) or parsed.defects:
        raise refuse("addressed to other than the attendees")
    if parsed.is_multipart() or parsed.get_content_type() != "text/plain":
        raise refuse("not one text/plain part")
    if parsed.get_content().replace("\r\n", "\n") != text.replace("\r\n", "\n"):
        raise refuse("the body is not the follow-up")
    return raw


def _reply(code, text) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"[:REPLY_MAX]


def _connect(server: SmtpServer) -> smtplib.SMTP:
    context = ssl.create_default_context()
    if server.scheme == "smtps":
        return smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_SECONDS, context=context)
    client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    try:
        client.ehlo()
        if client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        elif server.username:
            raise MailError(f"the mail server {server.address} does not offer STARTTLS, so the password in "
                            "STATBOARD_SMTP_URL would cross the network in clear: use smtps:// or a server "
                            "that offers STARTTLS; the follow-up was not sent")
    except BaseException:
        client.close()
        raise
    return client


def send_followup(settings: Settings, meeting: Meeting, text: str, also=()) -> Sent:
    """Mail `text` to the meeting's attendees who have an address, and to `also` (a provider review's contacts
    and contract manager, `store.meetings.Attendee`s); `MailError` when nobody got it."""
    server = settings.smtp
    if server is None:
        raise MailError("e-mail is not set up: set STATBOARD_SMTP_URL (e.g. smtp://mail.agency.gov:587) and "
                        "STATBOARD_MAIL_FROM, and restart Statboard; meanwhile copy or download the follow-up")
    text = (text or "").strip()
    if not text:
        raise MailError("the follow-up is empty: write it, or clear the edit to send the one drawn from the meeting")
    if len(text) > FOLLOWUP_MAX:
        raise MailError(f"the follow-up is {len(text):,} characters long: at most {FOLLOWUP_MAX:,}")
    to, unusable = recipients(meeting, also)
    if not to:
        raise MailError(f"none of the meeting's {len(meeting.attendees)} attendees has an e-mail address"
                        + (" (nor does its contract name the provider's contacts or manager)" if meeting.is_review
                           else "")
                        + (f" mail can carry ({', '.join(a for a, _ in unusable)})" if unusable else "")
                        + ": write them as Name <name@agency.gov> in the attendees, or copy or download the "
                        "follow-up")
    try:
        message = followup_message(settings, meeting, text + "\n", to)
    except (ValueError, HeaderParseError) as exc:
        raise MailError(f"an attendee's address cannot go in a mail header ({exc}): correct the attendees; the "
                        "follow-up was not sent") from None
    raw = verified_bytes(message, subject(meeting), [a.addr_spec for a in to], text + "\n")
    where = f"the mail server {server.address}"
    try:
        with _connect(server) as client:
            if server.username:
                client.login(server.username, server.password or "")
            refused = client.sendmail(settings.mail_from, [a.addr_spec for a in to], raw)
            _hang_up(client)
    except MailError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise MailError(f"{where} refused the user name and password in STATBOARD_SMTP_URL "
                        f"({_reply(exc.smtp_code, exc.smtp_error)}): correct them") from None
    except smtplib.SMTPSenderRefused as exc:
        raise MailError(f"{where} refused the sender {settings.mail_from} ({_reply(exc.smtp_code, exc.smtp_error)})"
                        ": set STATBOARD_MAIL_FROM to an address it accepts mail from") from None
    except smtplib.SMTPRecipientsRefused as exc:
        said = "; ".join(f"{a}: {_reply(*why)}" for a, why in exc.recipients.items())
        raise MailError(f"{where} refused every attendee's address ({said[:REPLY_MAX * 2]}): check the "
                        "addresses, or ask whoever runs the mail server; the follow-up was not sent") from None
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"{where} refused the follow-up ({_reply(exc.smtp_code, exc.smtp_error)}); it was not "
                        "sent: try again later, or copy or download it") from None
    except smtplib.SMTPNotSupportedError:
        raise MailError(f"{where} cannot take what this follow-up needs (an address that is not ASCII, or a log-in"
                        "): check the addresses and STATBOARD_SMTP_URL; the follow-up was not sent") from None
    except ssl.SSLError as exc:
        raise MailError(f"no secure connection could be made to {where} ({exc.reason or 'TLS failed'}): check its "
                        "certificate and that STATBOARD_SMTP_URL's scheme (smtp or smtps) matches the port; the "
                        "follow-up was not sent") from None
    except (socket.timeout, TimeoutError):
        raise _silent(where) from None
    except smtplib.SMTPServerDisconnected as exc:
        if isinstance(exc.__context__, TimeoutError):  # smtplib reports a read that timed out as a hang-up
            raise _silent(where) from None
        raise MailError(f"{where} closed the connection before taking the follow-up: check STATBOARD_SMTP_URL "
                        "(smtps:// for a port that expects TLS from the start, usually 465) and try again; the "
                        "follow-up was not sent") from None
    except (smtplib.SMTPException, OSError) as exc:
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise MailError(f"could not reach {where} ({why}): check STATBOARD_SMTP_URL and that the server is up; "
                        "the follow-up was not sent") from None
    accepted = tuple(a.addr_spec for a in to if a.addr_spec not in refused)
    return Sent(accepted, tuple(unusable) + tuple((a, _reply(*why)) for a, why in refused.items()))


def _hang_up(client: smtplib.SMTP) -> None:
    """Say goodbye once the server has taken the message. Whatever it answers now (a 421 from a relay shutting
    down, a dropped connection) changes nothing: the mail went, and is recorded as sent, its send counted."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _silent(where: str) -> MailError:
    return MailError(f"{where} did not answer within {TIMEOUT_SECONDS} second{'' if TIMEOUT_SECONDS == 1 else 's'}: "
                     "check STATBOARD_SMTP_URL and that the server is up; the follow-up was not sent")


def send_and_record(settings: Settings, engine: Engine, reader: Reader, book: Book, text: str | None = None,
                    via: str = "page") -> Sent:
    """Mail the follow-up of `book`'s meeting and record that it went (the audit log, the meeting's log and the
    time sent): the chair's, within the meeting's limit of sends (one is taken before mailing, and given back if
    nothing went).

    `text` is what the page shows, edited or not; None sends `followup_for(book)`. The meeting is read afresh
    (the reader must still be allowed to see it, and attendees added since the book was drawn get it too).
    """
    meeting = meetings.take_followup_send(engine, reader, book.meeting.id)
    text = followup_for(book) if text is None else text
    try:
        sent = send_followup(settings, meeting, text, followup_people(engine, meeting))
    except BaseException:
        meetings.give_back_followup_send(engine, meeting)
        raise
    meetings.record_followup_sent(engine, reader, meeting, len(sent.recipients), text, via)
    return sent


class SavedNotSent(MailError):
    """The follow-up's edit was saved, and then it was not sent (the limit, or the mail server): both are true."""


def save_and_send(settings: Settings, warehouse, engine: Engine, reader: Reader, meeting_id: int, text: str,
                  instrument, via: str = "page") -> Sent:
    """What Send does: the chair's edit of the follow-up saved, then mailed to the attendees (`send_and_record`).
    `SavedNotSent` when the save went and the mail did not; a reader who may not send changes nothing."""
    meeting = meetings.load_meeting(engine, reader, meeting_id)
    meetings.check_chair(reader, "sending the follow-up")
    meetings.update_meeting(engine, reader, meeting.id, followup=text)
    book = assemble(warehouse, engine, reader, meeting.id, instrument)
    try:
        return send_and_record(settings, engine, reader, book, text, via)
    except (MailError, meetings.MeetingError) as exc:
        raise SavedNotSent(f"{exc}") from None
