"""reports/ASSIGNMENT/index.html, the class report: built from a class whose mistakes are known (mutants
from tests/mutants/), it counts each mistake and each pass exactly, in notebook order."""
import re

import nbformat
import pytest

import autograder
from autograder.grading.classreport import exercises, mistake
from autograder.grading.result import Result
from autograder.grading.verdict import Item
from tests.mutants.harness import catalogue
from tests.submissions import corpus
from tests.submissions.course import make_course

NAME = "01-chain-rule"
CLASS = {"sign flip": 3, "missing factor 2": 2, "forgot to return": 1}   # numeric_derivative mutants
RIGHT, UNTOUCHED = 2, 1


def class_with_known_mistakes(course):
    make_course(course, [NAME])
    nbk = corpus.notebook(corpus.harness.ROOT, NAME)
    mutants = {m.label: m.code for m in catalogue(NAME)["numeric_derivative"]["mutants"]}
    first = corpus.index(nbk.solution, "solution")
    students = {}
    for label, count in CLASS.items():
        for n in range(count):
            nb = nbk.copy()
            nb.cells[first].source = mutants[label]
            students[f"{label.replace(' ', '-')}-{n}"] = nb
    students.update({f"right-{n}": nbk.copy() for n in range(RIGHT)})
    students.update({f"untouched-{n}": nbk.release for n in range(UNTOUCHED)})
    for student, nb in students.items():
        folder = course / "submitted" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{NAME}.ipynb")
    return course


@pytest.mark.slow
def test_class_report_counts_the_known_mistakes(tmp_path):
    course = class_with_known_mistakes(tmp_path / "course")
    autograder.grade(NAME, root=course, jobs=2, gradebook=False, progress=False)
    page = (course / "reports" / NAME / "index.html").read_text()
    row = re.search(r'<tr class="exercise" data-exercise="numeric_derivative_test">(.*?)</tr>', page, re.S).group(1)
    counts = dict(re.findall(r'data-mistake="([^"]+)" data-count="(\d+)"', row))
    assert counts == {"opposite sign": "3", "twice too large": "2", "returns None": "1", "not attempted": "1"}
    assert f"{RIGHT} of {RIGHT + UNTOUCHED + sum(CLASS.values())} (22%)" in row
    later = re.search(r'data-exercise="chain_rule_test">(.*?)</tr>', page, re.S).group(1)
    assert dict(re.findall(r'data-mistake="([^"]+)" data-count="(\d+)"', later)) == {"not attempted": "1"}
    order = re.findall(r'data-exercise="(\w+)"', page)
    source = nbformat.read(course / "source" / NAME / f"{NAME}.ipynb", as_version=4)
    assert order == [c.metadata["nbgrader"]["grade_id"] for c in source.cells
                     if c.metadata.get("nbgrader", {}).get("grade")]
    assert 'id="histogram" src="data:image/png;base64,' in page


@pytest.mark.parametrize("message, label", [
    ("dL_dW has shape (3, 4), but W is (4, 3): transposed? Check the order of the factors.", "transposed"),
    ("dL_dZ is wrong in 12 of 12 entries.\n  It is m times too large (ratio 4), where m is the batch size: "
     "is the 1/m factor missing?", "missing 1/m"),
    ("numeric_derivative(x**2, 3.0) is wrong.\n  It has the opposite sign.", "opposite sign"),
    ("not attempted: the exercise above still raises NotImplementedError", "not attempted"),
    ("NameError: name 'np' is not defined", "NameError"),
    ("db is wrong in 2 of 3 entries.", "wrong values, no pattern found"),
])
def test_each_diagnosis_has_its_label(message, label):
    assert mistake(message) == label


def test_students_with_nothing_graded_are_not_counted():
    items = [Item("a_test", 1.0, 0.0, "not attempted: ...")]
    results = [Result("x", "nb", "missing notebook", "", 0.0, 1.0, items),
               Result("y", "nb", "graded", "", 0.0, 1.0, items)]
    (ex,) = exercises(results, {"nb": ["a_test"]})
    assert (ex.attempts, ex.passed, dict(ex.mistakes)) == (1, 0, {"not attempted": 1})


def test_students_who_submitted_nothing_are_counted_apart():
    """A missing row is not an attempt and not a score of 0: the page says how many, and who."""
    from autograder.grading.classreport import render, totals
    items = [Item("a_test", 1.0, 1.0, "")]
    results = [Result("x", "nb", "missing", "no submission: submitted/x/A/ does not exist", 0.0, 1.0),
               Result("y", "nb", "graded", "", 1.0, 1.0, items)]
    assert totals(results) == {"y": 100.0}
    (ex,) = exercises(results, {"nb": ["a_test"]})
    assert (ex.attempts, ex.passed) == (1, 1)
    page = render("A", results, {"nb": ["a_test"]})
    assert '<span id="missing" data-count="1">' in page and "status missing: x" in page
    assert "1 student submitted work" in page
