"""The installed package: numpy is its only import-time need, and it holds no solutions or hidden values."""
import shutil
import subprocess
import sys
import zipfile

import nbformat
import pytest

from autograder.hidden import hidden_regions
from tests.conftest import NOTEBOOKS, ROOT

HEAVY = ("nbgrader", "nbformat", "nbclient", "matplotlib", "IPython", "ipywidgets", "scipy", "torch", "dask")


def test_import_needs_only_numpy():
    code = f"import sys, autograder; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    # Build from a copy: setuptools writes build/ into the source tree, and two xdist workers building
    # in the same tree at once break each other's build.
    src, out = tmp_path_factory.mktemp("src"), tmp_path_factory.mktemp("wheel")
    shutil.copytree(ROOT / "autograder", src / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, src / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)], check=True)
    (path,) = out.glob("backprop_autograder-*.whl")
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name).decode("utf-8", "replace") for name in zf.namelist()}


def test_wheel_holds_only_the_package(wheel):
    assert all(name.startswith(("autograder/", "backprop_autograder-")) for name in wheel)
    assert not [name for name in wheel if name.endswith((".ipynb", ".npz"))]


def _secret_lines(name):
    """Lines of solution regions and hidden tests: none may be shipped in the package."""
    nb = nbformat.read(ROOT / "source" / name / f"{name}.ipynb", as_version=4)
    lines = set()
    for cell in nb.cells:
        regions = hidden_regions(cell.source)
        if cell.metadata.get("nbgrader", {}).get("solution"):
            regions += cell.source.split("### BEGIN SOLUTION")[1:]
        lines |= {line.strip() for r in regions for line in r.splitlines() if len(line.strip()) > 12}
    return lines - {"### END SOLUTION", "### END HIDDEN TESTS"}


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_wheel_holds_no_solution_or_hidden_line(wheel, name):
    shipped = "\n".join(wheel.values())
    leaked = [line for line in _secret_lines(name) if line in shipped]
    assert not leaked, leaked
