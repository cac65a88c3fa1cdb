"""The gradebook's cells follow source/ as `nbgrader generate_assignment` leaves them: raised points reach
`nbgrader export`, and a grade cell renamed under recorded grades is refused before anything is graded."""
import csv
import hashlib
import shutil

import nbformat
import pytest

from tests.submissions import corpus
from tests.submissions.course import make_course
from tests.test_grade_workflow import FULL, NAME, _points, grade, nbgrader

pytestmark = pytest.mark.slow
FIRST = next(iter(_points()))


def checksums(course):
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        nb = gb.find_notebook(NAME, NAME)
        return {c.name: (c.checksum, c.source) for c in nb.source_cells}, {c.name: c.max_score for c in nb.grade_cells}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """alice's right answer graded once, after generate_assignment; and the cells generate_assignment recorded."""
    course = make_course(tmp_path_factory.mktemp("sync") / "course", [NAME])
    nbgrader(course, "generate_assignment", NAME, "--force")
    generated = checksums(course)
    folder = course / "submitted" / "alice" / NAME
    folder.mkdir(parents=True)
    nbformat.write(corpus.notebook(corpus.harness.ROOT, NAME).copy(), folder / f"{NAME}.ipynb")
    assert grade(course) == 0
    return course, generated


def edit_source(course, change):
    path = course / "source" / NAME / f"{NAME}.ipynb"
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == FIRST)
    change(cell.metadata.nbgrader)
    nbformat.write(nb, path)


def test_grading_records_the_cells_exactly_as_generate_assignment_did(graded):
    course, generated = graded
    assert checksums(course) == generated


def test_raised_points_reach_the_gradebook_and_nbgrader_export(graded, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(graded[0], course)
    edit_source(course, lambda meta: meta.update(points=meta["points"] + 1))
    assert grade(course) == 0
    row = next(csv.DictReader((course / "reports" / NAME / "grades.csv").open()))
    assert float(row["score"]) == float(row["max_score"]) == FULL + 1
    nbgrader(course, "export", "--to", "export.csv")
    exported = next(csv.DictReader((course / "export.csv").open()))
    assert float(exported["score"]) == float(exported["max_score"]) == FULL + 1   # was "14 out of 13"
    assert checksums(course)[1][FIRST] == _points()[FIRST] + 1


def test_a_renamed_grade_cell_with_grades_is_refused_before_grading(graded, tmp_path, capsys):
    course = tmp_path / "course"
    shutil.copytree(graded[0], course)
    edit_source(course, lambda meta: meta.update(grade_id=f"{FIRST}_renamed"))
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(course.rglob("*")) if p.is_file()
              and "source" not in p.parts}
    assert grade(course) == 2
    err = capsys.readouterr().err
    assert f"removed: {FIRST}; added: {FIRST}_renamed" in err
    assert f"nbgrader db assignment remove {NAME} --force" in err and "nothing was graded" in err
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(course.rglob("*")) if p.is_file()
             and "source" not in p.parts}
    assert after == before
    assert grade(course, "--gradebook-only") == 2   # writing the stored results later is refused alike
    assert f"removed: {FIRST}" in capsys.readouterr().err
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before} == before
