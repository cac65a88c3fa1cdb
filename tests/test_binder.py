"""Binder's configuration, read as files: environment.yml pins what pyproject.toml pins, python=3.12,
postBuild installs the repo, no binder/ folder overrides the root, and the README links every notebook.

That postBuild really leaves the learner's view is proven in tests/browser/test_binder_learner.py,
which builds a fresh environment and runs it.
"""
import os
import re
import tomllib

import pytest
from packaging.requirements import Requirement

from tests.conftest import NOTEBOOKS, ROOT

yaml = pytest.importorskip("yaml")
ENV = yaml.safe_load((ROOT / "environment.yml").read_text())
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# What a learner's image needs: the package's dependencies, its `lab` extra, and nbgrader (Assignment List,
# Validate). The rest of the instructor extra (dask, tqdm for grading a class) stays off Binder.
LEARNER = PROJECT["dependencies"] + PROJECT["optional-dependencies"]["lab"] + ["nbgrader"]
BADGE = "https://mybinder.org/badge_logo.svg"


def pyproject_pins():
    reqs = PROJECT["dependencies"] + [r for extra in PROJECT["optional-dependencies"].values() for r in extra]
    return {Requirement(r).name: Requirement(r).specifier for r in reqs if not r.startswith(PROJECT["name"])}


def conda_specs():
    """{name: spec} for environment.yml's conda packages; conda's `name=1.2` pin written as `==`."""
    specs = {}
    for dep in ENV["dependencies"]:
        if isinstance(dep, str):
            name, spec = re.match(r"([A-Za-z0-9_.-]+)\s*(.*)", dep).groups()
            specs[name] = re.sub(r"^=(?!=)", "==", spec.strip())
    return specs


def test_conda_forge_and_python_312():
    assert ENV["channels"] == ["conda-forge"]
    assert conda_specs()["python"] == "==3.12"


def test_pins_match_pyproject():
    pins, specs = pyproject_pins(), conda_specs()
    for name, spec in specs.items():
        if name in ("python", "pip"):
            continue
        assert name in pins, f"environment.yml installs {name}, which pyproject.toml does not name"
        assert Requirement(f"{name}{spec}").specifier == pins[name], f"{name}: environment.yml {spec}, pyproject {pins[name]}"
    for req in map(Requirement, LEARNER):
        assert req.name in specs, f"environment.yml lacks {req.name}{req.specifier}"


def test_postbuild_installs_the_repo_and_pip_section_does_not():
    pip = [d for d in ENV["dependencies"] if isinstance(d, dict)]
    assert not any(re.search(r"(^|\s)(-e\s*)?\.(\[|$)", line) for section in pip for line in section.get("pip", []))
    postbuild = ROOT / "postBuild"
    assert os.access(postbuild, os.X_OK), "postBuild must be executable"
    assert re.search(r"^python -m pip install .*\.$", postbuild.read_text(), re.M)


def test_no_binder_folder_overrides_the_root():
    assert not (ROOT / "binder").exists() and not (ROOT / ".binder").exists()


def test_readme_has_a_badge_and_a_link_per_notebook():
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"https://mybinder\.org/v2/gh/([^/\s]+/[^/\s]+)/HEAD\?urlpath=lab/tree/([^)\s]+)", readme)
    assert BADGE in readme
    assert len({slug for slug, _ in links}) == 1, "every Binder link must name the same OWNER/REPO"
    paths = {path for _, path in links}
    for name in NOTEBOOKS:
        assert f"course/{name}/{name}.ipynb" in paths, f"README has no Binder link to {name}"
    assert all((ROOT / p).exists() for p in paths if p.endswith(".ipynb"))
