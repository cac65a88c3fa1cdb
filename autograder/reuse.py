"""Run the learner's own code where a later cell builds on it.

builds_on: a test whose exercise calls an earlier function of the learner's
says so when that function is wrong ("your sigmoid (failing above) is used
here"), instead of blaming the exercise it tests.

load_cells: an earlier notebook's code, for a later notebook's demos. Graded exercises never depend on another notebook (each is graded alone, in a
sandbox that holds only that notebook). Demos may: they load the earlier
notebook's solution cells, as the learner wrote them, and run inside
`with uses_your_code():`, so a missing or unfinished notebook is explained
instead of failing.
"""
import json
import math
from pathlib import Path

import numpy as np

STUB = "raise NotImplementedError"
AGREE = 1e-6   # a learner's function this close to the test's own reference is taken as right


class builds_on:  # noqa: N801 - used as `with builds_on(...):`, like a statement
    """Inside a test cell: if the body fails while the learner's function `name` is wrong, say so.

    `got` is a callable that runs the learner's function, `expected` the test's own
    value for it. The failure itself is kept (same exception, same check); only its
    message gains one line, so the learner fixes the cause first.

    >>> with builds_on("sigmoid", lambda: sigmoid(z.copy()), sigmoid_ref(z)):
    ...     check_close("tanh(z)", tanh(z.copy()), np.tanh(z))
    """

    def __init__(self, name, got, expected):
        self.name, self.why = name, _disagrees(got, expected)

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is not None and self.why and issubclass(kind, Exception):
            first = str(value.args[0]) if value.args else ""
            note = f"Your {self.name} ({self.why}) is used here: fix it first."
            value.args = (f"{first}\n  {note}" if first else note, *value.args[1:])
        return False


def _disagrees(got, expected):
    """None if got() matches expected, else why not ("failing above", "not finished yet")."""
    try:
        value = np.asarray(got(), dtype=np.float64)
    except NotImplementedError:
        return "not finished yet"
    except Exception:  # noqa: BLE001 - any error of the learner's function means it is wrong
        return "failing above"
    expected = np.asarray(expected, dtype=np.float64)
    if value.shape != expected.shape or not np.all(np.isfinite(value)):
        return "failing above"
    scale = np.maximum(np.abs(value) + np.abs(expected), 1e-8)
    return None if np.max(np.abs(value - expected) / scale, initial=0.0) < AGREE else "failing above"


def load_cells(notebook_path, grade_ids):
    """Exec the cells grade_ids of the notebook at notebook_path; return their namespace.

    The path is relative to the working directory, which in Jupyter is the
    current notebook's folder. Cells run in notebook order, in a fresh
    namespace that holds only np and math.

    >>> ns = load_cells("../05-mlp-backprop/05-mlp-backprop.ipynb", ["linear"])
    >>> layer = ns["Linear"](3, 2, np.random.default_rng(0))
    """
    path = Path(notebook_path)
    if not path.is_file():
        _unfinished(path, f"{path} is not there, and this cell runs your code from it")
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if _grade_id(c) in grade_ids]
    missing = set(grade_ids) - {_grade_id(c) for c in cells}
    if missing:
        _unfinished(path, f"it has no exercise {', '.join(sorted(missing))}")
    namespace = {"np": np, "math": math, "__name__": f"reuse_{path.stem.replace('-', '_')}"}
    for cell in cells:
        source = "".join(cell["source"])
        if STUB in source:
            _unfinished(path, f"exercise {_grade_id(cell)!r} still raises NotImplementedError")
        try:
            exec(compile(source, f"<{path.name}:{_grade_id(cell)}>", "exec"), namespace)  # noqa: S102
        except NotImplementedError:
            _unfinished(path, f"exercise {_grade_id(cell)!r} still raises NotImplementedError")
    return namespace


def _grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _unfinished(path, why):
    raise NotImplementedError(f"finish notebook {path.stem} first: {why}.")
