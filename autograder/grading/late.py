"""Late work as nbgrader counts it: submitted/STUDENT/ASSIGNMENT/timestamp.txt against the assignment's due
date in the gradebook (plus the student's extension), and the penalty of nbgrader's late-submission plugin
as nbgrader_config.py configures it:

    c.LateSubmissionPlugin.penalty_method = "zero"      # nbgrader's own choices: "none" (default), "zero"
    c.AssignLatePenalties.plugin_class = "mymodule.MyPlugin"   # or a plugin of your own

The due date is set with `nbgrader db assignment add ASSIGNMENT --duedate="2026-12-01 17:00:00 UTC"`.
"""
from pathlib import Path


def timestamp(folder):
    """The submission time in folder's timestamp.txt (as nbgrader collect writes it), or None. Only a
    regular file is read, and only its start: a student's folder is untrusted (a link could point anywhere,
    a FIFO would never end)."""
    from nbgrader.utils import parse_utc
    path = Path(folder) / "timestamp.txt"
    if not path.is_file() or path.is_symlink():
        return None
    with path.open(encoding="utf-8", errors="replace") as f:
        text = f.read(200).strip()
    return parse_utc(text) if text else None


def due_dates(url, assignment, students):
    """{student: due date with extension, or None}, read from the gradebook without changing it."""
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):].split("?")[0]).is_file():
        return dict.fromkeys(students)
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(url) as gb:
        try:
            due = gb.find_assignment(assignment).duedate
        except MissingEntry:
            return dict.fromkeys(students)
        return {s: _with_extension(gb, assignment, s, due) for s in students}


def _with_extension(gb, assignment, student, due):
    from nbgrader.api import MissingEntry
    try:
        extension = gb.find_submission(assignment, student).extension
    except MissingEntry:
        extension = None
    return due + extension if due is not None and extension is not None else due


def plugin(root):
    """nbgrader's AssignLatePenalties, configured from root/nbgrader_config.py, with its plugin loaded."""
    from nbgrader.preprocessors import AssignLatePenalties
    from traitlets.config import Config, PyFileConfigLoader
    config = Config()
    if (Path(root) / "nbgrader_config.py").is_file():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    assigner = AssignLatePenalties(config=config)
    assigner.init_plugin()
    return assigner


def mark(results, root, url, assignment):
    """Set seconds_late and late_penalty on each result, and say both in its reason."""
    students = sorted({r.student for r in results})
    due = due_dates(url, assignment, students)
    stamps = {s: timestamp(Path(root) / "submitted" / s / assignment) for s in students}
    assigner = None
    for r in results:
        stamp, deadline = stamps[r.student], due[r.student]
        if stamp is None or deadline is None or stamp <= deadline:
            continue
        assigner = assigner or plugin(root)
        r.seconds_late = (stamp - deadline).total_seconds()
        penalty = assigner.plugin_inst.late_submission_penalty(r.student, r.score, r.seconds_late)
        r.late_penalty = 0.0 if penalty is None else min(max(float(penalty), 0.0), r.score)
        said = f"submitted {r.seconds_late / 3600:.1f} h late" + (f", late penalty {r.late_penalty:g}"
                                                                   if r.late_penalty else "")
        r.reason = "; ".join(filter(None, [r.reason, said]))
