"""A Stat meeting's follow-up: the text drawn from its book (every commitment with its owner and due date, no
case or child ids), the edit that replaces it, and the mail to the attendees through a real SMTP server (aiosmtpd
on 127.0.0.1) that accepts, refuses, or is not there; STATBOARD_SMTP_URL and STATBOARD_MAIL_FROM parsed."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
import socket

import pytest

from components.admin import settings_table
from display.mask import mask_id
from store import meeting_numbers as N
from store import meetings as M
from store import db
from access.roles import reader_for
from store.case_reviews import open_reviews
from store.followup import NONE_RECORDED, followup_for, followup_text
from store.meeting_book import assemble
from store.reviews import Cell, Criteria, draw_cases, load_selection, save_selection
from access.scope import EntityRef, Scope
from store.users import add_user
from queries.warehouse import Warehouse
from reviews.instrument import load_instrument
from settings import Settings, SettingsError
from web import mail
from web.mail import TIMEOUT_SECONDS, MailError, send_and_record, send_followup
from tests.mail_server import free_port

OCTOBER = dt.date(2026, 10, 1)
O001 = EntityRef("office", "O001")
EVE = reader_for("eve", "executive", None)
ATTENDEES = "Ann Lee <ann@agency.gov>; Bob Ray; Zoë Ng <zoe@agency.gov>; Ann <ANN@agency.gov>"
HIGHLIGHTS = "Timely response rose for the third month."
PASSWORD = "s3cret:p@ss/word"


# -- a meeting with two earlier ones' actions, on the demo agency ----------------------------------------

@pytest.fixture(scope="module")
def warehouse(demo_instance):
    warehouse = Warehouse(f"duckdb:///{demo_instance / 'warehouse.duckdb'}")
    yield warehouse
    warehouse.dispose()


@pytest.fixture
def engine(tmp_path, new_store_engine):
    return new_store_engine("sqlite", tmp_path / "app.sqlite")


def new_meeting(engine, snapshot, held_on, attendees=ATTENDEES, month=OCTOBER) -> M.Meeting:
    name, ids, month = N.prepare(snapshot, EVE.data_scope(), O001, month)
    return M.create_meeting(engine, EVE, O001, name, ids, month, snapshot.version.version_id,
                            snapshot.version.as_of, held_on=held_on, attendees=attendees)


@pytest.fixture
def meeting(engine, warehouse):
    """November's meeting of office O001: an earlier meeting left one action overdue, one open and not yet due,
    and one done since; November agrees two more, has highlights and next steps, and no lessons."""
    snapshot = warehouse.snapshot()
    earlier = new_meeting(engine, snapshot, "2026-10-05", month=dt.date(2026, 9, 1))
    suggested = N.suggestions(N.compute(snapshot, earlier, []), [])
    cells = [(s.indicator_id, s.entity, s.entity_name) for s in suggested[:3]]
    M.add_action(engine, EVE, earlier.id, "Call each family seen late", "Carol Diaz", "2026-10-30", *cells[0])
    M.add_action(engine, EVE, earlier.id, "Audit the screening log", "Dan Obi", "2026-12-15", *cells[1])
    finished = M.add_action(engine, EVE, earlier.id, "Retrain the night shift", "Eli Fox", "2026-10-20", *cells[2])
    M.update_action(engine, EVE, finished.id, "done", "all trained")
    meeting = new_meeting(engine, snapshot, "2026-11-10")
    M.add_item(engine, EVE, meeting.id, "indicator", indicator_id=cells[0][0], entity=cells[0][1],
               entity_name=cells[0][2], source="red", reason="turned red")
    M.add_item(engine, EVE, meeting.id, "kudos", notes="Intake answered every call within the hour.")
    M.add_action(engine, EVE, meeting.id, "Pair new workers with a mentor\nfor their first month", "Fay Kim",
                 "2026-12-01", *cells[0])
    M.add_action(engine, EVE, meeting.id, "Report the backlog weekly", "Gus Hale", "2027-01-15", *cells[1])
    return M.update_meeting(engine, EVE, meeting.id, highlights=HIGHLIGHTS, next_steps="Meet again on 8 December.")


def book_of(warehouse, engine, meeting):
    return assemble(warehouse, engine, EVE, meeting.id, load_instrument())


def section(text: str, title: str) -> str:
    """The body of one section of the follow-up, up to the next heading."""
    match = re.search(rf"^{title}\n-+\n(.*?)(?=\n\n|\Z)", text, re.S | re.M)
    assert match, f"no section {title!r} in:\n{text}"
    return match.group(1).rstrip("\n")


# -- the text --------------------------------------------------------------------------------------------

def test_the_followup_lists_every_commitment_with_its_owner_and_due_date(warehouse, engine, meeting):
    book = book_of(warehouse, engine, meeting)
    text = followup_text(book)
    assert text.startswith(f"Follow-up: {meeting.title}\n")
    assert "Meeting held on 10 November 2026" in text and "data month October 2026" in text
    assert f"Data: version {meeting.version_id}, as of {meeting.as_of.day} {meeting.as_of:%B %Y}" in text
    assert "Attendees: Ann Lee <ann@agency.gov>; Bob Ray; Zoë Ng <zoe@agency.gov>; Ann <ANN@agency.gov>" in text
    assert section(text, "Highlights") == HIGHLIGHTS
    assert section(text, "Lessons learned") == NONE_RECORDED
    assert section(text, "Next steps") == "Meet again on 8 December."
    commitments = section(text, "Commitments")
    names = dict(zip(book.numbers.scorecard.indicators.indicator_id, book.numbers.scorecard.indicators.name))
    for action in book.new + tuple(a for a in book.carried if a.status == "open"):
        assert f"Owner: {action.owner} · due {action.due.day} {action.due:%B %Y}" in commitments
        assert f"For: {names[action.indicator_id]}, {action.entity_name}" in commitments
    # this meeting's first, each numbered once; then the open ones carried over, only the overdue one marked
    order = [commitments.index(what) for what in ("1. Pair new workers", "2. Report the backlog",
                                                  "Still open from earlier meetings (2, 1 overdue)",
                                                  "Call each family seen late", "Audit the screening log")]
    assert order == sorted(order)
    assert "   for their first month" in commitments  # a second line of what stays with its action
    overdue = [line for line in commitments.splitlines() if "OVERDUE" in line]
    assert overdue == ["   Owner: Carol Diaz · due 30 October 2026 — OVERDUE (still open on 10 November 2026)"]
    assert "- Retrain the night shift (Eli Fox): done" in commitments
    discussed = section(text, "Discussed").splitlines()
    item = next(i for i in book.items if i.kind == "indicator")
    cell = book.numbers.items[item.id].cell
    assert discussed[0].startswith(f"- {names[item.indicator_id]} — {item.entity_name}: ")
    assert cell["status"] in discussed[0]
    assert discussed[1] == "- Kudos: Intake answered every call within the hour."


def test_an_empty_meeting_says_none_recorded_in_every_section(warehouse, engine):
    meeting = new_meeting(engine, warehouse.snapshot(), "2026-11-10", attendees="")
    text = followup_text(book_of(warehouse, engine, meeting))
    for title in ("Highlights", "Lessons learned", "Next steps", "Discussed"):
        assert section(text, title) == NONE_RECORDED
    assert section(text, "Commitments") == (f"Agreed at this meeting: {NONE_RECORDED}\n"
                                            "Still open from earlier meetings: none")
    assert f"Attendees: {NONE_RECORDED}" in text


def test_the_followup_leaves_case_reviews_out_entirely(warehouse, engine, meeting):
    # It goes to every attendee, an analyst among them, who reads no case-level records: not even counts.
    for name, role, scope in (("eve", "executive", None), ("mo1", "manager", "office:O001")):
        add_user(engine, name, role, scope, "a-long-password-1", "test")
    drawn = draw_cases(warehouse.snapshot(), Scope.everything(), [Cell("placement_with_relatives", OCTOBER, O001)],
                       "fu", Criteria(n=3))
    saved = save_selection(engine, drawn, "eve")
    open_reviews(engine, EVE, saved.id, "mo1", db.utcnow().date() + dt.timedelta(days=30))
    M.add_item(engine, EVE, meeting.id, "reviews", selection_id=saved.id)
    book = book_of(warehouse, engine, meeting)
    text = followup_text(book)
    picks = load_selection(engine, Scope.everything(), saved.id).picks
    assert len(picks) == 3
    assert "selection" not in text.lower() and "case review" not in text.lower()
    for case in picks:
        for value in (case.child_id, case.member_id):
            assert value and value not in text and mask_id(value) not in text
    assert "••" not in text


def test_the_saved_edit_is_what_is_sent(warehouse, engine, meeting):
    book = book_of(warehouse, engine, meeting)
    assert book.meeting.followup is None and followup_for(book) == followup_text(book)
    M.update_meeting(engine, EVE, meeting.id, followup="Thanks all.\nOwner: Fay Kim, due 1 December 2026.")
    edited = book_of(warehouse, engine, meeting)
    assert followup_for(edited) == "Thanks all.\nOwner: Fay Kim, due 1 December 2026."
    assert followup_text(edited) == followup_text(book)  # the drawn one stays at hand, to start over from


# -- a real SMTP server ----------------------------------------------------------------------------------

def mail_settings(url: str | None, **more) -> Settings:
    return Settings.from_env({"smtp_url": url, **more} if url else more, environ={})


def sent_entries(engine):
    return db.audit_entries(engine, action=M.FOLLOWUP_SENT)


def test_the_followup_reaches_each_attendee_with_an_address_once_per_send(warehouse, engine, meeting, smtp_server):
    inbox, url = smtp_server()
    settings = mail_settings(url, mail_from="stat@agency.gov")
    book = book_of(warehouse, engine, meeting)
    sent = send_and_record(settings, engine, EVE, book)  # Ann is listed twice: she gets it once
    assert sent.recipients == ("ann@agency.gov", "zoe@agency.gov") and not sent.refused and len(sent) == 2
    assert str(sent) == "Sent to 2 attendees: ann@agency.gov, zoe@agency.gov"
    assert len(inbox.received) == 1
    sender, to, message = inbox.received[0]
    assert sender == "stat@agency.gov" and to == ["ann@agency.gov", "zoe@agency.gov"]
    assert message["From"] == "stat@agency.gov"
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [
        ("Ann Lee", "ann@agency.gov"), ("Zoë Ng", "zoe@agency.gov")]
    assert message["Subject"] == f"Follow-up: {meeting.title} (10 November 2026)"
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    body = message.get_content().replace("\r\n", "\n")  # SMTP carries lines ending CR LF
    assert HIGHLIGHTS in body and "Zoë" in body
    for action in book.new + tuple(a for a in book.carried if a.status == "open"):
        assert f"Owner: {action.owner} · due {action.due.day} {action.due:%B %Y}" in body
    assert M.load_meeting(engine, EVE, meeting.id).followup_sent_at is not None
    [entry] = sent_entries(engine)
    assert entry["detail"] == {"meeting": meeting.id, "recipients": 2, "via": "page",
                               "sha256": hashlib.sha256(followup_for(book_of(warehouse, engine, meeting)).encode())
                               .hexdigest()}

    M.update_meeting(engine, EVE, meeting.id, followup="Corrected: Gus Hale, due 15 January 2027.")
    send_and_record(settings, engine, EVE, book_of(warehouse, engine, meeting))
    assert len(inbox.received) == 2 and len(sent_entries(engine)) == 2
    assert inbox.received[1][2].get_content().replace("\r\n", "\n") == "Corrected: Gus Hale, due 15 January 2027.\n"


@pytest.mark.parametrize("refuse_at", ["RCPT", "DATA"])
def test_a_refusal_is_said_and_nothing_is_recorded_as_sent(warehouse, engine, meeting, smtp_server, refuse_at):
    inbox, url = smtp_server(refuse_at)
    with pytest.raises(MailError) as refused:
        send_and_record(mail_settings(url), engine, EVE, book_of(warehouse, engine, meeting))
    said = str(refused.value)
    assert f"the mail server {url.removeprefix('smtp://')} refused" in said and "550" in said
    assert ("mailbox unavailable" if refuse_at == "RCPT" else "refused by policy") in said
    assert "Traceback" not in said and inbox.received == []
    assert M.load_meeting(engine, EVE, meeting.id).followup_sent_at is None and sent_entries(engine) == []


def test_attendees_the_server_refuses_are_named_and_the_others_get_it(warehouse, engine, meeting, smtp_server):
    inbox, url = smtp_server(unknown=("zoe@agency.gov",))
    M.update_meeting(engine, EVE, meeting.id, attendees=ATTENDEES + "; Łukasz <łukasz@agency.gov>")
    sent = send_and_record(mail_settings(url), engine, EVE, book_of(warehouse, engine, meeting))
    assert sent.recipients == ("ann@agency.gov",) and len(sent) == 1 and [a for a, _ in sent.refused] == [
        "łukasz@agency.gov", "zoe@agency.gov"]
    assert str(sent).startswith("Sent to 1 attendee: ann@agency.gov; the mail server refused łukasz@agency.gov (")
    assert "zoe@agency.gov (550 5.1.1 mailbox unavailable)" in str(sent)
    assert [to for _, to, _ in inbox.received] == [["ann@agency.gov"]]
    assert [e["detail"]["recipients"] for e in sent_entries(engine)] == [1]


def test_an_unreachable_server_is_said_and_nothing_is_recorded(warehouse, engine, meeting):
    port = free_port()  # bound a moment ago and closed: nothing listens there
    with pytest.raises(MailError, match=rf"could not reach the mail server 127\.0\.0\.1:{port} \(Connection refused\)"
                                        ": check STATBOARD_SMTP_URL"):
        send_and_record(mail_settings(f"smtp://127.0.0.1:{port}"), engine, EVE, book_of(warehouse, engine, meeting))
    assert M.load_meeting(engine, EVE, meeting.id).followup_sent_at is None and sent_entries(engine) == []


def test_a_server_that_never_answers_is_given_up_on(warehouse, engine, meeting, monkeypatch):
    monkeypatch.setattr(mail, "TIMEOUT_SECONDS", 1)
    with socket.socket() as silent:  # listens, so the connection is made, and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(MailError, match=f"the mail server 127.0.0.1:{port} did not answer within 1 second: check"):
            send_and_record(mail_settings(f"smtp://127.0.0.1:{port}"), engine, EVE,
                            book_of(warehouse, engine, meeting))
    assert M.load_meeting(engine, EVE, meeting.id).followup_sent_at is None and sent_entries(engine) == []


def test_smtps_to_a_server_without_tls_says_so(warehouse, engine, meeting, smtp_server):
    inbox, url = smtp_server()
    address = url.removeprefix("smtp://")
    with pytest.raises(MailError, match=f"no secure connection could be made to the mail server {address} .*"
                                        "check its certificate and that STATBOARD_SMTP_URL's scheme"):
        send_and_record(mail_settings(f"smtps://{address}"), engine, EVE, book_of(warehouse, engine, meeting))
    assert inbox.received == [] and sent_entries(engine) == []


def test_a_password_is_never_sent_in_clear_nor_shown(warehouse, engine, meeting, smtp_server):
    inbox, url = smtp_server()
    port = url.rpartition(":")[2]
    secret = PASSWORD.replace(":", "%3A").replace("@", "%40").replace("/", "%2F")
    with pytest.raises(MailError, match=f"the mail server 127.0.0.1:{port} does not offer STARTTLS") as refused:
        send_and_record(mail_settings(url.replace("smtp://", f"smtp://stat:{secret}@")), engine, EVE,
                        book_of(warehouse, engine, meeting))
    assert PASSWORD not in str(refused.value) and "s3cret" not in str(refused.value)
    assert inbox.received == [] and sent_entries(engine) == []


def test_without_a_server_or_an_address_the_message_says_what_to_set(warehouse, engine, meeting):
    book = book_of(warehouse, engine, meeting)
    with pytest.raises(MailError, match="e-mail is not set up: set STATBOARD_SMTP_URL"):
        send_and_record(mail_settings(None), engine, EVE, book)
    nobody = M.update_meeting(engine, EVE, meeting.id, attendees="Bob Ray; Cy Po")
    with pytest.raises(MailError, match="none of the meeting's 2 attendees has an e-mail address: write them as "
                                        r"Name <name@agency.gov>"):
        send_followup(mail_settings("smtp://127.0.0.1:25"), nobody, "the follow-up")
    with pytest.raises(MailError, match="the follow-up is empty"):
        send_followup(mail_settings("smtp://127.0.0.1:25"), meeting, "  \n")
    assert sent_entries(engine) == []
    assert TIMEOUT_SECONDS <= 30


# -- the settings ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, scheme, host, port, user, password", [
    ("smtp://mail.agency.gov", "smtp", "mail.agency.gov", 25, None, None),
    ("smtp://mail.agency.gov:587", "smtp", "mail.agency.gov", 587, None, None),
    ("SMTPS://Mail.Agency.gov", "smtps", "mail.agency.gov", 465, None, None),
    ("smtps://stat%40agency.gov:s3cret%3Ap%40ss%2Fword@mail.agency.gov:2465", "smtps", "mail.agency.gov", 2465,
     "stat@agency.gov", PASSWORD),
    ("smtp://stat:plain@127.0.0.1:2525/", "smtp", "127.0.0.1", 2525, "stat", "plain"),
])
def test_smtp_urls_are_read_with_user_and_password_decoded(url, scheme, host, port, user, password):
    settings = Settings.from_env(environ={"STATBOARD_SMTP_URL": url})
    server = settings.smtp
    assert (server.scheme, server.host, server.port, server.username, server.password) == \
        (scheme, host, port, user, password)
    assert server.address == f"{host}:{port}"
    if password:
        shown = str(settings_table(settings))
        assert password not in repr(settings) and password not in repr(server) and password not in shown
        assert "smtp_url" in shown


@pytest.mark.parametrize("url, said", [
    ("http://mail.agency.gov", "must start with smtp:// or smtps://, not 'http'"),
    ("mail.agency.gov:25", "must start with smtp:// or smtps://"),
    ("smtp://", "names no mail server"),
    ("smtp://mail.agency.gov:99999", "port is not a number from 1 to 65535"),
    ("smtp://stat:s3cret/word@mail.agency.gov", "port is not a number"),  # an unescaped / ends the host
    ("smtp://mail.agency.gov/inbox", "nothing after the host and port"),
    ("smtp://stat@mail.agency.gov", "has a user name but no password"),
    ("smtp://:s3cret@mail.agency.gov", "has a password but no user name"),
])
def test_a_bad_smtp_url_is_refused_naming_the_variable_never_the_password(url, said):
    with pytest.raises(SettingsError, match=f"^STATBOARD_SMTP_URL.*{re.escape(said)}") as refused:
        Settings.from_env(environ={"STATBOARD_SMTP_URL": url})
    assert "s3cret" not in str(refused.value)


def test_mail_from_is_one_address_with_a_documented_default():
    assert Settings.from_env(environ={}).mail_from == "statboard@localhost"
    assert Settings.from_env(environ={}).smtp is None
    assert Settings.from_env(environ={"STATBOARD_MAIL_FROM": " stat@agency.gov "}).mail_from == "stat@agency.gov"
    for bad in ("Stat <stat@agency.gov>", "stat", "stat@", "a b@agency.gov", "a@agency.gov, b@agency.gov"):
        with pytest.raises(SettingsError, match="STATBOARD_MAIL_FROM must be one e-mail address"):
            Settings.from_env(environ={"STATBOARD_MAIL_FROM": bad})
