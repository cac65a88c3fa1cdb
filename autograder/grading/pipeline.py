"""`autograder grade`: grade nbgrader submissions in sandboxes, in parallel, into nbgrader's gradebook.

Like nbgrader's preprocessors, the batch goes through the steps of STEPS in
order; each is a small function of the Batch (the writing steps are in
writers.py, the command line in command.py). Only run_jobs is parallel (one
sandboxed kernel per (student, notebook) pair); every write happens after it,
in this process, so the gradebook has a single writer.
"""
import os
from dataclasses import dataclass, field
from pathlib import Path

from .result import STATUSES, TRUSTED, Result  # noqa: F401 - part of the API
from .writers import (GradebookNotWritten, mark_late, write_autograded, write_feedback,  # noqa: F401
                      write_gradebook, write_reports)


@dataclass
class Batch:
    """Everything the steps share: settings in, results out."""
    assignment: str
    root: Path
    options: dict
    sources: dict = field(default_factory=dict)    # notebook name -> source notebook
    jobs: dict = field(default_factory=dict)       # (student, notebook) -> job
    runs: dict = field(default_factory=dict)       # (student, notebook) -> what the kernel reported
    # The trusted runs of source/ have a key space of their own: no student name can ever stand for one.
    trusted_jobs: dict = field(default_factory=dict)   # notebook -> job
    trusted: dict = field(default_factory=dict)        # notebook -> run
    results: list = field(default_factory=list)
    recorded: list = field(default_factory=list)   # the results written to the gradebook
    executed: object = None   # autograded.Executed: the executed notebooks, on disk, awaiting their verdicts


def check_sandbox(batch):
    """The sandbox self-test (preflight.py), before anything is read or written: bwrap runs with the sandbox's
    flags, and the kernel's interpreter in it imports numpy and the grader's autograder. Else exit 2."""
    from .parallel import limits_of
    from .preflight import on_cluster, preflight
    if batch.options.get("scheduler"):   # the kernels run on the cluster's workers: check there
        on_cluster(batch.options["scheduler"], limits_of(batch.options))
    else:
        preflight(limits_of(batch.options))


def start_imports(batch):
    """Start the workers' forkserver (most of a second, in its own process, beside the planning)."""
    if not batch.options.get("scheduler"):
        from .parallel import start_workers
        start_workers()


def load_sources(batch):
    """source/ASSIGNMENT/*.ipynb: the solutions and hidden tests, the only truth."""
    from .restore import read
    folder = batch.root / "source" / batch.assignment
    batch.sources = {p.stem: read(p) for p in sorted(folder.glob("*.ipynb"))}
    if not batch.sources:
        raise FileNotFoundError(f"no notebooks in {folder}")


def plan_jobs(batch):
    """One job per (student, notebook), with test cells restored; plus a trusted run per notebook.
    Whatever goes wrong in planning one pair becomes that pair's status, with the student named."""
    from . import roster
    from .plan import cached, data_files, trusted_job
    files = data_files(batch.root / "source" / batch.assignment)
    submitted = batch.root / "submitted"
    # Like nbgrader: a student with no submitted/STUDENT/ASSIGNMENT folder has not submitted this assignment.
    students = sorted(p.name for p in submitted.iterdir() if os.path.lexists(p / batch.assignment)) \
        if submitted.is_dir() else []
    if batch.options.get("students"):   # a regrade of some students touches no one else
        students = _chosen(batch, students)
    elif students:   # a whole class: whoever is on the gradebook's roster and submitted nothing gets a row
        batch.results += roster.rows(batch, students)
    for name, nb in batch.sources.items():
        if students and cached(nb, files) is None:
            batch.trusted_jobs[name] = trusted_job(nb, name, files)
        elif students:
            batch.trusted[name] = cached(nb, files)
        for student in students:
            batch.jobs[(student, name)] = _student_job(batch, student, name, files)


def _student_job(batch, student, name, files):
    """The job of one pair, or a job that carries the status which stops it (never an exception)."""
    from .intake import Unusable, check_file, check_folder, student_problem
    from .plan import student_job
    from .restore import graded_cells
    tests = [t.grade_id for t in graded_cells(batch.sources[name])]
    folder = batch.root / "submitted" / student / batch.assignment
    try:
        if student_problem(student):
            raise Unusable("invalid student id", f"the folder name {student!r} is not a valid nbgrader student "
                                                 f"id: {student_problem(student)}")
        check_folder(folder.parent)
        check_folder(folder)
        check_file(folder / f"{name}.ipynb")
        return student_job(folder, name, batch.sources[name], set(batch.sources), files)
    except Unusable as err:
        return {"nb": None, "tests": tests, "status": err.args[0], "reason": err.args[1]}
    except Exception as err:  # noqa: BLE001 - the grader's fault for this one pair, never the batch's
        return {"nb": None, "tests": tests, "status": "error",
                "reason": f"preparing {student}'s {name} failed: {type(err).__name__}: {err}"}


def _chosen(batch, students):
    unknown = sorted(set(batch.options["students"]) - set(students))
    if unknown:
        raise FileNotFoundError(f"no submission of {batch.assignment} from {', '.join(unknown)} "
                                f"(submitted/STUDENT/{batch.assignment}/ does not exist)")
    return sorted(set(batch.options["students"]))


def keep_notebooks(batch):
    """Ask for each student's executed notebook, for autograded/; each waits on disk as it arrives."""
    if batch.options.get("gradebook", True) and not batch.options.get("dry_run"):
        from .autograded import Executed
        batch.executed = Executed()
        batch.options["arrived"] = batch.executed.arrived
        for job in batch.jobs.values():   # trusted runs travel apart (batch.trusted_jobs): never kept
            job["keep"] = True


def run_jobs(batch):
    """Run every runnable job in its own sandbox, --jobs at a time (or on a dask cluster). A trusted run
    travels under the key (None, notebook), which no (student, notebook) can equal."""
    from .parallel import run_all
    from .plan import SourceError, check_trusted, save
    # The trusted runs first: every verdict waits for them, so they must not be the last to finish.
    runnable = {(None, name): job for name, job in batch.trusted_jobs.items()}
    runnable.update({key: job for key, job in batch.jobs.items() if job.get("nb")})
    from .sync import beside_the_kernels
    batch.options["started"] = lambda: beside_the_kernels(batch)
    runs = run_all(runnable, batch.options)
    if "abort" not in batch.options:   # no kernel ran
        beside_the_kernels(batch)
    batch.options["abort"](wait=True)   # before the first write
    for name, job in batch.trusted_jobs.items():
        run = runs.pop((None, name))
        if "error" in run:   # the machine's fault, not the course's: nothing is graded against it
            raise SourceError(f"the trusted run of source/{name} could not run, so nothing was graded: {run['error']}")
        check_trusted(name, run)
        save(batch.sources[name], job["files"], run)
        batch.trusted[name] = run
    batch.runs.update(runs)


def judge_runs(batch):
    """Decide every item in this process, against the trusted run; a pair that cannot be judged is an
    error of its own (its run failed through the grader's or the machine's fault, or the verdict did)."""
    from .plan import result_of
    for (student, name), job in sorted(batch.jobs.items()):
        source, run = batch.sources[name], batch.runs.get((student, name))
        try:
            if run is not None and "error" in run:
                job = {"nb": None, "tests": job["tests"], "status": "error", "reason": run["error"]}
            result = result_of(student, name, source, job, run, batch.trusted[name])
        except Exception as err:  # noqa: BLE001 - one pair's verdict failing never costs the batch
            error = {"nb": None, "status": "error",
                     "reason": f"judging {student}'s {name} failed: {type(err).__name__}: {err}"}
            result = result_of(student, name, source, error, None, batch.trusted[name])
        batch.results.append(result)


STEPS = (check_sandbox, start_imports, load_sources, plan_jobs, keep_notebooks, run_jobs, judge_runs, mark_late,
         write_reports, write_gradebook, write_autograded, write_feedback)   # reports first: they are never lost
WRITERS = (write_gradebook, write_autograded, write_reports, write_feedback)   # what --dry-run skips


def grade(assignment, root=".", **options):
    """Grade every submission of assignment in the course directory root; return the Results.

    options: jobs (default: the core count), scheduler (a dask address), cell_timeout and total_timeout
    (seconds), memory_gib (GiB per kernel), report_dir, gradebook (False: leave it and autograded/ alone),
    students (grade only these; touch no one else's records), dry_run (grade, write nothing), progress,
    gradebook_timeout (seconds to wait for a locked gradebook; then GradebookNotWritten, with the reports
    and feedback written).

    >>> results = grade("01-chain-rule", jobs=2)
    >>> sorted({r.status for r in results})
    ['graded']
    """
    if "memory" in options:
        raise TypeError("grade() takes memory_gib (GiB of address space per kernel), not memory")
    if options.get("memory_gib") is not None:
        options["memory"] = int(options.pop("memory_gib") * 1024 ** 3)
    batch = Batch(assignment, Path(root).resolve(), options)
    try:
        for step in STEPS:
            if not (options.get("dry_run") and step in WRITERS):
                step(batch)
            if step is plan_jobs and not batch.jobs:
                break   # no submissions: nothing to run, and no earlier report or grade to overwrite
    finally:
        if batch.executed is not None:
            batch.executed.close()
    return batch.results
