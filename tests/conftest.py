"""Shared fixtures: the repo root, the notebook list, and a kernel environment for notebook runs."""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.parent.name for p in (ROOT / "source").glob("*/*.ipynb") if p.stem == p.parent.name)

os.environ.setdefault("MPLBACKEND", "Agg")
# Tools the tests run (nbgrader calls `alembic`, `jupyter`) come from this interpreter's environment,
# even when pytest is started as .venv/bin/python without activating the venv.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
# Kernels started by the tests inherit this: a notebook's own self-check cell must not start a second run.
os.environ["AUTOGRADER_NO_SELF_CHECK"] = "1"


@pytest.fixture
def root():
    return ROOT
