"""Outcome contracts with delegate agencies in the app store: each load of the agency's contracts file is a new
version holding every contract of the file, and the newest version is the one in force.

The file is read and checked by measures/contracts.py (against the catalogue and the warehouse's providers); only
a checked file (`ContractsFile`) can be loaded, in one transaction with its line in the audit log. A version is
never changed: an agency that amends a contract loads the whole file again. Targets and floors are kept as
written, so they compare exactly as the file says; a contract's contacts (the provider's people) and manager, who
get the follow-up of the provider's performance reviews, as the file names them.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from measures.contracts import Contract, ContractsFile, Metric
from store import db
from store.db import contract_metrics, contract_versions as versions_table, contracts as contracts_table, utcnow

LOADED = "contracts-loaded"


@dataclass(frozen=True)
class ContractVersion:
    id: int
    loaded_at: dt.datetime
    loaded_by: str
    origin: str
    sha256: str
    contract_count: int


def load_contracts(engine: Engine, contracts: ContractsFile, actor: str, via: str = "cli") -> ContractVersion:
    """Keep every contract of the checked file as the next version, in one transaction with the audit entry."""
    with engine.begin() as conn:
        version_id = conn.execute(versions_table.insert().values(
            loaded_at=utcnow(), loaded_by=actor[:200], origin=str(contracts.path)[:1000], sha256=contracts.sha256,
            contract_count=len(contracts))).inserted_primary_key[0]
        for position, contract in enumerate(contracts.contracts):
            row = conn.execute(contracts_table.insert().values(
                version_id=version_id, position=position, contract_id=contract.id, provider_id=contract.provider_id,
                program=contract.program, start_date=contract.start, end_date=contract.end,
                cadence=contract.cadence, contacts=json.dumps(list(contract.contacts)) if contract.contacts else None,
                manager=contract.manager)).inserted_primary_key[0]
            conn.execute(contract_metrics.insert(), [
                {"contract_row": row, "position": n, "indicator_id": m.indicator_id, "target": str(m.target),
                 "floor": None if m.floor is None else str(m.floor)} for n, m in enumerate(contract.metrics)])
        db.record_in(conn, actor, LOADED, {"version": version_id, "contracts": len(contracts),
                                           "sha256": contracts.sha256, "origin": str(contracts.path), "via": via})
    return contract_versions(engine)[0]


def contract_versions(engine: Engine) -> list[ContractVersion]:
    """Every load of the contracts file, newest first."""
    with engine.connect() as conn:
        return [ContractVersion(r.id, r.loaded_at, r.loaded_by, r.origin, r.sha256, r.contract_count)
                for r in conn.execute(sa.select(versions_table).order_by(versions_table.c.id.desc()))]


def contracts_of(engine: Engine, version_id: int) -> list[Contract]:
    """The contracts of one version, in the file's order, each with its metrics in the file's order."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(contracts_table).where(contracts_table.c.version_id == version_id)
                            .order_by(contracts_table.c.position)).all()
        metrics = conn.execute(
            sa.select(contract_metrics).where(contract_metrics.c.contract_row.in_([r.id for r in rows]))
            .order_by(contract_metrics.c.contract_row, contract_metrics.c.position)).all() if rows else []
    held: dict[int, list[Metric]] = {}
    for m in metrics:
        held.setdefault(m.contract_row, []).append(
            Metric(m.indicator_id, Decimal(m.target), None if m.floor is None else Decimal(m.floor)))
    return [Contract(r.contract_id, r.provider_id, r.program, r.start_date, r.end_date, r.cadence,
                     tuple(held.get(r.id, ())), tuple(json.loads(r.contacts)) if r.contacts else (), r.manager)
            for r in rows]


def current_contracts(engine: Engine) -> list[Contract]:
    """The contracts of the newest version (none before the first load)."""
    with engine.connect() as conn:
        newest = conn.execute(sa.select(sa.func.max(versions_table.c.id))).scalar()
    return [] if newest is None else contracts_of(engine, newest)
