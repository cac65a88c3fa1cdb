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
    """One job per (student, notebook), with test cells restored; plus a trusted run per notebook.
    Whatever goes wrong in planning one pair becomes that pair's status, with the student named."""
    from .plan import cached, data_files, trusted_job
    files = data_files(batch.root / "source" / batch.assignment)
    submitted = batch.root / "submitted"
    # Like nbgrader: a student with no submitted/STUDENT/ASSIGNMENT folder has not submitted this assignment.
    students = sorted(p.name for p in submitted.iterdir() if os.path.lexists(p / batch.assignment)) \
        if submitted.is_dir() else []
    if batch.options.get("students"):   # a regrade of some students touches no one else
        students = _chosen(batch, students)
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
        for (student, _), job in batch.jobs.items():
            job["keep"] = student != TRUSTED


def run_jobs(batch):
    """Run every runnable job in its own sandbox, --jobs at a time (or on a dask cluster). A trusted run
    travels under the key (None, notebook), which no (student, notebook) can equal."""
    from .parallel import run_all
    from .plan import SourceError, check_trusted, save
    runnable = {key: job for key, job in batch.jobs.items() if job.get("nb")}
    runnable.update({(None, name): job for name, job in batch.trusted_jobs.items()})
    runs = run_all(runnable, batch.options)
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
        failed = gradebook.record(url, batch.assignment, batch.sources, recorded)
    except Exception as err:  # noqa: BLE001 - NotWritten, or any other refusal: the reports are kept
        why = err.args[0] if isinstance(err, gradebook.NotWritten) else f"{type(err).__name__}: {err}"
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
    except Exception as err:  # noqa: BLE001 - the scores are written; the reports and feedback too
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
    report.write(results, folder)
    order = {name: [t.grade_id for t in graded_cells(nb)] for name, nb in batch.sources.items()}
    classreport.write(batch.assignment, results, order, folder)


def write_feedback(batch):
    """feedback/STUDENT/ASSIGNMENT/NOTEBOOK.html for every student; a pair whose status is not the
    student's doing (error), or who has no valid id, keeps the feedback it had."""
    from . import feedback
    from .result import UNRECORDED
    failed = False
    for r in [r for r in batch.results if r.status not in UNRECORDED]:
        try:
            feedback.write([r], batch.root, batch.assignment)
        except Exception as err:  # noqa: BLE001 - one page that cannot be written costs only its pair
            r.status, r.reason, failed = "error", f"its feedback could not be written: {type(err).__name__}: {err}", True
    if failed:
        write_reports(batch)


STEPS = (check_sandbox, start_imports, load_sources, plan_jobs, keep_notebooks, run_jobs, judge_runs, mark_late,
         write_reports, write_feedback, write_gradebook, write_autograded)   # reports first: they are never lost
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


HELP = """\
preflight: before anything is read or written, a sandbox self-test checks that bwrap runs with the
sandbox's flags and that a kernel in it starts and imports numpy and autograder. If not, the run
exits 2 with bwrap's own message and the fix, and writes nothing.

statuses (one per student and notebook, in the table, grades.csv and grades.json):
  graded              every test cell ran; the score is what the tests gave
  timeout, memory     a cell went over its time or memory limit and was stopped; the cells after it
                      still ran and were scored, unless the notebook's total time ran out
  crashed             the kernel died, or the grading worker did; the tests after it score 0
  invalid notebook    not a valid notebook, over the size limit, or not a regular file (a link, a FIFO)
  missing notebook    the student's folder has no such notebook
  tampered            a test cell was changed while it ran; it scores 0
  invalid student id  the folder name breaks nbgrader's rules for student ids; nothing is graded
  error               the grader's or the machine's fault, not the student's (the reason says which)
A pair with status error or invalid student id is in the reports only: its earlier feedback and
gradebook rows stay as they were.

writing: reports/ first, then feedback/, then the gradebook and autograded/. A locked gradebook is
waited for (--gradebook-timeout); if it stays locked, reports/ and feedback/ are kept, and the run
prints the command that writes the gradebook from reports/ later (--gradebook-only).

exit codes:
  0  every pair graded, and everything written
  1  some pair not graded, no submissions, or the gradebook not written
  2  a usage error, or nothing graded and nothing written: the sandbox self-test failed, or
     source/ does not pass its own tests"""


def add_arguments(parser):
    """The options of `autograder grade` (imports nothing heavy: --help stays fast)."""
    parser.epilog = f"{HELP}\n\n{parser.epilog}" if parser.epilog else HELP
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
    parser.add_argument("--gradebook-timeout", type=float, default=60,
                        help="seconds to wait for a gradebook that another program is writing (default: 60)")
    parser.add_argument("--gradebook-only", action="store_true",
                        help="grade nothing: write the results stored in reports/ASSIGNMENT/grades.json into the "
                             "gradebook (after a run that found it locked)")


def main(args):
    """Run grade() from parsed arguments; print one line per pair; exit 1 unless all are graded."""
    from .report import table
    # jsonschema (under nbformat) parses an IRI grammar at import when rfc3987_syntax is installed: a
    # second of start-up for a format that notebooks never use. The CLI process (and its workers) skip it.
    sys.modules.setdefault("rfc3987_syntax", None)
    from .plan import SourceError
    from .preflight import PreflightError
    if args.gradebook_only:
        return _gradebook_only(args)
    try:
        results = grade(args.assignment, root=args.root, jobs=args.jobs, scheduler=args.scheduler,
                        cell_timeout=args.cell_timeout, total_timeout=args.total_timeout,
                        memory_gib=args.memory_gib, report_dir=args.report_dir, students=args.students,
                        dry_run=args.dry_run, gradebook=not args.no_gradebook, progress=True,
                        gradebook_timeout=args.gradebook_timeout)
    except (SourceError, FileNotFoundError, PreflightError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except GradebookNotWritten as err:
        print(table(err.results))
        print(f"error: the gradebook was not written: {err.args[0]}\nreports/ and feedback/ are written. "
              f"To write the gradebook from the reports once it is free, run:\n  {err.args[1]}", file=sys.stderr)
        return 1
    if not results:
        print(f"no submissions: no folder submitted/*/{args.assignment}/, so nothing was graded or written")
        return 1
    print(table(results))
    return 0 if all(r.status == "graded" for r in results) else 1


def _gradebook_only(args):
    """--gradebook-only: gradebook.write_later(), and what it wrote."""
    from .gradebook import NotWritten, write_later
    from .report import clean
    try:
        written, failed = write_later(args.assignment, args.root, args.report_dir, args.gradebook_timeout)
    except FileNotFoundError as err:
        print(f"error: no stored results to write ({err}): run autograder grade {args.assignment} first",
              file=sys.stderr)
        return 2
    except NotWritten as err:
        print(f"error: the gradebook was not written: {err}", file=sys.stderr)
        return 1
    for (student, notebook), why in sorted(failed.items()):
        print(clean(f"not written: {student} {notebook}: {why}", one_line=True))
    print(f"wrote {len(written)} stored results of {args.assignment} into the gradebook")
    return 0 if not failed else 1
