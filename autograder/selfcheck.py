"""`autograder check`: run a learner's notebook with its visible tests, and say what passed.

No Jupyter server is needed: nbclient starts a kernel, runs every cell once
(errors allowed), and each graded test cell becomes one row of the report.
"""
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .hidden import strip_hidden

SELF_CHECK_TAG = "self-check"   # the notebook's last cell, which calls this very check
NOT_DONE = ("NotImplementedError", "NameError")
# Set while a notebook is being graded or tested: its self-check cell (a call from inside
# a kernel) must not start a second run. A call from the shell or a script always runs.
SKIP_ENV = ("NBGRADER_EXECUTION", "AUTOGRADER_RECORD", "AUTOGRADER_NO_SELF_CHECK")


@dataclass
class Row:
    exercise: str
    points: float
    status: str   # passed, failed, not attempted
    message: str = ""


@dataclass
class Report:
    notebook: str
    rows: list

    @property
    def ok(self):
        return all(row.status == "passed" for row in self.rows)

    def table(self):
        width = max([len(r.exercise) for r in self.rows] + [8])
        lines = [f"{'exercise':<{width}}  points  status", f"{'-' * width}  ------  ------"]
        for r in self.rows:
            lines.append(f"{r.exercise:<{width}}  {r.points:>6g}  {r.status}")
            lines += [f"{'':<{width}}          {line}" for line in r.message.splitlines()]
        passed = sum(r.status == "passed" for r in self.rows)
        lines.append(f"{passed} of {len(self.rows)} exercises pass in {self.notebook}")
        return "\n".join(lines)

    def __repr__(self):
        return self.table()


def _in_kernel():
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def _nbgrader(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _prepare(nb):
    """Drop the self-check cell and any hidden tests: a learner sees only visible tests."""
    nb.cells = [c for c in nb.cells if SELF_CHECK_TAG not in c.get("metadata", {}).get("tags", [])]
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = strip_hidden(cell.source)
    return nb


def _error(cell):
    return next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)


def _row(cell, unfinished):
    meta, err = _nbgrader(cell), _error(cell)
    if unfinished and err is not None:
        return Row(meta["grade_id"], meta.get("points", 0), "not attempted", "the exercise above still raises NotImplementedError")
    if err is None:
        return Row(meta["grade_id"], meta.get("points", 0), "passed")
    if err["ename"] in NOT_DONE:
        return Row(meta["grade_id"], meta.get("points", 0), "not attempted", f"{err['ename']}: {err['evalue']}")
    detail = err["evalue"] if err["ename"] == "AssertionError" else f"{err['ename']}: {err['evalue']}"
    return Row(meta["grade_id"], meta.get("points", 0), "failed", detail)


def check(path, timeout=120):
    """Run the notebook at path with visible tests only; return a Report, one row per graded test.

    >>> report = check("course/01-chain-rule/01-chain-rule.ipynb")
    >>> report.ok
    False
    """
    if _in_kernel() and any(os.environ.get(name) for name in SKIP_ENV):
        print("self-check skipped: this notebook is being graded or tested")
        return None
    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = _prepare(nbformat.read(path, as_version=4))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent.resolve())}})
    client.execute()
    return Report(path.name, _rows(nb.cells))


def _rows(cells):
    """One row per graded test cell; unfinished if the solution cell before it still raises its stub."""
    rows, unfinished = [], False
    for cell in cells:
        meta = _nbgrader(cell)
        if cell.cell_type != "code":
            continue
        if meta.get("solution"):
            err = _error(cell)
            unfinished = err is not None and err["ename"] == "NotImplementedError"
        elif meta.get("grade"):
            rows.append(_row(cell, unfinished))
    return rows
