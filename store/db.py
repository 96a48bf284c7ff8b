"""The app's own store (users and their sessions, the audit log, cases drawn for review and their reviews,
Stat meetings and their actions): SQLite by default, PostgreSQL in production.

Its schema is owned by the Alembic migrations in migrations/; `upgrade()` brings
a database to the latest one. Tables are declared here once, for queries and
for Alembic's comparisons.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine, make_url

from access.params import param_text, shown
from access.private_files import private_file, private_folder

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
DETAIL_VALUE_MAX = 300  # characters of any one text an entry's detail keeps
DETAIL_MAX = 2000       # characters of an entry's whole detail (JSON)
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

metadata = sa.MetaData()

audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False),  # UTC
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("action", sa.String(100), nullable=False),
    sa.Column("detail", sa.Text, nullable=False),  # JSON
    sa.Column("remote_addr", sa.String(100)),
    sa.Index("audit_log_at", "at"),
    sa.Index("audit_log_action_at", "action", "at"),
)


users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),  # lower case
    sa.Column("password_hash", sa.String(300), nullable=False),  # salted scrypt (werkzeug.security)
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("scope", sa.String(200)),  # LEVEL:ID, or NULL for the department / no data (admin)
    sa.Column("disabled", sa.Boolean, nullable=False, default=False),
    sa.Column("failed_sign_ins", sa.Integer, nullable=False, default=0),  # since the last success or lockout
    sa.Column("locked_until", sa.DateTime),  # UTC
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("last_sign_in_at", sa.DateTime),
)

# Failed sign-ins from one address since it last went quiet: counted before a password is checked (a slot taken
# with one conditional update), so parallel guesses cannot pass the limit between a count and a write.
sign_in_failures = sa.Table(
    "sign_in_failures", metadata,
    sa.Column("remote_addr", sa.String(100), primary_key=True),
    sa.Column("last_failure_at", sa.DateTime, nullable=False),  # UTC; LOCK_MINUTES after it, the count restarts
    sa.Column("failures", sa.Integer, nullable=False),       # failed, or being checked now
)

sessions = sa.Table(
    "sessions", metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # sha256 of the cookie's token, never the token
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("last_seen_at", sa.DateTime, nullable=False),
    sa.Column("revoked_at", sa.DateTime),
    sa.Column("remote_addr", sa.String(100)),
    sa.Index("sessions_user", "user_id"),
)

# Cases drawn for review (store/reviews.py): a selection, its cells, and every eligible case in draw order.
review_selections = sa.Table(
    "review_selections", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("version_id", sa.Integer, nullable=False),  # the warehouse data version drawn from
    sa.Column("entity_level", sa.String(20), nullable=False),
    sa.Column("entity_id", sa.String(200), nullable=False),
    # the entity's ancestry, so a scope can be checked against a selection without the warehouse
    sa.Column("bureau_id", sa.String(200)),
    sa.Column("office_id", sa.String(200)),
    sa.Column("unit_id", sa.String(200)),
    sa.Column("seed", sa.String(200), nullable=False),
    sa.Column("criteria", sa.Text, nullable=False),  # JSON
    sa.Index("review_selections_created_at", "created_at"),
)

review_selection_cells = sa.Table(
    "review_selection_cells", metadata,
    sa.Column("selection_id", sa.Integer, sa.ForeignKey("review_selections.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("indicator_id", sa.String(100), nullable=False),
    sa.Column("month", sa.Date, nullable=False),
)

review_cases = sa.Table(
    "review_cases", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("selection_id", sa.Integer, sa.ForeignKey("review_selections.id"), nullable=False),
    sa.Column("stratum", sa.String(200), nullable=False),  # '' when not stratified
    sa.Column("rank", sa.Integer, nullable=False),  # 1, 2, ... within the stratum's order
    sa.Column("draw", sa.Integer),  # its place among the picks; NULL while it is only a replacement
    sa.Column("indicator_id", sa.String(100), nullable=False),
    sa.Column("month", sa.Date, nullable=False),
    sa.Column("member_type", sa.String(50), nullable=False),
    sa.Column("member_id", sa.String(200), nullable=False),
    sa.Column("child_id", sa.String(200)),
    sa.Column("worker_id", sa.String(200)),
    sa.Column("unit_id", sa.String(200)),
    sa.Column("met", sa.Boolean),  # NULL for a rate, median or count
    sa.Column("replaces", sa.Integer, sa.ForeignKey("review_cases.id")),  # the eliminated case it replaced
    sa.Column("eliminated_at", sa.DateTime),
    sa.Column("eliminated_by", sa.String(200)),
    sa.Column("elimination_reason", sa.String(100)),
    sa.Column("elimination_label", sa.String(300)),  # the reason's words when it was given
    sa.Column("elimination_note", sa.Text),
    sa.UniqueConstraint("selection_id", "stratum", "rank", name="review_cases_rank"),
    sa.UniqueConstraint("selection_id", "draw", name="review_cases_draw"),  # NULLs (replacements) aside
    sa.Index("review_cases_selection", "selection_id"),
    sa.Index("review_cases_child", "child_id"),
)


# A picked case's review (store/case_reviews.py): who reviews it, by when, and the answers, with the digest of
# the instrument they were checked against.
case_reviews = sa.Table(
    "case_reviews", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("review_cases.id"), nullable=False),
    sa.Column("selection_id", sa.Integer, sa.ForeignKey("review_selections.id"), nullable=False),
    sa.Column("assignee", sa.String(100), nullable=False),  # a username
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # assigned, in progress, completed
    sa.Column("assigned_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("assigned_by", sa.String(200), nullable=False),
    sa.Column("answers", sa.Text),  # JSON, as reviews.instrument.check_answers reads it
    sa.Column("instrument_digest", sa.String(64)),  # SHA-256 of the instrument file the answers were checked against
    sa.Column("saved_at", sa.DateTime),
    sa.Column("saved_by", sa.String(200)),
    sa.Column("completed_at", sa.DateTime),
    sa.Column("completed_by", sa.String(200)),
    sa.UniqueConstraint("case_id", name="case_reviews_case"),  # one review per picked case
    sa.Index("case_reviews_selection", "selection_id"),
    sa.Index("case_reviews_assignee_status", "assignee", "status"),
    sa.Index("case_reviews_completed_at", "completed_at"),
)


# Stat meetings (store/meetings.py): a meeting of one entity on one data month, pinned to the data version it
# was prepared on; its agenda, the actions agreed at it and their dated updates.
meetings = sa.Table(
    "meetings", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("entity_level", sa.String(20), nullable=False),
    sa.Column("entity_id", sa.String(200), nullable=False),
    # the entity's name and ancestry, so scope is checked, and the meeting listed, without the warehouse
    sa.Column("entity_name", sa.String(300), nullable=False),
    sa.Column("bureau_id", sa.String(200)),
    sa.Column("office_id", sa.String(200)),
    sa.Column("unit_id", sa.String(200)),
    sa.Column("month", sa.Date, nullable=False),       # the data month discussed (its first day)
    sa.Column("held_on", sa.Date, nullable=False),     # the meeting's date
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("attendees", sa.Text, nullable=False),   # JSON list of {"name", "email"}
    sa.Column("version_id", sa.Integer, nullable=False),  # the warehouse data version it is pinned to
    sa.Column("as_of", sa.Date, nullable=False),       # that version's as_of
    sa.Column("status", sa.String(20), nullable=False),  # open, closed
    sa.Column("highlights", sa.Text, nullable=False, default=""),
    sa.Column("lessons", sa.Text, nullable=False, default=""),
    sa.Column("next_steps", sa.Text, nullable=False, default=""),
    sa.Column("followup", sa.Text),                    # the follow-up as edited; NULL: not written yet
    sa.Column("followup_sent_at", sa.DateTime),        # UTC
    # sends taken (reserved before mailing, given back if it failed): the limit is one conditional update
    sa.Column("followup_sends", sa.Integer, nullable=False, default=0),
    sa.Column("record", sa.Text),                      # JSON: the numbers it showed, frozen when it closed
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("closed_at", sa.DateTime),
    sa.Column("closed_by", sa.String(200)),
    sa.Index("meetings_entity_held_on", "entity_level", "entity_id", "held_on"),
    sa.Index("meetings_status", "status"),
)

# Every change to a meeting, who made it and when, in the order made: the meeting page shows it.
meeting_log = sa.Table(
    "meeting_log", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id"), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),  # UTC
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("change", sa.String(300), nullable=False),  # in words: "closed it", "moved 'Kudos' up" ...
    sa.Column("case_level", sa.Boolean, nullable=False, default=False),  # about a case-review item
    sa.Index("meeting_log_meeting", "meeting_id", "id"),
)

meeting_items = sa.Table(
    "meeting_items", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # indicator, published, practice, kudos, reviews
    sa.Column("indicator_id", sa.String(100)),         # indicator items: the cell flagged
    sa.Column("entity_level", sa.String(20)),
    sa.Column("entity_id", sa.String(200)),
    sa.Column("entity_name", sa.String(300)),
    sa.Column("selection_id", sa.Integer, sa.ForeignKey("review_selections.id")),  # reviews items
    # published items: the source, the version of it the item was added from (every version is kept), and the
    # period it shows; indicator_id, entity_level (the source's entity type) and entity_id name the figure
    sa.Column("published_source", sa.String(100)),
    sa.Column("source_version", sa.Integer),
    sa.Column("period", sa.String(60)),
    sa.Column("source", sa.String(30), nullable=False),  # flagged, or the suggestion accepted (red, ...)
    sa.Column("reason", sa.String(500), nullable=False, default=""),  # why it was suggested, in words
    sa.Column("notes", sa.Text, nullable=False, default=""),  # the story behind the data; or the practice's text
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Index("meeting_items_meeting", "meeting_id", "position"),
)

actions = sa.Table(
    "actions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meetings.id"), nullable=False),  # agreed at
    # the meeting's entity, copied: actions carry over to the next meeting of that entity
    sa.Column("meeting_level", sa.String(20), nullable=False),
    sa.Column("meeting_entity_id", sa.String(200), nullable=False),
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("due", sa.Date, nullable=False),
    sa.Column("indicator_id", sa.String(100), nullable=False),  # what it is meant to move ...
    sa.Column("entity_level", sa.String(20), nullable=False),   # ... and where
    sa.Column("entity_id", sa.String(200), nullable=False),
    sa.Column("entity_name", sa.String(300), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # open, done, dropped
    sa.Column("agreed_on", sa.Date, nullable=False),     # the meeting's date: where the trend is annotated
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    # the token of the form's submit that agreed it (the page's): a second submit with it agrees nothing new
    sa.Column("request_token", sa.String(64)),
    sa.Index("actions_meeting_entity_status", "meeting_level", "meeting_entity_id", "status"),
    sa.Index("actions_request_token", "meeting_id", "request_token", unique=True),
    sa.Index("actions_cell", "indicator_id", "entity_level", "entity_id"),
)

action_updates = sa.Table(
    "action_updates", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("action_id", sa.Integer, sa.ForeignKey("actions.id"), nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),   # UTC
    sa.Column("by", sa.String(200), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # the status after this update
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Index("action_updates_action", "action_id"),
)


# Published or reported figures (store/aggregates.py): each import of a named source is a version; its rows, and
# the catalogue's declarations of the indicators they use as they were when it was imported.
aggregate_versions = sa.Table(
    "aggregate_versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source", sa.String(100), nullable=False),
    sa.Column("format", sa.String(30), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("loaded_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("loaded_by", sa.String(200), nullable=False),
    sa.Column("origin", sa.String(1000), nullable=False),  # the file it came from
    sa.Column("row_count", sa.Integer, nullable=False),
    sa.Column("indicators", sa.Text, nullable=False),      # JSON: the declarations used
    sa.Index("aggregate_versions_source", "source", "id"),
)

aggregate_rows = sa.Table(
    "aggregate_rows", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("aggregate_versions.id"), nullable=False),
    sa.Column("entity_type", sa.String(20), nullable=False),
    sa.Column("entity_id", sa.String(200), nullable=False),
    sa.Column("entity_name", sa.String(300), nullable=False),
    sa.Column("indicator_id", sa.String(100), nullable=False),
    sa.Column("period", sa.String(60), nullable=False),
    sa.Column("period_label", sa.String(100), nullable=False),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("breakdown_dimension", sa.String(100), nullable=False, default=""),
    sa.Column("breakdown_value", sa.String(200), nullable=False, default=""),
    sa.Column("numerator", sa.String(40)),     # as written (exact): NULL is missing, never zero
    sa.Column("denominator", sa.String(40)),
    sa.Column("withheld", sa.Boolean, nullable=False, default=False),  # no value published
    sa.Index("aggregate_rows_version", "version_id", "indicator_id", "entity_type"),
)


# Outcome contracts with delegate agencies (store/contracts.py): each load of an agency's contracts file is a
# version holding every contract of the file; the newest version is the one in force.
contract_versions = sa.Table(
    "contract_versions", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("loaded_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("loaded_by", sa.String(200), nullable=False),
    sa.Column("origin", sa.String(1000), nullable=False),  # the file it came from
    sa.Column("sha256", sa.String(64), nullable=False),    # of the file's bytes
    sa.Column("contract_count", sa.Integer, nullable=False),
)

contracts = sa.Table(
    "contracts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("contract_versions.id"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),     # its place in the file
    sa.Column("contract_id", sa.String(60), nullable=False),
    sa.Column("provider_id", sa.String(200), nullable=False),
    sa.Column("program", sa.String(300), nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date, nullable=False),        # both days in the contract
    sa.Column("cadence", sa.String(20), nullable=False),   # monthly, quarterly
    sa.Column("contacts", sa.Text),                        # JSON list of "Name <address>" or addresses; NULL: none
    sa.Column("manager", sa.String(300)),                  # the contract manager; NULL: none named
    sa.UniqueConstraint("version_id", "contract_id", name="contracts_version_contract"),
    sa.Index("contracts_provider", "provider_id", "version_id"),
)

contract_metrics = sa.Table(
    "contract_metrics", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("contract_row", sa.Integer, sa.ForeignKey("contracts.id"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("indicator_id", sa.String(100), nullable=False),
    sa.Column("target", sa.String(40), nullable=False),    # as written (exact)
    sa.Column("floor", sa.String(40)),                     # NULL: none
    sa.UniqueConstraint("contract_row", "indicator_id", name="contract_metrics_indicator"),
)


def utcnow() -> datetime:
    """Now in UTC, naive (as the store's DateTime columns hold it)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def store_engine(database_url: str) -> Engine:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        # Made here, 0600 in a 0700 folder, before SQLite makes it (and its journals, which copy its mode).
        private_folder(Path(url.database).parent)
        private_file(Path(url.database))
    return sa.create_engine(url)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    """Apply every migration not yet applied."""
    command.upgrade(alembic_config(engine), "head")


def highest_version_seen(engine: Engine) -> int:
    """The highest warehouse data version the app store has seen: a meeting or a selection pinned to it, or a load
    written to the audit log (0 for none). A load numbers its version above it."""
    with engine.connect() as conn:
        pinned = [conn.execute(sa.select(sa.func.max(table.c.version_id))).scalar() or 0
                  for table in (meetings, review_selections)]
        loads = [json.loads(detail).get("version_id") for (detail,) in
                 conn.execute(sa.select(audit_log.c.detail).where(audit_log.c.action == "load"))]
    return max(pinned + [v for v in loads if isinstance(v, int)])


def record(engine: Engine, actor: str, action: str, detail: dict, remote_addr: str | None = None) -> None:
    """Append one entry to the audit log."""
    with engine.begin() as conn:
        record_in(conn, actor, action, detail, remote_addr)


def record_in(conn, actor: str, action: str, detail: dict, remote_addr: str | None = None) -> None:
    """Append one entry to the audit log inside the caller's transaction (it stands or falls with it).

    Its size is bounded whatever a request carried: each text of `detail` is cut to `DETAIL_VALUE_MAX`
    characters (saying how long it was) and the whole to `DETAIL_MAX`.
    """
    conn.execute(audit_log.insert().values(
        at=utcnow(), actor=actor[:200], action=action, detail=bounded_detail(detail),
        remote_addr=None if remote_addr is None else remote_addr[:100]))


def bounded_detail(detail: dict) -> str:
    """`detail` as the audit log keeps it: JSON of at most `DETAIL_MAX` characters."""
    def cut(value):
        if isinstance(value, str) and len(value) > DETAIL_VALUE_MAX:
            return f"{value[:DETAIL_VALUE_MAX]}… (cut: {len(value):,} characters in all)"
        return value
    text = json.dumps({key: cut(value) for key, value in detail.items()}, sort_keys=True, default=str)
    keep = DETAIL_MAX
    while len(text) > DETAIL_MAX:  # escaping may lengthen what is kept: keep less until it fits
        keep //= 2
        text = json.dumps({"cut": f"{text[:keep]}…"})
    return text


def audit_entries(engine: Engine, limit: int | None = 100, actor: str | None = None, action: str | None = None,
                  since: datetime | None = None, until: datetime | None = None) -> list[dict]:
    """The newest audit entries first, optionally only one actor's or one action's, from `since` to before
    `until` (UTC)."""
    query = sa.select(audit_log).order_by(audit_log.c.id.desc())
    if actor:
        query = query.where(audit_log.c.actor == actor)
    if action:
        query = query.where(audit_log.c.action == action)
    if since:
        query = query.where(audit_log.c.at >= since)
    if until:
        query = query.where(audit_log.c.at < until)
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as conn:
        return [dict(r, detail=json.loads(r["detail"])) for r in conn.execute(query).mappings()]


def count_entries(engine: Engine, action: str | tuple[str, ...], since: datetime, remote_addr: str | None = None,
                  actor: str | None = None) -> int:
    """How many `action` entries (of any of the actions, given several) there are since `since` (from one
    address, of one actor, when given)."""
    actions = (action,) if isinstance(action, str) else action
    query = sa.select(sa.func.count()).select_from(audit_log).where(audit_log.c.action.in_(actions),
                                                                   audit_log.c.at >= since)
    if remote_addr is not None:
        query = query.where(audit_log.c.remote_addr == remote_addr)
    if actor is not None:
        query = query.where(audit_log.c.actor == actor)
    with engine.connect() as conn:
        return conn.execute(query).scalar_one()


class AuditQueryError(ValueError):
    """An audit log filter that cannot be used; the message says what to write."""


def _day(name: str, text) -> date | None:
    text = param_text(name, text, AuditQueryError)
    if text is None:
        return None
    try:
        if DAY.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise AuditQueryError(f"{name} {shown(text)} is not a day: write YYYY-MM-DD, e.g. 2026-10-31")


def audit_filter(actor=None, action=None, since=None, until=None) -> dict:
    """`audit_entries`' filters from what a person typed (the Admin page, the download): who, which action,
    and the first and last UTC days, both included. Raises `AuditQueryError` saying what to write."""
    actor = (param_text("actor", actor, AuditQueryError) or "").strip()
    first, last = _day("since", since), _day("until", until)
    return {"actor": actor or None, "action": param_text("action", action, AuditQueryError),
            "since": None if first is None else datetime.combine(first, datetime.min.time()),
            # the day after the last: none after the last day there is (all entries to the end)
            "until": None if last is None or last == date.max else
            datetime.combine(last + timedelta(days=1), datetime.min.time())}
