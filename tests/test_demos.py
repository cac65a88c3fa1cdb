"""Demo cells are skipped when grading; that is sound only when no later cell reads what a demo binds."""
import copy

import nbformat
import pytest

from autograder.grading.demos import demo_ids, prove, static_problems, without_demos


def cell(source, gid, demo=False, **meta):
    c = nbformat.v4.new_code_cell(source, metadata={"nbgrader": {"grade_id": gid, **meta}})
    if demo:
        c.metadata["tags"] = ["demo"]
    return c


def notebook(*cells):
    return nbformat.v4.new_notebook(cells=list(cells))


SOURCE = notebook(
    cell("import numpy as np\nfrom autograder import check_close", "setup", locked=True),
    cell("def double(x):\n    return 2 * x", "double", solution=True),
    cell("curve = [double(v) for v in range(100)]\nprint(sum(curve))", "plot", demo=True, locked=True),
    cell("check_close('double(3.0)', double(3.0), 6.0)", "double_test", grade=True, locked=True, points=1),
)


def test_only_the_sources_locked_demos_are_skipped():
    submitted = copy.deepcopy(SOURCE)
    submitted.cells[1].metadata["tags"] = ["demo"]           # a student's own tag on a solution cell
    assert demo_ids(SOURCE) == {"plot"}
    kept = [c.metadata["nbgrader"]["grade_id"] for c in without_demos(submitted, SOURCE).cells]
    assert kept == ["setup", "double", "double_test"]


def test_a_demo_that_a_later_cell_reads_is_refused():
    leaning = copy.deepcopy(SOURCE)
    leaning.cells.append(cell("check_close('curve', double(curve[1]), 4.0)", "t2", grade=True, locked=True))
    assert static_problems(SOURCE) == []
    assert static_problems(leaning) == ["t2 reads `curve`, which demo plot binds: a graded run skips demos"]


@pytest.mark.slow
def test_the_run_without_demos_records_the_same_values():
    assert prove(SOURCE, "tiny") == []
    broken = copy.deepcopy(SOURCE)
    broken.cells[2].source = "double = lambda x: 3 * x"    # a demo that changes what the test sees
    assert prove(broken, "tiny")


@pytest.mark.slow
@pytest.mark.parametrize("name", __import__("tests.conftest", fromlist=["NOTEBOOKS"]).NOTEBOOKS)
def test_every_notebook_grades_the_same_without_its_demos(name):
    """What `autograder build` proves: the source run without demo cells records exactly the full run's values."""
    from pathlib import Path
    from autograder.grading.plan import data_files
    folder = Path(__file__).resolve().parents[1] / "source" / name
    nb = nbformat.read(folder / f"{name}.ipynb", as_version=4)
    assert static_problems(nb) == []
    assert prove(nb, name, data_files(folder)) == []


def test_a_cells_own_locals_and_loop_variables_are_not_read_from_a_demo():
    # curve is bound by the demo; these cells bind their own curve before reading it
    own = copy.deepcopy(SOURCE)
    own.cells += [cell("def f(v):\n    curve = v + 1\n    return curve", "f", locked=True),
                  cell("for curve in range(3):\n    print(curve)", "loop", locked=True),
                  cell("print([curve for curve in range(2)])", "comp", locked=True)]
    assert static_problems(own) == []


def test_a_student_cell_reading_a_demo_name_runs_the_notebook_whole():
    """Skipping demos must never cost a mark: an answer that reads what a demo bound gets every cell, as
    under nbgrader."""
    submitted = copy.deepcopy(SOURCE)
    submitted.cells.insert(3, cell("answer = max(curve)", "late_answer", solution=True))
    kept = [c.metadata["nbgrader"]["grade_id"] for c in without_demos(submitted, SOURCE).cells]
    assert kept == ["setup", "double", "plot", "late_answer", "double_test"]
    unparsable = copy.deepcopy(SOURCE)
    unparsable.cells.insert(3, cell("answer = (", "broken", solution=True))   # reads nothing: demos skipped
    assert "plot" not in [c.metadata["nbgrader"]["grade_id"] for c in without_demos(unparsable, SOURCE).cells]
