"""Builders for the admin page: the users, the settings in force, and the audit log."""
from __future__ import annotations

import dataclasses
import json

import dash_bootstrap_components as dbc
from dash import html
from sqlalchemy.engine import make_url

from queries.users import User
from settings import Settings

SECRET_SETTINGS = {"secret_key"}


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


def audit_table(entries: list[dict]) -> dbc.Table | html.P:
    if not entries:
        return html.P("No entries match.", className="text-muted")
    head = html.Thead(html.Tr([html.Th(h) for h in ("When (UTC)", "Who", "What", "Detail", "From")]))
    rows = [html.Tr([
        html.Td(f"{e['at']:%Y-%m-%d %H:%M:%S}", className="text-nowrap"), html.Td(e["actor"]),
        html.Td(e["action"]), html.Td(html.Code(json.dumps(e["detail"], sort_keys=True)), className="small"),
        html.Td(e["remote_addr"] or ""),
    ]) for e in entries]
    return dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, responsive=True, id="admin-audit-table")
