"""Honest submissions: `autograder grade` gives the same score as real `nbgrader autograde`, item by item,
and writes them where nbgrader keeps them (the gradebook that `nbgrader export` reads)."""
import os
import subprocess
import sys

import nbformat
import pytest

import autograder
from tests.conftest import NOTEBOOKS
from tests.submissions import corpus
from tests.submissions.course import make_course

pytestmark = pytest.mark.slow
UNDER_TEST = os.environ.get("AUTOGRADER_EQUALITY", ",".join(NOTEBOOKS)).split(",")


def nbgrader(course, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def gradebook_scores(course, name):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return {s.student.id: {g.name: g.score for g in s.grades}
                for s in gb.find_notebook(name, name).submissions}


def honest_submissions(course, name):
    """The solution, the untouched release, and the solution with the first exercise answered wrongly."""
    nbk = corpus.notebook(corpus.harness.ROOT, name)
    release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    for student, nb in (("solution", nbk.copy()), ("release", release), ("wrong-first", corpus.wrong(nbk))):
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{name}.ipynb")


@pytest.mark.parametrize("name", UNDER_TEST)
def test_same_scores_as_nbgrader_autograde(name, tmp_path):
    course = make_course(tmp_path / "course", [name])
    nbgrader(course, "generate_assignment", name, "--force")
    honest_submissions(course, name)
    nbgrader(course, "autograde", name, "--force")
    theirs = gradebook_scores(course, name)

    results = autograder.grade(name, root=course, jobs=2, progress=False)
    ours = {r.student: {i.grade_id: i.score for i in r.items} for r in results}
    assert ours == theirs
    assert {r.status for r in results} == {"graded"}
    assert gradebook_scores(course, name) == theirs     # written back where formgrader and export look
