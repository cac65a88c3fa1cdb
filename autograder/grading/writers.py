"""The writing steps of `autograder grade`: lateness, reports, feedback, the gradebook and autograded/.

They run after every verdict, in this process only (the gradebook has a single
writer), in the order STEPS gives: reports first, so that nothing can lose them.
"""
from pathlib import Path


def mark_late(batch):
    """seconds_late and late_penalty from timestamp.txt, the gradebook's due date and nbgrader's plugin.
    If that fails (a locked gradebook, a timestamp.txt that is not a time), each student is tried alone,
    and whoever still fails is graded with the reason saying that lateness was not checked."""
    from . import gradebook, late
    url = gradebook.timed(gradebook.db_url(batch.root), batch.options.get("gradebook_timeout") or gradebook.TIMEOUT)
    try:
        late.mark(batch.results, batch.root, url, batch.assignment)
        return
    except Exception:  # noqa: BLE001 - then student by student, below
        pass
    for student in sorted({r.student for r in batch.results}):
        mine = [r for r in batch.results if r.student == student]
        try:
            late.mark(mine, batch.root, url, batch.assignment)
        except Exception as err:  # noqa: BLE001 - one student's lateness unknown, said in the reason
            # The error's text is not quoted: it may hold what a linked timestamp.txt points to.
            why = "the gradebook could not be read" if gradebook.refused(err) else \
                f"{type(err).__name__} (is timestamp.txt a time?)"
            for r in mine:
                r.reason = "; ".join(filter(None, [r.reason, f"lateness not checked: {why}"]))


class GradebookNotWritten(Exception):
    """Reports and feedback are written, but the gradebook is not; args: (why, the command that writes
    it later from the reports). results: the run's Results."""

    def __init__(self, why, command, results):
        super().__init__(why, command)
        self.results = results


def write_gradebook(batch):
    """auto_score of every item into nbgrader's gradebook (formgrader, nbgrader export), last of all: if
    the gradebook stays locked, the reports and feedback are already written. A pair the gradebook
    cannot take becomes an error, and the reports are written again to say so."""
    if not batch.options.get("gradebook", True):
        return
    from . import gradebook
    from .result import UNRECORDED
    url = gradebook.timed(gradebook.db_url(batch.root), batch.options.get("gradebook_timeout") or gradebook.TIMEOUT)
    recorded = [r for r in batch.results if r.status not in UNRECORDED]
    try:
        failed = gradebook.record(url, batch.assignment, batch.sources, recorded, batch.root)
    except Exception as err:  # noqa: BLE001 - NotWritten, or any other refusal: the reports are kept
        why = err.args[0] if isinstance(err, gradebook.NotWritten) else f"{type(err).__name__}: {err}"
        _feedback_from_results(batch)
        raise GradebookNotWritten(why, _later_command(batch), batch.results) from None
    batch.recorded = [r for r in recorded if (r.student, r.notebook) not in failed]
    for r in batch.results:
        if (r.student, r.notebook) in failed:
            r.status, r.reason = "error", failed[(r.student, r.notebook)]
    if failed:
        write_reports(batch)


def _later_command(batch):
    import shlex
    words = ["autograder", "grade", batch.assignment, "--gradebook-only"]
    if batch.root != Path.cwd():
        words += ["--root", str(batch.root)]
    if batch.options.get("report_dir"):
        words += ["--report-dir", str(Path(batch.options["report_dir"]).resolve())]
    return shlex.join(words)


def write_autograded(batch):
    """autograded/STUDENT/ASSIGNMENT/*.ipynb and the rest of nbgrader autograde's gradebook rows."""
    if batch.executed is None:
        return
    import dataclasses

    from . import autograded, gradebook
    url = gradebook.timed(gradebook.db_url(batch.root), batch.options.get("gradebook_timeout") or gradebook.TIMEOUT)
    try:   # only the pairs whose scores the gradebook holds
        autograded.write(dataclasses.replace(batch, results=batch.recorded), batch.executed, url)
    except Exception as err:  # noqa: BLE001 - the scores are written; the reports too, and now the feedback
        write_feedback(batch)
        raise GradebookNotWritten(f"autograded/ and its gradebook rows: {type(err).__name__}: {err}",
                                  _later_command(batch), batch.results) from None


def write_reports(batch):
    """reports/ASSIGNMENT/grades.csv and grades.json, and index.html: the class report (what to reteach)."""
    from . import classreport, report
    from .restore import graded_cells
    folder = batch.options.get("report_dir") or batch.root / "reports" / batch.assignment
    results = batch.results
    if batch.options.get("students"):
        from .subset import with_others
        results = with_others(results, folder)
    order = {name: [t.grade_id for t in graded_cells(nb)] for name, nb in batch.sources.items()}
    report.write(results, folder, order)
    classreport.write(batch.assignment, results, order, folder)


def write_feedback(batch):
    """feedback/STUDENT/ASSIGNMENT/NOTEBOOK.html of every pair the gradebook now holds, regenerated from it
    (manual scores and comments included) after it and autograded/ are written: the page `nbgrader
    generate_feedback` makes. With --no-gradebook, none: every page stays as the gradebook last left it.
    A pair whose status is not the student's doing (error), or who has no valid id, keeps the page it had."""
    if batch.executed is None:
        return
    from nbgrader.api import Gradebook

    from . import feedback, gradebook
    url = gradebook.timed(gradebook.db_url(batch.root), batch.options.get("gradebook_timeout") or gradebook.TIMEOUT)
    try:
        with Gradebook(url) as gb:
            failed = feedback.write(batch, batch.recorded, feedback.GradesFrom(gb))
    except Exception as err:  # noqa: BLE001 - the gradebook could not be read back: every page keeps its old
        failed = {(r.student, r.notebook): f"the gradebook could not be read: {type(err).__name__}: {err}"
                  for r in batch.recorded}
    _pages_failed(batch, failed)


def _feedback_from_results(batch):
    """The pages of a run whose gradebook stayed locked, from its own scores (as the gradebook will hold
    them; no manual grades or comments): `nbgrader generate_feedback` remakes them once it is written."""
    from . import feedback
    from .result import UNRECORDED
    if batch.executed is None:
        return
    results = [r for r in batch.results if r.status not in UNRECORDED]
    _pages_failed(batch, feedback.write(batch, results, feedback.GradesOf(results)))


def _pages_failed(batch, failed):
    for r in batch.results:
        if (r.student, r.notebook) in failed:
            r.status, r.reason = "error", f"its feedback could not be written: {failed[(r.student, r.notebook)]}"
    if failed:
        write_reports(batch)
