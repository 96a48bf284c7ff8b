"""Outcome contracts with delegate agencies: the agency's contracts file checked strictly (every problem named
with file, line and contract), loaded through the real command line as a new version of the app store with its
audit entry, refused whole with nothing written, and listed with the warehouse's provider names."""
from __future__ import annotations

import csv
import io
import os
import re
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cli import main
from measures.catalogue import load_catalogue
from measures.contracts import NO_PROVIDERS, ContractsError, read_contracts
from queries.providers import providers
from queries.warehouse import Warehouse
from store import db
from store.contracts import LOADED, contract_versions, current_contracts

PROVIDERS = [("FFA01", "Harbor Family Services", "foster_family_agency"),
             ("FFA02", "Cedar Foster Care", "foster_family_agency"),
             ("IHS01", "Bridges In-Home Services", "in_home_services")]
PROVIDER_IDS = {p[0] for p in PROVIDERS}

# The shape of the sample file (docs/contracts.md): two contracts of one provider for one program, one after the
# other, and one of another provider; a computed proportion, a computed "lower is better", an imported metric.
GOOD = """\
version = 1

[[contract]]
id = "C-2024-FFA01"
provider = "FFA01"
program = "Foster care"
start = 2024-07-01
end = 2025-06-30
cadence = "quarterly"

[[contract.metric]]
indicator = "placement_stability_0_12"
target = 85.0
floor = 78.0

[[contract]]
id = "C-2025-FFA01"
provider = "FFA01"
program = "Foster care"
start = 2025-07-01
end = 2026-06-30
cadence = "quarterly"

[[contract.metric]]
indicator = "placement_stability_0_12"
target = 88.0
floor = 80.0

[[contract.metric]]
indicator = "reentry"
target = 8.0
floor = 10.5

[[contract]]
id = "C-2025-IHS01"
provider = "IHS01"
program = "In-home services"
start = 2025-01-01
end = 2025-12-31
cadence = "monthly"

[[contract.metric]]
indicator = "mh_screening_in_home"
target = 90

[[contract.metric]]
indicator = "reported_permanency_12m"
target = 40
"""
# Lines of GOOD: the second contract's header, and its metrics'.
SECOND, SECOND_STABILITY, SECOND_REENTRY, THIRD = 16, 24, 29, 34


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def problems_of(tmp_path: Path, catalogue, text: str, provider_ids=PROVIDER_IDS) -> list[str]:
    path = tmp_path / "contracts.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContractsError) as refused:
        read_contracts(path, catalogue, provider_ids)
    return [p.replace(str(path), "FILE") for p in refused.value.problems]


def edited(old: str, new: str, text: str = GOOD) -> str:
    """GOOD with the second contract's first `old` replaced by `new`."""
    head, tail = text.split('id = "C-2025-FFA01"', 1)
    assert old in tail
    return head + 'id = "C-2025-FFA01"' + tail.replace(old, new, 1)


# -- a good file ------------------------------------------------------------------------------------------------

def test_a_good_file_gives_every_contract_and_metric_exactly_as_written(tmp_path, catalogue):
    path = tmp_path / "contracts.toml"
    path.write_text(GOOD, encoding="utf-8")
    found = read_contracts(path, catalogue, PROVIDER_IDS)
    assert [c.id for c in found.contracts] == ["C-2024-FFA01", "C-2025-FFA01", "C-2025-IHS01"]
    second = found.contracts[1]
    assert (second.provider_id, second.program, str(second.start), str(second.end), second.cadence) == (
        "FFA01", "Foster care", "2025-07-01", "2026-06-30", "quarterly")
    assert [(m.indicator_id, m.target, m.floor) for m in second.metrics] == [
        ("placement_stability_0_12", Decimal("88.0"), Decimal("80.0")), ("reentry", Decimal("8.0"),
                                                                         Decimal("10.5"))]
    assert isinstance(second.metrics[0].target, Decimal)  # exact, as written
    assert found.contracts[2].metrics[1].floor is None
    assert re.fullmatch("[0-9a-f]{64}", found.sha256)


def test_contacts_and_manager_are_kept_as_written_and_survive_a_load(tmp_path, catalogue):
    from store.contracts import current_contracts, load_contracts
    text = edited('cadence = "quarterly"', 'cadence = "quarterly"\ncontacts = ["Ana Ruiz <ana.ruiz@beacon.org>", '
                  '"qa@beacon.org"]\nmanager = "Lee Park <lee.park@county.gov>"')
    path = tmp_path / "contracts.toml"
    path.write_text(text, encoding="utf-8")
    found = read_contracts(path, catalogue, PROVIDER_IDS)
    second = found.contracts[1]
    assert second.contacts == ("Ana Ruiz <ana.ruiz@beacon.org>", "qa@beacon.org")
    assert second.manager == "Lee Park <lee.park@county.gov>"
    assert (found.contracts[0].contacts, found.contracts[0].manager) == ((), None)  # both optional
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'store.db'}")
    db.upgrade(engine)
    load_contracts(engine, found, "test")
    kept = {c.id: c for c in current_contracts(engine)}
    assert kept["C-2025-FFA01"] == second and kept["C-2024-FFA01"] == found.contracts[0]


# -- every problem, named ---------------------------------------------------------------------------------------

AT = f"FILE, line {SECOND}, contract 'C-2025-FFA01'"
METRIC = f"FILE, line {SECOND_STABILITY}, contract 'C-2025-FFA01', metric 'placement_stability_0_12'"
PROBLEMS = {
    "unknown field": (
        edited('cadence = "quarterly"', 'cadence = "quarterly"\nowner = "Ann"'),
        f"{AT}: unknown field 'owner'; allowed: id, provider, program, start, end, cadence, contacts, manager, "
        "metric"),
    "a contact that is not an address": (
        edited('cadence = "quarterly"', 'cadence = "quarterly"\ncontacts = ["qa@beacon.org", "Ana <ana@beacon>"]'),
        f"{AT}: contact 2 'Ana <ana@beacon>' is not an e-mail address: write name@provider.org or "
        "Name <name@provider.org>"),
    "a contact given twice": (
        edited('cadence = "quarterly"', 'cadence = "quarterly"\ncontacts = ["qa@beacon.org", "QA <QA@beacon.org>"]'),
        f"{AT}: contact 2 'QA@beacon.org' is given twice (first as contact 1): give each person once"),
    "contacts that are not a list": (
        edited('cadence = "quarterly"', 'cadence = "quarterly"\ncontacts = "qa@beacon.org"'),
        f"{AT}: contacts must be a list of addresses, e.g. contacts = [\"qa@provider.org\"], not 'qa@beacon.org'"),
    "a contact smuggling a second line": (
        edited('cadence = "quarterly"', 'cadence = "quarterly"\ncontacts = ["qa@beacon.org\\nBcc: x@evil.org"]'),
        f"{AT}: contact 1 'qa@beacon.org\\nBcc: x@evil.org' is not an e-mail address: write name@provider.org or "
        "Name <name@provider.org>"),
    "a manager that is not an address": (
        edited('cadence = "quarterly"', 'cadence = "quarterly"\nmanager = "Lee Park"'),
        f"{AT}: manager 'Lee Park' is not an e-mail address: write the contract manager as name@agency.gov or "
        "Name <name@agency.gov>"),
    "unknown field of a metric": (
        edited("floor = 80.0", "floor = 80.0\nweight = 2"),
        f"{METRIC}: unknown field 'weight'; allowed: indicator, target, floor"),
    "missing field": (
        edited('cadence = "quarterly"\n', ""),
        f"{AT}: missing field 'cadence' (monthly or quarterly: how often the provider's performance is reviewed)"),
    "missing target": (
        edited("target = 88.0\n", ""),
        f"{METRIC}: missing field 'target' (the contract's goal, in the indicator's units)"),
    "no metric": (
        GOOD.replace('[[contract.metric]]\nindicator = "mh_screening_in_home"\ntarget = 90\n\n'
                     '[[contract.metric]]\nindicator = "reported_permanency_12m"\ntarget = 40\n', ""),
        f"FILE, line {THIRD}, contract 'C-2025-IHS01': no [[contract.metric]] entries: a contract holds its "
        "provider to at least one outcome"),
    "a date in quotes": (
        edited("start = 2025-07-01", 'start = "2025-07-01"'),
        f"{AT}: start must be a day written as a TOML date without quotes, e.g. start = 2025-07-01, not "
        "'2025-07-01'"),
    "a time, not a day": (
        edited("end = 2026-06-30", "end = 2026-06-30T17:00:00"),
        f"{AT}: end must be a day written as a TOML date without quotes, e.g. end = 2025-07-01, not "
        "datetime.datetime(2026, 6, 30, 17, 0)"),
    "end before start": (
        edited("end = 2026-06-30", "end = 2025-06-30"),
        f"{AT}: end 2025-06-30 is before start 2025-07-01"),
    "unknown cadence": (
        edited('cadence = "quarterly"', 'cadence = "yearly"'),
        f"{AT}: cadence 'yearly' is not one of monthly, quarterly"),
    "unknown indicator": (
        edited('indicator = "reentry"', 'indicator = "re_entry"'),
        f"FILE, line {SECOND_REENTRY}, contract 'C-2025-FFA01', metric 're_entry': unknown indicator 're_entry'; "
        "the catalogue computes "),
    "a count as a metric": (
        edited('indicator = "reentry"', 'indicator = "entries"'),
        f"FILE, line {SECOND_REENTRY}, contract 'C-2025-FFA01', metric 'entries': Foster care entry (removal) is a "
        "count, never coloured: a contract's target needs a proportion, rate or median"),
    "an imported indicator never coloured": (
        edited('indicator = "reentry"', 'indicator = "cfsr_entry_rate"'),
        f"FILE, line {SECOND_REENTRY}, contract 'C-2025-FFA01', metric 'cfsr_entry_rate': Foster care entry rate "
        "(per 1,000 children) is never coloured (the catalogue says neither higher nor lower is better): a "
        "contract's target needs an indicator with a direction"),
    "an indicator of referrals, which no provider has": (
        edited('indicator = "placement_stability_0_12"', 'indicator = "timely_response_immediate"'),
        f"FILE, line {SECOND_STABILITY}, contract 'C-2025-FFA01', metric 'timely_response_immediate': "),
    "a floor above the target where higher is better": (
        edited("floor = 80.0", "floor = 90.0"),
        f"{METRIC}: floor 90.0 is above target 88.0, but higher is better: the floor, where the remedy starts, "
        "must be at or below the target"),
    "a floor below the target where lower is better": (
        edited("floor = 10.5", "floor = 6"),
        f"FILE, line {SECOND_REENTRY}, contract 'C-2025-FFA01', metric 'reentry': floor 6 is below target 8.0, "
        "but lower is better: the floor, where the remedy starts, must be at or above the target"),
    "a proportion's target above 100": (
        edited("target = 88.0", "target = 880"),
        f"{METRIC}: target 880 is a percent above 100"),
    "a negative target": (
        edited("target = 88.0", "target = -1"),
        f"{METRIC}: target must be a number, 0 or more, not -1"),
    "a duplicate contract id": (
        GOOD.replace('id = "C-2025-IHS01"', 'id = "C-2025-FFA01"'),
        f"FILE, line {THIRD}, contract 'C-2025-FFA01': the id 'C-2025-FFA01' is already used by the contract at "
        f"line {SECOND}; ids must be unique"),
    "a metric given twice": (
        edited('indicator = "reentry"\ntarget = 8.0\nfloor = 10.5',
               'indicator = "placement_stability_0_12"\ntarget = 90'),
        f"FILE, line {SECOND_REENTRY}, contract 'C-2025-FFA01', metric 'placement_stability_0_12': "
        f"'placement_stability_0_12' is given twice in this contract (first at line {SECOND_STABILITY}); give "
        "each indicator once"),
    "two contracts of one provider and program overlapping": (
        edited("start = 2025-07-01", "start = 2025-06-01"),
        f"{AT}: overlaps the contract 'C-2024-FFA01' at line 3, of the same provider 'FFA01' and program "
        "'Foster care': 2025-06-01 to 2026-06-30 meets 2024-07-01 to 2025-06-30; one provider's contracts for one "
        "program must not overlap: end one before the other starts"),
    "an unknown provider": (
        edited('provider = "FFA01"', 'provider = "FFA99"'),
        f"{AT}: unknown provider 'FFA99'; the warehouse's providers are FFA01, FFA02, IHS01"),
    "a version this Statboard does not read": (
        GOOD.replace("version = 1", "version = 2"),
        "FILE: version 2 is not supported; this Statboard reads version 1"),
}


@pytest.mark.parametrize("case", PROBLEMS, ids=list(PROBLEMS))
def test_each_problem_is_named_with_file_line_and_contract(tmp_path, catalogue, case):
    text, expected = PROBLEMS[case]
    found = problems_of(tmp_path, catalogue, text)
    assert len(found) == 1, found
    assert found[0].startswith(expected) if expected.endswith(" ") else found[0] == expected


def test_an_unknown_indicator_is_told_the_computed_and_imported_ones(tmp_path, catalogue):
    [found] = problems_of(tmp_path, catalogue, PROBLEMS["unknown indicator"][0])
    assert "placement_stability_0_12" in found and "reported_permanency_12m" in found


def test_an_indicator_no_provider_is_responsible_for_says_why(tmp_path, catalogue):
    [found] = problems_of(tmp_path, catalogue, PROBLEMS["an indicator of referrals, which no provider has"][0])
    assert found.endswith("Timely response (immediate) counts referrals, which belong to no provider (only "
                          "children in care, by their placement, and in-home cases do): a contract cannot be "
                          "measured on it")


def test_the_same_program_written_differently_is_the_same_program(tmp_path, catalogue):
    text = edited('program = "Foster care"\nstart = 2025-07-01', 'program = "foster  Care"\nstart = 2025-06-30')
    [found] = problems_of(tmp_path, catalogue, text)
    assert "overlaps the contract 'C-2024-FFA01'" in found  # one shared day is an overlap


def test_contracts_that_meet_end_to_start_or_differ_in_program_do_not_overlap(tmp_path, catalogue):
    path = tmp_path / "contracts.toml"
    path.write_text(edited('program = "Foster care"', 'program = "Kinship care"')
                    .replace("start = 2025-07-01", "start = 2025-01-01"), encoding="utf-8")
    assert len(read_contracts(path, catalogue, PROVIDER_IDS)) == 3


def test_no_providers_loaded_is_said_plainly_and_the_rest_is_still_checked(tmp_path, catalogue):
    found = problems_of(tmp_path, catalogue, edited("end = 2026-06-30", "end = 2025-06-30"), provider_ids=set())
    assert found == [f"FILE: {NO_PROVIDERS}", f"{AT}: end 2025-06-30 is before start 2025-07-01"]
    assert NO_PROVIDERS == "the warehouse holds no providers: load an extract with a providers table first"


def test_every_problem_of_a_file_is_named_at_once(tmp_path, catalogue):
    text = edited('cadence = "quarterly"', 'cadence = "yearly"')
    text = text.replace('provider = "IHS01"', 'provider = "IHS09"').replace("target = 40", "target = 400")
    found = problems_of(tmp_path, catalogue, text)
    assert len(found) == 3
    assert [f.split(": ", 1)[0] for f in found] == [
        AT, f"FILE, line {THIRD}, contract 'C-2025-IHS01'",
        "FILE, line 46, contract 'C-2025-IHS01', metric 'reported_permanency_12m'"]


@pytest.mark.parametrize("text, expected", [
    ("version = 1\n", "FILE: no [[contract]] entries"),
    ("[[contract]\n", "FILE: not valid TOML: "),
])
def test_a_file_without_contracts_or_not_toml_is_refused(tmp_path, catalogue, text, expected):
    [found] = problems_of(tmp_path, catalogue, text)
    assert found.startswith(expected)


# -- the warehouse's providers ----------------------------------------------------------------------------------

def tiny_warehouse(root: Path, rows: list[tuple] | None) -> str:
    """A warehouse as the DuckDB backend keeps one (a link to its one version's file), holding the load history
    and, when `rows` are given, a providers table as the data contract declares it."""
    folder = root / "instance"
    folder.mkdir(parents=True)
    file = folder / "warehouse.duckdb.v000001"
    with duckdb.connect(str(file)) as con:
        con.execute("create table loads (version_id integer not null, as_of date not null, agency varchar, "
                    "loaded_at timestamp not null, source varchar not null, row_counts varchar not null)")
        con.execute("insert into loads values (1, date '2026-11-10', 'Test', timestamp '2026-11-11 08:00', "
                    "'hand-made', '{}')")
        if rows is not None:
            con.execute("create table providers (provider_id varchar not null, provider_name varchar not null, "
                        "provider_type varchar not null)")
            con.executemany("insert into providers values (?, ?, ?)", rows)
    os.symlink(file.name, folder / "warehouse.duckdb")
    return f"duckdb:///{folder / 'warehouse.duckdb'}"


def test_providers_are_read_from_the_warehouse_by_name(tmp_path):
    warehouse = Warehouse(tiny_warehouse(tmp_path, PROVIDERS))
    try:
        found = providers(warehouse.snapshot())
    finally:
        warehouse.dispose()
    assert list(found.itertuples(index=False, name=None)) == sorted(PROVIDERS, key=lambda p: p[1])


def test_the_demo_agencys_providers_are_read_from_its_data_version(demo_snapshot):
    found = providers(demo_snapshot)
    assert list(found.columns) == ["provider_id", "provider_name", "provider_type"]
    assert sorted(found.provider_id) == [f"FFA{n:02}" for n in range(1, 13)] + ["IHS01", "IHS02", "IHS03"]


# -- the command line: check, load, list --------------------------------------------------------------------------

def statboard(tmp: Path, warehouse_url: str):
    """`statboard ARGS...` in-process with an app store of its own in `tmp` and the warehouse given; the store's
    engine is the function's `engine`."""
    url = f"sqlite:///{tmp / 'store' / 'statboard.db'}"
    env = {v: None for v in os.environ if v.startswith("STATBOARD_") and not v.startswith("STATBOARD_TEST_")}
    env.update(STATBOARD_INSTANCE_DIR=str(tmp / "instance"), STATBOARD_DATABASE_URL=url,
               STATBOARD_WAREHOUSE_URL=warehouse_url)
    engine = db.store_engine(url)
    db.upgrade(engine)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], env=env)
    invoke.engine = engine
    return invoke


@pytest.fixture
def cli(tmp_path):
    found = statboard(tmp_path, tiny_warehouse(tmp_path / "warehouse", PROVIDERS))
    yield found
    found.engine.dispose()


def written(engine) -> tuple[int, int, int]:
    """How many contract versions, contracts and metrics the store holds."""
    with engine.connect() as conn:
        return tuple(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                     for t in (db.contract_versions, db.contracts, db.contract_metrics))


def test_check_says_how_many_contracts_and_no_problems(cli, tmp_path):
    path = tmp_path / "contracts.toml"
    path.write_text(GOOD, encoding="utf-8")
    result = cli("contracts", "check", path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{path}: 3 contracts, no problems\n"
    assert written(cli.engine) == (0, 0, 0)


def test_check_lists_every_problem_and_exits_1(cli, tmp_path):
    path = tmp_path / "contracts.toml"
    path.write_text(edited('provider = "FFA01"', 'provider = "FFA99"'), encoding="utf-8")
    result = cli("contracts", "check", path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}, line {SECOND}, contract 'C-2025-FFA01': unknown provider 'FFA99'; the warehouse's providers are "
        "FFA01, FFA02, IHS01",
        f"statboard: the contracts file {path} has 1 problem(s); nothing was loaded. Fix it (`statboard contracts "
        "check FILE`) and try again."]


def test_load_keeps_each_file_as_the_next_version_and_list_shows_the_newest(cli, tmp_path):
    path = tmp_path / "contracts.toml"
    path.write_text(GOOD, encoding="utf-8")
    first = cli("contracts", "load", path)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == f"loaded 3 contracts from {path} as contracts version 1\n"
    assert written(cli.engine) == (1, 3, 5)

    amended = GOOD.replace("target = 88.0", "target = 89.5").replace(
        '[[contract]]\nid = "C-2024-FFA01"', '[[contract]]\nid = "C-2024-FFA02"').replace(
        'id = "C-2024-FFA02"\nprovider = "FFA01"', 'id = "C-2024-FFA02"\nprovider = "FFA02"')
    path.write_text(amended, encoding="utf-8")
    second = cli("contracts", "load", path)
    assert second.exit_code == 0, second.stderr
    assert second.stdout == f"loaded 3 contracts from {path} as contracts version 2\n"
    assert [v.id for v in contract_versions(cli.engine)] == [2, 1]
    current = current_contracts(cli.engine)
    assert [c.id for c in current] == ["C-2024-FFA02", "C-2025-FFA01", "C-2025-IHS01"]
    assert current[1].metrics[0].target == Decimal("89.5")

    listed = cli("contracts", "list")
    assert listed.exit_code == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("contracts version 2: 3 contracts, loaded ")
    assert lines[1:] == [
        "C-2024-FFA02  Cedar Foster Care (FFA02)  Foster care  2024-07-01 to 2025-06-30  quarterly",
        "    Placement stability 0 to 12 months: target 85.0, floor 78.0",
        "C-2025-FFA01  Harbor Family Services (FFA01)  Foster care  2025-07-01 to 2026-06-30  quarterly",
        "    Placement stability 0 to 12 months: target 89.5, floor 80.0",
        "    Re-entry into foster care: target 8.0, floor 10.5",
        "C-2025-IHS01  Bridges In-Home Services (IHS01)  In-home services  2025-01-01 to 2025-12-31  monthly",
        "    Mental health screening – newly opened non-detained: target 90",
        "    Permanency in 12 months (reported by delegate agencies): target 40"]

    as_csv = cli("contracts", "list", "--format", "csv")
    assert as_csv.exit_code == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == 5 and {r["version"] for r in rows} == {"2"}
    assert rows[2] == {"version": "2", "contract_id": "C-2025-FFA01", "provider_id": "FFA01",
                       "provider_name": "Harbor Family Services", "program": "Foster care", "start": "2025-07-01",
                       "end": "2026-06-30", "cadence": "quarterly", "indicator_id": "reentry",
                       "indicator_name": "Re-entry into foster care", "target": "8.0",
                       "floor": "10.5"}


def test_a_load_is_in_the_audit_log_with_its_version_count_and_digest(cli, tmp_path):
    import hashlib
    path = tmp_path / "contracts.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert cli("contracts", "load", path).exit_code == 0
    [entry] = db.audit_entries(cli.engine, action=LOADED)
    assert entry["actor"].startswith("cli:")
    assert entry["detail"] == {"version": 1, "contracts": 3, "origin": str(path), "via": "cli",
                               "sha256": hashlib.sha256(GOOD.encode()).hexdigest()}


def test_a_refused_load_writes_nothing(cli, tmp_path):
    path = tmp_path / "contracts.toml"
    path.write_text(GOOD, encoding="utf-8")
    assert cli("contracts", "load", path).exit_code == 0
    path.write_text(edited("end = 2026-06-30", "end = 2025-06-30"), encoding="utf-8")
    refused = cli("contracts", "load", path)
    assert refused.exit_code == 1
    assert f"{AT.replace('FILE', str(path))}: end 2025-06-30 is before start 2025-07-01" in refused.stderr
    assert written(cli.engine) == (1, 3, 5)
    assert len(db.audit_entries(cli.engine, action=LOADED)) == 1
    assert current_contracts(cli.engine)[1].end.isoformat() == "2026-06-30"


def test_without_providers_in_the_warehouse_nothing_loads_and_it_says_why(tmp_path):
    cli = statboard(tmp_path, tiny_warehouse(tmp_path / "warehouse", None))
    path = tmp_path / "contracts.toml"
    path.write_text(GOOD, encoding="utf-8")
    refused = cli("contracts", "load", path)
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[0] == f"{path}: {NO_PROVIDERS}"
    assert written(cli.engine) == (0, 0, 0)
    cli.engine.dispose()


def test_list_before_any_load_says_what_to_run(cli):
    result = cli("contracts", "list")
    assert result.exit_code == 1
    assert result.stderr == "statboard: no contracts loaded yet: run `statboard contracts load FILE`\n"


def test_the_migrations_make_the_contract_tables_as_declared(cli):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    with cli.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
        assert {"contract_versions", "contracts", "contract_metrics"} <= set(sa.inspect(conn).get_table_names())
