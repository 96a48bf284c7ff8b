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
}


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
        if given.get("catalogue_path") is not None:
            given["catalogue_path"] = Path(given["catalogue_path"])
        return replace(settings, **given)
