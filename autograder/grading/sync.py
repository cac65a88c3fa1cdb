"""The gradebook's notebooks and cells follow source/, as `nbgrader generate_assignment` leaves them.

Points, checksums and cell sources are updated when source/ changes, so that grades.csv and
`nbgrader export` agree on the maximum score. Each notebook goes through generate_assignment's own
preprocessors up to SaveCells (with the course's nbgrader_config.py: the checksums of solution cells are
those of the released stubs, which nbgrader's "No response." test compares with). Like generate_assignment,
cells are never added to or removed from a notebook that has submissions: their recorded grades hang on
those cells, so CellsChanged refuses, before anything is graded, with the commands that start afresh.
(generate_assignment's header/footer and autotest steps are not run: this course uses neither.)
"""
import copy
import importlib
import threading
from pathlib import Path


class CellsChanged(Exception):
    """source/ adds or removes cells of a notebook whose submissions the gradebook holds; args: (why,)."""


def config_of(root):
    """The course's nbgrader configuration (nbgrader_config.py in root), or nbgrader's defaults."""
    from traitlets.config import Config, PyFileConfigLoader
    if root is not None and (Path(root) / "nbgrader_config.py").is_file():
        return PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    return Config()


def released(nb, config, resources):
    """nb as generate_assignment hands it to SaveCells: locked, solutions cleared, checksums computed."""
    from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, ClearSolutions, ComputeChecksums, LockCells
    nb = copy.deepcopy(nb)
    for step in (LockCells, ClearSolutions, ClearOutput, CheckCellMetadata, ComputeChecksums):
        nb, resources = step(config=config).preprocess(nb, resources)
    return nb


def cells(nb):
    """{kind: names} of the cells SaveCells records, as nbgrader.utils sorts them."""
    from nbgrader import utils
    def named(test):
        return {c.metadata.nbgrader["grade_id"] for c in nb.cells if test(c)}
    return {"grade": named(utils.is_grade), "solution": named(utils.is_solution), "task": named(utils.is_task),
            "source": named(lambda c: utils.is_grade(c) or utils.is_solution(c) or utils.is_locked(c)
                            or utils.is_task(c))}


def recorded(notebook):
    """{kind: names} of the cells the gradebook holds for notebook (an nbgrader.api.Notebook)."""
    return {kind: {c.name for c in getattr(notebook, f"{kind}_cells")}
            for kind in ("grade", "solution", "task", "source")}


def check(gb, assignment, generated):
    """CellsChanged if a notebook with submissions would gain or lose cells; generated: {name: released nb}."""
    from nbgrader.api import MissingEntry
    problems = []
    for name, nb in sorted(generated.items()):
        try:
            notebook = gb.find_notebook(name, assignment)
        except MissingEntry:
            continue
        old, new = recorded(notebook), cells(nb)
        if notebook.submissions and old != new:
            before, after = set().union(*old.values()), set().union(*new.values())
            what = (f"removed: {', '.join(sorted(before - after)) or 'none'}; "
                    f"added: {', '.join(sorted(after - before)) or 'none'}") if before != after else \
                "a cell changed kind (grade, solution, task or locked)"
            problems.append(f"source/{assignment}/{name}.ipynb no longer has the cells that the gradebook's "
                            f"{len(notebook.submissions)} graded submissions were recorded against ({what})")
    if problems:
        raise CellsChanged("\n  ".join([
            "the gradebook cannot follow source/ without dropping recorded grades, so nothing was graded:",
            *problems,
            "Undo that change in source/ (the same cells, with the same grade_ids), or start the assignment's "
            "grades afresh (this deletes its scores, manual grades and comments, and its due date):",
            f"  nbgrader db assignment remove {assignment} --force",
            f"  nbgrader generate_assignment {assignment} --force",
            f'  nbgrader db assignment add {assignment} --duedate="..."   # if it had a due date',
            f"  autograder grade {assignment}"]))


def follow(url, assignment, source_nbs, root=None):
    """Record every notebook of source/ into the gradebook as generate_assignment would (points, checksums,
    sources), after check(): nothing is changed if any notebook would lose its grades."""
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import SaveCells
    config = config_of(root)
    generated = {name: released(nb, config, _resources(url, assignment, name)) for name, nb in source_nbs.items()}
    with Gradebook(url) as gb:
        check(gb, assignment, generated)
        gb.update_or_create_assignment(assignment)
    for name, nb in sorted(generated.items()):
        SaveCells(config=config).preprocess(nb, _resources(url, assignment, name))


def _resources(url, assignment, name):
    return {"nbgrader": {"db_url": url, "assignment": assignment, "notebook": name}}


def refuse_early(batch):
    """check() before any grading, reading the gradebook only (skipped by --dry-run and --no-gradebook, which
    never write it). A gradebook not made yet has nothing to break; a locked one is checked again at writing."""
    if not batch.options.get("gradebook", True) or batch.options.get("dry_run"):
        return
    from nbgrader.api import Gradebook

    from .gradebook import TIMEOUT, db_url, refused, timed
    url = timed(db_url(batch.root), batch.options.get("gradebook_timeout") or TIMEOUT)
    if url.startswith("sqlite:///") and not Path(url[len("sqlite:///"):].split("?")[0]).is_file():
        return
    config = config_of(batch.root)
    generated = {name: released(nb, config, _resources(url, batch.assignment, name))
                 for name, nb in batch.sources.items()}
    try:
        with Gradebook(url) as gb:
            check(gb, batch.assignment, generated)
    except CellsChanged:
        raise
    except Exception as err:
        if not refused(err):
            raise


class EarlyCheck:
    """refuse_early() in a thread of its own, beside the planning and the kernels: it imports nbgrader (a
    second of CPU) and no kernel should wait for that. Its refusal is raised at the next result that
    arrives (the running kernels are stopped) or, at the latest, before anything is written."""

    def __init__(self, batch):
        self.error = None
        self.thread = threading.Thread(target=self._run, args=(batch,), daemon=True)
        self.thread.start()

    def _run(self, batch):
        try:
            refuse_early(batch)
        except Exception as err:  # noqa: BLE001 - raised in the main thread, by raise_if_refused
            self.error = err

    def raise_if_refused(self, wait=False):
        if wait:
            self.thread.join()
        if self.error is not None:
            raise self.error


def beside_the_kernels(batch):
    """Once the first kernels run (not before: no kernel waits for them), import nbgrader's gradebook API
    (the gradebook step imports it again, waiting if unfinished) and check that the gradebook can follow
    source/ (a refusal stops the kernels, and nothing is written): a second of CPU each, in threads."""
    if batch.options.get("gradebook", True):
        threading.Thread(target=importlib.import_module, args=("nbgrader.api",), daemon=True).start()
    batch.options["abort"] = EarlyCheck(batch).raise_if_refused
