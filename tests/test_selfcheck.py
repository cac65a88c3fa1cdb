"""`autograder check`: one row per exercise, diagnosis for failures, exit 1 unless all pass."""
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder import check
from tests.conftest import ROOT
from tests.mutants.harness import catalogue
from tests.notebook_tools import execute, nbgrader_meta

NB = "01-chain-rule"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "autograder.cli", "check", *args], cwd=ROOT, capture_output=True,
                          text=True)


@pytest.mark.slow
def test_solution_passes_every_row():
    done = cli(f"solutions/{NB}/{NB}.ipynb")
    assert done.returncode == 0, done.stdout
    assert "6 of 6 exercises pass" in done.stdout
    assert "quiz_test                     4  checked when graded" in done.stdout   # a quiz's form is no pass
    assert f"checked {ROOT / 'solutions' / NB / (NB + '.ipynb')}, as saved at" in done.stdout


@pytest.mark.slow
def test_release_is_not_attempted():
    report = check(ROOT / "course" / NB / f"{NB}.ipynb")
    assert not report.ok
    assert {row.status for row in report.rows} == {"not attempted"}
    assert cli(f"course/{NB}/{NB}.ipynb").returncode == 1


@pytest.mark.slow
def test_a_wrong_answer_gets_its_diagnosis(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / NB / f"{NB}.ipynb", as_version=4)
    wrong = next(m for m in catalogue(NB)["fanout"]["mutants"] if m.diagnosis == "opposite sign")
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == "fanout":
            cell.source = wrong.code
    nbformat.write(nb, tmp_path / f"{NB}.ipynb")
    report = check(tmp_path / f"{NB}.ipynb")
    rows = {row.exercise: row for row in report.rows}
    assert rows["fanout_test"].status == "failed"
    assert "dL_dw is wrong" in rows["fanout_test"].message and "opposite sign" in rows["fanout_test"].message
    assert sum(row.status == "passed" for row in report.rows) == len(report.rows) - 2   # and the quiz


@pytest.mark.slow
def test_notebook_checks_itself_from_its_last_cell(monkeypatch):
    monkeypatch.delenv("AUTOGRADER_NO_SELF_CHECK")
    nb, _ = execute(ROOT / "solutions" / NB / f"{NB}.ipynb")
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in nb.cells[-1].outputs)
    assert "6 of 6 exercises pass" in text and "checked when graded" in text, text


@pytest.mark.slow
def test_a_wrong_quiz_answer_is_never_called_passed(tmp_path):
    nb = nbformat.read(ROOT / "solutions" / NB / f"{NB}.ipynb", as_version=4)
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == "quiz":
            cell.source = 'q1 = "a"\nq2 = "a"\nq3 = "a"\nq4 = "b"\n'
    nbformat.write(nb, tmp_path / f"{NB}.ipynb")
    rows = {row.exercise: row for row in check(tmp_path / f"{NB}.ipynb").rows}
    assert rows["quiz_test"].status == "checked when graded"


@pytest.mark.slow
def test_in_a_kernel_it_checks_the_running_notebook_even_a_copy(tmp_path, monkeypatch):
    copy = tmp_path / "my copy.ipynb"
    nb = nbformat.read(ROOT / "solutions" / NB / f"{NB}.ipynb", as_version=4)
    nbformat.write(nb, copy)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JPY_SESSION_NAME", str(copy))
    from autograder import selfcheck
    assert selfcheck._running_notebook(f"{NB}.ipynb") == tmp_path / "my copy.ipynb"
    monkeypatch.setenv("JPY_SESSION_NAME", "")
    assert selfcheck._running_notebook(f"{NB}.ipynb") == Path(f"{NB}.ipynb")


def test_the_self_check_skips_the_courses_demo_cells_only():
    """Plots and sliders decide no test: the self-check leaves out locked cells tagged demo, never a learner's."""
    from autograder.selfcheck import _prepare
    nb = nbformat.read(ROOT / "course" / NB / f"{NB}.ipynb", as_version=4)
    demos = [c for c in nb.cells if "demo" in c.metadata.get("tags", [])]
    assert demos and all(nbgrader_meta(c).get("locked") for c in demos)
    answer = next(c for c in nb.cells if nbgrader_meta(c).get("solution"))
    answer.metadata["tags"] = ["demo"]   # a learner's own tag counts for nothing
    _prepare(nb)
    ids = [nbgrader_meta(c).get("grade_id") for c in nb.cells]
    assert not {nbgrader_meta(c)["grade_id"] for c in demos} & set(ids)
    assert nbgrader_meta(answer)["grade_id"] in ids
