"""The catalogue file: the default one is complete and valid; every mistake is named with file, line and entry."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from measures.catalogue import DEFAULT_PATH, CatalogueError, load_catalogue
from measures.definitions import RULES

SPEC = Path(__file__).resolve().parents[2] / "shared" / "spec" / "indicators.md"


def test_default_catalogue_declares_every_indicator_once():
    catalogue = load_catalogue()
    assert sorted(catalogue.ids) == sorted(RULES) and len(catalogue) == 28
    assert [i.tier for i in catalogue].count(1) == 7
    reentry = catalogue.get("reentry")
    assert (reentry.kind, reentry.direction, reentry.green, reentry.yellow, reentry.min_n) == (
        "proportion", "lower", Decimal("5.6"), Decimal("8.3"), 5)
    assert isinstance(reentry.green, Decimal)  # exact, not a binary float
    rate = catalogue.get("maltreatment_in_care")
    assert (rate.kind, rate.scale, rate.min_n, rate.green) == ("rate", 100000, 1000, Decimal("9.07"))
    assert catalogue.get("entries").direction is None
    for indicator in catalogue:
        assert indicator.definition and indicator.why and 2 <= len(indicator.questions) <= 3


SPEC_TABLES = Path(__file__).with_name("data") / "spec-indicator-tables.md"


def test_the_spec_tables_copied_here_are_the_spec_s():
    """The copy lets a clone without ../shared check the catalogue; where the spec is at hand, they agree."""
    if SPEC.exists():
        rows = [line for line in SPEC.read_text().splitlines()
                if line.startswith("| `") and len(line.strip().strip("|").split("|")) == 6]
        assert rows == SPEC_TABLES.read_text().splitlines()


def test_default_catalogue_matches_the_spec_tables():
    rows = {}
    for line in SPEC_TABLES.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows[cells[0].strip("`")] = cells
    assert len(rows) == 28
    for indicator in load_catalogue():
        ident, name, domain, kind, better, standard = rows[indicator.id]
        assert (indicator.name, indicator.domain, indicator.kind.split(",")[0]) == (name, domain, kind.split(",")[0])
        if indicator.kind == "count":
            assert better == "—"
        else:
            assert indicator.direction == better
            assert standard == f"{indicator.green} / {indicator.yellow}"


ENTRY = '''
[[indicator]]
id = "reentry"
name = "Re-entry"
tier = 1
domain = "Permanency"
kind = "proportion"
direction = "lower"
green = 5.6
yellow = 8.3
min_n = 5
definition = "d"
why = "w"
questions = ["q1?", "q2?"]
'''


def write(tmp_path, text) -> Path:
    path = tmp_path / "agency.toml"
    path.write_text(text)
    return path


def problems(tmp_path, text) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        load_catalogue(write(tmp_path, text))
    return caught.value.problems


def test_a_minimal_catalogue_of_one_indicator_is_valid(tmp_path):
    catalogue = load_catalogue(write(tmp_path, "version = 1\n" + ENTRY))
    assert catalogue.ids == ["reentry"] and catalogue.get("reentry").yellow == Decimal("8.3")


def test_unknown_key_names_file_line_and_entry(tmp_path):
    found = problems(tmp_path, "version = 1\n" + ENTRY.replace('why = "w"', 'why = "w"\ncolour = "blue"'))
    assert found == [f"{tmp_path / 'agency.toml'}, line 3, indicator 'reentry': unknown field 'colour'; "
                     "allowed: id, name, tier, domain, kind, direction, green, yellow, min_n, scale, definition, "
                     "why, questions"]


def test_missing_field(tmp_path):
    found = problems(tmp_path, ENTRY.replace("min_n = 5\n", ""))
    assert len(found) == 1 and "line 2, indicator 'reentry': missing field 'min_n'" in found[0]


def test_threshold_on_the_wrong_side_for_each_direction(tmp_path):
    lower = problems(tmp_path, ENTRY.replace("green = 5.6", "green = 9"))
    assert lower == [f"{tmp_path / 'agency.toml'}, line 2, indicator 'reentry': green 9 is above yellow 8.3, "
                     "but lower is better: green must be at or below yellow"]
    higher = ENTRY.replace('"reentry"', '"no_recurrence"').replace('"lower"', '"higher"')
    found = problems(tmp_path, higher)  # green 5.6 below yellow 8.3 while higher is better
    assert found == [f"{tmp_path / 'agency.toml'}, line 2, indicator 'no_recurrence': green 5.6 is below "
                     "yellow 8.3, but higher is better: green must be at or above yellow"]


def test_every_problem_is_reported_at_once(tmp_path):
    second = ENTRY.replace('"reentry"', '"entries"')  # a count given a standard, and kind proportion
    text = ENTRY.replace("tier = 1", "tier = 3") + second + ENTRY.replace('id = "reentry"', 'id = "nope"')
    found = problems(tmp_path, "version = 2\nextra = 1\n" + text)
    joined = "\n".join(found)
    assert "version 2 is not supported" in joined
    assert "unknown top-level key 'extra'" in joined
    assert "line 4, indicator 'reentry': tier must be 1 or 2, not 3" in joined
    assert "line 18, indicator 'entries': kind is 'proportion', but entries is computed as a count" in joined
    assert "line 32, indicator 'nope': unknown indicator id 'nope'" in joined
    assert len(found) == 5


def test_rules_per_kind(tmp_path):
    count = ENTRY.replace('"reentry"', '"entries"').replace('"proportion"', '"count"')
    assert [p.split(": ", 1)[1] for p in problems(tmp_path, count)] == [
        "a count is never coloured; remove 'direction'", "a count is never coloured; remove 'green'",
        "a count is never coloured; remove 'yellow'", "a count is never coloured; remove 'min_n'"]
    rate = ENTRY.replace('"reentry"', '"maltreatment_in_care"').replace('"proportion"', '"rate"')
    assert problems(tmp_path, rate)[0].endswith("missing field 'scale' (a rate is events per `scale` days, "
                                                "e.g. 100000)")
    assert "scale applies to rates only" in problems(tmp_path, ENTRY.replace("min_n = 5", "min_n = 5\nscale = 10"))[0]
    assert "direction is 'higher', but for reentry lower is better" in problems(
        tmp_path, ENTRY.replace('"lower"', '"higher"').replace("green = 5.6", "green = 9"))[0]
    assert "a percent above 100" in problems(tmp_path, ENTRY.replace("yellow = 8.3", "yellow = 108.3"))[0]
    assert "questions must be a list of two or three" in problems(tmp_path, ENTRY.replace('"q2?"', ""))[0]
    assert "min_n must be a whole number" in problems(tmp_path, ENTRY.replace("min_n = 5", "min_n = 2.5"))[0]


def test_duplicate_ids_and_bad_toml(tmp_path):
    assert "the id 'reentry' is already used by entry 1" in problems(tmp_path, ENTRY + ENTRY)[0]
    assert "not valid TOML" in problems(tmp_path, ENTRY + "green = \n")[0]
    with pytest.raises(CatalogueError, match="no such file"):
        load_catalogue(tmp_path / "missing.toml")


def test_cli_check_lists_problems_then_one_line(tmp_path):
    bad = write(tmp_path, ENTRY.replace("green = 5.6", "green = 9"))
    result = CliRunner().invoke(main, ["indicators", "check", str(bad)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert "green 9 is above yellow 8.3" in lines[0]
    assert lines[-1].startswith(f"statboard: the indicator catalogue {bad} has 1 problem(s); nothing was loaded")
    ok = CliRunner().invoke(main, ["indicators", "check", str(DEFAULT_PATH)])
    assert ok.exit_code == 0 and "28 indicators, no problems" in ok.output


def test_cli_load_refuses_a_bad_catalogue_before_touching_the_warehouse(tmp_path, monkeypatch):
    from tests.extracts import write_extract
    bad = write(tmp_path, ENTRY.replace("green = 5.6", "green = 9"))
    monkeypatch.setenv("STATBOARD_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("STATBOARD_CATALOGUE", str(bad))
    result = CliRunner().invoke(main, ["load", str(write_extract(tmp_path / "x"))])
    assert result.exit_code == 1 and "green 9 is above yellow 8.3" in result.output
    assert not (tmp_path / "instance" / "warehouse.duckdb").exists()


def test_cli_sql_shows_one_indicator_for_either_engine():
    runner = CliRunner()
    duck = runner.invoke(main, ["indicators", "sql", "timely_dental_exam", "--dialect", "duckdb"])
    assert duck.exit_code == 0
    assert duck.output.startswith("-- cells of timely_dental_exam")
    assert "-- timely_dental_exam: episodes in care on me" in duck.output
    assert "cast(birth_date + interval '216 months' as date)" in duck.output
    assert "hugeint" in duck.output and "numeric" not in duck.output
    pg = runner.invoke(main, ["indicators", "sql", "median_days_in_care", "--dialect", "postgresql"])
    assert "percentile_cont(0.5) within group (order by m.numerator)" in pg.output
    unknown = runner.invoke(main, ["indicators", "sql", "nope"])
    assert unknown.exit_code == 1 and "unknown indicator 'nope'" in unknown.output
