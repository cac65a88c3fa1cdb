"""Run the learner's own code from an earlier notebook, for a later notebook's demos.

Graded exercises never depend on another notebook (each is graded alone, in a
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
