"""Students on the gradebook's roster who submitted nothing: one row each per notebook, status missing.

nbgrader export already counts such a student 0, so the row is for the reports only: it is never written
into the gradebook, and gets no feedback page and no autograded/ notebook (result.UNRECORDED).
"""
import sys
from pathlib import Path

from .result import Result


def roster(url):
    """The student ids in the gradebook at url, read without creating or changing it: [] if the
    gradebook does not exist yet or has no student table."""
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):].split("?")[0]).is_file():
        return []   # connecting would create the file
    from sqlalchemy import create_engine, inspect, text
    engine = create_engine(url)
    try:
        if not inspect(engine).has_table("student"):
            return []
        with engine.connect() as connection:
            return sorted(row[0] for row in connection.execute(text("SELECT id FROM student")))
    finally:
        engine.dispose()


def rows(batch, submitted):
    """The missing rows of the roster's students with no submitted/STUDENT/ASSIGNMENT folder. A gradebook
    that cannot be read (locked past the timeout) gives none, and says so on stderr: the grading goes on."""
    from . import gradebook
    url = gradebook.timed(gradebook.db_url(batch.root), batch.options.get("gradebook_timeout") or gradebook.TIMEOUT)
    try:
        students = roster(url)
    except Exception as err:  # noqa: BLE001 - without the roster, only the submissions have rows
        why = gradebook.refused(err) or f"{type(err).__name__}: {err}"
        print(f"warning: the gradebook's roster could not be read ({str(why).splitlines()[0]}), so students "
              f"who submitted nothing have no row", file=sys.stderr)
        return []
    return [missing(student, batch.assignment, name, nb) for student in sorted(set(students) - set(submitted))
            for name, nb in batch.sources.items()]


def missing(student, assignment, notebook, source_nb):
    """The row of a student who submitted nothing: 0 of the notebook's points, and no items (none ran)."""
    from .restore import graded_cells
    why = f"no submission: submitted/{student}/{assignment}/ does not exist"
    return Result(student, notebook, "missing", why, 0.0, sum(t.points for t in graded_cells(source_nb)))
