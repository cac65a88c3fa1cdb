"""Helpers the notebook tests share: run a notebook in a real kernel, find its graded cells."""
import time

import nbformat
from nbclient import NotebookClient


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def errors(cell):
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def execute(path, allow_errors=False, timeout=180):
    """Run the notebook at path in a fresh python3 kernel; return (notebook, seconds)."""
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb, time.perf_counter() - start


def exercises(nb):
    """[(solution grade_id, [test grade_ids], points)] in notebook order."""
    found = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if meta.get("solution"):
            found.append((meta["grade_id"], [], 0))
        elif meta.get("grade") and found:
            gid, tests, points = found[-1]
            found[-1] = (gid, tests + [meta["grade_id"]], points + meta.get("points", 0))
    return found
