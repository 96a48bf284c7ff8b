"""What part of the organisation a reader may see. Every query function takes one.

A scope is a place in the hierarchy (the department, a bureau, an office or a
unit): the reader's own subtree. Inside it they read aggregates, and case-level
records when `case_level` allows. Outside it they read nothing, except, when
`peers` allows, the aggregates of the entities at their own level or above
(the other offices, the bureaus, the department) for comparison; never the
units or workers of another subtree, and never its case-level records.

A scope with `small_cell_min` set hides every cell whose numerator or
denominator is from 1 to `small_cell_min - 1`, and the cells from which such a
cell could be worked out (the viewer role; see queries/disclosure.py).

A provider scope (`provider:ID`, the `provider` role: a delegate agency's own
staff) is outside the hierarchy altogether: it owns no department, bureau,
office, unit or worker, so every query of the organisation refuses it, and
reads only its own provider's cells and members (`reads_provider`); its
program's aggregate is read by the provider queries under the viewer's
small-cell and inference rules (queries/providers.py).

Sign-in (access/roles.py) decides which scope a person gets from their role;
the query layer only ever reads inside it.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

LEVELS = ("department", "bureau", "office", "unit", "worker")
SCOPE_LEVELS = LEVELS[:-1]
PROVIDER = "provider"  # a delegate agency's scope: `provider:ID`, the ID a provider_id of the extract
DEPARTMENT_ID = "all"
SUPPRESSED = "suppressed"  # the status of a cell hidden from a reader because its numbers are small


class ScorecardQueryError(ValueError):
    """A request that cannot be answered as asked (a month, an indicator or an entity the data version does not have, a parameter that is not one); the message says what to ask instead."""


class OutsideScope(ScorecardQueryError):
    """A request for data outside the reader's scope."""


class ScopeError(ValueError):
    """A scope that does not name a place in the hierarchy."""


@dataclass(frozen=True)
class EntityRef:
    level: str
    entity_id: str

    def __str__(self):
        return f"{self.level}:{self.entity_id}"

    @property
    def words(self) -> str:
        """For a person to read where no name is known (a refusal must not confirm a name): "bureau B02"."""
        return "the department" if self.level == "department" else f"{self.level} {self.entity_id}"


DEPARTMENT = EntityRef("department", DEPARTMENT_ID)


def ancestry(level: str, entity_id: str, row: Mapping | None = None) -> dict:
    """An entity's bureau_id, office_id and unit_id (its own id among them), from its `entities` row."""
    ids = {f"{lv}_id": (row or {}).get(f"{lv}_id") for lv in ("bureau", "office", "unit")}
    if level in ("bureau", "office", "unit"):
        ids[f"{level}_id"] = entity_id
    return {k: (None if v is None or (isinstance(v, float) and v != v) else v) for k, v in ids.items()}


@dataclass(frozen=True)
class Scope:
    level: str = "department"
    entity_id: str = DEPARTMENT_ID
    case_level: bool = True
    peers: bool = False
    small_cell_min: int = 0

    def __post_init__(self):
        if self.level == PROVIDER:
            if not self.entity_id or self.peers:
                raise ScopeError("a provider scope needs the provider's id (provider:ID) and reads no peers")
            return
        if self.level not in SCOPE_LEVELS:
            raise ScopeError(f"scope level {self.level!r} is not one of {', '.join(SCOPE_LEVELS)}")
        if self.level == "department" and self.entity_id != DEPARTMENT_ID:
            raise ScopeError(f"the department's id is {DEPARTMENT_ID!r}")
        if self.level != "department" and not self.entity_id:
            raise ScopeError(f"a {self.level} scope needs the {self.level}'s id")
        if self.small_cell_min < 0:
            raise ScopeError("small_cell_min must be 0 (show every cell) or more")

    @classmethod
    def everything(cls) -> Scope:
        """The whole department, case-level records included (the CLI, the loader, executives)."""
        return cls()

    @classmethod
    def parse(cls, text: str, **options) -> Scope:
        """`LEVEL:ID` (e.g. `office:O004`), or `department`."""
        level, _, entity_id = (text or "").partition(":")
        if level == "department":
            return cls("department", entity_id or DEPARTMENT_ID, **options)
        if level == PROVIDER:
            if not entity_id:
                raise ScopeError(f"scope {text!r} needs an id: provider:ID, e.g. provider:FFA07")
            return cls(PROVIDER, entity_id, **options)
        if level not in SCOPE_LEVELS:
            raise ScopeError(f"scope {text!r} does not name a place: write LEVEL:ID with LEVEL one of "
                             f"{', '.join(SCOPE_LEVELS[1:] + (PROVIDER,))} (e.g. office:O004), or department")
        if not entity_id:
            raise ScopeError(f"scope {text!r} needs an id: LEVEL:ID, e.g. office:O004")
        return cls(level, entity_id, **options)

    @property
    def root(self) -> EntityRef:
        """The top of the reader's own subtree: where their scorecard starts."""
        return EntityRef(self.level, self.entity_id)

    def __str__(self):
        return "department" if self.level == "department" else f"{self.level}:{self.entity_id}"

    @property
    def is_provider(self) -> bool:
        """A delegate agency's scope: its own provider's figures only, nothing of the organisation's."""
        return self.level == PROVIDER

    def reads_provider(self, provider_id: str) -> bool:
        """The reader may see `provider_id`'s own cells (and, with `case_level`, its members): the whole
        department's readers every provider's, a provider scope its own only, any other scope none."""
        return self.level == "department" or (self.is_provider and provider_id == self.entity_id)

    def describe(self) -> str:
        """What this scope reads, in words, for messages."""
        if self.is_provider:
            text = (f"provider {self.entity_id}'s own figures, contracts, reviews and actions, and its programs' "
                    "aggregates")
            if self.small_cell_min:
                text += f" (other providers' numbers from 1 to {self.small_cell_min - 1} hidden)"
            return text
        if self.level == "department":
            text = "the whole department"
        else:
            text = f"{self.level} {self.entity_id} and everything in it"
            if self.peers:
                above = " and ".join(LEVELS[1:LEVELS.index(self.level) + 1])
                text += f", with the aggregates of the department and of every {above} for comparison"
        if self.small_cell_min:
            text += f"; cells with numbers from 1 to {self.small_cell_min - 1} hidden"
        return text

    # -- which entities ---------------------------------------------------------------------------

    def owns(self, entity: EntityRef, ids: Mapping) -> bool:
        """`entity` (with its `ancestry`) is inside the reader's own subtree."""
        if self.level == "department":
            return True
        if self.is_provider or entity.level not in LEVELS:  # a provider scope owns no part of the organisation,
            return self.is_provider and entity == self.root  # an organisation scope no provider
        if entity.level == "department" or LEVELS.index(entity.level) < LEVELS.index(self.level):
            return False
        return ids.get(f"{self.level}_id") == self.entity_id

    def _peer_level(self, level: str) -> bool:
        return self.peers and level in LEVELS and LEVELS.index(level) <= LEVELS.index(self.level)

    def reads(self, entity: EntityRef, ids: Mapping) -> bool:
        """The reader may see `entity`'s aggregates."""
        return self.owns(entity, ids) or self._peer_level(entity.level)

    def reads_all(self, parent: EntityRef, ids: Mapping, level: str) -> bool:
        """The reader may see the aggregates of `parent` and of every entity of `level` under it."""
        return self.owns(parent, ids) or (self._peer_level(level) and self.reads(parent, ids))

    def entity_filter(self, alias: str = "entities") -> tuple[str, dict]:
        """A SQL condition on the `entities` table keeping the entities whose aggregates this scope reads."""
        owned, params = self.owned_filter(alias)
        if self.level == "department" or self.is_provider or not self.peers:
            return owned, params
        levels = ", ".join(f"'{lv}'" for lv in LEVELS[:LEVELS.index(self.level) + 1])  # from LEVELS, not typed
        return f"({owned} or {alias}.level in ({levels}))", params

    def owned_filter(self, alias: str = "entities") -> tuple[str, dict]:
        """A SQL condition on the `entities` table keeping this scope's own subtree (case-level reads)."""
        if self.level == "department":
            return "true", {}
        if self.is_provider:
            return "false", {}  # the organisation's entities: none of them is a provider's
        return f"{alias}.{self.level}_id = :scope_id", {"scope_id": self.entity_id}

    # -- small cells ------------------------------------------------------------------------------

    def suppress(self, frame: pd.DataFrame, prefix: str = "", status: str | None = "status",
                 also: pd.Series | None = None) -> pd.DataFrame:
        """`frame` as a small-cell scope may see it: a cell whose numerator or denominator is from 1 to
        `small_cell_min - 1` (or marked in `also`) has its value emptied and status `suppressed`, and no cell
        keeps its numerator or denominator. (`queries.disclosure.for_reader` decides `also`, the cells
        hidden so that a small one cannot be worked out from the others, and rounds the values.)

        `prefix` names another month's columns (`last_month_` reads `last_month_numerator` ...; its value
        column is `last_month`); `status` names that month's status column (None: it has none).
        """
        if not self.small_cell_min or frame.empty:
            return frame
        frame = frame.copy()
        num, den = frame[f"{prefix}numerator"], frame[f"{prefix}denominator"]
        small = num.between(1, self.small_cell_min - 1) | den.between(1, self.small_cell_min - 1)
        if also is not None:
            small |= also
        small = small.fillna(False).astype(bool)
        value = f"{prefix}value" if f"{prefix}value" in frame else prefix.rstrip("_")
        frame[value] = frame[value].astype("float64").mask(small)
        if status:
            had = frame[status].notna()
            frame[status] = frame[status].astype(object).mask(small & had, SUPPRESSED)
        for column in (f"{prefix}numerator", f"{prefix}denominator"):
            frame[column] = float("nan")
        return frame
