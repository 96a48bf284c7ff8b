"""Published figures through the real command line: the Children's Bureau's CFSR national profile (tests/data, as
published in August 2025) and a delegate agency's quarterly figures in the generic format (docs/examples)
imported as versions of named sources, exported with every value recomputed from numerator and denominator,
missing values kept missing, and every bad file refused in one line that names file, line, column, value and
rule, with nothing kept."""
from __future__ import annotations

import csv
import io
import os
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cli import main
from measures.catalogue import load_catalogue
from store import db
from store.db import aggregate_rows, aggregate_versions

ROOT = Path(__file__).resolve().parents[1]
CFSR = Path(__file__).with_name("data") / "cfsr-national-2025-08.csv"
EXAMPLE = ROOT / "docs" / "examples" / "delegate-agencies-2025.csv"
CATALOGUE = ROOT / "measures" / "indicators.toml"
REFUSED = "statboard: import refused: 1 problem(s); nothing was imported. Fix the file and import it again."


def statboard(tmp: Path, warehouse_url: str | None = None):
    """`statboard ARGS...` in-process with an app store of its own in `tmp` (and the warehouse given); the
    store's engine is the function's `engine`. Usable from a module's fixture, unlike conftest's `run`."""
    url = f"sqlite:///{tmp / 'store' / 'statboard.db'}"
    env = {v: None for v in os.environ if v.startswith("STATBOARD_") and not v.startswith("STATBOARD_TEST_")}
    env.update(STATBOARD_INSTANCE_DIR=str(tmp / "instance"), STATBOARD_DATABASE_URL=url)
    if warehouse_url:
        env["STATBOARD_WAREHOUSE_URL"] = warehouse_url
    engine = db.store_engine(url)
    db.upgrade(engine)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], env=env)
    invoke.engine = engine
    return invoke


def exported(result) -> list[dict]:
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def stored(engine) -> tuple[int, int]:
    """How many versions and rows of published figures the store holds."""
    with engine.connect() as conn:
        return (conn.execute(sa.select(sa.func.count()).select_from(aggregate_versions)).scalar_one(),
                conn.execute(sa.select(sa.func.count()).select_from(aggregate_rows)).scalar_one())


def published() -> list[dict]:
    with CFSR.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def cfsr(tmp_path_factory):
    """The profile imported once (as source cfsr-national-2025-08), and its export."""
    cli = statboard(tmp_path_factory.mktemp("cfsr"))
    cli.imported = cli("import-aggregates", CFSR, "--format", "cfsr-profile")
    cli.rows = exported(cli("export", "aggregates", "--source", "cfsr-national-2025-08"))
    yield cli
    cli.engine.dispose()


@pytest.fixture
def fresh(tmp_path):
    cli = statboard(tmp_path)
    yield cli
    cli.engine.dispose()


def row(rows, entity_id, indicator_id, period, dimension="", value=""):
    [found] = [r for r in rows if (r["entity_id"], r["indicator_id"], r["period"], r["breakdown_dimension"],
                                   r["breakdown_value"]) == (entity_id, indicator_id, period, dimension, value)]
    return found


# -- the CFSR national profile ----------------------------------------------------------------------

def test_the_profile_imports_all_its_rows_1670_with_values_and_93_not_published(cfsr):
    assert cfsr.imported.exit_code == 0, cfsr.imported.stderr
    assert cfsr.imported.stderr == (f"imported 1,763 rows from {CFSR} as source 'cfsr-national-2025-08', "
                                    "version 1 (as of 2025-08-03)\n")
    assert len(cfsr.rows) == 1763
    assert list(cfsr.rows[0]) == ["source", "entity_type", "entity_id", "entity_name", "indicator_id", "period",
                                  "period_label", "period_start", "period_end", "breakdown_dimension",
                                  "breakdown_value", "numerator", "denominator", "value", "status"]
    with_values = [r for r in cfsr.rows if r["value"] != ""]
    missing = [r for r in cfsr.rows if r["value"] == ""]
    assert (len(with_values), len(missing)) == (1670, 93)
    assert {r["status"] for r in missing} == {"not published"}
    assert "not published" not in {r["status"] for r in with_values}
    # never a zero for what was not published: an empty count stays empty
    assert not any(r["numerator"] == "0" or r["denominator"] == "0" for r in missing)
    assert sum(1 for r in missing if r["numerator"] == "" and r["denominator"] == "") == 80
    assert {r["source"] for r in cfsr.rows} == {"cfsr-national-2025-08"}


def test_each_value_is_numerator_over_denominator_times_the_scale_and_agrees_with_the_published_performance(cfsr):
    catalogue = load_catalogue()
    # The export keeps the file's order, so each row sits beside the one it came from.
    for exported_row, source in zip(cfsr.rows, published(), strict=True):
        assert (exported_row["numerator"], exported_row["denominator"]) == (source["numerator"],
                                                                            source["denominator"])
        if exported_row["value"] == "":
            assert source["performance"] == ""
            continue
        indicator = catalogue.imported_indicator(exported_row["indicator_id"])
        exact = Decimal(source["numerator"]) / Decimal(source["denominator"]) * indicator.scale
        assert Decimal(exported_row["value"]) == pytest.approx(exact, rel=Decimal("1e-12"))
        # the profile publishes a percent as a fraction (0.047835 for 4.7835 %), a rate as it is scaled
        in_published_units = exact / 100 if source["format"] == "percent" else exact
        places = Decimal(source["performance"]).as_tuple().exponent
        assert in_published_units.quantize(Decimal(1).scaleb(places)) == Decimal(source["performance"])


def test_a_handful_checked_by_hand(cfsr):
    entry = row(cfsr.rows, "AL", "cfsr_entry_rate", "20B21A")
    assert (entry["numerator"], entry["denominator"]) == ("3313", "1129676")
    assert entry["value"].startswith("2.9326992872")           # 3313 / 1,129,676 × 1,000; published 2.932699
    assert entry["status"] == "none"                            # the entry rate is context: never coloured
    reentry = row(cfsr.rows, "AL", "cfsr_reentry", "21B22A")
    assert reentry["value"].startswith("4.7835051546")          # 116 / 2,425 × 100; published 0.047835
    assert reentry["status"] == "green"                         # lower is better; national performance 5.6
    stability = row(cfsr.rows, "AL", "cfsr_placement_stability", "24B25A")
    assert stability["value"].startswith("7.0821117")           # 3,650 / 515,383 × 1,000; published 7.082112
    assert stability["status"] == "red"
    in_care = row(cfsr.rows, "AL", "cfsr_maltreatment_in_care", "22AB_FY22")
    assert in_care["value"].startswith("9.73493")               # 181 / 1,859,283 × 100,000; published 9.734935
    assert in_care["status"] == "red"                           # above 9.07
    permanency = row(cfsr.rows, "AL", "cfsr_permanency_entering", "21A21B")
    assert permanency["value"].startswith("44.0504807")         # 1,466 / 3,328 × 100; published 0.440505
    assert permanency["status"] == "green"                      # higher is better; national performance 35.2


def test_the_nation_is_us_and_the_states_their_two_letter_codes(cfsr):
    nation = [r for r in cfsr.rows if r["entity_type"] == "nation"]
    assert {(r["entity_id"], r["entity_name"]) for r in nation} == {("US", "United States")}
    assert {r["breakdown_dimension"] for r in nation} >= {"Age at entry", "Race/ethnicity"}
    total = row(cfsr.rows, "US", "cfsr_entry_rate", "20B21A", "Age at entry", "Total")
    assert total["value"].startswith("2.58901664")              # 193,743 / 74,832,659 × 1,000
    unknown = row(cfsr.rows, "US", "cfsr_entry_rate", "20B21A", "Race/ethnicity", "Unknown/Unable to Determine")
    assert (unknown["numerator"], unknown["denominator"], unknown["value"], unknown["status"]) == (
        "3335", "", "", "not published")
    states = {r["entity_id"]: r["entity_name"] for r in cfsr.rows if r["entity_type"] == "state"}
    assert len(states) == 52 and all(len(code) == 2 and code.isupper() for code in states)
    assert (states["AL"], states["DC"], states["PR"]) == ("Alabama", "D.C.", "Puerto Rico")
    assert {r["breakdown_dimension"] for r in cfsr.rows if r["entity_type"] == "state"} == {""}
    assert {r["indicator_id"] for r in cfsr.rows} == {i.id for i in load_catalogue().imported
                                                      if i.id.startswith("cfsr_")}


def test_periods_keep_the_file_s_code_and_are_labelled_with_an_en_dash(cfsr):
    labels = {r["period"]: (r["period_label"], r["period_start"], r["period_end"]) for r in cfsr.rows}
    assert labels["20B21A"] == ("Apr '20 – Mar '21", "2020-04-01", "2021-03-31")
    assert labels["21A21B"] == ("Oct '20 – Sep '21", "2020-10-01", "2021-09-30")
    assert labels["21AB_FY21"] == ("Oct '20 – Sep '21, FY21", "2020-10-01", "2021-09-30")
    assert labels["FY21-22"] == ("FY21–22", "2020-10-01", "2022-09-30")
    assert len(labels) == 14
    assert all("–" in label and " - " not in label for label, _, _ in labels.values())


def test_versions_lists_the_source_as_of_the_profile_s_day_with_its_rows(cfsr):
    listed = cfsr("versions")
    assert listed.exit_code == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0] == "published figures (`statboard import-aggregates`):"
    [line] = [ln for ln in lines if "cfsr-national-2025-08" in ln]
    assert line.split()[0] == "1" and "as of 2025-08-03" in line and "1,763 rows" in line
    assert "cfsr-profile" in line and str(CFSR) in line


def test_export_filters_by_indicator_and_period_and_refuses_what_the_source_has_not(cfsr):
    only = exported(cfsr("export", "aggregates", "--source", "cfsr-national-2025-08",
                         "--indicator", "cfsr_reentry", "--period", "22B23A"))
    assert only and {(r["indicator_id"], r["period"]) for r in only} == {("cfsr_reentry", "22B23A")}
    assert len(only) == sum(1 for r in cfsr.rows if (r["indicator_id"], r["period"]) == ("cfsr_reentry", "22B23A"))
    for args, reason in ((("--indicator", "reentry"), "source 'cfsr-national-2025-08' has no indicator 'reentry'"),
                         (("--period", "2024-10"), "source 'cfsr-national-2025-08' has no period '2024-10'")):
        refused = cfsr("export", "aggregates", "--source", "cfsr-national-2025-08", *args)
        assert refused.exit_code == 1 and refused.stderr.startswith(f"statboard: {reason}")
        assert refused.stdout == ""
    unknown = cfsr("export", "aggregates", "--source", "cfsr-national")
    assert unknown.exit_code == 1
    assert unknown.stderr == ("statboard: there is no published source 'cfsr-national': `statboard versions` lists "
                              "the sources imported\n")


def test_a_viewer_s_export_is_rounded_to_the_precision_shown_without_counts(cfsr):
    from store.users import add_user
    from tests.web import PASSWORD
    add_user(cfsr.engine, "vera", "viewer", None, PASSWORD, "test")
    rows = exported(cfsr("export", "aggregates", "--source", "cfsr-national-2025-08", "--by", "vera"))
    assert len(rows) == 1763
    assert {r["numerator"] for r in rows} == {""} and {r["denominator"] for r in rows} == {""}
    assert row(rows, "AL", "cfsr_entry_rate", "20B21A")["value"] == "2.93"
    assert row(rows, "AL", "cfsr_reentry", "21B22A")["value"] == "4.8"
    decimals = {i.id: i.decimals for i in load_catalogue().imported}
    assert all(r["value"] == "" or len(r["value"].partition(".")[2]) <= decimals[r["indicator_id"]] for r in rows)
    # a small number (a numerator or denominator from 1 to 10: a small group of a breakdown) is suppressed for a
    # viewer, as on the scorecard; the rest are the 93 not published
    small = [r for e, r in zip(cfsr.rows, rows) if any(c and 0 < float(c) < 11 for c in (e["numerator"],
                                                                                          e["denominator"]))]
    assert small and {r["status"] for r in small} == {"suppressed"} and {r["value"] for r in small} == {""}
    unpublished_too = sum(1 for e, r in zip(cfsr.rows, rows) if r in small and e["value"] == "")
    assert sum(1 for r in rows if r["value"] == "") == 93 + len(small) - unpublished_too
    # the other statuses are the unrounded values' (the colours do not move with the rounding)
    assert [r["status"] for r in rows if r not in small] == [e["status"] for e, r in zip(cfsr.rows, rows)
                                                              if r not in small]


def test_a_second_import_is_version_2_the_export_reads_it_and_the_case_level_versions_stay(
        demo_instance, tmp_path):
    from tests.web import copy_instance
    instance = copy_instance(demo_instance, tmp_path / "demo")
    cli = statboard(tmp_path, f"duckdb:///{instance / 'warehouse.duckdb'}")
    before = cli("versions")
    assert before.exit_code == 0, before.stderr
    assert before.stdout.splitlines() and "published figures" not in before.stdout
    assert cli("import-aggregates", CFSR, "--format", "cfsr-profile").exit_code == 0
    # the second: Alabama's rows only, a new version of the same source
    alabama = tmp_path / "alabama.csv"
    lines = CFSR.read_text(encoding="utf-8").splitlines(keepends=True)
    alabama.write_text("".join([lines[0]] + [ln for ln in lines[1:] if ln.startswith('"Alabama"')]), "utf-8")
    again = cli("import-aggregates", alabama, "--format", "cfsr-profile", "--source", "cfsr-national-2025-08")
    assert again.exit_code == 0, again.stderr
    assert "as source 'cfsr-national-2025-08', version 2 (as of 2025-08-03)" in again.stderr
    after = cli("versions").stdout.splitlines()
    split = after.index("published figures (`statboard import-aggregates`):")
    assert after[:split] == before.stdout.splitlines()          # the warehouse's own versions, untouched
    assert [ln.split()[0] for ln in after[split + 1:]] == ["2", "1"]
    assert "26 rows" in after[split + 1] and "1,763 rows" in after[split + 2]
    rows = exported(cli("export", "aggregates", "--source", "cfsr-national-2025-08"))
    assert len(rows) == 26 and {r["entity_id"] for r in rows} == {"AL"}
    with cli.engine.connect() as conn:
        kept = dict(conn.execute(sa.select(aggregate_rows.c.version_id, sa.func.count())
                                 .group_by(aggregate_rows.c.version_id)).all())
    assert kept == {1: 1763, 2: 26}
    [audit] = db.audit_entries(cli.engine, None, action="aggregates-exported")
    assert audit["detail"]["version"] == 2 and audit["detail"]["rows"] == 26
    cli.engine.dispose()


# -- a delegate agency's figures in the generic format ----------------------------------------------

def test_the_delegate_agencies_example_imports_and_exports(fresh):
    imported = fresh("import-aggregates", EXAMPLE)
    assert imported.exit_code == 0, imported.stderr
    assert imported.stderr == (f"imported 60 rows from {EXAMPLE} as source 'delegate-agencies-2025', version 1 "
                               "(as of 2025-12-31)\n")
    rows = exported(fresh("export", "aggregates", "--source", "delegate-agencies-2025"))
    assert len(rows) == 60
    assert {(r["entity_type"], r["entity_id"], r["entity_name"]) for r in rows} == {
        ("provider", "DA01", "Harbor Family Services"), ("provider", "DA02", "Northside Children's Alliance"),
        ("provider", "DA03", "Riverbend Youth and Family")}
    assert [r["period_label"] for r in rows if (r["entity_id"], r["indicator_id"], r["breakdown_value"]) ==
            ("DA01", "reported_placement_stability", "")] == [
        "Jan – Mar 2025", "Apr – Jun 2025", "Jul – Sep 2025", "Oct – Dec 2025"]
    by_age = [r for r in rows if r["breakdown_dimension"] == "Age at entry"]
    assert len(by_age) == 36 and {r["breakdown_value"] for r in by_age} == {"0–5", "6–12", "13–17"}
    assert {r["indicator_id"] for r in by_age} == {"reported_permanency_12m"}
    first = row(rows, "DA01", "reported_permanency_12m", "2025Q1")
    assert (first["numerator"], first["denominator"], first["status"]) == ("22", "66", "red")  # 33.3 < 35
    assert Decimal(first["value"]) == pytest.approx(Decimal(22) / 66 * 100)
    stability = row(rows, "DA01", "reported_placement_stability", "2025Q1")
    assert Decimal(stability["value"]) == pytest.approx(Decimal(29) / 6771 * 1000)
    assert stability["status"] == "green"                       # 4.28 at or below 4.48
    not_reported = row(rows, "DA03", "reported_placement_stability", "2025Q4")
    assert (not_reported["numerator"], not_reported["denominator"], not_reported["value"],
            not_reported["status"]) == ("", "", "", "not published")
    assert sum(1 for r in rows if r["value"] == "") == 1


# -- bad input: one line each, exit status 1, nothing kept ------------------------------------------

CFSR_LINES = CFSR.read_text(encoding="utf-8").splitlines(keepends=True)
CFSR_HEADER = next(csv.reader(io.StringIO(CFSR_LINES[0])))
CFSR_RECORDS = [next(csv.reader(io.StringIO(ln))) for ln in CFSR_LINES[1:]]
AL_ENTRY, AL_ENTRY_2, AL_REENTRY = CFSR_RECORDS[0], CFSR_RECORDS[1], CFSR_RECORDS[335]


def cfsr_file(header=CFSR_HEADER, records=(AL_ENTRY, AL_ENTRY_2, AL_REENTRY), order=None, **changes) -> str:
    """A small profile: the header and Alabama's rows (their fields in the `order` of columns, by default the
    header's), with `changes` (r0={column: value} for the first row, and so on)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for n, record in enumerate(records):
        record = dict(zip(CFSR_HEADER, record)) | changes.get(f"r{n}", {})
        writer.writerow([record[h] for h in order or header])
    return out.getvalue()


GENERIC_HEADER = ("entity_type,entity_id,entity_name,indicator_id,period,period_start,period_end,period_label,"
                  "numerator,denominator,value,breakdown_dimension,breakdown_value\n")
DA01 = "provider,DA01,Harbor Family Services,"
Q1 = "2025Q1,2025-01-01,2025-03-31,Jan – Mar 2025,"


def generic_file(*rows: str) -> str:
    return GENERIC_HEADER + "".join(r + "\n" for r in rows)


SWAPPED = [h for h in CFSR_HEADER]
SWAPPED[8], SWAPPED[9] = SWAPPED[9], SWAPPED[8]

BAD = {
    "a CFSR column renamed": (
        "cfsr-profile", cfsr_file(header=[h if h != "performance" else "observed_performance" for h in CFSR_HEADER],
                                  order=CFSR_HEADER),
        "bad.csv, line 1: the header is not the CFSR profile's as published: missing performance; unknown "
        "observed_performance: Statboard reads the August 2025 layout"),
    "the CFSR columns reordered": (
        "cfsr-profile", cfsr_file(header=SWAPPED),
        "bad.csv, line 1: the header is not the CFSR profile's as published: the same columns in another order: "
        "Statboard reads the August 2025 layout"),
    "a CFSR performance that disagrees": (
        "cfsr-profile", cfsr_file(r1={"performance": "3.130633"}),
        "bad.csv, line 3, column performance, value '3.130633': the published performance disagrees with "
        "numerator / denominator: 3419 / 1128147 × 1000 = 3.03063"),
    "a CFSR percent's performance written as a percent": (
        "cfsr-profile", cfsr_file(r2={"performance": "4.7835"}),
        "bad.csv, line 4, column performance, value '4.7835': the published performance disagrees with "
        "numerator / denominator: 116 / 2425 × 100 = 4.78351"),
    "a CFSR duplicate": (
        "cfsr-profile", cfsr_file(records=(AL_ENTRY, AL_ENTRY_2, AL_ENTRY)),
        "bad.csv, line 4: a second row for Alabama, cfsr_entry_rate, Apr '20 – Mar '21 (the first is line 2)"),
    "a CFSR period that ends before it starts": (
        "cfsr-profile", cfsr_file(r0={"period_meaningful": "Apr '21 - Mar '20"}),
        "bad.csv, line 2, column period_meaningful, value \"Apr '21 - Mar '20\": the period ends before it starts"),
    "a CFSR negative count": (
        "cfsr-profile", cfsr_file(r0={"numerator": "-3313", "performance": "-2.932699"}),
        "bad.csv, line 2, column numerator, value '-3313': a numerator is negative: a count is 0 or more"),
    "a CFSR numerator above a proportion's denominator": (
        "cfsr-profile", cfsr_file(r2={"numerator": "2426", "performance": "1.000412"}),
        "bad.csv, line 4, column numerator, value '2426': cfsr_reentry is a proportion: its numerator is at most "
        "its denominator (2425)"),
    "a CFSR row without its period's code": (
        "cfsr-profile", cfsr_file(r0={"period": ""}),
        "bad.csv, line 2, column period, value '': a row names its period's code, e.g. 23B24A"),
    "a CFSR breakdown with a hidden character": (
        "cfsr-profile", cfsr_file(r0={"dimension": "Race/ethnicity", "dimension_value": "White\u202e"}),
        "bad.csv, line 2, column dimension_value, value 'White\\u202e': dimension_value holds a right-to-left "
        "override (U+202E) at character 6, which changes the order text is shown in: write it without it"),
    "a CFSR file with a header and no rows": (
        "cfsr-profile", cfsr_file(records=()), "bad.csv: the file has a header and no rows"),
    "the CFSR profile as the generic format": (
        "generic", cfsr_file(),
        "bad.csv, line 1: this is a CFSR national profile, not the generic format: import it with --format "
        "cfsr-profile"),
    "the generic format as a CFSR profile": (
        "cfsr-profile", generic_file(DA01 + "reported_permanency_12m," + Q1 + "22,66,,,"),
        "bad.csv, line 1: this is Statboard's generic format, not a CFSR profile: import it with --format generic"),
    "a CSV in neither format (generic)": (
        "generic", "name,count\nHarbor,22\n",
        "bad.csv, line 1: the header is not the generic format's: missing entity_type, entity_id, entity_name, "
        "indicator_id, period_start, period_end, period_label, numerator, denominator; unknown name, count "
        "(required: entity_type, entity_id, entity_name, indicator_id, period_start, period_end, period_label, "
        "numerator, denominator; optional: period, value, breakdown_dimension, breakdown_value)"),
    "a CSV in neither format (cfsr-profile)": (
        "cfsr-profile", "name,count\nHarbor,22\n",
        "bad.csv, line 1: the header is not the CFSR profile's as published: missing " + ", ".join(CFSR_HEADER)
        + "; unknown name, count: Statboard reads the August 2025 layout"),
    "a value that disagrees": (
        "generic", generic_file(DA01 + "reported_permanency_12m," + Q1 + "22,66,33.4,,"),
        "bad.csv, line 2, column value, value '33.4': the value disagrees with numerator / denominator × 100: "
        "22 / 66 recomputes to 33.3333"),
    "a value given where a count is missing": (
        "generic", generic_file(DA01 + "reported_permanency_12m," + Q1 + ",66,0,,"),
        "bad.csv, line 2, column value, value '0': the value disagrees with numerator / denominator × 100: "
        " / 66 cannot be recomputed (a count is missing)"),
    "a duplicate entity × indicator × period × breakdown": (
        "generic", generic_file(DA01 + "reported_permanency_12m," + Q1 + "8,24,,Age at entry,0–5",
                                DA01 + "reported_permanency_12m," + Q1 + "9,24,,Age at entry,0–5"),
        "bad.csv, line 3: a second row for provider DA01, reported_permanency_12m, Jan – Mar 2025, Age at entry "
        "0–5 (the first is line 2)"),
    "a period that ends before it starts": (
        "generic", generic_file(DA01 + "reported_permanency_12m,2025Q1,2025-03-31,2025-01-01,Jan – Mar 2025,"
                                "22,66,,,"),
        "bad.csv, line 2, column period_end, value '2025-01-01': the period ends before it starts (2025-03-31)"),
    "one period's code with other days": (
        "generic", generic_file(DA01 + "reported_permanency_12m," + Q1 + "22,66,,,",
                                DA01 + "reported_placement_stability,2025Q1,2025-01-01,2025-06-30,Jan – Mar 2025,"
                                "29,6771,,,"),
        "bad.csv, line 3, column period, value '2025Q1': line 2 gives period 2025Q1 as 2025-01-01 to 2025-03-31, "
        "'Jan – Mar 2025'; every row of one period gives the same days and label"),
    "a period day that is not one": (
        "generic", generic_file(DA01 + "reported_permanency_12m,2025Q1,2025-01-01,2025-02-30,Jan – Mar 2025,"
                                "22,66,,,"),
        "bad.csv, line 2, column period_end, value '2025-02-30': period_end is not a day: write YYYY-MM-DD"),
    "a negative count": (
        "generic", generic_file(DA01 + "reported_placement_stability," + Q1 + "29,-6771,,,"),
        "bad.csv, line 2, column denominator, value '-6771': a denominator is negative: a count is 0 or more"),
    "a count that is not a number": (
        "generic", generic_file(DA01 + "reported_placement_stability," + Q1 + "twenty,6771,,,"),
        "bad.csv, line 2, column numerator, value 'twenty': a numerator is not a number"),
    "a numerator above a proportion's denominator": (
        "generic", generic_file(DA01 + "reported_permanency_12m," + Q1 + "67,66,,,"),
        "bad.csv, line 2, column numerator, value '67': reported_permanency_12m is a proportion: its numerator "
        "is at most its denominator (66)"),
    "an indicator the catalogue does not declare": (
        "generic", generic_file(DA01 + "reported_reentry," + Q1 + "3,40,,,"),
        "bad.csv, line 2, column indicator_id, value 'reported_reentry': no [[imported]] indicator of the "
        "catalogue has this id: declare it there first (`statboard indicators check`)"),
    "an entity type that is not one": (
        "generic", generic_file("contractor,DA01,Harbor Family Services,reported_permanency_12m," + Q1 + "22,66,,,"),
        "bad.csv, line 2, column entity_type, value 'contractor': entity_type is one of nation, state, agency, "
        "provider, program, department, bureau, office, unit, worker"),
    "a breakdown dimension without its value": (
        "generic", generic_file(DA01 + "reported_permanency_12m," + Q1 + "8,24,,Age at entry,"),
        "bad.csv, line 2, column breakdown_value, value '': give breakdown_dimension and breakdown_value together, "
        "or neither"),
    "a breakdown value with a hidden character": (
        "generic", generic_file(DA01 + "reported_permanency_12m," + Q1 + "8,24,,Age at entry,0\u200b–5"),
        "bad.csv, line 2, column breakdown_value, value '0\\u200b–5': breakdown_value holds a zero-width space "
        "(U+200B) at character 2, which cannot be seen: write it without it"),
    "a generic file with a header and no rows": (
        "generic", generic_file(), "bad.csv: the file has a header and no rows"),
    "an empty file": ("generic", "", "bad.csv: the file is empty: it needs a header and rows"),
    "a non-UTF-8 file": (
        "generic", generic_file("provider,DA01,Caf\xe9 Familial,reported_permanency_12m," + Q1 + "22,66,,,")
        .encode("cp1252"),                                      # a spreadsheet's "CSV" on Windows
        f"bad.csv: the file is not UTF-8 text (byte {len(GENERIC_HEADER) + len('provider,DA01,Caf')}): save it as "
        "UTF-8 CSV"),
}


@pytest.mark.parametrize("fmt, content, line", BAD.values(), ids=BAD.keys())
def test_bad_input_is_refused_in_one_line_and_nothing_is_kept(fresh, tmp_path, fmt, content, line):
    bad = tmp_path / "bad.csv"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content, encoding="utf-8")
    result = fresh("import-aggregates", bad, "--format", fmt)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [line, REFUSED]
    assert result.stdout == ""
    assert stored(fresh.engine) == (0, 0)


def test_every_problem_of_a_file_is_named_at_once(fresh, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(generic_file(DA01 + "reported_permanency_12m," + Q1 + "67,66,,,",
                                DA01 + "reported_placement_stability," + Q1 + "29,-6771,,,",
                                DA01 + "reported_permanency_12m," + Q1 + "22,66,,,"), "utf-8")
    result = fresh("import-aggregates", bad)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert [ln.split(",")[1] for ln in lines[:2]] == [" line 2", " line 3"]
    assert lines[-1] == REFUSED.replace("1 problem(s)", "2 problem(s)")
    assert stored(fresh.engine) == (0, 0)


@pytest.mark.parametrize("args, reason", [
    (("--source", "Delegate Agencies!"), "statboard: the source name 'delegate agencies!' is not one: use lower-case "
                                         "letters, digits, - and _, up to 100, e.g. cfsr-national"),
    (("--format", "excel"), "Invalid value for '--format'"),
])
def test_a_source_name_or_format_that_is_not_one_is_refused(fresh, args, reason):
    result = fresh("import-aggregates", EXAMPLE, *args)
    assert result.exit_code != 0 and reason in result.stderr
    assert stored(fresh.engine) == (0, 0)


def test_a_missing_file_is_refused_in_one_line(fresh, tmp_path):
    result = fresh("import-aggregates", tmp_path / "nowhere.csv")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"nowhere.csv: there is no file {tmp_path / 'nowhere.csv'}: give the path of a CSV file", REFUSED]
    assert stored(fresh.engine) == (0, 0)


# -- the [[imported]] entries of the catalogue ------------------------------------------------------

GOOD_ENTRY = """
[[imported]]
id = "reported_reentry"
name = "Re-entry (reported)"
source = "Delegate agencies' quarterly reports"
domain = "Permanency"
kind = "proportion"
direction = "lower"
green = 5.6
yellow = 8.3
units = "% of children"
definition = "Of the children who went home, the percent back in care within 12 months."
"""
BROKEN = {
    "an unknown field": (GOOD_ENTRY + 'colour = "red"\n', "unknown field 'colour'"),
    "a rate without a scale": (GOOD_ENTRY.replace('"proportion"', '"rate"'),
                               "a rate needs scale, the events counted per `scale` units (e.g. 1000)"),
    "yellow better than green": (GOOD_ENTRY.replace("8.3", "4.0"),
                                 "yellow 4.0 is better than green 5.6, but lower is better"),
    "a direction without green": (GOOD_ENTRY.replace("green = 5.6\nyellow = 8.3\n", ""),
                                  "give direction and green together"),
    "compare_to an unknown indicator": (GOOD_ENTRY + 'compare_to = "re_entry"\n',
                                        "compare_to 're_entry' is not a computed indicator"),
}


@pytest.mark.parametrize("entry, problem", BROKEN.values(), ids=BROKEN.keys())
def test_indicators_check_names_each_broken_imported_entry(fresh, tmp_path, entry, problem):
    copy = tmp_path / "indicators.toml"
    text = CATALOGUE.read_text(encoding="utf-8")
    copy.write_text(text + entry, encoding="utf-8")
    line = text.count("\n") + 2                                 # the entry's [[imported]] line
    result = fresh("indicators", "check", copy)
    assert result.exit_code == 1
    assert f"{copy}, line {line}, imported indicator 'reported_reentry': {problem}" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("statboard: ")


def test_indicators_check_names_every_broken_entry_at_once_and_passes_the_good_one(fresh, tmp_path):
    copy = tmp_path / "indicators.toml"
    copy.write_text(CATALOGUE.read_text(encoding="utf-8") + GOOD_ENTRY, encoding="utf-8")
    assert fresh("indicators", "check", copy).exit_code == 0
    broken = "".join(entry.replace('"reported_reentry"', f'"reported_{n}"')
                     for n, (entry, _) in enumerate(BROKEN.values()))
    copy.write_text(CATALOGUE.read_text(encoding="utf-8") + broken, encoding="utf-8")
    result = fresh("indicators", "check", copy)
    assert result.exit_code == 1
    for n, (_, problem) in enumerate(BROKEN.values()):
        assert f"imported indicator 'reported_{n}': {problem}" in result.stderr


def test_a_viewer_reads_no_small_number_and_a_scoped_reader_no_org_rows(tmp_path):
    """A viewer does not read a value whose numerator or denominator is from 1 to min-1 (status suppressed); a
    reader scoped below the department reads none of a file's rows about the agency's own bureaus and offices."""
    from access.roles import reader_for
    from measures.catalogue import load_catalogue
    from store import db
    from store.aggregates import export_frame, import_aggregates, load_source
    rows = ["entity_type,entity_id,entity_name,indicator_id,period_start,period_end,period_label,numerator,denominator",
            "provider,P1,Small FFA,reported_permanency_12m,2025-01-01,2025-03-31,Q1 2025,3,8",
            "provider,P2,Large FFA,reported_permanency_12m,2025-01-01,2025-03-31,Q1 2025,30,80",
            "bureau,B02,South Bureau,reported_permanency_12m,2025-01-01,2025-03-31,Q1 2025,40,90"]
    path = tmp_path / "reported.csv"
    path.write_text("\n".join(rows) + "\n")
    engine = db.store_engine(f"sqlite:///{tmp_path / 'store.db'}")
    db.upgrade(engine)
    import_aggregates(engine, path, "generic", load_catalogue(), "test", "reported")
    viewer = load_source(engine, reader_for("v", "viewer", None), "reported")
    by_id = viewer.rows.set_index("entity_id")
    assert by_id.loc["P1", "status"] == "suppressed" and pd.isna(by_id.loc["P1", "value"])
    assert by_id.loc["P2", "value"] == pytest.approx(37.5)
    exported = export_frame(viewer, reader_for("v", "viewer", None)).set_index("entity_id")
    assert exported.loc["P1", "status"] == "suppressed" and pd.isna(exported.loc["P1", "value"])
    north = load_source(engine, reader_for("m", "manager", "bureau:B01"), "reported")
    assert sorted(north.rows.entity_id) == ["P1", "P2"]
    executive = load_source(engine, reader_for("e", "executive", None), "reported")
    assert sorted(executive.rows.entity_id) == ["B02", "P1", "P2"]
    engine.dispose()
