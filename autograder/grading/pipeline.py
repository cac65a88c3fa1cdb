"""`autograder grade`: grade nbgrader submissions in sandboxes, in parallel, into nbgrader's gradebook.

Like nbgrader's preprocessors, the batch goes through the steps of STEPS in
order; each is a small function of the Batch. Only run_jobs is parallel (one
sandboxed kernel per (student, notebook) pair); every write happens after it,
in this process, so the gradebook has a single writer.
"""
import importlib
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

from .result import STATUSES, TRUSTED, Result  # noqa: F401 - part of the API


@dataclass
class Batch:
    """Everything the steps share: settings in, results out."""
    assignment: str
    root: Path
    options: dict
    sources: dict = field(default_factory=dict)    # notebook name -> source notebook
    jobs: dict = field(default_factory=dict)       # (student, notebook) -> job
    runs: dict = field(default_factory=dict)       # (student, notebook) -> what the kernel reported
    results: list = field(default_factory=list)


def start_imports(batch):
    """Start the workers' forkserver, and import nbgrader's gradebook API in the background: each takes
    most of a second, and both overlap the planning (and the kernels). The gradebook step imports the
    API again, waiting for this import if it is unfinished."""
    if not batch.options.get("scheduler"):
        from .parallel import start_workers
        start_workers()
    if batch.options.get("gradebook", True):
        threading.Thread(target=importlib.import_module, args=("nbgrader.api",), daemon=True).start()


def load_sources(batch):
    """source/ASSIGNMENT/*.ipynb: the solutions and hidden tests, the only truth."""
    from .restore import read
    folder = batch.root / "source" / batch.assignment
    batch.sources = {p.stem: read(p) for p in sorted(folder.glob("*.ipynb"))}
    if not batch.sources:
        raise FileNotFoundError(f"no notebooks in {folder}")


def plan_jobs(batch):
    """One job per (student, notebook), with test cells restored; plus a trusted run per notebook."""
    from .plan import cached, data_files, student_job, trusted_job
    files = data_files(batch.root / "source" / batch.assignment)
    submitted = batch.root / "submitted"
    # Like nbgrader: a student with no submitted/STUDENT/ASSIGNMENT folder has not submitted this assignment.
    students = sorted(p.parent.name for p in submitted.glob(f"*/{batch.assignment}") if p.is_dir())
    for name, nb in batch.sources.items():
        trusted = cached(nb, files)
        if trusted is None:
            batch.jobs[(TRUSTED, name)] = trusted_job(nb, name, files)
        else:
            batch.runs[(TRUSTED, name)] = trusted
        for student in students:
            folder = submitted / student / batch.assignment
            batch.jobs[(student, name)] = student_job(folder, name, nb, set(batch.sources), files)


def run_jobs(batch):
    """Run every runnable job in its own sandbox, --jobs at a time (or on a dask cluster)."""
    from .parallel import run_all
    from .plan import check_trusted, save
    runnable = {key: job for key, job in batch.jobs.items() if job.get("nb")}
    batch.runs.update(run_all(runnable, batch.options))
    for key, job in batch.jobs.items():
        if key[0] == TRUSTED:
            check_trusted(key[1], batch.runs[key])
            save(batch.sources[key[1]], job["files"], batch.runs[key])


def judge_runs(batch):
    """Decide every item in this process, against the trusted run."""
    from .plan import result_of
    for (student, name), job in sorted(batch.jobs.items()):
        if student != TRUSTED:
            trusted = batch.runs[(TRUSTED, name)]
            batch.results.append(result_of(student, name, batch.sources[name], job, batch.runs.get((student, name)),
                                           trusted))


def write_gradebook(batch):
    """auto_score of every item into nbgrader's gradebook (formgrader, nbgrader export)."""
    if not batch.options.get("gradebook", True):
        return
    from . import gradebook
    url = gradebook.db_url(batch.root)
    gradebook.ensure_assignment(url, batch.assignment, batch.sources)
    gradebook.write(url, batch.assignment, batch.results)


def write_reports(batch):
    """reports/ASSIGNMENT/grades.csv and grades.json."""
    from . import report
    folder = batch.options.get("report_dir") or batch.root / "reports" / batch.assignment
    report.write(batch.results, folder)


def write_feedback(batch):
    """feedback/STUDENT/ASSIGNMENT/NOTEBOOK.html for every student."""
    from . import feedback
    feedback.write(batch.results, batch.root, batch.assignment)


STEPS = (start_imports, load_sources, plan_jobs, run_jobs, judge_runs, write_gradebook, write_reports, write_feedback)


def grade(assignment, root=".", **options):
    """Grade every submission of assignment in the course directory root; return the Results.

    options: jobs (default: the core count), scheduler (a dask address), cell_timeout,
    total_timeout, memory (bytes), report_dir, gradebook (False: leave it alone), progress.

    >>> results = grade("01-chain-rule", jobs=2)
    >>> sorted({r.status for r in results})
    ['graded']
    """
    batch = Batch(assignment, Path(root).resolve(), options)
    for step in STEPS:
        step(batch)
    return batch.results


def add_arguments(parser):
    """The options of `autograder grade` (imports nothing heavy: --help stays fast)."""
    parser.add_argument("assignment", help="the assignment to grade, as named in source/ (e.g. 01-chain-rule)")
    parser.add_argument("--root", default=".", help="the nbgrader course directory (default: .)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="submissions graded at once (default: the core count)")
    parser.add_argument("--scheduler", help="address of a dask.distributed scheduler to run the kernels on")
    parser.add_argument("--cell-timeout", type=float, default=30, help="seconds per cell (default: 30)")
    parser.add_argument("--total-timeout", type=float, default=300, help="seconds per notebook (default: 300)")
    parser.add_argument("--memory", type=float, default=2, help="GiB of address space per kernel (default: 2)")
    parser.add_argument("--report-dir", help="where grades.csv and grades.json go (default: reports/ASSIGNMENT)")
    parser.add_argument("--no-gradebook", action="store_true", help="do not write nbgrader's gradebook")


def main(args):
    """Run grade() from parsed arguments; print one line per pair; exit 1 unless all are graded."""
    from .report import table
    # jsonschema (under nbformat) parses an IRI grammar at import when rfc3987_syntax is installed: a
    # second of start-up for a format that notebooks never use. The CLI process (and its workers) skip it.
    sys.modules.setdefault("rfc3987_syntax", None)
    from .plan import SourceError
    try:
        results = grade(args.assignment, root=args.root, jobs=args.jobs, scheduler=args.scheduler,
                        cell_timeout=args.cell_timeout, total_timeout=args.total_timeout,
                        memory=int(args.memory * 1024 ** 3), report_dir=args.report_dir,
                        gradebook=not args.no_gradebook, progress=True)
    except (SourceError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(table(results) if results else f"no submissions: submitted/*/{args.assignment}/ is empty")
    return 0 if all(r.status == "graded" for r in results) else 1
