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
    executed: object = None   # autograded.Executed: the executed notebooks, on disk, awaiting their verdicts


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
    if batch.options.get("students"):   # a regrade of some students touches no one else
        students = _chosen(batch, students)
    for name, nb in batch.sources.items():
        trusted = cached(nb, files)
        if trusted is None:
            batch.jobs[(TRUSTED, name)] = trusted_job(nb, name, files)
        else:
            batch.runs[(TRUSTED, name)] = trusted
        for student in students:
            folder = submitted / student / batch.assignment
            batch.jobs[(student, name)] = student_job(folder, name, nb, set(batch.sources), files)


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
        for (student, _), job in batch.jobs.items():
            job["keep"] = student != TRUSTED


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


def mark_late(batch):
    """seconds_late and late_penalty from timestamp.txt, the gradebook's due date and nbgrader's plugin."""
    from . import gradebook, late
    late.mark(batch.results, batch.root, gradebook.db_url(batch.root), batch.assignment)


def write_gradebook(batch):
    """auto_score of every item into nbgrader's gradebook (formgrader, nbgrader export)."""
    if not batch.options.get("gradebook", True):
        return
    from . import gradebook
    url = gradebook.db_url(batch.root)
    gradebook.ensure_assignment(url, batch.assignment, batch.sources)
    gradebook.write(url, batch.assignment, batch.results)


def write_autograded(batch):
    """autograded/STUDENT/ASSIGNMENT/*.ipynb and the rest of nbgrader autograde's gradebook rows."""
    if batch.executed is None:
        return
    from . import autograded, gradebook
    autograded.write(batch, batch.executed, gradebook.db_url(batch.root))


def write_reports(batch):
    """reports/ASSIGNMENT/grades.csv and grades.json."""
    from . import report
    folder = batch.options.get("report_dir") or batch.root / "reports" / batch.assignment
    results = batch.results
    if batch.options.get("students"):
        from .subset import with_others
        results = with_others(results, folder)
    report.write(results, folder)


def write_feedback(batch):
    """feedback/STUDENT/ASSIGNMENT/NOTEBOOK.html for every student."""
    from . import feedback
    feedback.write(batch.results, batch.root, batch.assignment)


STEPS = (start_imports, load_sources, plan_jobs, keep_notebooks, run_jobs, judge_runs, mark_late, write_gradebook,
         write_autograded, write_reports, write_feedback)
WRITERS = (write_gradebook, write_autograded, write_reports, write_feedback)   # what --dry-run skips


def grade(assignment, root=".", **options):
    """Grade every submission of assignment in the course directory root; return the Results.

    options: jobs (default: the core count), scheduler (a dask address), cell_timeout and total_timeout
    (seconds), memory_gib (GiB per kernel), report_dir, gradebook (False: leave it and autograded/ alone),
    students (grade only these; touch no one else's records), dry_run (grade, write nothing), progress.

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
    finally:
        if batch.executed is not None:
            batch.executed.close()
    return batch.results


def add_arguments(parser):
    """The options of `autograder grade` (imports nothing heavy: --help stays fast)."""
    parser.add_argument("assignment", help="the assignment to grade, as named in source/ (e.g. 01-chain-rule)")
    parser.add_argument("--root", default=".", help="the nbgrader course directory (default: .)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count(), help="submissions graded at once (default: the core count)")
    parser.add_argument("--scheduler", help="address of a dask.distributed scheduler to run the kernels on")
    parser.add_argument("--cell-timeout", type=float, default=30, help="seconds per cell (default: 30)")
    parser.add_argument("--total-timeout", type=float, default=300, help="seconds per notebook (default: 300)")
    parser.add_argument("--memory-gib", type=float, default=2, help="GiB of address space per kernel (default: 2)")
    parser.add_argument("--report-dir", help="where grades.csv and grades.json go (default: reports/ASSIGNMENT)")
    parser.add_argument("--no-gradebook", action="store_true", help="write neither nbgrader's gradebook nor autograded/")
    parser.add_argument("--student", action="append", dest="students", metavar="NAME",
                        help="grade only this student (repeatable); everyone else's records stay as they are")
    parser.add_argument("--dry-run", action="store_true", help="grade and print the table, but write nothing")


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
                        memory_gib=args.memory_gib, report_dir=args.report_dir, students=args.students,
                        dry_run=args.dry_run, gradebook=not args.no_gradebook, progress=True)
    except (SourceError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(table(results) if results else f"no submissions: submitted/*/{args.assignment}/ is empty")
    return 0 if all(r.status == "graded" for r in results) else 1
