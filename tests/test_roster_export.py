"""Every student on the gradebook's roster has a row (status missing where nothing was submitted), grades.csv's
item columns follow the source notebook, and the Canvas export goes through `nbgrader export` itself."""
import csv
import io
import json
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder.cli import main as cli
from autograder.grading import report
from autograder.grading.result import Result
from autograder.grading.roster import roster
from autograder.grading.verdict import Item
from tests.submissions import corpus
from tests.submissions.course import make_course
from tests.test_grade_workflow import FULL, _points

NAME = "01-chain-rule"
ROSTER = {"aaron": ("Aaron", "Abbot"), "alice": ("Alice", "Smith"), "bob": ("", "")}   # aaron: no submission


def nbgrader(course, *args):
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def grade(course, *extra):
    return cli(["grade", NAME, "--root", str(course), "--jobs", "2", *extra])


def class_with_roster(course, submit=("alice", "bob")):
    make_course(course, [NAME])
    nbgrader(course, "generate_assignment", NAME, "--force")
    for student, (first, last) in ROSTER.items():
        nbgrader(course, "db", "student", "add", student, f"--first-name={first}", f"--last-name={last}")
    nbk = corpus.notebook(corpus.harness.ROOT, NAME)
    for student, nb in (("alice", nbk.copy()), ("bob", corpus.wrong(nbk))):
        if student in submit:
            (course / "submitted" / student / NAME).mkdir(parents=True)
            nbformat.write(nb, course / "submitted" / student / NAME / f"{NAME}.ipynb")
    return course


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = class_with_roster(tmp_path_factory.mktemp("roster") / "course")
    assert grade(course, "--format", "canvas") == 0   # a missing row is not a failure of the run
    return course


@pytest.mark.slow
def test_a_student_on_the_roster_who_submitted_nothing_has_a_missing_row(graded):
    rows = list(csv.DictReader(io.StringIO((graded / "reports" / NAME / "grades.csv").read_text())))
    aaron = rows[0]   # the first row has no items: the columns still come from the source notebook
    assert (aaron["student"], aaron["status"], float(aaron["score"]), float(aaron["max_score"])) == \
        ("aaron", "missing", 0.0, FULL)
    assert aaron["reason"] == f"no submission: submitted/aaron/{NAME}/ does not exist"
    assert list(rows[0])[len(report.COLUMNS):] == list(_points())
    assert [r["status"] for r in rows] == ["missing", "graded", "graded"]
    stored = json.loads((graded / "reports" / NAME / "grades.json").read_text())
    assert [(r["student"], r["status"], r["items"]) for r in stored][0] == ("aaron", "missing", [])


@pytest.mark.slow
def test_a_missing_student_gets_no_feedback_no_notebook_and_no_gradebook_row(graded):
    from nbgrader.api import Gradebook, MissingEntry
    assert not (graded / "feedback" / "aaron").exists() and not (graded / "autograded" / "aaron").exists()
    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}") as gb:
        with pytest.raises(MissingEntry):
            gb.find_submission(NAME, "aaron")
    nbgrader(graded, "export", "--to", "export.csv")
    exported = {r["student_id"]: r for r in csv.DictReader((graded / "export.csv").open())}
    assert float(exported["aaron"]["score"]) == 0.0 and float(exported["alice"]["score"]) == FULL


@pytest.mark.slow
def test_the_class_report_counts_missing_students_apart(graded):
    page = (graded / "reports" / NAME / "index.html").read_text()
    assert '<span id="missing" data-count="1">' in page and "aaron" in page
    assert "2 students submitted work" in page
    assert "1 of 2 (50%)" in page   # the first exercise: alice passed, bob did not; aaron is not an attempt


@pytest.mark.slow
def test_one_student_regraded_keeps_the_missing_row_and_adds_none(graded, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(graded, course)
    before = (course / "reports" / NAME / "grades.json").read_text()
    assert grade(course, "--student", "alice") == 0
    assert (course / "reports" / NAME / "grades.json").read_text() == before   # alice's row is as it was


@pytest.mark.slow
def test_a_roster_but_no_submissions_grades_and_writes_nothing(tmp_path, capsys):
    course = class_with_roster(tmp_path / "course", submit=())
    before = (course / "gradebook.db").read_bytes()
    assert grade(course) == 1
    out = capsys.readouterr().out
    assert "no submissions" in out and f"the {len(ROSTER)} students on the gradebook's roster" in out
    assert not (course / "reports").exists() and (course / "gradebook.db").read_bytes() == before


def test_a_gradebook_that_does_not_exist_is_not_created(tmp_path):
    assert roster(f"sqlite:///{tmp_path / 'gradebook.db'}?timeout=1") == []
    assert not (tmp_path / "gradebook.db").exists()


def test_item_columns_follow_the_source_even_when_the_first_row_has_none():
    rows = [Result("a", "nb1", "missing", "no submission", 0.0, 3.0),
            Result("b", "nb1", "invalid notebook", "not a notebook", 0.0, 3.0),
            Result("b", "nb2", "graded", "", 1.0, 1.0, [Item("z_test", 1.0, 1.0, "")]),
            Result("c", "nb1", "graded", "", 3.0, 3.0, [Item("y_test", 2.0, 2.0, ""), Item("x_test", 1.0, 1.0, "")])]
    header = report.to_csv(rows, {"nb1": ["y_test", "x_test"], "nb2": ["z_test"]}).splitlines()[0]
    assert header.split(",")[len(report.COLUMNS):] == ["y_test", "x_test", "z_test"]


@pytest.mark.slow
def test_canvas_export_through_nbgrader_export(graded):
    """`nbgrader export --exporter=...CanvasExport`: Canvas's columns, the points row, every student on the
    roster (0 for no submission), and a manual grade entered in formgrader (here: through nbgrader's API)."""
    from nbgrader.api import Gradebook
    first = next(iter(_points()))
    with Gradebook(f"sqlite:///{graded / 'gradebook.db'}") as gb:
        grade_row = gb.find_grade(first, NAME, NAME, "bob")
        grade_row.manual_score = grade_row.max_score / 2   # partial credit for bob's wrong first exercise
        gb.db.commit()
        bob = gb.find_submission(NAME, "bob").score
    nbgrader(graded, "export", "--exporter=autograder.grading.canvas.CanvasExport", "--to", "lms.csv")
    rows = list(csv.reader((graded / "lms.csv").open()))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", NAME]
    assert rows[1] == ["Points Possible", "", "", "", "", f"{FULL:g}"]
    assert sorted(rows[2:]) == [["Abbot, Aaron", "", "", "aaron", "", "0"],
                                ["Smith, Alice", "", "", "alice", "", f"{FULL:g}"], ["bob", "", "", "bob", "", f"{bob:g}"]]
    assert bob > FULL - _points()[first]   # the manual grade counts
    nbgrader(graded, "export", "--exporter=autograder.grading.canvas.CanvasExport", "--to", "by-sis-id.csv",
             "--CanvasExport.id_column=SIS User ID")
    assert ["Smith, Alice", "", "alice", "", "", f"{FULL:g}"] in list(csv.reader((graded / "by-sis-id.csv").open()))
    # --format canvas wrote the same file for this assignment, before the manual grade
    written = list(csv.reader((graded / "reports" / NAME / "canvas.csv").open()))
    assert written[:2] == rows[:2] and {r[3]: float(r[5]) for r in written[2:]}["bob"] == FULL - _points()[first]
