"""The case-level extract contract (docs/data-contract.md, v1), declared.

Everything the loader checks is derived from these declarations, so the
contract lives in one place: which tables and columns exist, their types and
nullability, keys, and the cross-column and cross-table rules.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ID, TEXT, DATE, DATETIME, BOOL, ENUM = "id", "text", "date", "datetime", "bool", "enum"

EARLIEST_DATE = "1900-01-01"


@dataclass(frozen=True)
class Column:
    name: str
    type: str = TEXT
    nullable: bool = False
    values: tuple[str, ...] = ()  # the allowed values of an ENUM column
    optional: bool = False  # may be left out of the file altogether (then every value is NULL)


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str  # its primary key is the target


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())
    optional: bool = False  # an extract may leave the table out (it is then loaded with no rows)

    @property
    def primary_key(self) -> str:
        return self.columns[0].name

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SEX = ("f", "m", "x", "u")
RESPONSE_TYPES = ("immediate", "five_day", "evaluated_out")
DISPOSITIONS = ("substantiated", "inconclusive", "unfounded")
DISCHARGE_REASONS = (
    "reunification", "relative", "guardianship", "adoption", "emancipation",
    "transfer", "runaway", "death", "other",
)
SETTINGS = (
    "relative", "foster_family", "group_home", "institution", "pre_adoptive",
    "supervised_independent", "trial_home_visit", "runaway",
)
EXAM_TYPES = ("medical", "dental", "mental_health_screening")

# Load order: every table comes after the tables its foreign keys name.
TABLES: tuple[Table, ...] = (
    Table("bureaus", (Column("bureau_id", ID), Column("bureau_name"))),
    Table(
        "offices",
        (Column("office_id", ID), Column("office_name"), Column("bureau_id", ID),
         Column("peer_group", nullable=True)),
        (ForeignKey("bureau_id", "bureaus"),),
    ),
    Table(
        "units",
        (Column("unit_id", ID), Column("unit_name"), Column("office_id", ID)),
        (ForeignKey("office_id", "offices"),),
    ),
    Table(
        "workers",
        (Column("worker_id", ID), Column("worker_name"), Column("unit_id", ID),
         Column("hire_date", DATE), Column("end_date", DATE, nullable=True)),
        (ForeignKey("unit_id", "units"),),
    ),
    Table(
        "children",
        (Column("child_id", ID), Column("birth_date", DATE), Column("sex", ENUM, values=SEX),
         Column("race_ethnicity"), Column("sibling_group_id", ID, nullable=True)),
    ),
    Table(
        "referrals",
        (Column("referral_id", ID), Column("child_id", ID), Column("worker_id", ID),
         Column("received_at", DATETIME), Column("response_type", ENUM, values=RESPONSE_TYPES),
         Column("first_contact_at", DATETIME, nullable=True),
         Column("disposition", ENUM, nullable=True, values=DISPOSITIONS),
         Column("disposition_date", DATE, nullable=True)),
        (ForeignKey("child_id", "children"), ForeignKey("worker_id", "workers")),
    ),
    Table(
        "episodes",
        (Column("episode_id", ID), Column("child_id", ID), Column("worker_id", ID),
         Column("removal_date", DATE), Column("discharge_date", DATE, nullable=True),
         Column("discharge_reason", ENUM, nullable=True, values=DISCHARGE_REASONS),
         Column("tdm_date", DATE, nullable=True)),
        (ForeignKey("child_id", "children"), ForeignKey("worker_id", "workers")),
    ),
    # The delegate agencies the department contracts with; optional (an extract without providers
    # attributes no member to one).
    Table("providers", (Column("provider_id", ID), Column("provider_name"),
                        Column("provider_type", nullable=True)), optional=True),
    Table(
        "placements",
        (Column("placement_id", ID), Column("episode_id", ID), Column("home_id", ID),
         Column("setting", ENUM, values=SETTINGS), Column("start_date", DATE),
         Column("end_date", DATE, nullable=True),
         Column("provider_id", ID, nullable=True, optional=True)),
        (ForeignKey("episode_id", "episodes"), ForeignKey("provider_id", "providers")),
    ),
    Table(
        "in_home_cases",
        (Column("case_id", ID), Column("child_id", ID), Column("worker_id", ID),
         Column("opened_date", DATE), Column("closed_date", DATE, nullable=True),
         Column("provider_id", ID, nullable=True, optional=True)),
        (ForeignKey("child_id", "children"), ForeignKey("worker_id", "workers"),
         ForeignKey("provider_id", "providers")),
    ),
    Table(
        "contacts",
        (Column("contact_id", ID), Column("child_id", ID), Column("worker_id", ID),
         Column("contact_date", DATE), Column("in_person", BOOL), Column("completed", BOOL)),
        (ForeignKey("child_id", "children"), ForeignKey("worker_id", "workers")),
    ),
    Table(
        "exams",
        (Column("exam_id", ID), Column("child_id", ID),
         Column("exam_type", ENUM, values=EXAM_TYPES), Column("exam_date", DATE)),
        (ForeignKey("child_id", "children"),),
    ),
)

TABLES_BY_NAME = {t.name: t for t in TABLES}


@dataclass(frozen=True)
class NullPairing:
    """Two columns that are NULL together or set together."""
    table: str
    column: str
    partner: str


NULL_PAIRINGS = (
    NullPairing("referrals", "disposition_date", "disposition"),
    NullPairing("episodes", "discharge_reason", "discharge_date"),
)


@dataclass(frozen=True)
class DateOrder:
    """`column` must be on or after `earlier` (compared as dates when `as_date`)."""
    table: str
    column: str
    earlier: str
    as_date: bool = False

    @property
    def rule(self) -> str:
        earlier = f"date({self.earlier})" if self.as_date else self.earlier
        return f"{self.column} >= {earlier}"


DATE_ORDERS = (
    DateOrder("workers", "end_date", "hire_date"),
    DateOrder("referrals", "first_contact_at", "received_at"),
    DateOrder("referrals", "disposition_date", "received_at", as_date=True),
    DateOrder("episodes", "discharge_date", "removal_date"),
    DateOrder("placements", "end_date", "start_date"),
    DateOrder("in_home_cases", "closed_date", "opened_date"),
)
