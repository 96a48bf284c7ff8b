"""The county instance the benchmarks read: the one given, or one made from a county extract (given, or
generated), loaded into a fresh instance folder under `tmp`. Shared by the bench scripts."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def county_instance(args, tmp: Path) -> Path:
    """`args.instance`, or a fresh instance loaded from `args.extract` (generated when not given)."""
    if args.instance is not None:
        return args.instance
    extract = args.extract or tmp / "county"
    if args.extract is None:
        subprocess.run([sys.executable, "-m", "cli", "demo-data", str(extract), "--scale", "county"], cwd=ROOT,
                       check=True)
    instance = tmp / "instance"
    subprocess.run([sys.executable, "-m", "cli", "load", str(extract)], cwd=ROOT, check=True,
                   env={**os.environ, "STATBOARD_INSTANCE_DIR": str(instance)})
    return instance
