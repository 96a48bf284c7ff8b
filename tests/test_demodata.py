"""The demo generator: deterministic, valid under the loader, and telling its stories."""
from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np

import pytest

from demodata.generate import STORY_TDM_OFFICE, add_years, days, generate
from loader.load import load_extract
from queries.warehouse import Warehouse


def digest(directory) -> str:
    h = hashlib.sha256()
    for path in sorted(directory.iterdir()):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def loaded_all(result, counts) -> bool:
    """Every table written was loaded, row for row; `providers` only once the loader knows the optional table
    (data contract, 2026-12-07): a loader before it ignores the file."""
    known = {t: n for t, n in counts.items() if t != "providers" or "providers" in result.row_counts}
    return result.row_counts == known


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The small demo extract, loaded into a DuckDB warehouse."""
    root = tmp_path_factory.mktemp("demo")
    counts = generate(root / "extract", "small", seed=42)
    warehouse = Warehouse(f"duckdb:///{root / 'warehouse.duckdb'}")
    result = load_extract(root / "extract", warehouse)
    return root, counts, result, warehouse.snapshot()


def test_the_small_demo_passes_the_loader(small):
    _, counts, result, _ = small
    assert loaded_all(result, counts)
    assert counts["referrals"] > 10_000 and counts["episodes"] > 500 and counts["contacts"] > 30_000


def test_the_demo_agency_reads_as_a_name_and_its_manifest_says_how_it_was_made(small):
    import json
    root, _, result, snapshot = small
    assert result.agency == "Demo County Department of Children and Family Services"
    manifest = json.loads((root / "extract" / "manifest.json").read_text())
    assert manifest["generated_by"] == {"command": "statboard demo-data", "scale": "small", "seed": 42}
    department = snapshot.read("select entity_name from entities where level = 'department'")
    assert department.entity_name.tolist() == ["Demo County Department of Children and Family Services"]


def test_a_discharged_episode_has_no_open_placement(small):
    # The contract's rule of 2026-11-30 (the loader refuses such a placement): checked here by name too.
    *_, snap = small
    open_after_discharge = snap.read("""
        select count(*) as n from placements p join episodes e using (episode_id)
        where p.end_date is null and e.discharge_date is not null""")
    assert open_after_discharge.n[0] == 0
    assert snap.read("select count(*) as n from placements where end_date is null").n[0] > 0  # open episodes' are


def test_the_same_seed_writes_the_same_bytes(small, tmp_path):
    root, *_ = small
    generate(tmp_path / "again", "small", seed=42)
    assert digest(tmp_path / "again") == digest(root / "extract")
    generate(tmp_path / "other", "small", seed=7)
    assert digest(tmp_path / "other") != digest(root / "extract")


def test_parquet_output_loads_the_same(small, tmp_path):
    _, counts, *_ = small
    generate(tmp_path / "pq", "small", seed=42, fmt="parquet")
    result = load_extract(tmp_path / "pq", Warehouse(f"duckdb:///{tmp_path / 'w.duckdb'}"))
    assert loaded_all(result, counts)


def test_ids_have_leading_zeros(small):
    *_, snap = small
    ids = snap.read("select min(child_id) as c, min(worker_id) as w from episodes")
    assert ids.c[0].startswith("0000") and ids.w[0].startswith("0000")


def test_story_tdm_office_climbs_from_none_to_three_quarters(small):
    *_, snap = small
    office = f"O{STORY_TDM_OFFICE + 1:03d}"
    rates = snap.read("""
        select case when e.removal_date >= date '2026-07-01' then 'late' else 'early' end as period,
               avg(case when e.tdm_date between e.removal_date - 30 and e.removal_date + 3 then 1.0 else 0 end) as timely
        from episodes e join entities w on w.level = 'worker' and w.entity_id = e.worker_id
        where w.office_id = :office and e.removal_date between date '2025-05-01' and date '2026-10-31'
          and (e.removal_date < date '2025-10-01' or e.removal_date >= date '2026-07-01')
        group by 1 order by 1""", {"office": office})
    early, late = rates.timely.tolist()
    assert early < 0.1 and late > 0.5


def test_offices_differ_and_seasons_show(small):
    *_, snap = small
    by_office = snap.read("""
        select w.office_id, avg(case when c.in_person and c.completed then 1.0 else 0 end) as rate, count(*) as n
        from contacts c join entities w on w.level = 'worker' and w.entity_id = c.worker_id
        group by 1""")
    assert by_office.rate.max() - by_office.rate.min() > 0.005
    months = snap.read("""
        select extract(month from received_at) as m, count(*) as n from referrals
        where received_at >= timestamp '2024-01-01' and received_at < timestamp '2026-01-01' group by 1""")
    per_month = dict(zip(months.m.astype(int), months.n))
    assert per_month[7] < 0.85 * per_month[3]  # summer holidays: fewer reports from schools


def test_add_years_clamps_29_february():
    born = np.array([days(dt.date(2008, 2, 29)), days(dt.date(2008, 3, 1))])
    assert add_years(born, 18).tolist() == [days(dt.date(2026, 2, 28)), days(dt.date(2026, 3, 1))]


def test_unknown_scale_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="unknown scale 'huge': choose one of small, county, state"):
        generate(tmp_path, "huge")
