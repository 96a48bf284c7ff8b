"""Configuration from the environment, with defaults that run on one machine with no setup.

Order: defaults, then environment variables, then an explicit mapping (tests).
Every setting is documented in README.md ("Configuration"); a test checks that.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from pathlib import Path

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
}
ENVIRONMENTS = ("production", "development")
MIN_SECRET_LENGTH = 32
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


class SettingsError(Exception):
    """A setting has a value Statboard cannot use; the message names it."""


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
        for name in ("secure_cookies", "managers_see_peers"):
            if isinstance(given.get(name), str):
                text = given[name].strip().lower()
                if text not in TRUE + FALSE:
                    raise SettingsError(f"{ENVIRONMENT[name]} must be true or false, not {given[name]!r}")
                given[name] = text in TRUE
        if given.get("environment", "production") not in ENVIRONMENTS:
            raise SettingsError(f"STATBOARD_ENV must be {' or '.join(ENVIRONMENTS)}, not {given['environment']!r}")
        for name in ("catalogue_path", "instrument_path", "elimination_reasons_path"):
            if given.get(name) is not None:
                given[name] = Path(given[name])
        return replace(settings, **given)
