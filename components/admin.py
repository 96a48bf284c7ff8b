"""Builders for the admin page: the users, the settings in force, and the audit log."""
from __future__ import annotations

import dataclasses
import json

import dash_bootstrap_components as dbc
from dash import html
from sqlalchemy.engine import make_url

from store.users import User
from settings import Settings

SECRET_SETTINGS = {"secret_key"}
DETAIL_KEYS_SHOWN = 8     # an entry's detail is whatever its writer put there: bounded on screen (the CSV has it all)
DETAIL_VALUE_CHARS = 120


def users_table(users: list[User]) -> dbc.Table:
    head = html.Thead(html.Tr([html.Th(h) for h in ("Username", "Role", "Scope", "Status", "Last sign-in (UTC)",
                                                    "Added (UTC)")]))
    rows = [html.Tr([
        html.Td(u.username), html.Td(u.role),
        html.Td("—" if u.role == "admin" else (u.scope or "department")),
        html.Td(u.status, className={"active": "", "locked": "text-warning", "disabled": "text-muted"}[u.status]),
        html.Td(f"{u.last_sign_in_at:%Y-%m-%d %H:%M}" if u.last_sign_in_at else "never"),
        html.Td(f"{u.created_at:%Y-%m-%d}"),
    ]) for u in users]
    return dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, responsive=True, id="admin-users-table")


def _shown(name: str, value) -> str:
    if name in SECRET_SETTINGS:
        return "set (not shown)"
    if name.endswith("_url") and value:
        return make_url(value).render_as_string(hide_password=True)
    return "default" if value is None else str(value)


def settings_table(settings: Settings) -> dbc.Table:
    """The settings in force, secrets masked (database passwords, the secret key)."""
    rows = [html.Tr([html.Td(html.Code(f.name)), html.Td(_shown(f.name, getattr(settings, f.name)))])
            for f in dataclasses.fields(settings)]
    rows.append(html.Tr([html.Td(html.Code("cookies secure")), html.Td(str(settings.cookies_secure))]))
    return dbc.Table(html.Tbody(rows), size="sm", responsive=True, id="admin-settings-table")


def _clipped(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def audit_detail(detail) -> html.Div | str:
    """An entry's detail as `key: value` lines, at most `DETAIL_KEYS_SHOWN` of them, each value cut at
    `DETAIL_VALUE_CHARS` characters; Dash writes it as text, so nothing in it is markup."""
    if detail in (None, "", {}, []):
        return ""
    if not isinstance(detail, dict):
        return _clipped(detail if isinstance(detail, str) else json.dumps(detail, ensure_ascii=False),
                        DETAIL_VALUE_CHARS)
    lines = []
    for key in sorted(detail, key=str)[:DETAIL_KEYS_SHOWN]:
        value = detail[key]
        text = value if isinstance(value, str) else "—" if value is None else json.dumps(
            value, ensure_ascii=False, sort_keys=True)
        lines.append(html.Div([html.Span(f"{_clipped(str(key), 40)}: ", className="text-muted"),
                               _clipped(" ".join(text.split()), DETAIL_VALUE_CHARS)]))
    if len(detail) > DETAIL_KEYS_SHOWN:
        lines.append(html.Div(f"and {len(detail) - DETAIL_KEYS_SHOWN:,} more (in the CSV)", className="text-muted"))
    return html.Div(lines, className="audit-detail")


def audit_table(entries: list[dict]) -> dbc.Table | html.P:
    if not entries:
        return html.P("No entries match.", className="text-muted")
    head = html.Thead(html.Tr([html.Th(h) for h in ("When (UTC)", "Who", "What", "Detail", "From")]))
    rows = [html.Tr([
        html.Td(f"{e['at']:%Y-%m-%d %H:%M:%S}", className="text-nowrap"), html.Td(e["actor"]),
        html.Td(e["action"]), html.Td(audit_detail(e["detail"]), className="small"),
        html.Td(e["remote_addr"] or ""),
    ]) for e in entries]
    return dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, responsive=True, id="admin-audit-table")
