"""`autograder check`: run a learner's notebook with its visible tests, and say what passed.

No Jupyter server is needed: nbclient starts a kernel, runs every cell once
(errors allowed), and each graded test cell becomes one row of the report.
A row says "passed" only for what the visible tests really checked: a test cell
whose visible part checks only the answer's form (a quiz) is "checked when graded".
"""
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .hidden import strip_hidden

SELF_CHECK_TAG = "self-check"   # the notebook's last cell, which calls this very check
NOT_DONE = ("NotImplementedError", "NameError")
LATER = "checked when graded"
VALUE_CHECK = re.compile(r"\bcheck_(close|gradient|answer)\(")
# Set while a notebook is being graded or tested: its self-check cell (a call from inside
# a kernel) must not start a second run. A call from the shell or a script always runs.
SKIP_ENV = ("NBGRADER_EXECUTION", "AUTOGRADER_RECORD", "AUTOGRADER_NO_SELF_CHECK")


@dataclass
class Row:
    exercise: str
    points: float
    status: str   # passed, failed, not attempted, checked when graded
    message: str = ""


@dataclass
class Report:
    notebook: str
    rows: list
    source: str = ""   # which file was checked, and when it was saved

    @property
    def ok(self):
        return all(row.status in ("passed", LATER) for row in self.rows)

    def table(self):
        width = max([len(r.exercise) for r in self.rows] + [8])
        lines = [self.source] if self.source else []
        lines += [f"{'exercise':<{width}}  points  status", f"{'-' * width}  ------  ------"]
        for r in self.rows:
            lines.append(f"{r.exercise:<{width}}  {r.points:>6g}  {r.status}")
            lines += [f"{'':<{width}}          {line}" for line in r.message.splitlines()]
        checked = [r for r in self.rows if r.status != LATER]
        passed = sum(r.status == "passed" for r in checked)
        lines.append(f"{passed} of {len(checked)} exercises pass in {self.notebook}")
        later = len(self.rows) - len(checked)
        if later:
            lines.append(f"{later} more answered, {LATER}: the visible test only checks the answer's form")
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
    """Drop the self-check cell, the demo cells and any hidden tests: a learner sees only visible tests.

    Returns the ids of the test cells whose values only hidden tests check (learner
    copies have no hidden tests: there the visible part alone checks no value)."""
    from .grading.demos import without_demos
    nb.cells = [c for c in nb.cells if SELF_CHECK_TAG not in c.get("metadata", {}).get("tags", [])]
    without_demos(nb, nb)   # plots and sliders decide no test (build proves it): the check runs in half the time
    later = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            visible = strip_hidden(cell.source)
            if _nbgrader(cell).get("grade") and not VALUE_CHECK.search(visible):
                later.add(_nbgrader(cell).get("grade_id"))
            cell.source = visible
    return later


def _error(cell):
    return next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)


def _row(cell, unfinished, later):
    meta, err = _nbgrader(cell), _error(cell)
    if unfinished and err is not None:
        return Row(meta["grade_id"], meta.get("points", 0), "not attempted", "the exercise above still raises NotImplementedError")
    if err is None:
        return Row(meta["grade_id"], meta.get("points", 0), LATER if later else "passed")
    if err["ename"] in NOT_DONE:
        return Row(meta["grade_id"], meta.get("points", 0), "not attempted", f"{err['ename']}: {err['evalue']}")
    detail = err["evalue"] if err["ename"] in ("AssertionError", "CheckFailed") else f"{err['ename']}: {err['evalue']}"
    return Row(meta["grade_id"], meta.get("points", 0), "failed", detail)


def check(path=None, timeout=120):
    """Run a notebook with visible tests only; return a Report, one row per graded test.

    Called from a notebook's own cell, it checks the notebook that is running (Jupyter
    tells the kernel its path), whatever it is called; path is the fallback.

    >>> report = check("course/01-chain-rule/01-chain-rule.ipynb")
    >>> report.ok
    False
    """
    in_kernel = _in_kernel()
    if in_kernel and any(os.environ.get(name) for name in SKIP_ENV):
        print("self-check skipped: this notebook is being graded or tested")
        return None
    import nbformat
    from nbclient import NotebookClient

    path = _running_notebook(path) if in_kernel else Path(path)
    nb = nbformat.read(path, as_version=4)
    later = _prepare(nb)
    with tempfile.TemporaryDirectory() as sockets:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                                km=_ipc_kernel(nb, sockets),
                                resources={"metadata": {"path": str(path.parent.resolve())}})
        client.execute(cleanup_kc=True)   # the kernel manager is ours: shut the kernel down here
    return Report(path.name, _rows(nb.cells, later), _saved(path))


def _running_notebook(fallback):
    """The notebook this kernel runs (JupyterLab sets JPY_SESSION_NAME), else fallback."""
    session = os.environ.get("JPY_SESSION_NAME", "")
    here = Path.cwd() / Path(session).name if session.endswith(".ipynb") else None
    if here is not None and here.is_file():
        return here
    if fallback is None:
        raise FileNotFoundError("which notebook? Call autograder.check('NN-name.ipynb') with its file name")
    return Path(fallback)


def _ipc_kernel(nb, sockets):
    """A kernel that talks over local sockets in a private folder, not TCP (no unencrypted ports)."""
    from jupyter_client import KernelManager
    return KernelManager(kernel_name="python3", transport="ipc", ip=str(Path(sockets) / "kernel"))


def _saved(path):
    stamp = os.path.getmtime(path)
    ago = max(0, int(time.time() - stamp))
    when = time.strftime("%H:%M:%S", time.localtime(stamp))
    age = f"{ago} s ago" if ago < 120 else f"{ago // 60} min ago"
    return f"checked {path.resolve()}, as saved at {when} ({age}): save (Ctrl+S) first to include your latest changes"


def _rows(cells, later=()):
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
            rows.append(_row(cell, unfinished, meta.get("grade_id") in later))
    return rows
