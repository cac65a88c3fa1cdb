"""`autograder build`: course/ and solutions/ come from source/ alone, deterministically, and --check proves it."""
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder.build import BuildError, build, write_tree
from autograder.hidden import hidden_regions, strip_hidden
from tests.conftest import NOTEBOOKS, ROOT


def copy_course(tmp_path):
    for folder in ("source", "course", "solutions"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "autograder.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_committed_folders_equal_a_fresh_build():
    assert build(ROOT, check=True).differ == []


def test_check_names_each_file_that_differs(tmp_path):
    course = copy_course(tmp_path)
    edited = course / "course" / NOTEBOOKS[0] / f"{NOTEBOOKS[0]}.ipynb"
    edited.write_text(edited.read_text().replace("YOUR CODE HERE", "my code"))
    (course / "solutions" / NOTEBOOKS[0] / f"{NOTEBOOKS[0]}.ipynb").unlink()
    (course / "course" / "stray.txt").write_text("hand-made")
    done = cli("build", "--check", "--root", str(course))
    assert done.returncode == 1
    for rel in (f"course/{NOTEBOOKS[0]}/{NOTEBOOKS[0]}.ipynb", f"solutions/{NOTEBOOKS[0]}/{NOTEBOOKS[0]}.ipynb",
                "course/stray.txt"):
        assert f"differs from a fresh build: {rel}" in done.stdout
    assert cli("build", "--root", str(course)).returncode == 0
    done = cli("build", "--check", "--root", str(course))
    assert done.returncode == 0, done.stdout


def test_two_builds_are_byte_identical(tmp_path):
    write_tree(ROOT, tmp_path / "a")
    write_tree(ROOT, tmp_path / "b")
    a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert a and all((tmp_path / "a" / p).read_bytes() == (tmp_path / "b" / p).read_bytes() for p in a)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_release_holds_stubs_and_no_hidden_tests(name):
    release = (ROOT / "course" / name / f"{name}.ipynb").read_text()
    solutions = (ROOT / "solutions" / name / f"{name}.ipynb").read_text()
    source = nbformat.read(ROOT / "source" / name / f"{name}.ipynb", as_version=4)
    assert "BEGIN SOLUTION" not in release and "raise NotImplementedError(\\\"replace this line with your code\\\")" in release
    assert "HIDDEN TESTS" not in release and "HIDDEN TESTS" not in solutions
    hidden = {line.strip() for c in source.cells for r in hidden_regions(c.source) for line in r.splitlines()}
    visible = {line.strip() for c in source.cells for line in strip_hidden(c.source).splitlines()}
    only_hidden = {line for line in hidden - visible if len(line) > 20}   # lines that exist only in hidden tests
    assert only_hidden, f"{name} has no hidden tests"
    leaked = [line for line in only_hidden if line in release or line in solutions]
    assert not leaked, leaked


def _source_with(tmp_path, edit):
    name = NOTEBOOKS[0]
    shutil.copytree(ROOT / "source" / name, tmp_path / "source" / name)
    path = tmp_path / "source" / name / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    edit(nb)
    nbformat.write(nb, path)
    return tmp_path


def test_refuses_outputs_in_source(tmp_path):
    def add_output(nb):
        cell = next(c for c in nb.cells if c.cell_type == "code")
        cell.outputs = [nbformat.v4.new_output("stream", text="hi")]
    with pytest.raises(BuildError, match="has outputs"):
        build(_source_with(tmp_path, add_output))


def test_refuses_hidden_check_that_could_leak(tmp_path):
    def unflag(nb):
        cell = next(c for c in nb.cells if "BEGIN HIDDEN TESTS" in c.source)
        cell.source = cell.source.replace("hidden=True", "hidden=False")
    with pytest.raises(BuildError, match="hidden=True"):
        build(_source_with(tmp_path, unflag))


def test_the_start_here_page_is_in_the_course_only():
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    assert (root / "course" / "START-HERE.md").is_file()
    assert not (root / "solutions" / "START-HERE.md").exists()
