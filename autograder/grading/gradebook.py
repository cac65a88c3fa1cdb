"""Write the verdicts into nbgrader's own gradebook, from the main process only.

formgrader and `nbgrader export` read the gradebook, so they show these
scores. The assignment must be known to the gradebook; if the instructor has
not run `nbgrader generate_assignment`, it is recorded from source/ with
nbgrader's own preprocessors, exactly as generate_assignment would.
"""
import copy
import warnings
from pathlib import Path


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


def ensure_assignment(url, assignment, source_nbs):
    """Record the assignment's notebooks and grade cells, unless the gradebook has them already."""
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import ComputeChecksums, SaveCells

    with Gradebook(url) as gb:
        gb.update_or_create_assignment(assignment)
        known = {nb.name for nb in gb.find_assignment(assignment).notebooks}
    for name, nb in sorted(source_nbs.items()):
        if name in known:
            continue
        resources = {"nbgrader": {"db_url": url, "assignment": assignment, "notebook": name}}
        nb, resources = ComputeChecksums().preprocess(copy.deepcopy(nb), resources)
        SaveCells().preprocess(nb, resources)


def write(url, assignment, results):
    """Set auto_score for every item of every result (one transaction per student)."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    with Gradebook(url) as gb, warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=SAWarning)   # nbgrader's own add_submission emits these
        for student in sorted({r.student for r in results}):
            gb.update_or_create_student(student)
            gb.update_or_create_submission(assignment, student)
        for r in results:
            for item in r.items:
                grade = gb.find_grade(item.grade_id, r.notebook, assignment, r.student)
                grade.auto_score = item.score
                grade.needs_manual_grade = False
        gb.db.commit()
