"""Configuration from the environment, with defaults that run on one machine with no setup.

Order: defaults, then environment variables, then an explicit mapping (tests).
Every setting is documented in README.md ("Configuration"); a test checks that.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, fields, replace
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEV_SECRET_KEY = "statboard-development-key-not-for-production"

ENVIRONMENT = {
    "instance_dir": "STATBOARD_INSTANCE_DIR",
    "warehouse_url": "STATBOARD_WAREHOUSE_URL",
    "database_url": "STATBOARD_DATABASE_URL",
    "secret_key": "STATBOARD_SECRET_KEY",
    "cache_url": "STATBOARD_CACHE_URL",
    "query_timeout_ms": "STATBOARD_QUERY_TIMEOUT_MS",
    "catalogue_path": "STATBOARD_CATALOGUE",
    "instrument_path": "STATBOARD_INSTRUMENT",
    "elimination_reasons_path": "STATBOARD_ELIMINATION_REASONS",
    "environment": "STATBOARD_ENV",
    "secure_cookies": "STATBOARD_SECURE_COOKIES",
    "session_hours": "STATBOARD_SESSION_HOURS",
    "managers_see_peers": "STATBOARD_MANAGERS_SEE_PEERS",
    "small_cell_min": "STATBOARD_SMALL_CELL_MIN",
    "trusted_proxies": "STATBOARD_TRUSTED_PROXIES",
    "smtp_url": "STATBOARD_SMTP_URL",
    "mail_from": "STATBOARD_MAIL_FROM",
    "live_seconds": "STATBOARD_LIVE_SECONDS",
    "server_timing": "STATBOARD_SERVER_TIMING",
    "timezone": "STATBOARD_TIMEZONE",
}
ENVIRONMENTS = ("production", "development")
MIN_SECRET_LENGTH = 32
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
# The ports mail servers listen on for each way in: submission with STARTTLS is 587 and implicit TLS 465
# (RFC 8314), but a bare smtp:// most often names a relay on the local network, which listens on 25.
SMTP_PORTS = {"smtp": 25, "smtps": 465}
DEFAULT_MAIL_FROM = "statboard@localhost"


class SettingsError(Exception):
    """A setting has a value Statboard cannot use; the message names it."""


@dataclass(frozen=True)
class SmtpServer:
    """The server follow-ups are mailed through, as STATBOARD_SMTP_URL says: `smtps` is TLS from the first byte, `smtp`
    plain with STARTTLS whenever the server offers it. The password stays out of `repr` (and so out of logs)."""
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


def smtp_server(url: str) -> SmtpServer:
    """STATBOARD_SMTP_URL, `smtp://[user[:password]@]host[:port]` or `smtps://...`, checked; the user and
    password are URL-decoded, so a password holding `@`, `:` or `/` is written %40, %3A, %2F."""
    example = "e.g. smtp://mail.agency.gov:587 or smtps://user:password@mail.agency.gov"
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # never quote the text: with a `/` unescaped, the password is read as the port
        raise SettingsError("STATBOARD_SMTP_URL's port is not a number from 1 to 65535 (a password holding "
                            f"@ : / ? # is written %40 %3A %2F %3F %23): write it as {example}") from None
    scheme = parts.scheme.lower()
    if scheme not in SMTP_PORTS:
        raise SettingsError(f"STATBOARD_SMTP_URL must start with smtp:// or smtps://, not "
                            f"{(parts.scheme or 'no scheme')[:20]!r}: write it as {example}")
    if not parts.hostname:
        raise SettingsError(f"STATBOARD_SMTP_URL names no mail server: write it as {example}")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SettingsError("STATBOARD_SMTP_URL takes a server, a port and optionally a user and password, "
                            f"nothing after the host and port: write it as {example}")
    if port == 0:
        raise SettingsError(f"STATBOARD_SMTP_URL's port must be from 1 to 65535: write it as {example}")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if (password is None) != (username is None):
        raise SettingsError(f"STATBOARD_SMTP_URL has a {'password' if username is None else 'user name'} but no "
                            f"{'user name' if username is None else 'password'}: give both or neither, {example}")
    return SmtpServer(scheme, parts.hostname, port or SMTP_PORTS[scheme], username, password)


@dataclass(frozen=True)
class Settings:
    instance_dir: Path
    warehouse_url: str
    database_url: str
    secret_key: str = DEV_SECRET_KEY
    cache_url: str | None = None
    query_timeout_ms: int = 30_000
    catalogue_path: Path | None = None  # None: the default catalogue, measures/indicators.toml
    instrument_path: Path | None = None  # None: the default review instrument, reviews/instrument.toml
    elimination_reasons_path: Path | None = None  # None: the default, reviews/elimination_reasons.toml
    environment: str = "production"     # development allows the development secret key; only `statboard dev`
    secure_cookies: bool | None = None  # None: on in production, off in development
    session_hours: float = 12.0
    managers_see_peers: bool = False
    small_cell_min: int = 11
    trusted_proxies: int = 0            # reverse proxies in front whose X-Forwarded-For is believed
    smtp_url: str | None = field(default=None, repr=False)  # None: no mail is sent; repr=False: its password
    mail_from: str = DEFAULT_MAIL_FROM
    live_seconds: float = 60.0          # how often an open scorecard or home page checks for a new data version
    server_timing: bool = False         # a Server-Timing header (warehouse and total ms) on each answer: benchmarks
    timezone: str = "UTC"               # the agency's: its days (a meeting's, what is due today) are its own

    def today(self) -> dt.date:
        """The agency's date now, in its time zone: a meeting held this morning in Los Angeles is not held
        tomorrow because the server keeps UTC."""
        return dt.datetime.now(ZoneInfo(self.timezone)).date()

    @property
    def smtp(self) -> SmtpServer | None:
        """The mail server follow-ups are sent through, None when STATBOARD_SMTP_URL is not set."""
        return smtp_server(self.smtp_url) if self.smtp_url else None

    @property
    def cookies_secure(self) -> bool:
        return self.environment == "production" if self.secure_cookies is None else self.secure_cookies

    def check_for_app(self) -> None:
        """Refuse to serve with settings that would be unsafe in production; the message says what to set."""
        if self.environment == "production" and (self.secret_key == DEV_SECRET_KEY
                                                 or len(self.secret_key or "") < MIN_SECRET_LENGTH):
            raise SettingsError(
                "STATBOARD_SECRET_KEY is missing, the development key, or shorter than "
                f"{MIN_SECRET_LENGTH} characters: set it to a long random value, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'` (or, on your own machine only, "
                "STATBOARD_ENV=development)")

    @classmethod
    def from_env(cls, overrides: dict | None = None, environ: dict | None = None) -> Settings:
        env = os.environ if environ is None else environ
        given = {name: env[var] for name, var in ENVIRONMENT.items() if env.get(var)}
        given.update(overrides or {})
        unknown = set(given) - {f.name for f in fields(cls)}
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        instance = Path(given.pop("instance_dir", "instance")).absolute()
        settings = cls(
            instance_dir=instance,
            warehouse_url=f"duckdb:///{instance / 'warehouse.duckdb'}",
            database_url=f"sqlite:///{instance / 'statboard.db'}",
        )
        if "query_timeout_ms" in given:
            try:
                given["query_timeout_ms"] = int(given["query_timeout_ms"])
            except ValueError:
                raise SettingsError("STATBOARD_QUERY_TIMEOUT_MS must be a whole number of milliseconds, "
                                    f"not {given['query_timeout_ms']!r}") from None
        for name, kind, what in (("session_hours", float, "a number of hours, e.g. 12"),
                                 ("small_cell_min", int, "a whole number, e.g. 11 (0: hide nothing)"),
                                 ("trusted_proxies", int, "a whole number of proxies, e.g. 1 (0: none)")):
            if name in given and not isinstance(given[name], kind):
                try:
                    given[name] = kind(given[name])
                except ValueError:
                    raise SettingsError(f"{ENVIRONMENT[name]} must be {what}, not {given[name]!r}") from None
            if name in given and (given[name] < 0 or (name == "session_hours" and given[name] == 0)):
                raise SettingsError(f"{ENVIRONMENT[name]} must be {what}, not {given[name]!r}")
        if "live_seconds" in given:
            try:
                given["live_seconds"] = float(given["live_seconds"])
            except (TypeError, ValueError):
                given["live_seconds"] = -1.0
            if not 1 <= given["live_seconds"] <= 3600:
                raise SettingsError("STATBOARD_LIVE_SECONDS must be a number of seconds from 1 to 3600 (how often an "
                                    "open scorecard checks for new data; default 60)")
        for name in ("secure_cookies", "managers_see_peers", "server_timing"):
            if isinstance(given.get(name), str):
                text = given[name].strip().lower()
                if text not in TRUE + FALSE:
                    raise SettingsError(f"{ENVIRONMENT[name]} must be true or false, not {given[name]!r}")
                given[name] = text in TRUE
        if given.get("environment", "production") not in ENVIRONMENTS:
            raise SettingsError(f"STATBOARD_ENV must be {' or '.join(ENVIRONMENTS)}, not {given['environment']!r}")
        if "timezone" in given:
            given["timezone"] = _timezone(given["timezone"])
        if given.get("smtp_url"):
            smtp_server(given["smtp_url"])
        if "mail_from" in given:
            given["mail_from"] = _mail_from(given["mail_from"])
        for name in ("catalogue_path", "instrument_path", "elimination_reasons_path"):
            if given.get(name) is not None:
                given[name] = Path(given[name])
        return replace(settings, **given)


def _timezone(value) -> str:
    name = str(value).strip()
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise SettingsError(f"STATBOARD_TIMEZONE must be a time zone's IANA name, such as America/Los_Angeles or "
                            f"America/Chicago, not {str(value)[:60]!r}") from None
    return name


def _mail_from(value) -> str:
    """STATBOARD_MAIL_FROM: one bare address (the mail server may refuse any other sender, so it is not guessed)."""
    text = str(value).strip()
    name, address = parseaddr(text)
    if (not address or address != text or name or address.count("@") != 1 or not all(address.split("@"))
            or any(c.isspace() or ord(c) < 32 for c in address)):
        raise SettingsError(f"STATBOARD_MAIL_FROM must be one e-mail address, e.g. statboard@agency.gov, "
                            f"not {text[:80]!r}")
    return address
