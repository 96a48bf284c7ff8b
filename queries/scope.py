"""What part of the organisation a reader may see. Every query function takes one.

A scope is a place in the hierarchy (the department, a bureau, an office or a
unit) and whether case-level records may be listed. Sign-in (roles, users)
decides which scope a person gets; the query layer only ever reads inside it.
"""
from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("department", "bureau", "office", "unit", "worker")
SCOPE_LEVELS = LEVELS[:-1]
DEPARTMENT_ID = "all"


class ScopeError(Exception):
    """A scope that does not name a place in the hierarchy."""


@dataclass(frozen=True)
class Scope:
    level: str = "department"
    entity_id: str = DEPARTMENT_ID
    case_level: bool = True

    def __post_init__(self):
        if self.level not in SCOPE_LEVELS:
            raise ScopeError(f"scope level {self.level!r} is not one of {', '.join(SCOPE_LEVELS)}")
        if self.level == "department" and self.entity_id != DEPARTMENT_ID:
            raise ScopeError(f"the department's id is {DEPARTMENT_ID!r}")

    @classmethod
    def everything(cls) -> Scope:
        """The whole department, case-level records included (the CLI, the loader, executives)."""
        return cls()

    @classmethod
    def parse(cls, text: str, case_level: bool = True) -> Scope:
        """`LEVEL:ID` (e.g. `office:O004`), or `department`."""
        level, _, entity_id = text.partition(":")
        if level == "department":
            return cls("department", entity_id or DEPARTMENT_ID, case_level)
        if not entity_id:
            raise ScopeError(f"scope {text!r} needs an id: LEVEL:ID, e.g. office:O004")
        return cls(level, entity_id, case_level)

    def entity_filter(self, alias: str = "entities") -> tuple[str, dict]:
        """A SQL condition on the `entities` table that keeps this scope's subtree, and its params."""
        if self.level == "department":
            return "true", {}
        return f"{alias}.{self.level}_id = :scope_id", {"scope_id": self.entity_id}
