"""autograded/STUDENT/ASSIGNMENT/NB.ipynb as `nbgrader autograde` leaves it, and the gradebook rows it writes
beside the scores: the submission's timestamp, needs_manual_grade, the "No response." comments and the
late penalty (late.py works it out).

formgrader counts a submission as autograded when this folder exists and the gradebook's timestamp equals
submitted/.../timestamp.txt's; its notebook view, manual grades and comments read this notebook. It is the
student's own run, with each test cell as nbgrader stores it (source/'s, hidden tests included: this is the
instructor's copy), and, where a test failed, the grader's verdict as the cell's one error. The kernel's
own tracebacks are dropped there: they quote hidden test lines, and the verdict's message never does.
"""
import shutil
import tempfile
from pathlib import Path

from ..records import MIME
from .restore import nbgrader_meta
from .result import TRUSTED

NO_RESPONSE = "No response."   # nbgrader's auto_comment for a solution cell left as released
MAX_COPY = 32 * 1024 ** 2      # bytes: a student's own file copied beside the autograded notebook


class Executed:
    """Where each executed notebook waits, on disk, for its verdict: a class's notebooks are never all
    in memory at once. parallel hands over each run as it arrives (arrived), minus its notebook."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="autograder-executed-"))

    def arrived(self, key, run):
        text = run.pop("nb", None)
        if text is not None and key[0] != TRUSTED:
            self.path(key).parent.mkdir(exist_ok=True)
            self.path(key).write_text(text, encoding="utf-8")
        return run

    def path(self, key):
        student, notebook = key
        return self.folder / student / f"{notebook}.ipynb"

    def close(self):
        shutil.rmtree(self.folder, ignore_errors=True)


def build(nb, source_nb, result, checksums):
    """The autograded notebook: nb (the student's executed run) with source/'s test cells and our verdicts."""
    tests = {nbgrader_meta(c)["grade_id"]: c for c in source_nb.cells if nbgrader_meta(c).get("grade")}
    items = {i.grade_id: i for i in result.items}
    nb.metadata["kernelspec"] = source_nb.metadata.get("kernelspec", nb.metadata.get("kernelspec"))
    stamp(nb, source_nb, result)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if MIME not in o.get("data", {})]
        gid = nbgrader_meta(cell).get("grade_id")
        if gid in tests:
            cell.source = tests[gid].source
            cell.metadata["nbgrader"] = dict(nbgrader_meta(tests[gid]))
            cell.outputs = _verdict_outputs(cell.outputs, items.get(gid))
        if gid in checksums:   # as OverwriteCells: every known cell carries the gradebook's checksum
            cell.metadata["nbgrader"]["checksum"] = checksums[gid]
    return nb


def stamp(nb, source_nb, result):
    """What the feedback page says of the whole notebook, in its metadata: the status (safe_feedback.STATUS_WORDS),
    the reason (an invalid notebook's is about the file alone), and source/'s title and exercise titles (a
    student may have edited the headings of her copy). Never the student's own metadata of that name."""
    from .safe_feedback import titles
    first = next((c.source for c in source_nb.cells if c.cell_type == "markdown"), "")
    title = next((line.lstrip("#").strip() for line in first.splitlines() if line.startswith("# ")), result.notebook)
    nb.metadata["autograder"] = {"status": result.status, "title": title, "titles": titles(source_nb),
                                 "reason": result.reason if result.status == "invalid notebook" else ""}


def _verdict_outputs(outputs, item):
    """The cell's own prints and plots, then the verdict as its error if it failed (nbgrader scores a test
    cell 0 exactly when it shows an error)."""
    kept = [o for o in outputs if o.get("output_type") != "error"]
    if item is None or item.score == item.points:
        return kept
    import nbformat
    ename = next((o.get("ename") for o in outputs if o.get("output_type") == "error"), None) or "AssertionError"
    return kept + [nbformat.v4.new_output("error", ename=ename, evalue=item.message,
                                          traceback=[f"{ename}: {item.message}"])]


def unanswered(nb, checksums):
    """The solution cells left exactly as released (nbgrader's test: the checksum did not change)."""
    from nbgrader.utils import compute_checksum
    return {nbgrader_meta(c)["grade_id"] for c in nb.cells if nbgrader_meta(c).get("solution")
            and checksums.get(nbgrader_meta(c)["grade_id"]) == compute_checksum(c)}


def copy_files(submitted, dest):
    """The submission's other files (timestamp.txt above all: release_feedback needs it), as nbgrader does;
    regular files only, none over MAX_COPY (a student's folder is untrusted)."""
    for path in sorted(Path(submitted).glob("*")):
        if path.is_file() and not path.is_symlink() and path.suffix != ".ipynb" and path.stat().st_size <= MAX_COPY:
            (dest / path.name).unlink(missing_ok=True)   # nbgrader leaves its copies read-only
            shutil.copyfile(path, dest / path.name)


def write(batch, executed, url):
    """Every autograded notebook, then the gradebook rows nbgrader autograde writes beside the scores."""
    import nbformat
    responses = {}
    checksums = {name: source_checksums(url, batch.assignment, name) for name in batch.sources}
    for r in batch.results:
        path = executed.path((r.student, r.notebook))
        dest = batch.root / "autograded" / r.student / batch.assignment
        if not path.is_file():   # nothing ran (missing or invalid notebook): no notebook, nor an older one
            (dest / f"{r.notebook}.ipynb").unlink(missing_ok=True)
            continue
        dest.mkdir(parents=True, exist_ok=True)
        copy_files(batch.root / "submitted" / r.student / batch.assignment, dest)
        nb = build(nbformat.read(path, as_version=4), batch.sources[r.notebook], r, checksums[r.notebook])
        (dest / f"{r.notebook}.ipynb").unlink(missing_ok=True)   # nbgrader leaves its notebooks read-only
        nbformat.write(nb, dest / f"{r.notebook}.ipynb")
        responses[(r.student, r.notebook)] = unanswered(nb, checksums[r.notebook])
    record(url, batch, responses)


def source_checksums(url, assignment, notebook):
    from nbgrader.api import Gradebook
    with Gradebook(url) as gb:
        return {c.name: c.checksum for c in gb.find_notebook(notebook, assignment).source_cells if c.checksum}


def record(url, batch, responses):
    """The submission's timestamp (formgrader compares it with timestamp.txt), needs_manual_grade where a
    grader's score exists (as SaveAutoGrades), and "No response." on each unanswered solution cell."""
    from nbgrader.api import Gradebook
    from .late import timestamp
    with Gradebook(url) as gb:
        for student in sorted({r.student for r in batch.results}):
            try:
                stamp = timestamp(batch.root / "submitted" / student / batch.assignment)
            except (ValueError, OverflowError):   # not a time: the report says lateness was not checked
                stamp = None
            if stamp is not None:
                gb.update_or_create_submission(batch.assignment, student, timestamp=stamp)
        for r in batch.results:
            notebook = gb.find_submission_notebook(r.notebook, batch.assignment, r.student)
            notebook.late_submission_penalty = r.late_penalty if r.seconds_late > 0 else None
            for grade in notebook.grades:
                grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
            blank = responses.get((r.student, r.notebook), set())
            for comment in notebook.comments:
                comment.auto_comment = NO_RESPONSE if comment.name in blank else None
        gb.db.commit()
