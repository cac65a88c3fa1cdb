"""The authoring rule and the kernel's copy of a test cell: what the grader relies on, proven on small cells."""
import pytest

from autograder.authoring import violations
from autograder.grading.rewrite import kernel_copy, leftovers

SOLUTION = ({"solution": True, "grade_id": "sgd"}, "def sgd_update(p, g, lr):\n    return p - lr * g\n")


def judged(source, *before):
    return violations([*before, ({"grade": True, "grade_id": "t"}, source)])


@pytest.mark.parametrize("source", [
    # an array handed to the learner, then read by the expected value: the learner could change it in place
    "p = np.ones(3)\ng = np.ones(3)\nstep = sgd_update(p, g, 0.1)\ncheck_close('step', step, p - 0.1 * g)",
    # a value the learner's function returned, used as a reference
    "w = sgd_update(1.0, 2.0, 0.1)\ncheck_close('w', w, w)",
    # a reference forward pass that reads a name a solution cell binds
    "check_gradient('g', 1.0, lambda v: sgd_update(v, 1.0, 0.1), 2.0)",
    # a test function that closes over a tainted array
    "p = np.ones(3)\nsgd_update(p, p, 1.0)\ndef ref():\n    return p * 2\ncheck_close('p', p, ref())",
])
def test_expected_values_that_the_learner_can_change_are_refused(source):
    assert judged(source, SOLUTION), source


@pytest.mark.parametrize("source", [
    # copies go to the learner; the test keeps its own arrays
    "p = np.ones(3)\ng = np.ones(3)\nstep = sgd_update(p.copy(), g.copy(), 0.1)\ncheck_close('step', step, p - 0.1 * g)",
    # numbers cannot be changed in place
    "for w, x in [(0.3, 1.2), (1.0, -2.0)]:\n    got = sgd_update(w, x, 0.1)\n    check_gradient('got', got, lambda v: v * x, w)",
    # a name rebound from the test's own values is clean again
    "p = sgd_update(1.0, 2.0, 0.1)\np = np.zeros(2)\ncheck_close('p', sgd_update(p.copy(), p.copy(), 1.0), p)",
])
def test_expected_values_of_the_tests_own_are_accepted(source):
    assert judged(source, SOLUTION) == []


def test_a_test_cell_that_reads_another_test_cells_name_is_refused():
    first = ({"grade": True, "grade_id": "first"}, "w0 = np.ones(2)\ncheck_close('w', sgd_update(w0.copy(), w0.copy(), 1.0), 0 * w0)")
    second = ({"grade": True, "grade_id": "second"}, "check_close('w', sgd_update(w0.copy(), w0.copy(), 2.0), -w0)")
    assert any("stand alone" in v for v in violations([SOLUTION, first, second]))


def test_the_kernel_copy_holds_no_expected_value():
    source = ("def k(x):\n    return np.exp(np.tanh(x))\n\nexpected = 3 * np.array([1.0, 2.0])\n"
              "check_close('dk', dk_dx(0.0), 1.0)\ncheck_gradient('dk', dk_dx(X), lambda x: np.sum(k(x)), X)\n"
              "check_close('v', f(2.0), expected, 1e-9, hidden=True)\ncheck_answer('q1', q1, 'b')\n"
              "check_true('ok', no_warnings(f, 3.0), 'hint text')\n")
    copy = kernel_copy(source)
    for gone in ("np.tanh", "expected", "'b'", "1.0)", "hint text", "1e-09", "hidden"):
        assert gone not in copy, (gone, copy)
    for kept in ("dk_dx(0.0)", "dk_dx(X)", "f(2.0)", "q1", "no_warnings(f, 3.0)"):
        assert kept in copy, (kept, copy)


def test_random_draws_stay_so_later_inputs_do_not_shift():
    source = "rng = np.random.default_rng(0)\nW = rng.normal(size=3)\nx = rng.normal(size=3)\ncheck_close('y', f(x), x @ W)"
    copy = kernel_copy(source)
    assert "W = rng.normal" in copy and "x @ W" not in copy
    assert leftovers(source) == []


def test_an_expected_value_that_cannot_be_cut_is_named():
    source = "expected = reference_from_elsewhere(3)\ncheck_close('y', f(3), expected)"
    assert leftovers(source) == ["expected"]


def _test_cells():
    import ast
    import json
    from pathlib import Path
    for path in sorted(Path(__file__).resolve().parents[1].glob("source/*/*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if meta.get("grade"):
                yield path.stem, meta["grade_id"], ast.parse("".join(cell["source"]))


def test_every_test_cell_checks_a_value_on_the_graders_inputs():
    """A bool a kernel reports (check_true) proves nothing alone: every item also compares values outside it."""
    import ast
    from autograder.grading.rewrite import check_kind
    alone = [(nb, gid) for nb, gid, tree in _test_cells()
             if {check_kind(n) for n in ast.walk(tree) if isinstance(n, ast.Call)} - {None} <= {"check_true"}]
    assert alone == []


def test_build_refuses_a_source_notebook_that_breaks_the_rule(tmp_path):
    import shutil
    from pathlib import Path
    import nbformat
    from autograder.build import BuildError, build
    root = Path(__file__).resolve().parents[1]
    name = "01-chain-rule"
    shutil.copytree(root / "source" / name, tmp_path / "source" / name)
    path = tmp_path / "source" / name / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    test = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade"))
    test.source = "p = np.ones(3)\nd = numeric_derivative(np.sin, p)\ncheck_close('d', d, np.cos(p))\n" + test.source
    nbformat.write(nb, path)
    with pytest.raises(BuildError, match="reads `p`, which the learner's code can change"):
        build(tmp_path, check=True)


def test_a_later_locked_cell_that_reads_a_test_cells_name_is_refused():
    test = ({"grade": True, "grade_id": "t"}, "xs = np.ones(2)\ncheck_close('w', sgd_update(xs.copy(), xs.copy(), 1.0), 0 * xs)")
    demo = ({"locked": True, "grade_id": "plot"}, "print(xs)")
    assert any("plot: reads `xs`" in v for v in violations([SOLUTION, test, demo]))


def test_a_test_helper_whose_parameter_shares_a_tainted_globals_name_is_clean():
    z_from_learner = ({"solution": True, "grade_id": "s"}, "z = np.ones(2)\ndef f(x):\n    return 2 * x\n")
    test = ({"grade": True, "grade_id": "t"}, "def ref(z):\n    return 2 * z\nx = np.ones(2)\ncheck_close('f', f(x.copy()), ref(x))")
    assert violations([z_from_learner, test]) == []
