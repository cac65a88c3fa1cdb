"""What to run for each (student, notebook), and how its run becomes a Result.

A job is plain data (the prepared notebook as JSON text, the ids of its test
cells, and any repairs made), so that it can travel to a worker process or a
dask cluster; so is the run that comes back.
"""
import base64
import copy
import hashlib
import json
import os
from pathlib import Path

from .demos import without_demos
from .matching import match
from .restore import Unusable, graded_cells, locate, nbgrader_meta, read, restore
from .studentfiles import student_files
from .verdict import Item, judge

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "autograder" / "trusted"
class SourceError(Exception):
    """source/ cannot be graded against: its own tests fail, or it did not run."""


SEVERITY = ("crashed", "memory", "timeout")   # the first fault of these kinds names the status


def data_files(folder):
    """The assignment's other files in source/ (data sets), as base64 text: jobs are plain data."""
    return {p.name: base64.b64encode(p.read_bytes()).decode("ascii") for p in sorted(Path(folder).iterdir())
            if p.is_file() and p.suffix != ".ipynb"}


def trusted_job(source_nb, name, files, demos=False):
    """The source notebook itself, run in a sandbox like any other, to record the expected values
    (without its demo cells, as every student's run, unless demos)."""
    ran = source_nb if demos else without_demos(copy.deepcopy(source_nb), source_nb)
    return {"nb": as_text(ran), "filename": f"{name}.ipynb", "files": files,
            "tests": [t.grade_id for t in graded_cells(source_nb)], "notes": []}


def as_text(nb):
    """A job's notebook as JSON text: plain json, as nbformat's own writer validates, copies and splits
    every cell for a file that nobody reads (a tenth of planning)."""
    return json.dumps(nb)


def student_job(folder, name, source_nb, names, files):
    """The student's notebook with its test cells restored, or the status that stops it. Its sandbox holds
    the student's own files beside source/'s (files, which win on a name clash), as nbgrader's does."""
    tests = [t.grade_id for t in graded_cells(source_nb)]
    try:
        path, note = locate(folder, f"{name}.ipynb", source_nb, {f"{n}.ipynb" for n in names})
        nb = read(path)
        notes = [note] * bool(note) + match(nb, source_nb, path.name) + restore(nb, source_nb)
        without_demos(nb, source_nb)
        for_kernel(nb, set(tests))
    except Unusable as err:
        return {"nb": None, "tests": tests, "status": err.args[0], "reason": err.args[1]}
    own, skipped = student_files(folder, set(files))
    own = {n: base64.b64encode(data).decode("ascii") for n, data in own.items()}
    return {"nb": as_text(nb), "filename": f"{name}.ipynb", "files": {**own, **files}, "tests": tests,
            "notes": notes + skipped, "preamble": preamble(nb)}


def preamble(nb):
    """The locked cells that run before any code of the student's: if one fails, the student is not the cause."""
    ids = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if cell.cell_type == "code" and not meta.get("locked"):
            break
        if meta.get("locked") and meta.get("grade_id"):
            ids.append(meta["grade_id"])
    return ids


def for_kernel(nb, tests):
    """Cut every expected value out of the test cells: the student's kernel only records (name, got)."""
    from .rewrite import kernel_copy
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") in tests and cell.cell_type == "code":
            cell.source = kernel_copy(cell.source)


def result_of(student, name, source_nb, job, run, trusted):
    """The Result of one pair: every item judged against the trusted run, and one status."""
    from .result import Result
    tests = graded_cells(source_nb)
    max_score = sum(t.points for t in tests)
    if job.get("nb") is None:
        items = [Item(t.grade_id, t.points, 0.0, job["reason"]) for t in tests]
        return Result(student, name, job["status"], job["reason"], 0.0, max_score, items)
    items = [judge(t, trusted["cells"][t.grade_id], run["cells"].get(t.grade_id)) for t in tests]
    _name_syntax_errors(items, run.get("answers", {}))
    status, reasons = _status(run["faults"], items)
    if status == "graded" and any(note.startswith("tag 'skip-execution'") for note in job["notes"]):
        status = "tampered"   # a tag that hides a test from this run is no accident; the cells ran anyway
    broken, locked = _locked_errors(run.get("locked", {}), job.get("preamble", []))
    if broken:
        return Result(student, name, "error", "; ".join(broken), 0.0, max_score, items)
    reason = "; ".join(reasons + locked + job["notes"])
    return Result(student, name, status, reason, sum(i.score for i in items), max_score, items)


def _name_syntax_errors(items, answers):
    """A test that fails on a NameError because an answer cell did not even parse is told which, and where."""
    broken = [f"{e['ename']} in your cell {gid}: {e['evalue']}"[:200] for gid, e in answers.items()
              if e["ename"] in ("SyntaxError", "IndentationError", "TabError")]
    for item in items:
        if broken and item.score < item.points and item.message.startswith("NameError"):
            item.message = f"{broken[0]} (so the names it defines do not exist: {item.message})"


def _locked_errors(errors, preamble):
    """(environment faults, the student's) among the errors of locked cells, as reasons."""
    said = {gid: f"locked cell {gid} raised {e['ename']}: {e['evalue']}"[:300] for gid, e in errors.items()}
    broken = [f"{said[gid]}, before any of the student's code ran: the grading environment is at fault, "
              "not the submission" for gid in preamble if gid in said]
    return broken, [text for gid, text in said.items() if gid not in preamble]


def _status(faults, items):
    reasons = [reason for _, reason in faults]
    kinds = [kind for kind, _ in faults]
    reasons += _grouped([i for i in items if i.tampered])
    tampered = any(i.tampered for i in items)
    for kind in SEVERITY:
        if kind in kinds:
            return kind, reasons
    return ("tampered" if tampered else "graded"), reasons


def _grouped(items):
    """One reason per distinct message, naming every item it cost: "a, b score 0: why"."""
    by_message = {}
    for item in items:
        by_message.setdefault(item.message.splitlines()[0], []).append(item.grade_id)
    return [f"{', '.join(ids)} score{'s' * (len(ids) == 1)} 0: {why}" for why, ids in by_message.items()]


def _key(nb, files):
    """The trusted run depends on the notebook, its data files, and the code of the checks."""
    package = Path(__file__).parent.parent
    code = "".join((package / f).read_text() for f in ("checks.py", "records.py", "gradcheck.py", "diagnose.py",
                                                       "grading/rewrite.py", "grading/kernel_side.py",
                                                       "grading/demos.py"))
    text = json.dumps([nb, files], sort_keys=True) + code
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def cached(nb, files):
    """The trusted run of nb from the cache, or None."""
    path = CACHE / f"{_key(nb, files)}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def save(nb, files, run):
    """Keep the trusted run of nb, outside any sandbox, keyed by what it depends on."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{_key(nb, files)}.json"
    partial = path.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(json.dumps(run, sort_keys=True))
    os.replace(partial, path)   # whole or not at all: a run grading at the same time never reads half a file


def check_trusted(name, run):
    """The source notebook must pass its own tests; otherwise no verdict can be trusted."""
    broken = [f"{gid}: {cell['error']['ename']}: {cell['error']['evalue']}" for gid, cell in run["cells"].items()
              if cell["error"]]
    broken += [f"locked cell {gid}: {e['ename']}: {e['evalue']}" for gid, e in run.get("locked", {}).items()]
    problems = [reason for _, reason in run["faults"]] + broken
    if problems:
        raise SourceError(f"source/{name} does not pass its own tests, so nothing can be graded against it:\n  "
                           + "\n  ".join(problems))
