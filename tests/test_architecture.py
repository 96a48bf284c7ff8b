"""The layers of docs/architecture.md, as import-linter contracts (pyproject.toml, [tool.importlinter]): they hold
for the code as it is, and an import that climbs a layer breaks them."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]


def lint(where: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=where, capture_output=True, text=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(where)})


def test_every_contract_is_kept():
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"Contracts: {len(CONFIG['contracts'])} kept, 0 broken." in result.stdout


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The packages and the contracts, copied: a place to break an import without touching the tree."""
    where = tmp_path_factory.mktemp("tree")
    for name in CONFIG["root_packages"]:
        shutil.copytree(ROOT / name, where / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "app.py", "cli.py", "settings.py"):
        shutil.copy(ROOT / name, where / name)
    return where


@pytest.mark.parametrize("module, climbs, contract", [
    ("queries/scorecard.py", "from components import heatmap", "Imports point down"),    # the reported two:
    ("store/followup.py", "from components.meeting import item_card", "Imports point down"),  # data -> screen
    ("queries/performance.py", "from store import meetings", "warehouse side"),
    ("display/format.py", "import access.scope", "Imports point down"),
    ("store/db.py", "import settings", "settings"),
    ("access/scope.py", "import plotly.graph_objects", "Nothing below the screen builders draws"),
    ("web/runtime.py", "import app", "entry points"),
])
def test_an_import_that_climbs_breaks_a_contract(copy, module, climbs, contract):
    path = copy / module
    kept = path.read_text()
    path.write_text(kept + f"\n\ndef _climbs():\n    {climbs}\n")  # inside a function: lazy imports count too
    try:
        result = lint(copy)
    finally:
        path.write_text(kept)
    assert result.returncode == 1 and "BROKEN" in result.stdout, result.stdout[-2000:]
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken and module.removesuffix(".py").replace("/", ".") in broken, broken[-2000:]
