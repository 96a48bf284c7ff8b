"""Roles, and what each lets a signed-in person read.

| role        | reads                                                                              |
|-------------|------------------------------------------------------------------------------------|
| `admin`     | users, settings and the audit log; no data                                         |
| `executive` | everything, case-level records included                                            |
| `manager`   | their scope's subtree (a bureau, an office or a unit), case-level records included; |
|             | with STATBOARD_MANAGERS_SEE_PEERS, also the aggregates at their level and above    |
| `analyst`   | every aggregate; no case-level records                                             |
| `viewer`    | aggregates only, in their scope (default the department), small cells hidden      |
| `provider`  | a delegate agency's staff (`provider:ID`): its own provider's cells, members,      |
|             | contracts, reviews and actions; of the others only its programs' aggregates, with  |
|             | the viewer's small-cell and inference protections; nothing of the organisation's   |

A `Reader` is who is asking; `Reader.data_scope()` is the `Scope` every data
query takes, and refuses a reader who reads no data.
"""
from __future__ import annotations

from dataclasses import dataclass

from access.scope import PROVIDER, OutsideScope, Scope, ScopeError

ROLES = ("admin", "executive", "manager", "analyst", "viewer", "provider")
ROLE_HELP = {
    "admin": "users, settings and the audit log; no data",
    "executive": "everything, case-level records included",
    "manager": "a bureau, office or unit and everything in it, case-level records included",
    "analyst": "every aggregate, no case-level records",
    "viewer": "aggregates only, small cells hidden (the department, or a --scope)",
    "provider": "a delegate agency's own figures, contracts, reviews and actions (--scope provider:ID)",
}


class AccessError(ValueError):
    """A role or scope that cannot be given to a user; the message says what to give instead."""


def check_role(role: str, scope_text: str | None) -> str | None:
    """Validate a role and its scope; the scope in canonical form (None: the department or no data)."""
    if role not in ROLES:
        raise AccessError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if role in ("admin", "executive", "analyst"):
        if scope_text:
            raise AccessError(f"an {role} has no scope ({ROLE_HELP[role]}): leave out --scope")
        return None
    try:
        scope = Scope.parse(scope_text) if scope_text else None
    except ScopeError as exc:
        raise AccessError(str(exc)) from None
    if role == "provider" and (scope is None or not scope.is_provider):
        raise AccessError("a provider user needs the delegate agency they work for: --scope provider:ID, e.g. "
                          "--scope provider:FFA07 (statboard contracts list shows the providers)")
    if role != "provider" and scope is not None and scope.is_provider:
        raise AccessError(f"a {PROVIDER} scope is for the provider role (a delegate agency's staff); a {role} "
                          "reads a part of the organisation: --scope LEVEL:ID, e.g. office:O004")
    if role == "manager" and (scope is None or scope.level == "department"):
        raise AccessError("a manager needs the bureau, office or unit they manage: --scope LEVEL:ID, "
                          "e.g. --scope office:O004 (use executive for the whole department)")
    return None if scope is None or scope.level == "department" else str(scope)


@dataclass(frozen=True)
class Reader:
    """A signed-in person, as the query layer sees them."""
    username: str
    role: str
    scope: Scope | None  # None: reads no data (admin)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def data_scope(self) -> Scope:
        """The scope every data query takes; refuses a reader whose role reads no data."""
        if self.scope is None:
            raise OutsideScope(f"your role, {self.role}, manages users and settings and reads no data; "
                               "ask an admin for a role that does")
        return self.scope

    def require_admin(self, what: str) -> None:
        if not self.is_admin:
            raise OutsideScope(f"{what} is for admins; your role is {self.role}")


def reader_for(username: str, role: str, scope_text: str | None, managers_see_peers: bool = False,
               small_cell_min: int = 11) -> Reader:
    """The Reader a user's role and scope make, under the agency's settings."""
    check_role(role, scope_text)
    place = Scope.parse(scope_text) if scope_text else Scope()
    if role == "admin":
        scope = None
    elif role in ("executive", "analyst"):
        scope = Scope(case_level=role == "executive")
    elif role == "manager":
        scope = Scope(place.level, place.entity_id, case_level=True, peers=managers_see_peers)
    elif role == "provider":  # its own members (masked as everywhere); the others' numbers as a viewer's
        scope = Scope(PROVIDER, place.entity_id, case_level=True, small_cell_min=small_cell_min)
    else:  # viewer
        scope = Scope(place.level, place.entity_id, case_level=False, small_cell_min=small_cell_min)
    return Reader(username, role, scope)
