"""load_cells runs the cells it is asked for from an earlier notebook, and explains when it cannot."""
import nbformat
import numpy as np
import pytest

from autograder import uses_your_code
from autograder.reuse import load_cells

LINEAR = "class Linear:\n    def __init__(self, n_in, n_out, rng):\n        self.W = rng.normal(size=(n_in, n_out))\n"
STUB = "def relu(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n"


def _notebook(folder, cells):
    folder.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    for gid, source, solution in cells:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata = {"nbgrader": {"grade_id": gid, "solution": solution, "grade": not solution}}
        nb.cells.append(cell)
    path = folder / f"{folder.name}.ipynb"
    nbformat.write(nb, path)
    return path


def test_runs_only_the_cells_asked_for(tmp_path, monkeypatch):
    _notebook(tmp_path / "05-mlp", [("linear", LINEAR, True), ("linear_test", "raise AssertionError", False)])
    (tmp_path / "06-next").mkdir()
    monkeypatch.chdir(tmp_path / "06-next")
    ns = load_cells("../05-mlp/05-mlp.ipynb", ["linear"])
    import numpy as np
    assert ns["Linear"](3, 2, np.random.default_rng(0)).W.shape == (3, 2)
    assert "linear_test" not in ns


@pytest.mark.parametrize("case", ["missing file", "stub", "unknown id"])
def test_explains_what_to_finish(tmp_path, capsys, case):
    path = _notebook(tmp_path / "05-mlp", [("linear", LINEAR, True), ("relu", STUB, True)])
    target, ids = {"missing file": (tmp_path / "nowhere.ipynb", ["linear"]), "stub": (path, ["linear", "relu"]),
                   "unknown id": (path, ["mlp"])}[case]
    with pytest.raises(NotImplementedError, match="first: "):
        load_cells(target, ids)
    with uses_your_code():   # a demo cell prints the explanation instead of failing
        load_cells(target, ids)
    assert capsys.readouterr().out.count("finish notebook") == 1   # said once, by uses_your_code


def _tanh_check(sigmoid):
    from autograder import check_close
    from autograder.reuse import builds_on
    z = np.array([-1.0, 0.5])
    with builds_on("sigmoid", lambda: sigmoid(z.copy()), 1 / (1 + np.exp(-z))):
        check_close("tanh(z)", 2 * sigmoid(2 * z) - 1, np.tanh(z))


def test_builds_on_names_the_failing_function_it_uses():
    with pytest.raises(AssertionError, match=r"(?s)tanh\(z\) is wrong.*Your sigmoid \(failing above\) is used here"):
        _tanh_check(lambda z: 1 / (1 + np.exp(z)))


def test_builds_on_names_an_unfinished_function():
    def stub(z):
        raise NotImplementedError()
    with pytest.raises(NotImplementedError, match=r"Your sigmoid \(not finished yet\) is used here"):
        _tanh_check(stub)


def test_builds_on_stays_silent_when_the_function_is_right(capsys):
    _tanh_check(lambda z: 1 / (1 + np.exp(-z)))
    assert "ok: tanh(z)" in capsys.readouterr().out
