"""Write the verdicts into nbgrader's own gradebook, from the main process only.

formgrader and `nbgrader export` read the gradebook, so they show these
scores. The assignment's notebooks and cells follow source/ (sync.py): recorded
with nbgrader's own preprocessors exactly as generate_assignment would, whether
or not the instructor ran it, and updated when source/ changes.

A gradebook that another program holds (formgrader, mid-write) is waited for
(SQLite's busy timeout); if it stays locked, NotWritten says so, and
write_later() writes the stored reports into it afterwards. A pair the gradebook
cannot take is returned with the reason, and the others are written.
"""
import warnings
from pathlib import Path

TIMEOUT = 60   # seconds to wait for a gradebook that another program is writing


class NotWritten(Exception):
    """Nothing could be written to the gradebook (it stayed locked, say); args: (why,)."""


def db_url(root):
    """The gradebook of the course at root: nbgrader_config.py's db_url, else nbgrader's default."""
    from traitlets.config import PyFileConfigLoader

    url = "sqlite:///gradebook.db"
    if (Path(root) / "nbgrader_config.py").is_file():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
        url = config.CourseDirectory.get("db_url", url)
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        url = "sqlite:///" + str((Path(root) / url[len("sqlite:///"):]).resolve())
    return url


def timed(url, seconds=TIMEOUT):
    """url, with SQLite's busy timeout set to seconds (other databases wait in their own way)."""
    if not url.startswith("sqlite") or "timeout=" in url:
        return url
    return f"{url}{'&' if '?' in url else '?'}timeout={seconds:g}"


def record(url, assignment, source_nbs, results, root=None):
    """ensure_assignment() then write(); NotWritten if the database refuses them (locked, read-only);
    sync.CellsChanged (before anything is written) if source/ lost cells that recorded grades hang on."""
    import logging
    quiet = logging.getLogger("tornado.application")   # nbgrader logs a traceback before each error it raises
    level, quiet.disabled = quiet.disabled, True
    try:
        ensure_assignment(url, assignment, source_nbs, root)
        return write(url, assignment, results)
    except Exception as err:
        if not refused(err):
            raise
        why = str(refused(err)).splitlines()[0]
        if "locked" in why:
            why += " (formgrader, or another grading run, is writing to it)"
        raise NotWritten(f"{url.split('?')[0]}: {why}") from None
    finally:
        quiet.disabled = level


def refused(err):
    """The database's own refusal (sqlite3's OperationalError: locked, read-only, disk full) behind err, or
    None. nbgrader re-raises it as InvalidEntry, so the causes are followed."""
    import sqlite3
    seen = 0
    while err is not None and seen < 10:
        if isinstance(err, sqlite3.OperationalError):
            return err
        err, seen = getattr(err, "orig", None) or err.__cause__ or err.__context__, seen + 1
    return None


def ensure_assignment(url, assignment, source_nbs, root=None):
    """The assignment's notebooks and cells as source/ has them now (sync.py); root: the course, whose
    nbgrader_config.py the released checksums depend on."""
    from .sync import follow
    follow(url, assignment, source_nbs, root)


def write(url, assignment, results):
    """Set auto_score for every item of every result; return {(student, notebook): why} of the pairs
    that the gradebook could not take (all others are written)."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    failed = {}
    with Gradebook(url) as gb, warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=SAWarning)   # nbgrader's own add_submission emits these
        for student in sorted({r.student for r in results}):
            why = _contained(lambda: (gb.update_or_create_student(student),
                                      gb.update_or_create_submission(assignment, student)), gb)
            failed.update({(r.student, r.notebook): why for r in results if why and r.student == student})
        for r in results:
            if (r.student, r.notebook) not in failed:
                why = _contained(lambda: _set_scores(gb, assignment, r), gb)
                failed.update({(r.student, r.notebook): why} if why else {})
        gb.db.commit()
    return failed


def _set_scores(gb, assignment, result):
    grades = [(gb.find_grade(i.grade_id, result.notebook, assignment, result.student), i.score)
              for i in result.items]   # every grade is found before any is changed
    for grade, score in grades:
        grade.auto_score = score
        grade.needs_manual_grade = False


def _contained(write_one, gb):
    """None if write_one() worked, else why not; a database that refuses everything is raised."""
    try:
        write_one()
    except Exception as err:  # noqa: BLE001 - one pair the gradebook cannot take costs only that pair
        if refused(err):
            raise
        return f"the gradebook could not record it: {type(err).__name__}: {str(err).splitlines()[0][:200]}"
    return None


def write_later(assignment, root=".", report_dir=None, timeout=TIMEOUT):
    """What `autograder grade ASSIGNMENT --gradebook-only` runs: the results stored in
    reports/ASSIGNMENT/grades.json (or report_dir), written into the gradebook, for a run that could not
    write it. Returns (the results written, {(student, notebook): why} of those it could not take)."""
    from . import report
    from .restore import read
    from .result import UNRECORDED
    root = Path(root).resolve()
    results = [r for r in report.read(report_dir or root / "reports" / assignment) if r.status not in UNRECORDED]
    sources = {p.stem: read(p) for p in sorted((root / "source" / assignment).glob("*.ipynb"))}
    failed = record(timed(db_url(root), timeout), assignment, sources, results, root)
    return [r for r in results if (r.student, r.notebook) not in failed], failed
