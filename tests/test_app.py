"""The app factory and the home page, called directly and through Flask's test client."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import create_app
from loader.load import load_extract
from queries.warehouse import Warehouse
from settings import ENVIRONMENT, Settings, SettingsError
from tests.extracts import write_extract
from tests.web import as_user, make_app, signed_in_client

ROOT = Path(__file__).resolve().parent.parent


def _text(component) -> str:
    """All the text inside a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


@pytest.fixture
def app(tmp_path):
    return make_app(tmp_path / "instance")


def test_create_app_connects_to_nothing(tmp_path):
    # An unreachable PostgreSQL warehouse is fine until a page reads from it.
    create_app({"instance_dir": str(tmp_path), "warehouse_url": "postgresql+psycopg://nobody@192.0.2.1:1/none",
                "environment": "development"})


def test_home_before_any_load_says_what_to_run(app):
    from pages.home import show_home
    with as_user(app):
        stamp, summary, body, _shown = show_home(None)
    assert stamp is None and summary is None
    assert "No data loaded yet" in _text(body) and "statboard load DIR" in _text(body)


def test_home_shows_the_organisation_and_data_as_of(app, tmp_path):
    settings = app.server.extensions["statboard"].settings
    load_extract(write_extract(tmp_path / "x"), Warehouse(settings.warehouse_url))
    from pages.home import show_home
    with as_user(app):
        stamp, _summary, body, _shown = show_home(None)
    assert _text(stamp).startswith("June 2024 data, as of 30 June 2024  · version 1"), _text(stamp)
    text = _text(body)
    assert "North" in text and 'South, "Coastal"' in text and "All bureaus" in text


def test_pages_are_served(app):
    client = signed_in_client(app, "exec", "executive")
    response = client.get("/")
    assert response.status_code == 200 and b"_dash-renderer" in response.data
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200


def test_settings_layering(tmp_path):
    env = {"STATBOARD_INSTANCE_DIR": str(tmp_path), "STATBOARD_CACHE_URL": "redis://127.0.0.1:6379/0"}
    settings = Settings.from_env({"query_timeout_ms": "500"}, environ=env)
    assert settings.warehouse_url == f"duckdb:///{tmp_path / 'warehouse.duckdb'}"
    assert settings.database_url == f"sqlite:///{tmp_path / 'statboard.db'}"
    assert settings.cache_url == "redis://127.0.0.1:6379/0" and settings.query_timeout_ms == 500


def test_the_live_check_interval_is_seconds_from_1_to_3600(tmp_path):
    env = {"STATBOARD_INSTANCE_DIR": str(tmp_path)}
    assert Settings.from_env(environ=env).live_seconds == 60
    assert Settings.from_env(environ={**env, "STATBOARD_LIVE_SECONDS": "2.5"}).live_seconds == 2.5
    for bad in ("0", "soon", "nan", "inf", "86400", "-5"):
        with pytest.raises(SettingsError, match="STATBOARD_LIVE_SECONDS must be a number of seconds from 1 to 3600"):
            Settings.from_env(environ={**env, "STATBOARD_LIVE_SECONDS": bad})


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"`(STATBOARD_[A-Z_]+)`", readme))
    assert set(ENVIRONMENT.values()) <= documented


def test_the_page_loads_nothing_from_other_sites(app):
    html = signed_in_client(app, "exec", "executive").get("/").data.decode()
    assert re.findall(r'(?:src|href)="(https?://[^"]+)"', html) == []
    assert "00-bootstrap-5.3.6.min.css" in html
