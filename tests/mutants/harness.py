"""Inject each catalogue variant into its notebook's source, and run that exercise's tests.

The notebook runs once, top to bottom, in one Python namespace (no kernel:
that keeps hundreds of variants within seconds). Before each solution cell
that has variants, every variant runs in a copy of the namespace, followed
by the graded test cells up to the next solution cell, hidden tests included.
"""
import contextlib
import copy
import importlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ["AUTOGRADER_NO_SELF_CHECK"] = "1"


@dataclass
class Outcome:
    notebook: str
    exercise: str
    kind: str        # mutant or valid
    label: str
    failed: bool
    message: str
    diagnosis: str | None = None

    @property
    def ok(self):
        if self.kind == "valid":
            return not self.failed
        return self.failed and self.diagnosis_matched is not False

    @property
    def diagnosis_matched(self):
        """None if no diagnosis is claimed, else whether the message names it."""
        if self.kind != "mutant" or self.diagnosis is None:
            return None
        return self.diagnosis.lower() in self.message.lower()


def catalogue(notebook):
    """The EXERCISES dict of tests/mutants/<NN_name>.py."""
    return importlib.import_module(f"tests.mutants.{notebook.replace('-', '_')}").EXERCISES


def notebooks():
    return sorted(p.parent.name for p in (ROOT / "source").glob("*/*.ipynb") if p.stem == p.parent.name)


def _meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def _tests_after(cells, i):
    """The graded test cells after solution cell i, up to the next solution cell."""
    found = []
    for cell in cells[i + 1:]:
        if _meta(cell).get("solution"):
            break
        if cell.cell_type == "code" and _meta(cell).get("grade"):
            found.append(cell.source)
    return found


def _clone(ns):
    out = {}
    for key, value in ns.items():
        try:
            out[key] = copy.deepcopy(value) if type(value).__module__ in ("numpy", "builtins") else value
        except Exception:  # noqa: BLE001 - uncopyable values are shared, as in a real re-run
            out[key] = value
    return out


def _run(code, ns, name):
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, name, "exec"), ns)  # noqa: S102 - running the course's own notebook code


def _try_variant(notebook, exercise, kind, variant, ns, tests):
    trial = _clone(ns)
    try:
        _run(variant.code, trial, f"<{notebook}:{exercise}:{variant.label}>")
        for src in tests:
            _run(src, trial, f"<{notebook}:{exercise}:test>")
    except Exception as exc:  # noqa: BLE001 - any failure of the tests counts as a kill
        return Outcome(notebook, exercise, kind, variant.label, True, f"{type(exc).__name__}: {exc}",
                       getattr(variant, "diagnosis", None))
    return Outcome(notebook, exercise, kind, variant.label, False, "", getattr(variant, "diagnosis", None))


def run_notebook(notebook):
    """Run every variant of one notebook's catalogue; return the Outcomes, and the ids with none."""
    import matplotlib.pyplot as plt
    import nbformat

    entries = catalogue(notebook)
    nb = nbformat.read(ROOT / "source" / notebook / f"{notebook}.ipynb", as_version=4)
    ns, outcomes, seen = {"__name__": "__main__"}, [], set()
    cwd = os.getcwd()
    os.chdir(ROOT / "source" / notebook)
    try:
        for i, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or "self-check" in cell.get("metadata", {}).get("tags", []):
                continue
            gid = _meta(cell).get("grade_id")
            if _meta(cell).get("solution") and gid in entries:
                seen.add(gid)
                tests = _tests_after(nb.cells, i)
                for kind, key in (("mutant", "mutants"), ("valid", "valid")):
                    for variant in entries[gid].get(key, []):
                        outcomes.append(_try_variant(notebook, gid, kind, variant, ns, tests))
            _run(cell.source, ns, f"<{notebook}:cell {i}>")
            plt.close("all")
    finally:
        os.chdir(cwd)
    return outcomes, sorted(set(entries) - seen)


def solution_ids(notebook):
    import nbformat
    nb = nbformat.read(ROOT / "source" / notebook / f"{notebook}.ipynb", as_version=4)
    return [_meta(c)["grade_id"] for c in nb.cells if _meta(c).get("solution")]
