"""The verdict, decided in the grader's process from plain records: unit tests without a kernel."""
import nbformat
import numpy as np

from autograder.grading.plan import preamble, result_of
from autograder.grading.restore import GradedCell
from autograder.grading.verdict import judge
from autograder.records import encode

TEST = GradedCell("t_test", 2.0, "check_close('z', f(1.0), 2.0)\n### BEGIN HIDDEN TESTS\n"
                  "check_close('z', f(secret_input_value), 7.0, hidden=True)\n### END HIDDEN TESTS")
TRUSTED = {"records": [{"kind": "close", "name": "z", "tol": 1e-9, "expected": encode(2.0)},
                       {"kind": "close", "name": "z", "tol": 1e-9, "hidden": True, "expected": encode(7.0)}],
           "error": None}


def run(*gots, error=None):
    return {"records": [{"name": "z", "got": encode(g)} for g in gots], "error": error}


def test_right_values_pass_and_a_wrong_one_is_diagnosed():
    assert judge(TEST, TRUSTED, run(2.0, 7.0)).score == 2.0
    item = judge(TEST, TRUSTED, run(2.0, -7.0))
    assert item.score == 0 and not item.tampered and "opposite sign" in item.message


def test_records_that_are_not_the_cells_own_are_tampering():
    assert judge(TEST, TRUSTED, run(2.0)).tampered                       # finished, but one check short
    assert judge(TEST, TRUSTED, run(2.0, 7.0, 7.0)).tampered              # one check too many
    renamed = {"records": [{"name": "w", "got": encode(2.0)}, {"name": "z", "got": encode(7.0)}], "error": None}
    assert judge(TEST, TRUSTED, renamed).tampered
    for junk in (["not a dict"], [{"name": "z"}], [{"name": 3, "got": {}}]):
        assert judge(TEST, TRUSTED, {"records": junk, "error": None}).tampered


def test_a_forged_expected_in_the_record_is_ignored():
    forged = {"records": [{"name": "z", "got": encode(0.0), "expected": encode(0.0)}] * 2, "error": None}
    assert judge(TEST, TRUSTED, forged).score == 0


def test_an_error_that_quotes_the_test_cell_is_not_shown():
    error = {"ename": "RuntimeError", "evalue": "leak: check_close('z', f(secret_input_value), 7.0, hidden=True)"}
    item = judge(TEST, TRUSTED, run(2.0, error=error))
    assert "secret_input_value" not in item.message and "RuntimeError" in item.message


def test_a_failing_setup_cell_is_the_environments_fault_not_the_students():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("import numpy as np", metadata={"nbgrader": {"locked": True, "grade_id": "setup"}}),
        nbformat.v4.new_code_cell("def f(x): return 2 * x", metadata={"nbgrader": {"solution": True, "grade_id": "f"}}),
        nbformat.v4.new_code_cell("plot()", metadata={"nbgrader": {"locked": True, "grade_id": "demo"}}),
        nbformat.v4.new_code_cell(TEST.source, metadata={"nbgrader": {"grade": True, "grade_id": "t_test",
                                                                       "locked": True, "points": 2}}),
    ])
    assert preamble(nb) == ["setup"]
    job = {"nb": "...", "tests": ["t_test"], "notes": [], "preamble": preamble(nb)}
    trusted = {"cells": {"t_test": TRUSTED}}
    ok = {"cells": {"t_test": run(2.0, 7.0)}, "faults": []}
    import_error = {"ename": "ImportError", "evalue": "no autograder"}
    broken = result_of("ann", "nb", nb, job, dict(ok, locked={"setup": import_error}), trusted)
    assert broken.status == "error" and "environment" in broken.reason
    theirs = result_of("ann", "nb", nb, job, dict(ok, locked={"demo": {"ename": "NameError", "evalue": "plot"}}),
                       trusted)
    assert theirs.status == "graded" and theirs.score == 2.0 and "locked cell demo raised NameError" in theirs.reason
    assert np.isclose(result_of("ann", "nb", nb, job, ok, trusted).score, 2.0)


def test_a_cell_that_ran_out_of_time_says_so():
    for error in ({"ename": "KeyboardInterrupt", "evalue": ""}, {"ename": "CellTimeoutError", "evalue": "30 s per cell"}):
        assert judge(TEST, TRUSTED, run(error=error)).message.startswith("ran out of time")
    assert "30 s per cell" in judge(TEST, TRUSTED, run(error={"ename": "CellTimeoutError", "evalue": "30 s per cell"})).message


def test_a_corrupt_file_names_the_json_error_line(tmp_path):
    import pytest
    from autograder.grading.intake import NotANotebook, parse
    with pytest.raises(NotANotebook, match=r"not a notebook \(JSON error at line 2"):
        parse(b'{"cells": [],\n  "metadata": }')


def test_a_syntax_error_in_an_answer_is_named_with_its_line():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(TEST.source, metadata={"nbgrader": {
        "grade": True, "grade_id": "t_test", "locked": True, "points": 2}})])
    job = {"nb": "...", "tests": ["t_test"], "notes": [], "preamble": []}
    name_error = {"ename": "NameError", "evalue": "name 'f' is not defined"}
    syntax = {"ename": "SyntaxError", "evalue": "invalid syntax (3265.py, line 2)"}
    ran = {"cells": {"t_test": run(error=name_error)}, "faults": [], "answers": {"f": syntax}}
    item = result_of("ann", "nb", nb, job, ran, {"cells": {"t_test": TRUSTED}}).items[0]
    assert item.message.startswith("SyntaxError in your cell f: invalid syntax (3265.py, line 2)")


def test_grades_csv_lists_the_items_in_notebook_order():
    from autograder.grading.report import to_csv
    from autograder.grading.result import Result
    from autograder.grading.verdict import Item
    items = [Item("zeta_test", 1, 1, "passed"), Item("alpha_test", 1, 0, "x")]
    header = to_csv([Result("ann", "nb", "graded", "", 1, 2, items)]).splitlines()[0]
    assert header.endswith("zeta_test,alpha_test")
