"""Real nbgrader, end to end: alice submits the solution, bob the untouched release, carol the solution
with one gradient's sign flipped. autograde must give alice full marks, bob 0 per item, and cost carol
exactly the flipped exercise's points; generate_feedback must write feedback for all three."""
import shutil
import subprocess
import sys

import nbformat
import pytest

from tests.conftest import NOTEBOOKS, ROOT
from tests.mutants.harness import catalogue
from tests.notebook_tools import exercises, nbgrader_meta


def nbgrader(course, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def sign_flip(name):
    """The first catalogue mutant that flips a sign: (solution grade_id, code)."""
    for gid, entry in catalogue(name).items():
        for mutant in entry["mutants"]:
            if mutant.diagnosis and "opposite sign" in mutant.diagnosis:
                return gid, mutant.code
    raise AssertionError(f"{name}: the mutant catalogue has no sign flip")


def submit(course, student, name, nb):
    folder = course / "submitted" / student / name
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{name}.ipynb")


def scores(course, name):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s: {g.name: (g.score, g.max_score) for g in gb.find_submission_notebook(name, name, s).grades}
                for s in ("alice", "bob", "carol")}


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_autograde_alice_bob_carol(name, tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    shutil.copytree(ROOT / "source" / name, course / "source" / name)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    nbgrader(course, "generate_assignment", name, "--force")

    solution = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
    submit(course, "alice", name, solution)
    submit(course, "bob", name, nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4))
    flipped_id, code = sign_flip(name)
    for cell in solution.cells:
        if nbgrader_meta(cell).get("grade_id") == flipped_id:
            cell.source = code
    submit(course, "carol", name, solution)

    nbgrader(course, "autograde", name, "--force")
    got = scores(course, name)
    flipped_tests = dict((gid, tests) for gid, tests, _ in exercises(solution))[flipped_id]
    assert flipped_tests
    for item, (score, max_score) in got["alice"].items():
        assert score == max_score > 0, f"alice lost points on {item}"
    for item, (score, max_score) in got["bob"].items():
        assert score == 0, f"bob scored on {item} with the untouched release"
    for item, (score, max_score) in got["carol"].items():
        assert score == (0 if item in flipped_tests else max_score), f"carol on {item}"

    nbgrader(course, "generate_feedback", name, "--force")
    for student in ("alice", "bob", "carol"):
        assert (course / "feedback" / student / name / f"{name}.html").is_file()
